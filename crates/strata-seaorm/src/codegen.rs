//! Changes → the statements of a migration's `up` or `down`: sea-query builders run through
//! `SchemaManager` where the change is portable and strata's own SQL is a single statement of
//! the same kind, `execute_unprepared` with strata's SQL for the configured database otherwise.
//!
//! The builder path is chosen per change, conservatively: anything sea-query renders wrongly or
//! not at all (PostgreSQL comments, enum names that need quoting, `money(p, s)`, generated or
//! collated columns, partial or expression indexes, SQLite alterations beyond add, drop and
//! rename column) goes through strata's SQL, which is tested on every server.

use proc_macro2::TokenStream;
use quote::quote;
use strata_diff::{Change, TableRef};
use strata_emit::Warning;
use strata_ir::{
    Column, ColumnType, DefaultValue, Dialect, FkAction, ForeignKey, Index, IndexPart, Literal,
    Schema, StringLen, Table,
};

use crate::SeaOrmError;

/// Whether every name and text of `change` is safe for sea-query's builders. sea-query 1.0
/// escapes a MySQL enum value or comment's `'` as `\'` but leaves its backslashes alone, so a
/// value ending in `\` ends the literal early (found by the `hostile_text` case); such changes
/// go through strata's own SQL, whose escaping is tested on every server.
fn plain_text(change: &Change) -> bool {
    fn plain(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) => !s
                .chars()
                .any(|c| matches!(c, '\'' | '\\' | '"' | '`') || c.is_control()),
            serde_json::Value::Array(items) => items.iter().all(plain),
            serde_json::Value::Object(map) => map.values().all(plain),
            _ => true,
        }
    }
    serde_json::to_value(change).is_ok_and(|v| plain(&v))
}

/// One step of a migration body.
pub(crate) enum Step {
    /// `manager.<call>(...).await?;` statements.
    Builder(TokenStream),
    /// Statements of strata's SQL for the configured database.
    Sql(Vec<String>),
}

/// A step with the warning strata's SQL gives it (drops, narrowing, ...).
pub(crate) struct Planned {
    pub step: Step,
    pub warning: Option<Warning>,
    pub summary: String,
}

/// The body of `up` (or `down`): `changes` run against `before`.
pub(crate) fn plan(
    changes: &[Change],
    before: &Schema,
    dialect: Dialect,
) -> Result<(Vec<Planned>, bool), SeaOrmError> {
    let mut state = before.clone();
    let mut out = Vec::new();
    let whole = strata_emit::render(changes, before, dialect)?;
    if dialect == Dialect::Sqlite && rebuilds(&whole) {
        // SQLite rebuilds a table once per migration, taking all of its changes: the changes
        // are listed (with their warnings) and the migration's SQL follows as one step.
        for (i, change) in changes.iter().enumerate() {
            let last = i + 1 == changes.len();
            let script = strata_emit::render(std::slice::from_ref(change), &state, dialect)?;
            out.push(Planned {
                step: Step::Sql(if last {
                    whole.statements.iter().map(|s| s.sql.clone()).collect()
                } else {
                    Vec::new()
                }),
                warning: script.warnings().next().cloned(),
                summary: change.to_string(),
            });
            strata_diff::apply(&mut state, change);
        }
        return Ok((out, whole.transactional));
    }
    for change in changes {
        let script = strata_emit::render(std::slice::from_ref(change), &state, dialect)?;
        let sql: Vec<String> = script.statements.iter().map(|s| s.sql.clone()).collect();
        let builder = plain_text(change)
            .then(|| builder(change, &state, dialect, sql.len()))
            .flatten();
        let step = match builder {
            Some(tokens) => Step::Builder(tokens),
            None => Step::Sql(sql),
        };
        out.push(Planned {
            step,
            warning: script.warnings().next().cloned(),
            summary: change.to_string(),
        });
        strata_diff::apply(&mut state, change);
    }
    Ok((out, whole.transactional))
}

/// Whether a SQLite script rebuilds a table (it then turns foreign-key enforcement off first).
fn rebuilds(script: &strata_emit::Script) -> bool {
    script
        .statements
        .first()
        .is_some_and(|s| s.sql == "PRAGMA foreign_keys = OFF;")
}

fn lit(s: &str) -> proc_macro2::Literal {
    proc_macro2::Literal::string(s)
}

/// A table as sea-query takes it; `None` for schema-qualified tables, which go through SQL.
fn table_name(schema: &Option<String>, name: &str) -> Option<TokenStream> {
    match schema {
        None => {
            let name = lit(name);
            Some(quote!(#name))
        }
        Some(_) => None,
    }
}

fn table_ref(t: &TableRef) -> Option<TokenStream> {
    table_name(&t.schema, &t.name)
}

/// The builder statements for `change`, if it has a portable form.
fn builder(
    change: &Change,
    state: &Schema,
    dialect: Dialect,
    statements: usize,
) -> Option<TokenStream> {
    let single = statements == 1;
    match change {
        Change::CreateTable { table } => create_table(table, dialect),
        Change::DropTable { table } if single => {
            let t = table_name(&table.schema, &table.name)?;
            Some(quote!(manager.drop_table(Table::drop().table(#t).to_owned()).await?;))
        }
        // An auto-increment column is added plain on MySQL and keyed later: strata's SQL.
        Change::AddColumn { table, column } if single && !column.auto_increment => {
            let t = table_ref(table)?;
            let def = column_def(column, dialect, false)?;
            Some(
                quote!(manager.alter_table(Table::alter().table(#t).add_column(#def).to_owned()).await?;),
            )
        }
        Change::DropColumn { table, column } if single => {
            let t = table_ref(table)?;
            let c = lit(&column.name);
            Some(
                quote!(manager.alter_table(Table::alter().table(#t).drop_column(#c).to_owned()).await?;),
            )
        }
        Change::RenameColumn { table, from, to } if single => {
            let t = table_ref(table)?;
            let (from, to) = (lit(from), lit(to));
            Some(
                quote!(manager.alter_table(Table::alter().table(#t).rename_column(#from, #to).to_owned()).await?;),
            )
        }
        Change::AddIndex { table, index } if single && index_portable(index, dialect) => {
            let t = table_ref(table)?;
            create_index(&t, index)
        }
        Change::DropIndex { table, index } if single && index_portable(index, dialect) => {
            let t = table_ref(table)?;
            let name = lit(index.name.as_deref()?);
            Some(quote!(manager.drop_index(Index::drop().name(#name).table(#t).to_owned()).await?;))
        }
        Change::AddForeignKey {
            table,
            foreign_key: fk,
        } if single && dialect != Dialect::Sqlite => {
            let t = table_ref(table)?;
            let fk = foreign_key(&t, fk)?;
            Some(quote!(manager.create_foreign_key(#fk.to_owned()).await?;))
        }
        Change::DropForeignKey {
            table,
            foreign_key: fk,
        } if single && dialect != Dialect::Sqlite => {
            let t = table_ref(table)?;
            let name = lit(fk.name.as_deref()?);
            Some(
                quote!(manager.drop_foreign_key(ForeignKey::drop().name(#name).table(#t).to_owned()).await?;),
            )
        }
        Change::CreateEnum { enum_type }
            if dialect == Dialect::Postgres && enum_type.schema.is_none() =>
        {
            let name = lit(&enum_type.name);
            let values = enum_type.values.iter().map(|v| lit(v));
            Some(
                quote!(manager.create_type(Type::create().as_enum(#name).values([#(#values),*]).to_owned()).await?;),
            )
        }
        Change::DropEnum { enum_type }
            if dialect == Dialect::Postgres && enum_type.schema.is_none() =>
        {
            let name = lit(&enum_type.name);
            Some(quote!(manager.drop_type(Type::drop().name(#name).to_owned()).await?;))
        }
        Change::AlterEnum { from, to } if dialect == Dialect::Postgres && to.schema.is_none() => {
            // Labels only added, in order: one `ADD VALUE [BEFORE]` each.
            let kept: Vec<&String> = to
                .values
                .iter()
                .filter(|v| from.values.contains(v))
                .collect();
            if !kept.iter().copied().eq(from.values.iter()) {
                return None;
            }
            let name = lit(&to.name);
            let mut calls = Vec::new();
            for (i, value) in to.values.iter().enumerate() {
                if from.values.contains(value) {
                    continue;
                }
                let v = lit(value);
                let before = to.values[i + 1..].iter().find(|n| from.values.contains(n));
                calls.push(match before {
                    Some(next) => {
                        let next = lit(next);
                        quote!(manager.alter_type(Type::alter().name(#name).add_value(#v).before(#next).to_owned()).await?;)
                    }
                    None => quote!(manager.alter_type(Type::alter().name(#name).add_value(#v).to_owned()).await?;),
                });
            }
            let _ = state;
            Some(quote!(#(#calls)*))
        }
        _ => None,
    }
}

/// Whether a column's definition survives sea-query unchanged on `dialect`.
fn column_portable(c: &Column, dialect: Dialect) -> bool {
    c.generated.is_none()
        && c.extra.is_none()
        && c.collation.is_none()
        && !c.identity_always
        && !matches!(c.default, Some(DefaultValue::Opaque(_)))
        && (c.comment.is_none() || dialect != Dialect::Postgres)
        && column_type(&c.ty, dialect).is_some()
}

fn create_table(table: &Table, dialect: Dialect) -> Option<TokenStream> {
    let t = table_name(&table.schema, &table.name)?;
    if table.comment.is_some() && dialect == Dialect::Postgres || !table.checks.is_empty() {
        return None;
    }
    let pk_columns: &[String] = table.primary_key.as_ref().map_or(&[], |pk| &pk.columns);
    let single_pk = pk_columns.len() == 1;
    let mut parts = Vec::new();
    for column in &table.columns {
        if !column_portable(column, dialect) {
            return None;
        }
        let inline_pk = single_pk && pk_columns[0] == column.name;
        parts.push(column_def(column, dialect, inline_pk)?);
    }
    let mut body = quote!(Table::create().table(#t) #(.col(#parts))*);
    if pk_columns.len() > 1 {
        let cols = pk_columns.iter().map(|c| lit(c));
        body = quote!(#body.primary_key(Index::create() #(.col(#cols))*));
    }
    let mut after = Vec::new();
    for index in &table.indexes {
        if !index_portable(index, dialect) {
            return None;
        }
        if index.unique {
            let name = lit(index.name.as_deref()?);
            let cols = index_columns(index)?;
            body = quote!(#body.index(Index::create().name(#name) #(.col(#cols))* .unique()));
        } else {
            after.push(create_index(&t, index)?);
        }
    }
    for fk in &table.foreign_keys {
        // Inline only where the differ keeps them inline (SQLite); elsewhere they are changes of
        // their own, after every table exists.
        if fk.deferrable.is_some() {
            return None;
        }
        let fk = foreign_key(&t, fk)?;
        body = quote!(#body.foreign_key(#fk));
    }
    if let Some(comment) = &table.comment {
        let comment = lit(comment);
        body = quote!(#body.comment(#comment));
    }
    Some(quote! {
        manager.create_table(#body.to_owned()).await?;
        #(#after)*
    })
}

fn index_portable(index: &Index, dialect: Dialect) -> bool {
    index.name.is_some()
        && index.predicate.is_none()
        && index.include.is_empty()
        && index.method.is_none()
        && !index.implicit
        // A unique *constraint* is dropped with ALTER TABLE on PostgreSQL and needs a rebuild
        // on SQLite; only MySQL treats it as an index.
        && (!index.constraint || dialect == Dialect::Mysql)
        && index_columns(index).is_some()
}

/// The plain columns of an index, or `None` when a part has an order, a prefix or an
/// expression.
fn index_columns(index: &Index) -> Option<Vec<proc_macro2::Literal>> {
    index
        .parts
        .iter()
        .map(|part| match part {
            IndexPart::Column {
                name,
                desc: false,
                prefix: None,
            } => Some(lit(name)),
            _ => None,
        })
        .collect()
}

fn create_index(t: &TokenStream, index: &Index) -> Option<TokenStream> {
    let name = lit(index.name.as_deref()?);
    let cols = index_columns(index)?;
    let unique = index.unique.then(|| quote!(.unique()));
    Some(
        quote!(manager.create_index(Index::create().name(#name).table(#t) #(.col(#cols))* #unique .to_owned()).await?;),
    )
}

fn action(a: FkAction) -> TokenStream {
    match a {
        FkAction::NoAction => quote!(ForeignKeyAction::NoAction),
        FkAction::Restrict => quote!(ForeignKeyAction::Restrict),
        FkAction::Cascade => quote!(ForeignKeyAction::Cascade),
        FkAction::SetNull => quote!(ForeignKeyAction::SetNull),
        FkAction::SetDefault => quote!(ForeignKeyAction::SetDefault),
    }
}

fn foreign_key(t: &TokenStream, fk: &ForeignKey) -> Option<TokenStream> {
    if fk.ref_schema.is_some() || fk.deferrable.is_some() {
        return None;
    }
    let name = lit(fk.name.as_deref()?);
    let from = fk.columns.iter().map(|c| lit(c));
    let to_table = lit(&fk.ref_table);
    let to = fk.ref_columns.iter().map(|c| lit(c));
    let on_delete = fk.on_delete.map(|a| {
        let a = action(a);
        quote!(.on_delete(#a))
    });
    let on_update = fk.on_update.map(|a| {
        let a = action(a);
        quote!(.on_update(#a))
    });
    Some(
        quote!(ForeignKey::create().name(#name).from_tbl(#t) #(.from_col(#from))* .to_tbl(#to_table) #(.to_col(#to))* #on_delete #on_update),
    )
}

/// `ColumnDef::new_with_type(...)` with nullability, auto-increment, default and comment.
fn column_def(c: &Column, dialect: Dialect, primary_key: bool) -> Option<TokenStream> {
    if !column_portable(c, dialect) {
        return None;
    }
    let name = lit(&c.name);
    let ty = column_type(&c.ty, dialect)?;
    let null = if c.nullable {
        quote!(.null())
    } else {
        quote!(.not_null())
    };
    let auto = c.auto_increment.then(|| quote!(.auto_increment()));
    let pk = primary_key.then(|| quote!(.primary_key()));
    let default = match &c.default {
        None | Some(DefaultValue::Literal(Literal::Null)) => None,
        Some(DefaultValue::Literal(Literal::Bool(b))) => Some(quote!(.default(#b))),
        Some(DefaultValue::Literal(Literal::Int(i))) => {
            let i = i64::try_from(*i).ok()?;
            Some(quote!(.default(#i)))
        }
        Some(DefaultValue::Literal(Literal::Float(f))) => {
            let f = lit(f);
            Some(quote!(.default(Expr::cust(#f))))
        }
        Some(DefaultValue::Literal(Literal::String(s))) => {
            let s = lit(s);
            Some(quote!(.default(#s)))
        }
        Some(DefaultValue::Expr(sql)) => {
            let sql = lit(sql);
            Some(quote!(.default(Expr::cust(#sql))))
        }
        Some(DefaultValue::Opaque(_)) => return None,
    };
    let comment = c.comment.as_deref().map(|text| {
        let text = lit(text);
        quote!(.comment(#text))
    });
    Some(quote!(ColumnDef::new_with_type(#name, #ty) #null #auto #pk #default #comment))
}

fn string_len(len: StringLen) -> TokenStream {
    match len {
        StringLen::None => quote!(StringLen::None),
        StringLen::N(n) => quote!(StringLen::N(#n)),
        StringLen::Max => quote!(StringLen::Max),
    }
}

fn precision(p: Option<(u32, u32)>) -> TokenStream {
    match p {
        Some((a, b)) => quote!(Some((#a, #b))),
        None => quote!(None),
    }
}

fn opt_u32(v: Option<u32>) -> TokenStream {
    match v {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    }
}

/// The sea-query `ColumnType` for `ty`, or `None` where sea-query would spell it wrongly on
/// `dialect`.
fn column_type(ty: &ColumnType, dialect: Dialect) -> Option<TokenStream> {
    Some(match ty {
        ColumnType::Boolean => quote!(ColumnType::Boolean),
        ColumnType::Integer { bytes, unsigned } => match (bytes, unsigned) {
            (1, false) => quote!(ColumnType::TinyInteger),
            (2, false) => quote!(ColumnType::SmallInteger),
            (4, false) => quote!(ColumnType::Integer),
            (8, false) => quote!(ColumnType::BigInteger),
            (1, true) => quote!(ColumnType::TinyUnsigned),
            (2, true) => quote!(ColumnType::SmallUnsigned),
            (4, true) => quote!(ColumnType::Unsigned),
            (8, true) => quote!(ColumnType::BigUnsigned),
            _ => return None,
        },
        ColumnType::Float => quote!(ColumnType::Float),
        ColumnType::Double => quote!(ColumnType::Double),
        ColumnType::Decimal { precision: p } => {
            let p = precision(*p);
            quote!(ColumnType::Decimal(#p))
        }
        // sea-query writes `money(p, s)`, which PostgreSQL refuses.
        ColumnType::Money { precision: None } => quote!(ColumnType::Money(None)),
        ColumnType::Money { .. } => return None,
        ColumnType::String { len } => {
            let len = string_len(*len);
            quote!(ColumnType::String(#len))
        }
        ColumnType::Char { len } => {
            let len = opt_u32(*len);
            quote!(ColumnType::Char(#len))
        }
        ColumnType::Text => quote!(ColumnType::Text),
        ColumnType::Blob => quote!(ColumnType::Blob),
        ColumnType::Binary { len } => quote!(ColumnType::Binary(#len)),
        ColumnType::VarBinary { len } => {
            let len = string_len(*len);
            quote!(ColumnType::VarBinary(#len))
        }
        ColumnType::Bit { len } => {
            let len = opt_u32(*len);
            quote!(ColumnType::Bit(#len))
        }
        ColumnType::VarBit { len } => quote!(ColumnType::VarBit(#len)),
        ColumnType::Date => quote!(ColumnType::Date),
        ColumnType::Time => quote!(ColumnType::Time),
        ColumnType::DateTime => quote!(ColumnType::DateTime),
        ColumnType::Timestamp => quote!(ColumnType::Timestamp),
        ColumnType::TimestampTz => quote!(ColumnType::TimestampWithTimeZone),
        ColumnType::Interval {
            fields: None,
            precision: p,
        } => {
            let p = opt_u32(*p);
            quote!(ColumnType::Interval(None, #p))
        }
        ColumnType::Interval { .. } => return None,
        ColumnType::Year => quote!(ColumnType::Year),
        ColumnType::Json => quote!(ColumnType::Json),
        ColumnType::JsonBinary => quote!(ColumnType::JsonBinary),
        ColumnType::Uuid => quote!(ColumnType::Uuid),
        ColumnType::Inet => quote!(ColumnType::Inet),
        ColumnType::Cidr => quote!(ColumnType::Cidr),
        ColumnType::MacAddr => quote!(ColumnType::MacAddr),
        ColumnType::LTree => quote!(ColumnType::LTree),
        ColumnType::Vector { dim } => {
            let dim = opt_u32(*dim);
            quote!(ColumnType::Vector(#dim))
        }
        ColumnType::Enum {
            schema,
            name,
            values,
        } => {
            // sea-query writes PostgreSQL enum names unquoted: only plain lowercase names survive.
            let plain = name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if schema.is_some() || (dialect == Dialect::Postgres && !plain) {
                return None;
            }
            let name = lit(name);
            let values = values.iter().map(|v| lit(v));
            quote!(ColumnType::Enum { name: #name.into(), variants: vec![#(#values.into()),*] })
        }
        ColumnType::Array { of } => {
            let of = column_type(of, dialect)?;
            quote!(ColumnType::Array(RcOrArc::new(#of)))
        }
        ColumnType::Custom { sql } => {
            let sql = lit(sql);
            quote!(ColumnType::Custom(#sql.into()))
        }
    })
}
