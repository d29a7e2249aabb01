//! A stable, human-readable text dump of a [`Schema`], used by snapshot tests and `--verbose`
//! output. Unlike `Debug`, it is independent of field order and reads like a schema listing.

use std::fmt::{self, Write};

use crate::schema::{Column, ForeignKey, Index, IndexPart, Schema, Table};
use crate::types::{ColumnType, DefaultValue, Literal, StringLen};

/// Renders the schema as indented text, one object per line.
pub fn dump(schema: &Schema) -> String {
    let mut out = String::new();
    for e in &schema.enums {
        let values: Vec<String> = e.values.iter().map(|v| quoted(v)).collect();
        let _ = writeln!(
            out,
            "enum {}: {}",
            qualified(e.schema.as_deref(), &e.name),
            values.join(", ")
        );
    }
    for table in &schema.tables {
        dump_table(&mut out, table);
    }
    for object in &schema.objects {
        let uses = if object.references.is_empty() {
            String::new()
        } else {
            format!(" (uses {})", object.references.join(", "))
        };
        let _ = writeln!(
            out,
            "{} {} on {}{uses}: {}",
            object.kind.keyword().to_ascii_lowercase(),
            object.name,
            object.table,
            object.sql.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    out
}

fn dump_table(out: &mut String, table: &Table) {
    let _ = writeln!(out, "table {}", table.qualified_name());
    if table.without_rowid {
        let _ = writeln!(out, "  without rowid");
    }
    if table.strict {
        let _ = writeln!(out, "  strict");
    }
    if let Some(comment) = &table.comment {
        let _ = writeln!(out, "  comment {}", quoted(comment));
    }
    for column in &table.columns {
        let _ = writeln!(out, "  column {}", ColumnLine(column));
    }
    if let Some(pk) = &table.primary_key {
        let _ = writeln!(
            out,
            "  primary key{} ({})",
            name_suffix(&pk.name),
            pk.columns.join(", ")
        );
    }
    for index in &table.indexes {
        let _ = writeln!(out, "  {}", IndexLine(index));
    }
    for fk in &table.foreign_keys {
        let _ = writeln!(out, "  {}", FkLine(fk));
    }
    for check in &table.checks {
        let _ = writeln!(out, "  check{} ({})", name_suffix(&check.name), check.expr);
    }
}

fn name_suffix(name: &Option<String>) -> String {
    name.as_ref().map(|n| format!(" {n}")).unwrap_or_default()
}

fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) => format!("{s}.{name}"),
        None => name.to_owned(),
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

struct ColumnLine<'a>(&'a Column);

impl fmt::Display for ColumnLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        write!(f, "{} {}", c.name, c.ty)?;
        f.write_str(if c.nullable { " null" } else { " not null" })?;
        if c.auto_increment {
            f.write_str(" auto_increment")?;
        }
        match &c.default {
            Some(DefaultValue::Literal(l)) => write!(f, " default {}", LiteralText(l))?,
            Some(DefaultValue::Expr(e)) => write!(f, " default ({e})")?,
            Some(DefaultValue::Opaque(e)) => write!(f, " default opaque({e})")?,
            None => {}
        }
        if let Some(g) = &c.generated {
            let kind = if g.stored { "stored" } else { "virtual" };
            write!(f, " generated ({}) {kind}", g.expr)?;
        }
        if let Some(comment) = &c.comment {
            write!(f, " comment {}", quoted(comment))?;
        }
        if let Some(extra) = &c.extra {
            write!(f, " extra {}", quoted(extra))?;
        }
        if let Some(old) = &c.renamed_from {
            write!(f, " renamed_from {old}")?;
        }
        if let Some(collation) = &c.collation {
            write!(f, " collate {collation}")?;
        }
        if c.identity_always {
            f.write_str(" identity always")?;
        }
        Ok(())
    }
}

struct LiteralText<'a>(&'a Literal);

impl fmt::Display for LiteralText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) => f.write_str(x),
            Literal::String(s) => f.write_str(&quoted(s)),
        }
    }
}

struct IndexLine<'a>(&'a Index);

impl fmt::Display for IndexLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = self.0;
        let kind = match (i.unique, i.constraint) {
            (true, true) => "unique constraint",
            (true, false) => "unique index",
            (false, _) => "index",
        };
        let parts: Vec<String> = i
            .parts
            .iter()
            .map(|p| match p {
                IndexPart::Column { name, desc, prefix } => {
                    let mut s = name.clone();
                    if let Some(n) = prefix {
                        s.push_str(&format!("({n})"));
                    }
                    if *desc {
                        s.push_str(" desc");
                    }
                    s
                }
                IndexPart::Expr { sql } => format!("({sql})"),
            })
            .collect();
        write!(f, "{kind}{} ({})", name_suffix(&i.name), parts.join(", "))?;
        if let Some(method) = &i.method {
            write!(f, " using {method}")?;
        }
        if !i.include.is_empty() {
            write!(f, " include ({})", i.include.join(", "))?;
        }
        if let Some(predicate) = &i.predicate {
            write!(f, " where {predicate}")?;
        }
        if i.implicit {
            f.write_str(" implicit")?;
        }
        Ok(())
    }
}

struct FkLine<'a>(&'a ForeignKey);

impl fmt::Display for FkLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = self.0;
        write!(
            f,
            "foreign key{} ({}) -> {} ({})",
            name_suffix(&k.name),
            k.columns.join(", "),
            qualified(k.ref_schema.as_deref(), &k.ref_table),
            k.ref_columns.join(", ")
        )?;
        if let Some(a) = k.on_delete {
            write!(f, " on delete {}", a.sql().to_ascii_lowercase())?;
        }
        if let Some(a) = k.on_update {
            write!(f, " on update {}", a.sql().to_ascii_lowercase())?;
        }
        if let Some(d) = k.deferrable {
            write!(f, " {}", d.sql().to_ascii_lowercase())?;
        }
        Ok(())
    }
}

/// The dialect-neutral name of a type: `int32`, `uint64`, `string(255)`, `decimal(12, 2)`,
/// `enum public.mood('a', 'b')`, `array(int32)`.
impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn len(f: &mut fmt::Formatter<'_>, base: &str, len: &StringLen) -> fmt::Result {
            match len {
                StringLen::None => f.write_str(base),
                StringLen::N(n) => write!(f, "{base}({n})"),
                StringLen::Max => write!(f, "{base}(max)"),
            }
        }
        fn opt(f: &mut fmt::Formatter<'_>, base: &str, n: &Option<u32>) -> fmt::Result {
            match n {
                Some(n) => write!(f, "{base}({n})"),
                None => f.write_str(base),
            }
        }
        fn prec(f: &mut fmt::Formatter<'_>, base: &str, p: &Option<(u32, u32)>) -> fmt::Result {
            match p {
                Some((p, s)) => write!(f, "{base}({p}, {s})"),
                None => f.write_str(base),
            }
        }
        match self {
            ColumnType::Boolean => f.write_str("boolean"),
            ColumnType::Integer { bytes, unsigned } => {
                write!(
                    f,
                    "{}int{}",
                    if *unsigned { "u" } else { "" },
                    *bytes as u32 * 8
                )
            }
            ColumnType::Float => f.write_str("float"),
            ColumnType::Double => f.write_str("double"),
            ColumnType::Decimal { precision } => prec(f, "decimal", precision),
            ColumnType::Money { precision } => prec(f, "money", precision),
            ColumnType::String { len: l } => len(f, "string", l),
            ColumnType::Char { len } => opt(f, "char", len),
            ColumnType::Text => f.write_str("text"),
            ColumnType::Blob => f.write_str("blob"),
            ColumnType::Binary { len } => write!(f, "binary({len})"),
            ColumnType::VarBinary { len: l } => len(f, "varbinary", l),
            ColumnType::Bit { len } => opt(f, "bit", len),
            ColumnType::VarBit { len } => write!(f, "varbit({len})"),
            ColumnType::Date => f.write_str("date"),
            ColumnType::Time => f.write_str("time"),
            ColumnType::DateTime => f.write_str("datetime"),
            ColumnType::Timestamp => f.write_str("timestamp"),
            ColumnType::TimestampTz => f.write_str("timestamptz"),
            ColumnType::Interval { fields, precision } => {
                f.write_str("interval")?;
                if let Some(fields) = fields {
                    write!(f, " {fields}")?;
                }
                if let Some(p) = precision {
                    write!(f, "({p})")?;
                }
                Ok(())
            }
            ColumnType::Year => f.write_str("year"),
            ColumnType::Json => f.write_str("json"),
            ColumnType::JsonBinary => f.write_str("jsonb"),
            ColumnType::Uuid => f.write_str("uuid"),
            ColumnType::Inet => f.write_str("inet"),
            ColumnType::Cidr => f.write_str("cidr"),
            ColumnType::MacAddr => f.write_str("macaddr"),
            ColumnType::LTree => f.write_str("ltree"),
            ColumnType::Vector { dim } => opt(f, "vector", dim),
            ColumnType::Enum {
                schema,
                name,
                values,
            } => {
                let values: Vec<String> = values.iter().map(|v| quoted(v)).collect();
                write!(
                    f,
                    "enum {}({})",
                    qualified(schema.as_deref(), name),
                    values.join(", ")
                )
            }
            ColumnType::Array { of } => write!(f, "array({of})"),
            ColumnType::Custom { sql } => write!(f, "custom({sql})"),
        }
    }
}
