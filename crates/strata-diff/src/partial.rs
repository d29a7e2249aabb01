//! Partial entities: a DB-first project's entity files (written by `sea-orm-cli generate
//! entity`) leave out much of what the database holds: column defaults, comments, string
//! lengths and numeric precision, plain and composite unique indexes (the expanded format), and
//! foreign-key actions (the expanded format). Read literally, they would have strata drop all
//! of it.
//!
//! [`fill_unstated`] takes what the entities leave unstated from the database, so that only
//! what they do state is compared: a stated default, comment, length or action still wins and
//! becomes a change; an unstated one is whatever the database has. Tables, columns, keys and
//! types the entities state are untouched, so a new column, table or index still shows up.
//! Columns the entities name but mark `#[sea_orm(ignore)]` (`sea-orm-cli` does so for types it
//! cannot map) are kept too.

use strata_ir::{Column, ColumnType, ForeignKey, Schema, StringLen, Table};

use crate::TableRef;

/// `target` (the entities) with every facet they leave unstated copied from `current` (the
/// database), for tables and columns both sides have; `ignored` are the columns the entities
/// name with `#[sea_orm(ignore)]` fields.
pub fn fill_unstated(current: &Schema, target: &Schema, ignored: &[(TableRef, String)]) -> Schema {
    let mut filled = target.clone();
    let db_tables = current.tables_by_name();
    for table in &mut filled.tables {
        if let Some(db) = db_tables.get(&(table.schema.as_deref(), table.name.as_str())) {
            let here = TableRef::of(table);
            let ignored: Vec<&str> = ignored
                .iter()
                .filter(|(t, _)| *t == here)
                .map(|(_, c)| c.as_str())
                .collect();
            fill_table(db, table, &ignored);
        }
    }
    filled
}

fn fill_table(db: &Table, table: &mut Table, ignored: &[&str]) {
    if table.comment.is_none() {
        table.comment.clone_from(&db.comment);
    }
    for column in &db.columns {
        if ignored.contains(&column.name.as_str()) && table.column(&column.name).is_none() {
            table.columns.push(column.clone());
        }
    }
    for column in &mut table.columns {
        let old_name = column.renamed_from.as_deref().unwrap_or(&column.name);
        if let Some(db_column) = db.column(&column.name).or_else(|| db.column(old_name)) {
            fill_column(db_column, column);
        }
    }
    for fk in &mut table.foreign_keys {
        if let Some(db_fk) = db.foreign_keys.iter().find(|d| same_reference(d, fk)) {
            fill_foreign_key(db_fk, fk);
        }
    }
    // Indexes and unique constraints the entities do not declare, on columns they keep.
    let kept: Vec<_> = db
        .indexes
        .iter()
        .filter(|index| !index.implicit)
        .filter(|index| {
            !table
                .indexes
                .iter()
                .any(|i| i.parts == index.parts && i.unique == index.unique)
        })
        .filter(|index| {
            index
                .parts
                .iter()
                .filter_map(|part| part.column_name())
                .all(|name| table.column(name).is_some())
        })
        .cloned()
        .collect();
    table.indexes.extend(kept);
    table.sort_parts();
}

fn fill_column(db: &Column, column: &mut Column) {
    if column.default.is_none() {
        column.default.clone_from(&db.default);
    }
    if column.comment.is_none() {
        column.comment.clone_from(&db.comment);
    }
    if column.collation.is_none() {
        column.collation.clone_from(&db.collation);
    }
    if column.auto_increment && db.auto_increment && !column.identity_always {
        column.identity_always = db.identity_always;
    }
    if unstated_type_matches(&column.ty, &db.ty) {
        column.ty = db.ty.clone();
    }
}

/// Whether an entity type with no length, precision or explicit SQL type stands for the
/// database's type: a plain `String` for any text type (and for the types `sea-orm-cli` reads
/// as strings, such as `interval`), a plain `Decimal` for any precision or `money`, a plain
/// binary for any binary type.
fn unstated_type_matches(entity: &ColumnType, db: &ColumnType) -> bool {
    match entity {
        ColumnType::String {
            len: StringLen::None,
        } => matches!(
            db,
            ColumnType::String { .. }
                | ColumnType::Char { .. }
                | ColumnType::Text
                | ColumnType::Interval { .. }
                | ColumnType::Cidr
                | ColumnType::MacAddr
                | ColumnType::LTree
                | ColumnType::Custom { .. }
        ),
        ColumnType::Decimal { precision: None } => {
            matches!(db, ColumnType::Decimal { .. } | ColumnType::Money { .. })
        }
        ColumnType::VarBinary {
            len: StringLen::None,
        } => matches!(
            db,
            ColumnType::VarBinary { .. } | ColumnType::Binary { .. } | ColumnType::Blob
        ),
        ColumnType::Array { of } => match db {
            ColumnType::Array { of: db_of } => **of == **db_of || unstated_type_matches(of, db_of),
            _ => false,
        },
        _ => false,
    }
}

fn same_reference(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_schema == b.ref_schema
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
}

fn fill_foreign_key(db: &ForeignKey, fk: &mut ForeignKey) {
    if fk.on_delete.is_none() {
        fk.on_delete = db.on_delete;
    }
    if fk.on_update.is_none() {
        fk.on_update = db.on_update;
    }
    if fk.deferrable.is_none() {
        fk.deferrable = db.deferrable;
    }
}

#[cfg(test)]
mod tests {
    use strata_ir::{DefaultValue, FkAction, Literal};

    use super::*;

    fn table(columns: Vec<Column>) -> Table {
        let mut t = Table::new(None, "posts");
        t.columns = columns;
        t
    }

    #[test]
    fn unstated_facets_come_from_the_database_and_stated_ones_stay() {
        let mut db_title = Column::new(
            "title",
            ColumnType::String {
                len: StringLen::N(255),
            },
        );
        db_title.default = Some(DefaultValue::Literal(Literal::String("untitled".into())));
        db_title.comment = Some("shown in lists".into());
        let mut db_views = Column::new("views", ColumnType::int(8));
        db_views.default = Some(DefaultValue::Literal(Literal::Int(0)));
        let mut db_table = table(vec![db_title, db_views]);
        db_table.comment = Some("blog posts".into());
        let db = Schema {
            tables: vec![db_table],
            ..Schema::default()
        };

        let title = Column::new(
            "title",
            ColumnType::String {
                len: StringLen::None,
            },
        );
        let mut views = Column::new("views", ColumnType::int(4));
        views.default = Some(DefaultValue::Literal(Literal::Int(1)));
        let entities = Schema {
            tables: vec![table(vec![title, views])],
            ..Schema::default()
        };

        let filled = fill_unstated(&db, &entities, &[]);
        let t = &filled.tables[0];
        assert_eq!(t.comment.as_deref(), Some("blog posts"));
        assert_eq!(t.columns[0], db.tables[0].columns[0]);
        // Stated: the type and the default stay what the entities say.
        assert_eq!(t.columns[1].ty, ColumnType::int(4));
        assert_eq!(
            t.columns[1].default,
            Some(DefaultValue::Literal(Literal::Int(1)))
        );
    }

    #[test]
    fn undeclared_indexes_and_actions_are_kept() {
        let mut db_table = table(vec![
            Column::new("id", ColumnType::int(4)),
            Column::new("user_id", ColumnType::int(4)),
        ]);
        db_table
            .indexes
            .push(strata_ir::Index::on_columns(None, ["user_id"]));
        db_table
            .indexes
            .push(strata_ir::Index::on_columns(None, ["gone"]));
        db_table.foreign_keys.push(ForeignKey {
            name: None,
            columns: vec!["user_id".into()],
            ref_schema: None,
            ref_table: "users".into(),
            ref_columns: vec!["id".into()],
            on_delete: Some(FkAction::Cascade),
            on_update: None,
            deferrable: None,
        });
        let db = Schema {
            tables: vec![db_table.clone()],
            ..Schema::default()
        };
        let mut entity_table = db_table;
        entity_table.indexes.clear();
        entity_table.foreign_keys[0].on_delete = None;
        let entities = Schema {
            tables: vec![entity_table],
            ..Schema::default()
        };
        let filled = fill_unstated(&db, &entities, &[]);
        let t = &filled.tables[0];
        assert_eq!(
            t.indexes,
            vec![strata_ir::Index::on_columns(None, ["user_id"])]
        );
        assert_eq!(t.foreign_keys[0].on_delete, Some(FkAction::Cascade));
    }
}
