//! Catalog rows → [`Schema`], with no IO: types and defaults read back through
//! [`Dialect::Postgres`], `public` as `schema: None`, identity and `serial` as auto-increment
//! without a default, enum columns resolved through the enum rows by type oid (never by name).
//!
//! Rows that do not fit (a column of an unknown table, a key without columns) are skipped rather
//! than trusted.

use std::collections::HashMap;

use strata_ir::dialect::strip_outer_parens;
use strata_ir::{
    Check, Column, ColumnType, Deferrable, Dialect, EnumType, FkAction, ForeignKey, Generated,
    Index, IndexPart, PrimaryKey, Schema, Table,
};

use super::{Catalog, ColumnRow, ConstraintRow, IndexRow};

const PG: Dialect = Dialect::Postgres;

/// Builds the schema the catalog describes, sorted.
pub(crate) fn lower(catalog: Catalog) -> Schema {
    let enums: HashMap<i64, EnumType> = catalog
        .enums
        .into_iter()
        .map(|e| {
            let ty = EnumType {
                schema: schema_name(&e.schema),
                name: e.name,
                values: e.labels,
            };
            (e.oid, ty)
        })
        .collect();
    let mut tables: Vec<Table> = Vec::with_capacity(catalog.tables.len());
    let mut by_oid: HashMap<i64, usize> = HashMap::with_capacity(catalog.tables.len());
    for row in catalog.tables {
        by_oid.insert(row.oid, tables.len());
        let mut table = Table::new(schema_name(&row.schema), row.name);
        table.comment = non_empty(row.comment);
        tables.push(table);
    }
    let mut columns = catalog.columns;
    columns.sort_by_key(|c| (c.table, c.attnum));
    // Key and index columns are numbers: their names come from here.
    let names: HashMap<(i64, i16), String> = columns
        .iter()
        .map(|c| ((c.table, c.attnum), c.name.clone()))
        .collect();
    // Exact capacities: at thousands of tables, grown vectors would carry a tenth more columns.
    let mut counts = vec![0usize; tables.len()];
    for row in &columns {
        if let Some(&i) = by_oid.get(&row.table) {
            counts[i] += 1;
        }
    }
    for (table, count) in tables.iter_mut().zip(counts) {
        table.columns.reserve_exact(count);
    }
    for row in columns {
        if let Some(&i) = by_oid.get(&row.table) {
            tables[i].columns.push(column(row, &enums));
        }
    }
    for row in catalog.constraints {
        if let Some(&i) = by_oid.get(&row.table) {
            constraint(&mut tables[i], row, &names);
        }
    }
    for row in catalog.indexes {
        if let Some(&i) = by_oid.get(&row.table)
            && let Some(index) = index(row, &names)
        {
            tables[i].indexes.push(index);
        }
    }
    let mut schema = Schema {
        tables,
        enums: enums.into_values().collect(),
        objects: Vec::new(),
    };
    schema.sort();
    schema
}

/// `public` is the default schema: `None`.
fn schema_name(name: &str) -> Option<String> {
    (name != "public").then(|| name.to_owned())
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

fn column(row: ColumnRow, enums: &HashMap<i64, EnumType>) -> Column {
    let ty = match row.enum_oid.and_then(|oid| enums.get(&oid)) {
        Some(e) => {
            let ty = ColumnType::Enum {
                schema: e.schema.clone(),
                name: e.name.clone(),
                values: e.values.clone(),
            };
            if row.enum_array {
                ColumnType::Array { of: Box::new(ty) }
            } else {
                ty
            }
        }
        None => PG.parse_type(&row.type_sql),
    };
    let serial = row.owns_sequence
        && row
            .default
            .as_deref()
            .is_some_and(|d| d.trim_start().starts_with("nextval("));
    let identity = matches!(row.identity.as_str(), "a" | "d");
    let generated = match (row.generated_kind.as_str(), row.generated) {
        ("s", Some(expr)) => Some(Generated { expr, stored: true }),
        ("v", Some(expr)) => Some(Generated {
            expr,
            stored: false,
        }),
        _ => None,
    };
    let default = match &row.default {
        Some(sql) if !serial && !identity && generated.is_none() => PG.parse_default(sql, &ty),
        _ => None,
    };
    let mut column = Column::new(row.name, ty);
    column.nullable = !row.not_null;
    column.default = default;
    column.auto_increment = serial || identity;
    column.identity_always = row.identity == "a";
    column.generated = generated;
    column.comment = non_empty(row.comment);
    column.collation = row.collation;
    column
}

/// The names of a table's columns by number; `None` if one is unknown.
fn column_names(
    table: i64,
    attnums: &[i16],
    names: &HashMap<(i64, i16), String>,
) -> Option<Vec<String>> {
    attnums
        .iter()
        .map(|n| names.get(&(table, *n)).cloned())
        .collect()
}

fn constraint(table: &mut Table, row: ConstraintRow, names: &HashMap<(i64, i16), String>) {
    if row.kind == "c" {
        if let Some(expr) = row.check {
            table.checks.push(Check {
                name: Some(row.name),
                expr,
            });
        }
        return;
    }
    let Some(columns) = column_names(row.table, &row.columns, names) else {
        return;
    };
    if columns.is_empty() {
        return;
    }
    match row.kind.as_str() {
        "p" => {
            table.primary_key = Some(PrimaryKey {
                name: Some(row.name),
                columns,
            })
        }
        "u" => table.indexes.push(Index {
            unique: true,
            constraint: true,
            ..Index::on_columns(Some(row.name), columns)
        }),
        "f" => {
            let (Some(ref_schema), Some(ref_table)) = (row.ref_schema, row.ref_table) else {
                return;
            };
            let ref_columns = match row.ref_column_names {
                Some(names) => names,
                None => match column_names(row.ref_table_oid, &row.ref_columns, names) {
                    Some(names) => names,
                    None => return,
                },
            };
            if ref_columns.len() != columns.len() {
                return;
            }
            table.foreign_keys.push(ForeignKey {
                name: Some(row.name),
                columns,
                ref_schema: schema_name(&ref_schema),
                ref_table,
                ref_columns,
                on_delete: fk_action(&row.on_delete),
                on_update: fk_action(&row.on_update),
                deferrable: row.deferrable.then_some(if row.deferred {
                    Deferrable::InitiallyDeferred
                } else {
                    Deferrable::InitiallyImmediate
                }),
            });
        }
        _ => {}
    }
}

/// `confdeltype` / `confupdtype`; `NO ACTION` (`a`) is the default, `None`.
fn fk_action(code: &str) -> Option<FkAction> {
    match code {
        "r" => Some(FkAction::Restrict),
        "c" => Some(FkAction::Cascade),
        "n" => Some(FkAction::SetNull),
        "d" => Some(FkAction::SetDefault),
        _ => None,
    }
}

fn index(row: IndexRow, names: &HashMap<(i64, i16), String>) -> Option<Index> {
    let keys = usize::try_from(row.key_count).ok()?;
    if keys == 0 || keys > row.columns.len() || row.columns.len() != row.exprs.len() {
        return None;
    }
    let mut parts = Vec::with_capacity(keys);
    for k in 0..keys {
        parts.push(match (row.columns[k], &row.exprs[k]) {
            (0, Some(sql)) => IndexPart::Expr {
                sql: strip_outer_parens(sql, Dialect::Postgres).to_owned(),
            },
            (0, None) => return None,
            (attnum, _) => IndexPart::Column {
                name: names.get(&(row.table, attnum))?.clone(),
                desc: row.desc.get(k).copied().unwrap_or(false),
                prefix: None,
            },
        });
    }
    let include = column_names(row.table, &row.columns[keys..], names)?;
    Some(Index {
        name: Some(row.name),
        parts,
        unique: row.unique,
        constraint: false,
        predicate: row.predicate,
        include,
        method: (row.method != "btree").then_some(row.method),
        implicit: false,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{EnumRow, TableRow};
    use super::*;
    use strata_ir::{DefaultValue, Literal};

    fn table(oid: i64, schema: &str, name: &str) -> TableRow {
        TableRow {
            oid,
            schema: schema.into(),
            name: name.into(),
            comment: Some(String::new()),
        }
    }

    fn column(table: i64, attnum: i16, name: &str, type_sql: &str) -> ColumnRow {
        ColumnRow {
            table,
            attnum,
            name: name.into(),
            type_sql: type_sql.into(),
            not_null: true,
            ..ColumnRow::default()
        }
    }

    fn constraint_row(table: i64, name: &str, kind: &str, columns: &[i16]) -> ConstraintRow {
        ConstraintRow {
            table,
            name: name.into(),
            kind: kind.into(),
            columns: columns.to_vec(),
            on_delete: "a".into(),
            on_update: "a".into(),
            ..ConstraintRow::default()
        }
    }

    fn catalog() -> Catalog {
        Catalog {
            tables: vec![table(1, "public", "users"), table(2, "shop", "orders")],
            // Out of order, as the query returns them.
            columns: vec![
                ColumnRow {
                    default: Some("nextval('other_seq'::regclass)".into()),
                    collation: Some("C".into()),
                    ..column(2, 5, "code", "character varying(10)")
                },
                ColumnRow {
                    default: Some("nextval('users_id_seq'::regclass)".into()),
                    owns_sequence: true,
                    ..column(1, 1, "id", "integer")
                },
                ColumnRow {
                    not_null: false,
                    enum_oid: Some(10),
                    default: Some("'ok'::\"Mood\"".into()),
                    comment: Some("how they feel".into()),
                    ..column(1, 2, "mood", "\"Mood\"")
                },
                ColumnRow {
                    enum_oid: Some(11),
                    enum_array: true,
                    ..column(1, 3, "tags", "shop.tag[]")
                },
                ColumnRow {
                    identity: "a".into(),
                    ..column(2, 1, "id", "bigint")
                },
                column(2, 2, "user_id", "integer"),
                ColumnRow {
                    generated_kind: "s".into(),
                    generated: Some("user_id * 2".into()),
                    ..column(2, 4, "twice", "integer")
                },
                column(2, 6, "secret_id", "integer"),
                column(99, 1, "orphan", "integer"),
            ],
            constraints: vec![
                constraint_row(2, "orders_pkey", "p", &[1]),
                ConstraintRow {
                    ref_table_oid: 1,
                    ref_schema: Some("public".into()),
                    ref_table: Some("users".into()),
                    ref_columns: vec![1],
                    on_delete: "c".into(),
                    deferrable: true,
                    deferred: true,
                    ..constraint_row(2, "orders_user_id_fkey", "f", &[2])
                },
                // To a table out of scope: the names come with the row.
                ConstraintRow {
                    ref_table_oid: 50,
                    ref_schema: Some("vault".into()),
                    ref_table: Some("secrets".into()),
                    ref_columns: vec![1],
                    ref_column_names: Some(vec!["secret id".into()]),
                    on_update: "r".into(),
                    ..constraint_row(2, "orders_secret_id_fkey", "f", &[6])
                },
                // A referenced column that is not there: skipped.
                ConstraintRow {
                    ref_table_oid: 1,
                    ref_schema: Some("public".into()),
                    ref_table: Some("users".into()),
                    ref_columns: vec![7],
                    ..constraint_row(2, "dangling_fkey", "f", &[2])
                },
                constraint_row(2, "orders_code_key", "u", &[5]),
                ConstraintRow {
                    check: Some("user_id > 0".into()),
                    ..constraint_row(2, "positive", "c", &[2])
                },
                constraint_row(2, "no_columns", "u", &[]),
                constraint_row(2, "unknown_column", "u", &[42]),
            ],
            indexes: vec![
                IndexRow {
                    table: 2,
                    name: "orders_expr".into(),
                    unique: false,
                    method: "btree".into(),
                    key_count: 2,
                    columns: vec![0, 5, 1],
                    exprs: vec![Some("(user_id + 1)".into()), None, None],
                    desc: vec![false, true],
                    predicate: Some("id > 0".into()),
                },
                // An expression part without its expression: skipped.
                IndexRow {
                    table: 2,
                    name: "orders_gin".into(),
                    unique: true,
                    method: "gin".into(),
                    key_count: 1,
                    columns: vec![0],
                    exprs: vec![None],
                    desc: vec![false],
                    predicate: None,
                },
            ],
            enums: vec![
                EnumRow {
                    oid: 10,
                    schema: "public".into(),
                    name: "Mood".into(),
                    labels: vec!["ok".into(), "sad".into()],
                },
                EnumRow {
                    oid: 11,
                    schema: "shop".into(),
                    name: "tag".into(),
                    labels: vec!["new".into()],
                },
            ],
        }
    }

    #[test]
    fn catalog_rows_lower_to_the_model() {
        let schema = lower(catalog());
        let dump = strata_ir::dump(&schema);
        let want = "\
enum Mood: 'ok', 'sad'
enum shop.tag: 'new'
table users
  column id int32 not null auto_increment
  column mood enum Mood('ok', 'sad') null default 'ok' comment 'how they feel'
  column tags array(enum shop.tag('new')) not null
table shop.orders
  column id int64 not null auto_increment identity always
  column user_id int32 not null
  column twice int32 not null generated (user_id * 2) stored
  column code string(10) not null default (nextval('other_seq'::regclass)) collate C
  column secret_id int32 not null
  primary key orders_pkey (id)
  unique constraint orders_code_key (code)
  index orders_expr ((user_id + 1), code desc) include (id) where id > 0
  foreign key orders_secret_id_fkey (secret_id) -> vault.secrets (secret id) on update restrict
  foreign key orders_user_id_fkey (user_id) -> users (id) on delete cascade deferrable initially deferred
  check positive (user_id > 0)
";
        assert_eq!(dump, want, "\n{dump}");
        let mood = &schema.tables[0].columns[1];
        assert_eq!(
            mood.default,
            Some(DefaultValue::Literal(Literal::String("ok".into())))
        );
    }
}
