//! Introspection against the entities: for every entity fixture set and every dialect that can
//! hold it, a fresh database is created twice — by SeaORM 2.0.4's own DDL and by strata's — and
//! strata's reading of each database must equal strata's reading of the entity files, with zero
//! differences once both are in the dialect's canonical form ([`strata_ir::canonical`]). This is
//! the "no false positives" promise, checked for every type the fixtures use; the differ must
//! likewise find no change between each database and the entities.

use std::collections::BTreeSet;

use seaorm_oracle::{BackendDdl, Derived};
use strata_introspect::Scope;
use strata_ir::canonical::{canonical, reconcile_names};
use strata_ir::{Dialect, Schema};
use strata_testkit::{TestDb, model_fixture};

/// Sets whose types every dialect stores.
const PORTABLE: &[&str] = &[
    "handwritten_compact",
    "handwritten_dense",
    "handwritten_expanded",
];

/// Sets read from a PostgreSQL database (arrays, inet, intervals): PostgreSQL only.
const POSTGRES_ONLY: &[&str] = &[
    "seaorm_cli_compact",
    "seaorm_cli_dense",
    "seaorm_cli_expanded",
];

fn sets_for(dialect: Dialect) -> Vec<&'static str> {
    let mut sets = PORTABLE.to_vec();
    if dialect == Dialect::Postgres {
        sets.extend(POSTGRES_ONLY);
    }
    sets
}

/// The script SeaORM's statements make, tables ordered so that referenced ones come first.
fn script(model: &Schema, derived: &[Derived], dialect: Dialect) -> String {
    let ddl: Vec<&BackendDdl> = derived
        .iter()
        .map(|d| d.ddl.iter().find(|b| b.dialect == dialect).unwrap())
        .collect();
    let mut statements: Vec<String> = Vec::new();
    if dialect == Dialect::Postgres {
        let schemas: BTreeSet<&str> = model
            .tables
            .iter()
            .filter_map(|t| t.schema.as_deref())
            .collect();
        for s in schemas {
            statements.push(format!("CREATE SCHEMA IF NOT EXISTS {}", dialect.quote(s)));
        }
    }
    let mut types: Vec<&String> = Vec::new();
    for t in ddl.iter().flat_map(|b| &b.types) {
        if !types.contains(&t) {
            types.push(t);
        }
    }
    statements.extend(types.into_iter().cloned());
    for i in creation_order(derived) {
        statements.push(ddl[i].table.clone());
    }
    statements.extend(ddl.iter().flat_map(|b| b.indexes.iter().cloned()));
    statements.join(";\n") + ";"
}

/// Indexes into `derived`, each table after the tables its foreign keys reference (references
/// in a cycle keep declaration order).
fn creation_order(derived: &[Derived]) -> Vec<usize> {
    let tables: Vec<strata_ir::Table> = derived
        .iter()
        .map(|d| {
            seaorm_oracle::to_schema(std::slice::from_ref(d))
                .tables
                .remove(0)
        })
        .collect();
    let deps: Vec<Vec<usize>> = tables
        .iter()
        .map(|t| {
            t.foreign_keys
                .iter()
                .filter_map(|fk| tables.iter().position(|o| o.name == fk.ref_table))
                .collect()
        })
        .collect();
    fn visit(i: usize, deps: &[Vec<usize>], state: &mut [u8], out: &mut Vec<usize>) {
        if state[i] != 0 {
            return;
        }
        state[i] = 1;
        for &d in &deps[i] {
            visit(d, deps, state, out);
        }
        state[i] = 2;
        out.push(i);
    }
    let mut state = vec![0u8; derived.len()];
    let mut out = Vec::new();
    for i in 0..derived.len() {
        visit(i, &deps, &mut state, &mut out);
    }
    out
}

fn scope(model: &Schema) -> Scope {
    let mut schemas: BTreeSet<String> = BTreeSet::from(["public".to_owned()]);
    schemas.extend(model.tables.iter().filter_map(|t| t.schema.clone()));
    Scope {
        schemas: schemas.into_iter().collect(),
        ignore: Vec::new(),
    }
}

/// Who writes the DDL that creates the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Creator {
    SeaOrm,
    Strata,
}

/// Sets SeaORM cannot create on a dialect, with the database's error and the reason. An entry
/// whose DDL starts to work fails the test, so it is noticed and removed.
const SEAORM_CANNOT_CREATE: &[(&str, Dialect, &str, &str)] = &[
    (
        "seaorm_cli_compact",
        Dialect::Postgres,
        "syntax error at or near \"Kind\"",
        TEA_KIND,
    ),
    (
        "seaorm_cli_dense",
        Dialect::Postgres,
        "syntax error at or near \"Kind\"",
        TEA_KIND,
    ),
    (
        "seaorm_cli_expanded",
        Dialect::Postgres,
        "syntax error at or near \"Kind\"",
        TEA_KIND,
    ),
];

const TEA_KIND: &str = "sea-query never quotes enum type names in column definitions, so the \
    type `Tea Kind` (which sea-orm-cli generated from the database) is written bare";

/// Creates the set, reads it back, and returns the unified diff between the canonical model and
/// the canonical reading (`None` when they agree or the server is absent).
async fn differences(
    set: &str,
    derived: &[Derived],
    dialect: Dialect,
    creator: Creator,
) -> Option<String> {
    let model = model_fixture(set);
    let ddl = match creator {
        Creator::SeaOrm => script(&model, derived, dialect),
        Creator::Strata => strata_emit::create_schema(&model, dialect).unwrap(),
    };
    let db = TestDb::create(dialect).await?;
    let created = db.try_execute(&ddl).await;
    let read = match created {
        Ok(()) => strata_introspect::introspect(&db.url, &scope(&model))
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(format!("{creator:?}'s DDL failed: {e}")),
    };
    db.drop().await;
    let known = SEAORM_CANNOT_CREATE
        .iter()
        .find(|(s, d, _, _)| creator == Creator::SeaOrm && *s == set && *d == dialect);
    let read = match (read, known) {
        (Err(e), Some((_, _, error, _))) if e.contains(error) => return None,
        (Ok(_), Some((_, _, _, reason))) => {
            panic!("{set} on {dialect}: SeaORM's DDL works now; remove the entry ({reason})")
        }
        (read, _) => read.unwrap_or_else(|e| panic!("{set} on {dialect}: {e}")),
    };

    // The differ, given the database as it is and the entities, must find nothing to do (on
    // PostgreSQL, SeaORM's databases lack the comments; see below).
    if !(creator == Creator::SeaOrm && dialect == Dialect::Postgres) {
        let changes = strata_diff::diff(&read, &model, dialect).changes;
        if !changes.is_empty() {
            let lines: Vec<String> = changes.iter().map(|c| format!("  {c}")).collect();
            return Some(format!("the differ proposes:\n{}", lines.join("\n")));
        }
    }
    let mut expected = canonical(&model, dialect);
    let mut actual = canonical(&read, dialect);
    reconcile_names(&mut expected, &mut actual);
    // sea-query writes no PostgreSQL comments (it has no COMMENT ON), so a database SeaORM
    // created lacks them: real drift that `strata check` reports and `autogenerate` repairs,
    // not a reading error. Compared without comments there.
    if creator == Creator::SeaOrm && dialect == Dialect::Postgres {
        for t in &mut expected.tables {
            t.comment = None;
            for c in &mut t.columns {
                c.comment = None;
            }
        }
    }
    // Check constraints are outside the entities' authority (a SeaORM `extra = "CHECK ..."` is
    // raw SQL the database rewrites): the differ reports them as unmanaged, never as drift.
    for t in expected.tables.iter_mut().chain(actual.tables.iter_mut()) {
        t.checks.clear();
    }
    let (a, b) = (strata_ir::dump(&expected), strata_ir::dump(&actual));
    (a != b).then(|| {
        similar::TextDiff::from_lines(&a, &b)
            .unified_diff()
            .header("entities", "database")
            .to_string()
    })
}

async fn check(dialect: Dialect) {
    let sets = seaorm_oracle::fixture_sets();
    let mut failures = Vec::new();
    for set in sets_for(dialect) {
        let (_, derived) = sets.iter().find(|(name, _)| *name == set).unwrap();
        for creator in [Creator::SeaOrm, Creator::Strata] {
            if let Some(diff) = differences(set, derived, dialect, creator).await {
                failures.push(format!(
                    "== {set} on {dialect}, created by {creator:?}\n{diff}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn postgres_reads_back_the_entities() {
    check(Dialect::Postgres).await;
}

#[tokio::test]
async fn mysql_reads_back_the_entities() {
    check(Dialect::Mysql).await;
}

#[tokio::test]
async fn sqlite_reads_back_the_entities() {
    check(Dialect::Sqlite).await;
}
