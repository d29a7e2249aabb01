//! Tables, columns, keys, indexes, foreign keys and enum types.
//!
//! Object names that the source did not give explicitly are `None`: identity of keys, uniques,
//! indexes and foreign keys is structural (columns, target, actions), so a SeaORM default name and
//! a database's own name can describe the same object.

use serde::{Deserialize, Serialize};

use crate::types::{ColumnType, DefaultValue, FkAction};

/// A whole schema: every table and PostgreSQL enum type in scope, sorted by (schema, name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub tables: Vec<Table>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
    /// Objects entities cannot describe (SQLite views, triggers, and the indexes the model cannot
    /// state exactly: expression and partial ones, also listed in their table), each with its own
    /// SQL, in the order the database created them. They are never
    /// compared or dropped; a SQLite table rebuild recreates them from this SQL.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<SqlObject>,
}

/// What kind of [`SqlObject`] it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    View,
    Trigger,
    Index,
}

impl ObjectKind {
    /// The SQL keyword (`VIEW`, `TRIGGER`, `INDEX`).
    pub fn keyword(self) -> &'static str {
        match self {
            ObjectKind::View => "VIEW",
            ObjectKind::Trigger => "TRIGGER",
            ObjectKind::Index => "INDEX",
        }
    }
}

/// A database object known only by its SQL, as the database stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlObject {
    pub kind: ObjectKind,
    pub name: String,
    /// The table (or view) a trigger or index is on; a view's own name.
    pub table: String,
    /// The `CREATE ...` statement, without a final `;`.
    pub sql: String,
    /// The names of the tables and views its SQL mentions, lowercased (names are
    /// case-insensitive in SQLite), read by introspection: what it depends on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

impl Schema {
    /// The saved SQL of index `index` on `table`, when the model cannot state that index exactly
    /// (an expression or partial index) or could not read it.
    pub fn index_sql(&self, table: &str, index: &str) -> Option<&SqlObject> {
        self.objects.iter().find(|o| {
            o.kind == ObjectKind::Index
                && o.name.eq_ignore_ascii_case(index)
                && o.table.eq_ignore_ascii_case(table)
        })
    }
}

impl SqlObject {
    /// Whether its SQL mentions the table or view `name` (case-insensitive), or it sits on it.
    pub fn depends_on(&self, name: &str) -> bool {
        self.table.eq_ignore_ascii_case(name)
            || self.references.iter().any(|r| r.eq_ignore_ascii_case(name))
    }
}

impl Schema {
    /// Puts tables, enum types and each table's keys, indexes and foreign keys in their
    /// deterministic order. Columns keep declaration order, which is meaningful.
    pub fn sort(&mut self) {
        self.tables
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.enums
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        for table in &mut self.tables {
            table.sort_parts();
        }
    }

    /// The tables by (schema, name), for lookups in loops over every table (`table` is a linear
    /// search).
    pub fn tables_by_name(&self) -> std::collections::HashMap<(Option<&str>, &str), &Table> {
        self.tables
            .iter()
            .map(|t| ((t.schema.as_deref(), t.name.as_str()), t))
            .collect()
    }

    pub fn table(&self, schema: Option<&str>, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name == name && t.schema.as_deref() == schema)
    }
}

/// A PostgreSQL enum type (`CREATE TYPE name AS ENUM (...)`), values in declaration order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    /// Unique and non-unique indexes, including unique constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// SQLite `WITHOUT ROWID`. Entities cannot state it: it is kept from the database and
    /// never compared.
    #[serde(default, skip_serializing_if = "is_false")]
    pub without_rowid: bool,
    /// SQLite `STRICT`, kept from the database and never compared, like `without_rowid`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
}

impl Table {
    pub fn new(schema: Option<String>, name: impl Into<String>) -> Self {
        Table {
            schema,
            name: name.into(),
            ..Table::default()
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// `schema.name`, or `name` alone.
    pub fn qualified_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// Sorts indexes, foreign keys and checks into their deterministic order.
    pub fn sort_parts(&mut self) {
        self.indexes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.foreign_keys
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.checks
            .sort_by(|a, b| (&a.name, &a.expr).cmp(&(&b.name, &b.expr)));
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_increment: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// A generated column's expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    /// Raw SQL appended to the column definition (SeaORM's `extra`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
    /// The column's previous name, declared with SeaORM's `renamed_from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// A collation other than the table's or type's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// PostgreSQL `GENERATED ALWAYS AS IDENTITY` (with `auto_increment`): the database refuses
    /// explicit values. Plain auto-increment is `BY DEFAULT`, as sea-query creates it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub identity_always: bool,
}

impl Column {
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            auto_increment: false,
            comment: None,
            generated: None,
            extra: None,
            renamed_from: None,
            collation: None,
            identity_always: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    pub expr: String,
    pub stored: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
}

/// One key part of an index: a column (optionally descending, optionally a MySQL prefix) or an
/// expression.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IndexPart {
    Column {
        name: String,
        #[serde(default, skip_serializing_if = "is_false")]
        desc: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prefix: Option<u32>,
    },
    Expr {
        sql: String,
    },
}

impl IndexPart {
    pub fn column(name: impl Into<String>) -> Self {
        IndexPart::Column {
            name: name.into(),
            desc: false,
            prefix: None,
        }
    }

    pub fn column_name(&self) -> Option<&str> {
        match self {
            IndexPart::Column { name, .. } => Some(name),
            IndexPart::Expr { .. } => None,
        }
    }
}

/// An index or a unique constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub parts: Vec<IndexPart>,
    pub unique: bool,
    /// A unique *constraint* (`UNIQUE (...)` in the table) rather than a `CREATE INDEX`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub constraint: bool,
    /// Partial index predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// Non-key columns (`INCLUDE (...)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Access method when not the default (`gin`, `hash`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Created by the database itself for a foreign key (InnoDB indexes the referencing columns
    /// when no index covers them): it comes and goes with the key and is never created or
    /// dropped on its own.
    #[serde(default, skip_serializing_if = "is_false")]
    pub implicit: bool,
}

impl Index {
    pub fn on_columns<S: Into<String>>(
        name: Option<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        Index {
            name,
            parts: columns.into_iter().map(IndexPart::column).collect(),
            unique: false,
            constraint: false,
            predicate: None,
            include: Vec::new(),
            method: None,
            implicit: false,
        }
    }

    /// The index's column names, if every part is a plain column.
    pub fn column_names(&self) -> Option<Vec<&str>> {
        self.parts.iter().map(IndexPart::column_name).collect()
    }

    fn sort_key(&self) -> (&[IndexPart], bool, &Option<String>) {
        (&self.parts, self.unique, &self.name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_schema: Option<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    /// `None` when the source states no action (the database default, `NO ACTION`, applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<FkAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<FkAction>,
    /// `DEFERRABLE INITIALLY ...`; `None` is `NOT DEFERRABLE`, the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable: Option<Deferrable>,
}

/// When a deferrable constraint is checked by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferrable {
    InitiallyImmediate,
    InitiallyDeferred,
}

impl Deferrable {
    pub fn sql(self) -> &'static str {
        match self {
            Deferrable::InitiallyImmediate => "DEFERRABLE INITIALLY IMMEDIATE",
            Deferrable::InitiallyDeferred => "DEFERRABLE INITIALLY DEFERRED",
        }
    }
}

impl ForeignKey {
    fn sort_key(&self) -> (&[String], &Option<String>, &str, &[String], &Option<String>) {
        (
            &self.columns,
            &self.ref_schema,
            &self.ref_table,
            &self.ref_columns,
            &self.name,
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub expr: String,
}

fn is_false(value: &bool) -> bool {
    !*value
}
