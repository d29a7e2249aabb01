//! The comparison: two schemas in, ordered changes and notes out.
//!
//! Tables are compared in the dialect's canonical form (`strata_ir::canonical`), one pair at a
//! time, so spellings that mean the same thing never show up as changes, and names the database
//! chose are reconciled with names the entities left unstated. Identity is structural: tables and columns
//! by name, keys, indexes and foreign keys by what they cover and do.
//!
//! Objects the entities cannot describe (composite non-unique, expression and partial indexes,
//! index methods and INCLUDE columns, check constraints, enum types no column uses) are never
//! dropped: they are reported once as [`Note::Unmanaged`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use strata_ir::canonical::{
    canonical, canonical_column_type, canonical_enums, canonical_strict_type, canonical_table,
    canonical_table_key, reconcile_tables, sqlite_same_storage,
};
use strata_ir::{Column, ColumnType, Dialect, EnumType, ForeignKey, Index, Schema, Table};

use crate::change::{Change, ColumnFacet, TableRef};

/// Something the reviewer should know that is not a change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// A column dropped and another added in the same table with the same definition: perhaps
    /// a rename, which only `renamed_from` can declare.
    PossibleRename {
        table: TableRef,
        from: String,
        to: String,
    },
    /// An object in the database that entities cannot describe; left alone.
    Unmanaged {
        table: Option<TableRef>,
        what: String,
    },
}

/// The result of a comparison.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// In the order they must run.
    pub changes: Vec<Change>,
    pub notes: Vec<Note>,
}

/// The changes that turn `current` (what the database has) into `target` (what the entities
/// say), on `dialect`.
pub fn diff(current: &Schema, target: &Schema, dialect: Dialect) -> Diff {
    let renames = declared_renames(target, dialect);
    let cur = Tables::new(current, dialect);
    let tgt = Tables::new(target, dialect);

    let mut plan = Plan::default();
    let mut notes = Vec::new();
    compare_enums(current, target, dialect, &mut plan, &mut notes);
    // Views and triggers (read with their SQL on SQLite) are outside the entities' authority;
    // indexes among the saved objects are reported with their tables.
    for object in current
        .objects
        .iter()
        .filter(|o| o.kind != strata_ir::ObjectKind::Index)
    {
        notes.push(Note::Unmanaged {
            table: (object.kind == strata_ir::ObjectKind::Trigger).then(|| TableRef {
                schema: None,
                name: object.table.clone(),
            }),
            what: format!(
                "{} {}",
                object.kind.keyword().to_ascii_lowercase(),
                object.name
            ),
        });
    }
    // One table at a time in canonical form, so two canonical copies of schemas with thousands
    // of tables never exist at once.
    for (key, t) in &tgt.sorted {
        let mut t = canonical_table(t, dialect);
        match cur.by_key.get(key) {
            Some(c) => {
                let mut c = canonical_table(c, dialect);
                if dialect == Dialect::Sqlite && c.strict {
                    // A STRICT table holds one of five type names, whatever entities declare.
                    for column in t.columns.iter_mut().chain(c.columns.iter_mut()) {
                        column.ty = canonical_strict_type(&column.ty);
                    }
                } else if dialect == Dialect::Sqlite {
                    // Declared types an ordinary table stores alike are one type: the
                    // database's spelling stands.
                    for column in &mut t.columns {
                        if let Some(held) = c.column(&column.name)
                            && sqlite_same_storage(&column.ty, &held.ty)
                        {
                            column.ty = held.ty.clone();
                        }
                    }
                }
                reconcile_tables(&mut t, &mut c);
                compare_table(&c, &t, &renames, dialect, &mut plan, &mut notes);
            }
            None => plan.create_table(&t, dialect),
        }
    }
    let dropped: Vec<Table> = cur
        .sorted
        .iter()
        .filter(|(key, _)| !tgt.by_key.contains_key(key))
        .map(|(_, c)| canonical_table(c, dialect))
        .collect();
    let dropped: Vec<&Table> = dropped.iter().collect();
    for table in drop_order(&dropped) {
        plan.drop_tables.push(Change::DropTable {
            table: Box::new(table.clone()),
        });
    }
    notes.sort();
    notes.dedup();
    Diff {
        changes: plan.into_changes(),
        notes,
    }
}

/// A schema's tables by their canonical `(schema, name)`: in canonical order (as
/// [`canonical`] sorts them), and looked up by key (the last of any two with one key, as a
/// map built from that order keeps it).
struct Tables<'s> {
    sorted: Vec<((Option<String>, String), &'s Table)>,
    by_key: HashMap<(Option<String>, String), &'s Table>,
}

impl<'s> Tables<'s> {
    fn new(schema: &'s Schema, dialect: Dialect) -> Tables<'s> {
        let mut sorted: Vec<_> = schema
            .tables
            .iter()
            .map(|t| (canonical_table_key(t, dialect), t))
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let by_key = sorted.iter().map(|(k, t)| (k.clone(), *t)).collect();
        Tables { sorted, by_key }
    }
}

/// `(table, new column name) → old name` from the target's `renamed_from`, which
/// canonicalisation erases.
fn declared_renames(target: &Schema, dialect: Dialect) -> BTreeMap<(TableRef, String), String> {
    let unnamed = canonical(
        &Schema {
            tables: target
                .tables
                .iter()
                .map(|t| Table::new(t.schema.clone(), t.name.clone()))
                .collect(),
            enums: Vec::new(),
            ..Schema::default()
        },
        dialect,
    );
    let mut renames = BTreeMap::new();
    for (t, canon) in target.tables.iter().zip(&unnamed.tables) {
        for c in &t.columns {
            if let Some(old) = &c.renamed_from {
                renames.insert((TableRef::of(canon), c.name.clone()), old.clone());
            }
        }
    }
    renames
}

/// Changes by the phase they run in; [`Plan::into_changes`] concatenates the phases.
#[derive(Default)]
struct Plan {
    drop_foreign_keys: Vec<Change>,
    drop_indexes: Vec<Change>,
    enums: Vec<Change>,
    create_tables: Vec<Change>,
    renames: Vec<Change>,
    table_comments: Vec<Change>,
    add_columns: Vec<Change>,
    alter_columns: Vec<Change>,
    primary_keys: Vec<Change>,
    drop_columns: Vec<Change>,
    add_indexes: Vec<Change>,
    /// MySQL: indexes a kept foreign key may be using, dropped once their replacements exist.
    late_drop_indexes: Vec<Change>,
    add_foreign_keys: Vec<Change>,
    drop_tables: Vec<Change>,
    drop_enums: Vec<Change>,
}

impl Plan {
    /// A new table; its foreign keys are added once every table exists (so tables that
    /// reference each other need no order), except on SQLite, which cannot add them later and
    /// does not check targets at creation.
    fn create_table(&mut self, table: &Table, dialect: Dialect) {
        let mut table = table.clone();
        if dialect != Dialect::Sqlite {
            let table_ref = TableRef::of(&table);
            for fk in std::mem::take(&mut table.foreign_keys) {
                self.add_foreign_keys.push(Change::AddForeignKey {
                    table: table_ref.clone(),
                    foreign_key: fk,
                });
            }
        }
        self.create_tables.push(Change::CreateTable {
            table: Box::new(table),
        });
    }

    fn into_changes(self) -> Vec<Change> {
        [
            self.drop_foreign_keys,
            self.drop_indexes,
            self.enums,
            self.create_tables,
            self.renames,
            self.table_comments,
            self.add_columns,
            self.alter_columns,
            self.primary_keys,
            self.drop_columns,
            self.add_indexes,
            self.late_drop_indexes,
            self.add_foreign_keys,
            self.drop_tables,
            self.drop_enums,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Enum types, compared in canonical form; `current` and `target` are the schemas as given.
fn compare_enums(
    current: &Schema,
    target: &Schema,
    dialect: Dialect,
    plan: &mut Plan,
    notes: &mut Vec<Note>,
) {
    let cur_enums = canonical_enums(current, dialect);
    let tgt_enums = canonical_enums(target, dialect);
    let key = |e: &EnumType| (e.schema.clone(), e.name.clone());
    for t in &tgt_enums {
        match cur_enums.iter().find(|c| key(c) == key(t)) {
            None => plan.enums.push(Change::CreateEnum {
                enum_type: t.clone(),
            }),
            Some(c) if c.values != t.values => plan.enums.push(Change::AlterEnum {
                from: c.clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    // An enum type the target does not name is dropped only when the columns that used it are
    // going away with it; one no column uses was never the entities' to manage.
    let used_by = |schema: &Schema, e: &EnumType| {
        schema
            .tables
            .iter()
            .flat_map(|t| &t.columns)
            .any(|c| uses_enum(&canonical_column_type(&c.ty, dialect), e))
    };
    for c in cur_enums
        .iter()
        .filter(|c| !tgt_enums.iter().any(|t| key(t) == key(c)))
    {
        if used_by(current, c) && !used_by(target, c) {
            plan.drop_enums.push(Change::DropEnum {
                enum_type: c.clone(),
            });
        } else if !used_by(current, c) {
            notes.push(Note::Unmanaged {
                table: None,
                what: format!(
                    "enum type {} (no column uses it)",
                    qualified(c.schema.as_deref(), &c.name)
                ),
            });
        }
    }
}

fn uses_enum(ty: &ColumnType, e: &EnumType) -> bool {
    match ty {
        ColumnType::Enum { schema, name, .. } => *schema == e.schema && *name == e.name,
        ColumnType::Array { of } => uses_enum(of, e),
        _ => false,
    }
}

fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) => format!("{s}.{name}"),
        None => name.to_owned(),
    }
}

fn compare_table(
    cur: &Table,
    tgt: &Table,
    renames: &BTreeMap<(TableRef, String), String>,
    dialect: Dialect,
    plan: &mut Plan,
    notes: &mut Vec<Note>,
) {
    let table = TableRef::of(tgt);
    if cur.comment != tgt.comment {
        plan.table_comments.push(Change::SetTableComment {
            table: table.clone(),
            from: cur.comment.clone(),
            to: tgt.comment.clone(),
        });
    }
    compare_columns(cur, tgt, &table, renames, dialect, plan, notes);
    let pk_columns = |t: &Table| t.primary_key.as_ref().map(|pk| pk.columns.clone());
    if pk_columns(cur) != pk_columns(tgt) {
        plan.primary_keys.push(Change::SetPrimaryKey {
            table: table.clone(),
            from: cur.primary_key.clone(),
            to: tgt.primary_key.clone(),
        });
    }
    compare_indexes(cur, tgt, &table, dialect, plan, notes);
    compare_foreign_keys(cur, tgt, &table, plan);
    for check in &cur.checks {
        notes.push(Note::Unmanaged {
            table: Some(table.clone()),
            what: match &check.name {
                Some(name) => format!("check constraint {name}"),
                None => format!("check constraint ({})", check.expr),
            },
        });
    }
}

fn compare_columns(
    cur: &Table,
    tgt: &Table,
    table: &TableRef,
    renames: &BTreeMap<(TableRef, String), String>,
    dialect: Dialect,
    plan: &mut Plan,
    notes: &mut Vec<Note>,
) {
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    let mut added: Vec<&Column> = Vec::new();
    for t in &tgt.columns {
        let (old, renamed) = match cur.column(&t.name) {
            Some(c) => (Some(c), false),
            None => match renames.get(&(table.clone(), t.name.clone())) {
                Some(from) if tgt.column(from).is_none() => (cur.column(from), true),
                _ => (None, false),
            },
        };
        let Some(old) = old else {
            added.push(t);
            continue;
        };
        matched.insert(&old.name);
        if renamed {
            plan.renames.push(Change::RenameColumn {
                table: table.clone(),
                from: old.name.clone(),
                to: t.name.clone(),
            });
        }
        let mut before = old.clone();
        before.name = t.name.clone();
        let facets = column_facets(&before, t, dialect);
        if !facets.is_empty() {
            plan.alter_columns.push(Change::AlterColumn {
                table: table.clone(),
                from: Box::new(before),
                to: Box::new(t.clone()),
                facets,
            });
        }
    }
    let dropped: Vec<&Column> = cur
        .columns
        .iter()
        .filter(|c| !matched.contains(c.name.as_str()))
        .collect();
    for a in &added {
        for d in &dropped {
            let mut renamed = (*d).clone();
            renamed.name = a.name.clone();
            if column_facets(&renamed, a, dialect).is_empty() {
                notes.push(Note::PossibleRename {
                    table: table.clone(),
                    from: d.name.clone(),
                    to: a.name.clone(),
                });
            }
        }
        plan.add_columns.push(Change::AddColumn {
            table: table.clone(),
            column: (*a).clone(),
        });
    }
    for d in dropped {
        plan.drop_columns.push(Change::DropColumn {
            table: table.clone(),
            column: d.clone(),
        });
    }
}

/// What differs between two canonical columns of the same name. Collations and generated
/// expressions are compared only when the target states them (entities rarely can).
fn column_facets(cur: &Column, tgt: &Column, dialect: Dialect) -> Vec<ColumnFacet> {
    let mut facets = Vec::new();
    if type_identity(&cur.ty, dialect) != type_identity(&tgt.ty, dialect) {
        facets.push(ColumnFacet::Type);
    }
    if cur.nullable != tgt.nullable {
        facets.push(ColumnFacet::Nullable);
    }
    if cur.default != tgt.default {
        facets.push(ColumnFacet::Default);
    }
    if cur.comment != tgt.comment {
        facets.push(ColumnFacet::Comment);
    }
    if cur.auto_increment != tgt.auto_increment || cur.identity_always != tgt.identity_always {
        facets.push(ColumnFacet::AutoIncrement);
    }
    if tgt.collation.is_some() && cur.collation != tgt.collation {
        facets.push(ColumnFacet::Collation);
    }
    if tgt.generated.is_some() && cur.generated != tgt.generated {
        facets.push(ColumnFacet::Generated);
    }
    if cur.extra != tgt.extra {
        facets.push(ColumnFacet::Extra);
    }
    facets
}

/// A column type as far as the column is concerned: a PostgreSQL enum type is a type of its own,
/// known by name (its labels change with `AlterEnum`); a MySQL inline enum's values are the
/// column's type.
fn type_identity(ty: &ColumnType, dialect: Dialect) -> ColumnType {
    match (dialect, ty) {
        (Dialect::Postgres, ColumnType::Enum { schema, name, .. }) => ColumnType::Enum {
            schema: schema.clone(),
            name: name.clone(),
            values: Vec::new(),
        },
        (Dialect::Postgres, ColumnType::Array { of }) => ColumnType::Array {
            of: Box::new(type_identity(of, dialect)),
        },
        _ => ty.clone(),
    }
}

/// Whether SeaORM entities can describe the index at all: a plain or unique index on columns,
/// single-column when not unique (`indexed`), any width when unique (`unique_key`).
/// A plain index on the columns of a unique key the entities keep: no entity can state it
/// (SeaORM drops `indexed` when `unique` is set), so it is the database's own business.
fn beside_unique(index: &Index, tgt: &Table) -> bool {
    let columns = |i: &Index| -> Vec<String> {
        i.parts
            .iter()
            .filter_map(|p| p.column_name().map(str::to_owned))
            .collect()
    };
    !index.unique
        && tgt
            .indexes
            .iter()
            .any(|u| u.unique && columns(u) == columns(index))
}

fn describable(index: &Index) -> bool {
    let plain_columns = index.parts.iter().all(|p| {
        matches!(
            p,
            strata_ir::IndexPart::Column {
                desc: false,
                prefix: None,
                ..
            }
        )
    });
    plain_columns
        && index.predicate.is_none()
        && index.include.is_empty()
        && index.method.is_none()
        && (index.unique || index.parts.len() == 1)
}

/// Whether InnoDB may be using `index` for a foreign key the table keeps (its columns start
/// with the key's), while every column of the index stays. Such an index is dropped only after
/// the new keys and indexes exist: InnoDB refuses to leave a foreign key without an index
/// (errno 150), so the replacement (often a composite primary key) must come first.
fn serves_kept_foreign_key(index: &Index, cur: &Table, tgt: &Table) -> bool {
    let columns: Vec<&str> = index.parts.iter().filter_map(|p| p.column_name()).collect();
    columns.len() == index.parts.len()
        && columns.iter().all(|c| tgt.column(c).is_some())
        && cur.foreign_keys.iter().any(|fk| {
            tgt.foreign_keys.iter().any(|t| t.columns == fk.columns)
                && fk.columns.len() <= columns.len()
                && fk.columns.iter().zip(&columns).all(|(a, b)| a == b)
        })
}

/// An index as the comparison sees it: names are informative, and a unique constraint and a
/// unique index on the same columns enforce the same thing (a database made by another tool
/// may hold either where the entities say `unique`).
fn unnamed_index(index: &Index) -> Index {
    Index {
        name: None,
        constraint: false,
        ..index.clone()
    }
}

fn compare_indexes(
    cur: &Table,
    tgt: &Table,
    table: &TableRef,
    dialect: Dialect,
    plan: &mut Plan,
    notes: &mut Vec<Note>,
) {
    let cur_keys: Vec<Index> = cur.indexes.iter().map(unnamed_index).collect();
    let tgt_keys: Vec<Index> = tgt.indexes.iter().map(unnamed_index).collect();
    for (t, key) in tgt.indexes.iter().zip(&tgt_keys) {
        if !cur_keys.contains(key) {
            plan.add_indexes.push(Change::AddIndex {
                table: table.clone(),
                index: t.clone(),
            });
        }
    }
    for (c, key) in cur.indexes.iter().zip(&cur_keys) {
        if tgt_keys.contains(key) {
            continue;
        }
        if describable(c) && !beside_unique(c, tgt) {
            let drop = Change::DropIndex {
                table: table.clone(),
                index: c.clone(),
            };
            if dialect == Dialect::Mysql && serves_kept_foreign_key(c, cur, tgt) {
                plan.late_drop_indexes.push(drop);
            } else {
                plan.drop_indexes.push(drop);
            }
        } else {
            notes.push(Note::Unmanaged {
                table: Some(table.clone()),
                what: format!("index {}", c.name.as_deref().unwrap_or("(unnamed)")),
            });
        }
    }
}

fn unnamed_fk(fk: &ForeignKey) -> ForeignKey {
    ForeignKey {
        name: None,
        ..fk.clone()
    }
}

fn compare_foreign_keys(cur: &Table, tgt: &Table, table: &TableRef, plan: &mut Plan) {
    let cur_keys: Vec<ForeignKey> = cur.foreign_keys.iter().map(unnamed_fk).collect();
    let tgt_keys: Vec<ForeignKey> = tgt.foreign_keys.iter().map(unnamed_fk).collect();
    for (t, key) in tgt.foreign_keys.iter().zip(&tgt_keys) {
        if !cur_keys.contains(key) {
            plan.add_foreign_keys.push(Change::AddForeignKey {
                table: table.clone(),
                foreign_key: t.clone(),
            });
        }
    }
    for (c, key) in cur.foreign_keys.iter().zip(&cur_keys) {
        if !tgt_keys.contains(key) {
            plan.drop_foreign_keys.push(Change::DropForeignKey {
                table: table.clone(),
                foreign_key: c.clone(),
            });
        }
    }
}

/// Tables to drop, referencing tables before the tables they reference (cycles keep their
/// order; their keys go with them).
fn drop_order<'a>(tables: &[&'a Table]) -> Vec<&'a Table> {
    fn visit<'a>(i: usize, tables: &[&'a Table], state: &mut [u8], out: &mut Vec<&'a Table>) {
        if state[i] != 0 {
            return;
        }
        state[i] = 1;
        // Referencing tables first: visit every table whose keys point at this one.
        for (j, other) in tables.iter().enumerate() {
            if j != i
                && other
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.ref_table == tables[i].name && fk.ref_schema == tables[i].schema)
            {
                visit(j, tables, state, out);
            }
        }
        state[i] = 2;
        out.push(tables[i]);
    }
    let mut state = vec![0u8; tables.len()];
    let mut out = Vec::with_capacity(tables.len());
    for i in 0..tables.len() {
        visit(i, tables, &mut state, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_ir::{Check, PrimaryKey};

    fn orders() -> Table {
        let mut t = Table::new(None, "orders");
        t.columns = vec![
            Column::new("id", ColumnType::int(4)),
            Column::new("customer_id", ColumnType::int(4)),
            Column::new("placed_at", ColumnType::DateTime),
        ];
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        t
    }

    #[test]
    fn what_entities_cannot_describe_is_noted_and_never_dropped() {
        let target = Schema {
            tables: vec![orders()],
            enums: vec![],
            ..Schema::default()
        };
        let mut db = orders();
        db.indexes.push(Index::on_columns(
            Some("orders_customer_placed".into()),
            ["customer_id", "placed_at"],
        ));
        db.indexes.push(Index {
            predicate: Some("placed_at > now()".into()),
            ..Index::on_columns(Some("orders_recent".into()), ["placed_at"])
        });
        db.checks.push(Check {
            name: Some("orders_id_positive".into()),
            expr: "id > 0".into(),
        });
        let current = Schema {
            tables: vec![db],
            enums: vec![EnumType {
                schema: None,
                name: "legacy".into(),
                values: vec!["a".into()],
            }],
            ..Schema::default()
        };
        let diff = diff(&current, &target, Dialect::Postgres);
        assert!(diff.changes.is_empty(), "{:#?}", diff.changes);
        let notes: Vec<String> = diff.notes.iter().map(ToString::to_string).collect();
        assert_eq!(
            notes,
            [
                "unmanaged: enum type legacy (no column uses it) (left alone)",
                "unmanaged: check constraint orders_id_positive on orders (left alone)",
                "unmanaged: index orders_customer_placed on orders (left alone)",
                "unmanaged: index orders_recent on orders (left alone)",
            ]
        );
    }

    #[test]
    fn a_unique_index_stands_for_a_unique_constraint() {
        let mut target = orders();
        target.indexes.push(Index {
            unique: true,
            constraint: true,
            ..Index::on_columns(None, ["customer_id"])
        });
        let mut db = orders();
        db.indexes.push(Index {
            unique: true,
            ..Index::on_columns(Some("orders_customer_id_uniq".into()), ["customer_id"])
        });
        let schema = |t: Table| Schema {
            tables: vec![t],
            enums: vec![],
            ..Schema::default()
        };
        for dialect in Dialect::ALL {
            let diff = diff(&schema(db.clone()), &schema(target.clone()), dialect);
            assert!(diff.changes.is_empty(), "{dialect}: {:#?}", diff.changes);
        }
    }

    #[test]
    fn names_do_not_make_a_difference() {
        let mut target = orders();
        target.indexes.push(Index::on_columns(
            Some("idx-orders-customer_id".into()),
            ["customer_id"],
        ));
        let mut db = orders();
        db.indexes.push(Index::on_columns(
            Some("orders_customer_id_idx".into()),
            ["customer_id"],
        ));
        let diff = diff(
            &Schema {
                tables: vec![db],
                enums: vec![],
                ..Schema::default()
            },
            &Schema {
                tables: vec![target],
                enums: vec![],
                ..Schema::default()
            },
            Dialect::Postgres,
        );
        assert!(diff.changes.is_empty(), "{:#?}", diff.changes);
    }

    #[test]
    fn a_strict_tables_five_type_names_hold_what_entities_declare() {
        use strata_ir::{Column, ColumnType, StringLen};
        let mut db = Table::new(None, "t");
        db.strict = true;
        db.columns
            .push(Column::new("name", Dialect::Sqlite.parse_type("TEXT")));
        db.columns
            .push(Column::new("n", Dialect::Sqlite.parse_type("INTEGER")));
        let mut model = Table::new(None, "t");
        model.columns.push(Column::new(
            "name",
            ColumnType::String {
                len: StringLen::N(40),
            },
        ));
        model.columns.push(Column::new("n", ColumnType::int(8)));
        let schema = |t: &Table| Schema {
            tables: vec![t.clone()],
            ..Schema::default()
        };
        let changes = diff(&schema(&db), &schema(&model), Dialect::Sqlite).changes;
        assert!(changes.is_empty(), "{changes:#?}");
        // An ordinary table stores TEXT and varchar(40) alike too (text affinity, no length
        // enforced): one storage class, no change.
        db.strict = false;
        let changes = diff(&schema(&db), &schema(&model), Dialect::Sqlite).changes;
        assert!(changes.is_empty(), "{changes:#?}");
        // Another class is a real change.
        db.columns[0].ty = Dialect::Sqlite.parse_type("BLOB");
        let changes = diff(&schema(&db), &schema(&model), Dialect::Sqlite).changes;
        assert_eq!(changes.len(), 1, "{changes:#?}");
    }

    #[test]
    fn views_and_triggers_are_unmanaged_and_left_alone() {
        use strata_ir::{ObjectKind, SqlObject};
        let mut db = Schema {
            tables: vec![Table::new(None, "t")],
            ..Schema::default()
        };
        for (kind, name, sql) in [
            (ObjectKind::View, "v", "CREATE VIEW v AS SELECT 1 FROM t"),
            (
                ObjectKind::Trigger,
                "tr",
                "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
            ),
        ] {
            db.objects.push(SqlObject {
                kind,
                name: name.into(),
                table: if kind == ObjectKind::View { "v" } else { "t" }.into(),
                sql: sql.into(),
                references: vec!["t".into()],
            });
        }
        let target = Schema {
            tables: vec![Table::new(None, "t")],
            ..Schema::default()
        };
        let diff = diff(&db, &target, Dialect::Sqlite);
        assert!(diff.changes.is_empty(), "{:#?}", diff.changes);
        let notes: Vec<String> = diff.notes.iter().map(ToString::to_string).collect();
        assert_eq!(
            notes,
            [
                "unmanaged: view v (left alone)",
                "unmanaged: trigger tr on t (left alone)"
            ]
        );
    }
}
