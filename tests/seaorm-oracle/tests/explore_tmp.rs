use std::path::Path;
use strata_model::{SourceFile, read};
#[test]
fn explore() {
    for (set, derived) in seaorm_oracle::fixture_sets() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/model/ok").join(set);
        let mut files = Vec::new();
        for e in walkdir::WalkDir::new(&dir) {
            let e = e.unwrap();
            if e.path().extension().is_some_and(|x| x == "rs") {
                let rel = e.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
                files.push(SourceFile::new(rel, std::fs::read_to_string(e.path()).unwrap()));
            }
        }
        let reading = read(&files);
        for d in &reading.diagnostics { println!("{set}: {d}"); }
        let mut a = reading.schema; a.sort();
        let mut b = seaorm_oracle::to_schema(&derived); b.sort();
        let (da, db) = (strata_ir::dump(&a), strata_ir::dump(&b));
        println!("=== {set}");
        for t in &derived { for e in &t.enum_types { println!("  {e}"); } }
        print!("{}", similar::TextDiff::from_lines(&da, &db).unified_diff().header("strata", "seaorm"));
    }
}
