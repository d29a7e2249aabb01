//! The SeaORM oracle: the entity fixtures under `fixtures/model/ok/` compiled by SeaORM 2.0.4
//! itself, and SeaORM's own schema for each set, converted into strata's model.
//!
//! strata reads entity sources without compiling them; this crate compiles the very same files
//! with the real `DeriveEntityModel` and friends, asks SeaORM what tables, indexes, foreign keys
//! and enum types it would create (`sea_orm::Schema`), and turns that into a
//! [`strata_ir::Schema`] ([`convert`]). The tests in `tests/` compare it with what
//! `strata_model::read` makes of the same files, and strata's per-dialect type spelling with
//! sea-query's.

pub mod convert;

pub use convert::{BackendDdl, Derived, derive, to_schema};

/// The fixture sets compiled here, as `(name, directory under fixtures/model/ok)`, and SeaORM's
/// schema for each. Every entity of a set must be listed: a forgotten one shows up as a table
/// strata has and SeaORM does not.
pub fn fixture_sets() -> Vec<(&'static str, Vec<Derived>)> {
    macro_rules! set {
        ($set:ident: $($entity:ident),+ $(,)?) => {
            (stringify!($set), vec![$(derive($set::$entity::Entity)),+])
        };
    }
    vec![
        set!(handwritten_compact: all_types, post_tags, posts, tags, users),
        set!(handwritten_dense: authors, books, chapters, editions, profiles),
        set!(handwritten_expanded: accounts, sessions),
        set!(seaorm_cli_compact: categories, comments, messages, order_items, orders,
            post_tags, posts, products, profiles, shipments, tags, users),
        set!(seaorm_cli_dense: categories, comments, messages, order_items, orders,
            post_tags, posts, products, profiles, shipments, tags, users),
        set!(seaorm_cli_expanded: categories, comments, messages, order_items, orders,
            post_tags, posts, products, profiles, shipments, tags, users),
        ("postgres_only", vec![derive(postgres_only::Entity)]),
    ]
}

#[allow(non_snake_case, dead_code, unused_imports, clippy::all)]
#[rustfmt::skip]
#[path = "../../../fixtures/model/ok/handwritten_compact/mod.rs"]
pub mod handwritten_compact;

#[allow(non_snake_case, dead_code, unused_imports, clippy::all)]
#[rustfmt::skip]
#[path = "../../../fixtures/model/ok/handwritten_dense/mod.rs"]
pub mod handwritten_dense;

#[allow(non_snake_case, dead_code, unused_imports, clippy::all)]
#[rustfmt::skip]
#[path = "../../../fixtures/model/ok/handwritten_expanded/mod.rs"]
pub mod handwritten_expanded;

#[allow(non_snake_case, dead_code, unused_imports, clippy::all)]
#[rustfmt::skip]
#[path = "../../../fixtures/model/ok/seaorm_cli_compact/mod.rs"]
pub mod seaorm_cli_compact;

#[allow(non_snake_case, dead_code, unused_imports, clippy::all)]
#[rustfmt::skip]
#[path = "../../../fixtures/model/ok/seaorm_cli_dense/mod.rs"]
pub mod seaorm_cli_dense;

#[allow(non_snake_case, dead_code, unused_imports, clippy::all)]
#[rustfmt::skip]
#[path = "../../../fixtures/model/ok/seaorm_cli_expanded/mod.rs"]
pub mod seaorm_cli_expanded;

/// `postgres_only` holds a single file and no `mod.rs`: the file itself is the module.
#[allow(non_snake_case, dead_code, unused_imports, clippy::all)]
#[rustfmt::skip]
#[path = "../../../fixtures/model/ok/postgres_only/events.rs"]
pub mod postgres_only;
