//! The change vocabulary and its inverse.

use serde::Serialize;
use strata_ir::{Column, EnumType, ForeignKey, Index, PrimaryKey, Table};

/// A table by schema and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TableRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
}

impl TableRef {
    pub fn of(table: &Table) -> TableRef {
        TableRef {
            schema: table.schema.clone(),
            name: table.name.clone(),
        }
    }
}

/// One aspect of a column that an `AlterColumn` changes. A column alteration lists every facet
/// that differs, so a renderer can restate the whole column (MySQL) or alter piecewise
/// (PostgreSQL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnFacet {
    Type,
    Nullable,
    Default,
    Comment,
    AutoIncrement,
    Collation,
    Generated,
    Extra,
}

/// One step from the old schema towards the new. Each variant holds the before-state it needs to
/// be undone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    CreateEnum {
        enum_type: EnumType,
    },
    DropEnum {
        enum_type: EnumType,
    },
    /// New labels of an enum type; `from` and `to` are the whole type before and after.
    AlterEnum {
        from: EnumType,
        to: EnumType,
    },
    CreateTable {
        table: Box<Table>,
    },
    DropTable {
        table: Box<Table>,
    },
    RenameTable {
        from: TableRef,
        to: TableRef,
    },
    SetTableComment {
        table: TableRef,
        from: Option<String>,
        to: Option<String>,
    },
    AddColumn {
        table: TableRef,
        column: Column,
    },
    DropColumn {
        table: TableRef,
        column: Column,
    },
    RenameColumn {
        table: TableRef,
        from: String,
        to: String,
    },
    AlterColumn {
        table: TableRef,
        from: Box<Column>,
        to: Box<Column>,
        facets: Vec<ColumnFacet>,
    },
    SetPrimaryKey {
        table: TableRef,
        from: Option<PrimaryKey>,
        to: Option<PrimaryKey>,
    },
    /// An index or a unique constraint (`Index::constraint`).
    AddIndex {
        table: TableRef,
        index: Index,
    },
    DropIndex {
        table: TableRef,
        index: Index,
    },
    AddForeignKey {
        table: TableRef,
        foreign_key: ForeignKey,
    },
    DropForeignKey {
        table: TableRef,
        foreign_key: ForeignKey,
    },
}

impl Change {
    /// The change that undoes this one.
    pub fn reverse(&self) -> Change {
        match self.clone() {
            Change::CreateEnum { enum_type } => Change::DropEnum { enum_type },
            Change::DropEnum { enum_type } => Change::CreateEnum { enum_type },
            Change::AlterEnum { from, to } => Change::AlterEnum { from: to, to: from },
            Change::CreateTable { table } => Change::DropTable { table },
            Change::DropTable { table } => Change::CreateTable { table },
            Change::RenameTable { from, to } => Change::RenameTable { from: to, to: from },
            Change::SetTableComment { table, from, to } => Change::SetTableComment {
                table,
                from: to,
                to: from,
            },
            Change::AddColumn { table, column } => Change::DropColumn { table, column },
            Change::DropColumn { table, column } => Change::AddColumn { table, column },
            Change::RenameColumn { table, from, to } => Change::RenameColumn {
                table,
                from: to,
                to: from,
            },
            Change::AlterColumn {
                table,
                from,
                to,
                facets,
            } => Change::AlterColumn {
                table,
                from: to,
                to: from,
                facets,
            },
            Change::SetPrimaryKey { table, from, to } => Change::SetPrimaryKey {
                table,
                from: to,
                to: from,
            },
            Change::AddIndex { table, index } => Change::DropIndex { table, index },
            Change::DropIndex { table, index } => Change::AddIndex { table, index },
            Change::AddForeignKey { table, foreign_key } => {
                Change::DropForeignKey { table, foreign_key }
            }
            Change::DropForeignKey { table, foreign_key } => {
                Change::AddForeignKey { table, foreign_key }
            }
        }
    }

    /// The changes that undo `changes`, in the order they must run.
    pub fn reverse_all(changes: &[Change]) -> Vec<Change> {
        changes.iter().rev().map(Change::reverse).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_ir::ColumnType;

    fn users() -> TableRef {
        TableRef {
            schema: None,
            name: "users".into(),
        }
    }

    fn samples() -> Vec<Change> {
        let mut nullable = Column::new("email", ColumnType::Text);
        nullable.nullable = true;
        let required = Column::new("email", ColumnType::Text);
        let mood = EnumType {
            schema: None,
            name: "mood".into(),
            values: vec!["sad".into(), "ok".into()],
        };
        let mut happier = mood.clone();
        happier.values.push("happy".into());
        let table = Box::new(Table::new(None, "users"));
        let index = Index::on_columns(Some("idx-users-email".into()), ["email"]);
        let fk = ForeignKey {
            name: Some("fk".into()),
            columns: vec!["team_id".into()],
            ref_schema: None,
            ref_table: "teams".into(),
            ref_columns: vec!["id".into()],
            on_delete: None,
            on_update: None,
            deferrable: None,
        };
        vec![
            Change::CreateEnum {
                enum_type: mood.clone(),
            },
            Change::AlterEnum {
                from: mood,
                to: happier,
            },
            Change::CreateTable { table },
            Change::RenameTable {
                from: users(),
                to: TableRef {
                    schema: None,
                    name: "people".into(),
                },
            },
            Change::SetTableComment {
                table: users(),
                from: None,
                to: Some("people".into()),
            },
            Change::AddColumn {
                table: users(),
                column: nullable.clone(),
            },
            Change::RenameColumn {
                table: users(),
                from: "mail".into(),
                to: "email".into(),
            },
            Change::AlterColumn {
                table: users(),
                from: Box::new(nullable),
                to: Box::new(required),
                facets: vec![ColumnFacet::Nullable],
            },
            Change::SetPrimaryKey {
                table: users(),
                from: None,
                to: Some(PrimaryKey {
                    name: None,
                    columns: vec!["id".into()],
                }),
            },
            Change::AddIndex {
                table: users(),
                index,
            },
            Change::AddForeignKey {
                table: users(),
                foreign_key: fk,
            },
        ]
    }

    #[test]
    fn reversing_twice_is_the_identity() {
        for change in samples() {
            assert_eq!(change.reverse().reverse(), change);
            assert_ne!(change.reverse(), change, "{change:?} must change something");
        }
    }

    #[test]
    fn the_down_list_is_the_reversed_list_of_reversed_changes() {
        let up = samples();
        let down = Change::reverse_all(&up);
        assert_eq!(down.len(), up.len());
        assert_eq!(down[0], up[up.len() - 1].reverse());
        assert_eq!(Change::reverse_all(&down), up);
    }

    #[test]
    fn changes_serialise_with_a_kind_tag() {
        let json = serde_json::to_value(&samples()[2]).unwrap();
        assert_eq!(json["kind"], "create_table");
    }
}
