//! Registration in a migration crate's `src/lib.rs`, in the shape `sea-orm-cli migrate generate`
//! keeps: one `mod mYYYYMMDD_HHMMSS_name;` line per migration after the last such line, and
//! the `vec![...]` of `MigratorTrait::migrations` rewritten to box every module in that order,
//! one per line. Both tools can then keep adding migrations to the same crate.

use crate::SeaOrmError;

/// Whether `name` has the shape `m` + 8 digits + `_` + 6 digits + `_` + word characters.
pub fn is_migration_module(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 17
        && b[0] == b'm'
        && b[1..9].iter().all(u8::is_ascii_digit)
        && b[9] == b'_'
        && b[10..16].iter().all(u8::is_ascii_digit)
        && b[16] == b'_'
        && b[17..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// The migration modules `lib_rs` declares, in order, with the byte offset just past each
/// declaration's `;`.
fn declarations(lib_rs: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in lib_rs.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("mod ")
            && let Some(name) = rest.strip_suffix(';')
        {
            let name = name.trim();
            if is_migration_module(name) {
                let end = offset + line.find(';').map_or(line.len(), |i| i + 1);
                out.push((name.to_owned(), end));
            }
        }
        offset += line.len();
    }
    out
}

/// The migration modules `lib_rs` registers, in order.
pub fn registered(lib_rs: &str) -> Vec<String> {
    declarations(lib_rs)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// `lib_rs` with `module` declared and boxed in the migrations list.
pub fn register(lib_rs: &str, module: &str) -> Result<String, SeaOrmError> {
    let bad = |reason: &str| SeaOrmError::LibRs {
        reason: reason.to_owned(),
    };
    let declared = declarations(lib_rs);
    if declared.iter().any(|(name, _)| name == module) {
        return Err(bad(&format!("`mod {module};` is already declared")));
    }
    let mut text = lib_rs.to_owned();
    match declared.last() {
        Some((_, end)) => {
            let at = (*end + 1).min(text.len());
            let line = if text[..at].ends_with('\n') {
                format!("mod {module};\n")
            } else {
                format!("\nmod {module};")
            };
            text.insert_str(at, &line);
        }
        None => {
            let at = text
                .find("pub struct Migrator")
                .ok_or_else(|| bad("it declares no `pub struct Migrator`"))?;
            text.insert_str(at, &format!("mod {module};\n\n"));
        }
    }
    let modules = registered(&text);
    let start = text
        .find("vec![")
        .ok_or_else(|| bad("it has no `vec![...]` of migrations"))?;
    let end = closing_bracket(&text, start + "vec!".len())
        .ok_or_else(|| bad("its `vec![` is not closed"))?;
    let mut list = String::from("vec![\n");
    for m in &modules {
        list.push_str(&format!("            Box::new({m}::Migration),\n"));
    }
    list.push_str("        ]");
    text.replace_range(start..=end, &list);
    Ok(text)
}

/// The index of the `]` matching the `[` at `open`.
fn closing_bracket(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lib.rs` as `sea-orm-cli migrate init` (2.0.4) writes it.
    const INIT: &str = "pub use sea_orm_migration::prelude::*;\n\nmod m20220101_000001_create_table;\n\npub struct Migrator;\n\n#[async_trait::async_trait]\nimpl MigratorTrait for Migrator {\n    fn migrations() -> Vec<Box<dyn MigrationTrait>> {\n        vec![Box::new(m20220101_000001_create_table::Migration)]\n    }\n}\n";

    #[test]
    fn a_migration_is_declared_after_the_last_and_boxed_last() {
        let once = register(INIT, "m20261121_101500_add_bio").unwrap();
        insta::assert_snapshot!(once);
        let twice = register(&once, "m20261121_101600_add_index").unwrap();
        assert_eq!(
            registered(&twice),
            [
                "m20220101_000001_create_table",
                "m20261121_101500_add_bio",
                "m20261121_101600_add_index"
            ]
        );
        assert!(twice.contains(
            "            Box::new(m20261121_101500_add_bio::Migration),\n            Box::new(m20261121_101600_add_index::Migration),\n        ]\n    }"
        ));
    }

    #[test]
    fn an_empty_crate_gets_its_first_declaration_before_the_migrator() {
        let empty = INIT
            .replace("mod m20220101_000001_create_table;\n\n", "")
            .replace("Box::new(m20220101_000001_create_table::Migration)", "");
        let text = register(&empty, "m20261121_101500_first").unwrap();
        assert_eq!(registered(&text), ["m20261121_101500_first"]);
        assert!(text.contains("mod m20261121_101500_first;\n\npub struct Migrator;"));
    }

    #[test]
    fn a_file_that_is_not_a_migrator_is_refused() {
        assert!(register("fn main() {}\n", "m20261121_101500_x").is_err());
        assert!(register(INIT, "m20220101_000001_create_table").is_err());
        assert!(!is_migration_module("m2022_create"));
        assert!(is_migration_module("m20220101_000001_create_table"));
    }
}
