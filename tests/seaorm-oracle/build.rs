//! Lists `fixtures/seaorm-migrations/*.rs` (the sea-orm-migration files strata writes for
//! every diff case) as modules, so `tests/migrations.rs` compiles every one of them against
//! sea-orm-migration 2.0 and can look each up by name.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/seaorm-migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".rs").map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::new();
    for name in &names {
        let path = dir.join(format!("{name}.rs"));
        let _ = writeln!(
            out,
            "#[path = {:?}]\nmod {name};",
            path.display().to_string()
        );
    }
    out.push_str("/// Every migration file, by its file name (`<case>_<dialect>`).\n");
    out.push_str("pub fn migrations() -> Vec<(&'static str, Box<dyn sea_orm_migration::MigrationTrait>)> {\n    vec![\n");
    for name in &names {
        let _ = writeln!(out, "        ({name:?}, Box::new({name}::Migration)),");
    }
    out.push_str("    ]\n}\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("migrations.rs");
    if let Err(e) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}
