//! The sea-orm-migration files strata writes (`fixtures/seaorm-migrations/<case>_<dialect>.rs`,
//! kept equal to the generator's output by `crates/strata-seaorm/tests/files.rs`), compiled
//! here against sea-orm-migration 2.0 and run through its `SchemaManager` on the real servers:
//! a fresh database gets the case's `before` schema (and its seed rows), `up` runs and the
//! database must then equal the `after` entities (strata's check is clean), every seed row
//! still there; `down` runs and the database must equal `before` again.

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

use sea_orm_migration::sea_orm::Database;
use sea_orm_migration::{MigrationTrait, SchemaManager};
use strata_introspect::Scope;
use strata_ir::{Dialect, Schema};
use strata_testkit::{TestDb, diff_case, diff_case_dialects, fixture_dir};

async fn introspect(db: &TestDb) -> Schema {
    strata_introspect::introspect(&db.url, &Scope::default())
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", db.dialect))
}

fn assert_clean(what: &str, dialect: Dialect, db: &Schema, target: &Schema) {
    let left = strata_diff::diff(db, target, dialect).changes;
    let lines: Vec<String> = left.iter().map(|c| format!("  {c}")).collect();
    assert!(
        left.is_empty(),
        "{what} on {dialect}: still\n{}",
        lines.join("\n")
    );
}

async fn rows(db: &TestDb, tables: &[String]) -> Vec<i64> {
    let mut out = Vec::new();
    for t in tables {
        out.push(
            db.scalar(&format!("SELECT COUNT(*) FROM {}", db.dialect.quote(t)))
                .await,
        );
    }
    out
}

async fn run(case: &str, dialect: Dialect, migration: &dyn MigrationTrait) {
    let (before, after) = diff_case(case);
    let Some(db) = TestDb::create(dialect).await else {
        return;
    };
    let start = strata_emit::create_schema(&before, dialect).unwrap();
    if let Err(e) = db.try_execute(&start).await {
        panic!("{case}: the before schema on {dialect}: {e}\n{start}");
    }
    let kept: Vec<String> = before
        .tables
        .iter()
        .filter(|t| after.table(t.schema.as_deref(), &t.name).is_some())
        .map(|t| t.name.clone())
        .collect();
    let seed = std::fs::read_to_string(fixture_dir("diff").join(case).join("seed.sql")).ok();
    if let Some(seed) = &seed {
        db.execute(seed).await;
    }
    let seeded = rows(&db, &kept).await;

    let conn = Database::connect(&db.url)
        .await
        .unwrap_or_else(|e| panic!("{case} on {dialect}: connecting: {e}"));
    let manager = SchemaManager::new(&conn);
    if let Err(e) = migration.up(&manager).await {
        panic!("{case} on {dialect}: up failed: {e}");
    }
    assert_clean(
        &format!("{case} after up"),
        dialect,
        &introspect(&db).await,
        &after,
    );
    assert_eq!(
        rows(&db, &kept).await,
        seeded,
        "{case} on {dialect}: rows after up"
    );
    if let Err(e) = migration.down(&manager).await {
        panic!("{case} on {dialect}: down failed: {e}");
    }
    assert_clean(
        &format!("{case} after down"),
        dialect,
        &introspect(&db).await,
        &before,
    );
    assert_eq!(
        rows(&db, &kept).await,
        seeded,
        "{case} on {dialect}: rows after down"
    );
    let _ = conn.close().await;
    db.drop().await;
}

async fn every_case_on(dialect: Dialect) {
    let all = migrations();
    let mut ran = 0;
    for (name, migration) in &all {
        let Some(case) = name.strip_suffix(&format!("_{dialect}")) else {
            continue;
        };
        assert!(diff_case_dialects(case).contains(&dialect), "{name}");
        run(case, dialect, migration.as_ref()).await;
        ran += 1;
    }
    assert!(ran > 0, "no migration files for {dialect}");
}

#[tokio::test]
async fn generated_migrations_run_on_postgres() {
    every_case_on(Dialect::Postgres).await;
}

#[tokio::test]
async fn generated_migrations_run_on_mysql() {
    every_case_on(Dialect::Mysql).await;
}

#[tokio::test]
async fn generated_migrations_run_on_sqlite() {
    every_case_on(Dialect::Sqlite).await;
}
