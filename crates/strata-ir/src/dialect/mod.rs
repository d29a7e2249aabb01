//! Per-dialect spelling: identifiers, types and literals, one module per database.
//!
//! Spelling follows what sea-query 1.0 renders for SeaORM 2.0 (so a database strata creates is the
//! one SeaORM would create), except where sea-query writes invalid SQL (PostgreSQL enum type
//! names are quoted here) or panics (those types are [`Unsupported`] instead).
//!
//! The same files read native spellings back ([`Dialect::parse_type`], [`Dialect::parse_default`]),
//! so introspection and emission share one table per dialect and cannot disagree. The canonical
//! form of a model value is what the database would report after strata created it:
//! `canonical_type(t) = parse_type(spell_type(t))`, and the same for defaults.

mod mysql;
mod postgres;
mod sqlite;

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::types::{ColumnType, DefaultValue, Literal};

pub(crate) mod spelling;

pub use spelling::strip_outer_parens;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Postgres,
    /// MySQL 8 and MariaDB 10.11+.
    Mysql,
    Sqlite,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// Accepts the names users write: `postgres`, `postgresql`, `pg`, `mysql`, `mariadb`,
    /// `sqlite`.
    pub fn parse(name: &str) -> Option<Dialect> {
        match name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            "sqlite" | "sqlite3" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    /// Quotes an identifier (`"name"` or `` `name` ``), doubling embedded quote characters.
    pub fn quote(self, ident: &str) -> String {
        let q = match self {
            Dialect::Mysql => '`',
            Dialect::Postgres | Dialect::Sqlite => '"',
        };
        let mut out = String::with_capacity(ident.len() + 2);
        out.push(q);
        for c in ident.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
        out
    }

    /// Quotes `schema.name`, or `name` alone.
    pub fn quote_qualified(self, schema: Option<&str>, name: &str) -> String {
        match schema {
            Some(schema) => format!("{}.{}", self.quote(schema), self.quote(name)),
            None => self.quote(name),
        }
    }

    /// An index or constraint name as SQL: [`Dialect::fit_name`], then [`Dialect::quote`].
    pub fn quote_name(self, name: &str) -> String {
        self.quote(&self.fit_name(name))
    }

    /// The name the database holds for an index or constraint named `name`: the name itself
    /// when it fits the dialect's limit on identifiers, else what strata writes instead.
    /// PostgreSQL keeps the first 63 bytes (NAMEDATALEN - 1, cut at a character boundary, as
    /// its parser does with any longer identifier, so a database SeaORM created holds the same
    /// name); MySQL and MariaDB refuse names over 64 characters, so a longer name keeps a prefix
    /// and ends with `_` and a hash of the whole name, which keeps distinct names distinct;
    /// SQLite has no limit. Names that fit come back unchanged, so fitting twice changes
    /// nothing. The emitter writes, and the comparison reads, every index and constraint name
    /// through this.
    pub fn fit_name(self, name: &str) -> Cow<'_, str> {
        match self {
            Dialect::Postgres => postgres::fit_name(name),
            Dialect::Mysql => mysql::fit_name(name),
            Dialect::Sqlite => Cow::Borrowed(name),
        }
    }

    /// The native spelling of a column type, or why this dialect cannot store it.
    pub fn spell_type(self, ty: &ColumnType) -> Result<String, Unsupported> {
        let spelled = match self {
            Dialect::Postgres => postgres::spell(ty),
            Dialect::Mysql => mysql::spell(ty),
            Dialect::Sqlite => sqlite::spell(ty),
        };
        spelled.ok_or_else(|| Unsupported {
            dialect: self,
            what: type_label(ty),
        })
    }

    /// An SQL string literal: `'it''s'` (MySQL also escapes backslashes).
    pub fn string_literal(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('\'');
        for c in text.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' if self == Dialect::Mysql => out.push_str("\\\\"),
                _ => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    /// Reads a native type spelling back (`character varying(20)`, `int(11) unsigned`,
    /// `datetime_text`). Never fails: a spelling strata does not model is [`ColumnType::Custom`],
    /// holding the text as given. PostgreSQL enum types are not recognised here (a name alone
    /// does not say it is an enum); introspection resolves them from the catalog.
    pub fn parse_type(self, sql: &str) -> ColumnType {
        match self {
            Dialect::Postgres => postgres::parse(sql),
            Dialect::Mysql => mysql::parse(sql),
            Dialect::Sqlite => sqlite::parse(sql),
        }
    }

    /// Reads a stored default expression back, undoing what the database adds (casts such as
    /// `'x'::character varying`, MariaDB's quoting, `current_timestamp()`): literals become
    /// [`DefaultValue::Literal`] typed by the column type `ty`, everything else a normalised
    /// [`DefaultValue::Expr`]. `None` for a default of `NULL`, which is no default at all.
    pub fn parse_default(self, sql: &str, ty: &ColumnType) -> Option<DefaultValue> {
        match self {
            Dialect::Postgres => postgres::parse_default(sql, ty),
            Dialect::Mysql => mysql::parse_default(sql, ty),
            Dialect::Sqlite => sqlite::parse_default(sql, ty),
        }
    }

    /// What the database reports for a column strata creates with type `ty`:
    /// `parse_type(spell_type(ty))`, keeping enum types (which the catalog resolves) and types
    /// the dialect cannot store as they are.
    pub fn canonical_type(self, ty: &ColumnType) -> ColumnType {
        match (self, ty) {
            (Dialect::Postgres, ColumnType::Enum { .. }) => ty.clone(),
            // PostgreSQL records no dimensions: `integer[][]` is reported as `integer[]`.
            (Dialect::Postgres, ColumnType::Array { of }) => match self.canonical_type(of) {
                inner @ ColumnType::Array { .. } => inner,
                inner => ColumnType::Array {
                    of: Box::new(inner),
                },
            },
            _ => match self.spell_type(ty) {
                Ok(sql) => self.parse_type(&sql),
                Err(_) => ty.clone(),
            },
        }
    }

    /// What the database reports for a default strata creates on a column of type `ty`:
    /// `parse_default(spell_default(default))`. Opaque defaults (no SQL form) stay as they are.
    pub fn canonical_default(
        self,
        default: &DefaultValue,
        ty: &ColumnType,
    ) -> Option<DefaultValue> {
        match self.spell_default(default) {
            Some(sql) => self.parse_default(&sql, &self.canonical_type(ty)),
            None => Some(default.clone()),
        }
    }

    pub fn spell_literal(self, literal: &Literal) -> String {
        match literal {
            Literal::Null => "NULL".to_owned(),
            Literal::Bool(true) => "TRUE".to_owned(),
            Literal::Bool(false) => "FALSE".to_owned(),
            Literal::Int(i) => i.to_string(),
            Literal::Float(f) => f.clone(),
            Literal::String(s) => self.string_literal(s),
        }
    }

    /// The SQL after `DEFAULT`, or `None` for a default that has no SQL form.
    pub fn spell_default(self, default: &DefaultValue) -> Option<String> {
        match default {
            DefaultValue::Literal(literal) => Some(self.spell_literal(literal)),
            DefaultValue::Expr(sql) => Some(match self {
                // MySQL wants parentheses around expression defaults other than the
                // CURRENT_TIMESTAMP family.
                Dialect::Mysql if !is_bare_keyword(sql) => format!("({sql})"),
                // SQLite requires parentheses around any non-keyword expression.
                Dialect::Sqlite if !is_bare_keyword(sql) => format!("({sql})"),
                _ => sql.clone(),
            }),
            DefaultValue::Opaque(_) => None,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn is_bare_keyword(sql: &str) -> bool {
    let upper = sql.trim().to_ascii_uppercase();
    let upper = upper.strip_suffix("()").unwrap_or(&upper);
    matches!(
        upper,
        "CURRENT_TIMESTAMP" | "CURRENT_DATE" | "CURRENT_TIME" | "NULL" | "TRUE" | "FALSE"
    ) || (upper.starts_with('(') && upper.ends_with(')'))
        || upper.starts_with('\'')
        || upper.parse::<f64>().is_ok()
}

/// A type the dialect cannot store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    pub dialect: Dialect,
    pub what: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} columns are not available on {}",
            self.what, self.dialect
        )
    }
}

impl std::error::Error for Unsupported {}

/// The type a SQLite `STRICT` table accepts for a declared type: the one of `INTEGER`, `REAL`,
/// `TEXT`, `BLOB` and `ANY` with the same affinity, by SQLite's affinity rules (section 3.1 of
/// "Datatypes In SQLite"); `NUMERIC` affinity, which strict tables lack, is `ANY`.
pub fn sqlite_strict_type(declared: &str) -> &'static str {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("INT") {
        "INTEGER"
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|k| upper.contains(k)) {
        "TEXT"
    } else if upper.contains("BLOB") || upper.trim().is_empty() {
        "BLOB"
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|k| upper.contains(k)) {
        "REAL"
    } else {
        "ANY"
    }
}

/// A short, dialect-neutral name of a type for messages (`array`, `inet`, ...).
pub fn type_label(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Array { of } => format!("{}[]", type_label(of)),
        ColumnType::Custom { sql } => sql.clone(),
        ColumnType::Enum { name, .. } => format!("enum {name}"),
        other => other.to_string(),
    }
}

/// `(p, s)` as `p, s` inside parentheses, or nothing.
fn precision_suffix(precision: Option<(u32, u32)>) -> String {
    match precision {
        Some((p, s)) => format!("({p}, {s})"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
