//! The pure half of MySQL/MariaDB introspection: [`Catalog`] rows → [`Schema`].
//!
//! Types and defaults are read through [`Dialect::Mysql`]'s `parse_type`/`parse_default`, the
//! same table the emitter spells with. What differs between the servers is settled here, each
//! branch marked with the server it was verified on.

use std::collections::{BTreeMap, HashMap};

use strata_ir::dialect::strip_outer_parens;
use strata_ir::{
    Check, Column, ColumnType, DefaultValue, Dialect, FkAction, ForeignKey, Generated, Index,
    IndexPart, PrimaryKey, Schema, Table,
};

use super::{Catalog, CheckRow, ColumnRow, FkColumnRow, Flavour, IndexRow};

pub(crate) fn lower(catalog: &Catalog) -> Schema {
    let flavour = catalog.flavour;
    let mut tables: BTreeMap<&str, Table> = BTreeMap::new();
    let mut collations: HashMap<&str, Option<&str>> = HashMap::new();
    for row in &catalog.tables {
        let mut table = Table::new(None, row.name.clone());
        table.comment = non_empty(&row.comment);
        tables.insert(&row.name, table);
        collations.insert(&row.name, row.collation.as_deref());
    }

    // Columns of views and of tables out of scope have no table here and are skipped.
    let mut columns: Vec<&ColumnRow> = catalog.columns.iter().collect();
    columns.sort_by(|a, b| (&a.table, a.position).cmp(&(&b.table, b.position)));
    for row in columns {
        if let Some(table) = tables.get_mut(row.table.as_str()) {
            let table_collation = collations.get(row.table.as_str()).copied().flatten();
            table.columns.push(column(flavour, row, table_collation));
        }
    }

    for row in &catalog.checks {
        if let Some(table) = tables.get_mut(row.table.as_str()) {
            check(flavour, row, table);
        }
    }

    let mut index_rows: BTreeMap<(&str, &str), Vec<&IndexRow>> = BTreeMap::new();
    for row in &catalog.indexes {
        index_rows
            .entry((row.table.as_str(), row.name.as_str()))
            .or_default()
            .push(row);
    }
    for ((table_name, name), mut rows) in index_rows {
        if let Some(table) = tables.get_mut(table_name) {
            rows.sort_by_key(|r| r.seq);
            index(flavour, name, &rows, table);
        }
    }

    let rules: HashMap<(&str, &str), (&str, &str)> = catalog
        .fk_rules
        .iter()
        .map(|r| {
            (
                (r.table.as_str(), r.constraint.as_str()),
                (r.update_rule.as_str(), r.delete_rule.as_str()),
            )
        })
        .collect();
    let mut fk_rows: BTreeMap<(&str, &str), Vec<&FkColumnRow>> = BTreeMap::new();
    for row in &catalog.fk_columns {
        fk_rows
            .entry((row.table.as_str(), row.constraint.as_str()))
            .or_default()
            .push(row);
    }
    for (key @ (table_name, name), mut rows) in fk_rows {
        let Some(table) = tables.get_mut(table_name) else {
            continue;
        };
        rows.sort_by_key(|r| r.position);
        let (update_rule, delete_rule) = rules.get(&key).copied().unwrap_or(("", ""));
        let ref_schema = &rows[0].ref_schema;
        table.foreign_keys.push(ForeignKey {
            name: Some(name.to_owned()),
            columns: rows.iter().map(|r| r.column.clone()).collect(),
            ref_schema: (ref_schema != &catalog.database).then(|| ref_schema.clone()),
            ref_table: rows[0].ref_table.clone(),
            ref_columns: rows.iter().map(|r| r.ref_column.clone()).collect(),
            on_delete: action(flavour, delete_rule),
            on_update: action(flavour, update_rule),
            deferrable: None,
        });
    }

    for table in tables.values_mut() {
        mark_implicit_indexes(table);
    }

    let mut schema = Schema {
        tables: tables.into_values().collect(),
        enums: Vec::new(),
        objects: Vec::new(),
    };
    schema.sort();
    schema
}

fn column(flavour: Flavour, row: &ColumnRow, table_collation: Option<&str>) -> Column {
    let ty = Dialect::Mysql.parse_type(&row.column_type);
    let extra = row.extra.to_ascii_lowercase();
    let auto_increment = extra.contains("auto_increment");
    // MariaDB 10.11 and MySQL 8: `VIRTUAL GENERATED`, `STORED GENERATED` (MariaDB's PERSISTENT
    // is reported as STORED).
    let generated = if extra.contains("virtual generated") {
        Some(false)
    } else if extra.contains("stored generated") || extra.contains("persistent generated") {
        Some(true)
    } else {
        None
    }
    .map(|stored| Generated {
        expr: expression(flavour, row.generation_expression.as_deref().unwrap_or("")),
        stored,
    });
    let default = match &row.default {
        _ if auto_increment || generated.is_some() => None,
        None => None,
        // MariaDB 10.11: literals arrive quoted, `NULL` is a null default, expressions bare.
        Some(text) if flavour == Flavour::MariaDb => Dialect::Mysql.parse_default(text, &ty),
        // MySQL 8 (manual): expression defaults, CURRENT_TIMESTAMP included, are marked
        // DEFAULT_GENERATED and escaped like every expression text; literals arrive unquoted.
        Some(text) if extra.contains("default_generated") => {
            Dialect::Mysql.parse_default(&unescape(text), &ty)
        }
        Some(text) => Dialect::Mysql.parse_default(&mysql8_literal(text, &ty), &ty),
    };
    let on_update = on_update(&extra);
    let collation = row
        .collation
        .as_deref()
        .filter(|c| Some(*c) != table_collation)
        .map(str::to_owned);
    Column {
        name: row.name.clone(),
        ty,
        nullable: row.nullable,
        default,
        auto_increment,
        comment: non_empty(&row.comment),
        generated,
        extra: on_update,
        renamed_from: None,
        collation,
        identity_always: false,
    }
}

/// `on update current_timestamp(3)` in `EXTRA` as `ON UPDATE CURRENT_TIMESTAMP(3)` (MariaDB
/// 10.11 writes `current_timestamp()`, MySQL 8 `CURRENT_TIMESTAMP`; both mean the same).
fn on_update(extra: &str) -> Option<String> {
    let rest = &extra[extra.find("on update ")? + "on update ".len()..];
    let function = rest.split_whitespace().next()?;
    let normalised = match Dialect::Mysql.parse_default(function, &ColumnType::Timestamp) {
        Some(DefaultValue::Expr(sql)) => sql,
        _ => function.to_owned(),
    };
    Some(format!("ON UPDATE {normalised}"))
}

/// MySQL 8 (manual): a literal default as `COLUMN_DEFAULT` shows it, unquoted (`abc`, `1.50`,
/// `b'101'`, hex `0x616263` for binary columns), put in the form `parse_default` reads:
/// quoted unless the column is numeric or bit-valued, or the text is a hex literal or the
/// `CURRENT_TIMESTAMP` of a server that did not mark it DEFAULT_GENERATED.
fn mysql8_literal(text: &str, ty: &ColumnType) -> String {
    let bare = numeric(ty)
        || (text.starts_with("0x") && binary(ty))
        || text.to_ascii_lowercase().starts_with("current_timestamp");
    if bare {
        text.to_owned()
    } else {
        Dialect::Mysql.string_literal(text)
    }
}

fn numeric(ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Boolean
        | ColumnType::Integer { .. }
        | ColumnType::Float
        | ColumnType::Double
        | ColumnType::Decimal { .. }
        | ColumnType::Money { .. }
        | ColumnType::Year
        | ColumnType::Bit { .. }
        | ColumnType::VarBit { .. } => true,
        ColumnType::Custom { sql } => {
            let base = sql.split(['(', ' ']).next().unwrap_or("");
            matches!(
                base,
                "mediumint"
                    | "int"
                    | "tinyint"
                    | "smallint"
                    | "bigint"
                    | "float"
                    | "double"
                    | "real"
                    | "decimal"
            )
        }
        _ => false,
    }
}

fn binary(ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Binary { .. } | ColumnType::VarBinary { .. } | ColumnType::Blob => true,
        ColumnType::Custom { sql } => sql.ends_with("blob"),
        _ => false,
    }
}

/// A check constraint, or (MariaDB) the `json_valid` check that makes a `longtext` column JSON.
fn check(flavour: Flavour, row: &CheckRow, table: &mut Table) {
    if flavour == Flavour::MariaDb && json_check(&row.clause, table) {
        return;
    }
    table.checks.push(Check {
        name: Some(row.name.clone()),
        expr: expression(flavour, &row.clause),
    });
}

/// MariaDB 10.11: `json` is an alias of `longtext` (collation `utf8mb4_bin`) plus a
/// column-level check `json_valid(`col`)` named after the column. Such a column reads as
/// [`ColumnType::Json`], without that collation, and the check is dropped. Returns whether the
/// clause was that check.
fn json_check(clause: &str, table: &mut Table) -> bool {
    let Some(column) = table.columns.iter_mut().find(|c| {
        c.ty == ColumnType::custom("longtext")
            && clause == format!("json_valid({})", Dialect::Mysql.quote(&c.name))
    }) else {
        return false;
    };
    column.ty = ColumnType::Json;
    column.collation = None;
    true
}

/// An expression as reported (check clause, generation expression, functional key part):
/// MySQL 8's one level of backslash escaping undone, redundant outer parentheses removed (MySQL 8
/// adds them; MariaDB 10.11 reports the text without).
fn expression(flavour: Flavour, text: &str) -> String {
    match flavour {
        Flavour::MariaDb => strip_outer_parens(text.trim(), Dialect::Mysql).to_owned(),
        Flavour::Mysql(_) => strip_outer_parens(unescape(text).trim(), Dialect::Mysql).to_owned(),
    }
}

/// MySQL 8 (manual, and bug reports on `CHECK_CLAUSE`): expression texts in
/// `information_schema` carry one extra level of backslash escaping (`_utf8mb4\'a\'`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().unwrap_or('\\')),
            other => out.push(other),
        }
    }
    out
}

/// The primary key, or one index (unique or not; MySQL has no unique constraints apart from
/// unique indexes, so `constraint` is always false).
fn index(flavour: Flavour, name: &str, rows: &[&IndexRow], table: &mut Table) {
    if name == "PRIMARY" {
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: rows.iter().filter_map(|r| r.column.clone()).collect(),
        });
        return;
    }
    // MariaDB reports a SUB_PART (32) for spatial index parts, which no DDL can state.
    let spatial = rows
        .first()
        .is_some_and(|r| r.index_type.eq_ignore_ascii_case("spatial"));
    let parts: Vec<IndexPart> = rows
        .iter()
        .filter_map(|r| match (&r.column, &r.expression) {
            (Some(column), _) => Some(IndexPart::Column {
                name: column.clone(),
                // MariaDB 10.11 (10.8+) and MySQL 8: `D` for a descending part.
                desc: r.collation.as_deref() == Some("D"),
                prefix: r
                    .sub_part
                    .filter(|_| !spatial)
                    .and_then(|n| u32::try_from(n).ok()),
            }),
            // MySQL 8 (manual): functional key parts.
            (None, Some(sql)) => Some(IndexPart::Expr {
                sql: expression(flavour, sql),
            }),
            (None, None) => None,
        })
        .collect();
    let Some(first) = rows.first() else {
        return;
    };
    if parts.is_empty() {
        return;
    }
    let method = match first.index_type.to_ascii_lowercase().as_str() {
        "btree" | "" => None,
        other => Some(other.to_owned()),
    };
    table.indexes.push(Index {
        name: Some(name.to_owned()),
        parts,
        unique: !first.non_unique,
        constraint: false,
        predicate: None,
        include: Vec::new(),
        method,
        implicit: false,
    });
}

/// A referential action. `NO ACTION` is no action stated (`None`) on both servers. MariaDB
/// 10.11 reports a foreign key declared without an action as `RESTRICT` (and `SHOW CREATE
/// TABLE` omits it), so there `RESTRICT` is `None` too; InnoDB treats the two alike. MySQL 8
/// (manual) reports `NO ACTION` for no action, so its `RESTRICT` was written and is kept.
fn action(flavour: Flavour, rule: &str) -> Option<FkAction> {
    match FkAction::parse(rule)? {
        FkAction::NoAction => None,
        FkAction::Restrict if flavour == Flavour::MariaDb => None,
        other => Some(other),
    }
}

/// Marks the indexes InnoDB created for a foreign key.
///
/// Verified on MariaDB 10.11 (the same rule is documented for MySQL 8): when a foreign key is
/// added and no index of the table starts with its columns, InnoDB creates a non-unique index on
/// exactly those columns, named
/// - after the constraint, when it is named (`CONSTRAINT fk_x FOREIGN KEY ...` makes index
///   `fk_x`; a `FOREIGN KEY idx (...)` name is ignored then);
/// - otherwise after the `FOREIGN KEY idx (...)` name when given (MariaDB also names the
///   constraint `idx` then, so the first rule covers it; MySQL names the constraint
///   `<table>_ibfk_<n>` and the index `idx`, which is indistinguishable from a user's index);
/// - otherwise after the first column, with `_2`, `_3`... when that name is taken, while the
///   constraint gets `<table>_ibfk_<n>`.
///
/// An index of the user's that covers the columns is used instead (no implicit index), and an
/// implicit index disappears when such an index is created later. So: a non-unique index whose
/// parts are exactly the key's plain columns, named after the constraint, or named after the
/// first column (optionally `_<n>`) for a key with a generated `<table>_ibfk_<n>` name.
fn mark_implicit_indexes(table: &mut Table) {
    let generated_name = |fk: &ForeignKey| {
        fk.name
            .as_deref()
            .and_then(|n| n.strip_prefix(table.name.as_str()))
            .and_then(|n| n.strip_prefix("_ibfk_"))
            .is_some_and(all_digits)
    };
    let mut implicit = Vec::new();
    for (i, index) in table.indexes.iter().enumerate() {
        if index.unique || index.method.is_some() {
            continue;
        }
        let plain = index.parts.iter().all(|p| {
            matches!(
                p,
                IndexPart::Column {
                    desc: false,
                    prefix: None,
                    ..
                }
            )
        });
        let (Some(columns), Some(name), true) =
            (index.column_names(), index.name.as_deref(), plain)
        else {
            continue;
        };
        let Some(&first) = columns.first() else {
            continue;
        };
        let found = table.foreign_keys.iter().any(|fk| {
            fk.columns
                .iter()
                .map(String::as_str)
                .eq(columns.iter().copied())
                && (fk.name.as_deref() == Some(name)
                    || (generated_name(fk)
                        && (name == first
                            || name
                                .strip_prefix(first)
                                .and_then(|n| n.strip_prefix('_'))
                                .is_some_and(all_digits))))
        });
        if found {
            implicit.push(i);
        }
    }
    for i in implicit {
        table.indexes[i].implicit = true;
    }
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    //! Lowering without a server. The MySQL 8 rows below are written from the MySQL 8.0
    //! reference manual's `information_schema` pages (no MySQL server runs here); the MariaDB
    //! rows are what MariaDB 10.11 returned for the same definitions.

    use super::*;
    use crate::mysql::{FkRuleRow, TableRow};
    use strata_ir::{Literal, StringLen};

    fn table(name: &str, collation: &str) -> TableRow {
        TableRow {
            name: name.into(),
            collation: Some(collation.into()),
            comment: String::new(),
        }
    }

    fn col(
        table: &str,
        position: i64,
        name: &str,
        ty: &str,
        default: Option<&str>,
        extra: &str,
    ) -> ColumnRow {
        ColumnRow {
            table: table.into(),
            name: name.into(),
            position,
            column_type: ty.into(),
            nullable: true,
            default: default.map(Into::into),
            extra: extra.into(),
            generation_expression: None,
            collation: None,
            comment: String::new(),
        }
    }

    fn idx(table: &str, name: &str, seq: i64, column: Option<&str>) -> IndexRow {
        IndexRow {
            table: table.into(),
            name: name.into(),
            non_unique: true,
            seq,
            column: column.map(Into::into),
            expression: None,
            sub_part: None,
            collation: Some("A".into()),
            index_type: "BTREE".into(),
        }
    }

    fn fk(table: &str, name: &str, column: &str, ref_schema: &str) -> FkColumnRow {
        FkColumnRow {
            table: table.into(),
            constraint: name.into(),
            position: 1,
            column: column.into(),
            ref_schema: ref_schema.into(),
            ref_table: "p".into(),
            ref_column: "id".into(),
        }
    }

    fn rule(table: &str, name: &str, update: &str, delete: &str) -> FkRuleRow {
        FkRuleRow {
            table: table.into(),
            constraint: name.into(),
            update_rule: update.into(),
            delete_rule: delete.into(),
        }
    }

    fn catalog(flavour: Flavour) -> Catalog {
        Catalog {
            flavour,
            database: "app".into(),
            tables: vec![],
            columns: vec![],
            indexes: vec![],
            fk_columns: vec![],
            fk_rules: vec![],
            checks: vec![],
        }
    }

    fn lit(l: Literal) -> Option<DefaultValue> {
        Some(DefaultValue::Literal(l))
    }

    #[test]
    fn mysql8_rows_lower() {
        let mut c = catalog(Flavour::Mysql((8, 0, 36)));
        c.tables = vec![
            table("t", "utf8mb4_0900_ai_ci"),
            table("p", "utf8mb4_0900_ai_ci"),
        ];
        let mut bin = col("t", 3, "bin", "varchar(20)", None, "");
        bin.collation = Some("utf8mb4_bin".into());
        let mut same = col("t", 4, "same", "varchar(20)", Some("it's"), "");
        same.collation = Some("utf8mb4_0900_ai_ci".into());
        let mut g = col("t", 14, "g", "int", None, "VIRTUAL GENERATED");
        g.generation_expression = Some("(`id` + 1)".into());
        let mut s = col("t", 15, "s", "varchar(30)", None, "STORED GENERATED");
        s.generation_expression = Some(r"concat(`same`,_utf8mb4\'x\')".into());
        c.columns = vec![
            col("t", 1, "id", "int unsigned", None, "auto_increment"),
            col("t", 2, "flag", "tinyint(1)", Some("1"), ""),
            bin,
            same,
            col("t", 5, "amount", "decimal(10,2)", Some("1.50"), ""),
            col("t", 6, "bits", "bit(8)", Some("b'101'"), ""),
            col(
                "t",
                7,
                "created",
                "timestamp",
                Some("CURRENT_TIMESTAMP"),
                "DEFAULT_GENERATED on update CURRENT_TIMESTAMP",
            ),
            col(
                "t",
                8,
                "updated",
                "datetime(3)",
                Some("CURRENT_TIMESTAMP(3)"),
                "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)",
            ),
            col(
                "t",
                9,
                "body",
                "text",
                Some(r"_utf8mb4\'hi\'"),
                "DEFAULT_GENERATED",
            ),
            col(
                "t",
                10,
                "code",
                "binary(16)",
                Some("uuid_to_bin(uuid())"),
                "DEFAULT_GENERATED",
            ),
            col("t", 11, "doc", "json", None, ""),
            col("t", 12, "e", "enum('a','b')", Some("a"), ""),
            col("t", 13, "d", "date", Some("2020-01-01"), ""),
            g,
            s,
            col("t", 16, "big", "bigint", None, ""),
            col("t", 17, "raw", "varbinary(3)", Some("0x616263"), ""),
            col("t", 18, "pid", "int", None, ""),
            col("p", 1, "id", "int", None, ""),
        ];
        let mut expr_part = idx("t", "t_expr", 1, None);
        expr_part.expression = Some(r"(lower(`same`) = _utf8mb4\'x\')".into());
        let mut desc = idx("t", "t_desc", 1, Some("amount"));
        desc.collation = Some("D".into());
        let mut ft = idx("t", "t_ft", 1, Some("body"));
        ft.index_type = "FULLTEXT".into();
        ft.collation = None;
        let mut pk = idx("t", "PRIMARY", 1, Some("id"));
        pk.non_unique = false;
        c.indexes = vec![pk, expr_part, desc, ft, idx("t", "t_pid", 1, Some("pid"))];
        c.fk_columns = vec![
            fk("t", "t_pid", "pid", "app"),
            fk("t", "t_remote", "big", "other"),
        ];
        c.fk_rules = vec![
            rule("t", "t_pid", "NO ACTION", "RESTRICT"),
            rule("t", "t_remote", "CASCADE", "SET NULL"),
        ];
        c.checks = vec![CheckRow {
            table: "t".into(),
            name: "t_chk_1".into(),
            clause: r"((`amount` > 0) and (`same` <> _utf8mb4\'x\'))".into(),
        }];
        let schema = lower(&c);
        let t = schema.table(None, "t").expect("t");
        let get = |name: &str| t.column(name).unwrap_or_else(|| panic!("{name}"));

        assert_eq!(get("id").ty, ColumnType::uint(4));
        assert!(get("id").auto_increment);
        assert_eq!(get("flag").default, lit(Literal::Bool(true)));
        assert_eq!(get("bin").collation.as_deref(), Some("utf8mb4_bin"));
        assert_eq!(get("same").collation, None);
        assert_eq!(get("same").default, lit(Literal::String("it's".into())));
        assert_eq!(get("amount").default, lit(Literal::Float("1.5".into())));
        assert_eq!(get("bits").default, lit(Literal::Int(5)));
        assert_eq!(
            get("created").default,
            Some(DefaultValue::Expr("CURRENT_TIMESTAMP".into()))
        );
        assert_eq!(
            get("created").extra.as_deref(),
            Some("ON UPDATE CURRENT_TIMESTAMP")
        );
        assert_eq!(get("updated").ty, ColumnType::custom("datetime(3)"));
        assert_eq!(
            get("updated").extra.as_deref(),
            Some("ON UPDATE CURRENT_TIMESTAMP(3)")
        );
        assert_eq!(
            get("body").default,
            Some(DefaultValue::Expr("_utf8mb4'hi'".into()))
        );
        assert_eq!(
            get("code").default,
            Some(DefaultValue::Expr("uuid_to_bin(uuid())".into()))
        );
        assert_eq!(get("doc").ty, ColumnType::Json);
        assert_eq!(get("e").default, lit(Literal::String("a".into())));
        assert_eq!(get("d").default, lit(Literal::String("2020-01-01".into())));
        assert_eq!(
            get("g").generated,
            Some(Generated {
                expr: "`id` + 1".into(),
                stored: false
            })
        );
        assert_eq!(
            get("s").generated,
            Some(Generated {
                expr: "concat(`same`,_utf8mb4'x')".into(),
                stored: true
            })
        );
        assert_eq!(get("big").default, None);
        assert_eq!(
            get("raw").ty,
            ColumnType::VarBinary {
                len: StringLen::N(3)
            }
        );
        assert_eq!(get("raw").default, lit(Literal::String("abc".into())));

        assert_eq!(
            t.primary_key.as_ref().map(|pk| pk.columns.clone()),
            Some(vec!["id".to_owned()])
        );
        let index = |name: &str| {
            t.indexes
                .iter()
                .find(|i| i.name.as_deref() == Some(name))
                .unwrap_or_else(|| panic!("{name}"))
        };
        assert_eq!(
            index("t_expr").parts,
            vec![IndexPart::Expr {
                sql: "lower(`same`) = _utf8mb4'x'".into()
            }]
        );
        assert_eq!(
            index("t_desc").parts,
            vec![IndexPart::Column {
                name: "amount".into(),
                desc: true,
                prefix: None
            }]
        );
        assert_eq!(index("t_ft").method.as_deref(), Some("fulltext"));
        assert!(index("t_pid").implicit);
        assert!(!index("t_desc").implicit);

        let fks: Vec<_> = t
            .foreign_keys
            .iter()
            .map(|f| {
                (
                    f.name.as_deref().unwrap_or(""),
                    f.ref_schema.as_deref(),
                    f.on_delete,
                    f.on_update,
                )
            })
            .collect();
        assert_eq!(
            fks,
            [
                (
                    "t_remote",
                    Some("other"),
                    Some(FkAction::SetNull),
                    Some(FkAction::Cascade)
                ),
                ("t_pid", None, Some(FkAction::Restrict), None),
            ]
        );
        assert_eq!(
            t.checks,
            vec![Check {
                name: Some("t_chk_1".into()),
                expr: "(`amount` > 0) and (`same` <> _utf8mb4'x')".into()
            }]
        );
    }

    #[test]
    fn mariadb_json_restrict_and_views() {
        let mut c = catalog(Flavour::MariaDb);
        c.tables = vec![table("t", "utf8mb4_general_ci")];
        let mut j = col("t", 1, "j", "longtext", Some("NULL"), "");
        j.collation = Some("utf8mb4_bin".into());
        let mut plain = col("t", 2, "plain", "longtext", None, "");
        plain.collation = Some("utf8mb4_bin".into());
        c.columns = vec![
            j,
            plain,
            col("t", 3, "pid", "int(11)", Some("NULL"), ""),
            // a view's column: no table row, skipped
            col("v", 1, "x", "int(11)", None, ""),
        ];
        c.checks = vec![
            CheckRow {
                table: "t".into(),
                name: "j".into(),
                clause: "json_valid(`j`)".into(),
            },
            CheckRow {
                table: "t".into(),
                name: "plain_ok".into(),
                clause: "json_valid(`j`) or `plain` is null".into(),
            },
        ];
        c.fk_columns = vec![fk("t", "t_ibfk_1", "pid", "app")];
        c.fk_rules = vec![rule("t", "t_ibfk_1", "RESTRICT", "NO ACTION")];
        c.indexes = vec![idx("t", "pid", 1, Some("pid"))];
        let schema = lower(&c);
        assert_eq!(schema.tables.len(), 1);
        let t = &schema.tables[0];
        assert_eq!(t.columns[0].ty, ColumnType::Json);
        assert_eq!(t.columns[0].collation, None);
        assert_eq!(t.columns[0].default, None);
        assert_eq!(t.columns[1].ty, ColumnType::custom("longtext"));
        assert_eq!(t.columns[1].collation.as_deref(), Some("utf8mb4_bin"));
        assert_eq!(t.checks.len(), 1);
        assert_eq!(t.checks[0].name.as_deref(), Some("plain_ok"));
        assert_eq!(
            (t.foreign_keys[0].on_delete, t.foreign_keys[0].on_update),
            (None, None)
        );
        assert!(
            t.indexes[0].implicit,
            "unnamed key's index is named after its column"
        );
    }
}
