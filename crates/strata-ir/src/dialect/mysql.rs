//! MySQL and MariaDB type spelling, and reading back what either server reports in
//! `information_schema` (`COLUMN_TYPE`, `COLUMN_DEFAULT`) as well as strata's own spellings.
//! One table serves MySQL 8 and MariaDB 10.11+: where their reports differ (`int(11)` against
//! `int`, quoted against bare literal defaults) both forms are accepted and mean the same type.

use super::spelling::{Spelling, unquote};
use super::{Dialect, precision_suffix, strip_outer_parens};
use crate::types::{ColumnType, DefaultValue, Literal, StringLen};

pub(super) fn spell(ty: &ColumnType) -> Option<String> {
    Some(match ty {
        ColumnType::Boolean => "bool".into(),
        ColumnType::Integer { bytes, unsigned } => {
            let base = match bytes {
                1 => "tinyint",
                2 => "smallint",
                4 => "int",
                _ => "bigint",
            };
            if *unsigned {
                format!("{base} UNSIGNED")
            } else {
                base.into()
            }
        }
        ColumnType::Float => "float".into(),
        ColumnType::Double => "double".into(),
        ColumnType::Decimal { precision } | ColumnType::Money { precision } => {
            format!("decimal{}", precision_suffix(*precision))
        }
        ColumnType::String { len } => match len {
            StringLen::N(n) => format!("varchar({n})"),
            StringLen::None => "varchar(255)".into(),
            StringLen::Max => "varchar(65535)".into(),
        },
        ColumnType::Char { len } => match len {
            Some(n) => format!("char({n})"),
            None => "char".into(),
        },
        ColumnType::Text => "text".into(),
        ColumnType::Blob => "blob".into(),
        ColumnType::Binary { len } => format!("binary({len})"),
        ColumnType::VarBinary { len } => match len {
            StringLen::N(n) => format!("varbinary({n})"),
            StringLen::None => "varbinary(255)".into(),
            StringLen::Max => "varbinary(65535)".into(),
        },
        ColumnType::Bit { len } => match len {
            Some(n) => format!("bit({n})"),
            None => "bit".into(),
        },
        ColumnType::VarBit { len } => format!("bit({len})"),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::DateTime => "datetime".into(),
        ColumnType::Timestamp | ColumnType::TimestampTz => "timestamp".into(),
        ColumnType::Year => "year".into(),
        ColumnType::Json | ColumnType::JsonBinary => "json".into(),
        ColumnType::Uuid => "binary(16)".into(),
        ColumnType::Enum { values, .. } => {
            let values: Vec<String> = values
                .iter()
                .map(|v| Dialect::Mysql.string_literal(v))
                .collect();
            format!("ENUM({})", values.join(", "))
        }
        ColumnType::Custom { sql } => sql.clone(),
        ColumnType::Interval { .. }
        | ColumnType::Inet
        | ColumnType::Cidr
        | ColumnType::MacAddr
        | ColumnType::LTree
        | ColumnType::Vector { .. }
        | ColumnType::Array { .. } => return None,
    })
}

/// Reads a native spelling back; see [`Dialect::parse_type`].
///
/// Accepts `COLUMN_TYPE` as MariaDB writes it (`int(11)`, `int(10) unsigned`, `tinyint(1)`,
/// `year(4)`, `decimal(10,0)`), as MySQL 8 writes it (`int`, `int unsigned`, `tinyint(1)`,
/// `json`), and strata's own spellings from [`spell`] (`bool`, `int UNSIGNED`, `char`,
/// `decimal`, `ENUM('a', 'b')`), each mapped to what the server reports for it: `bool` is
/// `tinyint(1)`, `char` is `char(1)`, `decimal` is `decimal(10,0)`, `binary(16)` (strata's
/// uuid) stays `binary(16)`. Integer display widths are ignored.
///
/// Types the model has no variant for (`mediumint`, `mediumtext`, `longblob`, `set(...)`,
/// `datetime(3)`, MariaDB's `uuid` and `inet6`, spatial types) are [`ColumnType::Custom`] in a
/// normalised spelling (lowercase, integer display widths dropped, arguments joined by `,` as
/// the server writes them), so that MariaDB's and MySQL 8's reports of one column agree and the
/// spelling reads back to itself. MariaDB's native `uuid` is deliberately *not*
/// [`ColumnType::Uuid`]: strata stores that as `binary(16)`, and reading a native `uuid` column
/// as `Uuid` would make it recreate as `binary(16)`. Anything else is `Custom` exactly as given.
pub(super) fn parse(sql: &str) -> ColumnType {
    let given = || ColumnType::custom(sql.trim());
    let mut sp = Spelling::parse(sql);
    // Without parentheses the sign lands in the base (`int unsigned`): move it to the tail.
    while let Some((rest, last)) = sp.base.rsplit_once(' ')
        && matches!(last, "unsigned" | "signed" | "zerofill")
    {
        sp.tail = format!("{last} {}", sp.tail).trim_end().to_owned();
        sp.base = rest.to_owned();
    }
    let words: Vec<&str> = sp.tail.split_whitespace().collect();
    let unsigned = words.contains(&"unsigned");
    let zerofill = words.contains(&"zerofill");
    // Anything in the tail besides the sign (MySQL writes no other attribute into COLUMN_TYPE).
    let odd_tail = words
        .iter()
        .any(|w| !matches!(*w, "unsigned" | "signed" | "zerofill"));
    if odd_tail {
        return given();
    }
    let nums: Option<Vec<u32>> = (0..sp.args.len()).map(|i| sp.num(i)).collect();
    let nargs = sp.args.len();
    let plain = !unsigned && !zerofill;
    match sp.base.as_str() {
        "bool" | "boolean" if nargs == 0 && plain => ColumnType::Boolean,
        "tinyint" if plain && nums.as_deref() == Some(&[1]) => ColumnType::Boolean,
        "tinyint" | "smallint" | "int" | "integer" | "bigint" if nargs <= 1 && nums.is_some() => {
            if zerofill {
                return normalised(&sp, true);
            }
            let bytes = match sp.base.as_str() {
                "tinyint" => 1,
                "smallint" => 2,
                "bigint" => 8,
                _ => 4,
            };
            ColumnType::Integer { bytes, unsigned }
        }
        "mediumint" | "middleint" if nargs <= 1 && nums.is_some() => {
            let base = if zerofill {
                return normalised(&sp, true);
            } else if unsigned {
                "mediumint unsigned"
            } else {
                "mediumint"
            };
            ColumnType::custom(base)
        }
        // `float(p)` is a float up to 24 bits of precision and a double above.
        "float" if plain && nargs == 0 => ColumnType::Float,
        "float" if plain && nargs == 1 => match nums.as_deref() {
            Some(&[p]) if p <= 24 => ColumnType::Float,
            Some(&[p]) if p <= 53 => ColumnType::Double,
            _ => given(),
        },
        "double" | "double precision" | "real" if plain && nargs == 0 => ColumnType::Double,
        "decimal" | "numeric" | "dec" | "fixed" if plain && nums.is_some() => {
            match nums.as_deref() {
                Some(&[]) => ColumnType::Decimal {
                    precision: Some((10, 0)),
                },
                Some(&[p]) => ColumnType::Decimal {
                    precision: Some((p, 0)),
                },
                Some(&[p, s]) => ColumnType::Decimal {
                    precision: Some((p, s)),
                },
                _ => given(),
            }
        }
        "varchar" | "character varying" if plain => match nums.as_deref() {
            Some(&[n]) => ColumnType::String {
                len: StringLen::N(n),
            },
            _ => given(),
        },
        "char" | "character" if plain => match nums.as_deref() {
            Some(&[]) => ColumnType::Char { len: Some(1) },
            Some(&[n]) => ColumnType::Char { len: Some(n) },
            _ => given(),
        },
        "text" if plain && nargs == 0 => ColumnType::Text,
        "blob" if plain && nargs == 0 => ColumnType::Blob,
        "binary" if plain => match nums.as_deref() {
            Some(&[]) => ColumnType::Binary { len: 1 },
            Some(&[n]) => ColumnType::Binary { len: n },
            _ => given(),
        },
        "varbinary" if plain => match nums.as_deref() {
            Some(&[n]) => ColumnType::VarBinary {
                len: StringLen::N(n),
            },
            _ => given(),
        },
        "bit" if plain => match nums.as_deref() {
            Some(&[]) => ColumnType::Bit { len: Some(1) },
            Some(&[n]) => ColumnType::Bit { len: Some(n) },
            _ => given(),
        },
        "date" if plain && nargs == 0 => ColumnType::Date,
        // Fractional-second precision has no place in the model: `time(3)` stays custom.
        "time" | "datetime" | "timestamp" if plain => match nums.as_deref() {
            Some(&[] | &[0]) => match sp.base.as_str() {
                "time" => ColumnType::Time,
                "datetime" => ColumnType::DateTime,
                _ => ColumnType::Timestamp,
            },
            Some(&[_]) => normalised(&sp, false),
            _ => given(),
        },
        "year" if plain => match nums.as_deref() {
            Some(&[] | &[4]) => ColumnType::Year,
            Some(&[_]) => normalised(&sp, false),
            _ => given(),
        },
        "json" if plain && nargs == 0 => ColumnType::Json,
        "enum" if plain && nargs > 0 => match sp.string_args(true) {
            Some(values) => ColumnType::Enum {
                schema: None,
                name: String::new(),
                values,
            },
            None => given(),
        },
        "tinytext" | "mediumtext" | "longtext" | "tinyblob" | "mediumblob" | "longblob" | "set"
        | "uuid" | "inet4" | "inet6" | "geometry" | "point" | "linestring" | "polygon"
        | "multipoint" | "multilinestring" | "multipolygon" | "geometrycollection" | "float"
        | "double" | "real" | "decimal" | "numeric" => normalised(&sp, false),
        _ => given(),
    }
}

/// `base(args) tail` in the server's style: lowercase base and tail, arguments joined by `,`;
/// an integer display width is dropped unless `keep_width` (zerofill needs it).
fn normalised(sp: &Spelling, keep_width: bool) -> ColumnType {
    let integer = matches!(
        sp.base.as_str(),
        "tinyint" | "smallint" | "mediumint" | "middleint" | "int" | "integer" | "bigint"
    );
    let mut out = match sp.base.as_str() {
        "middleint" => "mediumint".to_owned(),
        "integer" => "int".to_owned(),
        "numeric" => "decimal".to_owned(),
        base => base.to_owned(),
    };
    if !sp.args.is_empty() && (!integer || keep_width) {
        out.push('(');
        out.push_str(&sp.args.join(","));
        out.push(')');
    }
    if !sp.tail.is_empty() {
        out.push(' ');
        out.push_str(&sp.tail);
    }
    ColumnType::custom(out)
}

/// How a default's text is typed for a column.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Number,
    Text,
}

fn kind(ty: &ColumnType) -> Kind {
    match ty {
        ColumnType::Boolean => Kind::Bool,
        ColumnType::Integer { .. }
        | ColumnType::Float
        | ColumnType::Double
        | ColumnType::Decimal { .. }
        | ColumnType::Money { .. }
        | ColumnType::Year
        | ColumnType::Bit { .. }
        | ColumnType::VarBit { .. } => Kind::Number,
        ColumnType::Custom { sql } => {
            let base = Spelling::parse(sql).base;
            let first = base.split(' ').next().unwrap_or("");
            if matches!(
                first,
                "mediumint"
                    | "middleint"
                    | "tinyint"
                    | "smallint"
                    | "int"
                    | "integer"
                    | "bigint"
                    | "float"
                    | "double"
                    | "real"
                    | "decimal"
                    | "numeric"
                    | "year"
                    | "bit"
            ) {
                Kind::Number
            } else {
                Kind::Text
            }
        }
        _ => Kind::Text,
    }
}

/// Reads a stored default back; see [`Dialect::parse_default`].
///
/// Accepts MariaDB's `COLUMN_DEFAULT` (string literals quoted as `'it''s'` with backslashes
/// escaped, numbers bare, the text `NULL` for a default of null, `current_timestamp()`,
/// `curdate()`, other expressions without their outer parentheses), MySQL 8's (whose literal
/// defaults the caller quotes first; `CURRENT_TIMESTAMP`), bit literals `b'101'` and hex
/// literals `0x41`, and strata's spellings (`TRUE`, `'it''s'`, `(expr)`).
///
/// Literals are typed by the column: numbers (also quoted ones) on numeric and bit columns are
/// [`Literal::Int`] or [`Literal::Float`] (trailing fractional zeros trimmed), `0`/`1`/`TRUE`/
/// `FALSE`/`'t'`... on boolean columns [`Literal::Bool`], and anything on a string-ish column
/// [`Literal::String`] (a bare `5` there is the string `"5"`, as the server stores it). The
/// `CURRENT_TIMESTAMP` family (`now()`, `current_timestamp()`, `localtimestamp`...) becomes
/// `CURRENT_TIMESTAMP` (with a precision when one is given), `curdate()` `CURRENT_DATE` and
/// `curtime()` `CURRENT_TIME`; other expressions are kept as written, outer parentheses removed.
pub(super) fn parse_default(sql: &str, ty: &ColumnType) -> Option<DefaultValue> {
    let text = strip_outer_parens(sql.trim(), Dialect::Mysql);
    if text.is_empty() || text.eq_ignore_ascii_case("null") {
        return None;
    }
    let kind = kind(ty);
    if text.starts_with('\'')
        && let Some(s) = unquote(text, true)
    {
        return Some(DefaultValue::Literal(typed_text(s, kind)));
    }
    if kind == Kind::Text
        && let Some(s) = hex_text(text)
    {
        return Some(DefaultValue::Literal(Literal::String(s)));
    }
    if kind != Kind::Text
        && let Some(bits) = bit_literal(text)
    {
        return Some(DefaultValue::Literal(match kind {
            Kind::Bool if bits <= 1 => Literal::Bool(bits == 1),
            _ => Literal::Int(bits),
        }));
    }
    if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
        let value = text.eq_ignore_ascii_case("true");
        return Some(DefaultValue::Literal(match kind {
            Kind::Bool => Literal::Bool(value),
            Kind::Number => Literal::Int(i128::from(value)),
            Kind::Text => Literal::String(if value { "1" } else { "0" }.to_owned()),
        }));
    }
    if let Some(number) = number(text) {
        return Some(DefaultValue::Literal(match kind {
            Kind::Text => Literal::String(text.to_owned()),
            Kind::Bool => match number {
                Literal::Int(0) => Literal::Bool(false),
                Literal::Int(1) => Literal::Bool(true),
                other => other,
            },
            Kind::Number => number,
        }));
    }
    Some(DefaultValue::Expr(expression(text)))
}

/// A quoted literal's content typed by the column kind.
fn typed_text(s: String, kind: Kind) -> Literal {
    match kind {
        Kind::Number => number(s.trim()).unwrap_or(Literal::String(s)),
        Kind::Bool => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "t" | "true" | "y" | "yes" | "on" => Literal::Bool(true),
            "0" | "f" | "false" | "n" | "no" | "off" => Literal::Bool(false),
            _ => number(s.trim()).unwrap_or(Literal::String(s)),
        },
        Kind::Text => Literal::String(s),
    }
}

/// A decimal number as an integer, or a float with trailing fractional zeros trimmed
/// (`1.50` is `1.5`, `2.0` is `2`); exponent forms are kept as floats unless integral.
fn number(text: &str) -> Option<Literal> {
    let t = text.strip_prefix('+').unwrap_or(text);
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", t),
    };
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if digits.bytes().any(|b| b == b'e' || b == b'E') {
        let value: f64 = t.parse().ok()?;
        if !value.is_finite() {
            return None;
        }
        if value.fract() == 0.0 && value.abs() < 1e15 {
            return Some(Literal::Int(value as i128));
        }
        return Some(Literal::Float(t.to_ascii_lowercase()));
    }
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        let value: i128 = int.parse().ok()?;
        return Some(Literal::Int(if sign == "-" { -value } else { value }));
    }
    let sign = if int == "0" && frac.bytes().all(|b| b == b'0') {
        ""
    } else {
        sign
    };
    Some(Literal::Float(format!("{sign}{int}.{frac}")))
}

/// The value of `b'101'` or `0x41` (`X'41'`), if `text` is one and fits.
fn bit_literal(text: &str) -> Option<i128> {
    let (digits, radix) =
        if let Some(rest) = text.strip_prefix("b'").or_else(|| text.strip_prefix("B'")) {
            (rest.strip_suffix('\'')?, 2)
        } else if let Some(rest) = text.strip_prefix("0x") {
            (rest, 16)
        } else if let Some(rest) = text.strip_prefix("x'").or_else(|| text.strip_prefix("X'")) {
            (rest.strip_suffix('\'')?, 16)
        } else {
            return None;
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    i128::from_str_radix(digits, radix).ok()
}

/// The bytes of a hex literal as UTF-8 text (MySQL 8 reports binary defaults in hex).
fn hex_text(text: &str) -> Option<String> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("x'")?.strip_suffix('\''))
        .or_else(|| text.strip_prefix("X'")?.strip_suffix('\''))?;
    if digits.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// Normalises the current-time functions; other expressions are kept as written.
fn expression(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let (name, arg) = match lower.split_once('(') {
        Some((name, rest)) => match rest.strip_suffix(')') {
            Some(arg) => (name.trim(), Some(arg.trim())),
            None => return text.to_owned(),
        },
        None => (lower.trim(), None),
    };
    let canonical = match name {
        "current_timestamp" | "now" | "localtime" | "localtimestamp" => "CURRENT_TIMESTAMP",
        "current_date" | "curdate" => "CURRENT_DATE",
        "current_time" | "curtime" => "CURRENT_TIME",
        _ => return text.to_owned(),
    };
    match arg {
        None | Some("") | Some("0") => canonical.to_owned(),
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => format!("{canonical}({p})"),
        Some(_) => text.to_owned(),
    }
}

/// The longest index or constraint name MySQL and MariaDB accept, in characters.
pub(super) const MAX_NAME_CHARS: usize = 64;

/// `name` shortened to fit MySQL when it is longer than 64 characters: the first 55 characters,
/// `_` and 8 hex digits of the 64-bit FNV-1a hash of the whole name's UTF-8 bytes (pinned: the
/// names strata wrote into databases depend on it). Shorter names are unchanged.
pub(super) fn fit_name(name: &str) -> std::borrow::Cow<'_, str> {
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.into();
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let prefix: String = name.chars().take(MAX_NAME_CHARS - 9).collect();
    format!("{prefix}_{:08x}", hash >> 32).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::StringLen;

    fn string(s: &str) -> Option<DefaultValue> {
        Some(DefaultValue::Literal(Literal::String(s.to_owned())))
    }
    fn int(i: i128) -> Option<DefaultValue> {
        Some(DefaultValue::Literal(Literal::Int(i)))
    }
    fn float(f: &str) -> Option<DefaultValue> {
        Some(DefaultValue::Literal(Literal::Float(f.to_owned())))
    }
    fn boolean(b: bool) -> Option<DefaultValue> {
        Some(DefaultValue::Literal(Literal::Bool(b)))
    }
    fn expr(e: &str) -> Option<DefaultValue> {
        Some(DefaultValue::Expr(e.to_owned()))
    }

    /// Every variant, plus spellings only MySQL has.
    fn all_types() -> Vec<ColumnType> {
        crate::dialect::tests::one_of_every_type(&[
            "mediumtext",
            "MEDIUMINT(9) UNSIGNED",
            "set('x','y')",
            "datetime(3)",
        ])
    }

    #[test]
    fn server_spellings_parse() {
        let enum_ab = ColumnType::Enum {
            schema: None,
            name: String::new(),
            values: vec!["a".into(), "b'c".into(), "d,e".into(), r"x\y".into()],
        };
        let cases: Vec<(&str, ColumnType)> = vec![
            // MariaDB COLUMN_TYPE
            ("int(11)", ColumnType::int(4)),
            ("int(10) unsigned", ColumnType::uint(4)),
            ("tinyint(1)", ColumnType::Boolean),
            ("tinyint(4)", ColumnType::int(1)),
            ("tinyint(3) unsigned", ColumnType::uint(1)),
            ("tinyint(1) unsigned", ColumnType::uint(1)),
            ("smallint(6)", ColumnType::int(2)),
            ("bigint(20) unsigned", ColumnType::uint(8)),
            ("mediumint(9)", ColumnType::custom("mediumint")),
            (
                "mediumint(8) unsigned",
                ColumnType::custom("mediumint unsigned"),
            ),
            (
                "int(10) unsigned zerofill",
                ColumnType::custom("int(10) unsigned zerofill"),
            ),
            (
                "decimal(10,2)",
                ColumnType::Decimal {
                    precision: Some((10, 2)),
                },
            ),
            (
                "decimal(10,2) unsigned",
                ColumnType::custom("decimal(10,2) unsigned"),
            ),
            ("float", ColumnType::Float),
            ("double", ColumnType::Double),
            ("float(7,4)", ColumnType::custom("float(7,4)")),
            ("double(16,2)", ColumnType::custom("double(16,2)")),
            (
                "varchar(255)",
                ColumnType::String {
                    len: StringLen::N(255),
                },
            ),
            ("char(1)", ColumnType::Char { len: Some(1) }),
            ("text", ColumnType::Text),
            ("longtext", ColumnType::custom("longtext")),
            ("tinyblob", ColumnType::custom("tinyblob")),
            ("blob", ColumnType::Blob),
            ("binary(16)", ColumnType::Binary { len: 16 }),
            (
                "varbinary(20)",
                ColumnType::VarBinary {
                    len: StringLen::N(20),
                },
            ),
            ("bit(1)", ColumnType::Bit { len: Some(1) }),
            ("date", ColumnType::Date),
            ("time", ColumnType::Time),
            ("time(3)", ColumnType::custom("time(3)")),
            ("datetime", ColumnType::DateTime),
            ("datetime(6)", ColumnType::custom("datetime(6)")),
            ("timestamp", ColumnType::Timestamp),
            ("year(4)", ColumnType::Year),
            ("enum('a','b''c','d,e','x\\\\y')", enum_ab.clone()),
            ("set('x','y')", ColumnType::custom("set('x','y')")),
            ("uuid", ColumnType::custom("uuid")),
            ("inet6", ColumnType::custom("inet6")),
            ("point", ColumnType::custom("point")),
            // MySQL 8 COLUMN_TYPE
            ("int", ColumnType::int(4)),
            ("int unsigned", ColumnType::uint(4)),
            ("bigint unsigned", ColumnType::uint(8)),
            ("year", ColumnType::Year),
            ("json", ColumnType::Json),
            // strata's spellings
            ("bool", ColumnType::Boolean),
            ("int UNSIGNED", ColumnType::uint(4)),
            ("char", ColumnType::Char { len: Some(1) }),
            (
                "decimal",
                ColumnType::Decimal {
                    precision: Some((10, 0)),
                },
            ),
            (
                "decimal(12, 2)",
                ColumnType::Decimal {
                    precision: Some((12, 2)),
                },
            ),
            ("bit", ColumnType::Bit { len: Some(1) }),
            ("ENUM('a', 'b''c', 'd,e', 'x\\\\y')", enum_ab),
            // other spellings users write
            ("INTEGER", ColumnType::int(4)),
            ("BOOLEAN", ColumnType::Boolean),
            ("float(30)", ColumnType::Double),
            ("double precision", ColumnType::Double),
            (
                "numeric(8,3)",
                ColumnType::Decimal {
                    precision: Some((8, 3)),
                },
            ),
            ("  Geometry  ", ColumnType::custom("geometry")),
            ("serial", ColumnType::custom("serial")),
            ("my_type(1) odd", ColumnType::custom("my_type(1) odd")),
            ("", ColumnType::custom("")),
        ];
        for (sql, want) in cases {
            assert_eq!(parse(sql), want, "{sql}");
        }
    }

    #[test]
    fn canonical_type_is_idempotent_and_reads_strata_spelling_back() {
        for ty in all_types() {
            let once = Dialect::Mysql.canonical_type(&ty);
            assert_eq!(Dialect::Mysql.canonical_type(&once), once, "{ty:?}");
        }
        let cases = [
            (ColumnType::Boolean, ColumnType::Boolean),
            (ColumnType::uint(4), ColumnType::uint(4)),
            (ColumnType::Uuid, ColumnType::Binary { len: 16 }),
            (
                ColumnType::Char { len: None },
                ColumnType::Char { len: Some(1) },
            ),
            (
                ColumnType::String {
                    len: StringLen::None,
                },
                ColumnType::String {
                    len: StringLen::N(255),
                },
            ),
            (ColumnType::TimestampTz, ColumnType::Timestamp),
            (ColumnType::JsonBinary, ColumnType::Json),
            (
                ColumnType::VarBit { len: 5 },
                ColumnType::Bit { len: Some(5) },
            ),
            (
                ColumnType::Money {
                    precision: Some((19, 4)),
                },
                ColumnType::Decimal {
                    precision: Some((19, 4)),
                },
            ),
            (
                ColumnType::Enum {
                    schema: None,
                    name: "mood".into(),
                    values: vec!["a".into()],
                },
                ColumnType::Enum {
                    schema: None,
                    name: String::new(),
                    values: vec!["a".into()],
                },
            ),
        ];
        for (ty, want) in cases {
            assert_eq!(Dialect::Mysql.canonical_type(&ty), want, "{ty:?}");
        }
    }

    #[test]
    fn server_defaults_parse() {
        let int4 = ColumnType::int(4);
        let text = ColumnType::String {
            len: StringLen::N(20),
        };
        let dec = ColumnType::Decimal {
            precision: Some((10, 2)),
        };
        let bit = ColumnType::Bit { len: Some(8) };
        let cases: Vec<(&str, ColumnType, Option<DefaultValue>)> = vec![
            // MariaDB
            ("'abc'", text.clone(), string("abc")),
            ("'it''s \\\\ x'", text.clone(), string(r"it's \ x")),
            ("''", text.clone(), string("")),
            ("NULL", text.clone(), None),
            ("NULL", int4.clone(), None),
            ("'NULL'", text.clone(), string("NULL")),
            ("5", int4.clone(), int(5)),
            ("-3", int4.clone(), int(-3)),
            ("1.50", dec.clone(), float("1.5")),
            ("2", ColumnType::Double, int(2)),
            ("2.0", ColumnType::Double, int(2)),
            ("0.000", dec.clone(), int(0)),
            ("-0.50", dec.clone(), float("-0.5")),
            ("1e3", ColumnType::Double, int(1000)),
            ("1.5e-7", ColumnType::Double, float("1.5e-7")),
            ("1", ColumnType::Boolean, boolean(true)),
            ("0", ColumnType::Boolean, boolean(false)),
            ("'5'", text.clone(), string("5")),
            ("'5'", int4.clone(), int(5)),
            ("5", text.clone(), string("5")),
            ("b'101'", bit.clone(), int(5)),
            ("b'1'", ColumnType::Boolean, boolean(true)),
            (
                "current_timestamp()",
                ColumnType::Timestamp,
                expr("CURRENT_TIMESTAMP"),
            ),
            (
                "current_timestamp(3)",
                ColumnType::custom("datetime(3)"),
                expr("CURRENT_TIMESTAMP(3)"),
            ),
            ("curdate()", ColumnType::Date, expr("CURRENT_DATE")),
            ("curtime()", ColumnType::Time, expr("CURRENT_TIME")),
            ("uuid()", ColumnType::custom("uuid"), expr("uuid()")),
            ("(1 + 2)", int4.clone(), expr("1 + 2")),
            ("(`id` * 2)", int4.clone(), expr("`id` * 2")),
            ("concat('a','b')", text.clone(), expr("concat('a','b')")),
            (
                "curdate() + interval 7 day",
                ColumnType::Date,
                expr("curdate() + interval 7 day"),
            ),
            ("'2020-01-01'", ColumnType::Date, string("2020-01-01")),
            // MySQL 8
            (
                "CURRENT_TIMESTAMP",
                ColumnType::DateTime,
                expr("CURRENT_TIMESTAMP"),
            ),
            (
                "CURRENT_TIMESTAMP(6)",
                ColumnType::DateTime,
                expr("CURRENT_TIMESTAMP(6)"),
            ),
            ("0x616263", ColumnType::Binary { len: 3 }, string("abc")),
            ("0x0F", int4.clone(), int(15)),
            ("_utf8mb4'abc'", ColumnType::Text, expr("_utf8mb4'abc'")),
            // strata's spellings
            ("TRUE", ColumnType::Boolean, boolean(true)),
            ("FALSE", ColumnType::Boolean, boolean(false)),
            ("TRUE", int4.clone(), int(1)),
            ("'t'", ColumnType::Boolean, boolean(true)),
            ("'it''s'", text.clone(), string("it's")),
            ("(now())", ColumnType::DateTime, expr("CURRENT_TIMESTAMP")),
            ("now(3)", ColumnType::DateTime, expr("CURRENT_TIMESTAMP(3)")),
            ("CURRENT_DATE", ColumnType::Date, expr("CURRENT_DATE")),
            ("((a) + (b))", int4.clone(), expr("(a) + (b)")),
            ("(a) + (b)", int4.clone(), expr("(a) + (b)")),
            ("('x')", text.clone(), string("x")),
            ("(NULL)", text, None),
            ("8", ColumnType::custom("mediumint unsigned"), int(8)),
            ("'8'", ColumnType::custom("float(7,4)"), int(8)),
            ("'8'", ColumnType::custom("mediumtext"), string("8")),
        ];
        for (sql, ty, want) in cases {
            assert_eq!(parse_default(sql, &ty), want, "{sql} on {ty:?}");
        }
    }

    #[test]
    fn canonical_default_is_idempotent() {
        let defaults = [
            DefaultValue::Literal(Literal::Null),
            DefaultValue::Literal(Literal::Bool(true)),
            DefaultValue::Literal(Literal::Bool(false)),
            DefaultValue::Literal(Literal::Int(-7)),
            DefaultValue::Literal(Literal::Float("1.50".into())),
            DefaultValue::Literal(Literal::String(r"it's \ fine".into())),
            DefaultValue::Literal(Literal::String("5".into())),
            DefaultValue::Expr("CURRENT_TIMESTAMP".into()),
            DefaultValue::Expr("now()".into()),
            DefaultValue::Expr("CURRENT_DATE".into()),
            DefaultValue::Expr("uuid()".into()),
            DefaultValue::Expr("1 + 2".into()),
            DefaultValue::Opaque("Utc::now()".into()),
        ];
        for ty in all_types() {
            for d in &defaults {
                let once = Dialect::Mysql.canonical_default(d, &ty);
                let twice = once
                    .as_ref()
                    .and_then(|o| Dialect::Mysql.canonical_default(o, &ty));
                assert_eq!(twice, once, "{d:?} on {ty:?}");
            }
        }
    }
}
