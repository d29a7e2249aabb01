//! How deep the reader lets syntax nest before it hands text to `syn`.
//!
//! `syn` parses recursively (a parenthesis, a bracket, a block, a prefix operator, a generic
//! argument, an `else if` each cost it a few stack frames) and its trees are walked and dropped
//! recursively, so a file or an attribute string nested a few thousand levels deep would overflow
//! the stack and abort the process with no file named. proc-macro2's lexer and its token trees
//! are not recursive, so the text is lexed first and its nesting measured here, iteratively, and
//! anything deeper than [`MAX_DEPTH`] is refused with the place where it went too deep.
//!
//! The measure is an upper bound on how deep any syntax tree built from the tokens can be: at
//! each level (the file, and each group in it) every token tree since the last `,` or `;`
//! counts one, and a tree's depth is the sum of these counts over the levels that enclose it
//! (a group is one of its level's trees; a chain of operators, `!`s, `.method()`s or
//! `else if`s nests at most one level per token). An attribute's `#` (doc comments are
//! attributes) starts the count afresh, and so does, after a `{ ... }` block, what starts a new
//! item, statement or match arm (an identifier other than `else` or `as`, or a literal), so
//! files of many items and long `match`es are not penalised. Inside a macro's body (`name!(...)`, which `syn` keeps as tokens) only the
//! enclosing groups count.

use proc_macro2::{Delimiter, Ident, Spacing, Span, TokenStream, TokenTree};

/// The deepest nesting read, in the measure above: far beyond what hand-written or generated
/// entity code reaches (a few dozen), far below what overflows the scanning thread's stack.
pub(crate) const MAX_DEPTH: usize = 1000;

/// Where a text nests deeper than [`MAX_DEPTH`]: the token that went one level too deep.
#[derive(Debug)]
pub(crate) struct TooDeep {
    pub span: Span,
}

impl TooDeep {
    /// What to say about `what` (`this`, `` `default_expr` ``) nesting too deeply.
    pub fn message(&self, what: &str) -> String {
        format!(
            "{what} nests more than {MAX_DEPTH} levels deep (parentheses, brackets, blocks or chained operators); strata stops reading here rather than risk overflowing its stack"
        )
    }
}

/// One group being walked: its remaining trees, the run of trees since the last separator, and
/// what came before the current tree.
struct Frame {
    trees: proc_macro2::token_stream::IntoIter,
    run: usize,
    in_macro: bool,
    /// The last tree was a brace group (a block, a body, a struct literal).
    after_block: bool,
    /// The last trees were `name!` (or `macro_rules! name`): a group next is a macro's body.
    after_bang: bool,
    /// The last tree, when it was an identifier.
    last_ident: Option<Ident>,
}

impl Frame {
    fn new(stream: TokenStream, in_macro: bool) -> Frame {
        Frame {
            trees: stream.into_iter(),
            run: 0,
            in_macro,
            after_block: false,
            after_bang: false,
            last_ident: None,
        }
    }
}

/// Checks that `tokens` nest at most [`MAX_DEPTH`] levels deep (see the module comment).
pub(crate) fn check(tokens: TokenStream) -> Result<(), TooDeep> {
    let mut stack = vec![Frame::new(tokens, false)];
    // The sum of the runs of the frames on the stack that are not inside a macro's body, and
    // the number of those that are (where only the groups count).
    let mut runs = 0usize;
    let mut macro_frames = 0usize;
    while let Some(frame) = stack.last_mut() {
        let Some(tree) = frame.trees.next() else {
            let done = stack.pop().expect("a frame is on the stack");
            if done.in_macro {
                macro_frames -= 1;
            } else {
                runs -= done.run;
            }
            continue;
        };
        let fresh = match &tree {
            TokenTree::Punct(p) => matches!(p.as_char(), ',' | ';'),
            _ => false,
        };
        // An attribute (a doc comment is one) nests nothing; after a block, an identifier or a
        // literal starts the next item, statement or match arm.
        let restarts = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '#')
            || frame.after_block
                && match &tree {
                    TokenTree::Ident(i) => i != "else" && i != "as",
                    TokenTree::Literal(_) => true,
                    TokenTree::Punct(_) | TokenTree::Group(_) => false,
                };
        if !frame.in_macro {
            if fresh || restarts {
                runs -= frame.run;
                frame.run = 0;
            }
            if !fresh {
                frame.run += 1;
                runs += 1;
            }
        }
        let depth = runs + macro_frames;
        let frame = stack.last_mut().expect("a frame is on the stack");
        let span = match &tree {
            TokenTree::Group(g) => g.span_open(),
            other => other.span(),
        };
        if depth > MAX_DEPTH {
            return Err(TooDeep { span });
        }
        let was_bang = frame.after_bang;
        // `name!(...)`, or `macro_rules! name { ... }`.
        frame.after_bang = match &tree {
            TokenTree::Punct(p) => {
                p.as_char() == '!'
                    && p.spacing() == Spacing::Alone
                    && frame.last_ident.as_ref().is_some_and(|i| !is_keyword(i))
            }
            TokenTree::Ident(_) => was_bang,
            _ => false,
        };
        frame.after_block =
            matches!(&tree, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
        frame.last_ident = None;
        match tree {
            TokenTree::Group(group) => {
                let in_macro = frame.in_macro || was_bang;
                macro_frames += usize::from(in_macro);
                stack.push(Frame::new(group.stream(), in_macro));
            }
            TokenTree::Ident(ident) => frame.last_ident = Some(ident),
            _ => {}
        }
    }
    Ok(())
}

/// Rust's keywords, strict and reserved: `if !x { ... }` is a condition and a block, not a macro.
fn is_keyword(ident: &Ident) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
        "trait", "true", "try", "type", "unsafe", "use", "where", "while", "yield", "abstract",
        "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
        "virtual",
    ];
    KEYWORDS.iter().any(|k| ident == k)
}

/// What went wrong reading a piece of Rust text.
pub(crate) enum ParseError {
    Syntax(syn::Error),
    TooDeep(TooDeep),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::Syntax(e) => e.fmt(f),
            ParseError::TooDeep(d) => f.write_str(&d.message("this")),
        }
    }
}

/// `syn::parse_str`, refusing text that nests deeper than [`MAX_DEPTH`] before `syn` sees it.
pub(crate) fn parse_str<T: syn::parse::Parse>(text: &str) -> Result<T, ParseError> {
    let tokens: TokenStream = text
        .parse()
        .map_err(|e: proc_macro2::LexError| ParseError::Syntax(e.into()))?;
    check(tokens.clone()).map_err(ParseError::TooDeep)?;
    syn::parse2(tokens).map_err(ParseError::Syntax)
}

/// `syn::parse_file` (a byte-order mark and a `#!` line are skipped the same way), refusing text
/// that nests deeper than [`MAX_DEPTH`] before `syn` sees it.
pub(crate) fn parse_file(text: &str) -> Result<syn::File, ParseError> {
    let mut content = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut shebang = None;
    if content.starts_with("#!") && !content[2..].trim_start().starts_with('[') {
        let end = content.find('\n').unwrap_or(content.len());
        shebang = Some(content[..end].to_owned());
        content = &content[end..];
    }
    let mut file: syn::File = parse_str(content)?;
    file.shebang = shebang;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error_line(text: &str) -> Option<usize> {
        let tokens: TokenStream = text.parse().unwrap();
        check(tokens).err().map(|d| d.span.start().line)
    }

    #[test]
    fn ordinary_code_passes() {
        let text = r#"
            use sea_orm::entity::prelude::*;
            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = "users")]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i32,
                #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
                pub created: DateTimeWithTimeZone,
            }
            impl ColumnTrait for Column {
                fn def(&self) -> ColumnDef {
                    match self {
                        Self::Id => ColumnType::Integer.def().null().unique(),
                        Self::Created => { ColumnType::Text.def() }
                        Self::Other => if a { b } else if c { d } else { e },
                    }
                }
            }
        "#;
        assert_eq!(depth_error_line(text), None);
    }

    #[test]
    fn many_items_and_arms_do_not_add_up() {
        let mut text = String::new();
        for i in 0..5000 {
            text.push_str(&format!("#[inline] pub fn f{i}() -> u8 {{ 1 }}\n"));
        }
        text.push_str("fn m(x: u8) -> u8 { match x {");
        for i in 0..5000 {
            text.push_str(&format!(" {i} => {{ 1 }}"));
        }
        text.push_str(" _ => 0 } }");
        assert_eq!(depth_error_line(&text), None);
        // A macro's body stays tokens: only its groups count.
        let body = "a ".repeat(5000);
        assert_eq!(depth_error_line(&format!("m! {{ {body} }}")), None);
    }

    #[test]
    fn deep_nesting_is_refused_where_it_goes_too_deep() {
        for (open, close) in [("(", ")"), ("[", "]"), ("{", "}"), ("!", ""), ("- ", "")] {
            let text = format!(
                "\nconst X: u8 =\n{}0{};",
                open.repeat(5000),
                close.repeat(5000)
            );
            assert_eq!(depth_error_line(&text), Some(3), "{open}");
        }
        // A condition's `!` is not a macro's.
        let negated = format!("fn f() {{ if !x {{ {}0 }} }}", "!".repeat(5000));
        assert_eq!(depth_error_line(&negated), Some(1));
        let chain = format!("fn f() {{ x{} }}", ".m()".repeat(2000));
        assert_eq!(depth_error_line(&chain), Some(1));
        let elses = format!("fn f() {{ if a {{}}{} }}", " else if a {}".repeat(2000));
        assert_eq!(depth_error_line(&elses), Some(1));
        let generics = format!("type T = {}u8{};", "Vec<".repeat(2000), ">".repeat(2000));
        assert_eq!(depth_error_line(&generics), Some(1));
    }

    #[test]
    fn parse_str_refuses_before_syn_sees_the_text() {
        let text = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(matches!(
            parse_str::<syn::Expr>(&text),
            Err(ParseError::TooDeep(_))
        ));
        assert!(parse_str::<syn::Expr>("Expr::cust(\"now()\")").is_ok());
    }
}
