//! PostgreSQL type spelling.

use super::precision_suffix;
use crate::types::{ColumnType, DefaultValue, StringLen};

pub(super) fn spell(ty: &ColumnType) -> Option<String> {
    Some(match ty {
        ColumnType::Boolean => "bool".into(),
        ColumnType::Integer { bytes, unsigned } => match (bytes, unsigned) {
            (1 | 2, false) | (1, true) => "smallint",
            (4, false) | (2, true) => "integer",
            _ => "bigint",
        }
        .into(),
        ColumnType::Float => "real".into(),
        ColumnType::Double => "double precision".into(),
        ColumnType::Decimal { precision } => format!("decimal{}", precision_suffix(*precision)),
        ColumnType::Money { precision } => format!("money{}", precision_suffix(*precision)),
        ColumnType::String { len } => match len {
            StringLen::N(n) => format!("varchar({n})"),
            StringLen::None | StringLen::Max => "varchar".into(),
        },
        ColumnType::Char { len } => match len {
            Some(n) => format!("char({n})"),
            None => "char".into(),
        },
        ColumnType::Text => "text".into(),
        ColumnType::Blob | ColumnType::Binary { .. } | ColumnType::VarBinary { .. } => {
            "bytea".into()
        }
        ColumnType::Bit { len } => match len {
            Some(n) => format!("bit({n})"),
            None => "bit".into(),
        },
        ColumnType::VarBit { len } => format!("varbit({len})"),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::DateTime => "timestamp without time zone".into(),
        ColumnType::Timestamp => "timestamp".into(),
        ColumnType::TimestampTz => "timestamp with time zone".into(),
        ColumnType::Interval { fields, precision } => {
            let mut out = String::from("interval");
            if let Some(fields) = fields {
                out.push(' ');
                out.push_str(fields);
            }
            if let Some(p) = precision {
                out.push_str(&format!("({p})"));
            }
            out
        }
        ColumnType::Year => return None,
        ColumnType::Json => "json".into(),
        ColumnType::JsonBinary => "jsonb".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Inet => "inet".into(),
        ColumnType::Cidr => "cidr".into(),
        ColumnType::MacAddr => "macaddr".into(),
        ColumnType::LTree => "ltree".into(),
        ColumnType::Vector { dim } => match dim {
            Some(n) => format!("vector({n})"),
            None => "vector".into(),
        },
        ColumnType::Enum { schema, name, .. } => {
            super::Dialect::Postgres.quote_qualified(schema.as_deref(), name)
        }
        ColumnType::Array { of } => format!("{}[]", spell(of)?),
        ColumnType::Custom { sql } => sql.clone(),
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
