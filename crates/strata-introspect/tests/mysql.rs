//! MySQL/MariaDB introspection against the real server (MariaDB 10.11 here): the fixture
//! round-trips through `create_schema`, every column type reads back as its canonical form,
//! InnoDB's implicit foreign-key indexes are recognised, index methods are read, ignore patterns
//! leave tables out, and foreign keys into other databases name their schema.
//!
//! Every test skips with a `SKIPPED:` line when the server is down (unless
//! `STRATA_REQUIRE_DATABASES=1`), and drops its databases before asserting.

use strata_introspect::{IntrospectError, Scope, introspect};
use strata_ir::{
    Column, ColumnType, DefaultValue, Dialect, Index, Literal, PrimaryKey, Schema, StringLen, Table,
};
use strata_testkit::{TestDb, fixture_dir};

const MYSQL: Dialect = Dialect::Mysql;

async fn read(db: &TestDb, scope: &Scope) -> Result<Schema, IntrospectError> {
    introspect(&db.url, scope).await
}

/// The unified diff of two schema dumps, for failure messages.
fn diff(left: &Schema, right: &Schema) -> String {
    let (l, r) = (strata_ir::dump(left), strata_ir::dump(right));
    similar::TextDiff::from_lines(&l, &r)
        .unified_diff()
        .header("first reading", "second reading")
        .to_string()
}

/// Applies `schema`'s DDL to a fresh database and reads it back; the database is dropped.
/// `None` when the server is down (and not required).
async fn try_recreate(schema: &Schema) -> Option<Result<Schema, String>> {
    let ddl = match strata_emit::create_schema(schema, MYSQL) {
        Ok(ddl) => ddl,
        Err(e) => return Some(Err(e.to_string())),
    };
    let db = TestDb::create(MYSQL).await?;
    let result = match db.try_execute(&ddl).await {
        Ok(()) => read(&db, &Scope::default())
            .await
            .map_err(|e| format!("{e}")),
        Err(e) => Err(format!("applying the emitted DDL failed: {e}\n{ddl}")),
    };
    db.drop().await;
    Some(result)
}

/// [`try_recreate`] where a server was already there.
async fn recreate(schema: &Schema) -> Result<Schema, String> {
    try_recreate(schema)
        .await
        .unwrap_or_else(|| Err("the server went away between databases".to_owned()))
}

#[tokio::test]
async fn fixture_round_trips_through_create_schema() {
    let sql = std::fs::read_to_string(fixture_dir("introspect/mysql.sql")).expect("fixture");
    let Some(db) = TestDb::create(MYSQL).await else {
        return;
    };
    let applied = db.try_execute(&sql).await;
    let first = match applied {
        Ok(()) => read(&db, &Scope::default())
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(format!("fixture does not apply: {e}")),
    };
    db.drop().await;
    let first = first.unwrap_or_else(|e| panic!("{e}"));

    insta::assert_snapshot!("fixture", strata_ir::dump(&first));

    let second = recreate(&first).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        first == second,
        "the recreated database reads differently:\n{}",
        diff(&first, &second)
    );
}

fn lit(l: Literal) -> Option<DefaultValue> {
    Some(DefaultValue::Literal(l))
}
fn int(i: i128) -> Option<DefaultValue> {
    lit(Literal::Int(i))
}
fn float(f: &str) -> Option<DefaultValue> {
    lit(Literal::Float(f.into()))
}
fn string(s: &str) -> Option<DefaultValue> {
    lit(Literal::String(s.into()))
}
fn expr(e: &str) -> Option<DefaultValue> {
    Some(DefaultValue::Expr(e.into()))
}

/// Every type MySQL stores, each with the defaults to try on it (`None`: no default).
fn type_matrix() -> Vec<(ColumnType, Vec<Option<DefaultValue>>)> {
    let mut matrix = vec![
        (
            ColumnType::Boolean,
            vec![
                None,
                lit(Literal::Bool(true)),
                lit(Literal::Bool(false)),
                int(1),
            ],
        ),
        (ColumnType::Float, vec![float("1.5")]),
        (ColumnType::Double, vec![float("2.25"), int(3)]),
        (ColumnType::Decimal { precision: None }, vec![int(2)]),
        (
            ColumnType::Decimal {
                precision: Some((12, 2)),
            },
            vec![float("1.50"), string("7")],
        ),
        (
            ColumnType::Money {
                precision: Some((10, 2)),
            },
            vec![float("0.10")],
        ),
        (
            ColumnType::String {
                len: StringLen::None,
            },
            vec![
                string(r#"it's \ "quoted""#),
                int(5),
                expr("uuid()"),
                lit(Literal::Null),
            ],
        ),
        (
            ColumnType::String {
                len: StringLen::N(40),
            },
            vec![string(""), string("NULL")],
        ),
        (ColumnType::Char { len: None }, vec![string("x")]),
        (ColumnType::Char { len: Some(3) }, vec![string("abc")]),
        (ColumnType::Text, vec![None, string("hello")]),
        (ColumnType::Blob, vec![None]),
        (ColumnType::Binary { len: 16 }, vec![None]),
        (
            ColumnType::VarBinary {
                len: StringLen::N(30),
            },
            vec![None],
        ),
        (
            ColumnType::VarBinary {
                len: StringLen::None,
            },
            vec![None],
        ),
        (ColumnType::Bit { len: None }, vec![int(1)]),
        (ColumnType::Bit { len: Some(8) }, vec![int(5)]),
        (ColumnType::VarBit { len: 5 }, vec![int(3)]),
        (
            ColumnType::Date,
            vec![string("2020-01-02"), expr("CURRENT_DATE")],
        ),
        (
            ColumnType::Time,
            vec![string("10:11:12"), expr("CURRENT_TIME")],
        ),
        (
            ColumnType::DateTime,
            vec![expr("CURRENT_TIMESTAMP"), string("2020-01-02 03:04:05")],
        ),
        (ColumnType::Timestamp, vec![expr("now()")]),
        (ColumnType::TimestampTz, vec![None]),
        (ColumnType::Year, vec![int(2024)]),
        (ColumnType::Json, vec![None, string("{}")]),
        (ColumnType::JsonBinary, vec![None]),
        (ColumnType::Uuid, vec![None]),
        (
            ColumnType::Enum {
                schema: None,
                name: "mood".into(),
                values: vec!["ok".into(), "it's".into(), r"back\slash".into()],
            },
            vec![string("it's")],
        ),
        (ColumnType::custom("mediumtext"), vec![None]),
        (ColumnType::custom("mediumint unsigned"), vec![int(4)]),
        (
            ColumnType::custom("datetime(3)"),
            vec![expr("CURRENT_TIMESTAMP(3)")],
        ),
        (ColumnType::custom("time(3)"), vec![None]),
        (ColumnType::custom("set('a','b')"), vec![string("a,b")]),
        (ColumnType::custom("uuid"), vec![expr("uuid()")]),
    ];
    for bytes in [1, 2, 4, 8] {
        matrix.push((
            ColumnType::int(bytes),
            vec![int(-3), float("2.0"), string("5")],
        ));
        matrix.push((ColumnType::uint(bytes), vec![int(7)]));
    }
    matrix
}

#[tokio::test]
async fn every_type_and_default_reads_back_canonical() {
    let mut table = Table::new(None, "matrix");
    table.columns.push(Column::new("id", ColumnType::int(4)));
    table.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    let mut expected = Vec::new();
    for (i, (ty, defaults)) in type_matrix().into_iter().enumerate() {
        for (j, default) in defaults.into_iter().enumerate() {
            let mut column = Column::new(format!("c{i:02}_{j}"), ty.clone());
            column.nullable = true;
            column.default = default;
            let want_ty = MYSQL.canonical_type(&ty);
            let want_default = column
                .default
                .as_ref()
                .and_then(|d| MYSQL.canonical_default(d, &ty));
            expected.push((column.name.clone(), ty.clone(), want_ty, want_default));
            table.columns.push(column);
        }
    }
    let schema = Schema {
        tables: vec![table],
        enums: vec![],
        ..Schema::default()
    };
    let Some(read) = try_recreate(&schema).await else {
        return;
    };
    let read = read.unwrap_or_else(|e| panic!("{e}"));
    let table = read.table(None, "matrix").expect("table matrix");
    let mut wrong = Vec::new();
    for (name, ty, want_ty, want_default) in expected {
        let Some(column) = table.column(&name) else {
            wrong.push(format!("{name}: missing"));
            continue;
        };
        if column.ty != want_ty || column.default != want_default {
            wrong.push(format!(
                "{name} ({ty:?}): read {:?} default {:?}, canonical {:?} default {:?}",
                column.ty, column.default, want_ty, want_default
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// InnoDB's own indexes for foreign keys, in every way of declaring the key (see
/// `mark_implicit_indexes` in src/mysql/lower.rs for the naming rule this pins down).
#[tokio::test]
async fn implicit_foreign_key_indexes_are_recognised() {
    let sql = "
        CREATE TABLE p (id int PRIMARY KEY, a int, b int, UNIQUE KEY p_ab (a, b));
        -- named constraint, no index: InnoDB names its index after the constraint
        CREATE TABLE c1 (id int PRIMARY KEY, pid int, CONSTRAINT fk_c1 FOREIGN KEY (pid) REFERENCES p (id));
        -- unnamed constraint (c2_ibfk_1), no index: the index is named after the column
        CREATE TABLE c2 (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id));
        -- an index of the user's covers the key: no implicit index
        CREATE TABLE c3 (id int PRIMARY KEY, pid int, KEY my_idx (pid), CONSTRAINT fk_c3 FOREIGN KEY (pid) REFERENCES p (id));
        -- a covering index created later replaces the implicit one
        CREATE TABLE c4 (id int PRIMARY KEY, pid int, CONSTRAINT fk_c4 FOREIGN KEY (pid) REFERENCES p (id));
        CREATE INDEX later ON c4 (pid, id);
        -- FOREIGN KEY name (...) without CONSTRAINT: MariaDB names key and index `idx_given`
        CREATE TABLE c5 (id int PRIMARY KEY, pid int, FOREIGN KEY idx_given (pid) REFERENCES p (id));
        -- unnamed constraint whose column name is taken by another index: `pid_2`
        CREATE TABLE c6 (id int PRIMARY KEY, pid int, other int, KEY pid (other), FOREIGN KEY (pid) REFERENCES p (id));
        -- composite named constraint
        CREATE TABLE c7 (id int PRIMARY KEY, a int, b int, CONSTRAINT fk_c7 FOREIGN KEY (a, b) REFERENCES p (a, b));
        -- the user's index named like the constraint but on other columns is the user's
        CREATE TABLE c8 (id int PRIMARY KEY, pid int, x int, KEY fk_c8 (pid, x), CONSTRAINT fk_c8 FOREIGN KEY (pid) REFERENCES p (id));
    ";
    let Some(db) = TestDb::create(MYSQL).await else {
        return;
    };
    db.execute(sql).await;
    let first = read(&db, &Scope::default()).await;
    db.drop().await;
    let first = first.expect("introspection");

    let indexes = |table: &str| -> Vec<(String, bool)> {
        first
            .table(None, table)
            .unwrap_or_else(|| panic!("table {table}"))
            .indexes
            .iter()
            .map(|i: &Index| (i.name.clone().unwrap_or_default(), i.implicit))
            .collect()
    };
    let expected: [(&str, &[(&str, bool)]); 8] = [
        ("c1", &[("fk_c1", true)]),
        ("c2", &[("pid", true)]),
        ("c3", &[("my_idx", false)]),
        ("c4", &[("later", false)]),
        ("c5", &[("idx_given", true)]),
        ("c6", &[("pid", false), ("pid_2", true)]),
        ("c7", &[("fk_c7", true)]),
        ("c8", &[("fk_c8", false)]),
    ];
    for (table, want) in expected {
        let want: Vec<(String, bool)> = want.iter().map(|(n, i)| (n.to_string(), *i)).collect();
        let mut got = indexes(table);
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want, "indexes of {table}");
    }

    // Recreated from the reading, the implicit indexes come back with their keys. strata names
    // every key it creates, so InnoDB then names the index after the constraint: for keys whose
    // name the server generated (c2, c6) the index name changes, nothing else does.
    let mut expected_second = first.clone();
    for table in &mut expected_second.tables {
        let fks = table.foreign_keys.clone();
        for index in table.indexes.iter_mut().filter(|i| i.implicit) {
            let columns = index.column_names().unwrap_or_default();
            if let Some(fk) = fks.iter().find(|fk| {
                fk.columns
                    .iter()
                    .map(String::as_str)
                    .eq(columns.iter().copied())
            }) {
                index.name = fk.name.clone();
            }
        }
    }
    expected_second.sort();
    let second = recreate(&first).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        second == expected_second,
        "recreated database:\n{}",
        diff(&expected_second, &second)
    );
}

#[tokio::test]
async fn index_methods_other_than_btree_are_read() {
    let sql = "
        CREATE TABLE docs (
          id int PRIMARY KEY,
          body text,
          title varchar(100),
          place point NOT NULL,
          FULLTEXT KEY docs_text (body, title),
          SPATIAL KEY docs_place (place),
          KEY docs_title (title) USING BTREE
        );
        CREATE TABLE cache (k int NOT NULL PRIMARY KEY, v int, w int, KEY cache_v (v), KEY cache_w (w) USING BTREE) ENGINE=MEMORY;
    ";
    let Some(db) = TestDb::create(MYSQL).await else {
        return;
    };
    db.execute(sql).await;
    let schema = read(&db, &Scope::default()).await;
    db.drop().await;
    let schema = schema.expect("introspection");
    let methods: Vec<(String, Option<String>, Vec<String>)> = schema
        .tables
        .iter()
        .flat_map(|t| &t.indexes)
        .map(|i| {
            (
                i.name.clone().unwrap_or_default(),
                i.method.clone(),
                i.column_names()
                    .unwrap_or_default()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            )
        })
        .collect();
    let expected = vec![
        (
            "cache_v".to_owned(),
            Some("hash".to_owned()),
            vec!["v".to_owned()],
        ),
        ("cache_w".to_owned(), None, vec!["w".to_owned()]),
        (
            "docs_place".to_owned(),
            Some("spatial".to_owned()),
            vec!["place".to_owned()],
        ),
        (
            "docs_text".to_owned(),
            Some("fulltext".to_owned()),
            vec!["body".to_owned(), "title".to_owned()],
        ),
        ("docs_title".to_owned(), None, vec!["title".to_owned()]),
    ];
    let mut methods = methods;
    methods.sort();
    assert_eq!(methods, expected);

    // FULLTEXT and SPATIAL indexes are written back as such. (The MEMORY table's HASH index is
    // not round-tripped: the storage engine is not part of the schema model, and InnoDB builds
    // a B-tree whatever `USING` says.)
    let mut docs = schema.clone();
    docs.tables.retain(|t| t.name == "docs");
    let again = recreate(&docs).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(again == docs, "recreated docs:\n{}", diff(&docs, &again));
}

#[tokio::test]
async fn ignore_patterns_leave_tables_out() {
    let Some(db) = TestDb::create(MYSQL).await else {
        return;
    };
    db.execute(
        "
        CREATE TABLE keep_me (id int PRIMARY KEY, n int CHECK (n > 0));
        CREATE TABLE tmp_one (id int PRIMARY KEY, k int, CONSTRAINT tmp_one_k FOREIGN KEY (k) REFERENCES keep_me (id), CHECK (k > 0));
        CREATE TABLE tmp_two (id int PRIMARY KEY);
        CREATE TABLE Tmp_Upper (id int PRIMARY KEY);
        CREATE TABLE a_b (id int PRIMARY KEY);
        CREATE TABLE axb (id int PRIMARY KEY);
        CREATE TABLE dotted (id int PRIMARY KEY);
        CREATE TABLE `x!y` (id int PRIMARY KEY);
        CREATE TABLE `x!z` (id int PRIMARY KEY);
        ",
    )
    .await;
    let scope = Scope {
        schemas: vec![],
        ignore: vec![
            "tmp_*".into(),
            "a_b".into(),
            format!("{}.dotted", db.name),
            "x!y".into(),
        ],
    };
    let schema = read(&db, &scope).await;
    db.drop().await;
    let schema = schema.expect("introspection");
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Tmp_Upper", "axb", "keep_me", "x!z"]);
    let keep = schema.table(None, "keep_me").expect("keep_me");
    assert_eq!(keep.checks.len(), 1, "{:?}", keep.checks);
}

#[tokio::test]
async fn foreign_keys_into_other_databases_name_them() {
    let Some(target) = TestDb::create(MYSQL).await else {
        return;
    };
    let Some(db) = TestDb::create(MYSQL).await else {
        target.drop().await;
        return;
    };
    target
        .execute("CREATE TABLE parent (id int PRIMARY KEY)")
        .await;
    db.execute(&format!(
        "CREATE TABLE parent (id int PRIMARY KEY);
         CREATE TABLE child (
           id int PRIMARY KEY,
           local_id int,
           remote_id int,
           CONSTRAINT child_local FOREIGN KEY (local_id) REFERENCES parent (id),
           CONSTRAINT child_remote FOREIGN KEY (remote_id) REFERENCES `{}`.parent (id) ON DELETE CASCADE
         );",
        target.name
    ))
    .await;
    let target_name = target.name.clone();
    let first = read(&db, &Scope::default()).await;
    let second = match &first {
        Ok(first) => Some(recreate(first).await),
        Err(_) => None,
    };
    db.drop().await;
    target.drop().await;
    let first = first.expect("introspection");
    let child = first.table(None, "child").expect("child");
    let targets: Vec<(Option<&str>, &str)> = child
        .foreign_keys
        .iter()
        .map(|fk| (fk.ref_schema.as_deref(), fk.ref_table.as_str()))
        .collect();
    assert_eq!(
        targets,
        [(None, "parent"), (Some(target_name.as_str()), "parent")]
    );
    let second = second.expect("recreated").unwrap_or_else(|e| panic!("{e}"));
    assert!(first == second, "{}", diff(&first, &second));
}
