//! The canonical form of a schema on one dialect: what the database reports after strata (or
//! SeaORM) creates it. Two schemas that describe the same database have equal canonical forms,
//! whichever side they were read from.
//!
//! Canonicalisation erases what a dialect cannot store or does not report (comments on SQLite,
//! `renamed_from`, SeaORM's `extra` other than MySQL's `ON UPDATE`, primary-key names, the
//! distinction between unique constraints and unique indexes on MySQL, InnoDB's implicit
//! indexes) and folds equivalent spellings (types and defaults through the dialect's own
//! spell/parse pair, `public` as the unnamed schema, `NO ACTION` as the unstated action), and
//! gives index and constraint names the length the dialect stores ([`Dialect::fit_name`]:
//! PostgreSQL's truncation to 63 bytes, strata's shortening to 64 characters on MySQL).
//! Names that one side leaves to the database are reconciled separately by
//! [`reconcile_names`], since they are only comparable against a counterpart.

use crate::dialect::Dialect;
use crate::schema::{Column, EnumType, ForeignKey, Index, Schema, Table};
use crate::types::{ColumnType, FkAction};

/// `schema` as `dialect` would report it.
pub fn canonical(schema: &Schema, dialect: Dialect) -> Schema {
    let mut out = Schema {
        tables: schema
            .tables
            .iter()
            .map(|t| canonical_table(t, dialect))
            .collect(),
        enums: canonical_enums(schema, dialect),
        // Views, triggers and unreadable indexes are outside the entities' authority.
        objects: Vec::new(),
    };
    // Enums come sorted and each table's parts are sorted by `canonical_table`.
    out.tables
        .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    out
}

/// The enum types of `schema` as `dialect` would report them (none where enums are inline),
/// sorted by name.
pub fn canonical_enums(schema: &Schema, dialect: Dialect) -> Vec<EnumType> {
    let mut enums: Vec<EnumType> = match dialect {
        Dialect::Postgres => schema
            .enums
            .iter()
            .map(|e| {
                let mut e = e.clone();
                e.schema = scope_schema(e.schema.as_deref(), dialect);
                e
            })
            .collect(),
        Dialect::Mysql | Dialect::Sqlite => Vec::new(),
    };
    enums.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    enums
}

/// The `(schema, name)` a table has in the canonical form: what tables are matched by.
pub fn canonical_table_key(table: &Table, dialect: Dialect) -> (Option<String>, String) {
    (
        scope_schema(table.schema.as_deref(), dialect),
        table.name.clone(),
    )
}

/// The schema name as the dialect reports it: PostgreSQL's `public` is the unnamed default;
/// MySQL and SQLite read one database, whose tables are unnamed.
fn scope_schema(schema: Option<&str>, dialect: Dialect) -> Option<String> {
    match (dialect, schema) {
        (Dialect::Postgres, Some("public")) | (_, None) => None,
        (Dialect::Postgres, Some(s)) => Some(s.to_owned()),
        (Dialect::Mysql | Dialect::Sqlite, Some(_)) => None,
    }
}

/// One table as `dialect` would report it, its parts sorted: what [`canonical`] does to each
/// table, for comparisons that go one table at a time.
pub fn canonical_table(table: &Table, dialect: Dialect) -> Table {
    let pk_columns: Vec<&str> = table
        .primary_key
        .iter()
        .flat_map(|pk| pk.columns.iter().map(String::as_str))
        .collect();
    let mut out = Table {
        schema: scope_schema(table.schema.as_deref(), dialect),
        name: table.name.clone(),
        columns: table
            .columns
            .iter()
            .map(|c| canonical_column(c, pk_columns.contains(&c.name.as_str()), dialect))
            .collect(),
        primary_key: table.primary_key.as_ref().map(|pk| {
            let mut pk = pk.clone();
            pk.name = None;
            pk
        }),
        indexes: table
            .indexes
            .iter()
            .filter(|i| !i.implicit)
            .map(|i| canonical_index(i, dialect))
            .collect(),
        foreign_keys: table
            .foreign_keys
            .iter()
            .map(|fk| canonical_foreign_key(fk, dialect))
            .collect(),
        checks: table
            .checks
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.name = fitted(c.name.as_deref(), dialect);
                c
            })
            .collect(),
        comment: canonical_comment(table.comment.as_deref(), dialect),
        // Table options entities cannot state: kept from the database (a change that drops the
        // table carries them to its reverse), never compared.
        without_rowid: table.without_rowid,
        strict: table.strict,
    };
    out.sort_parts();
    out
}

/// What a column of `ty` holds in a SQLite `STRICT` table, which stores its declared type as one
/// of five names ([`crate::dialect::sqlite_strict_type`]): the types of one such name are equal
/// there.
pub fn canonical_strict_type(ty: &ColumnType) -> ColumnType {
    match Dialect::Sqlite.spell_type(ty) {
        Ok(spelled) => Dialect::Sqlite.parse_type(crate::dialect::sqlite_strict_type(&spelled)),
        Err(_) => ty.clone(),
    }
}

/// Whether two column types are one type in an ordinary (not `STRICT`) SQLite table: SQLite
/// stores their values alike and enforces neither, and SeaORM reads both the same way. The
/// classes are strings (`TEXT`, `VARCHAR(n)`, `CHAR(n)`: text affinity, no length enforced),
/// date-times (`DATETIME`, `TIMESTAMP`, `timestamp_with_timezone_text`: text SeaORM parses) and
/// binaries (`BLOB`, `blob(n)`, `varbinary_blob(n)`). A database written by hand, by sqlx or by
/// Diesel spells these its own way; a rebuild to change one spelling into another would change
/// nothing.
pub fn sqlite_same_storage(a: &ColumnType, b: &ColumnType) -> bool {
    fn class(ty: &ColumnType) -> Option<u8> {
        match ty {
            ColumnType::String { .. } | ColumnType::Char { .. } | ColumnType::Text => Some(0),
            ColumnType::DateTime | ColumnType::Timestamp | ColumnType::TimestampTz => Some(1),
            ColumnType::Blob | ColumnType::Binary { .. } | ColumnType::VarBinary { .. } => Some(2),
            _ => None,
        }
    }
    a == b || class(a).is_some_and(|c| class(b) == Some(c))
}

fn canonical_comment(comment: Option<&str>, dialect: Dialect) -> Option<String> {
    match (dialect, comment.map(strip_renamed_from_marker)) {
        (Dialect::Sqlite, _) | (_, None | Some("")) => None,
        (_, Some(c)) => Some(c.to_owned()),
    }
}

/// SeaORM records `renamed_from = "old"` in the column comment it creates (`renamed_from
/// "old"`, after `; ` when there is a real comment); that marker is SeaORM's bookkeeping, not a
/// comment anyone wrote.
pub fn strip_renamed_from_marker(comment: &str) -> &str {
    const MARK: &str = "renamed_from \"";
    match comment.rfind(MARK) {
        Some(at)
            if comment.ends_with('"')
                && comment.len() > at + MARK.len()
                && (at == 0 || comment[..at].ends_with("; ")) =>
        {
            comment[..at].strip_suffix("; ").unwrap_or("")
        }
        _ => comment,
    }
}

fn canonical_column(column: &Column, in_primary_key: bool, dialect: Dialect) -> Column {
    let ty = canonical_column_type(&column.ty, dialect);
    let default = match (&column.default, column.auto_increment, &column.generated) {
        (Some(default), false, None) => dialect.canonical_default(default, &column.ty),
        _ => None,
    };
    Column {
        name: column.name.clone(),
        nullable: column.nullable && !in_primary_key,
        default,
        auto_increment: column.auto_increment,
        comment: canonical_comment(column.comment.as_deref(), dialect),
        generated: column.generated.clone(),
        extra: match dialect {
            Dialect::Mysql => column.extra.as_deref().and_then(on_update_clause),
            Dialect::Postgres | Dialect::Sqlite => None,
        },
        renamed_from: None,
        collation: column.collation.clone(),
        identity_always: column.identity_always && dialect == Dialect::Postgres,
        ty,
    }
}

/// A column type as `dialect` would report it.
pub fn canonical_column_type(ty: &ColumnType, dialect: Dialect) -> ColumnType {
    match (dialect, dialect.canonical_type(ty)) {
        (
            Dialect::Postgres,
            ColumnType::Enum {
                schema,
                name,
                values,
            },
        ) => ColumnType::Enum {
            schema: scope_schema(schema.as_deref(), dialect),
            name,
            values,
        },
        (Dialect::Postgres, ColumnType::Array { of }) => ColumnType::Array {
            of: Box::new(canonical_column_type(&of, dialect)),
        },
        (_, other) => other,
    }
}

/// MySQL's `ON UPDATE CURRENT_TIMESTAMP[(n)]`, the one `extra` clause the catalog reports,
/// normalised to upper case; anything else in `extra` is not comparable.
fn on_update_clause(extra: &str) -> Option<String> {
    let folded = extra.split_whitespace().collect::<Vec<_>>().join(" ");
    let upper = folded.to_ascii_uppercase();
    let rest = upper.strip_prefix("ON UPDATE ")?;
    let rest = rest.replace("CURRENT_TIMESTAMP()", "CURRENT_TIMESTAMP");
    let rest = rest.replace("NOW()", "CURRENT_TIMESTAMP");
    Some(format!("ON UPDATE {rest}"))
}

fn canonical_index(index: &Index, dialect: Dialect) -> Index {
    let mut index = index.clone();
    index.name = fitted(index.name.as_deref(), dialect);
    if dialect == Dialect::Mysql {
        index.constraint = false;
    }
    if index
        .method
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("btree"))
    {
        index.method = None;
    }
    index
}

fn canonical_foreign_key(fk: &ForeignKey, dialect: Dialect) -> ForeignKey {
    let action = |a: Option<FkAction>| match (dialect, a) {
        (_, Some(FkAction::NoAction)) => None,
        // InnoDB treats RESTRICT and NO ACTION alike, and MariaDB reports RESTRICT for both.
        (Dialect::Mysql, Some(FkAction::Restrict)) => None,
        (_, other) => other,
    };
    ForeignKey {
        name: fitted(fk.name.as_deref(), dialect),
        columns: fk.columns.clone(),
        ref_schema: match dialect {
            Dialect::Sqlite => None,
            _ => scope_schema_keep_foreign(fk.ref_schema.as_deref(), dialect),
        },
        ref_table: fk.ref_table.clone(),
        ref_columns: fk.ref_columns.clone(),
        on_delete: action(fk.on_delete),
        on_update: action(fk.on_update),
        deferrable: match dialect {
            Dialect::Mysql => None,
            _ => fk.deferrable,
        },
    }
}

/// An index or constraint name as the database holds it ([`Dialect::fit_name`]): what
/// PostgreSQL truncates a longer name to, or what strata writes instead on MySQL.
fn fitted(name: Option<&str>, dialect: Dialect) -> Option<String> {
    name.map(|n| dialect.fit_name(n).into_owned())
}

/// A foreign key's target schema: on MySQL another database stays named.
fn scope_schema_keep_foreign(schema: Option<&str>, dialect: Dialect) -> Option<String> {
    match (dialect, schema) {
        (Dialect::Mysql, Some(s)) => Some(s.to_owned()),
        _ => scope_schema(schema, dialect),
    }
}

/// Where either side leaves an index, foreign key, unique constraint or check unnamed (the
/// database picks the name, or the tool that created it wrote none), forgets the name of its
/// structural counterpart on the other side, so that the two compare equal. Both schemas should
/// be canonical.
pub fn reconcile_names(left: &mut Schema, right: &mut Schema) {
    let positions: std::collections::HashMap<(Option<String>, String), usize> = right
        .tables
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.schema.clone(), r.name.clone()), i))
        .collect();
    for l in &mut left.tables {
        if let Some(r) = positions
            .get(&(l.schema.clone(), l.name.clone()))
            .and_then(|&i| right.tables.get_mut(i))
        {
            reconcile_tables(l, r);
        }
    }
}

/// [`reconcile_names`] for one pair of canonical tables of the same name.
pub fn reconcile_tables(l: &mut Table, r: &mut Table) {
    reconcile(&mut l.indexes, &mut r.indexes, |i| &mut i.name, same_index);
    reconcile(
        &mut l.foreign_keys,
        &mut r.foreign_keys,
        |f| &mut f.name,
        |a, b| {
            ForeignKey {
                name: None,
                ..a.clone()
            } == ForeignKey {
                name: None,
                ..b.clone()
            }
        },
    );
    reconcile(
        &mut l.checks,
        &mut r.checks,
        |c| &mut c.name,
        |a, b| a.expr == b.expr,
    );
    l.sort_parts();
    r.sort_parts();
}

/// Pairs each unnamed item of one list with a named structural twin in the other and clears the
/// twin's name.
fn reconcile<T>(
    left: &mut [T],
    right: &mut [T],
    name: impl Fn(&mut T) -> &mut Option<String>,
    same: impl Fn(&T, &T) -> bool,
) {
    forget_twins(left, right, &name, &same);
    forget_twins(right, left, &name, &same);
}

fn forget_twins<T>(
    unnamed: &mut [T],
    named: &mut [T],
    name: &impl Fn(&mut T) -> &mut Option<String>,
    same: &impl Fn(&T, &T) -> bool,
) {
    for item in unnamed.iter_mut() {
        if name(item).is_some() {
            continue;
        }
        let twin =
            (0..named.len()).find(|&j| name(&mut named[j]).is_some() && same(item, &named[j]));
        if let Some(j) = twin {
            *name(&mut named[j]) = None;
        }
    }
}

fn same_index(a: &Index, b: &Index) -> bool {
    Index {
        name: None,
        ..a.clone()
    } == Index {
        name: None,
        ..b.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{IndexPart, PrimaryKey};
    use crate::types::{DefaultValue, Literal, StringLen};

    fn users(schema: Option<&str>) -> Table {
        let mut t = Table::new(schema.map(str::to_owned), "users");
        let mut id = Column::new("id", ColumnType::int(4));
        id.auto_increment = true;
        id.nullable = true;
        let mut email = Column::new(
            "email",
            ColumnType::String {
                len: StringLen::N(40),
            },
        );
        email.default = Some(DefaultValue::Literal(Literal::String("x".into())));
        email.renamed_from = Some("mail".into());
        t.columns = vec![id, email];
        t.primary_key = Some(PrimaryKey {
            name: Some("pk-users".into()),
            columns: vec!["id".into()],
        });
        t.indexes.push(Index {
            unique: true,
            constraint: true,
            ..Index::on_columns(None, ["email"])
        });
        t
    }

    #[test]
    fn public_is_the_unnamed_schema_and_model_only_facts_are_erased() {
        let model = Schema {
            tables: vec![users(Some("public"))],
            enums: vec![],
            ..Schema::default()
        };
        let c = canonical(&model, Dialect::Postgres);
        let t = &c.tables[0];
        assert_eq!(t.schema, None);
        assert_eq!(t.primary_key.as_ref().unwrap().name, None);
        assert!(!t.columns[0].nullable, "primary key columns are NOT NULL");
        assert_eq!(t.columns[1].renamed_from, None);
        assert_eq!(canonical(&c, Dialect::Postgres), c, "idempotent");
    }

    #[test]
    fn database_names_are_forgotten_where_the_model_states_none() {
        let model = canonical(
            &Schema {
                tables: vec![users(None)],
                enums: vec![],
                ..Schema::default()
            },
            Dialect::Postgres,
        );
        let mut db = model.clone();
        db.tables[0].indexes[0].name = Some("users_email_key".into());
        db.tables[0].indexes.push(Index::on_columns(
            Some("idx-other".into()),
            [IndexPart::column("id").column_name().unwrap()],
        ));
        let mut model = model;
        reconcile_names(&mut model, &mut db);
        assert_eq!(db.tables[0].indexes[0].name, None);
        assert_eq!(db.tables[0].indexes[1].name.as_deref(), Some("idx-other"));
        // And the other way round: a name the database lacks is forgotten on the model side.
        let mut unnamed = db.clone();
        unnamed.tables[0].indexes[1].name = None;
        reconcile_names(&mut db, &mut unnamed);
        assert_eq!(
            db.tables[0]
                .indexes
                .iter()
                .filter(|i| i.name.is_none())
                .count(),
            2
        );
    }

    #[test]
    fn seaorms_renamed_from_marker_is_not_a_comment() {
        assert_eq!(strip_renamed_from_marker("renamed_from \"nick\""), "");
        assert_eq!(
            strip_renamed_from_marker("shown name; renamed_from \"nick\""),
            "shown name"
        );
        assert_eq!(
            strip_renamed_from_marker("renamed from nick"),
            "renamed from nick"
        );
    }

    #[test]
    fn long_names_are_what_the_database_holds() {
        let long = format!("idx-{}-{}", "t".repeat(28), "c".repeat(35));
        let mut t = users(None);
        t.indexes
            .push(Index::on_columns(Some(long.clone()), ["email"]));
        t.foreign_keys.push(ForeignKey {
            name: Some(format!("fk-{long}")),
            columns: vec!["id".into()],
            ref_schema: None,
            ref_table: "users".into(),
            ref_columns: vec!["id".into()],
            on_delete: None,
            on_update: None,
            deferrable: None,
        });
        for dialect in Dialect::ALL {
            let c = canonical_table(&t, dialect);
            let index = c.indexes[0].name.as_deref().unwrap();
            let fk = c.foreign_keys[0].name.as_deref().unwrap();
            match dialect {
                Dialect::Postgres => {
                    assert_eq!(index, &long[..63]);
                    assert_eq!(fk.len(), 63);
                }
                Dialect::Mysql => {
                    assert_eq!(index.chars().count(), 64);
                    assert_eq!(fk.chars().count(), 64);
                }
                Dialect::Sqlite => assert_eq!(index, long),
            }
            // What the database reports back canonicalises to itself.
            assert_eq!(canonical_table(&c, dialect), c, "{dialect}");
        }
    }

    #[test]
    fn sqlite_storage_classes() {
        let sqlite = |sql: &str| Dialect::Sqlite.parse_type(sql);
        for (a, b) in [
            ("TEXT", "varchar(40)"),
            ("varchar", "char(3)"),
            ("DATETIME", "timestamp_with_timezone_text"),
            ("timestamp", "datetime"),
            ("BLOB", "varbinary_blob(16)"),
            ("blob(16)", "blob"),
        ] {
            assert!(sqlite_same_storage(&sqlite(a), &sqlite(b)), "{a} ~ {b}");
        }
        for (a, b) in [
            ("TEXT", "BLOB"),
            ("TEXT", "datetime"),
            ("date", "datetime"),
            ("integer", "text"),
            ("json_text", "text"),
        ] {
            assert!(!sqlite_same_storage(&sqlite(a), &sqlite(b)), "{a} !~ {b}");
        }
        assert!(sqlite_same_storage(
            &ColumnType::String {
                len: StringLen::N(1)
            },
            &ColumnType::Text
        ));
    }
}
