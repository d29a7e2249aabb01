//! Playing changes forward on a schema model: the schema a database will have once a change has
//! run. Renderers use it for the state a change leaves a table in (SQLite rebuilds a table from
//! its final definition); tests use it to check that a diff really leads from one schema to the
//! other and that its reverse leads back.

use strata_ir::{Schema, Table};

use crate::change::{Change, TableRef};

/// `schema` after `change`. A change that names something absent leaves the schema as it is
/// (applying is total, like reversing).
pub fn apply(schema: &mut Schema, change: &Change) {
    match change {
        Change::CreateEnum { enum_type } => schema.enums.push(enum_type.clone()),
        Change::DropEnum { enum_type } => schema
            .enums
            .retain(|e| !(e.schema == enum_type.schema && e.name == enum_type.name)),
        Change::AlterEnum { from, to } => {
            for e in &mut schema.enums {
                if e.schema == from.schema && e.name == from.name {
                    *e = to.clone();
                }
            }
            // Columns of the type see its new labels.
            for column in schema.tables.iter_mut().flat_map(|t| &mut t.columns) {
                retag_enum(&mut column.ty, to);
            }
        }
        Change::CreateTable { table } => schema.tables.push((**table).clone()),
        Change::DropTable { table } => {
            let gone = TableRef::of(table);
            schema.tables.retain(|t| TableRef::of(t) != gone);
        }
        Change::RenameTable { from, to } => {
            if let Some(t) = table_mut(schema, from) {
                t.schema = to.schema.clone();
                t.name = to.name.clone();
            }
        }
        Change::SetTableComment { table, to, .. } => {
            if let Some(t) = table_mut(schema, table) {
                t.comment = to.clone();
            }
        }
        Change::AddColumn { table, column } => {
            if let Some(t) = table_mut(schema, table) {
                t.columns.push(column.clone());
            }
        }
        Change::DropColumn { table, column } => {
            if let Some(t) = table_mut(schema, table) {
                t.columns.retain(|c| c.name != column.name);
            }
        }
        Change::RenameColumn { table, from, to } => {
            if let Some(t) = table_mut(schema, table) {
                rename_column(t, from, to);
            }
        }
        Change::AlterColumn { table, to, .. } => {
            if let Some(t) = table_mut(schema, table)
                && let Some(c) = t.columns.iter_mut().find(|c| c.name == to.name)
            {
                *c = (**to).clone();
            }
        }
        Change::SetPrimaryKey { table, to, .. } => {
            if let Some(t) = table_mut(schema, table) {
                t.primary_key = to.clone();
            }
        }
        Change::AddIndex { table, index } => {
            if let Some(t) = table_mut(schema, table) {
                t.indexes.push(index.clone());
            }
        }
        Change::DropIndex { table, index } => {
            if let Some(t) = table_mut(schema, table)
                && let Some(i) = t.indexes.iter().position(|i| i == index)
            {
                t.indexes.remove(i);
            }
        }
        Change::AddForeignKey { table, foreign_key } => {
            if let Some(t) = table_mut(schema, table) {
                t.foreign_keys.push(foreign_key.clone());
            }
        }
        Change::DropForeignKey { table, foreign_key } => {
            if let Some(t) = table_mut(schema, table)
                && let Some(i) = t.foreign_keys.iter().position(|k| k == foreign_key)
            {
                t.foreign_keys.remove(i);
            }
        }
    }
}

/// `schema` after every change in order, sorted.
pub fn apply_all(schema: &Schema, changes: &[Change]) -> Schema {
    let mut schema = schema.clone();
    for change in changes {
        apply(&mut schema, change);
    }
    schema.sort();
    schema
}

fn table_mut<'a>(schema: &'a mut Schema, table: &TableRef) -> Option<&'a mut Table> {
    schema
        .tables
        .iter_mut()
        .find(|t| t.schema == table.schema && t.name == table.name)
}

/// Renames a column and every key, index and foreign key part that names it.
fn rename_column(table: &mut Table, from: &str, to: &str) {
    let rename = |name: &mut String| {
        if name == from {
            *name = to.to_owned();
        }
    };
    for c in &mut table.columns {
        rename(&mut c.name);
    }
    if let Some(pk) = &mut table.primary_key {
        pk.columns.iter_mut().for_each(rename);
    }
    for index in &mut table.indexes {
        for part in &mut index.parts {
            if let strata_ir::IndexPart::Column { name, .. } = part {
                rename(name);
            }
        }
        index.include.iter_mut().for_each(rename);
    }
    for fk in &mut table.foreign_keys {
        fk.columns.iter_mut().for_each(rename);
    }
}

fn retag_enum(ty: &mut strata_ir::ColumnType, to: &strata_ir::EnumType) {
    match ty {
        strata_ir::ColumnType::Enum {
            schema,
            name,
            values,
        } if *schema == to.schema && *name == to.name => *values = to.values.clone(),
        strata_ir::ColumnType::Array { of } => retag_enum(of, to),
        _ => {}
    }
}
