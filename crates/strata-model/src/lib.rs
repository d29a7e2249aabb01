//! Reads SeaORM entity source files into strata's schema model, the way SeaORM itself would
//! understand them, without compiling anything.
//!
//! The reader accepts the compact form (`DeriveEntityModel` plus `enum Relation`), the 2.x dense
//! form (`#[sea_orm::model]` with `BelongsTo`/`HasOne`/`HasMany` fields), the expanded form
//! (hand-written `ColumnTrait::def` and `RelationTrait::def` builder chains) and skips frontend
//! structs and anything else that is not an entity. `DeriveActiveEnum` enums and
//! `DeriveValueType` newtypes are resolved across files.
//!
//! It never fails outright: [`read`] returns whatever it could read plus [`Diagnostic`]s that
//! name the file, line and column. It does no IO: callers hand it the files' text.
//!
//! Reading happens in two passes: [`scan`] turns each file into owned declarations (no syn
//! values survive it, so span bookkeeping can be released per file), and [`build`] resolves
//! names across files (relation targets, enums, newtypes) into a [`strata_ir::Schema`].

mod attrs;
mod build;
mod column_type;
mod depth;
mod diagnostic;
mod exprs;
mod naming;
mod rust_type;
mod scan;

pub use diagnostic::{Diagnostic, Severity};

use strata_ir::Schema;

/// One entity source file: its path relative to the models directory (with `/` separators,
/// which also gives its module path) and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }
}

/// What the reader made of a set of files.
#[derive(Debug, Default)]
pub struct Reading {
    pub schema: Schema,
    /// Columns named by `#[sea_orm(ignore)]` fields: not the entities' to create, and, in
    /// files `sea-orm-cli` wrote, database columns of a type it could not map.
    pub ignored: Vec<IgnoredColumn>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Reading {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// A column an entity field names but marks `#[sea_orm(ignore)]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoredColumn {
    pub schema: Option<String>,
    pub table: String,
    pub column: String,
}

/// Reads every entity in `files`. Files that are not entities (`mod.rs`, `prelude.rs`, helpers)
/// contribute nothing; a file that does not parse is reported and the others are still read.
pub fn read(files: &[SourceFile]) -> Reading {
    read_on_threads(files, 1)
}

/// [`read`], parsing the files on up to `threads` threads (the caller picks the number, say one
/// per core). The reading is the same whatever the number.
pub fn read_on_threads(files: &[SourceFile], threads: usize) -> Reading {
    let (mut modules, mut diagnostics) = scan_all(files, threads);
    let (schema, ignored) = build::build(&mut modules, &mut diagnostics);
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Reading {
        schema,
        ignored,
        diagnostics,
    }
}

/// Files per scanning thread below which another thread is not worth starting.
const FILES_PER_THREAD: usize = 64;

/// The stack of a scanning thread. `syn` parses and drops recursively; [`depth::MAX_DEPTH`]
/// bounds how deep it can go, and this leaves room for that depth with a wide margin (the
/// memory is reserved, not used, until a file nests that deep).
const SCAN_STACK: usize = 64 << 20;

/// Scans every file, in order. Parsing is most of a reading's time and each file is parsed on
/// its own, so the files are split into contiguous chunks scanned on up to `threads` threads
/// (proc-macro2's span bookkeeping is per thread); the chunks' results are joined in file order,
/// so the outcome does not depend on the number of threads. Scanning always runs on threads of
/// its own, whose stack ([`SCAN_STACK`]) does not depend on the caller's.
fn scan_all(files: &[SourceFile], threads: usize) -> (Vec<scan::Module>, Vec<Diagnostic>) {
    let scan_chunk = |chunk: &[SourceFile]| {
        let mut diagnostics = Vec::new();
        let modules: Vec<scan::Module> = chunk
            .iter()
            .flat_map(|file| scan::scan_file(file, &mut diagnostics))
            .collect();
        (modules, diagnostics)
    };
    let threads = threads.min(files.len() / FILES_PER_THREAD).max(1);
    let chunk_len = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk_len)
            .map(|chunk| {
                let handle = std::thread::Builder::new()
                    .name("strata-scan".into())
                    .stack_size(SCAN_STACK)
                    .spawn_scoped(scope, move || scan_chunk(chunk));
                (chunk, handle)
            })
            .collect();
        let mut modules = Vec::new();
        let mut diagnostics = Vec::new();
        for (chunk, handle) in handles {
            // A thread that cannot be started (no memory for its stack) scans on this one.
            // A scanning thread only panics if the scanner has a bug; re-raise it here rather
            // than return a reading with files silently missing.
            let (m, d) = match handle {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => scan_chunk(chunk),
            };
            modules.extend(m);
            diagnostics.extend(d);
        }
        (modules, diagnostics)
    })
}
