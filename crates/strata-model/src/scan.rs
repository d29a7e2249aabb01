//! First pass: one file's syntax → owned declarations per module (entity struct attributes and
//! fields, Column/PrimaryKey enums, `def()` builder chains, relations, ActiveEnums, newtypes,
//! `use` aliases). Everything a file says by itself is interpreted here; names that point to
//! other files are left for [`crate::build`].

use strata_ir::{ColumnType, DefaultValue, FkAction};
use syn::{Expr, ImplItem, Item};

use crate::SourceFile;
use crate::attrs::{self, Entry, Value};
use crate::column_type;
use crate::depth::{self, ParseError};
use crate::diagnostic::{Diagnostic, Loc, Locator, WithHelp};
use crate::exprs;
use crate::naming::{self, CaseStyle};
use crate::rust_type::RustType;

/// Everything one Rust module (a file, or an inline `mod` in it) declares.
#[derive(Debug, Default)]
pub(crate) struct Module {
    pub path: Vec<String>,
    pub file_loc: Loc,
    pub model: Option<ModelDecl>,
    pub entity_name: Option<EntityNameDecl>,
    pub column_enum: Option<Vec<ColumnVariant>>,
    pub primary_key: Option<Vec<String>>,
    pub pk_auto_increment: Option<bool>,
    pub column_defs: Vec<ColumnDefDecl>,
    pub relations: Vec<RelationDecl>,
    pub enums: Vec<EnumDecl>,
    pub value_types: Vec<ValueTypeDecl>,
    pub aliases: Vec<Alias>,
}

/// `struct Model` with `DeriveEntityModel`.
#[derive(Debug)]
pub(crate) struct ModelDecl {
    pub loc: Loc,
    pub table_name: Option<String>,
    pub schema_name: Option<String>,
    pub comment: Option<String>,
    pub rename_all: Option<CaseStyle>,
    pub fields: Vec<FieldDecl>,
}

/// A scalar field of a compact or dense `Model`, its attributes interpreted.
#[derive(Debug, Default)]
pub(crate) struct FieldDecl {
    pub loc: Loc,
    pub ident: String,
    pub ty: Option<RustType>,
    pub primary_key: bool,
    pub auto_increment: Option<bool>,
    pub column_name: Option<String>,
    /// `column_type = "..."`, when given and understood.
    pub column_type: Option<ColumnType>,
    /// The attribute was given but could not be understood (already reported).
    pub bad_column_type: bool,
    pub nullable: bool,
    pub unique: bool,
    pub unique_key: Option<String>,
    pub indexed: bool,
    pub default: Option<DefaultValue>,
    pub comment: Option<String>,
    pub extra: Option<String>,
    pub renamed_from: Option<String>,
    pub ignore: bool,
    pub enum_name: Option<String>,
}

/// The hand-written `impl EntityName for Entity` of the expanded form.
#[derive(Debug, Default)]
pub(crate) struct EntityNameDecl {
    pub loc: Loc,
    pub table_name: Option<String>,
    pub schema_name: Option<String>,
    pub comment: Option<String>,
}

/// A variant of the expanded form's `enum Column`.
#[derive(Debug)]
pub(crate) struct ColumnVariant {
    pub loc: Loc,
    pub variant: String,
    pub column_name: String,
}

/// Where a column's type comes from in an expanded `def()` arm.
#[derive(Debug)]
pub(crate) enum TypeSource {
    Known(ColumnType),
    /// `Path::To::Enum::db_type()`: an ActiveEnum, resolved across files.
    ActiveEnum(Vec<String>),
}

/// One arm of the expanded form's `ColumnTrait::def`.
#[derive(Debug)]
pub(crate) struct ColumnDefDecl {
    pub loc: Loc,
    pub variant: String,
    pub ty: TypeSource,
    pub nullable: bool,
    pub unique: bool,
    pub indexed: bool,
    pub unique_key: Option<String>,
    pub default: Option<DefaultValue>,
    pub comment: Option<String>,
    pub extra: Option<String>,
    pub renamed_from: Option<String>,
}

/// A relation that owns a foreign key (`belongs_to` without `skip_fk`), in any of the forms.
#[derive(Debug)]
pub(crate) struct RelationDecl {
    pub loc: Loc,
    /// Path to the target entity as written (`super::users::Entity`, `Entity`, `Users`).
    pub target: Vec<String>,
    /// Column variant names on this side and on the target side.
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub on_delete: Option<FkAction>,
    pub on_update: Option<FkAction>,
    pub fk_name: Option<String>,
}

/// A `DeriveActiveEnum` enum.
#[derive(Debug)]
pub(crate) struct EnumDecl {
    pub loc: Loc,
    pub ident: String,
    /// `None` for `db_type = "Enum"` (a named enum type), else the declared column type.
    pub db_type: Option<ColumnType>,
    pub enum_name: String,
    pub values: Vec<String>,
}

/// A `DeriveValueType` newtype (or string-backed enum).
#[derive(Debug)]
pub(crate) struct ValueTypeDecl {
    pub ident: String,
    pub inner: Option<RustType>,
    pub column_type: Option<ColumnType>,
}

/// `use a::b::C as D;` → name `D`, path `a::b::C`.
#[derive(Debug)]
pub(crate) struct Alias {
    pub name: String,
    pub path: Vec<String>,
}

/// The module path a file stands for: `users.rs` → `users`, `shop/mod.rs` → `shop`.
pub(crate) fn module_path(file: &str) -> Vec<String> {
    let trimmed = file.strip_suffix(".rs").unwrap_or(file);
    let mut parts: Vec<String> = trimmed
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_owned)
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

pub(crate) fn scan_file(file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Vec<Module> {
    let locator = Locator::new(&file.path, &file.text);
    let mut modules = Vec::new();
    match depth::parse_file(&file.text) {
        Ok(parsed) => {
            let mut scanner = Scanner {
                locator: &locator,
                diagnostics,
                modules: &mut modules,
            };
            scanner.module(module_path(&file.path), &parsed.items, locator.file_start());
        }
        Err(ParseError::Syntax(err)) => {
            let loc = locator.loc(err.span());
            diagnostics.push(
                loc.error(format!("this file does not parse as Rust: {err}"))
                    .help("the other entity files are still read; fix the syntax and run again"),
            );
        }
        Err(ParseError::TooDeep(deep)) => {
            let loc = locator.loc(deep.span);
            diagnostics.push(loc.error(deep.message("this")).help(
                "the other entity files are still read; write the expression with less nesting",
            ));
        }
    }
    // The spans of this file are no longer needed: release proc-macro2's per-thread source map,
    // which otherwise keeps every file's text alive.
    proc_macro2::extra::invalidate_current_thread_spans();
    modules
}

struct Scanner<'a, 'd> {
    locator: &'a Locator<'a>,
    diagnostics: &'d mut Vec<Diagnostic>,
    modules: &'d mut Vec<Module>,
}

const FIELD_KEYS: &[&str] = &[
    "primary_key",
    "auto_increment",
    "column_name",
    "column_type",
    "nullable",
    "unique",
    "unique_key",
    "indexed",
    "default_value",
    "default_expr",
    "comment",
    "extra",
    "renamed_from",
    "ignore",
    "enum_name",
    "select_as",
    "save_as",
];

const RELATION_FIELD_KEYS: &[&str] = &[
    "belongs_to",
    "has_one",
    "has_many",
    "self_ref",
    "skip_fk",
    "via",
    "via_rel",
    "from",
    "to",
    "relation_enum",
    "relation_reverse",
    "reverse",
    "on_update",
    "on_delete",
    "fk_name",
    "on_condition",
    "condition_type",
];

const STRUCT_KEYS: &[&str] = &[
    "table_name",
    "schema_name",
    "comment",
    "rename_all",
    "table_iden",
    "model_ex",
    "active_model_ex",
    "model_attrs",
    "model_ex_attrs",
    "arrow_schema",
    "entity",
];

impl Scanner<'_, '_> {
    fn loc(&self, span: proc_macro2::Span) -> Loc {
        self.locator.loc(span)
    }

    fn warn_unknown(&mut self, entries: &[Entry], known: &[&str]) {
        for entry in entries {
            if !known.contains(&entry.key.as_str()) {
                self.diagnostics.push(
                    entry
                        .loc
                        .warning(format!(
                            "unknown #[sea_orm] key `{}` is ignored, as SeaORM ignores it",
                            entry.key
                        ))
                        .help("check the spelling if it was meant to change the schema"),
                );
            }
        }
    }

    fn module(&mut self, path: Vec<String>, items: &[Item], file_loc: Loc) {
        let mut module = Module {
            path: path.clone(),
            file_loc,
            ..Module::default()
        };
        for item in items {
            match item {
                Item::Struct(s) => self.item_struct(&mut module, s),
                Item::Enum(e) => self.item_enum(&mut module, e),
                Item::Impl(i) => self.item_impl(&mut module, i),
                Item::Use(u) => collect_use(&u.tree, &mut Vec::new(), &mut module.aliases),
                Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        let mut inner = path.clone();
                        inner.push(naming::trim_raw(&m.ident.to_string()).to_owned());
                        let loc = self.loc(m.ident.span());
                        self.module(inner, items, loc);
                    }
                }
                _ => {}
            }
        }
        self.modules.push(module);
    }

    fn item_struct(&mut self, module: &mut Module, s: &syn::ItemStruct) {
        let derives = attrs::derives(&s.attrs);
        let has = |name: &str| derives.iter().any(|d| d == name);
        if has("DeriveEntityModel") {
            let model = self.model(s, &mut module.relations);
            if module.model.is_some() {
                self.diagnostics.push(
                    model
                        .loc
                        .error("a second DeriveEntityModel struct in the same module")
                        .help("SeaORM allows one entity per module; move it to its own file"),
                );
            } else {
                module.model = Some(model);
            }
        } else if has("DeriveValueType") {
            let entries = attrs::sea_orm_entries(&s.attrs, self.locator, self.diagnostics);
            let inner = match &s.fields {
                syn::Fields::Unnamed(f) => f.unnamed.first().map(|f| RustType::from_syn(&f.ty)),
                _ => None,
            };
            let column_type = self.column_type_entry(&entries);
            module.value_types.push(ValueTypeDecl {
                ident: s.ident.to_string(),
                inner,
                column_type,
            });
        }
    }

    fn column_type_entry(&mut self, entries: &[Entry]) -> Option<ColumnType> {
        let entry = entries.iter().find(|e| e.key == "column_type")?;
        match entry.value.as_str().map(column_type::from_str) {
            Some(Ok(ty)) => Some(ty),
            Some(Err(msg)) => {
                self.diagnostics.push(entry.loc.error(msg).help(
                    "write a sea-query ColumnType constructor, e.g. \"String(StringLen::N(255))\" or \"Decimal(Some((12, 2)))\"",
                ));
                None
            }
            None => {
                self.diagnostics.push(
                    entry
                        .loc
                        .error("`column_type` takes a string, e.g. column_type = \"Text\""),
                );
                None
            }
        }
    }

    fn model(&mut self, s: &syn::ItemStruct, relations: &mut Vec<RelationDecl>) -> ModelDecl {
        let entries = attrs::sea_orm_entries(&s.attrs, self.locator, self.diagnostics);
        self.warn_unknown(&entries, STRUCT_KEYS);
        let mut model = ModelDecl {
            loc: self.loc(s.ident.span()),
            table_name: None,
            schema_name: None,
            comment: None,
            rename_all: None,
            fields: Vec::new(),
        };
        if s.ident != "Model" {
            self.diagnostics.push(
                model
                    .loc
                    .error(format!(
                        "DeriveEntityModel is on `{}`, but SeaORM requires the struct to be named `Model`",
                        s.ident
                    ))
                    .help("rename the struct to `Model`"),
            );
        }
        for entry in &entries {
            let text = entry.value.as_str().map(str::to_owned);
            match entry.key.as_str() {
                "table_name" => model.table_name = text,
                "schema_name" => model.schema_name = text,
                "comment" => model.comment = text,
                "rename_all" => match text.as_deref().and_then(CaseStyle::parse) {
                    Some(style) => model.rename_all = Some(style),
                    None => self.diagnostics.push(
                        entry
                            .loc
                            .error("unknown rename_all case style")
                            .help(format!("use one of {}", CaseStyle::NAMES)),
                    ),
                },
                _ => {}
            }
        }
        if let syn::Fields::Named(fields) = &s.fields {
            for field in &fields.named {
                let Some(ident) = &field.ident else { continue };
                let entries = attrs::sea_orm_entries(&field.attrs, self.locator, self.diagnostics);
                let ty = RustType::from_syn(&field.ty);
                let loc = self.loc(ident.span());
                if matches!(ty.last(), "HasOne" | "HasMany" | "BelongsTo") {
                    self.warn_unknown(&entries, RELATION_FIELD_KEYS);
                    if let Some(rel) = self.relation_field(&ty, &entries, loc) {
                        relations.push(rel);
                    }
                } else {
                    self.warn_unknown(&entries, FIELD_KEYS);
                    model.fields.push(self.field(ident, ty, &entries, loc));
                }
            }
        }
        // Thousands of models are alive at once between scanning and building.
        model.fields.shrink_to_fit();
        model
    }

    fn field(
        &mut self,
        ident: &syn::Ident,
        ty: RustType,
        entries: &[Entry],
        loc: Loc,
    ) -> FieldDecl {
        let mut decl = FieldDecl {
            loc,
            ident: naming::trim_raw(&ident.to_string()).to_owned(),
            ty: Some(ty),
            ..FieldDecl::default()
        };
        for entry in entries {
            let text = entry.value.as_str().map(str::to_owned);
            match entry.key.as_str() {
                "primary_key" => decl.primary_key = true,
                "auto_increment" => match entry.value {
                    Value::Bool(b) => decl.auto_increment = Some(b),
                    _ => self.diagnostics.push(
                        entry.loc.error("`auto_increment` takes `true` or `false`"),
                    ),
                },
                "column_name" => decl.column_name = text,
                "column_type" => {
                    decl.column_type = self.column_type_entry(std::slice::from_ref(entry));
                    decl.bad_column_type = decl.column_type.is_none();
                }
                "nullable" => decl.nullable = true,
                "unique" => decl.unique = true,
                "unique_key" => decl.unique_key = text,
                "indexed" => decl.indexed = true,
                "ignore" => decl.ignore = true,
                "comment" => decl.comment = text,
                "extra" => decl.extra = text,
                "renamed_from" => decl.renamed_from = text,
                "enum_name" => decl.enum_name = text,
                "default_value" => match exprs::literal(&entry.value) {
                    Some(lit) => decl.default = Some(DefaultValue::Literal(lit)),
                    None => self.diagnostics.push(
                        entry
                            .loc
                            .error("`default_value` takes a literal (string, number or bool)")
                            .help("use default_expr = \"Expr::cust(\\\"...\\\")\" for an SQL expression"),
                    ),
                },
                "default_expr" => {
                    let parsed = text.as_deref().map(depth::parse_str::<Expr>);
                    match parsed {
                        Some(Ok(expr)) => {
                            let (mut default, known) = exprs::default_from_expr(&expr);
                            if !known {
                                default = DefaultValue::Opaque(text.clone().unwrap_or_default());
                                self.diagnostics.push(
                                    entry
                                        .loc
                                        .warning(format!(
                                            "default_expr `{}` is not an expression strata can translate to SQL; it is kept as written and left out of DDL",
                                            text.as_deref().unwrap_or_default()
                                        ))
                                        .help("write it as Expr::cust(\"<SQL>\") so strata knows the SQL"),
                                );
                            }
                            decl.default = Some(default);
                        }
                        Some(Err(ParseError::Syntax(err))) => self.diagnostics.push(
                            entry.loc.error(format!("`default_expr` is not a Rust expression: {err}")),
                        ),
                        Some(Err(ParseError::TooDeep(deep))) => self
                            .diagnostics
                            .push(entry.loc.error(deep.message("`default_expr`"))),
                        None => self.diagnostics.push(
                            entry.loc.error("`default_expr` takes a string holding a sea-query expression"),
                        ),
                    }
                }
                _ => {}
            }
        }
        decl
    }

    /// A dense relation field: `BelongsTo<E>`, `BelongsTo<Option<E>>`, or a legacy `HasOne<E>`
    /// with `belongs_to`. Only forward relations with `from`/`to` and no `skip_fk` own a key.
    fn relation_field(
        &mut self,
        ty: &RustType,
        entries: &[Entry],
        loc: Loc,
    ) -> Option<RelationDecl> {
        let flag = |key: &str| entries.iter().any(|e| e.key == key);
        let text = |key: &str| attrs::str_value(entries, key);
        let forward = ty.last() == "BelongsTo" || (ty.last() == "HasOne" && flag("belongs_to"));
        if !forward || flag("skip_fk") || flag("via") {
            return None;
        }
        let (Some(from), Some(to)) = (text("from"), text("to")) else {
            if flag("belongs_to") {
                self.diagnostics.push(
                    loc.error("#[sea_orm(belongs_to)] needs `from` and `to`")
                        .help("name the local column and the referenced column, e.g. from = \"author_id\", to = \"id\""),
                );
            }
            return None;
        };
        let mut target = ty.args.first()?;
        if target.last() == "Option" {
            target = target.args.first()?;
        }
        self.relation(
            loc,
            target.segments.clone(),
            &from,
            &to,
            text("on_delete"),
            text("on_update"),
            text("fk_name"),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn relation(
        &mut self,
        loc: Loc,
        target: Vec<String>,
        from: &str,
        to: &str,
        on_delete: Option<String>,
        on_update: Option<String>,
        fk_name: Option<String>,
    ) -> Option<RelationDecl> {
        let from_cols = exprs::column_refs_from_str(from);
        let to_cols = exprs::column_refs_from_str(to);
        let (Some(from), Some(to)) = (from_cols, to_cols) else {
            self.diagnostics.push(loc.error(format!(
                "cannot read the relation columns `from = {from:?}`, `to = {to:?}`"
            )));
            return None;
        };
        let action = |diags: &mut Vec<Diagnostic>, text: Option<String>| {
            let text = text?;
            let action = FkAction::parse(&text);
            if action.is_none() {
                diags.push(
                    loc.error(format!("unknown foreign key action `{text}`"))
                        .help("use Cascade, Restrict, SetNull, SetDefault or NoAction"),
                );
            }
            action
        };
        let on_delete = action(self.diagnostics, on_delete);
        let on_update = action(self.diagnostics, on_update);
        Some(RelationDecl {
            loc,
            target,
            from,
            to,
            on_delete,
            on_update,
            fk_name,
        })
    }

    fn item_enum(&mut self, module: &mut Module, e: &syn::ItemEnum) {
        let derives = attrs::derives(&e.attrs);
        let has = |name: &str| derives.iter().any(|d| d == name);
        if has("DeriveActiveEnum") {
            if let Some(decl) = self.active_enum(e) {
                module.enums.push(decl);
            }
        } else if has("DeriveValueType") {
            let entries = attrs::sea_orm_entries(&e.attrs, self.locator, self.diagnostics);
            let inner = entries
                .iter()
                .find(|x| x.key == "value_type")
                .and_then(|x| x.value.as_str())
                .and_then(|t| depth::parse_str::<syn::Type>(t).ok())
                .map(|t| RustType::from_syn(&t));
            let column_type = self.column_type_entry(&entries);
            module.value_types.push(ValueTypeDecl {
                ident: e.ident.to_string(),
                inner,
                column_type,
            });
        } else if e.ident == "Relation" {
            for variant in &e.variants {
                let entries =
                    attrs::sea_orm_entries(&variant.attrs, self.locator, self.diagnostics);
                let text = |key: &str| attrs::str_value(&entries, key);
                let Some(target) = text("belongs_to") else {
                    continue;
                };
                if entries.iter().any(|x| x.key == "skip_fk") {
                    continue;
                }
                let loc = self.loc(variant.ident.span());
                let Ok(path) = depth::parse_str::<syn::Path>(&target) else {
                    self.diagnostics.push(loc.error(format!(
                        "`belongs_to = {target:?}` is not a path to an entity"
                    )));
                    continue;
                };
                let target: Vec<String> =
                    path.segments.iter().map(|s| s.ident.to_string()).collect();
                let (Some(from), Some(to)) = (text("from"), text("to")) else {
                    self.diagnostics.push(
                        loc.error("a belongs_to relation needs `from` and `to`")
                            .help("e.g. from = \"Column::AuthorId\", to = \"super::users::Column::Id\""),
                    );
                    continue;
                };
                if let Some(rel) = self.relation(
                    loc,
                    target,
                    &from,
                    &to,
                    text("on_delete"),
                    text("on_update"),
                    text("fk_name"),
                ) {
                    module.relations.push(rel);
                }
            }
        } else if e.ident == "Column" && has("DeriveColumn") {
            let mut variants = Vec::new();
            for variant in &e.variants {
                let entries =
                    attrs::sea_orm_entries(&variant.attrs, self.locator, self.diagnostics);
                let name = variant.ident.to_string();
                let column_name = attrs::str_value(&entries, "column_name")
                    .unwrap_or_else(|| heck::ToSnakeCase::to_snake_case(name.as_str()));
                variants.push(ColumnVariant {
                    loc: self.loc(variant.ident.span()),
                    variant: name,
                    column_name,
                });
            }
            module.column_enum = Some(variants);
        } else if e.ident == "PrimaryKey" && has("DerivePrimaryKey") {
            module.primary_key = Some(e.variants.iter().map(|v| v.ident.to_string()).collect());
        }
    }

    fn active_enum(&mut self, e: &syn::ItemEnum) -> Option<EnumDecl> {
        let entries = attrs::sea_orm_entries(&e.attrs, self.locator, self.diagnostics);
        let loc = self.loc(e.ident.span());
        let text = |key: &str| attrs::str_value(&entries, key);
        let ident = e.ident.to_string();
        let enum_name = text("enum_name")
            .unwrap_or_else(|| heck::ToUpperCamelCase::to_upper_camel_case(ident.as_str()));
        let rename_all = text("rename_all").and_then(|s| CaseStyle::parse(&s));
        let db_type = match text("db_type").as_deref() {
            Some("Enum") => None,
            Some(other) => match column_type::from_str(other) {
                Ok(ty) => Some(ty),
                Err(msg) => {
                    self.diagnostics
                        .push(loc.error(format!("cannot read db_type: {msg}")));
                    return None;
                }
            },
            None => {
                self.diagnostics.push(
                    loc.error(format!("DeriveActiveEnum `{ident}` has no db_type"))
                        .help(
                            "add db_type = \"Enum\" or a column type such as db_type = \"Integer\"",
                        ),
                );
                return None;
            }
        };
        let mut values = Vec::new();
        for variant in &e.variants {
            let v_entries = attrs::sea_orm_entries(&variant.attrs, self.locator, self.diagnostics);
            let find = |key: &str| v_entries.iter().find(|x| x.key == key).map(|x| &x.value);
            let vident = variant.ident.to_string();
            let value = if let Some(Value::Str(s)) = find("string_value") {
                Some(s.clone())
            } else if let Some(Value::Int(i)) = find("num_value") {
                Some(i.to_string())
            } else if let Some(style) = find("rename")
                .and_then(Value::as_str)
                .and_then(CaseStyle::parse)
                .or(rename_all)
            {
                Some(style.apply(&vident))
            } else if let Some((_, expr)) = &variant.discriminant {
                Some(exprs::tokens(expr).replace(' ', ""))
            } else {
                None
            };
            match value {
                Some(v) => values.push(v),
                None => self.diagnostics.push(
                    self.locator
                        .loc(variant.ident.span())
                        .error(format!("enum variant `{vident}` has no database value"))
                        .help("add #[sea_orm(string_value = \"...\")] or #[sea_orm(num_value = ...)], or rename_all on the enum"),
                ),
            }
        }
        Some(EnumDecl {
            loc,
            ident,
            db_type,
            enum_name,
            values,
        })
    }

    fn item_impl(&mut self, module: &mut Module, i: &syn::ItemImpl) {
        let Some((_, trait_path, _)) = &i.trait_ else {
            return;
        };
        let Some(trait_name) = trait_path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        match trait_name.as_str() {
            "EntityName" => {
                let mut decl = EntityNameDecl {
                    loc: self.loc(
                        trait_path
                            .segments
                            .last()
                            .map(|s| s.ident.span())
                            .unwrap_or_else(proc_macro2::Span::call_site),
                    ),
                    ..EntityNameDecl::default()
                };
                for (name, body) in fns(i) {
                    let value = body_strings(body).into_iter().next();
                    match name.as_str() {
                        "table_name" => decl.table_name = value,
                        "schema_name" => decl.schema_name = value,
                        "comment" => decl.comment = value,
                        _ => {}
                    }
                }
                module.entity_name = Some(decl);
            }
            "PrimaryKeyTrait" => {
                for (name, body) in fns(i) {
                    if name == "auto_increment" {
                        module.pk_auto_increment = tail_expr(body).and_then(|e| match e {
                            Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Bool(b),
                                ..
                            }) => Some(b.value),
                            _ => None,
                        });
                    }
                }
            }
            "ColumnTrait" => {
                for (name, body) in fns(i) {
                    if name == "def" {
                        for (variant, expr, loc) in match_arms(body, self.locator) {
                            if let Some(decl) = self.column_def(variant, expr, loc) {
                                module.column_defs.push(decl);
                            }
                        }
                    }
                }
            }
            "RelationTrait" => {
                for (name, body) in fns(i) {
                    if name == "def" {
                        for (_, expr, loc) in match_arms(body, self.locator) {
                            if let Some(rel) = self.relation_def(expr, loc) {
                                module.relations.push(rel);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// `ColumnType::X.def().null()...` or `Enum::db_type().get_column_type().to_owned().def()`.
    fn column_def(&mut self, variant: String, expr: &Expr, loc: Loc) -> Option<ColumnDefDecl> {
        let chain = exprs::chain(expr);
        let ty = match chain.receiver {
            Expr::Call(call) if matches!(&*call.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "db_type")) =>
            {
                let mut path = exprs::path_segments(&call.func)?;
                path.pop();
                TypeSource::ActiveEnum(path)
            }
            receiver => match column_type::from_expr(receiver) {
                Ok(ty) => TypeSource::Known(ty),
                Err(msg) => {
                    self.diagnostics.push(loc.error(format!(
                        "cannot read the column definition of `{variant}`: {msg}"
                    )));
                    return None;
                }
            },
        };
        let mut decl = ColumnDefDecl {
            loc,
            variant,
            ty,
            nullable: false,
            unique: false,
            indexed: false,
            unique_key: None,
            default: None,
            comment: None,
            extra: None,
            renamed_from: None,
        };
        for call in &chain.calls {
            let arg = call.args.first().copied();
            let arg_str = arg.and_then(exprs::str_arg);
            match call.method.as_str() {
                "def" | "get_column_type" | "to_owned" | "clone" | "into" | "seaography_ignore" => {
                }
                "null" | "nullable" => decl.nullable = true,
                "unique" => decl.unique = true,
                "indexed" => decl.indexed = true,
                "unique_key" => decl.unique_key = arg_str,
                "comment" => decl.comment = arg_str,
                "extra" => decl.extra = arg_str,
                "renamed_from" => decl.renamed_from = arg_str,
                "default_value" | "default" => {
                    if let Some(arg) = arg {
                        let (default, known) = exprs::default_from_expr(arg);
                        if !known {
                            self.diagnostics.push(self.locator.loc(call.span).warning(format!(
                                "default `{}` is not an expression strata can translate to SQL; it is left out of DDL",
                                exprs::tokens(arg)
                            )));
                        }
                        decl.default = Some(default);
                    }
                }
                other => self
                    .diagnostics
                    .push(self.locator.loc(call.span).warning(format!(
                        "`.{other}()` on a column definition is not understood and is ignored"
                    ))),
            }
        }
        Some(decl)
    }

    /// `Entity::belongs_to(super::x::Entity).from(..).to(..).on_delete(..).into()`.
    fn relation_def(&mut self, expr: &Expr, loc: Loc) -> Option<RelationDecl> {
        let chain = exprs::chain(expr);
        let Expr::Call(start) = chain.receiver else {
            return None;
        };
        let kind = exprs::path_segments(&start.func)?.pop()?;
        if kind != "belongs_to" {
            return None;
        }
        let target = exprs::path_segments(start.args.first()?)?;
        let mut from = None;
        let mut to = None;
        let mut rel = RelationDecl {
            loc: loc.clone(),
            target,
            from: Vec::new(),
            to: Vec::new(),
            on_delete: None,
            on_update: None,
            fk_name: None,
        };
        for call in &chain.calls {
            let arg = call.args.first().copied();
            match call.method.as_str() {
                "from" => from = arg.and_then(exprs::column_refs),
                "to" => to = arg.and_then(exprs::column_refs),
                "on_delete" => rel.on_delete = arg.and_then(exprs::fk_action),
                "on_update" => rel.on_update = arg.and_then(exprs::fk_action),
                "fk_name" => rel.fk_name = arg.and_then(exprs::str_arg),
                "skip_fk" => return None,
                _ => {}
            }
        }
        match (from, to) {
            (Some(from), Some(to)) => {
                rel.from = from;
                rel.to = to;
                Some(rel)
            }
            _ => {
                self.diagnostics
                    .push(loc.error("a belongs_to relation needs `.from(..)` and `.to(..)`"));
                None
            }
        }
    }
}

/// The `fn` items of an impl block with their bodies.
fn fns(i: &syn::ItemImpl) -> Vec<(String, &syn::Block)> {
    i.items
        .iter()
        .filter_map(|item| match item {
            ImplItem::Fn(f) => Some((f.sig.ident.to_string(), &f.block)),
            _ => None,
        })
        .collect()
}

fn tail_expr(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.last()? {
        syn::Stmt::Expr(e, None) => Some(e),
        syn::Stmt::Expr(Expr::Return(r), _) => r.expr.as_deref(),
        _ => None,
    }
}

fn body_strings(block: &syn::Block) -> Vec<String> {
    tail_expr(block)
        .map(column_type::string_literals)
        .unwrap_or_default()
}

/// The arms of `match self { Self::A => expr, ... }` in a `def` body: variant name, arm
/// expression, location.
fn match_arms<'b>(block: &'b syn::Block, locator: &Locator<'_>) -> Vec<(String, &'b Expr, Loc)> {
    let Some(Expr::Match(m)) = tail_expr(block) else {
        return Vec::new();
    };
    m.arms
        .iter()
        .filter_map(|arm| {
            let path = match &arm.pat {
                syn::Pat::Path(p) => &p.path,
                syn::Pat::TupleStruct(t) => &t.path,
                _ => return None,
            };
            let ident = &path.segments.last()?.ident;
            Some((ident.to_string(), &*arm.body, locator.loc(ident.span())))
        })
        .collect()
}

fn collect_use(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Alias>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            collect_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            if n.ident != "self" {
                let mut path = prefix.clone();
                path.push(n.ident.to_string());
                out.push(Alias {
                    name: n.ident.to_string(),
                    path,
                });
            }
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push(Alias {
                name: r.rename.to_string(),
                path,
            });
        }
        syn::UseTree::Group(g) => {
            for item in &g.items {
                collect_use(item, prefix, out);
            }
        }
        syn::UseTree::Glob(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::module_path;

    #[test]
    fn module_paths() {
        assert_eq!(module_path("users.rs"), ["users"]);
        assert_eq!(module_path("shop/mod.rs"), ["shop"]);
        assert_eq!(module_path("mod.rs"), Vec::<String>::new());
        assert_eq!(module_path("a/b.rs"), ["a", "b"]);
    }
}
