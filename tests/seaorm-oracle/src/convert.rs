//! What SeaORM derives for an entity, through its public API only, converted to strata's model.
//!
//! [`derive`] asks `sea_orm::Schema` for the `CREATE TABLE`, `CREATE INDEX` and `CREATE TYPE`
//! statements of an entity; [`to_schema`] turns those sea-query statements into a
//! [`strata_ir::Schema`] by reading them back with sea-query's getters. The conversion is 1:1 and
//! adds no knowledge of its own beyond undoing SeaORM's encodings (`renamed_from` folded into the
//! comment, PostgreSQL enum types that are only available as rendered SQL).

use sea_orm::{DbBackend, EntityTrait};
use sea_query::{
    ColumnDef, ColumnType as SeaType, Expr, ForeignKeyAction, IndexCreateStatement, Keyword,
    PostgresQueryBuilder, Query, StringLen as SeaLen, TableCreateStatement, TableName, TableRef,
    Value,
};
use strata_ir::{
    Column, ColumnType, DefaultValue, Dialect, EnumType, FkAction, ForeignKey, Generated, Index,
    Literal, PrimaryKey, Schema, StringLen, Table,
};

/// SeaORM's statements for one entity.
#[derive(Debug, Clone)]
pub struct Derived {
    /// `create_table_from_entity`, built for the SQLite backend: it is the one backend for which
    /// SeaORM leaves enum columns as `ColumnType::Enum` (PostgreSQL gets `Custom(name)`, MySQL
    /// `Custom("ENUM(...)")`). [`derive`] checks that the PostgreSQL and MySQL statements differ
    /// from it in nothing else.
    pub table: TableCreateStatement,
    /// `create_index_from_entity` (PostgreSQL backend).
    pub indexes: Vec<IndexCreateStatement>,
    /// `create_enum_from_entity` (PostgreSQL backend), rendered: sea-query's
    /// `TypeCreateStatement` has no getters.
    pub enum_types: Vec<String>,
    /// The SQL SeaORM runs to create the entity, per backend that can hold it (sea-query
    /// panics on types a backend lacks, such as arrays on MySQL).
    pub ddl: Vec<BackendDdl>,
}

/// What SeaORM executes on one backend to create an entity's table.
#[derive(Debug, Clone)]
pub struct BackendDdl {
    pub dialect: Dialect,
    /// `CREATE TYPE` statements (PostgreSQL only).
    pub types: Vec<String>,
    pub table: String,
    pub indexes: Vec<String>,
}

fn backend_ddl<E: EntityTrait>(entity: E, dialect: Dialect) -> BackendDdl {
    let backend = match dialect {
        Dialect::Postgres => DbBackend::Postgres,
        Dialect::Mysql => DbBackend::MySql,
        Dialect::Sqlite => DbBackend::Sqlite,
    };
    let schema = sea_orm::Schema::new(backend);
    BackendDdl {
        dialect,
        types: match dialect {
            Dialect::Postgres => schema
                .create_enum_from_entity(entity)
                .iter()
                .map(|t| backend.build(t).to_string())
                .collect(),
            Dialect::Mysql | Dialect::Sqlite => Vec::new(),
        },
        table: backend
            .build(&schema.create_table_from_entity(entity))
            .to_string(),
        indexes: schema
            .create_index_from_entity(entity)
            .iter()
            .map(|i| backend.build(i).to_string())
            .collect(),
    }
}

/// Collects SeaORM's statements for `entity`.
pub fn derive<E: EntityTrait>(entity: E) -> Derived {
    let neutral = sea_orm::Schema::new(DbBackend::Sqlite).create_table_from_entity(entity);
    for backend in [DbBackend::Postgres, DbBackend::MySql] {
        let other = sea_orm::Schema::new(backend).create_table_from_entity(entity);
        assert_same_but_enum_types(&neutral, &other, backend);
    }
    let pg = sea_orm::Schema::new(DbBackend::Postgres);
    Derived {
        table: neutral,
        indexes: pg.create_index_from_entity(entity),
        enum_types: pg
            .create_enum_from_entity(entity)
            .iter()
            .map(|t| t.to_string(PostgresQueryBuilder))
            .collect(),
        ddl: Dialect::ALL
            .into_iter()
            .filter_map(|d| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| backend_ddl(entity, d)))
                    .ok()
            })
            .collect(),
    }
}

/// The SQLite statement stands for all backends: apart from enum column types, SeaORM's
/// statements must be identical (compared through their getters, enum columns made `text`).
fn assert_same_but_enum_types(
    neutral: &TableCreateStatement,
    other: &TableCreateStatement,
    backend: DbBackend,
) {
    let view = |t: &TableCreateStatement| {
        let columns: Vec<ColumnDef> = t
            .get_columns()
            .iter()
            .map(|c| {
                let mut c = c.clone();
                let was_enum = neutral.get_columns().iter().any(|n| {
                    n.get_column_name() == c.get_column_name()
                        && matches!(n.get_column_type(), Some(SeaType::Enum { .. }))
                });
                if was_enum {
                    c.text();
                }
                c
            })
            .collect();
        format!(
            "{:?}\n{:?}\n{:?}\n{columns:?}\n{:?}\n{:?}",
            t.get_table_name(),
            t.get_comment(),
            t.get_extra(),
            t.get_indexes(),
            t.get_foreign_key_create_stmts(),
        )
    };
    assert_eq!(
        view(neutral),
        view(other),
        "SeaORM's {backend:?} table differs from its SQLite one in more than enum types"
    );
}

/// Converts the statements of a set of entities into one schema (unsorted).
pub fn to_schema(entities: &[Derived]) -> Schema {
    let mut schema = Schema::default();
    for derived in entities {
        schema.tables.push(to_table(derived));
        for sql in &derived.enum_types {
            let e = parse_create_type(sql);
            if !schema.enums.contains(&e) {
                schema.enums.push(e);
            }
        }
    }
    schema
}

fn to_table(derived: &Derived) -> Table {
    let stmt = &derived.table;
    let (schema, name) = table_name(stmt.get_table_name().expect("SeaORM names every table"));
    let mut table = Table::new(schema, name);
    table.comment = stmt.get_comment().cloned();

    for def in stmt.get_columns() {
        let name = def.get_column_name();
        let spec = def.get_column_spec();
        let (comment, renamed_from) = split_renamed_from(spec.comment.as_deref());
        assert!(spec.check.is_none(), "{name}: column CHECK is not modelled");
        assert!(spec.using.is_none(), "{name}: USING is not modelled");
        table.columns.push(Column {
            name: name.clone(),
            ty: column_type(def.get_column_type().expect("SeaORM types every column")),
            // SeaORM calls `not_null()` for non-null columns and nothing otherwise.
            nullable: spec.nullable != Some(false),
            default: spec.default.as_ref().map(default_value),
            auto_increment: spec.auto_increment,
            comment,
            generated: spec.generated.as_ref().map(|g| Generated {
                expr: render_expr(&g.expr),
                stored: g.stored,
            }),
            extra: spec.extra.clone(),
            renamed_from,
            collation: None,
            identity_always: false,
        });
        if spec.primary_key {
            assert!(table.primary_key.is_none(), "two primary keys");
            table.primary_key = Some(PrimaryKey {
                name: None,
                columns: vec![name.clone()],
            });
        }
        if spec.unique {
            table.indexes.push(Index {
                name: None,
                unique: true,
                constraint: true,
                ..Index::on_columns(None, [name.clone()])
            });
        }
    }

    for index in stmt.get_indexes() {
        let spec = index.get_index_spec();
        if index.is_primary_key() {
            assert!(table.primary_key.is_none(), "two primary keys");
            table.primary_key = Some(PrimaryKey {
                name: spec.get_name().map(str::to_owned),
                columns: spec.get_column_names(),
            });
        } else {
            table.indexes.push(to_index(index));
        }
    }
    table.indexes.extend(derived.indexes.iter().map(to_index));

    for fk in stmt.get_foreign_key_create_stmts() {
        let fk = fk.get_foreign_key();
        let (ref_schema, ref_table) = table_name(fk.get_ref_table().expect("FK target"));
        table.foreign_keys.push(ForeignKey {
            name: fk.get_name().map(str::to_owned),
            columns: fk.get_columns(),
            ref_schema,
            ref_table,
            ref_columns: fk.get_ref_columns(),
            on_delete: fk.get_on_delete().map(fk_action),
            on_update: fk.get_on_update().map(fk_action),
            deferrable: None,
        });
    }
    table
}

/// An index statement; SeaORM never sets ordering, prefixes, methods, predicates or INCLUDE,
/// which sea-query does not expose anyway, so key parts are plain columns.
fn to_index(index: &IndexCreateStatement) -> Index {
    let spec = index.get_index_spec();
    Index {
        unique: index.is_unique_key(),
        ..Index::on_columns(spec.get_name().map(str::to_owned), spec.get_column_names())
    }
}

fn table_name(table: &TableRef) -> (Option<String>, String) {
    match table {
        TableRef::Table(TableName(schema, name), _) => {
            (schema.as_ref().map(|s| s.1.to_string()), name.to_string())
        }
        other => panic!("not a table: {other:?}"),
    }
}

/// sea-query's column type, variant for variant.
pub fn column_type(ty: &SeaType) -> ColumnType {
    fn len(l: &SeaLen) -> StringLen {
        match l {
            SeaLen::N(n) => StringLen::N(*n),
            SeaLen::Max => StringLen::Max,
            SeaLen::None => StringLen::None,
        }
    }
    match ty {
        SeaType::Char(n) => ColumnType::Char { len: *n },
        SeaType::String(l) => ColumnType::String { len: len(l) },
        SeaType::Text => ColumnType::Text,
        SeaType::Blob => ColumnType::Blob,
        SeaType::TinyInteger => ColumnType::int(1),
        SeaType::SmallInteger => ColumnType::int(2),
        SeaType::Integer => ColumnType::int(4),
        SeaType::BigInteger => ColumnType::int(8),
        SeaType::TinyUnsigned => ColumnType::uint(1),
        SeaType::SmallUnsigned => ColumnType::uint(2),
        SeaType::Unsigned => ColumnType::uint(4),
        SeaType::BigUnsigned => ColumnType::uint(8),
        SeaType::Float => ColumnType::Float,
        SeaType::Double => ColumnType::Double,
        SeaType::Decimal(p) => ColumnType::Decimal { precision: *p },
        SeaType::DateTime => ColumnType::DateTime,
        SeaType::Timestamp => ColumnType::Timestamp,
        SeaType::TimestampWithTimeZone => ColumnType::TimestampTz,
        SeaType::Time => ColumnType::Time,
        SeaType::Date => ColumnType::Date,
        SeaType::Year => ColumnType::Year,
        SeaType::Interval(fields, precision) => ColumnType::Interval {
            fields: fields.as_ref().map(|f| f.to_string()),
            precision: *precision,
        },
        SeaType::Binary(n) => ColumnType::Binary { len: *n },
        SeaType::VarBinary(l) => ColumnType::VarBinary { len: len(l) },
        SeaType::Bit(n) => ColumnType::Bit { len: *n },
        SeaType::VarBit(n) => ColumnType::VarBit { len: *n },
        SeaType::Boolean => ColumnType::Boolean,
        SeaType::Money(p) => ColumnType::Money { precision: *p },
        SeaType::Json => ColumnType::Json,
        SeaType::JsonBinary => ColumnType::JsonBinary,
        SeaType::Uuid => ColumnType::Uuid,
        SeaType::Custom(sql) => ColumnType::Custom {
            sql: sql.to_string(),
        },
        SeaType::Enum { name, variants } => {
            // The name is what sea-query writes between double quotes in `CREATE TYPE`
            // (unescaped for a `&'static str`), so `audit"."level` is read as PostgreSQL would.
            let (schema, name) = pg_qualified(&format!("\"{name}\""));
            ColumnType::Enum {
                schema,
                name,
                values: variants.iter().map(|v| v.to_string()).collect(),
            }
        }
        SeaType::Array(of) => ColumnType::Array {
            of: Box::new(column_type(of)),
        },
        SeaType::Vector(dim) => ColumnType::Vector { dim: *dim },
        SeaType::Cidr => ColumnType::Cidr,
        SeaType::Inet => ColumnType::Inet,
        SeaType::MacAddr => ColumnType::MacAddr,
        SeaType::LTree => ColumnType::LTree,
        other => panic!("sea-query column type not mapped: {other:?}"),
    }
}

/// A default: literal values become [`Literal`]s, anything else SQL text.
fn default_value(expr: &Expr) -> DefaultValue {
    let literal = match expr {
        Expr::Value(value) => match value {
            Value::Bool(Some(b)) => Some(Literal::Bool(*b)),
            Value::TinyInt(Some(i)) => Some(Literal::Int((*i).into())),
            Value::SmallInt(Some(i)) => Some(Literal::Int((*i).into())),
            Value::Int(Some(i)) => Some(Literal::Int((*i).into())),
            Value::BigInt(Some(i)) => Some(Literal::Int((*i).into())),
            Value::TinyUnsigned(Some(i)) => Some(Literal::Int((*i).into())),
            Value::SmallUnsigned(Some(i)) => Some(Literal::Int((*i).into())),
            Value::Unsigned(Some(i)) => Some(Literal::Int((*i).into())),
            Value::BigUnsigned(Some(i)) => Some(Literal::Int((*i).into())),
            Value::Float(Some(f)) => Some(Literal::Float(f.to_string())),
            Value::Double(Some(f)) => Some(Literal::Float(f.to_string())),
            Value::String(Some(s)) => Some(Literal::String(s.clone())),
            Value::Char(Some(c)) => Some(Literal::String(c.to_string())),
            Value::Bool(None)
            | Value::TinyInt(None)
            | Value::SmallInt(None)
            | Value::Int(None)
            | Value::BigInt(None)
            | Value::TinyUnsigned(None)
            | Value::SmallUnsigned(None)
            | Value::Unsigned(None)
            | Value::BigUnsigned(None)
            | Value::Float(None)
            | Value::Double(None)
            | Value::String(None)
            | Value::Char(None) => Some(Literal::Null),
            _ => None,
        },
        Expr::Keyword(Keyword::Null) => Some(Literal::Null),
        _ => None,
    };
    match literal {
        Some(l) => DefaultValue::Literal(l),
        None => DefaultValue::Expr(match expr {
            Expr::Keyword(Keyword::CurrentTimestamp) => "CURRENT_TIMESTAMP".to_owned(),
            Expr::Keyword(Keyword::CurrentDate) => "CURRENT_DATE".to_owned(),
            Expr::Keyword(Keyword::CurrentTime) => "CURRENT_TIME".to_owned(),
            Expr::Custom(sql) => sql.to_string(),
            other => render_expr(other),
        }),
    }
}

/// An expression as sea-query's PostgreSQL builder writes it.
fn render_expr(expr: &Expr) -> String {
    let sql = Query::select()
        .expr(expr.clone())
        .to_string(PostgresQueryBuilder);
    sql.strip_prefix("SELECT ")
        .unwrap_or_else(|| panic!("unexpected rendering {sql}"))
        .to_owned()
}

fn fk_action(action: ForeignKeyAction) -> FkAction {
    match action {
        ForeignKeyAction::Restrict => FkAction::Restrict,
        ForeignKeyAction::Cascade => FkAction::Cascade,
        ForeignKeyAction::SetNull => FkAction::SetNull,
        ForeignKeyAction::NoAction => FkAction::NoAction,
        ForeignKeyAction::SetDefault => FkAction::SetDefault,
        other => panic!("foreign key action not mapped: {other:?}"),
    }
}

/// Undoes SeaORM's encoding of `renamed_from` into the column comment: `renamed_from "old"` or
/// `<comment>; renamed_from "old"`.
pub fn split_renamed_from(comment: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(comment) = comment else {
        return (None, None);
    };
    const MARK: &str = "renamed_from \"";
    if let Some(at) = comment.rfind(MARK)
        && let Some(old) = comment[at + MARK.len()..].strip_suffix('"')
        && (at == 0 || comment[..at].ends_with("; "))
    {
        let rest = comment[..at].strip_suffix("; ").unwrap_or("");
        let rest = (!rest.is_empty()).then(|| rest.to_owned());
        return (rest, Some(old.to_owned()));
    }
    (Some(comment.to_owned()), None)
}

/// Reads `CREATE TYPE <name> AS ENUM ('a', 'b')` as sea-query's PostgreSQL builder writes it.
pub fn parse_create_type(sql: &str) -> EnumType {
    let rest = sql
        .strip_prefix("CREATE TYPE ")
        .unwrap_or_else(|| panic!("not a CREATE TYPE: {sql}"));
    let (name, values) = rest
        .split_once(" AS ENUM (")
        .unwrap_or_else(|| panic!("not an enum type: {sql}"));
    let values = values
        .strip_suffix(')')
        .unwrap_or_else(|| panic!("unterminated: {sql}"));
    let (schema, name) = pg_qualified(name);
    EnumType {
        schema,
        name,
        values: string_literals(values),
    }
}

/// Splits `"a"."b"` (or `"b"`) the way PostgreSQL reads a qualified, quoted name.
fn pg_qualified(text: &str) -> (Option<String>, String) {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        assert_eq!(chars.next(), Some('"'), "not a quoted name: {text}");
        let mut part = String::new();
        loop {
            match chars.next() {
                Some('"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    part.push('"');
                }
                Some('"') => break,
                Some(c) => part.push(c),
                None => panic!("unterminated name: {text}"),
            }
        }
        parts.push(part);
        match chars.next() {
            Some('.') => continue,
            None => break,
            Some(c) => panic!("unexpected {c:?} in name: {text}"),
        }
    }
    match parts.len() {
        1 => (None, parts.pop().unwrap()),
        2 => {
            let name = parts.pop().unwrap();
            (parts.pop(), name)
        }
        _ => panic!("too many name parts: {text}"),
    }
}

/// `'a', 'it''s'` → `["a", "it's"]`.
fn string_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            value.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => value.push(c),
                        None => panic!("unterminated literal: {text}"),
                    }
                }
                out.push(value);
            }
            ',' | ' ' => {}
            other => panic!("unexpected {other:?} in values: {text}"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_from_is_split_off_the_comment() {
        assert_eq!(split_renamed_from(None), (None, None));
        assert_eq!(
            split_renamed_from(Some("plain")),
            (Some("plain".into()), None)
        );
        assert_eq!(
            split_renamed_from(Some("renamed_from \"old\"")),
            (None, Some("old".into()))
        );
        assert_eq!(
            split_renamed_from(Some("shown; renamed_from \"old\"")),
            (Some("shown".into()), Some("old".into()))
        );
    }

    #[test]
    fn create_type_is_read_back() {
        assert_eq!(
            parse_create_type(r#"CREATE TYPE "audit"."level" AS ENUM ('info', 'it''s')"#),
            EnumType {
                schema: Some("audit".into()),
                name: "level".into(),
                values: vec!["info".into(), "it's".into()],
            }
        );
        assert_eq!(
            parse_create_type(r#"CREATE TYPE "Tea Kind" AS ENUM ('a')"#).name,
            "Tea Kind"
        );
    }
}
