//! Cross-check with sea-schema 0.18's discovery, on the facts where its output is trustworthy:
//! tables, column names in order, nullability, primary-key columns and foreign keys (columns,
//! target, target columns). For each dialect, the portable fixtures are created with strata's
//! DDL and read by both; the two fact lists must agree. (sea-schema misses or merges much else —
//! non-unique and expression indexes, INCLUDE columns, comments, checks on MySQL and SQLite —
//! which is why strata has its own introspection.)

use std::fmt::Write;

use strata_introspect::Scope;
use strata_ir::{Dialect, Schema};
use strata_testkit::{TestDb, model_fixture};

const SETS: &[&str] = &["handwritten_compact", "handwritten_dense"];

#[derive(Default)]
struct Facts(Vec<(String, String)>);

impl Facts {
    /// One table's facts as text lines.
    fn table(
        &mut self,
        name: &str,
        columns: Vec<(String, bool)>,
        mut pk: Vec<String>,
        mut fks: Vec<String>,
    ) {
        let mut text = String::new();
        for (column, nullable) in columns {
            let null = if nullable { "null" } else { "not null" };
            let _ = writeln!(text, "  column {column} {null}");
        }
        // sea-schema's SQLite discovery gives primary-key membership, not order.
        pk.sort();
        let _ = writeln!(text, "  primary key ({})", pk.join(", "));
        fks.sort();
        for fk in fks {
            let _ = writeln!(text, "  {fk}");
        }
        self.0.push((name.to_owned(), text));
    }

    fn render(mut self) -> String {
        self.0.sort();
        self.0
            .into_iter()
            .map(|(name, text)| format!("table {name}\n{text}"))
            .collect()
    }
}

fn fk_line(columns: &[String], table: &str, ref_columns: &[String]) -> String {
    format!(
        "foreign key ({}) -> {table} ({})",
        columns.join(", "),
        ref_columns.join(", ")
    )
}

fn strata_facts(schema: &Schema) -> String {
    let mut facts = Facts::default();
    for t in &schema.tables {
        facts.table(
            &t.name,
            t.columns
                .iter()
                .map(|c| (c.name.clone(), c.nullable))
                .collect(),
            t.primary_key
                .iter()
                .flat_map(|pk| pk.columns.clone())
                .collect(),
            t.foreign_keys
                .iter()
                .map(|fk| fk_line(&fk.columns, &fk.ref_table, &fk.ref_columns))
                .collect(),
        );
    }
    facts.render()
}

async fn sea_schema_facts(db: &TestDb) -> String {
    let mut facts = Facts::default();
    match db.dialect {
        Dialect::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            let schema =
                sea_schema::postgres::discovery::SchemaDiscovery::new(pool.clone(), "public")
                    .discover()
                    .await
                    .unwrap();
            pool.close().await;
            for t in schema.tables {
                facts.table(
                    &t.info.name,
                    t.columns
                        .iter()
                        .map(|c| (c.name.clone(), c.not_null.is_none()))
                        .collect(),
                    t.primary_key_constraints
                        .iter()
                        .flat_map(|pk| pk.columns.clone())
                        .collect(),
                    t.reference_constraints
                        .iter()
                        .map(|r| fk_line(&r.columns, &r.table, &r.foreign_columns))
                        .collect(),
                );
            }
        }
        Dialect::Mysql => {
            let pool = sqlx::MySqlPool::connect(&db.url).await.unwrap();
            let schema = sea_schema::mysql::discovery::SchemaDiscovery::new(pool.clone(), &db.name)
                .discover()
                .await
                .unwrap();
            pool.close().await;
            for t in schema.tables {
                facts.table(
                    &t.info.name,
                    t.columns.iter().map(|c| (c.name.clone(), c.null)).collect(),
                    t.indexes
                        .iter()
                        .filter(|i| i.name == "PRIMARY")
                        .flat_map(|i| i.parts.iter().map(|p| p.column.clone()))
                        .collect(),
                    t.foreign_keys
                        .iter()
                        .map(|fk| {
                            fk_line(&fk.columns, &fk.referenced_table, &fk.referenced_columns)
                        })
                        .collect(),
                );
            }
        }
        Dialect::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            let schema = sea_schema::sqlite::discovery::SchemaDiscovery::new(pool.clone())
                .discover()
                .await
                .unwrap();
            pool.close().await;
            for t in schema.tables {
                facts.table(
                    &t.name,
                    t.columns
                        .iter()
                        .map(|c| (c.name.clone(), !c.not_null))
                        .collect(),
                    t.columns
                        .iter()
                        .filter(|c| c.primary_key)
                        .map(|c| c.name.clone())
                        .collect(),
                    t.foreign_keys
                        .iter()
                        .map(|fk| fk_line(&fk.from, &fk.table, &fk.to))
                        .collect(),
                );
            }
        }
    }
    facts.render()
}

async fn check(dialect: Dialect) {
    for set in SETS {
        let model = model_fixture(set);
        let ddl = strata_emit::create_schema(&model, dialect).unwrap();
        let Some(db) = TestDb::create(dialect).await else {
            return;
        };
        db.execute(&ddl).await;
        let ours = strata_introspect::introspect(&db.url, &Scope::default()).await;
        let theirs = sea_schema_facts(&db).await;
        db.drop().await;
        let ours = strata_facts(&ours.unwrap_or_else(|e| panic!("{set} on {dialect}: {e}")));
        if ours != theirs {
            let diff = similar::TextDiff::from_lines(&ours, &theirs)
                .unified_diff()
                .header("strata", "sea-schema")
                .to_string();
            panic!("{set} on {dialect}:\n{diff}");
        }
    }
}

#[tokio::test]
async fn postgres_agrees_with_sea_schema() {
    check(Dialect::Postgres).await;
}

#[tokio::test]
async fn mysql_agrees_with_sea_schema() {
    check(Dialect::Mysql).await;
}

#[tokio::test]
async fn sqlite_agrees_with_sea_schema() {
    check(Dialect::Sqlite).await;
}
