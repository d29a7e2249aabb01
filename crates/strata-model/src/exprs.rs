//! Small interpreters for the Rust expressions entities embed: `default_expr` values,
//! `ForeignKeyAction`s, column references, and builder method chains
//! (`ColumnType::X.def().null()`, `Entity::belongs_to(..).from(..).to(..)`).

use strata_ir::{DefaultValue, FkAction, Literal};
use syn::Expr;

use crate::attrs::{Value, lit_value};

/// Interprets a `default_expr` (or a builder's `.default(..)` argument). Returns the default and
/// whether it was understood; an expression outside the known subset is kept as
/// [`DefaultValue::Opaque`].
pub(crate) fn default_from_expr(expr: &Expr) -> (DefaultValue, bool) {
    if let Some(value) = known_default(expr) {
        return (value, true);
    }
    (DefaultValue::Opaque(tokens(expr)), false)
}

fn known_default(expr: &Expr) -> Option<DefaultValue> {
    match expr {
        Expr::Lit(lit) => literal(&lit_value(&lit.lit)).map(DefaultValue::Literal),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr: inner,
            ..
        }) => match known_default(inner)? {
            DefaultValue::Literal(Literal::Int(i)) => Some(DefaultValue::Literal(Literal::Int(-i))),
            DefaultValue::Literal(Literal::Float(f)) => {
                Some(DefaultValue::Literal(Literal::Float(format!("-{f}"))))
            }
            _ => None,
        },
        Expr::Paren(p) => known_default(&p.expr),
        Expr::Group(g) => known_default(&g.expr),
        Expr::Path(p) => keyword(&p.path.segments.last()?.ident.to_string()),
        Expr::Call(call) => {
            let Expr::Path(func) = &*call.func else {
                return None;
            };
            let name = func.path.segments.last()?.ident.to_string();
            let first = call.args.first();
            match name.as_str() {
                "current_timestamp" => Some(DefaultValue::Expr("CURRENT_TIMESTAMP".into())),
                "current_date" => Some(DefaultValue::Expr("CURRENT_DATE".into())),
                "current_time" => Some(DefaultValue::Expr("CURRENT_TIME".into())),
                "cust" | "custom_keyword" | "cust_with_values" | "Custom" => {
                    let sql = crate::column_type::string_literals(first?)
                        .into_iter()
                        .next()?;
                    Some(DefaultValue::Expr(sql))
                }
                "val" | "value" | "Value" | "from" | "Some" => known_default(first?),
                // SimpleExpr::Keyword(Keyword::CurrentTimestamp)
                "Keyword" => known_default(first?),
                _ => None,
            }
        }
        Expr::MethodCall(m) if m.method == "into" || m.method == "to_owned" => {
            known_default(&m.receiver)
        }
        _ => None,
    }
}

fn keyword(name: &str) -> Option<DefaultValue> {
    Some(match name {
        "CurrentTimestamp" => DefaultValue::Expr("CURRENT_TIMESTAMP".into()),
        "CurrentDate" => DefaultValue::Expr("CURRENT_DATE".into()),
        "CurrentTime" => DefaultValue::Expr("CURRENT_TIME".into()),
        "Null" => DefaultValue::Literal(Literal::Null),
        _ => return None,
    })
}

/// A `default_value = <literal>` attribute value as a literal default.
pub(crate) fn literal(value: &Value) -> Option<Literal> {
    Some(match value {
        Value::Str(s) => Literal::String(s.clone()),
        Value::Int(i) => Literal::Int(*i),
        // SeaORM holds float defaults as f64, so `1.50` is written `1.5`.
        Value::Float(f) => Literal::Float(
            f.parse::<f64>()
                .map_or_else(|_| f.clone(), |x| x.to_string()),
        ),
        Value::Bool(b) => Literal::Bool(*b),
        Value::Flag | Value::Other(_) => return None,
    })
}

/// `ForeignKeyAction::Cascade`, `Cascade`, `"Cascade"`.
pub(crate) fn fk_action(expr: &Expr) -> Option<FkAction> {
    match expr {
        Expr::Path(p) => FkAction::parse(&p.path.segments.last()?.ident.to_string()),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => FkAction::parse(&s.value()),
        Expr::Group(g) => fk_action(&g.expr),
        _ => None,
    }
}

/// `Column::AuthorId` → `["AuthorId"]`; `(Column::A, Column::B)` → `["A", "B"]`;
/// `super::users::Column::Id` → `["Id"]`. These are Column variant names.
pub(crate) fn column_refs(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Path(p) => Some(vec![p.path.segments.last()?.ident.to_string()]),
        Expr::Tuple(t) => t
            .elems
            .iter()
            .map(|e| column_refs(e).and_then(|v| v.into_iter().next()))
            .collect(),
        Expr::Paren(p) => column_refs(&p.expr),
        Expr::Group(g) => column_refs(&g.expr),
        _ => None,
    }
}

/// Parses `Column::AuthorId`, `(Column::A, Column::B)` or a dense `author_id` / `(a, b)` from an
/// attribute string into the Column variant names they designate.
pub(crate) fn column_refs_from_str(text: &str) -> Option<Vec<String>> {
    let expr: Expr = crate::depth::parse_str(text).ok()?;
    column_refs(&expr).map(|names| {
        names
            .into_iter()
            .map(|n| crate::naming::variant_name(&n))
            .collect()
    })
}

/// A path expression's segments (`super::users::Entity` → `["super", "users", "Entity"]`).
pub(crate) fn path_segments(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Path(p) => Some(
            p.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect(),
        ),
        Expr::Group(g) => path_segments(&g.expr),
        Expr::Paren(p) => path_segments(&p.expr),
        _ => None,
    }
}

/// A method chain `receiver.a(x).b()` taken apart: the innermost receiver and the calls, in
/// order.
pub(crate) struct Chain<'a> {
    pub receiver: &'a Expr,
    pub calls: Vec<Call<'a>>,
}

pub(crate) struct Call<'a> {
    pub method: String,
    pub args: Vec<&'a Expr>,
    pub span: proc_macro2::Span,
}

pub(crate) fn chain(mut expr: &Expr) -> Chain<'_> {
    let mut calls = Vec::new();
    loop {
        match expr {
            Expr::MethodCall(m) => {
                calls.push(Call {
                    method: m.method.to_string(),
                    args: m.args.iter().collect(),
                    span: m.method.span(),
                });
                expr = &m.receiver;
            }
            Expr::Group(g) => expr = &g.expr,
            Expr::Paren(p) => expr = &p.expr,
            _ => break,
        }
    }
    calls.reverse();
    Chain {
        receiver: expr,
        calls,
    }
}

pub(crate) fn tokens(expr: &Expr) -> String {
    quote::quote!(#expr).to_string()
}

/// The string in a string literal argument.
pub(crate) fn str_arg(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        Expr::Group(g) => str_arg(&g.expr),
        Expr::Reference(r) => str_arg(&r.expr),
        Expr::MethodCall(m)
            if m.method == "into" || m.method == "to_owned" || m.method == "to_string" =>
        {
            str_arg(&m.receiver)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default(text: &str) -> (DefaultValue, bool) {
        default_from_expr(&syn::parse_str(text).unwrap())
    }

    #[test]
    fn known_default_expressions() {
        assert_eq!(
            default("Expr::current_timestamp()"),
            (DefaultValue::Expr("CURRENT_TIMESTAMP".into()), true)
        );
        assert_eq!(
            default("Expr::cust(\"gen_random_uuid()\")"),
            (DefaultValue::Expr("gen_random_uuid()".into()), true)
        );
        assert_eq!(
            default("Expr::val(5)"),
            (DefaultValue::Literal(Literal::Int(5)), true)
        );
        assert_eq!(
            default("\"x\""),
            (DefaultValue::Literal(Literal::String("x".into())), true)
        );
        assert!(!default("my_default()").1);
    }
}
