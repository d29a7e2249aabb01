//! Interprets sea-query `ColumnType` constructor expressions, as written in `column_type = "..."`,
//! in `db_type = "..."` and in expanded entities' `ColumnType::X.def()` chains.

use strata_ir::{ColumnType, StringLen};
use syn::Expr;

use crate::depth::ParseError;

/// Interprets the text of a `column_type` or `db_type` attribute.
pub(crate) fn from_str(text: &str) -> Result<ColumnType, String> {
    let expr: Expr = crate::depth::parse_str(text).map_err(|e| match e {
        ParseError::Syntax(e) => format!("`{text}` is not an expression: {e}"),
        ParseError::TooDeep(deep) => deep.message("the column type"),
    })?;
    from_expr(&expr).map_err(|_| format!("`{text}` is not a ColumnType strata knows"))
}

/// Interprets `Text`, `ColumnType::Text`, `String(StringLen::N(255))`, `Decimal(Some((12, 2)))`,
/// `custom("citext")`, `Array(RcOrArc::new(ColumnType::Integer))` and the like.
pub(crate) fn from_expr(expr: &Expr) -> Result<ColumnType, String> {
    match expr {
        Expr::Path(p) => {
            let name = last_segment(&p.path).ok_or_else(|| unknown(expr))?;
            unit(&name).ok_or_else(|| unknown(expr))
        }
        Expr::Call(call) => {
            let Expr::Path(func) = &*call.func else {
                return Err(unknown(expr));
            };
            let name = last_segment(&func.path).ok_or_else(|| unknown(expr))?;
            let args: Vec<&Expr> = call.args.iter().collect();
            with_args(&name, &args).ok_or_else(|| unknown(expr))
        }
        Expr::Struct(s) => {
            // ColumnType::Enum { name: ..., variants: ... }
            let name = last_segment(&s.path).ok_or_else(|| unknown(expr))?;
            if name != "Enum" {
                return Err(unknown(expr));
            }
            let mut enum_name = None;
            let mut values = Vec::new();
            for field in &s.fields {
                let key = match &field.member {
                    syn::Member::Named(id) => id.to_string(),
                    syn::Member::Unnamed(_) => continue,
                };
                let strings = string_literals(&field.expr);
                match key.as_str() {
                    "name" => enum_name = strings.into_iter().next(),
                    "variants" => values = strings,
                    _ => {}
                }
            }
            let name = enum_name.ok_or_else(|| unknown(expr))?;
            Ok(ColumnType::Enum {
                schema: None,
                name,
                values,
            })
        }
        Expr::Paren(p) => from_expr(&p.expr),
        Expr::Group(g) => from_expr(&g.expr),
        _ => Err(unknown(expr)),
    }
}

fn unknown(expr: &Expr) -> String {
    format!(
        "`{}` is not a ColumnType strata knows",
        quote::quote!(#expr)
    )
}

fn last_segment(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}

fn unit(name: &str) -> Option<ColumnType> {
    Some(match name {
        "Text" => ColumnType::Text,
        "TinyInteger" => ColumnType::int(1),
        "SmallInteger" => ColumnType::int(2),
        "Integer" => ColumnType::int(4),
        "BigInteger" => ColumnType::int(8),
        "TinyUnsigned" => ColumnType::uint(1),
        "SmallUnsigned" => ColumnType::uint(2),
        "Unsigned" => ColumnType::uint(4),
        "BigUnsigned" => ColumnType::uint(8),
        "Float" => ColumnType::Float,
        "Double" => ColumnType::Double,
        "DateTime" => ColumnType::DateTime,
        "Timestamp" => ColumnType::Timestamp,
        "TimestampWithTimeZone" => ColumnType::TimestampTz,
        "Time" => ColumnType::Time,
        "Date" => ColumnType::Date,
        "Year" => ColumnType::Year,
        "Blob" => ColumnType::Blob,
        "Boolean" => ColumnType::Boolean,
        "Json" => ColumnType::Json,
        "JsonBinary" => ColumnType::JsonBinary,
        "Uuid" => ColumnType::Uuid,
        "Cidr" => ColumnType::Cidr,
        "Inet" => ColumnType::Inet,
        "MacAddr" => ColumnType::MacAddr,
        "LTree" => ColumnType::LTree,
        // Forms that take arguments, written without them.
        "String" => ColumnType::String {
            len: StringLen::None,
        },
        "Char" => ColumnType::Char { len: None },
        "Decimal" => ColumnType::Decimal { precision: None },
        "Money" => ColumnType::Money { precision: None },
        "Interval" => ColumnType::Interval {
            fields: None,
            precision: None,
        },
        "VarBinary" => ColumnType::VarBinary {
            len: StringLen::None,
        },
        _ => return None,
    })
}

fn with_args(name: &str, args: &[&Expr]) -> Option<ColumnType> {
    let first = args.first().copied();
    Some(match name {
        "String" => ColumnType::String {
            len: string_len(first?)?,
        },
        "VarBinary" => ColumnType::VarBinary {
            len: string_len(first?)?,
        },
        "Char" => ColumnType::Char {
            len: option_u32(first?)?,
        },
        "Bit" => ColumnType::Bit {
            len: option_u32(first?)?,
        },
        "Vector" => ColumnType::Vector {
            dim: option_u32(first?)?,
        },
        "Binary" => ColumnType::Binary {
            len: binary_len(first?)?,
        },
        "VarBit" => ColumnType::VarBit { len: int(first?)? },
        "Decimal" => ColumnType::Decimal {
            precision: option_pair(first?)?,
        },
        "Money" => ColumnType::Money {
            precision: option_pair(first?)?,
        },
        "Interval" => ColumnType::Interval {
            fields: first.and_then(interval_fields),
            precision: args.get(1).and_then(|e| option_u32(e)).flatten(),
        },
        "Array" => ColumnType::Array {
            of: Box::new(from_expr(unwrap_ctor(first?)).ok()?),
        },
        "custom" | "Custom" => ColumnType::Custom {
            sql: string_literals(first?).into_iter().next()?,
        },
        _ => return None,
    })
}

/// `RcOrArc::new(x)`, `Arc::new(x)`, `Box::new(x)`, `SeaRc::new(x)` → `x`.
fn unwrap_ctor(expr: &Expr) -> &Expr {
    if let Expr::Call(call) = expr
        && let Expr::Path(p) = &*call.func
        && p.path.segments.last().is_some_and(|s| s.ident == "new")
        && call.args.len() == 1
    {
        return unwrap_ctor(&call.args[0]);
    }
    expr
}

fn int(expr: &Expr) -> Option<u32> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        Expr::Paren(p) => int(&p.expr),
        Expr::Group(g) => int(&g.expr),
        _ => None,
    }
}

/// `Some(4)` → `Some(Some(4))`, `None` → `Some(None)`, a bare `4` (older SeaORM) → `Some(Some(4))`.
fn option_u32(expr: &Expr) -> Option<Option<u32>> {
    if is_none(expr) {
        return Some(None);
    }
    if let Some(inner) = some_arg(expr) {
        return int(inner).map(Some);
    }
    int(expr).map(Some)
}

fn option_pair(expr: &Expr) -> Option<Option<(u32, u32)>> {
    if is_none(expr) {
        return Some(None);
    }
    let inner = some_arg(expr)?;
    match inner {
        Expr::Tuple(t) if t.elems.len() == 2 => Some(Some((int(&t.elems[0])?, int(&t.elems[1])?))),
        _ => None,
    }
}

/// `StringLen::N(255)`, `StringLen::None`, `StringLen::Max`; also 1.x's `Some(255)` / `None`.
fn string_len(expr: &Expr) -> Option<StringLen> {
    if is_none(expr) {
        return Some(StringLen::None);
    }
    if let Some(inner) = some_arg(expr) {
        return int(inner).map(StringLen::N);
    }
    match expr {
        Expr::Path(p) => match last_segment(&p.path)?.as_str() {
            "None" => Some(StringLen::None),
            "Max" => Some(StringLen::Max),
            _ => None,
        },
        Expr::Call(call) => {
            let Expr::Path(func) = &*call.func else {
                return None;
            };
            if last_segment(&func.path)? == "N" {
                int(call.args.first()?).map(StringLen::N)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `Binary(16)`; also 0.x's `Binary(BlobSize::Blob(Some(16)))`.
fn binary_len(expr: &Expr) -> Option<u32> {
    int(expr).or_else(|| match expr {
        Expr::Call(call) => call.args.first().and_then(|a| option_u32(a).flatten()),
        _ => None,
    })
}

fn interval_fields(expr: &Expr) -> Option<String> {
    let inner = some_arg(expr)?;
    let Expr::Path(p) = inner else { return None };
    let name = last_segment(&p.path)?;
    // PgInterval::DayToSecond → DAY TO SECOND
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_uppercase());
    }
    Some(out)
}

fn is_none(expr: &Expr) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident("None"))
}

fn some_arg(expr: &Expr) -> Option<&Expr> {
    if let Expr::Call(call) = expr
        && let Expr::Path(p) = &*call.func
        && p.path.is_ident("Some")
        && call.args.len() == 1
    {
        return Some(&call.args[0]);
    }
    None
}

/// Every string literal inside an expression, in order (`"a".into()`, `vec!["a", "b"]`,
/// `Alias::new("x")`).
pub(crate) fn string_literals(expr: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    collect_strings(quote::quote!(#expr), &mut out);
    out
}

fn collect_strings(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Group(g) => collect_strings(g.stream(), out),
            proc_macro2::TokenTree::Literal(lit) => {
                if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&lit.to_string()) {
                    out.push(s.value());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seaorm_column_type_strings() {
        let cases = [
            (
                "String(StringLen::N(255))",
                ColumnType::String {
                    len: StringLen::N(255),
                },
            ),
            (
                "ColumnType::String(StringLen::N(200u32))",
                ColumnType::String {
                    len: StringLen::N(200),
                },
            ),
            (
                "String(StringLen::Max)",
                ColumnType::String {
                    len: StringLen::Max,
                },
            ),
            ("Char(Some(4u32))", ColumnType::Char { len: Some(4) }),
            (
                "Decimal(Some((12, 2)))",
                ColumnType::Decimal {
                    precision: Some((12, 2)),
                },
            ),
            ("Decimal(None)", ColumnType::Decimal { precision: None }),
            ("custom(\"citext\")", ColumnType::custom("citext")),
            (
                "Array(RcOrArc::new(ColumnType::Integer))",
                ColumnType::Array {
                    of: Box::new(ColumnType::int(4)),
                },
            ),
            (
                "Interval(None, None)",
                ColumnType::Interval {
                    fields: None,
                    precision: None,
                },
            ),
            (
                "VarBinary(StringLen::None)",
                ColumnType::VarBinary {
                    len: StringLen::None,
                },
            ),
            ("Binary(16)", ColumnType::Binary { len: 16 }),
        ];
        for (text, want) in cases {
            assert_eq!(from_str(text), Ok(want), "{text}");
        }
        assert!(from_str("Nonsense(1)").is_err());
        assert!(from_str("String(").is_err());
    }
}
