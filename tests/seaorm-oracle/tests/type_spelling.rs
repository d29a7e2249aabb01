//! Per-dialect type spelling against sea-query: for every column type SeaORM derives from the
//! fixtures, and for a hand list covering every strata `ColumnType` variant, the type sea-query
//! 1.0 writes in `CREATE TABLE` on PostgreSQL, MySQL and SQLite must be what
//! `strata_ir::Dialect::spell_type` returns; where sea-query panics, strata must return
//! `Err(Unsupported)`. The deliberate departures are listed, with reasons, in
//! [`expected_difference`].

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use sea_query::{
    ColumnDef, ColumnType as SeaType, MysqlQueryBuilder, PgInterval, PostgresQueryBuilder, RcOrArc,
    SqliteQueryBuilder, StringLen, Table,
};
use strata_ir::{ColumnType, Dialect};

thread_local! {
    static EXPECTING_PANIC: Cell<bool> = const { Cell::new(false) };
}

/// sea-query refuses unavailable types with `unimplemented!`; those panics are expected here and
/// are kept out of the test output. Any other panic is reported as usual.
fn quiet_expected_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !EXPECTING_PANIC.with(Cell::get) {
                default(info);
            }
        }));
    });
}

/// What sea-query writes for a one-column table, cut down to the type; `None` if it panics.
fn sea_query_spelling(ty: &SeaType, dialect: Dialect) -> Option<String> {
    quiet_expected_panics();
    let mut stmt = Table::create();
    stmt.table("t")
        .col(ColumnDef::new_with_type("c", ty.clone()));
    EXPECTING_PANIC.with(|e| e.set(true));
    let sql = panic::catch_unwind(AssertUnwindSafe(|| match dialect {
        Dialect::Postgres => stmt.to_string(PostgresQueryBuilder),
        Dialect::Mysql => stmt.to_string(MysqlQueryBuilder),
        Dialect::Sqlite => stmt.to_string(SqliteQueryBuilder),
    }));
    EXPECTING_PANIC.with(|e| e.set(false));
    let sql = sql.ok()?;
    let (prefix, column) = match dialect {
        Dialect::Mysql => ("CREATE TABLE `t` ( ", "`c` "),
        Dialect::Postgres | Dialect::Sqlite => ("CREATE TABLE \"t\" ( ", "\"c\" "),
    };
    let ty = sql
        .strip_prefix(prefix)
        .and_then(|s| s.strip_prefix(column))
        .and_then(|s| s.strip_suffix(" )"))
        .unwrap_or_else(|| panic!("unexpected CREATE TABLE shape: {sql}"));
    Some(ty.to_owned())
}

/// The documented departures of strata from sea-query, as `(strata, sea-query)` spellings that
/// are expected for this type on this dialect, with the reason. `None`: the two must agree.
fn expected_difference(
    ty: &ColumnType,
    dialect: Dialect,
) -> Option<(Option<String>, Option<String>, &'static str)> {
    match (dialect, ty) {
        // sea-query writes the enum type name bare, which is invalid SQL for names that need
        // quoting (`Tea Kind`, mixed case) and wrong for schema-qualified ones; strata quotes.
        (Dialect::Postgres, ColumnType::Enum { schema, name, .. }) => Some((
            Some(Dialect::Postgres.quote_qualified(schema.as_deref(), name)),
            Some(match schema {
                Some(s) => format!("{s}\".\"{name}"),
                None => name.clone(),
            }),
            "PostgreSQL enum type names are quoted by strata, bare in sea-query",
        )),
        (Dialect::Postgres, ColumnType::Array { of })
            if matches!(**of, ColumnType::Enum { .. }) =>
        {
            let (strata, sea, _) = expected_difference(of, dialect)?;
            Some((
                strata.map(|s| format!("{s}[]")),
                sea.map(|s| format!("{s}[]")),
                "PostgreSQL enum type names are quoted by strata, bare in sea-query",
            ))
        }
        // PostgreSQL rejects a modifier on money ("type modifier is not allowed").
        (
            Dialect::Postgres,
            ColumnType::Money {
                precision: Some((p, sc)),
            },
        ) => Some((
            Some("money".to_owned()),
            Some(format!("money({p}, {sc})")),
            "PostgreSQL's money takes no precision: sea-query writes `money(p, s)`, which the \
             server rejects; strata writes `money`",
        )),
        // sea-query writes the word `unsupported` as the type; strata refuses the type.
        (Dialect::Mysql, ColumnType::Interval { .. }) => Some((
            None,
            Some("unsupported".to_owned()),
            "MySQL has no interval type: sea-query writes `unsupported`, strata returns Err",
        )),
        // sea-query pastes enum values between quotes unescaped; strata escapes them.
        (Dialect::Mysql, ColumnType::Enum { values, .. })
            if values.iter().any(|v| v.contains(['\'', '\\'])) =>
        {
            let raw: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
            Some((
                Dialect::Mysql.spell_type(ty).ok(),
                Some(format!("ENUM({})", raw.join(", "))),
                "MySQL ENUM values with quotes or backslashes are escaped by strata, pasted raw \
                 (invalid SQL) by sea-query",
            ))
        }
        _ => None,
    }
}

/// Compares one type on every dialect; returns the mismatches as readable lines.
fn check(ty: &SeaType, origin: &str, expected_seen: &mut Vec<String>) -> Vec<String> {
    let strata_ty = seaorm_oracle::convert::column_type(ty);
    let mut problems = Vec::new();
    for dialect in Dialect::ALL {
        let sea = sea_query_spelling(ty, dialect);
        let strata = dialect.spell_type(&strata_ty).ok();
        let ok = match expected_difference(&strata_ty, dialect) {
            Some((exp_strata, exp_sea, reason)) => {
                expected_seen.push(format!("{dialect} {strata_ty}: {reason}"));
                strata == exp_strata && sea == exp_sea
            }
            None => strata == sea,
        };
        if !ok {
            problems.push(format!(
                "{origin}: {strata_ty} on {dialect}: strata {strata:?}, sea-query {sea:?}"
            ));
        }
    }
    problems
}

/// One sea-query type per strata variant and shape (lengths, precisions, nesting).
fn hand_list() -> Vec<SeaType> {
    let enum_ty = |name: &str, values: &[&str]| SeaType::Enum {
        name: name.to_owned().into(),
        variants: values.iter().map(|v| (*v).to_owned().into()).collect(),
    };
    vec![
        SeaType::Boolean,
        SeaType::TinyInteger,
        SeaType::SmallInteger,
        SeaType::Integer,
        SeaType::BigInteger,
        SeaType::TinyUnsigned,
        SeaType::SmallUnsigned,
        SeaType::Unsigned,
        SeaType::BigUnsigned,
        SeaType::Float,
        SeaType::Double,
        SeaType::Decimal(None),
        SeaType::Decimal(Some((12, 2))),
        SeaType::Money(None),
        SeaType::Money(Some((10, 2))),
        SeaType::String(StringLen::None),
        SeaType::String(StringLen::N(40)),
        SeaType::String(StringLen::Max),
        SeaType::Char(None),
        SeaType::Char(Some(4)),
        SeaType::Text,
        SeaType::Blob,
        SeaType::Binary(16),
        SeaType::VarBinary(StringLen::None),
        SeaType::VarBinary(StringLen::N(64)),
        SeaType::VarBinary(StringLen::Max),
        SeaType::Bit(None),
        SeaType::Bit(Some(8)),
        SeaType::VarBit(8),
        SeaType::Date,
        SeaType::Time,
        SeaType::DateTime,
        SeaType::Timestamp,
        SeaType::TimestampWithTimeZone,
        SeaType::Interval(None, None),
        SeaType::Interval(Some(PgInterval::DayToSecond), Some(3)),
        SeaType::Interval(Some(PgInterval::Month), None),
        SeaType::Year,
        SeaType::Json,
        SeaType::JsonBinary,
        SeaType::Uuid,
        SeaType::Inet,
        SeaType::Cidr,
        SeaType::MacAddr,
        SeaType::LTree,
        SeaType::Vector(None),
        SeaType::Vector(Some(3)),
        enum_ty("mood", &["sad", "ok"]),
        enum_ty("Tea Kind", &["Earl Grey", "it's", r"back\slash"]),
        SeaType::Array(RcOrArc::new(SeaType::Integer)),
        SeaType::Array(RcOrArc::new(SeaType::String(StringLen::N(8)))),
        SeaType::Array(RcOrArc::new(enum_ty("mood", &["sad", "ok"]))),
        SeaType::Array(RcOrArc::new(SeaType::Array(RcOrArc::new(SeaType::Text)))),
        SeaType::custom("citext"),
        SeaType::custom("tsvector"),
    ]
}

/// Every strata type variant by name: the match is exhaustive, so a new variant must be added
/// here, and then to the hand list.
fn variant(ty: &ColumnType) -> &'static str {
    match ty {
        ColumnType::Boolean => "Boolean",
        ColumnType::Integer { .. } => "Integer",
        ColumnType::Float => "Float",
        ColumnType::Double => "Double",
        ColumnType::Decimal { .. } => "Decimal",
        ColumnType::Money { .. } => "Money",
        ColumnType::String { .. } => "String",
        ColumnType::Char { .. } => "Char",
        ColumnType::Text => "Text",
        ColumnType::Blob => "Blob",
        ColumnType::Binary { .. } => "Binary",
        ColumnType::VarBinary { .. } => "VarBinary",
        ColumnType::Bit { .. } => "Bit",
        ColumnType::VarBit { .. } => "VarBit",
        ColumnType::Date => "Date",
        ColumnType::Time => "Time",
        ColumnType::DateTime => "DateTime",
        ColumnType::Timestamp => "Timestamp",
        ColumnType::TimestampTz => "TimestampTz",
        ColumnType::Interval { .. } => "Interval",
        ColumnType::Year => "Year",
        ColumnType::Json => "Json",
        ColumnType::JsonBinary => "JsonBinary",
        ColumnType::Uuid => "Uuid",
        ColumnType::Inet => "Inet",
        ColumnType::Cidr => "Cidr",
        ColumnType::MacAddr => "MacAddr",
        ColumnType::LTree => "LTree",
        ColumnType::Vector { .. } => "Vector",
        ColumnType::Enum { .. } => "Enum",
        ColumnType::Array { .. } => "Array",
        ColumnType::Custom { .. } => "Custom",
    }
}

const VARIANTS: usize = 32;

#[test]
fn hand_list_covers_every_strata_type_variant() {
    let covered: std::collections::BTreeSet<&str> = hand_list()
        .iter()
        .map(|t| variant(&seaorm_oracle::convert::column_type(t)))
        .collect();
    assert_eq!(covered.len(), VARIANTS, "covered: {covered:?}");
}

#[test]
fn strata_spells_hand_list_types_as_sea_query() {
    let mut expected = Vec::new();
    let problems: Vec<String> = hand_list()
        .iter()
        .flat_map(|ty| check(ty, "hand list", &mut expected))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Each documented departure is exercised by the hand list.
    for reason in [
        "quoted by strata",
        "writes `unsupported`",
        "escaped by strata",
    ] {
        assert!(
            expected.iter().any(|e| e.contains(reason)),
            "no hand-list type exercises {reason:?}"
        );
    }
}

#[test]
fn strata_spells_fixture_types_as_sea_query() {
    let mut seen = std::collections::BTreeMap::new();
    for (set, derived) in seaorm_oracle::fixture_sets() {
        for entity in &derived {
            for column in entity.table.get_columns() {
                let ty = column.get_column_type().expect("typed column").clone();
                seen.entry(format!("{ty:?}"))
                    .or_insert((ty, format!("{set} {}", column.get_column_name())));
            }
        }
    }
    assert!(
        seen.len() > 20,
        "only {} distinct fixture types",
        seen.len()
    );
    let mut expected = Vec::new();
    let problems: Vec<String> = seen
        .values()
        .flat_map(|(ty, origin)| check(ty, origin, &mut expected))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
