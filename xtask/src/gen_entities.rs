//! Generates a realistic directory of SeaORM entity files for benchmarks: mixed column types,
//! nullable columns, uniques, indexes, defaults, ActiveEnums, foreign keys, in both the compact
//! and the dense form.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;

const TYPES: &[(&str, &str)] = &[
    ("String", ""),
    ("i32", ""),
    ("i64", ""),
    ("bool", "default_value = false"),
    (
        "DateTimeWithTimeZone",
        "default_expr = \"Expr::current_timestamp()\"",
    ),
    ("Decimal", "column_type = \"Decimal(Some((12, 2)))\""),
    ("Option<String>", ""),
    ("Json", "column_type = \"JsonBinary\""),
    ("Uuid", "unique"),
    ("Option<Date>", ""),
    ("String", "column_type = \"Text\""),
    ("Status", ""),
    ("Option<f64>", ""),
    ("String", "indexed"),
];

pub fn write(dir: &Path, files: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut module = String::from("pub mod sea_orm_active_enums;\n");
    for i in 0..files {
        let _ = writeln!(module, "pub mod table_{i:05};");
        let text = entity(i, i % 3 == 2);
        std::fs::write(dir.join(format!("table_{i:05}.rs")), text)?;
    }
    std::fs::write(dir.join("mod.rs"), module)?;
    std::fs::write(
        dir.join("sea_orm_active_enums.rs"),
        "use sea_orm::entity::prelude::*;\n\n\
         #[derive(Debug, Clone, PartialEq, Eq, EnumIter, DeriveActiveEnum)]\n\
         #[sea_orm(rs_type = \"String\", db_type = \"Enum\", enum_name = \"status\")]\n\
         pub enum Status {\n    #[sea_orm(string_value = \"active\")]\n    Active,\n    \
         #[sea_orm(string_value = \"archived\")]\n    Archived,\n}\n",
    )?;
    Ok(())
}

fn entity(i: usize, dense: bool) -> String {
    let mut s = String::from(
        "//! `SeaORM` Entity, generated for benchmarks\n\nuse sea_orm::entity::prelude::*;\n\
         use super::sea_orm_active_enums::Status;\n\n",
    );
    if dense {
        s.push_str("#[sea_orm::model]\n");
    }
    let _ = writeln!(
        s,
        "#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n#[sea_orm(table_name = \"table_{i:05}\")]\npub struct Model {{\n    #[sea_orm(primary_key)]\n    pub id: i64,"
    );
    for (c, (ty, attr)) in TYPES
        .iter()
        .enumerate()
        .filter(|(c, _)| !(c + i).is_multiple_of(5))
    {
        if !attr.is_empty() {
            let _ = writeln!(s, "    #[sea_orm({attr})]");
        }
        let _ = writeln!(s, "    pub col_{c}: {ty},");
    }
    let parent = (i > 0 && i.is_multiple_of(2)).then_some(i / 2);
    if let Some(p) = parent {
        let _ = writeln!(s, "    pub parent_id: Option<i64>,");
        if dense {
            let _ = writeln!(
                s,
                "    #[sea_orm(belongs_to, from = \"parent_id\", to = \"id\", on_delete = \"Cascade\")]\n    pub parent: BelongsTo<Option<super::table_{p:05}::Entity>>,"
            );
        }
    }
    s.push_str("}\n\n");
    if !dense {
        s.push_str(
            "#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]\npub enum Relation {\n",
        );
        if let Some(p) = parent {
            let _ = writeln!(
                s,
                "    #[sea_orm(\n        belongs_to = \"super::table_{p:05}::Entity\",\n        from = \"Column::ParentId\",\n        to = \"super::table_{p:05}::Column::Id\",\n        on_delete = \"Cascade\"\n    )]\n    Parent,"
            );
        }
        s.push_str("}\n\n");
    }
    s.push_str("impl ActiveModelBehavior for ActiveModel {}\n");
    s
}
