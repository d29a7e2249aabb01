//! MySQL and MariaDB type spelling.

use super::{Dialect, precision_suffix};
use crate::types::{ColumnType, DefaultValue, StringLen};

pub(super) fn spell(ty: &ColumnType) -> Option<String> {
    Some(match ty {
        ColumnType::Boolean => "bool".into(),
        ColumnType::Integer { bytes, unsigned } => {
            let base = match bytes {
                1 => "tinyint",
                2 => "smallint",
                4 => "int",
                _ => "bigint",
            };
            if *unsigned {
                format!("{base} UNSIGNED")
            } else {
                base.into()
            }
        }
        ColumnType::Float => "float".into(),
        ColumnType::Double => "double".into(),
        ColumnType::Decimal { precision } | ColumnType::Money { precision } => {
            format!("decimal{}", precision_suffix(*precision))
        }
        ColumnType::String { len } => match len {
            StringLen::N(n) => format!("varchar({n})"),
            StringLen::None => "varchar(255)".into(),
            StringLen::Max => "varchar(65535)".into(),
        },
        ColumnType::Char { len } => match len {
            Some(n) => format!("char({n})"),
            None => "char".into(),
        },
        ColumnType::Text => "text".into(),
        ColumnType::Blob => "blob".into(),
        ColumnType::Binary { len } => format!("binary({len})"),
        ColumnType::VarBinary { len } => match len {
            StringLen::N(n) => format!("varbinary({n})"),
            StringLen::None => "varbinary(255)".into(),
            StringLen::Max => "varbinary(65535)".into(),
        },
        ColumnType::Bit { len } => match len {
            Some(n) => format!("bit({n})"),
            None => "bit".into(),
        },
        ColumnType::VarBit { len } => format!("bit({len})"),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::DateTime => "datetime".into(),
        ColumnType::Timestamp | ColumnType::TimestampTz => "timestamp".into(),
        ColumnType::Year => "year".into(),
        ColumnType::Json | ColumnType::JsonBinary => "json".into(),
        ColumnType::Uuid => "binary(16)".into(),
        ColumnType::Enum { values, .. } => {
            let values: Vec<String> = values
                .iter()
                .map(|v| Dialect::Mysql.string_literal(v))
                .collect();
            format!("ENUM({})", values.join(", "))
        }
        ColumnType::Custom { sql } => sql.clone(),
        ColumnType::Interval { .. }
        | ColumnType::Inet
        | ColumnType::Cidr
        | ColumnType::MacAddr
        | ColumnType::LTree
        | ColumnType::Vector { .. }
        | ColumnType::Array { .. } => return None,
    })
}

/// Reads a native spelling back; see [`super::Dialect::parse_type`].
pub(super) fn parse(sql: &str) -> ColumnType {
    ColumnType::custom(sql.trim())
}

/// Reads a stored default back; see [`super::Dialect::parse_default`].
pub(super) fn parse_default(sql: &str, _ty: &ColumnType) -> Option<DefaultValue> {
    Some(DefaultValue::Expr(sql.trim().to_owned()))
}
