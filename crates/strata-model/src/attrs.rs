//! `#[sea_orm(...)]` and `#[derive(...)]` attribute reading into owned key/value lists.

use syn::Attribute;
use syn::spanned::Spanned;

use crate::diagnostic::{Diagnostic, Loc, Locator};

/// The value of one `key = value` (or bare `key`) entry.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Flag,
    Str(String),
    Int(i128),
    Float(String),
    Bool(bool),
    /// Anything else (`key(...)`, paths), kept as token text.
    Other(String),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub key: String,
    pub value: Value,
    pub loc: Loc,
}

/// All entries of the `#[sea_orm(...)]` attributes in `attrs`, in order. Malformed attributes are
/// reported and skipped.
pub(crate) fn sea_orm_entries(
    attrs: &[Attribute],
    locator: &Locator<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Entry> {
    let mut entries = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("sea_orm")) {
        if !matches!(attr.meta, syn::Meta::List(_)) {
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::");
            let loc = locator.loc(meta.path.span());
            let value = if meta.input.peek(syn::Token![=]) {
                let expr: syn::Expr = meta.value()?.parse()?;
                expr_value(&expr)
            } else if meta.input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in meta.input);
                let tokens: proc_macro2::TokenStream = content.parse()?;
                Value::Other(tokens.to_string())
            } else {
                Value::Flag
            };
            entries.push(Entry { key, value, loc });
            Ok(())
        });
        if let Err(err) = result {
            diagnostics.push(
                locator
                    .loc(err.span())
                    .error(format!("cannot read this #[sea_orm(...)] attribute: {err}")),
            );
        }
    }
    entries
}

fn expr_value(expr: &syn::Expr) -> Value {
    match expr {
        syn::Expr::Lit(lit) => lit_value(&lit.lit),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => match expr_value(expr) {
            Value::Int(i) => Value::Int(-i),
            Value::Float(f) => Value::Float(format!("-{f}")),
            _ => Value::Other(quote::quote!(#expr).to_string()),
        },
        syn::Expr::Group(g) => expr_value(&g.expr),
        other => Value::Other(quote::quote!(#other).to_string()),
    }
}

pub(crate) fn lit_value(lit: &syn::Lit) -> Value {
    match lit {
        syn::Lit::Str(s) => Value::Str(s.value()),
        syn::Lit::Int(i) => match i.base10_parse::<i128>() {
            Ok(n) => Value::Int(n),
            Err(_) => Value::Other(i.to_string()),
        },
        syn::Lit::Float(f) => Value::Float(f.base10_digits().to_owned()),
        syn::Lit::Bool(b) => Value::Bool(b.value),
        other => Value::Other(quote::quote!(#other).to_string()),
    }
}

/// The last path segment of every trait named in `#[derive(...)]`.
pub(crate) fn derives(attrs: &[Attribute]) -> Vec<String> {
    let mut names = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                names.push(last.ident.to_string());
            }
            Ok(())
        });
    }
    names
}

/// The string value of the first entry named `key`, if it is a string.
pub(crate) fn str_value(entries: &[Entry], key: &str) -> Option<String> {
    entries
        .iter()
        .find(|e| e.key == key)
        .and_then(|e| e.value.as_str().map(str::to_owned))
}
