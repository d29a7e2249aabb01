//! The differential test: for every entity fixture set, strata's reading of the source files must
//! equal the schema SeaORM 2.0.4 itself derives from the compiled entities, field by field, except
//! for the differences listed (with their reasons) in [`KNOWN_DIFFERENCES`].

use std::collections::BTreeSet;
use std::fmt::{Debug, Write};
use std::path::{Path, PathBuf};

use strata_ir::{Column, EnumType, Schema, Table};
use strata_model::{SourceFile, read};

/// One understood difference between strata (`strata`) and SeaORM (`seaorm`), each side as the
/// `{:?}` of the differing value at `path` (as [`compare`] names it). An entry that no longer
/// shows up fails the test, so a fixed bug or quirk is noticed and its entry removed.
struct Known {
    set: &'static str,
    path: &'static str,
    strata: &'static str,
    seaorm: &'static str,
    reason: &'static str,
}

const KNOWN_DIFFERENCES: &[Known] = &[Known {
    set: "postgres_only",
    path: "enum #0: name",
    strata: r#""audit.level""#,
    seaorm: r#""audit\".\"level""#,
    reason: "SeaORM quirk: `enum_name = \"audit\\\".\\\"level\"` is the old trick for a \
                 schema-qualified enum type. SeaORM's queries still honour it (sea-query writes \
                 `CAST(.. AS \"audit\".\"level\")` unescaped), which is what strata models, but \
                 `create_enum_from_entity` now escapes the quotes (`CREATE TYPE \
                 \"audit\"\".\"\"level\"`), i.e. a type literally named `audit\".\"level` in the \
                 default schema",
}];

/// Fixture directories under `ok/` that hold no entities, so SeaORM has nothing to compile there;
/// strata must read no table from them.
const NO_ENTITIES: &[&str] = &["seaorm_cli_frontend"];

fn ok_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/model/ok")
}

/// The `.rs` files of a fixture directory, paths relative to it (as `strata_model` expects).
fn sources(dir: &Path) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            SourceFile::new(rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// strata's reading of a fixture set; error diagnostics fail the test.
fn strata_schema(set: &str) -> Schema {
    let reading = read(&sources(&ok_root().join(set)));
    let diagnostics: Vec<String> = reading.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        !reading.has_errors(),
        "{set}: strata reports errors:\n{}",
        diagnostics.join("\n")
    );
    for d in &diagnostics {
        eprintln!("{set}: {d}");
    }
    let mut schema = reading.schema;
    schema.sort();
    schema
}

/// A difference found by [`compare`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Diff {
    path: String,
    strata: String,
    seaorm: String,
}

#[derive(Default)]
struct Diffs(Vec<Diff>);

impl Diffs {
    fn check<T: Debug + PartialEq>(&mut self, path: impl Into<String>, strata: &T, seaorm: &T) {
        if strata != seaorm {
            self.0.push(Diff {
                path: path.into(),
                strata: format!("{strata:?}"),
                seaorm: format!("{seaorm:?}"),
            });
        }
    }
}

/// Every difference between the two schemas, named by path (`table.column: field`). Structs are
/// destructured exhaustively, so a field added to the model cannot escape the comparison.
fn compare(strata: &Schema, seaorm: &Schema) -> Vec<Diff> {
    let mut diffs = Diffs::default();
    let Schema {
        tables: s_tables,
        enums: s_enums,
        objects: s_objects,
    } = strata;
    let Schema {
        tables: o_tables,
        enums: o_enums,
        objects: o_objects,
    } = seaorm;
    diffs.check("views, triggers and other objects", s_objects, o_objects);

    // Enum types, sorted by name on both sides: paired by position when the counts agree, so a
    // naming difference still has its values compared.
    let qualified = |e: &EnumType| match &e.schema {
        Some(s) => format!("{s}.{}", e.name),
        None => e.name.clone(),
    };
    if s_enums.len() == o_enums.len() {
        for (i, (s, o)) in s_enums.iter().zip(o_enums).enumerate() {
            let EnumType {
                schema: _,
                name: _,
                values,
            } = s;
            diffs.check(format!("enum #{i}: name"), &qualified(s), &qualified(o));
            diffs.check(format!("enum {}: values", qualified(s)), values, &o.values);
        }
    } else {
        let names = |es: &[EnumType]| es.iter().map(qualified).collect::<Vec<_>>();
        diffs.check("enum types", &names(s_enums), &names(o_enums));
    }

    // Tables by qualified name.
    let names = |ts: &[Table]| {
        ts.iter()
            .map(Table::qualified_name)
            .collect::<BTreeSet<_>>()
    };
    diffs.check("tables", &names(s_tables), &names(o_tables));
    for s in s_tables {
        if let Some(o) = o_tables
            .iter()
            .find(|o| o.qualified_name() == s.qualified_name())
        {
            compare_table(&mut diffs, s, o);
        }
    }
    diffs.0
}

fn compare_table(diffs: &mut Diffs, s: &Table, o: &Table) {
    let Table {
        schema: _,
        name: _,
        columns,
        primary_key,
        indexes,
        foreign_keys,
        checks,
        comment,
        without_rowid,
        strict,
    } = s;
    let t = s.qualified_name();
    diffs.check(
        format!("{t}: without rowid"),
        without_rowid,
        &o.without_rowid,
    );
    diffs.check(format!("{t}: strict"), strict, &o.strict);
    diffs.check(format!("{t}: comment"), comment, &o.comment);
    diffs.check(format!("{t}: primary key"), primary_key, &o.primary_key);
    diffs.check(format!("{t}: indexes"), indexes, &o.indexes);
    diffs.check(format!("{t}: foreign keys"), foreign_keys, &o.foreign_keys);
    diffs.check(format!("{t}: checks"), checks, &o.checks);

    // Columns in order: paired by position, so a name difference still has the rest compared.
    if columns.len() != o.columns.len() {
        let names = |cs: &[Column]| cs.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        diffs.check(format!("{t}: columns"), &names(columns), &names(&o.columns));
        return;
    }
    for (c, oc) in columns.iter().zip(&o.columns) {
        let Column {
            name,
            ty,
            nullable,
            default,
            auto_increment,
            comment,
            generated,
            extra,
            renamed_from,
            collation,
            identity_always,
        } = c;
        let p = format!("{t}.{name}");
        diffs.check(format!("{p}: name"), name, &oc.name);
        diffs.check(format!("{p}: type"), ty, &oc.ty);
        diffs.check(format!("{p}: nullable"), nullable, &oc.nullable);
        diffs.check(format!("{p}: default"), default, &oc.default);
        diffs.check(
            format!("{p}: auto_increment"),
            auto_increment,
            &oc.auto_increment,
        );
        diffs.check(format!("{p}: comment"), comment, &oc.comment);
        diffs.check(format!("{p}: generated"), generated, &oc.generated);
        diffs.check(format!("{p}: extra"), extra, &oc.extra);
        diffs.check(format!("{p}: renamed_from"), renamed_from, &oc.renamed_from);
        diffs.check(format!("{p}: collation"), collation, &oc.collation);
        diffs.check(
            format!("{p}: identity_always"),
            identity_always,
            &oc.identity_always,
        );
    }
}

fn unified_diff(strata: &Schema, seaorm: &Schema) -> String {
    let (a, b) = (strata_ir::dump(strata), strata_ir::dump(seaorm));
    similar::TextDiff::from_lines(&a, &b)
        .unified_diff()
        .header("strata", "seaorm")
        .to_string()
}

#[test]
fn every_entity_fixture_set_is_compiled_by_seaorm() {
    let compiled: BTreeSet<&str> = seaorm_oracle::fixture_sets()
        .iter()
        .map(|(set, _)| *set)
        .collect();
    let mut on_disk = BTreeSet::new();
    for entry in std::fs::read_dir(ok_root()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            on_disk.insert(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    for dir in &on_disk {
        if NO_ENTITIES.contains(&dir.as_str()) {
            let schema = strata_schema(dir);
            assert_eq!(
                schema,
                Schema::default(),
                "{dir} is listed as holding no entities"
            );
        } else {
            assert!(
                compiled.contains(dir.as_str()),
                "fixtures/model/ok/{dir} is not compiled by the SeaORM oracle (src/lib.rs)"
            );
        }
    }
}

#[test]
fn strata_reads_what_seaorm_derives() {
    let mut failures = String::new();
    let mut seen = vec![false; KNOWN_DIFFERENCES.len()];
    let mut compared = 0;
    for (set, derived) in seaorm_oracle::fixture_sets() {
        let strata = strata_schema(set);
        let mut seaorm = seaorm_oracle::to_schema(&derived);
        seaorm.sort();
        assert!(!seaorm.tables.is_empty(), "{set}: SeaORM derived no table");

        let mut unexpected = Vec::new();
        for diff in compare(&strata, &seaorm) {
            let known = KNOWN_DIFFERENCES
                .iter()
                .position(|k| k.set == set && k.path == diff.path);
            match known {
                Some(i)
                    if KNOWN_DIFFERENCES[i].strata == diff.strata
                        && KNOWN_DIFFERENCES[i].seaorm == diff.seaorm =>
                {
                    seen[i] = true;
                }
                _ => unexpected.push(diff),
            }
        }
        compared += 1;
        if !unexpected.is_empty() {
            let _ = writeln!(failures, "=== {set}: differences not in KNOWN_DIFFERENCES");
            for d in &unexpected {
                let _ = writeln!(
                    failures,
                    "  {}\n    strata: {}\n    seaorm: {}",
                    d.path, d.strata, d.seaorm
                );
            }
            let _ = writeln!(failures, "{}", unified_diff(&strata, &seaorm));
        }
    }
    for (known, seen) in KNOWN_DIFFERENCES.iter().zip(seen) {
        if !seen {
            let _ = writeln!(
                failures,
                "=== stale KNOWN_DIFFERENCES entry (no longer differs this way): {} {}\n    \
                 strata: {}\n    seaorm: {}",
                known.set, known.path, known.strata, known.seaorm
            );
        }
    }
    assert!(failures.is_empty(), "{failures}");
    assert_eq!(compared, 7, "fixture sets compared");
    for known in KNOWN_DIFFERENCES {
        assert!(!known.reason.is_empty());
    }
}

/// The comparison itself: it must see a difference in every field it claims to check.
#[test]
fn compare_notices_every_field() {
    let (_, derived) = seaorm_oracle::fixture_sets()
        .into_iter()
        .find(|(set, _)| *set == "handwritten_compact")
        .unwrap();
    let mut base = seaorm_oracle::to_schema(&derived);
    base.sort();
    assert!(compare(&base, &base).is_empty());

    type Mutation = fn(&mut Schema);
    fn users(s: &mut Schema) -> &mut Table {
        s.tables.iter_mut().find(|t| t.name == "users").unwrap()
    }
    let mutations: Vec<(&str, Mutation)> = vec![
        ("enum #0: name", |s| s.enums[0].name.push('x')),
        ("enum mood: values", |s| drop(s.enums[0].values.pop())),
        ("tables", |s| drop(s.tables.pop())),
        ("users: comment", |s| users(s).comment = None),
        ("users: primary key", |s| users(s).primary_key = None),
        ("users: indexes", |s| drop(users(s).indexes.pop())),
        ("users: checks", |s| {
            users(s).checks.push(strata_ir::Check {
                name: None,
                expr: "1".into(),
            })
        }),
        ("users: columns", |s| drop(users(s).columns.pop())),
        ("users.idx: name", |s| users(s).columns[0].name.push('x')),
        ("users.id: type", |s| {
            users(s).columns[0].ty = strata_ir::ColumnType::Text
        }),
        ("users.id: nullable", |s| {
            users(s).columns[0].nullable = true
        }),
        ("users.id: default", |s| {
            users(s).columns[0].default = Some(strata_ir::DefaultValue::Expr("1".into()))
        }),
        ("users.id: auto_increment", |s| {
            users(s).columns[0].auto_increment = false
        }),
        ("users.id: comment", |s| {
            users(s).columns[0].comment = Some("c".into())
        }),
        ("users.id: generated", |s| {
            users(s).columns[0].generated = Some(strata_ir::Generated {
                expr: "1".into(),
                stored: true,
            })
        }),
        ("users.id: extra", |s| {
            users(s).columns[0].extra = Some("x".into())
        }),
        ("users.id: renamed_from", |s| {
            users(s).columns[0].renamed_from = Some("x".into())
        }),
    ];
    for (path, mutate) in mutations {
        let mut changed = base.clone();
        mutate(&mut changed);
        let diffs = compare(&changed, &base);
        assert!(
            diffs.iter().any(|d| d.path == path),
            "mutation at {path} not noticed: {diffs:?}"
        );
    }
    // Foreign keys: on a table that has some.
    let mut changed = base.clone();
    let posts = changed
        .tables
        .iter_mut()
        .find(|t| t.name == "posts")
        .unwrap();
    posts.foreign_keys[0].on_delete = None;
    assert!(
        compare(&changed, &base)
            .iter()
            .any(|d| d.path == "posts: foreign keys")
    );
}
