//! SQLite type spelling: SeaORM's names (`datetime_text`, `json_text`, `real(p, s)`), which are
//! what SeaORM-created SQLite databases hold and which SQLite maps to an affinity by name.

use crate::types::{ColumnType, DefaultValue, StringLen};

pub(super) fn spell(ty: &ColumnType) -> Option<String> {
    Some(match ty {
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Integer { bytes, .. } => match bytes {
            1 => "tinyint",
            2 => "smallint",
            _ => "integer",
        }
        .into(),
        ColumnType::Float => "float".into(),
        ColumnType::Double => "double".into(),
        ColumnType::Decimal { precision } => match precision {
            Some((p, s)) => format!("real({p}, {s})"),
            None => "real_decimal".into(),
        },
        ColumnType::Money { precision } => match precision {
            Some((p, s)) => format!("real_money({p}, {s})"),
            None => "real_money".into(),
        },
        ColumnType::String { len } => match len {
            StringLen::N(n) => format!("varchar({n})"),
            StringLen::None | StringLen::Max => "varchar".into(),
        },
        ColumnType::Char { len } => match len {
            Some(n) => format!("char({n})"),
            None => "char".into(),
        },
        ColumnType::Text => "text".into(),
        ColumnType::Blob => "blob".into(),
        ColumnType::Binary { len } => format!("blob({len})"),
        ColumnType::VarBinary { len } => match len {
            StringLen::N(n) => format!("varbinary_blob({n})"),
            StringLen::None | StringLen::Max => "varbinary_blob".into(),
        },
        ColumnType::Date => "date_text".into(),
        ColumnType::Time => "time_text".into(),
        ColumnType::DateTime => "datetime_text".into(),
        ColumnType::Timestamp => "timestamp_text".into(),
        ColumnType::TimestampTz => "timestamp_with_timezone_text".into(),
        ColumnType::Json => "json_text".into(),
        ColumnType::JsonBinary => "jsonb_text".into(),
        ColumnType::Uuid => "uuid_text".into(),
        ColumnType::Enum { .. } => "enum_text".into(),
        ColumnType::Custom { sql } => sql.clone(),
        ColumnType::Interval { .. }
        | ColumnType::Year
        | ColumnType::Bit { .. }
        | ColumnType::VarBit { .. }
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
