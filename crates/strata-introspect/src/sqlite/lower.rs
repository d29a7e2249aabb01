//! Catalog rows → [`Schema`], without IO.
//!
//! The pragmas give columns, key columns, index keys and foreign key pairs; the stored
//! `CREATE` text ([`super::create`]) gives what they leave out, matched to them by column lists
//! because the pragmas carry no constraint names. Conventions: SQLite's `main` is `schema: None`;
//! `sqlite_autoindex_*` names never appear (a UNIQUE constraint is named by its `CONSTRAINT`
//! clause, or not at all); the primary key's own index is not listed; `NO ACTION` is no action;
//! `BINARY` is no collation; `INTEGER PRIMARY KEY AUTOINCREMENT` is `auto_increment` without a
//! default; primary key columns are `NOT NULL` (SQLite enforces it for a rowid alias and in
//! `WITHOUT ROWID` tables whatever the declaration says, and only tolerates NULL keys elsewhere
//! for backwards compatibility; recreating a table turns `INT PRIMARY KEY` into a rowid alias).

use std::collections::{BTreeMap, HashMap, HashSet};

use strata_ir::{
    Column, Dialect, FkAction, ForeignKey, Generated, Index, IndexPart, ObjectKind, PrimaryKey,
    Schema, SqlObject, Table,
};

use super::create::{IndexSql, TableSql, parse_create_index, parse_create_table};
use super::tokenize::tokenize;
use super::{Catalog, ColumnRow, ForeignKeyRow, IndexRow, TableRow};

const SQLITE: Dialect = Dialect::Sqlite;

/// Builds the schema the catalog describes.
pub(crate) fn lower(catalog: &Catalog) -> Schema {
    let mut columns: HashMap<&str, Vec<&ColumnRow>> = HashMap::new();
    for row in &catalog.columns {
        columns.entry(row.table.as_str()).or_default().push(row);
    }
    let mut indexes: HashMap<&str, BTreeMap<&str, Vec<&IndexRow>>> = HashMap::new();
    for row in &catalog.indexes {
        indexes
            .entry(row.table.as_str())
            .or_default()
            .entry(row.index.as_str())
            .or_default()
            .push(row);
    }
    let mut foreign_keys: HashMap<&str, BTreeMap<i64, Vec<&ForeignKeyRow>>> = HashMap::new();
    for row in &catalog.foreign_keys {
        foreign_keys
            .entry(row.table.as_str())
            .or_default()
            .entry(row.id)
            .or_default()
            .push(row);
    }
    // SQLite names are case-insensitive; `REFERENCES` keeps the spelling it was given.
    let index_sql: HashMap<&str, &str> = catalog
        .index_sql
        .iter()
        .map(|r| (r.index.as_str(), r.sql.as_str()))
        .collect();
    let by_lower_name: HashMap<String, &str> = catalog
        .tables
        .iter()
        .map(|t| (t.name.to_lowercase(), t.name.as_str()))
        .collect();
    let ctx = Context {
        columns: &columns,
        tables: &by_lower_name,
        index_sql: &index_sql,
    };
    let mut schema = Schema::default();
    for table in &catalog.tables {
        let name = table.name.as_str();
        schema
            .tables
            .push(ctx.table(table, indexes.get(name), foreign_keys.get(name)));
    }
    schema.sort();
    schema.objects = objects(catalog, &schema);
    schema
}

/// Views, triggers and the indexes the model could not describe, with their own SQL, in creation
/// order, each with the tables and views its SQL mentions.
fn objects(catalog: &Catalog, schema: &Schema) -> Vec<SqlObject> {
    let names: HashSet<String> = catalog
        .tables
        .iter()
        .map(|t| t.name.to_lowercase())
        .chain(
            catalog
                .objects
                .iter()
                .filter(|o| o.kind == "view")
                .map(|o| o.name.to_lowercase()),
        )
        .collect();
    let references = |own: &str, sql: &str| {
        let mut found: Vec<String> = tokenize(sql)
            .iter()
            .filter_map(|t| t.ident())
            .map(|n| n.to_lowercase())
            .filter(|n| names.contains(n) && !n.eq_ignore_ascii_case(own))
            .collect();
        found.sort();
        found.dedup();
        found
    };
    let mut out: Vec<SqlObject> = catalog
        .objects
        .iter()
        .map(|o| SqlObject {
            kind: if o.kind == "view" {
                ObjectKind::View
            } else {
                ObjectKind::Trigger
            },
            name: o.name.clone(),
            table: o.table.clone(),
            sql: o.sql.clone(),
            references: references(&o.name, &o.sql),
        })
        .collect();
    // An index the model cannot state exactly (an expression part, which it keeps without its
    // direction, or a predicate), or could not read at all (then it is left out of its table), is
    // kept here with its own SQL, which a rebuild recreates it from.
    let exact = |table: &str, index: &str| {
        schema.tables.iter().any(|t| {
            t.name == table
                && t.indexes.iter().any(|i| {
                    i.name.as_deref() == Some(index)
                        && i.predicate.is_none()
                        && i.column_names().is_some()
                })
        })
    };
    for row in catalog
        .index_sql
        .iter()
        .filter(|r| !exact(&r.table, &r.index))
    {
        out.push(SqlObject {
            kind: ObjectKind::Index,
            name: row.index.clone(),
            table: row.table.clone(),
            sql: row.sql.clone(),
            references: Vec::new(),
        });
    }
    out
}

struct Context<'c> {
    columns: &'c HashMap<&'c str, Vec<&'c ColumnRow>>,
    tables: &'c HashMap<String, &'c str>,
    index_sql: &'c HashMap<&'c str, &'c str>,
}

impl Context<'_> {
    fn table(
        &self,
        row: &TableRow,
        indexes: Option<&BTreeMap<&str, Vec<&IndexRow>>>,
        foreign_keys: Option<&BTreeMap<i64, Vec<&ForeignKeyRow>>>,
    ) -> Table {
        let parsed = row
            .sql
            .as_deref()
            .map(parse_create_table)
            .unwrap_or_default();
        let mut rows: Vec<&ColumnRow> = self
            .columns
            .get(row.name.as_str())
            .cloned()
            .unwrap_or_default();
        rows.sort_by_key(|c| c.cid);
        let mut key: Vec<&ColumnRow> = rows.iter().copied().filter(|c| c.pk > 0).collect();
        key.sort_by_key(|c| c.pk);

        let mut table = Table::new(None, row.name.clone());
        for c in rows.iter().filter(|c| c.hidden != 1) {
            table.columns.push(column(c, &parsed));
        }
        if !key.is_empty() {
            table.primary_key = Some(PrimaryKey {
                name: parsed.primary_key_name.clone(),
                columns: key.iter().map(|c| c.name.clone()).collect(),
            });
        }
        if let Some(indexes) = indexes {
            table.indexes = self.indexes(&table, indexes, &parsed);
        }
        if let Some(foreign_keys) = foreign_keys {
            table.foreign_keys = self.foreign_keys(foreign_keys, &parsed);
        }
        table.checks = parsed.checks.clone();
        table.without_rowid = parsed.without_rowid;
        table.strict = parsed.strict;
        table
    }

    fn indexes(
        &self,
        table: &Table,
        indexes: &BTreeMap<&str, Vec<&IndexRow>>,
        parsed: &TableSql,
    ) -> Vec<Index> {
        let mut out = Vec::new();
        let mut unique_constraints: Vec<(u64, &[&IndexRow])> = Vec::new();
        for (name, rows) in indexes {
            let Some(first) = rows.first() else {
                continue;
            };
            match first.origin.as_str() {
                "pk" => {}
                "u" => unique_constraints.push((autoindex_number(name), rows)),
                _ => {
                    let sql = self.index_sql.get(name).map(|sql| parse_create_index(sql));
                    let Some(parts) = index_parts(table, rows, sql.as_ref()) else {
                        continue;
                    };
                    let mut index = Index::on_columns::<String>(Some((*name).to_owned()), []);
                    index.parts = parts;
                    index.unique = first.unique;
                    if first.partial {
                        index.predicate = sql.and_then(|s| s.predicate);
                    }
                    out.push(index);
                }
            }
        }
        // SQLite numbers its constraint indexes in declaration order, the order of `uniques`;
        // identical column lists pair up in that order.
        unique_constraints.sort_by_key(|(n, _)| *n);
        let mut used = vec![false; parsed.uniques.len()];
        for (_, rows) in unique_constraints {
            let Some(parts) = index_parts(table, rows, None) else {
                continue;
            };
            let columns: Vec<&str> = rows.iter().filter_map(|r| r.column.as_deref()).collect();
            let matched = parsed
                .uniques
                .iter()
                .enumerate()
                .position(|(i, u)| !used[i] && same_names(&u.columns, columns.iter().copied()));
            let name = matched.and_then(|i| {
                used[i] = true;
                parsed.uniques[i].name.clone()
            });
            let mut index = Index::on_columns::<String>(name, []);
            index.parts = parts;
            index.unique = true;
            index.constraint = true;
            out.push(index);
        }
        out
    }

    fn foreign_keys(
        &self,
        keys: &BTreeMap<i64, Vec<&ForeignKeyRow>>,
        parsed: &TableSql,
    ) -> Vec<ForeignKey> {
        let mut used = vec![false; parsed.foreign_keys.len()];
        let mut out = Vec::new();
        // SQLite lists foreign keys last-declared first.
        for rows in keys.values().rev() {
            let mut rows = rows.clone();
            rows.sort_by_key(|r| r.seq);
            let Some(first) = rows.first() else {
                continue;
            };
            let ref_table = self
                .tables
                .get(&first.ref_table.to_lowercase())
                .map_or_else(|| first.ref_table.clone(), |t| (*t).to_owned());
            let columns: Vec<String> = rows.iter().map(|r| r.column.clone()).collect();
            let ref_columns: Vec<String> = rows
                .iter()
                .filter_map(|r| r.ref_column.as_deref())
                .map(|c| self.column_name(&ref_table, c))
                .collect();
            let ref_columns = if ref_columns.len() == rows.len() {
                ref_columns
            } else {
                Vec::new()
            };
            let matched = parsed.foreign_keys.iter().enumerate().position(|(i, fk)| {
                !used[i]
                    && fk.ref_table.eq_ignore_ascii_case(&first.ref_table)
                    && same_names(&fk.columns, columns.iter().map(String::as_str))
                    && (fk.ref_columns.is_empty()
                        || same_names(&fk.ref_columns, ref_columns.iter().map(String::as_str)))
            });
            let (name, deferrable) = match matched {
                Some(i) => {
                    used[i] = true;
                    let fk = &parsed.foreign_keys[i];
                    (fk.name.clone(), fk.deferrable)
                }
                None => (None, None),
            };
            out.push(ForeignKey {
                name,
                columns,
                ref_schema: None,
                ref_table,
                ref_columns,
                on_delete: action(&first.on_delete),
                on_update: action(&first.on_update),
                deferrable,
            });
        }
        out
    }

    /// A column of an in-scope table under its declared spelling (`REFERENCES p (ID)` names
    /// `id`); other names as given.
    fn column_name(&self, table: &str, column: &str) -> String {
        self.columns
            .get(table)
            .and_then(|cols| cols.iter().find(|c| c.name.eq_ignore_ascii_case(column)))
            .map_or_else(|| column.to_owned(), |c| c.name.clone())
    }
}

fn column(row: &ColumnRow, parsed: &TableSql) -> Column {
    let declared = parsed
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(&row.name));
    let ty = SQLITE.parse_type(&row.ty);
    let mut column = Column::new(row.name.clone(), ty);
    column.nullable = !row.not_null && row.pk == 0;
    column.auto_increment = row.pk > 0 && declared.is_some_and(|c| c.autoincrement);
    if matches!(row.hidden, 2 | 3) {
        column.generated = declared
            .and_then(|c| c.generated.clone())
            .map(|expr| Generated {
                expr,
                stored: row.hidden == 3,
            });
    }
    if !column.auto_increment && column.generated.is_none() {
        column.default = row
            .default
            .as_deref()
            .and_then(|d| SQLITE.parse_default(d, &column.ty));
    }
    column.collation = declared
        .and_then(|c| c.collation.as_deref())
        .and_then(collation);
    column
}

/// A collation name, `None` for the default `BINARY`; the built-in ones uppercased.
fn collation(name: &str) -> Option<String> {
    let upper = name.to_ascii_uppercase();
    match upper.as_str() {
        "BINARY" => None,
        "NOCASE" | "RTRIM" => Some(upper),
        _ => Some(name.to_owned()),
    }
}

/// The key parts of an index; `None` when an expression part cannot be read from its SQL.
/// A column indexed under a collation other than its own is an expression part
/// (`"name" COLLATE NOCASE`), which recreates the same index.
fn index_parts(
    table: &Table,
    rows: &[&IndexRow],
    sql: Option<&IndexSql>,
) -> Option<Vec<IndexPart>> {
    let mut rows = rows.to_vec();
    rows.sort_by_key(|r| r.seqno);
    rows.iter()
        .map(|r| match r.cid {
            -2 => {
                let part = sql?.parts.get(usize::try_from(r.seqno).ok()?)?;
                Some(IndexPart::Expr {
                    sql: part.expr.clone(),
                })
            }
            -1 => Some(IndexPart::Column {
                name: "rowid".to_owned(),
                desc: r.desc,
                prefix: None,
            }),
            _ => {
                let name = r.column.clone()?;
                let own = table
                    .column(&name)
                    .and_then(|c| c.collation.as_deref())
                    .unwrap_or("BINARY");
                match r.collation.as_deref() {
                    Some(coll) if !coll.eq_ignore_ascii_case(own) => Some(IndexPart::Expr {
                        sql: format!("{} COLLATE {coll}", SQLITE.quote(&name)),
                    }),
                    _ => Some(IndexPart::Column {
                        name,
                        desc: r.desc,
                        prefix: None,
                    }),
                }
            }
        })
        .collect()
}

/// `N` of `sqlite_autoindex_<table>_N`, the declaration order of a constraint index.
fn autoindex_number(name: &str) -> u64 {
    name.rsplit('_')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

fn same_names<'a>(declared: &[String], actual: impl IntoIterator<Item = &'a str>) -> bool {
    let mut declared = declared.iter();
    for a in actual {
        match declared.next() {
            Some(d) if d.eq_ignore_ascii_case(a) => {}
            _ => return false,
        }
    }
    declared.next().is_none()
}

fn action(text: &str) -> Option<FkAction> {
    FkAction::parse(text).filter(|a| *a != FkAction::NoAction)
}

#[cfg(test)]
mod tests {
    use strata_ir::{ColumnType, Deferrable, Literal, dump};

    use super::*;
    use crate::sqlite::IndexSqlRow;

    fn col(table: &str, cid: i64, name: &str, ty: &str, pk: i64) -> ColumnRow {
        ColumnRow {
            table: table.into(),
            cid,
            name: name.into(),
            ty: ty.into(),
            not_null: false,
            default: None,
            pk,
            hidden: 0,
        }
    }

    fn key(table: &str, index: &str, origin: &str, seqno: i64, cid: i64, column: &str) -> IndexRow {
        IndexRow {
            table: table.into(),
            index: index.into(),
            unique: origin != "c",
            origin: origin.into(),
            partial: false,
            seqno,
            cid,
            column: (cid >= 0).then(|| column.to_owned()),
            desc: false,
            collation: Some("BINARY".into()),
        }
    }

    #[test]
    fn rows_and_stored_sql_make_a_table() {
        let sql = "CREATE TABLE \"T\" (id INTEGER PRIMARY KEY AUTOINCREMENT, \
                   a TEXT COLLATE nocase DEFAULT 'x', b INT, g AS (b * 2) STORED, \
                   CONSTRAINT a_uq UNIQUE (a), UNIQUE (b), \
                   CONSTRAINT fk_b FOREIGN KEY (b) REFERENCES P DEFERRABLE INITIALLY DEFERRED, \
                   CHECK (b > 0))";
        let mut a = col("T", 1, "a", "TEXT", 0);
        a.default = Some("'x'".into());
        let mut g = col("T", 3, "g", "", 0);
        g.hidden = 3;
        let mut expr_index = key("T", "ix", "c", 0, -2, "");
        expr_index.partial = true;
        let mut expr_index_b = key("T", "ix", "c", 1, 2, "b");
        expr_index_b.partial = true;
        expr_index_b.desc = true;
        let catalog = Catalog {
            tables: vec![
                TableRow {
                    name: "T".into(),
                    sql: Some(sql.into()),
                },
                TableRow {
                    name: "p".into(),
                    sql: Some("CREATE TABLE p (id INTEGER PRIMARY KEY)".into()),
                },
            ],
            objects: Vec::new(),
            index_sql: vec![IndexSqlRow {
                index: "ix".into(),
                table: "T".into(),
                sql: "CREATE INDEX ix ON \"T\" ((lower(a)), b) WHERE b > 1".into(),
            }],
            columns: vec![
                col("T", 0, "id", "INTEGER", 1),
                a,
                col("T", 2, "b", "INT", 0),
                g,
                col("p", 0, "id", "INTEGER", 1),
            ],
            indexes: vec![
                key("T", "sqlite_autoindex_T_2", "u", 0, 2, "b"),
                IndexRow {
                    collation: Some("nocase".into()),
                    ..key("T", "sqlite_autoindex_T_1", "u", 0, 1, "a")
                },
                expr_index,
                expr_index_b,
            ],
            foreign_keys: vec![ForeignKeyRow {
                table: "T".into(),
                id: 0,
                seq: 0,
                ref_table: "P".into(),
                column: "b".into(),
                ref_column: Some("ID".into()),
                on_update: "NO ACTION".into(),
                on_delete: "CASCADE".into(),
            }],
        };
        let schema = lower(&catalog);
        assert_eq!(
            dump(&schema),
            "table T\n  \
             column id int32 not null auto_increment\n  \
             column a text null default 'x' collate NOCASE\n  \
             column b int32 null\n  \
             column g custom() null generated (b * 2) stored\n  \
             primary key (id)\n  \
             unique constraint a_uq (a)\n  \
             unique constraint (b)\n  \
             index ix ((lower(a)), b desc) where b > 1\n  \
             foreign key fk_b (b) -> p (id) on delete cascade deferrable initially deferred\n  \
             check (b > 0)\n\
             table p\n  \
             column id int32 not null\n  \
             primary key (id)\n\
             index ix on T: CREATE INDEX ix ON \"T\" ((lower(a)), b) WHERE b > 1\n"
        );
        let t = &schema.tables[0];
        assert_eq!(
            t.foreign_keys[0].deferrable,
            Some(Deferrable::InitiallyDeferred)
        );
        assert_eq!(
            t.column("a").and_then(|c| c.default.clone()),
            Some(strata_ir::DefaultValue::Literal(Literal::String(
                "x".into()
            )))
        );
        assert_eq!(t.column("g").map(|c| &c.ty), Some(&ColumnType::custom("")));
    }

    #[test]
    fn a_column_indexed_under_another_collation_is_an_expression() {
        let mut row = key("t", "i", "c", 0, 0, "name");
        row.collation = Some("NOCASE".into());
        let catalog = Catalog {
            tables: vec![TableRow {
                name: "t".into(),
                sql: Some("CREATE TABLE t (name TEXT)".into()),
            }],
            columns: vec![col("t", 0, "name", "TEXT", 0)],
            indexes: vec![row],
            ..Catalog::default()
        };
        let schema = lower(&catalog);
        assert_eq!(
            schema.tables[0].indexes[0].parts,
            vec![IndexPart::Expr {
                sql: "\"name\" COLLATE NOCASE".into()
            }]
        );
    }

    #[test]
    fn odd_rows_do_not_panic() {
        let orphan_expr = key("t", "i", "c", 0, -2, "");
        let catalog = Catalog {
            objects: Vec::new(),
            index_sql: vec![IndexSqlRow {
                index: "i".into(),
                table: "t".into(),
                sql: "CREATE INDEX".into(),
            }],
            tables: vec![TableRow {
                name: "t".into(),
                sql: Some("CREATE TABLE t (a".into()),
            }],
            columns: vec![col("t", 0, "a", "", 2), col("nowhere", 0, "x", "", 0)],
            indexes: vec![
                orphan_expr,
                key("t", "sqlite_autoindex_t_x", "u", 0, 0, "a"),
            ],
            foreign_keys: vec![ForeignKeyRow {
                table: "t".into(),
                id: 3,
                seq: 1,
                ref_table: "gone".into(),
                column: "a".into(),
                ref_column: None,
                on_update: "SET NULL".into(),
                on_delete: "whatever".into(),
            }],
        };
        let schema = lower(&catalog);
        let t = &schema.tables[0];
        assert_eq!(
            t.indexes.len(),
            1,
            "the unreadable expression index is left out of the table"
        );
        assert_eq!(
            schema.objects,
            vec![SqlObject {
                kind: ObjectKind::Index,
                name: "i".into(),
                table: "t".into(),
                sql: "CREATE INDEX".into(),
                references: vec![],
            }],
            "and kept with its own SQL"
        );
        assert!(t.indexes[0].name.is_none());
        assert_eq!(t.foreign_keys[0].ref_columns, Vec::<String>::new());
        assert_eq!(t.foreign_keys[0].on_update, Some(FkAction::SetNull));
        assert_eq!(t.foreign_keys[0].on_delete, None);
    }
}
