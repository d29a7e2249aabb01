//! The IO half of MySQL/MariaDB introspection: one `SELECT VERSION(), DATABASE()` and six
//! `information_schema` queries, each pinned to the current database with `TABLE_SCHEMA = ?`
//! and carrying the scope's ignore patterns as `NOT LIKE` conditions, so nothing out of scope is
//! read. Rows are decoded leniently (text as bytes, invalid UTF-8 replaced; integers cast to
//! `SIGNED` in SQL, since MySQL 8 and MariaDB give these columns different integer types).

use sqlx::mysql::MySqlRow;
use sqlx::{AssertSqlSafe, Row};
use strata_ir::Dialect;

use super::{Catalog, CheckRow, ColumnRow, FkColumnRow, FkRuleRow, Flavour, IndexRow, TableRow};
use crate::{IntrospectError, Scope};

pub(crate) async fn fetch(
    conn: &mut sqlx::MySqlConnection,
    scope: &Scope,
) -> Result<Catalog, IntrospectError> {
    let err = |what| IntrospectError::query(Dialect::Mysql, what);
    let row = sqlx::query("SELECT VERSION(), DATABASE()")
        .fetch_one(&mut *conn)
        .await
        .map_err(err("the server version"))?;
    let version = text(&row, 0).map_err(err("the server version"))?;
    let Some(database) = opt_text(&row, 1).map_err(err("the server version"))? else {
        return Err(err("the current database")(sqlx::Error::Configuration(
            "no database is selected: name one in the URL (mysql://host/database)".into(),
        )));
    };
    let flavour = Flavour::from_version(&version);
    let q = Queries::new(flavour, scope);

    let tables = run(conn, &q.tables, &database, &q.binds, "tables", |r| {
        Ok(TableRow {
            name: text(r, 0)?,
            collation: opt_text(r, 1)?,
            comment: text(r, 2)?,
        })
    })
    .await?;
    let columns = run(conn, &q.columns, &database, &q.binds, "columns", |r| {
        Ok(ColumnRow {
            table: text(r, 0)?,
            name: text(r, 1)?,
            position: int(r, 2)?.unwrap_or(0),
            column_type: text(r, 3)?,
            nullable: text(r, 4)? == "YES",
            default: opt_text(r, 5)?,
            extra: text(r, 6)?,
            generation_expression: opt_text(r, 7)?,
            collation: opt_text(r, 8)?,
            comment: text(r, 9)?,
        })
    })
    .await?;
    let indexes = run(conn, &q.indexes, &database, &q.binds, "indexes", |r| {
        Ok(IndexRow {
            table: text(r, 0)?,
            name: text(r, 1)?,
            non_unique: int(r, 2)?.unwrap_or(1) != 0,
            seq: int(r, 3)?.unwrap_or(0),
            column: opt_text(r, 4)?,
            expression: opt_text(r, 5)?,
            sub_part: int(r, 6)?,
            collation: opt_text(r, 7)?,
            index_type: text(r, 8)?,
        })
    })
    .await?;
    let fk_columns = run(
        conn,
        &q.fk_columns,
        &database,
        &q.binds,
        "foreign keys",
        |r| {
            Ok(FkColumnRow {
                table: text(r, 0)?,
                constraint: text(r, 1)?,
                position: int(r, 2)?.unwrap_or(0),
                column: text(r, 3)?,
                ref_schema: text(r, 4)?,
                ref_table: text(r, 5)?,
                ref_column: text(r, 6)?,
            })
        },
    )
    .await?;
    let fk_rules = run(
        conn,
        &q.fk_rules,
        &database,
        &q.binds,
        "foreign key actions",
        |r| {
            Ok(FkRuleRow {
                table: text(r, 0)?,
                constraint: text(r, 1)?,
                update_rule: text(r, 2)?,
                delete_rule: text(r, 3)?,
            })
        },
    )
    .await?;
    let checks = match &q.checks {
        Some(sql) => {
            run(conn, sql, &database, &q.binds, "check constraints", |r| {
                Ok(CheckRow {
                    table: text(r, 0)?,
                    name: text(r, 1)?,
                    clause: text(r, 2)?,
                })
            })
            .await?
        }
        None => Vec::new(),
    };
    Ok(Catalog {
        flavour,
        database,
        tables,
        columns,
        indexes,
        fk_columns,
        fk_rules,
        checks,
    })
}

/// Runs one query with the database name and then the ignore patterns bound.
async fn run<T>(
    conn: &mut sqlx::MySqlConnection,
    sql: &str,
    database: &str,
    binds: &[String],
    what: &'static str,
    decode: impl Fn(&MySqlRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, IntrospectError> {
    let mut query = sqlx::query(AssertSqlSafe(sql.to_owned())).bind(database.to_owned());
    for pattern in binds {
        query = query.bind(pattern.clone());
    }
    let rows = query
        .fetch_all(&mut *conn)
        .await
        .map_err(IntrospectError::query(Dialect::Mysql, what))?;
    rows.iter()
        .map(|r| decode(r).map_err(IntrospectError::query(Dialect::Mysql, what)))
        .collect()
}

/// The query texts for a flavour and scope. Every query takes the database name first, then one
/// bind per ignore pattern.
#[derive(Debug)]
struct Queries {
    tables: String,
    columns: String,
    indexes: String,
    fk_columns: String,
    fk_rules: String,
    /// `None` where the server has no `CHECK_CONSTRAINTS` (MySQL before 8.0.16).
    checks: Option<String>,
    binds: Vec<String>,
}

impl Queries {
    fn new(flavour: Flavour, scope: &Scope) -> Queries {
        let patterns = scope.ignore_like();
        let ignore =
            |schema_col: &str, table_col: &str| ignore_conditions(&patterns, schema_col, table_col);
        let binds = patterns
            .iter()
            .map(|(like, _)| bang_escaped(like))
            .collect();

        let tables = format!(
            "SELECT TABLE_NAME, TABLE_COLLATION, TABLE_COMMENT \
             FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'{}",
            ignore("TABLE_SCHEMA", "TABLE_NAME")
        );
        let columns = format!(
            "SELECT TABLE_NAME, COLUMN_NAME, CAST(ORDINAL_POSITION AS SIGNED), COLUMN_TYPE, \
             IS_NULLABLE, COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, COLLATION_NAME, \
             COLUMN_COMMENT \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?{}",
            ignore("TABLE_SCHEMA", "TABLE_NAME")
        );
        // MySQL 8 (manual): functional key parts (8.0.13+) have a null COLUMN_NAME and their
        // text in EXPRESSION, which MariaDB's STATISTICS does not have.
        let expression = if flavour.mysql_at_least((8, 0, 13)) {
            "EXPRESSION"
        } else {
            "NULL"
        };
        let indexes = format!(
            "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS SIGNED), \
             CAST(SEQ_IN_INDEX AS SIGNED), COLUMN_NAME, {expression}, \
             CAST(SUB_PART AS SIGNED), COLLATION, INDEX_TYPE \
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?{}",
            ignore("TABLE_SCHEMA", "TABLE_NAME")
        );
        let fk_columns = format!(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, CAST(ORDINAL_POSITION AS SIGNED), COLUMN_NAME, \
             REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME \
             FROM information_schema.KEY_COLUMN_USAGE \
             WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL{}",
            ignore("TABLE_SCHEMA", "TABLE_NAME")
        );
        let fk_rules = format!(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE \
             FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?{}",
            ignore("CONSTRAINT_SCHEMA", "TABLE_NAME")
        );
        let checks = match flavour {
            // MariaDB 10.11: CHECK_CONSTRAINTS names the table itself (and the LEVEL, Column or
            // Table, which the model does not keep).
            Flavour::MariaDb => Some(format!(
                "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE \
                 FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?{}",
                ignore("CONSTRAINT_SCHEMA", "TABLE_NAME")
            )),
            // MySQL 8 (manual): CHECK_CONSTRAINTS (8.0.16+) has no table; TABLE_CONSTRAINTS
            // rows of type CHECK do, and check names are unique within a database.
            Flavour::Mysql(_) if flavour.mysql_at_least((8, 0, 16)) => Some(format!(
                "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE \
                 FROM information_schema.CHECK_CONSTRAINTS cc \
                 JOIN information_schema.TABLE_CONSTRAINTS tc \
                 ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA \
                 AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME \
                 AND tc.CONSTRAINT_TYPE = 'CHECK' \
                 WHERE cc.CONSTRAINT_SCHEMA = ?{}",
                ignore("tc.TABLE_SCHEMA", "tc.TABLE_NAME")
            )),
            Flavour::Mysql(_) => None,
        };
        Queries {
            tables,
            columns,
            indexes,
            fk_columns,
            fk_rules,
            checks,
            binds,
        }
    }
}

/// ` AND name NOT LIKE ? ESCAPE '!'` per pattern (`schema.name` for dotted patterns). Names
/// compare case-sensitively and character by character (the globs are case-sensitive), whatever
/// the collation of `information_schema` (MariaDB's is case-insensitive). The escape character
/// is `!` rather than `\`, whose meaning in a string literal depends on the server's SQL mode.
fn ignore_conditions(patterns: &[(String, bool)], schema_col: &str, table_col: &str) -> String {
    let mut out = String::new();
    for (_, dotted) in patterns {
        let subject = if *dotted {
            format!("CONCAT({schema_col}, '.', {table_col})")
        } else {
            table_col.to_owned()
        };
        out.push_str(&format!(
            " AND CONVERT({subject} USING utf8mb4) COLLATE utf8mb4_bin NOT LIKE ? ESCAPE '!'"
        ));
    }
    out
}

/// A `LIKE` pattern escaped with `\` (as [`Scope::ignore_like`] writes it) re-escaped with `!`.
fn bang_escaped(like: &str) -> String {
    let mut out = String::with_capacity(like.len());
    let mut chars = like.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push('!');
                out.push(chars.next().unwrap_or('\\'));
            }
            '!' => out.push_str("!!"),
            other => out.push(other),
        }
    }
    out
}

fn opt_text(row: &MySqlRow, i: usize) -> Result<Option<String>, sqlx::Error> {
    let bytes: Option<Vec<u8>> = row.try_get(i)?;
    Ok(bytes.map(|b| match String::from_utf8(b) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }))
}

fn text(row: &MySqlRow, i: usize) -> Result<String, sqlx::Error> {
    Ok(opt_text(row, i)?.unwrap_or_default())
}

fn int(row: &MySqlRow, i: usize) -> Result<Option<i64>, sqlx::Error> {
    row.try_get(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_reescaped_with_bang() {
        assert_eq!(bang_escaped(r"tmp\_%"), "tmp!_%");
        assert_eq!(bang_escaped(r"a\\b!c"), r"a!\b!!c");
        assert_eq!(bang_escaped("x%"), "x%");
    }

    #[test]
    fn flavour_comes_from_the_version_string() {
        assert_eq!(
            Flavour::from_version("10.11.19-MariaDB-0+deb12u1"),
            Flavour::MariaDb
        );
        assert_eq!(Flavour::from_version("8.0.36"), Flavour::Mysql((8, 0, 36)));
        assert_eq!(
            Flavour::from_version("8.4.0-commercial"),
            Flavour::Mysql((8, 4, 0))
        );
        assert!(Flavour::Mysql((8, 0, 16)).mysql_at_least((8, 0, 16)));
        assert!(!Flavour::Mysql((8, 0, 15)).mysql_at_least((8, 0, 16)));
        assert!(!Flavour::MariaDb.mysql_at_least((8, 0, 0)));
    }

    #[test]
    fn every_query_carries_every_ignore_pattern() {
        let scope = Scope {
            schemas: vec![],
            ignore: vec!["tmp_*".into(), "app.log".into()],
        };
        for flavour in [Flavour::MariaDb, Flavour::Mysql((8, 0, 36))] {
            let q = Queries::new(flavour, &scope);
            assert_eq!(q.binds, vec!["tmp!_%".to_owned(), "app.log".to_owned()]);
            let checks = q.checks.clone().unwrap_or_default();
            for sql in [
                &q.tables,
                &q.columns,
                &q.indexes,
                &q.fk_columns,
                &q.fk_rules,
                &checks,
            ] {
                assert_eq!(sql.matches('?').count(), 3, "{sql}");
                assert_eq!(sql.matches("CONCAT(").count(), 1, "{sql}");
            }
        }
        assert!(
            Queries::new(Flavour::Mysql((8, 0, 15)), &scope)
                .checks
                .is_none()
        );
    }

    /// The patterns filter inside the queries: no row of an ignored table reaches lowering.
    #[tokio::test]
    async fn ignored_tables_are_not_fetched() {
        use sqlx::Connection;
        let Some(db) = strata_testkit::TestDb::create(Dialect::Mysql).await else {
            return;
        };
        db.execute(
            "CREATE TABLE keep_me (id int PRIMARY KEY, n int CHECK (n > 0));
             CREATE TABLE tmp_x (id int PRIMARY KEY, k int, KEY tmp_idx (k),
               CONSTRAINT tmp_x_k FOREIGN KEY (k) REFERENCES keep_me (id), CHECK (k > 0));
             CREATE TABLE Other (id int PRIMARY KEY, k int,
               CONSTRAINT other_k FOREIGN KEY (k) REFERENCES keep_me (id), CHECK (k > 0));",
        )
        .await;
        let scope = Scope {
            schemas: vec![],
            ignore: vec!["tmp_*".into(), format!("{}.Other", db.name)],
        };
        let catalog = async {
            let mut conn = sqlx::MySqlConnection::connect(&db.url)
                .await
                .map_err(|e| e.to_string())?;
            fetch(&mut conn, &scope).await.map_err(|e| e.to_string())
        }
        .await;
        db.drop().await;
        let c = catalog.expect("fetch");
        assert_eq!(c.flavour, Flavour::MariaDb, "these tests run on MariaDB");
        let tables: Vec<&str> = c
            .tables
            .iter()
            .map(|r| r.name.as_str())
            .chain(c.columns.iter().map(|r| r.table.as_str()))
            .chain(c.indexes.iter().map(|r| r.table.as_str()))
            .chain(c.fk_columns.iter().map(|r| r.table.as_str()))
            .chain(c.fk_rules.iter().map(|r| r.table.as_str()))
            .chain(c.checks.iter().map(|r| r.table.as_str()))
            .collect();
        assert!(tables.iter().all(|t| *t == "keep_me"), "{tables:?}");
        assert_eq!(c.checks.len(), 1);
        assert_eq!(c.columns.len(), 2);
    }
}
