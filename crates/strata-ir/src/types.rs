//! Column types, defaults and referential actions: the vocabulary of a column definition.

use serde::{Deserialize, Serialize};

/// Length of a variable-length string or binary type, as SeaORM writes it
/// (`StringLen::None`, `StringLen::N(n)`, `StringLen::Max`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StringLen {
    /// No length given: each dialect applies its own default (`varchar` on PostgreSQL,
    /// `varchar(255)` on MySQL).
    None,
    N(u32),
    /// The dialect's maximum.
    Max,
}

/// A dialect-neutral column type. The variants follow sea-query's `ColumnType`, the language
/// SeaORM entities are written in; [`crate::dialect`] turns them into native spellings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnType {
    Boolean,
    /// Integers by width in bytes (1, 2, 4 or 8) and signedness.
    Integer {
        bytes: u8,
        unsigned: bool,
    },
    Float,
    Double,
    /// `precision` and `scale`, when given.
    Decimal {
        precision: Option<(u32, u32)>,
    },
    Money {
        precision: Option<(u32, u32)>,
    },
    String {
        len: StringLen,
    },
    Char {
        len: Option<u32>,
    },
    Text,
    Blob,
    Binary {
        len: u32,
    },
    VarBinary {
        len: StringLen,
    },
    Bit {
        len: Option<u32>,
    },
    VarBit {
        len: u32,
    },
    Date,
    Time,
    /// Timestamp without time zone, as SeaORM's `DateTime` (`datetime` on MySQL).
    DateTime,
    /// `timestamp` without time zone, as SeaORM's `Timestamp`.
    Timestamp,
    TimestampTz,
    Interval {
        /// PostgreSQL interval fields, e.g. `DAY TO SECOND`.
        fields: Option<String>,
        precision: Option<u32>,
    },
    Year,
    Json,
    JsonBinary,
    Uuid,
    Inet,
    Cidr,
    MacAddr,
    LTree,
    Vector {
        dim: Option<u32>,
    },
    /// A named enumeration: a type of its own on PostgreSQL (`schema.name`), an inline
    /// `ENUM(...)` on MySQL, text on SQLite.
    Enum {
        schema: Option<String>,
        name: String,
        values: Vec<String>,
    },
    Array {
        of: Box<ColumnType>,
    },
    /// A type strata does not model, spelled as the database spells it.
    Custom {
        sql: String,
    },
}

impl ColumnType {
    pub const fn int(bytes: u8) -> Self {
        ColumnType::Integer {
            bytes,
            unsigned: false,
        }
    }
    pub const fn uint(bytes: u8) -> Self {
        ColumnType::Integer {
            bytes,
            unsigned: true,
        }
    }
    pub fn custom(sql: impl Into<String>) -> Self {
        ColumnType::Custom { sql: sql.into() }
    }
}

/// A literal default value, spelled per dialect by [`crate::dialect`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i128),
    /// Kept as written, so `1.50` stays `1.50`.
    Float(String),
    String(String),
}

/// A column default: a literal value or an SQL expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DefaultValue {
    Literal(Literal),
    /// SQL text, e.g. `CURRENT_TIMESTAMP` or `gen_random_uuid()`.
    Expr(String),
    /// A Rust expression the entity reader could not translate to SQL; it is kept so that the
    /// difference is visible, and is never rendered into DDL.
    Opaque(String),
}

/// `ON DELETE` / `ON UPDATE` action of a foreign key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }

    /// Reads SeaORM's variant names (`"SetNull"`) and SQL spellings (`"SET NULL"`).
    pub fn parse(text: &str) -> Option<Self> {
        let key: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(match key.as_str() {
            "noaction" => FkAction::NoAction,
            "restrict" => FkAction::Restrict,
            "cascade" => FkAction::Cascade,
            "setnull" => FkAction::SetNull,
            "setdefault" => FkAction::SetDefault,
            _ => return None,
        })
    }
}
