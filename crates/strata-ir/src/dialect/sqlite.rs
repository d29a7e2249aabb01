//! SQLite type spelling: SeaORM's names (`datetime_text`, `json_text`, `real(p, s)`), which are
//! what SeaORM-created SQLite databases hold and which SQLite maps to an affinity by name.
//!
//! The same file reads declared types back ([`parse`]): those names and the common hand-written
//! ones (`INTEGER`, `TEXT`, `REAL`, `NUMERIC`, `VARCHAR(255)`, `DATETIME`, ...), and column
//! defaults as `PRAGMA table_xinfo` reports them ([`parse_default`]).

use super::spelling::{Spelling, unquote};
use super::{Dialect, strip_outer_parens};
use crate::types::{ColumnType, DefaultValue, Literal, StringLen};

pub(super) fn spell(ty: &ColumnType) -> Option<String> {
    Some(match ty {
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Integer { bytes, .. } => match bytes {
            1 => "tinyint",
            2 => "smallint",
            _ => "integer",
        }
        .into(),
        ColumnType::Float => "float".into(),
        ColumnType::Double => "double".into(),
        ColumnType::Decimal { precision } => match precision {
            Some((p, s)) => format!("real({p}, {s})"),
            None => "real_decimal".into(),
        },
        ColumnType::Money { precision } => match precision {
            Some((p, s)) => format!("real_money({p}, {s})"),
            None => "real_money".into(),
        },
        ColumnType::String { len } => match len {
            StringLen::N(n) => format!("varchar({n})"),
            StringLen::None | StringLen::Max => "varchar".into(),
        },
        ColumnType::Char { len } => match len {
            Some(n) => format!("char({n})"),
            None => "char".into(),
        },
        ColumnType::Text => "text".into(),
        ColumnType::Blob => "blob".into(),
        ColumnType::Binary { len } => format!("blob({len})"),
        ColumnType::VarBinary { len } => match len {
            StringLen::N(n) => format!("varbinary_blob({n})"),
            StringLen::None | StringLen::Max => "varbinary_blob".into(),
        },
        ColumnType::Date => "date_text".into(),
        ColumnType::Time => "time_text".into(),
        ColumnType::DateTime => "datetime_text".into(),
        ColumnType::Timestamp => "timestamp_text".into(),
        ColumnType::TimestampTz => "timestamp_with_timezone_text".into(),
        ColumnType::Json => "json_text".into(),
        ColumnType::JsonBinary => "jsonb_text".into(),
        ColumnType::Uuid => "uuid_text".into(),
        ColumnType::Enum { .. } => "enum_text".into(),
        ColumnType::Custom { sql } => sql.clone(),
        ColumnType::Interval { .. }
        | ColumnType::Year
        | ColumnType::Bit { .. }
        | ColumnType::VarBit { .. }
        | ColumnType::Inet
        | ColumnType::Cidr
        | ColumnType::MacAddr
        | ColumnType::LTree
        | ColumnType::Vector { .. }
        | ColumnType::Array { .. } => return None,
    })
}

/// Reads a declared type back (case-insensitive; see [`Dialect::parse_type`]). strata's
/// own spellings map to the type strata created them from, and hand-written names to the type
/// strata would spell the same way, so that every result is its own canonical type (`BIGINT` is
/// `int32`, as `integer` is: strata spells every 4- and 8-byte integer that way, and SQLite
/// stores them alike). Anything else is [`ColumnType::Custom`], including a column declared
/// without a type (`Custom("")`).
pub(super) fn parse(sql: &str) -> ColumnType {
    let sql = sql.trim();
    known(&Spelling::parse(sql)).unwrap_or_else(|| ColumnType::custom(sql))
}

fn known(s: &Spelling) -> Option<ColumnType> {
    // `int(11) unsigned` has `unsigned` in the tail, `integer unsigned` in the base.
    let (base, unsigned) = match s.base.strip_suffix(" unsigned") {
        Some(base) if s.tail.is_empty() => (base, true),
        _ if s.tail == "unsigned" => (s.base.as_str(), true),
        _ if s.tail.is_empty() => (s.base.as_str(), false),
        _ => return None,
    };
    let nums: Vec<u32> = (0..s.args.len()).map(|i| s.num(i)).collect::<Option<_>>()?;
    // Every SQLite integer is 8 bytes and signed. strata (like sea-query) spells 4- and 8-byte,
    // signed and unsigned integers alike as `integer`, so all of them read back as `int32`:
    // only `tinyint` and `smallint` keep a width of their own.
    let int = match base {
        "tinyint" | "int1" => Some(1),
        "smallint" | "int2" => Some(2),
        "int" | "integer" | "mediumint" | "int4" | "bigint" | "int8" | "unsigned big int" => {
            Some(4)
        }
        _ => None,
    };
    if let Some(bytes) = int {
        return (nums.len() <= 1).then_some(ColumnType::int(bytes));
    }
    if unsigned {
        return None;
    }
    let precision = || match nums[..] {
        [] => Some(None),
        [p] => Some(Some((p, 0))),
        [p, s] => Some(Some((p, s))),
        _ => None,
    };
    let string_len = || match nums[..] {
        [] => Some(StringLen::None),
        [n] => Some(StringLen::N(n)),
        _ => None,
    };
    let bare = |ty: ColumnType| nums.is_empty().then_some(ty);
    match base {
        "boolean" | "bool" => bare(ColumnType::Boolean),
        "float" | "float4" => bare(ColumnType::Float),
        "double" | "double precision" | "float8" => bare(ColumnType::Double),
        // Plain `REAL` is SQLite's 8-byte float; `real(p, s)` is how SeaORM spells a decimal.
        "real" if nums.is_empty() => Some(ColumnType::Double),
        "real" | "real_decimal" | "decimal" | "numeric" => {
            precision().map(|precision| ColumnType::Decimal { precision })
        }
        "real_money" | "money" => precision().map(|precision| ColumnType::Money { precision }),
        "varchar"
        | "character varying"
        | "varying character"
        | "nvarchar"
        | "native character varying" => string_len().map(|len| ColumnType::String { len }),
        "char" | "character" | "nchar" | "native character" => match nums[..] {
            [] => Some(ColumnType::Char { len: None }),
            [n] => Some(ColumnType::Char { len: Some(n) }),
            _ => None,
        },
        "text" | "clob" => bare(ColumnType::Text),
        "blob" => match nums[..] {
            [] => Some(ColumnType::Blob),
            [len] => Some(ColumnType::Binary { len }),
            _ => None,
        },
        "binary" => match nums[..] {
            [len] => Some(ColumnType::Binary { len }),
            _ => None,
        },
        "varbinary_blob" | "varbinary" => string_len().map(|len| ColumnType::VarBinary { len }),
        "date_text" | "date" => bare(ColumnType::Date),
        "time_text" | "time" => bare(ColumnType::Time),
        "datetime_text" | "datetime" => bare(ColumnType::DateTime),
        "timestamp_text" | "timestamp" => bare(ColumnType::Timestamp),
        "timestamp_with_timezone_text" | "timestamptz" | "timestamp with time zone" => {
            bare(ColumnType::TimestampTz)
        }
        "json_text" | "json" => bare(ColumnType::Json),
        "jsonb_text" | "jsonb" => bare(ColumnType::JsonBinary),
        "uuid_text" | "uuid" => bare(ColumnType::Uuid),
        // The name and values of an enum live in the entity, not in the database.
        "enum_text" => bare(ColumnType::Enum {
            schema: None,
            name: String::new(),
            values: Vec::new(),
        }),
        _ => None,
    }
}

/// Reads a default back as `PRAGMA table_xinfo` reports it (see
/// [`Dialect::parse_default`]): the text as written after `DEFAULT`, where SQLite has
/// already dropped the parentheses of `DEFAULT (expr)`. Parentheses that remain are stripped too,
/// so `(1)` is the literal `1`.
///
/// Literals are typed by the column type, as SQLite's column affinity stores them: numbers on
/// numeric columns (`'1.50'` is `1.5`, `2.0` is `2`), booleans on boolean columns (`1`, `'t'`,
/// `TRUE`), strings on text-like columns (`1` is `'1'`). `X'00'` blobs and every other
/// expression are [`DefaultValue::Expr`], with `CURRENT_TIMESTAMP`, `CURRENT_DATE` and
/// `CURRENT_TIME` (and `now()`, `current_timestamp()`) uppercased.
pub(super) fn parse_default(sql: &str, ty: &ColumnType) -> Option<DefaultValue> {
    let text = strip_outer_parens(sql, Dialect::Sqlite);
    if text.is_empty() || text.eq_ignore_ascii_case("null") {
        return None;
    }
    let string = unquote(text, false);
    let number = number(text);
    let typed = match Affinity::of(ty) {
        Affinity::Boolean => boolean(text, string.as_deref()).map(Literal::Bool),
        Affinity::Numeric => number
            .clone()
            .or_else(|| string.as_deref().and_then(number_in_string)),
        Affinity::Text => string
            .clone()
            .or_else(|| number.is_some().then(|| compact_sign(text)))
            .map(Literal::String),
        Affinity::Other => None,
    };
    let literal = typed
        .or(number)
        .or_else(|| string.map(Literal::String))
        .or_else(|| boolean_keyword(text).map(Literal::Bool));
    Some(match literal {
        Some(literal) => DefaultValue::Literal(literal),
        None => DefaultValue::Expr(expression(text)),
    })
}

/// How a default literal is typed on a column of a given type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Affinity {
    Boolean,
    Numeric,
    Text,
    Other,
}

impl Affinity {
    fn of(ty: &ColumnType) -> Affinity {
        match ty {
            ColumnType::Boolean => Affinity::Boolean,
            ColumnType::Integer { .. }
            | ColumnType::Float
            | ColumnType::Double
            | ColumnType::Decimal { .. }
            | ColumnType::Money { .. } => Affinity::Numeric,
            ColumnType::String { .. }
            | ColumnType::Char { .. }
            | ColumnType::Text
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::DateTime
            | ColumnType::Timestamp
            | ColumnType::TimestampTz
            | ColumnType::Json
            | ColumnType::JsonBinary
            | ColumnType::Uuid
            | ColumnType::Enum { .. } => Affinity::Text,
            _ => Affinity::Other,
        }
    }
}

/// `TRUE`/`FALSE`, `1`/`0`, or a quoted `'t'`, `'false'`, `'1'`, `'yes'`, ...
fn boolean(text: &str, string: Option<&str>) -> Option<bool> {
    if let Some(b) = boolean_keyword(text) {
        return Some(b);
    }
    let word = match string {
        Some(s) => s.trim().to_ascii_lowercase(),
        None => compact_sign(text),
    };
    match word.as_str() {
        "1" | "t" | "true" | "y" | "yes" | "on" => Some(true),
        "0" | "f" | "false" | "n" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn boolean_keyword(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A number inside a string literal (`'1.50'`), which numeric affinity stores as a number.
fn number_in_string(text: &str) -> Option<Literal> {
    let text = text.trim();
    if text.starts_with(['-', '+']) && text[1..].starts_with(char::is_whitespace) {
        return None;
    }
    number(text)
}

/// A signed numeric literal (`-1`, `- 1`, `+5`, `1.50`, `.5`, `1e3`, `0x1F`): an integer when it
/// is integral, else a float with trailing fractional zeros trimmed (exponents kept as written,
/// lowercased).
fn number(text: &str) -> Option<Literal> {
    let text = compact_sign(text);
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text.as_str()),
    };
    let sign = if negative { "-" } else { "" };
    if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let value = i128::from_str_radix(hex, 16).ok()?;
        return Some(Literal::Int(if negative { -value } else { value }));
    }
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part)
        || !frac_part.is_none_or(all_digits)
        || (int_part.is_empty() && frac_part.is_none_or(str::is_empty))
    {
        return None;
    }
    if let Some(exp) = exponent {
        let exp_digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if exp_digits.is_empty() || !all_digits(exp_digits) {
            return None;
        }
        return Some(Literal::Float(format!(
            "{sign}{}",
            digits.to_ascii_lowercase()
        )));
    }
    let int_part = int_part.trim_start_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let frac = frac_part.unwrap_or("").trim_end_matches('0');
    if frac.is_empty() {
        let whole = format!("{sign}{int_part}");
        return Some(match whole.parse::<i128>() {
            Ok(i) => Literal::Int(i),
            Err(_) => Literal::Float(whole),
        });
    }
    Some(Literal::Float(format!("{sign}{int_part}.{frac}")))
}

/// `- 1` → `-1` (SQLite reports a signed default as written, spaces included).
fn compact_sign(text: &str) -> String {
    let text = text.trim();
    match text.strip_prefix(['-', '+']) {
        Some(rest) => format!("{}{}", &text[..1], rest.trim_start()),
        None => text.to_owned(),
    }
}

/// An expression default, normalised: the `CURRENT_*` keywords uppercased, `now()` and
/// `current_timestamp()` as `CURRENT_TIMESTAMP`, blob literals as `X'..'`.
fn expression(text: &str) -> String {
    let compact: String = text
        .split_whitespace()
        .collect::<String>()
        .to_ascii_lowercase();
    match compact.as_str() {
        "current_timestamp" | "current_timestamp()" | "now()" => {
            return "CURRENT_TIMESTAMP".to_owned();
        }
        "current_date" | "current_date()" => return "CURRENT_DATE".to_owned(),
        "current_time" | "current_time()" => return "CURRENT_TIME".to_owned(),
        _ => {}
    }
    if let Some(rest) = text.strip_prefix('x')
        && rest.starts_with('\'')
        && unquote(rest, false).is_some()
    {
        return format!("X{rest}");
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dialect;

    fn int(bytes: u8) -> ColumnType {
        ColumnType::int(bytes)
    }

    fn string(n: u32) -> ColumnType {
        ColumnType::String {
            len: StringLen::N(n),
        }
    }

    fn decimal(p: u32, s: u32) -> ColumnType {
        ColumnType::Decimal {
            precision: Some((p, s)),
        }
    }

    #[test]
    fn declared_types_parse_case_insensitively() {
        let enum_text = ColumnType::Enum {
            schema: None,
            name: String::new(),
            values: Vec::new(),
        };
        let cases: Vec<(&str, ColumnType)> = vec![
            // strata's (SeaORM's) spellings
            ("integer", int(4)),
            ("tinyint", int(1)),
            ("smallint", int(2)),
            ("bigint", int(4)),
            ("boolean", ColumnType::Boolean),
            ("float", ColumnType::Float),
            ("double", ColumnType::Double),
            ("real(12, 2)", decimal(12, 2)),
            ("real_decimal", ColumnType::Decimal { precision: None }),
            ("real_money", ColumnType::Money { precision: None }),
            (
                "real_money(19, 4)",
                ColumnType::Money {
                    precision: Some((19, 4)),
                },
            ),
            ("varchar(20)", string(20)),
            (
                "varchar",
                ColumnType::String {
                    len: StringLen::None,
                },
            ),
            ("char(3)", ColumnType::Char { len: Some(3) }),
            ("char", ColumnType::Char { len: None }),
            ("text", ColumnType::Text),
            ("blob", ColumnType::Blob),
            ("blob(16)", ColumnType::Binary { len: 16 }),
            (
                "varbinary_blob(32)",
                ColumnType::VarBinary {
                    len: StringLen::N(32),
                },
            ),
            (
                "varbinary_blob",
                ColumnType::VarBinary {
                    len: StringLen::None,
                },
            ),
            ("date_text", ColumnType::Date),
            ("time_text", ColumnType::Time),
            ("datetime_text", ColumnType::DateTime),
            ("timestamp_text", ColumnType::Timestamp),
            ("timestamp_with_timezone_text", ColumnType::TimestampTz),
            ("json_text", ColumnType::Json),
            ("jsonb_text", ColumnType::JsonBinary),
            ("uuid_text", ColumnType::Uuid),
            ("enum_text", enum_text.clone()),
            ("ENUM_TEXT", enum_text),
            // hand-written ones
            ("INTEGER", int(4)),
            ("INT", int(4)),
            ("INT(11)", int(4)),
            ("int unsigned", int(4)),
            ("int(10) unsigned", int(4)),
            ("BIGINT UNSIGNED", int(4)),
            ("UNSIGNED BIG INT", int(4)),
            ("tinyint unsigned", int(1)),
            ("INT8", int(4)),
            ("TEXT", ColumnType::Text),
            ("REAL", ColumnType::Double),
            ("DOUBLE PRECISION", ColumnType::Double),
            ("NUMERIC", ColumnType::Decimal { precision: None }),
            ("DECIMAL(10,2)", decimal(10, 2)),
            ("NUMERIC(10)", decimal(10, 0)),
            ("BLOB", ColumnType::Blob),
            ("VARCHAR(255)", string(255)),
            ("VARCHAR ( 255 )", string(255)),
            ("NVARCHAR(100)", string(100)),
            ("CHARACTER(20)", ColumnType::Char { len: Some(20) }),
            ("CLOB", ColumnType::Text),
            ("DATETIME", ColumnType::DateTime),
            ("DATE", ColumnType::Date),
            ("BOOLEAN", ColumnType::Boolean),
            ("Bool", ColumnType::Boolean),
            ("  Json  ", ColumnType::Json),
            // unknown or malformed: kept as written
            ("", ColumnType::custom("")),
            ("  ", ColumnType::custom("")),
            ("geometry", ColumnType::custom("geometry")),
            ("TEXT(10)", ColumnType::custom("TEXT(10)")),
            ("varchar(x)", ColumnType::custom("varchar(x)")),
            ("varchar(1, 2)", ColumnType::custom("varchar(1, 2)")),
            ("blob unsigned", ColumnType::custom("blob unsigned")),
            ("int(1, 2)", ColumnType::custom("int(1, 2)")),
            ("))", ColumnType::custom("))")),
        ];
        for (sql, want) in cases {
            assert_eq!(parse(sql), want, "{sql:?}");
            // What introspection reads is what strata recreates: its own canonical type.
            assert_eq!(Dialect::Sqlite.canonical_type(&want), want, "{sql:?}");
        }
    }

    /// Every variant, plus hand-written SQLite spellings.
    fn all_types() -> Vec<ColumnType> {
        crate::dialect::tests::one_of_every_type(&["", "INTEGER", " text "])
    }

    #[test]
    fn strata_spellings_read_back_and_canonical_types_are_idempotent() {
        let d = Dialect::Sqlite;
        for ty in all_types() {
            let canonical = d.canonical_type(&ty);
            assert_eq!(d.canonical_type(&canonical), canonical, "{ty:?}");
            let Ok(spelled) = d.spell_type(&ty) else {
                assert_eq!(canonical, ty, "unstorable types stay as they are");
                continue;
            };
            assert_eq!(parse(&spelled), canonical, "{ty:?} spelled {spelled}");
            // Everything but custom spellings, enums, the integer widths strata spells as
            // `integer` and the `Max` lengths comes back as itself.
            let lossy = matches!(
                ty,
                ColumnType::Custom { .. }
                    | ColumnType::Enum { .. }
                    | ColumnType::Integer { .. }
                    | ColumnType::String {
                        len: StringLen::Max
                    }
                    | ColumnType::VarBinary {
                        len: StringLen::Max
                    }
            );
            if !lossy {
                assert_eq!(canonical, ty, "{spelled}");
            }
        }
        assert_eq!(d.canonical_type(&ColumnType::int(8)), int(4));
        assert_eq!(d.canonical_type(&ColumnType::uint(2)), int(2));
        assert_eq!(
            d.canonical_type(&ColumnType::custom("INTEGER")),
            ColumnType::int(4)
        );
    }

    fn lit(l: Literal) -> Option<DefaultValue> {
        Some(DefaultValue::Literal(l))
    }

    fn expr(e: &str) -> Option<DefaultValue> {
        Some(DefaultValue::Expr(e.into()))
    }

    fn s(text: &str) -> Option<DefaultValue> {
        lit(Literal::String(text.into()))
    }

    fn float(text: &str) -> Option<DefaultValue> {
        lit(Literal::Float(text.into()))
    }

    #[test]
    fn defaults_parse_as_table_xinfo_reports_them() {
        let text = ColumnType::Text;
        let integer = int(4);
        let double = ColumnType::Double;
        let boolean = ColumnType::Boolean;
        let blob = ColumnType::Blob;
        let custom = ColumnType::custom("");
        let cases: Vec<(&str, &ColumnType, Option<DefaultValue>)> = vec![
            ("'x'", &text, s("x")),
            ("'it''s'", &text, s("it's")),
            ("''", &text, s("")),
            ("1", &integer, lit(Literal::Int(1))),
            ("-1", &integer, lit(Literal::Int(-1))),
            ("- 1", &integer, lit(Literal::Int(-1))),
            ("+5", &integer, lit(Literal::Int(5))),
            ("007", &integer, lit(Literal::Int(7))),
            ("0x1F", &integer, lit(Literal::Int(31))),
            ("1.5", &double, float("1.5")),
            ("1.50", &double, float("1.5")),
            ("2.0", &double, lit(Literal::Int(2))),
            (".5", &double, float("0.5")),
            ("-0.250", &double, float("-0.25")),
            ("1E3", &double, float("1e3")),
            ("'1.50'", &double, float("1.5")),
            ("'abc'", &integer, s("abc")),
            ("1", &text, s("1")),
            ("- 2.5", &text, s("-2.5")),
            ("TRUE", &boolean, lit(Literal::Bool(true))),
            ("false", &boolean, lit(Literal::Bool(false))),
            ("1", &boolean, lit(Literal::Bool(true))),
            ("0", &boolean, lit(Literal::Bool(false))),
            ("'t'", &boolean, lit(Literal::Bool(true))),
            ("'false'", &boolean, lit(Literal::Bool(false))),
            ("2", &boolean, lit(Literal::Int(2))),
            ("TRUE", &integer, lit(Literal::Bool(true))),
            ("1", &custom, lit(Literal::Int(1))),
            ("'x'", &custom, s("x")),
            ("NULL", &text, None),
            ("null", &integer, None),
            ("(NULL)", &integer, None),
            ("", &integer, None),
            ("(1)", &integer, lit(Literal::Int(1))),
            ("((('a')))", &text, s("a")),
            ("(')(')", &text, s(")(")),
            ("CURRENT_TIMESTAMP", &text, expr("CURRENT_TIMESTAMP")),
            ("current_timestamp", &custom, expr("CURRENT_TIMESTAMP")),
            ("(current_date)", &text, expr("CURRENT_DATE")),
            ("Current_Time", &text, expr("CURRENT_TIME")),
            ("now()", &text, expr("CURRENT_TIMESTAMP")),
            ("X'00ff'", &blob, expr("X'00ff'")),
            ("x'00'", &blob, expr("X'00'")),
            ("lower('X')", &text, expr("lower('X')")),
            ("(lower('X'))", &text, expr("lower('X')")),
            ("(a) + (b)", &integer, expr("(a) + (b)")),
            (
                "datetime('now', 'localtime')",
                &text,
                expr("datetime('now', 'localtime')"),
            ),
            ("'a' || 'b'", &text, expr("'a' || 'b'")),
            ("1.2.3", &integer, expr("1.2.3")),
            ("-", &integer, expr("-")),
            ("e5", &integer, expr("e5")),
            ("1e", &integer, expr("1e")),
            ("0x", &integer, expr("0x")),
            (
                "99999999999999999999999999999999999999999",
                &integer,
                float("99999999999999999999999999999999999999999"),
            ),
        ];
        for (sql, ty, want) in cases {
            assert_eq!(parse_default(sql, ty), want, "{sql:?} on {ty}");
        }
    }

    #[test]
    fn canonical_defaults_are_idempotent() {
        let d = Dialect::Sqlite;
        let defaults = [
            DefaultValue::Literal(Literal::Int(1)),
            DefaultValue::Literal(Literal::Int(-7)),
            DefaultValue::Literal(Literal::Float("1.50".into())),
            DefaultValue::Literal(Literal::Float("2.0".into())),
            DefaultValue::Literal(Literal::Bool(true)),
            DefaultValue::Literal(Literal::String("it's".into())),
            DefaultValue::Literal(Literal::String("1".into())),
            DefaultValue::Literal(Literal::String(" - 1".into())),
            DefaultValue::Literal(Literal::Null),
            DefaultValue::Expr("CURRENT_TIMESTAMP".into()),
            DefaultValue::Expr("current_date".into()),
            DefaultValue::Expr("lower('A')".into()),
            DefaultValue::Expr("(1 + 2)".into()),
            DefaultValue::Expr("1".into()),
            DefaultValue::Expr("X'00'".into()),
            DefaultValue::Opaque("Uuid::new_v4()".into()),
        ];
        for ty in all_types() {
            for default in &defaults {
                let once = d.canonical_default(default, &ty);
                let twice = once.as_ref().and_then(|o| d.canonical_default(o, &ty));
                assert_eq!(twice, once, "{default:?} on {ty:?}");
            }
        }
    }

    #[test]
    fn parsing_never_panics_on_odd_text() {
        let odd = [
            "(", ")", "((", "'", "'''", "\"", "[", "(')", "-", "+", "- ", "0x", "0xZZ", "é", "(é)",
            "x'", "xé", "X", "1e+", ".", "-.", "varchar(", "real(1,", "int(-1)", "\u{0}", "(((",
            ")))", "'é", "+é", "-\u{301}",
        ];
        for sql in odd {
            let _ = parse(sql);
            for ty in all_types() {
                let _ = parse_default(sql, &ty);
            }
        }
    }
}
