//! SQLite introspection against real databases (temporary files through `strata-testkit`).
//!
//! - the fixture `fixtures/introspect/sqlite.sql` is read (S1, snapshotted), recreated from S1
//!   with strata's own DDL and read again (S2): S1 == S2;
//! - a table with one column per type strata stores on SQLite reads back as
//!   `canonical_type`/`canonical_default` say;
//! - ignore patterns leave tables out, and SQLite's own, virtual and shadow tables never appear;
//! - awkward but valid SQL (keywords in comments and strings, names in the wrong case) is read
//!   by tokens, not by text matching.
//!
//! `speed_of_a_thousand_tables` is a timing probe, ignored by default:
//! `cargo test -p strata-introspect --test sqlite -- --ignored --nocapture`.

use strata_emit::create_schema;
use strata_introspect::{Scope, introspect};
use strata_ir::{
    Check, Column, ColumnType, DefaultValue, Dialect, FkAction, Literal, PrimaryKey, Schema,
    StringLen, Table, dump,
};
use strata_testkit::{TestDb, model_fixture, workspace_root};

const SQLITE: Dialect = Dialect::Sqlite;

/// Applies `sql` to a fresh database and reads it back within `scope`.
async fn read(sql: &str, scope: &Scope) -> Schema {
    let db = TestDb::create(SQLITE).await.expect("SQLite always runs");
    let applied = db.try_execute(sql).await;
    let schema = match applied {
        Ok(()) => introspect(&db.url, scope).await.map_err(|e| e.to_string()),
        Err(e) => Err(format!("applying the SQL failed: {e}\n{sql}")),
    };
    db.drop().await;
    schema.unwrap_or_else(|e| panic!("{e}"))
}

/// Fails with a unified diff of the two dumps when the schemas differ.
fn check_same(expected: &Schema, actual: &Schema, what: &str) {
    if expected != actual {
        let (a, b) = (dump(expected), dump(actual));
        let diff = similar::TextDiff::from_lines(&a, &b)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        panic!(
            "{what}:\n{diff}\n(if the dumps agree, the difference is in a field the dump leaves out)\n{expected:#?}\n{actual:#?}"
        );
    }
}

#[tokio::test]
async fn the_fixture_reads_back_identically_after_recreation() {
    let path = workspace_root().join("fixtures/introspect/sqlite.sql");
    let fixture = std::fs::read_to_string(&path).expect("fixture");
    let first = read(&fixture, &Scope::default()).await;
    insta::assert_snapshot!("fixture", dump(&first));

    for table in &first.tables {
        for index in &table.indexes {
            assert!(
                !index
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("sqlite_")),
                "{index:?}"
            );
        }
    }
    let ddl = create_schema(&first, SQLITE).expect("DDL");
    let second = read(&ddl, &Scope::default()).await;
    check_same(&first, &second, &format!("recreated from\n{ddl}"));
}

/// One column per type strata stores on SQLite, with defaults, in a schema built here.
fn type_matrix() -> Table {
    let mut table = Table::new(None, "matrix");
    let mut id = Column::new("id", ColumnType::int(8));
    id.auto_increment = true;
    table.columns.push(id);
    table.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    let lit = |l: Literal| Some(DefaultValue::Literal(l));
    let text = |s: &str| lit(Literal::String(s.into()));
    let expr = |s: &str| Some(DefaultValue::Expr(s.into()));
    let float = |s: &str| lit(Literal::Float(s.into()));
    let types: Vec<(ColumnType, Vec<Option<DefaultValue>>)> = vec![
        (
            ColumnType::Boolean,
            vec![None, lit(Literal::Bool(true)), lit(Literal::Int(0))],
        ),
        (ColumnType::int(1), vec![None, lit(Literal::Int(-7))]),
        (ColumnType::uint(1), vec![None]),
        (ColumnType::int(2), vec![None, lit(Literal::Int(300))]),
        (ColumnType::uint(2), vec![None]),
        (
            ColumnType::int(4),
            vec![None, lit(Literal::Int(0)), expr("1 + 2")],
        ),
        (ColumnType::uint(4), vec![None]),
        (ColumnType::int(8), vec![None, lit(Literal::Int(1 << 40))]),
        (ColumnType::uint(8), vec![None]),
        (ColumnType::Float, vec![None, float("1.50")]),
        (ColumnType::Double, vec![None, float("-2.0"), text("3.25")]),
        (
            ColumnType::Decimal { precision: None },
            vec![None, float("12.30")],
        ),
        (
            ColumnType::Decimal {
                precision: Some((12, 2)),
            },
            vec![None, lit(Literal::Int(5))],
        ),
        (ColumnType::Money { precision: None }, vec![None]),
        (
            ColumnType::Money {
                precision: Some((19, 4)),
            },
            vec![None, float("0.10")],
        ),
        (
            ColumnType::String {
                len: StringLen::None,
            },
            vec![None, text("it's"), lit(Literal::Int(1))],
        ),
        (
            ColumnType::String {
                len: StringLen::N(40),
            },
            vec![None, text("")],
        ),
        (
            ColumnType::String {
                len: StringLen::Max,
            },
            vec![None],
        ),
        (ColumnType::Char { len: None }, vec![None, text("x")]),
        (ColumnType::Char { len: Some(3) }, vec![None]),
        (
            ColumnType::Text,
            vec![None, text("/* -- */"), expr("lower('ABC')")],
        ),
        (ColumnType::Blob, vec![None, expr("X'00FF'")]),
        (ColumnType::Binary { len: 16 }, vec![None]),
        (
            ColumnType::VarBinary {
                len: StringLen::None,
            },
            vec![None],
        ),
        (
            ColumnType::VarBinary {
                len: StringLen::N(8),
            },
            vec![None],
        ),
        (
            ColumnType::Date,
            vec![None, text("2024-02-29"), expr("CURRENT_DATE")],
        ),
        (ColumnType::Time, vec![None, expr("current_time")]),
        (
            ColumnType::DateTime,
            vec![None, expr("CURRENT_TIMESTAMP"), expr("now()")],
        ),
        (ColumnType::Timestamp, vec![None]),
        (
            ColumnType::TimestampTz,
            vec![None, expr("current_timestamp")],
        ),
        (ColumnType::Json, vec![None, text("{}")]),
        (ColumnType::JsonBinary, vec![None]),
        (ColumnType::Uuid, vec![None]),
        (
            ColumnType::Enum {
                schema: None,
                name: "mood".into(),
                values: vec!["sad".into(), "happy".into()],
            },
            vec![None, text("happy")],
        ),
        (ColumnType::custom("geometry"), vec![None]),
    ];
    for (i, (ty, defaults)) in types.into_iter().enumerate() {
        for (j, default) in defaults.into_iter().enumerate() {
            let mut column = Column::new(format!("c{i}_{j}"), ty.clone());
            column.nullable = j % 2 == 0;
            column.default = default;
            table.columns.push(column);
        }
    }
    table
}

#[tokio::test]
async fn every_type_reads_back_as_its_canonical_form() {
    let table = type_matrix();
    let schema = Schema {
        tables: vec![table.clone()],
        enums: vec![],
        ..Schema::default()
    };
    let ddl = create_schema(&schema, SQLITE).expect("DDL");
    let read_back = read(&ddl, &Scope::default()).await;
    let got = read_back.table(None, "matrix").expect("matrix table");
    assert_eq!(got.columns.len(), table.columns.len());
    let mut problems = Vec::new();
    for (want, got) in table.columns.iter().zip(&got.columns) {
        let ty = SQLITE.canonical_type(&want.ty);
        let default = want
            .default
            .as_ref()
            .and_then(|d| SQLITE.canonical_default(d, &want.ty));
        let default = if want.auto_increment { None } else { default };
        if (
            &got.name,
            &got.ty,
            &got.default,
            got.nullable,
            got.auto_increment,
        ) != (
            &want.name,
            &ty,
            &default,
            want.nullable,
            want.auto_increment,
        ) {
            problems.push(format!(
                "{}: wanted {ty} {default:?} nullable={} ai={}, read {} {:?} nullable={} ai={}",
                want.name,
                want.nullable,
                want.auto_increment,
                got.ty,
                got.default,
                got.nullable,
                got.auto_increment
            ));
        }
    }
    assert!(problems.is_empty(), "{}\n\n{ddl}", problems.join("\n"));
}

/// What the entity reader produces, created by strata and read back, agrees column by column
/// with the canonical form of the model.
#[tokio::test]
async fn entity_fixtures_read_back_as_their_canonical_form() {
    for name in [
        "handwritten_compact",
        "handwritten_dense",
        "handwritten_expanded",
    ] {
        let model = model_fixture(name);
        let ddl = create_schema(&model, SQLITE).expect("DDL");
        let read_back = read(&ddl, &Scope::default()).await;
        let mut problems = Vec::new();
        assert_eq!(read_back.tables.len(), model.tables.len(), "{name}");
        for table in &model.tables {
            let Some(got) = read_back.table(None, &table.name) else {
                problems.push(format!("table {} missing", table.name));
                continue;
            };
            if got.primary_key.as_ref().map(|k| &k.columns)
                != table.primary_key.as_ref().map(|k| &k.columns)
            {
                problems.push(format!("{}: primary key {:?}", table.name, got.primary_key));
            }
            if got.foreign_keys.len() != table.foreign_keys.len() {
                problems.push(format!(
                    "{}: foreign keys {:?}",
                    table.name, got.foreign_keys
                ));
            }
            for want in &table.columns {
                let Some(col) = got.column(&want.name) else {
                    problems.push(format!("{}.{} missing", table.name, want.name));
                    continue;
                };
                let ty = SQLITE.canonical_type(&want.ty);
                let default = match &want.default {
                    Some(d) if !want.auto_increment => SQLITE.canonical_default(d, &want.ty),
                    _ => None,
                };
                if (&col.ty, &col.default, col.nullable, col.auto_increment)
                    != (&ty, &default, want.nullable, want.auto_increment)
                {
                    problems.push(format!(
                        "{}.{}: wanted {ty} {default:?} nullable={} ai={}, read {} {:?} nullable={} ai={}",
                        table.name,
                        want.name,
                        want.nullable,
                        want.auto_increment,
                        col.ty,
                        col.default,
                        col.nullable,
                        col.auto_increment
                    ));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "{name}:\n{}\n\n{ddl}",
            problems.join("\n")
        );
    }
}

#[tokio::test]
async fn ignore_patterns_and_internal_tables_are_left_out() {
    let sql = "CREATE TABLE tmp_a (id INTEGER PRIMARY KEY AUTOINCREMENT);
               CREATE TABLE tmp_b (id INTEGER);
               CREATE TABLE keep (id INTEGER PRIMARY KEY, tmp_id INTEGER REFERENCES tmp_a (id));
               CREATE TABLE a_b (id INTEGER);
               CREATE TABLE axb (id INTEGER);
               CREATE TABLE log_1 (id INTEGER);
               CREATE TABLE log_22 (id INTEGER);
               CREATE TABLE \"100%\" (id INTEGER);
               CREATE VIEW keep_view AS SELECT id FROM keep;";
    let scope = Scope {
        schemas: vec![],
        ignore: vec![
            "tmp_*".into(),
            "a_b".into(),
            "main.log_?".into(),
            "100%".into(),
        ],
    };
    let schema = read(sql, &scope).await;
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    // `_` and `%` in patterns are literal; `?` is one character.
    assert_eq!(names, ["axb", "keep", "log_22"]);
    // A key into a left-out table is still the table's own.
    let keep = schema.table(None, "keep").unwrap();
    assert_eq!(keep.foreign_keys[0].ref_table, "tmp_a");
    assert_eq!(keep.foreign_keys[0].ref_columns, ["id"]);

    let everything = read(sql, &Scope::default()).await;
    let names: Vec<&str> = everything.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "100%", "a_b", "axb", "keep", "log_1", "log_22", "tmp_a", "tmp_b"
        ],
        "no sqlite_sequence, no view"
    );
}

#[tokio::test]
async fn virtual_and_shadow_tables_are_left_out() {
    let db = TestDb::create(SQLITE).await.expect("SQLite always runs");
    db.execute("CREATE TABLE plain (id INTEGER PRIMARY KEY)")
        .await;
    let fts = db
        .try_execute("CREATE VIRTUAL TABLE docs USING fts5(title, body)")
        .await;
    let schema = introspect(&db.url, &Scope::default()).await;
    db.drop().await;
    if let Err(e) = fts {
        eprintln!("SKIPPED: this SQLite has no FTS5 ({e})");
        return;
    }
    let names: Vec<String> = schema
        .expect("introspect")
        .tables
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["plain"]);
}

#[tokio::test]
async fn stored_sql_is_read_by_tokens_not_by_text() {
    let sql = r#"
        CREATE TABLE Parent (ID integer PRIMARY KEY, "Code" text UNIQUE);
        CREATE TABLE child (
          a INTEGER /* PRIMARY KEY AUTOINCREMENT */ REFERENCES PARENT, -- CHECK (a > 0)
          b TEXT DEFAULT 'CHECK (1) AUTOINCREMENT UNIQUE' CHECK (b <> ')'),
          "check" INT,
          "AUTOINCREMENT" INT,
          c text REFERENCES parent(code) NOT DEFERRABLE INITIALLY DEFERRED,
          d INT CONSTRAINT d_named NOT NULL CHECK (d > 0) CHECK (d < 10)
        );
        CREATE INDEX "child ""b"" idx" ON child (b) WHERE b <> 'WHERE (' -- trailing
        ;
    "#;
    let schema = read(sql, &Scope::default()).await;
    let child = schema.table(None, "child").expect("child");
    assert!(child.columns.iter().all(|c| !c.auto_increment));
    assert!(child.primary_key.is_none());
    assert_eq!(
        child.checks,
        vec![
            Check {
                name: None,
                expr: "b <> ')'".into()
            },
            // As SQLite itself does, `CONSTRAINT d_named` names every later clause of `d`.
            Check {
                name: Some("d_named".into()),
                expr: "d < 10".into()
            },
            Check {
                name: Some("d_named".into()),
                expr: "d > 0".into()
            },
        ]
    );
    let fks: Vec<String> = child
        .foreign_keys
        .iter()
        .map(|k| {
            format!(
                "{:?} -> {} {:?} {:?}",
                k.columns, k.ref_table, k.ref_columns, k.deferrable
            )
        })
        .collect();
    assert_eq!(
        fks,
        [
            r#"["a"] -> Parent ["ID"] None"#,
            r#"["c"] -> Parent ["Code"] None"#,
        ]
    );
    assert_eq!(child.indexes.len(), 1);
    assert_eq!(child.indexes[0].name.as_deref(), Some("child \"b\" idx"));
    assert_eq!(
        child.indexes[0].predicate.as_deref(),
        Some("b <> 'WHERE ('")
    );
    let parent = schema.table(None, "Parent").expect("Parent");
    assert_eq!(parent.indexes.len(), 1);
    assert_eq!(parent.indexes[0].name, None);
    assert!(parent.indexes[0].constraint && parent.indexes[0].unique);
    assert_eq!(
        child.column("b").and_then(|c| c.default.clone()),
        Some(DefaultValue::Literal(Literal::String(
            "CHECK (1) AUTOINCREMENT UNIQUE".into()
        )))
    );
    assert!(child.foreign_keys.iter().all(|k| k.on_delete.is_none()
        && k.on_update.is_none()
        && k.on_delete != Some(FkAction::NoAction)));
}
