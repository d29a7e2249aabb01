//! PostgreSQL introspection on the real server.
//!
//! - `fixture_round_trips`: `fixtures/introspect/postgres.sql` read back (S1, snapshotted), the
//!   DDL strata writes for S1 applied to another database and read back (S2): S1 = S2.
//! - `type_matrix`: one column per type strata can store on PostgreSQL, with defaults, created by
//!   strata and read back as `canonical_type` / `canonical_default` predict.
//! - `scope_*`: schema lists and ignore patterns leave tables out; views, sequences, foreign
//!   tables and partitions are never tables.
//!
//! That the catalog is read in a fixed number of queries is a fact of the code
//! (`postgres::QUERIES`, checked by a unit test there), not timed here.

use strata_introspect::Scope;
use strata_ir::{
    Column, ColumnType, DefaultValue, Dialect, EnumType, Literal, Schema, StringLen, Table,
};
use strata_testkit::{TestDb, workspace_root};

const PG: Dialect = Dialect::Postgres;

/// Extensions the fixture and the type matrix use; strata's DDL does not create extensions.
const EXTENSIONS: &str = "CREATE EXTENSION IF NOT EXISTS ltree;\n";

/// Applies `script` to a fresh database, reads `scope` back and drops the database; `None` when
/// the server is not there (the test is skipped).
async fn read_back(script: &str, scope: &Scope) -> Option<Result<Schema, String>> {
    let db = TestDb::create(PG).await?;
    let result = match db.try_execute(script).await {
        Ok(()) => strata_introspect::introspect(&db.url, scope)
            .await
            .map_err(|e| format!("introspection failed: {e}")),
        Err(e) => Err(format!("applying the script failed: {e}\n{script}")),
    };
    db.drop().await;
    Some(result)
}

fn scope(schemas: &[&str], ignore: &[&str]) -> Scope {
    Scope {
        schemas: schemas.iter().map(|s| s.to_string()).collect(),
        ignore: ignore.iter().map(|s| s.to_string()).collect(),
    }
}

/// A unified diff of two dumps, for failure messages.
fn diff(left: &str, right: &str) -> String {
    similar::TextDiff::from_lines(left, right)
        .unified_diff()
        .header("first reading", "second reading")
        .to_string()
}

#[tokio::test]
async fn fixture_round_trips() {
    let path = workspace_root().join("fixtures/introspect/postgres.sql");
    let fixture = std::fs::read_to_string(&path).unwrap();
    let scope = scope(&["public", "inventory"], &[]);
    let Some(first) = read_back(&fixture, &scope).await else {
        return;
    };
    let s1 = first.unwrap();
    insta::assert_snapshot!("fixture", strata_ir::dump(&s1));

    let ddl = strata_emit::create_schema(&s1, PG).unwrap();
    let s2 = read_back(&format!("{EXTENSIONS}{ddl}"), &scope)
        .await
        .unwrap()
        .unwrap();
    let (d1, d2) = (strata_ir::dump(&s1), strata_ir::dump(&s2));
    assert!(d1 == d2, "{}", diff(&d1, &d2));
    assert_eq!(s1, s2, "the dumps agree but the schemas differ");
}

/// One column per type, each with its defaults, named after its position.
fn matrix() -> (Schema, Vec<(ColumnType, Option<DefaultValue>)>) {
    use ColumnType as T;
    use DefaultValue::{Expr, Literal as Lit};
    use Literal as L;
    let int = |n: i128| Some(Lit(L::Int(n)));
    let float = |f: &str| Some(Lit(L::Float(f.into())));
    let string = |s: &str| Some(Lit(L::String(s.into())));
    let expr = |e: &str| Some(Expr(e.into()));
    let status = EnumType {
        schema: None,
        name: "Status Kind".into(),
        values: vec!["new".into(), "it's done".into()],
    };
    let unit = EnumType {
        schema: Some("inventory".into()),
        name: "unit".into(),
        values: vec!["kg".into(), "piece".into()],
    };
    let enum_of = |e: &EnumType| T::Enum {
        schema: e.schema.clone(),
        name: e.name.clone(),
        values: e.values.clone(),
    };
    let array = |of: ColumnType| T::Array { of: Box::new(of) };
    let interval = |fields: Option<&str>, precision| T::Interval {
        fields: fields.map(str::to_owned),
        precision,
    };
    let mut cases: Vec<(ColumnType, Option<DefaultValue>)> = vec![
        (T::Boolean, None),
        (T::Boolean, Some(Lit(L::Bool(true)))),
        (T::Boolean, Some(Lit(L::Bool(false)))),
        (T::Float, float("1.5")),
        (T::Double, float("-0.25")),
        (T::Double, int(3)),
        (T::Decimal { precision: None }, float("1.50")),
        (
            T::Decimal {
                precision: Some((12, 2)),
            },
            float("2.0"),
        ),
        (
            T::Decimal {
                precision: Some((12, 2)),
            },
            int(-7),
        ),
        (T::Money { precision: None }, float("12.5")),
        (
            T::String {
                len: StringLen::None,
            },
            string("it's"),
        ),
        (
            T::String {
                len: StringLen::N(20),
            },
            string(""),
        ),
        (
            T::String {
                len: StringLen::Max,
            },
            None,
        ),
        (T::Char { len: None }, string("x")),
        (T::Char { len: Some(4) }, string("ab")),
        (T::Text, string("line\nbreak \\ backslash")),
        (T::Text, int(5)),
        (T::Blob, None),
        (T::Binary { len: 16 }, None),
        (
            T::VarBinary {
                len: StringLen::N(8),
            },
            None,
        ),
        (T::Bit { len: None }, string("1")),
        (T::Bit { len: Some(4) }, string("1010")),
        (T::VarBit { len: 8 }, None),
        (T::Date, expr("CURRENT_DATE")),
        (T::Date, string("2020-01-01")),
        (T::Time, expr("CURRENT_TIME")),
        (T::DateTime, expr("now()")),
        (T::Timestamp, expr("CURRENT_TIMESTAMP")),
        (T::TimestampTz, expr("CURRENT_TIMESTAMP(3)")),
        (interval(None, None), string("1 day")),
        (interval(Some("DAY TO SECOND"), Some(3)), None),
        (interval(Some("year"), None), None),
        (interval(None, Some(2)), None),
        (T::Json, string("[1]")),
        (T::JsonBinary, string("{}")),
        (T::Uuid, expr("gen_random_uuid()")),
        (T::Inet, string("127.0.0.1")),
        (T::Cidr, None),
        (T::MacAddr, None),
        (T::LTree, None),
        (enum_of(&status), string("it's done")),
        (enum_of(&unit), string("kg")),
        (array(enum_of(&status)), string("{}")),
        (array(T::int(4)), expr("ARRAY[1, 2]")),
        (array(T::int(4)), expr("'{}'::integer[]")),
        (
            array(T::String {
                len: StringLen::N(20),
            }),
            None,
        ),
        (array(T::Text), string("{a,b}")),
        (T::custom("timestamp(3)"), None),
        (T::custom("timetz"), None),
        (T::custom("xml"), None),
        (T::custom("tsrange"), None),
    ];
    for bytes in [1, 2, 4, 8] {
        cases.push((T::int(bytes), int(-1)));
        cases.push((T::uint(bytes), int(42)));
    }
    let mut table = Table::new(None, "matrix");
    for (i, (ty, default)) in cases.iter().enumerate() {
        let mut column = Column::new(format!("c{i}"), ty.clone());
        column.nullable = true;
        column.default = default.clone();
        table.columns.push(column);
    }
    let schema = Schema {
        tables: vec![table],
        enums: vec![status, unit],
        ..Schema::default()
    };
    (schema, cases)
}

#[tokio::test]
async fn type_matrix() {
    let (schema, cases) = matrix();
    let ddl = strata_emit::create_schema(&schema, PG).unwrap();
    let Some(read) = read_back(&format!("{EXTENSIONS}{ddl}"), &scope(&[], &[])).await else {
        return;
    };
    let read = read.unwrap();
    let table = read.table(None, "matrix").expect("the matrix table");
    let mut wrong = Vec::new();
    for (i, (ty, default)) in cases.iter().enumerate() {
        let name = format!("c{i}");
        let Some(column) = table.column(&name) else {
            wrong.push(format!("{name} ({ty}): missing"));
            continue;
        };
        let want_ty = PG.canonical_type(ty);
        if column.ty != want_ty {
            wrong.push(format!(
                "{name} ({ty}): type {} read, {want_ty} expected",
                column.ty
            ));
        }
        let want_default = default.as_ref().and_then(|d| PG.canonical_default(d, ty));
        if column.default != want_default {
            wrong.push(format!(
                "{name} ({ty}): default {:?} read, {want_default:?} expected",
                column.default
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// Tables in several schemas, some matching ignore patterns, plus objects that are not tables.
const SCOPE_SCRIPT: &str = r#"
CREATE SCHEMA audit;
CREATE SCHEMA hidden;
CREATE TYPE hidden.level AS ENUM ('low', 'high');
CREATE TYPE hidden.unused AS ENUM ('x');
CREATE TABLE hidden.secret (id integer PRIMARY KEY);
CREATE TABLE users (
    id integer PRIMARY KEY,
    secret_id integer REFERENCES hidden.secret (id),
    level hidden.level
);
CREATE INDEX users_level_idx ON users (level);
CREATE TABLE tmp_users (id integer PRIMARY KEY);
CREATE TABLE a_b (id integer);
CREATE TABLE axb (id integer);
CREATE TABLE "100%" (id integer);
CREATE TABLE audit.log_1 (id integer PRIMARY KEY, user_id integer REFERENCES users (id));
CREATE TABLE audit.log_10 (id integer);
CREATE TABLE audit.entries (id integer);
CREATE VIEW user_view AS SELECT id FROM users;
CREATE MATERIALIZED VIEW user_matview AS SELECT id FROM users;
CREATE SEQUENCE some_seq;
CREATE FOREIGN DATA WRAPPER nowhere;
CREATE SERVER nowhere_server FOREIGN DATA WRAPPER nowhere;
CREATE FOREIGN TABLE far_away (id integer) SERVER nowhere_server;
CREATE TABLE measurements (id integer, taken date) PARTITION BY RANGE (taken);
CREATE TABLE measurements_2024 PARTITION OF measurements
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
"#;

/// The qualified names of the tables and enum types read with `scope`.
async fn scoped_names(scope: &Scope) -> Option<(Vec<String>, Vec<String>)> {
    let schema = read_back(SCOPE_SCRIPT, scope).await?.unwrap();
    let tables = schema.tables.iter().map(Table::qualified_name).collect();
    let enums = schema
        .enums
        .iter()
        .map(|e| match &e.schema {
            Some(s) => format!("{s}.{}", e.name),
            None => e.name.clone(),
        })
        .collect();
    Some((tables, enums))
}

#[tokio::test]
async fn scope_defaults_to_public_and_skips_what_is_not_a_table() {
    let Some((tables, enums)) = scoped_names(&Scope::default()).await else {
        return;
    };
    assert_eq!(
        tables,
        ["100%", "a_b", "axb", "measurements", "tmp_users", "users"]
    );
    // Used by `users.level`, so read although `hidden` is out of scope; `hidden.unused` is not.
    assert_eq!(enums, ["hidden.level"]);
}

#[tokio::test]
async fn scope_schema_lists_and_ignore_patterns_leave_tables_out() {
    let ignore = ["tmp_*", "audit.log_?", "a_b", "100%"];
    let Some((tables, _)) = scoped_names(&scope(&["public", "audit"], &ignore)).await else {
        return;
    };
    assert_eq!(
        tables,
        [
            "axb",
            "measurements",
            "users",
            "audit.entries",
            "audit.log_10"
        ]
    );
    let Some((tables, enums)) = scoped_names(&scope(&["hidden"], &[])).await else {
        return;
    };
    assert_eq!(tables, ["hidden.secret"]);
    assert_eq!(enums, ["hidden.level", "hidden.unused"]);
}

#[tokio::test]
async fn keys_to_tables_out_of_scope_are_kept() {
    let Some(read) = read_back(SCOPE_SCRIPT, &Scope::default()).await else {
        return;
    };
    let read = read.unwrap();
    let users = read.table(None, "users").unwrap();
    let fk = &users.foreign_keys[0];
    assert_eq!(
        (fk.ref_schema.as_deref(), fk.ref_table.as_str()),
        (Some("hidden"), "secret")
    );
    assert_eq!(users.indexes.len(), 1);
    assert!(matches!(
        &users.column("level").unwrap().ty,
        ColumnType::Enum { schema: Some(s), values, .. } if s == "hidden" && values.len() == 2
    ));
}
