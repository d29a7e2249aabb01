//! PostgreSQL type spelling, and reading back what the catalog reports.
//!
//! `spell` writes what sea-query writes for SeaORM. `parse` reads `format_type` output
//! (`character varying(20)`, `timestamp(3) with time zone`, `integer[]`) and strata's own
//! spellings (`varchar(20)`, `bool`, `decimal(10, 2)`), mapping each to the variant of what
//! PostgreSQL stores for it, so that `parse(spell(t))` is what introspection reads back:
//!
//! - `timestamp` and `timestamp without time zone` are [`ColumnType::DateTime`] (SeaORM's
//!   `DateTime`; `Timestamp` is stored as the same type); `bytea` is [`ColumnType::Blob`];
//!   `smallint` is `Integer{2}` (also what `Integer{1}` is stored as); `char` is `character(1)`,
//!   `bit` is `bit(1)`.
//! - Types strata does not model are [`ColumnType::Custom`] holding PostgreSQL's own spelling
//!   where it is known (`timestamp(3) without time zone`, `time with time zone`, `bit varying`
//!   without a length, `bpchar` without one), else the text as given.
//! - Enum types are not recognised from a name; introspection resolves them from the catalog.
//!
//! `parse_default` reads `pg_get_expr` output: literals lose the casts PostgreSQL adds
//! (`'x'::character varying`, `'-1'::integer`, `'a'::"Status Kind"`, `'{}'::integer[]`) and are
//! typed by the column type; expressions keep their text, minus redundant outer parentheses, with
//! the `CURRENT_TIMESTAMP` family spelled in upper case and `now()` read as `CURRENT_TIMESTAMP`.

use super::spelling::{Spelling, fold, unquote};
use super::{Dialect, precision_suffix, strip_outer_parens};
use crate::types::{ColumnType, DefaultValue, Literal, StringLen};

pub(super) fn spell(ty: &ColumnType) -> Option<String> {
    Some(match ty {
        ColumnType::Boolean => "bool".into(),
        ColumnType::Integer { bytes, unsigned } => match (bytes, unsigned) {
            (1 | 2, false) | (1, true) => "smallint",
            (4, false) | (2, true) => "integer",
            _ => "bigint",
        }
        .into(),
        ColumnType::Float => "real".into(),
        ColumnType::Double => "double precision".into(),
        ColumnType::Decimal { precision } => format!("decimal{}", precision_suffix(*precision)),
        // PostgreSQL's money takes no modifier (sea-query writes `money(p, s)`, which fails).
        ColumnType::Money { .. } => "money".into(),
        ColumnType::String { len } => match len {
            StringLen::N(n) => format!("varchar({n})"),
            StringLen::None | StringLen::Max => "varchar".into(),
        },
        ColumnType::Char { len } => match len {
            Some(n) => format!("char({n})"),
            None => "char".into(),
        },
        ColumnType::Text => "text".into(),
        ColumnType::Blob | ColumnType::Binary { .. } | ColumnType::VarBinary { .. } => {
            "bytea".into()
        }
        ColumnType::Bit { len } => match len {
            Some(n) => format!("bit({n})"),
            None => "bit".into(),
        },
        ColumnType::VarBit { len } => format!("varbit({len})"),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::DateTime => "timestamp without time zone".into(),
        ColumnType::Timestamp => "timestamp".into(),
        ColumnType::TimestampTz => "timestamp with time zone".into(),
        ColumnType::Interval { fields, precision } => {
            let mut out = String::from("interval");
            if let Some(fields) = fields {
                out.push(' ');
                out.push_str(fields);
            }
            if let Some(p) = precision {
                out.push_str(&format!("({p})"));
            }
            out
        }
        ColumnType::Year => return None,
        ColumnType::Json => "json".into(),
        ColumnType::JsonBinary => "jsonb".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Inet => "inet".into(),
        ColumnType::Cidr => "cidr".into(),
        ColumnType::MacAddr => "macaddr".into(),
        ColumnType::LTree => "ltree".into(),
        ColumnType::Vector { dim } => match dim {
            Some(n) => format!("vector({n})"),
            None => "vector".into(),
        },
        ColumnType::Enum { schema, name, .. } => {
            Dialect::Postgres.quote_qualified(schema.as_deref(), name)
        }
        ColumnType::Array { of } => format!("{}[]", spell(of)?),
        ColumnType::Custom { sql } => sql.clone(),
    })
}

/// Reads a native spelling back; see [`Dialect::parse_type`].
pub(super) fn parse(sql: &str) -> ColumnType {
    let sql = sql.trim();
    if let Some(element) = array_element(sql) {
        return ColumnType::Array {
            of: Box::new(parse(element)),
        };
    }
    parse_scalar(sql).unwrap_or_else(|| ColumnType::custom(sql))
}

/// `integer[]` and `integer[3]` → `integer` (declared dimensions are not kept by PostgreSQL).
fn array_element(sql: &str) -> Option<&str> {
    let body = sql.strip_suffix(']')?;
    let open = body.rfind('[')?;
    if !body[open + 1..].trim().bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let element = body[..open].trim_end();
    (!element.is_empty()).then_some(element)
}

/// Interval field restrictions PostgreSQL accepts (`interval day to second`).
const INTERVAL_FIELDS: &[&str] = &[
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "year to month",
    "day to hour",
    "day to minute",
    "day to second",
    "hour to minute",
    "hour to second",
    "minute to second",
];

/// The built-in types; `None` for anything else (quoted names such as `"char"` included).
fn parse_scalar(sql: &str) -> Option<ColumnType> {
    if sql.contains('"') || sql.matches('(').count() != sql.matches(')').count() {
        return None;
    }
    let spelling = Spelling::parse(sql);
    let name = fold(&format!("{} {}", spelling.base, spelling.tail));
    let nums: Vec<u32> = (0..spelling.args.len())
        .map(|i| spelling.num(i))
        .collect::<Option<_>>()?;
    use ColumnType as T;
    let ty = match (name.as_str(), nums.as_slice()) {
        ("smallint" | "int2", []) => T::int(2),
        ("integer" | "int" | "int4", []) => T::int(4),
        ("bigint" | "int8", []) => T::int(8),
        ("boolean" | "bool", []) => T::Boolean,
        ("real" | "float4", []) => T::Float,
        ("double precision" | "float8" | "float", []) => T::Double,
        ("float", [p]) if (1..=24).contains(p) => T::Float,
        ("float", [p]) if (25..=53).contains(p) => T::Double,
        ("numeric" | "decimal", []) => T::Decimal { precision: None },
        ("numeric" | "decimal", [p]) => T::Decimal {
            precision: Some((*p, 0)),
        },
        ("numeric" | "decimal", [p, s]) => T::Decimal {
            precision: Some((*p, *s)),
        },
        ("money", []) => T::Money { precision: None },
        ("character varying" | "varchar", []) => T::String {
            len: StringLen::None,
        },
        ("character varying" | "varchar", [n]) => T::String {
            len: StringLen::N(*n),
        },
        ("character" | "char", []) => T::Char { len: Some(1) },
        ("character" | "char" | "bpchar", [n]) => T::Char { len: Some(*n) },
        ("text", []) => T::Text,
        ("bytea", []) => T::Blob,
        ("bit", []) => T::Bit { len: Some(1) },
        ("bit", [n]) => T::Bit { len: Some(*n) },
        ("bit varying" | "varbit", []) => T::custom("bit varying"),
        ("bit varying" | "varbit", [n]) => T::VarBit { len: *n },
        ("date", []) => T::Date,
        ("time" | "time without time zone", []) => T::Time,
        ("time" | "time without time zone", [p]) => {
            T::custom(format!("time({p}) without time zone"))
        }
        ("timetz" | "time with time zone", []) => T::custom("time with time zone"),
        ("timetz" | "time with time zone", [p]) => T::custom(format!("time({p}) with time zone")),
        ("timestamp" | "timestamp without time zone", []) => T::DateTime,
        ("timestamp" | "timestamp without time zone", [p]) => {
            T::custom(format!("timestamp({p}) without time zone"))
        }
        ("timestamptz" | "timestamp with time zone", []) => T::TimestampTz,
        ("timestamptz" | "timestamp with time zone", [p]) => {
            T::custom(format!("timestamp({p}) with time zone"))
        }
        ("json", []) => T::Json,
        ("jsonb", []) => T::JsonBinary,
        ("uuid", []) => T::Uuid,
        ("inet", []) => T::Inet,
        ("cidr", []) => T::Cidr,
        ("macaddr", []) => T::MacAddr,
        ("ltree", []) => T::LTree,
        ("vector", []) => T::Vector { dim: None },
        ("vector", [n]) => T::Vector { dim: Some(*n) },
        (interval, [] | [_]) if interval == "interval" || interval.starts_with("interval ") => {
            let fields = interval["interval".len()..].trim();
            if !fields.is_empty() && !INTERVAL_FIELDS.contains(&fields) {
                return None;
            }
            T::Interval {
                fields: (!fields.is_empty()).then(|| fields.to_ascii_uppercase()),
                precision: nums.first().copied(),
            }
        }
        _ => return None,
    };
    Some(ty)
}

/// Reads a stored default back; see [`Dialect::parse_default`].
pub(super) fn parse_default(sql: &str, ty: &ColumnType) -> Option<DefaultValue> {
    let expr = strip_outer_parens(sql.trim(), Dialect::Postgres);
    if expr.is_empty() {
        return None;
    }
    let Some(raw) = literal(expr) else {
        return Some(DefaultValue::Expr(normalise_expr(expr)));
    };
    let kept = || Some(DefaultValue::Expr(expr.to_owned()));
    let lit = match (raw, Kind::of(ty)) {
        (Raw::Null, _) => return None,
        (Raw::Quoted(v), Kind::Number) => match number(&v) {
            Some(n) => n,
            // `'NaN'::real`, `'Infinity'::numeric`
            None => return kept(),
        },
        (Raw::Quoted(v), Kind::Boolean) => match boolean(&v) {
            Some(b) => Literal::Bool(b),
            None => return kept(),
        },
        (Raw::Quoted(v), _) => Literal::String(v),
        // PostgreSQL keeps `DEFAULT 5` on a text column as the number; the value is the text.
        (Raw::Number(n), Kind::Text) => Literal::String(n),
        (Raw::Number(n), Kind::Boolean) => match boolean(&n) {
            Some(b) => Literal::Bool(b),
            None => return kept(),
        },
        (Raw::Number(n), _) => match number(&n) {
            Some(n) => n,
            None => return kept(),
        },
        (Raw::Bool(b), Kind::Text) => Literal::String(b.to_string()),
        (Raw::Bool(b), _) => Literal::Bool(b),
    };
    Some(DefaultValue::Literal(lit))
}

/// How a column type reads literals.
enum Kind {
    Number,
    Boolean,
    /// Character types: any constant becomes its text.
    Text,
    Other,
}

impl Kind {
    fn of(ty: &ColumnType) -> Kind {
        match ty {
            ColumnType::Integer { .. }
            | ColumnType::Float
            | ColumnType::Double
            | ColumnType::Decimal { .. }
            | ColumnType::Money { .. } => Kind::Number,
            ColumnType::Boolean => Kind::Boolean,
            ColumnType::String { .. } | ColumnType::Char { .. } | ColumnType::Text => Kind::Text,
            _ => Kind::Other,
        }
    }
}

/// A constant, casts and parentheses removed.
#[derive(Debug, PartialEq)]
enum Raw {
    Null,
    Bool(bool),
    /// A number as written, sign included.
    Number(String),
    /// A string literal's value.
    Quoted(String),
}

/// Reads `expr` as a constant: a string literal, number, boolean or `NULL`, under any number of
/// top-level casts and parentheses (`'-1'::integer`, `(-1)`, `'a'::"Status Kind"`).
fn literal(expr: &str) -> Option<Raw> {
    let mut expr = strip_outer_parens(expr, Dialect::Postgres);
    while let Some(operand) = cast_operand(expr) {
        expr = strip_outer_parens(operand, Dialect::Postgres);
    }
    if let Some(value) = unquote(expr, false) {
        return Some(Raw::Quoted(value));
    }
    if let Some(escaped) = expr.strip_prefix(['E', 'e'])
        && let Some(value) = unquote(escaped, true)
    {
        return Some(Raw::Quoted(value));
    }
    if is_number(expr) {
        return Some(Raw::Number(expr.to_owned()));
    }
    match expr.to_ascii_lowercase().as_str() {
        "null" => Some(Raw::Null),
        "true" => Some(Raw::Bool(true)),
        "false" => Some(Raw::Bool(false)),
        _ => None,
    }
}

/// `x::type[::type...]` → `x`, when everything after the first top-level `::` is type names.
fn cast_operand(expr: &str) -> Option<&str> {
    let at = top_level(expr)
        .find(|&(i, _)| expr[i..].starts_with("::"))?
        .0;
    let (operand, types) = (expr[..at].trim_end(), &expr[at + 2..]);
    let mut in_quotes = false;
    let mut depth = 0i32;
    for c in types.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            _ if in_quotes => {}
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            c if c.is_alphanumeric() || " _.,:$".contains(c) => {}
            _ => return None,
        }
        if depth < 0 {
            return None;
        }
    }
    (!operand.is_empty() && !in_quotes && depth == 0 && !types.trim().is_empty()).then_some(operand)
}

/// The byte offsets and characters of `expr` outside string literals, quoted identifiers,
/// parentheses and brackets.
fn top_level(expr: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    expr.char_indices().filter(move |&(_, c)| {
        if let Some(q) = quote {
            // A doubled quote closes and reopens: the state ends up the same.
            if c == q {
                quote = None;
            }
            return false;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                false
            }
            '(' | '[' => {
                depth += 1;
                false
            }
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        }
    })
}

/// `-12`, `+3`, `1.50`, `.5`, `1e10`.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    (!int.is_empty() || !frac.is_empty()) && digits(int) && digits(frac) && exponent_ok
}

/// A number as a literal: integral values are `Int` (`2.0` too), others `Float` with trailing
/// fractional zeros removed (`1.50` → `1.5`, `.5` → `0.5`).
fn number(text: &str) -> Option<Literal> {
    let text = text.trim();
    if !is_number(text) {
        return None;
    }
    let text = text.strip_prefix('+').unwrap_or(text);
    if text.contains(['e', 'E']) {
        return Some(Literal::Float(text.to_ascii_lowercase()));
    }
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let int = match int.trim_start_matches('0') {
        "" => "0",
        digits => digits,
    };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        return Some(match format!("{sign}{int}").parse::<i128>() {
            Ok(i) => Literal::Int(i),
            Err(_) => Literal::Float(format!("{sign}{int}")),
        });
    }
    Some(Literal::Float(format!("{sign}{int}.{frac}")))
}

/// PostgreSQL's boolean input spellings.
fn boolean(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Some(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// The `CURRENT_TIMESTAMP` family in upper case, `now()` as `CURRENT_TIMESTAMP`; other
/// expressions as they are.
fn normalise_expr(expr: &str) -> String {
    let lower = expr.to_ascii_lowercase();
    let (name, args) = match lower.find('(') {
        Some(i) => (lower[..i].trim_end(), &lower[i..]),
        None => (lower.as_str(), ""),
    };
    let keyword = match name {
        "now" if args == "()" => return "CURRENT_TIMESTAMP".to_owned(),
        "current_timestamp" => "CURRENT_TIMESTAMP",
        "current_date" if args.is_empty() => "CURRENT_DATE",
        "current_time" => "CURRENT_TIME",
        "localtimestamp" => "LOCALTIMESTAMP",
        "localtime" => "LOCALTIME",
        _ => return expr.to_owned(),
    };
    // `CURRENT_TIMESTAMP(3)` keeps its precision; MySQL's empty `()` goes.
    let args: String = args.chars().filter(|c| !c.is_whitespace()).collect();
    match args.as_str() {
        "" | "()" => keyword.to_owned(),
        a if a.len() > 2 && a[1..a.len() - 1].bytes().all(|b| b.is_ascii_digit()) => {
            format!("{keyword}{a}")
        }
        _ => expr.to_owned(),
    }
}

/// The longest identifier PostgreSQL keeps, in bytes (NAMEDATALEN - 1).
pub(super) const MAX_NAME_BYTES: usize = 63;

/// `name` as PostgreSQL stores it: its first 63 bytes, cut at a character boundary
/// (`truncate_identifier`, which uses `pg_mbcliplen`).
pub(super) fn fit_name(name: &str) -> std::borrow::Cow<'_, str> {
    if name.len() <= MAX_NAME_BYTES {
        return name.into();
    }
    let mut end = MAX_NAME_BYTES;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::Dialect;

    fn int(bytes: u8) -> ColumnType {
        ColumnType::int(bytes)
    }

    fn varchar(n: u32) -> ColumnType {
        ColumnType::String {
            len: StringLen::N(n),
        }
    }

    fn array(of: ColumnType) -> ColumnType {
        ColumnType::Array { of: Box::new(of) }
    }

    fn interval(fields: Option<&str>, precision: Option<u32>) -> ColumnType {
        ColumnType::Interval {
            fields: fields.map(str::to_owned),
            precision,
        }
    }

    fn check_types(cases: &[(&str, ColumnType)]) {
        for (sql, want) in cases {
            assert_eq!(&parse(sql), want, "parse({sql:?})");
        }
    }

    #[test]
    fn format_type_spellings_parse() {
        use ColumnType as T;
        check_types(&[
            ("smallint", int(2)),
            ("integer", int(4)),
            ("bigint", int(8)),
            ("boolean", T::Boolean),
            ("real", T::Float),
            ("double precision", T::Double),
            (
                "numeric(10,2)",
                T::Decimal {
                    precision: Some((10, 2)),
                },
            ),
            (
                "numeric(5,0)",
                T::Decimal {
                    precision: Some((5, 0)),
                },
            ),
            ("numeric", T::Decimal { precision: None }),
            ("money", T::Money { precision: None }),
            (
                "character varying",
                T::String {
                    len: StringLen::None,
                },
            ),
            ("character varying(20)", varchar(20)),
            ("character(4)", T::Char { len: Some(4) }),
            ("character(1)", T::Char { len: Some(1) }),
            ("text", T::Text),
            ("bytea", T::Blob),
            ("bit(1)", T::Bit { len: Some(1) }),
            ("bit(4)", T::Bit { len: Some(4) }),
            ("bit varying(8)", T::VarBit { len: 8 }),
            ("bit varying", T::custom("bit varying")),
            ("date", T::Date),
            ("time without time zone", T::Time),
            (
                "time(3) without time zone",
                T::custom("time(3) without time zone"),
            ),
            ("time with time zone", T::custom("time with time zone")),
            ("timestamp without time zone", T::DateTime),
            ("timestamp with time zone", T::TimestampTz),
            (
                "timestamp(3) without time zone",
                T::custom("timestamp(3) without time zone"),
            ),
            (
                "timestamp(6) with time zone",
                T::custom("timestamp(6) with time zone"),
            ),
            ("interval", interval(None, None)),
            ("interval(2)", interval(None, Some(2))),
            ("interval year", interval(Some("YEAR"), None)),
            (
                "interval day to second(3)",
                interval(Some("DAY TO SECOND"), Some(3)),
            ),
            ("json", T::Json),
            ("jsonb", T::JsonBinary),
            ("uuid", T::Uuid),
            ("inet", T::Inet),
            ("cidr", T::Cidr),
            ("macaddr", T::MacAddr),
            ("macaddr8", T::custom("macaddr8")),
            ("ltree", T::LTree),
            ("vector(3)", T::Vector { dim: Some(3) }),
            ("vector", T::Vector { dim: None }),
            ("integer[]", array(int(4))),
            ("character varying(20)[]", array(varchar(20))),
            (
                "timestamp(3) with time zone[]",
                array(T::custom("timestamp(3) with time zone")),
            ),
            (
                "interval minute to second[]",
                array(interval(Some("MINUTE TO SECOND"), None)),
            ),
            (
                "numeric(10,2)[]",
                array(T::Decimal {
                    precision: Some((10, 2)),
                }),
            ),
            // Not ours: kept as PostgreSQL spells them.
            ("\"char\"", T::custom("\"char\"")),
            ("bpchar", T::custom("bpchar")),
            ("\"Status Kind\"", T::custom("\"Status Kind\"")),
            ("\"Status Kind\"[]", array(T::custom("\"Status Kind\""))),
            ("other.mood", T::custom("other.mood")),
            ("xml", T::custom("xml")),
            ("  tsvector ", T::custom("tsvector")),
            ("int(11)", T::custom("int(11)")),
            ("numeric(10", T::custom("numeric(10")),
            (
                "character varying(abc)",
                T::custom("character varying(abc)"),
            ),
            ("interval fortnight", T::custom("interval fortnight")),
            ("money(10, 2)", T::custom("money(10, 2)")),
            ("", T::custom("")),
        ]);
    }

    #[test]
    fn strata_spellings_parse_to_what_postgres_stores() {
        use ColumnType as T;
        check_types(&[
            ("bool", T::Boolean),
            ("int2", int(2)),
            ("int4", int(4)),
            ("int", int(4)),
            ("int8", int(8)),
            ("float4", T::Float),
            ("float8", T::Double),
            ("float", T::Double),
            ("float(10)", T::Float),
            ("float(30)", T::Double),
            (
                "decimal(10, 2)",
                T::Decimal {
                    precision: Some((10, 2)),
                },
            ),
            ("decimal", T::Decimal { precision: None }),
            ("varchar(20)", varchar(20)),
            (
                "varchar",
                T::String {
                    len: StringLen::None,
                },
            ),
            ("char", T::Char { len: Some(1) }),
            ("char(3)", T::Char { len: Some(3) }),
            ("bpchar(3)", T::Char { len: Some(3) }),
            ("bit", T::Bit { len: Some(1) }),
            ("varbit(8)", T::VarBit { len: 8 }),
            ("varbit", T::custom("bit varying")),
            ("time", T::Time),
            ("time(3)", T::custom("time(3) without time zone")),
            ("timetz", T::custom("time with time zone")),
            ("timestamp", T::DateTime),
            ("timestamp(3)", T::custom("timestamp(3) without time zone")),
            ("timestamptz", T::TimestampTz),
            ("TIMESTAMPTZ(3)", T::custom("timestamp(3) with time zone")),
            (
                "interval DAY TO SECOND(3)",
                interval(Some("DAY TO SECOND"), Some(3)),
            ),
            ("INTEGER[]", array(int(4))),
            ("integer[3]", array(int(4))),
            ("integer[][]", array(array(int(4)))),
            ("serial", T::custom("serial")),
            ("citext", T::custom("citext")),
        ]);
    }

    /// One value of every variant, plus PostgreSQL spellings, and an array of each.
    fn every_type() -> Vec<ColumnType> {
        let mut types = crate::dialect::tests::one_of_every_type(&[
            "citext",
            "timestamp(3)",
            "varbit",
            "\"char\"",
        ]);
        let arrays: Vec<ColumnType> = types.iter().cloned().map(array).collect();
        types.extend(arrays);
        types
    }

    #[test]
    fn canonical_type_is_idempotent() {
        let pg = Dialect::Postgres;
        for ty in every_type() {
            let once = pg.canonical_type(&ty);
            assert_eq!(pg.canonical_type(&once), once, "{ty:?}");
        }
    }

    #[test]
    fn canonical_types_are_what_postgres_reports() {
        use ColumnType as T;
        let pg = Dialect::Postgres;
        let cases = [
            (T::Timestamp, T::DateTime),
            (int(1), int(2)),
            (ColumnType::uint(2), int(4)),
            (ColumnType::uint(4), int(8)),
            (T::Binary { len: 16 }, T::Blob),
            (T::Char { len: None }, T::Char { len: Some(1) }),
            (T::Bit { len: None }, T::Bit { len: Some(1) }),
            (
                T::String {
                    len: StringLen::Max,
                },
                T::String {
                    len: StringLen::None,
                },
            ),
            (
                T::custom("timestamp(3)"),
                T::custom("timestamp(3) without time zone"),
            ),
            (T::custom("int4"), int(4)),
            (T::Year, T::Year),
        ];
        for (ty, want) in cases {
            assert_eq!(pg.canonical_type(&ty), want, "{ty:?}");
        }
    }

    fn lit(l: Literal) -> Option<DefaultValue> {
        Some(DefaultValue::Literal(l))
    }

    fn expr(sql: &str) -> Option<DefaultValue> {
        Some(DefaultValue::Expr(sql.to_owned()))
    }

    #[test]
    fn stored_defaults_parse() {
        use ColumnType as T;
        use Literal as L;
        let status = T::Enum {
            schema: None,
            name: "Status Kind".into(),
            values: vec!["active".into()],
        };
        let decimal = T::Decimal { precision: None };
        let cases: Vec<(&str, ColumnType, Option<DefaultValue>)> = vec![
            ("42", int(4), lit(L::Int(42))),
            ("'-1'::integer", int(4), lit(L::Int(-1))),
            ("(-1)", int(8), lit(L::Int(-1))),
            ("'-5'::integer", int(8), lit(L::Int(-5))),
            (
                "'9223372036854775807'::bigint",
                int(8),
                lit(L::Int(i64::MAX.into())),
            ),
            ("1.50", decimal.clone(), lit(L::Float("1.5".into()))),
            ("2.0", decimal.clone(), lit(L::Int(2))),
            ("0.10", decimal.clone(), lit(L::Float("0.1".into()))),
            (
                "'-0.5'::numeric",
                decimal.clone(),
                lit(L::Float("-0.5".into())),
            ),
            ("'1000'::numeric", T::Double, lit(L::Int(1000))),
            ("0.5", T::Double, lit(L::Float("0.5".into()))),
            ("'NaN'::real", T::Float, expr("'NaN'::real")),
            (
                "12.5",
                T::Money { precision: None },
                lit(L::Float("12.5".into())),
            ),
            ("true", T::Boolean, lit(L::Bool(true))),
            ("false", T::Boolean, lit(L::Bool(false))),
            ("'t'::boolean", T::Boolean, lit(L::Bool(true))),
            (
                "'abc'::character varying",
                varchar(20),
                lit(L::String("abc".into())),
            ),
            ("'x'::text", varchar(5), lit(L::String("x".into()))),
            ("'it''s'::text", T::Text, lit(L::String("it's".into()))),
            ("''::text", T::Text, lit(L::String(String::new()))),
            ("'a\\b'::text", T::Text, lit(L::String("a\\b".into()))),
            ("E'a\\\\b'", T::Text, lit(L::String("a\\b".into()))),
            ("5", T::Text, lit(L::String("5".into()))),
            ("1.50", T::Text, lit(L::String("1.50".into()))),
            ("true", T::Text, lit(L::String("true".into()))),
            (
                "'ab'::bpchar",
                T::Char { len: Some(4) },
                lit(L::String("ab".into())),
            ),
            (
                "'active'::\"Status Kind\"",
                status.clone(),
                lit(L::String("active".into())),
            ),
            (
                "'sad'::other.mood",
                status.clone(),
                lit(L::String("sad".into())),
            ),
            ("'{}'::jsonb", T::JsonBinary, lit(L::String("{}".into()))),
            (
                "'{}'::integer[]",
                array(int(4)),
                lit(L::String("{}".into())),
            ),
            (
                "'101'::\"bit\"",
                T::Bit { len: Some(3) },
                lit(L::String("101".into())),
            ),
            (
                "'2020-01-01'::date",
                T::Date,
                lit(L::String("2020-01-01".into())),
            ),
            (
                "'1 day'::interval",
                interval(None, None),
                lit(L::String("1 day".into())),
            ),
            ("NULL", T::Text, None),
            ("NULL::character varying", varchar(3), None),
            ("", T::Text, None),
            ("now()", T::DateTime, expr("CURRENT_TIMESTAMP")),
            ("CURRENT_TIMESTAMP", T::DateTime, expr("CURRENT_TIMESTAMP")),
            (
                "current_timestamp(3)",
                T::TimestampTz,
                expr("CURRENT_TIMESTAMP(3)"),
            ),
            ("CURRENT_DATE", T::Date, expr("CURRENT_DATE")),
            ("current_time", T::Time, expr("CURRENT_TIME")),
            ("LOCALTIMESTAMP", T::DateTime, expr("LOCALTIMESTAMP")),
            ("gen_random_uuid()", T::Uuid, expr("gen_random_uuid()")),
            ("ARRAY[1, 2]", array(int(4)), expr("ARRAY[1, 2]")),
            (
                "ARRAY['a'::text, 'b'::text]",
                array(T::Text),
                expr("ARRAY['a'::text, 'b'::text]"),
            ),
            ("(1 + 2)", int(4), expr("1 + 2")),
            (
                "('a'::text || 'b'::text)",
                T::Text,
                expr("'a'::text || 'b'::text"),
            ),
            (
                "('2147483648'::bigint - 1)",
                int(8),
                expr("'2147483648'::bigint - 1"),
            ),
            ("(now())::date", T::Date, expr("(now())::date")),
            (
                "nextval('s1_id_seq'::regclass)",
                int(4),
                expr("nextval('s1_id_seq'::regclass)"),
            ),
            (
                "'s1_id_seq'::regclass",
                T::custom("regclass"),
                lit(L::String("s1_id_seq".into())),
            ),
            ("(a) + (b)", int(4), expr("(a) + (b)")),
        ];
        for (sql, ty, want) in cases {
            assert_eq!(
                parse_default(sql, &ty),
                want,
                "parse_default({sql:?}, {ty})"
            );
        }
    }

    #[test]
    fn canonical_defaults_are_idempotent() {
        use ColumnType as T;
        use Literal as L;
        let pg = Dialect::Postgres;
        let defaults = [
            DefaultValue::Literal(L::Int(-1)),
            DefaultValue::Literal(L::Int(7)),
            DefaultValue::Literal(L::Float("1.50".into())),
            DefaultValue::Literal(L::Float("2.0".into())),
            DefaultValue::Literal(L::Bool(true)),
            DefaultValue::Literal(L::String("it's".into())),
            DefaultValue::Literal(L::String("1".into())),
            DefaultValue::Literal(L::Null),
            DefaultValue::Expr("now()".into()),
            DefaultValue::Expr("(1 + 2)".into()),
            DefaultValue::Expr("'{}'::integer[]".into()),
            DefaultValue::Opaque("Utc::now()".into()),
        ];
        for ty in [
            int(4),
            T::Decimal { precision: None },
            T::Boolean,
            T::Text,
            varchar(3),
            T::Date,
            array(int(4)),
        ] {
            for d in &defaults {
                let once = pg.canonical_default(d, &ty);
                let twice = once.as_ref().and_then(|o| pg.canonical_default(o, &ty));
                assert_eq!(twice, once, "{d:?} on {ty}");
            }
        }
    }
}
