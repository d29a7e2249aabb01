//! Second pass: the declarations of every module → one [`Schema`]. Resolves what crosses files:
//! relation targets (`super::users::Entity`, prelude aliases), ActiveEnums and newtypes named by
//! field types, and the target columns of foreign keys.

use std::collections::{BTreeMap, HashMap};

use strata_ir::{Column, ColumnType, EnumType, ForeignKey, Index, PrimaryKey, Schema, Table};

use crate::IgnoredColumn;
use crate::diagnostic::{Diagnostic, Loc, WithHelp};
use crate::naming;
use crate::rust_type::{self, RustType};
use crate::scan::{EnumDecl, FieldDecl, ModelDecl, Module, TypeSource, ValueTypeDecl};

/// An entity being built: its table and the Column variant → column name map that relations
/// use.
struct Entity {
    module: usize,
    table: Table,
    variants: HashMap<String, String>,
    /// Column names of `#[sea_orm(ignore)]` fields.
    ignored: Vec<String>,
}

/// The schema the entities describe, and the columns their `#[sea_orm(ignore)]` fields name.
///
/// Each model's fields are taken out of `modules` and dropped once its table is built, so a
/// reading of thousands of entities never holds every field declaration and every column at
/// once.
pub(crate) fn build(
    modules: &mut [Module],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Schema, Vec<IgnoredColumn>) {
    let fields: Vec<Vec<FieldDecl>> = modules
        .iter_mut()
        .map(|m| {
            m.model
                .as_mut()
                .map(|model| std::mem::take(&mut model.fields))
                .unwrap_or_default()
        })
        .collect();
    let modules: &[Module] = modules;
    let ctx = Context::new(modules);
    let mut entities: Vec<Entity> = Vec::new();
    for ((index, module), fields) in modules.iter().enumerate().zip(fields) {
        if let Some(entity) = ctx.entity(index, module, fields, diagnostics) {
            entities.push(entity);
        }
    }
    report_duplicate_tables(&entities, modules, diagnostics);

    // Foreign keys need every entity's columns, so they come second.
    let by_module: HashMap<usize, usize> = entities
        .iter()
        .enumerate()
        .map(|(i, e)| (e.module, i))
        .collect();
    let mut foreign_keys: Vec<(usize, ForeignKey)> = Vec::new();
    for (ei, entity) in entities.iter().enumerate() {
        let module = &modules[entity.module];
        for rel in &module.relations {
            let Some(target_module) = ctx.entity_module(entity.module, &rel.target) else {
                diagnostics.push(
                    rel.loc
                        .error(format!(
                            "cannot find the entity `{}` this relation points to",
                            rel.target.join("::")
                        ))
                        .help("the target must be an entity in the models directory, e.g. super::users::Entity"),
                );
                continue;
            };
            let Some(&ti) = by_module.get(&target_module) else {
                diagnostics.push(rel.loc.error(format!(
                    "`{}` is not an entity with a table",
                    rel.target.join("::")
                )));
                continue;
            };
            let target = &entities[ti];
            let columns = map_variants(&rel.from, entity, &rel.loc, diagnostics);
            let ref_columns = map_variants(&rel.to, target, &rel.loc, diagnostics);
            let (Some(columns), Some(ref_columns)) = (columns, ref_columns) else {
                continue;
            };
            if columns.len() != ref_columns.len() {
                diagnostics.push(rel.loc.error(format!(
                    "the relation maps {} column(s) to {} column(s)",
                    columns.len(),
                    ref_columns.len()
                )));
                continue;
            }
            let name = rel
                .fk_name
                .clone()
                .unwrap_or_else(|| format!("fk-{}-{}", entity.table.name, columns.join("-")));
            foreign_keys.push((
                ei,
                ForeignKey {
                    name: Some(name),
                    columns,
                    ref_schema: target.table.schema.clone(),
                    ref_table: target.table.name.clone(),
                    ref_columns,
                    on_delete: rel.on_delete,
                    on_update: rel.on_update,
                    deferrable: None,
                },
            ));
        }
    }
    for (ei, fk) in foreign_keys {
        entities[ei].table.foreign_keys.push(fk);
    }

    let ignored = entities
        .iter()
        .flat_map(|e| {
            e.ignored.iter().map(|column| IgnoredColumn {
                schema: e.table.schema.clone(),
                table: e.table.name.clone(),
                column: column.clone(),
            })
        })
        .collect();
    let mut schema = Schema {
        tables: entities.into_iter().map(|e| e.table).collect(),
        ..Schema::default()
    };
    schema.enums = used_enums(&schema.tables, diagnostics, modules);
    schema.sort();
    (schema, ignored)
}

fn map_variants(
    variants: &[String],
    entity: &Entity,
    loc: &Loc,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for variant in variants {
        match entity.variants.get(variant) {
            Some(column) => out.push(column.clone()),
            None => {
                diagnostics.push(
                    loc.error(format!(
                        "`{variant}` is not a column of `{}`",
                        entity.table.name
                    ))
                    .help("name a field of that entity (dense form) or its Column variant (compact form)"),
                );
                return None;
            }
        }
    }
    Some(out)
}

fn report_duplicate_tables(
    entities: &[Entity],
    modules: &[Module],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for entity in entities {
        let key = (entity.table.schema.as_deref(), entity.table.name.as_str());
        if let Some(&first) = seen.get(&key) {
            diagnostics.push(
                modules[entity.module]
                    .file_loc
                    .error(format!(
                        "table `{}` is also declared in `{}`",
                        entity.table.qualified_name(),
                        modules[first].file_loc.file
                    ))
                    .help("each table must be declared by exactly one entity"),
            );
        } else {
            seen.insert(key, entity.module);
        }
    }
}

/// The PostgreSQL enum types the columns use, each once.
fn used_enums(
    tables: &[Table],
    diagnostics: &mut Vec<Diagnostic>,
    modules: &[Module],
) -> Vec<EnumType> {
    let mut found: BTreeMap<(Option<String>, String), Vec<String>> = BTreeMap::new();
    fn visit(
        ty: &ColumnType,
        found: &mut BTreeMap<(Option<String>, String), Vec<String>>,
        clash: &mut Vec<String>,
    ) {
        match ty {
            ColumnType::Enum {
                schema,
                name,
                values,
            } => {
                let key = (schema.clone(), name.clone());
                match found.get(&key) {
                    Some(existing) if existing != values => clash.push(name.clone()),
                    Some(_) => {}
                    None => {
                        found.insert(key, values.clone());
                    }
                }
            }
            ColumnType::Array { of } => visit(of, found, clash),
            _ => {}
        }
    }
    let mut clash = Vec::new();
    for table in tables {
        for column in &table.columns {
            visit(&column.ty, &mut found, &mut clash);
        }
    }
    clash.sort();
    clash.dedup();
    for name in clash {
        let loc = modules
            .iter()
            .flat_map(|m| &m.enums)
            .find(|e| e.enum_name == name)
            .map(|e| e.loc.clone())
            .unwrap_or_default();
        diagnostics.push(loc.error(format!(
            "two ActiveEnums use the database enum name `{name}` with different values"
        )));
    }
    found
        .into_iter()
        .map(|((schema, name), values)| EnumType {
            schema,
            name,
            values,
        })
        .collect()
}

/// A type a field's Rust type can resolve to across files.
enum TypeDef<'m> {
    Enum(&'m EnumDecl),
    Value(usize, &'m ValueTypeDecl),
}

struct Context<'m> {
    modules: &'m [Module],
    /// Module index by full path (the first, when two share one).
    by_path: HashMap<&'m [String], usize>,
    /// Module indexes by the last segment of their path, for suffix lookups.
    by_last: HashMap<&'m str, Vec<usize>>,
}

impl<'m> Context<'m> {
    fn new(modules: &'m [Module]) -> Context<'m> {
        let mut by_path = HashMap::new();
        let mut by_last: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, m) in modules.iter().enumerate() {
            by_path.entry(m.path.as_slice()).or_insert(i);
            if let Some(last) = m.path.last() {
                by_last.entry(last.as_str()).or_default().push(i);
            }
        }
        Context {
            modules,
            by_path,
            by_last,
        }
    }
}

impl<'m> Context<'m> {
    fn entity(
        &self,
        index: usize,
        module: &Module,
        fields: Vec<FieldDecl>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Entity> {
        let name_impl = module.entity_name.as_ref();
        if let Some(model) = &module.model {
            let table_name = model
                .table_name
                .clone()
                .or_else(|| name_impl.and_then(|n| n.table_name.clone()));
            let Some(table_name) = table_name else {
                diagnostics.push(
                    model
                        .loc
                        .warning("this DeriveEntityModel has no table_name, so it defines no table")
                        .help("add #[sea_orm(table_name = \"...\")]"),
                );
                return None;
            };
            let schema = model
                .schema_name
                .clone()
                .or_else(|| name_impl.and_then(|n| n.schema_name.clone()));
            let comment = model
                .comment
                .clone()
                .or_else(|| name_impl.and_then(|n| n.comment.clone()));
            let mut table = Table::new(schema, table_name);
            table.comment = comment;
            return Some(self.compact(index, model, &fields, table, diagnostics));
        }
        let name_impl = name_impl?;
        let table_name = name_impl.table_name.clone()?;
        if module.column_enum.is_none() {
            diagnostics.push(
                name_impl
                    .loc
                    .error(format!(
                        "entity `{table_name}` has no `enum Column` with DeriveColumn"
                    ))
                    .help("the expanded form needs Column, PrimaryKey and a ColumnTrait::def"),
            );
            return None;
        }
        Some(self.expanded(index, module, table_name, diagnostics))
    }

    fn compact(
        &self,
        index: usize,
        model: &ModelDecl,
        fields: &[FieldDecl],
        mut table: Table,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Entity {
        let mut variants = HashMap::new();
        let mut keys = Keys::default();
        // SeaORM's auto-increment rule, applied field by field as the derive does.
        let mut auto_increment: Option<bool> = None;
        let mut pk = Vec::new();
        let mut ignored = Vec::new();
        table.columns.reserve_exact(fields.len());
        for field in fields {
            let name = field.column_name.clone().unwrap_or_else(|| {
                naming::column_name(&field.ident, model.rename_all, field.enum_name.as_deref())
            });
            if field.ignore {
                ignored.push(name);
                continue;
            }
            let variant = field
                .enum_name
                .clone()
                .unwrap_or_else(|| naming::variant_name(&field.ident));
            variants.insert(variant, name.clone());
            let Some(ty) = &field.ty else { continue };
            let inner = ty.strip_option().unwrap_or(ty);
            let nullable = ty.strip_option().is_some() || field.nullable;
            if field.auto_increment.is_some() {
                auto_increment = field.auto_increment;
                if !field.primary_key {
                    diagnostics.push(
                        field
                            .loc
                            .error("auto_increment can only be used on a primary_key field"),
                    );
                }
            }
            if field.primary_key {
                pk.push(name.clone());
                if auto_increment.is_none()
                    && (inner.text.ends_with("String") || inner.text.ends_with("Uuid"))
                {
                    auto_increment = Some(false);
                }
            }
            let column_type = match &field.column_type {
                Some(ty) => ty.clone(),
                None if field.bad_column_type => continue,
                None => match self.resolve_type(index, inner, 0) {
                    Some(ty) => ty,
                    None => {
                        diagnostics.push(unknown_type(&field.loc, &field.ident, &inner.text));
                        continue;
                    }
                },
            };
            let mut column = Column::new(name.clone(), column_type);
            column.nullable = nullable;
            column.default = field.default.clone();
            column.comment = field.comment.clone();
            column.extra = field.extra.clone();
            column.renamed_from = field.renamed_from.clone();
            table.columns.push(column);
            keys.add(
                &name,
                field.unique,
                field.indexed,
                field.unique_key.as_deref(),
            );
        }
        let auto_increment = auto_increment.unwrap_or(true) && pk.len() == 1;
        finish_keys(
            &mut table,
            pk,
            auto_increment,
            keys,
            &model.loc,
            diagnostics,
        );
        Entity {
            module: index,
            table,
            variants,
            ignored,
        }
    }

    fn expanded(
        &self,
        index: usize,
        module: &Module,
        table_name: String,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Entity {
        let name_impl = module.entity_name.as_ref();
        let mut table = Table::new(name_impl.and_then(|n| n.schema_name.clone()), table_name);
        table.comment = name_impl.and_then(|n| n.comment.clone());
        let mut variants = HashMap::new();
        let mut keys = Keys::default();
        for cv in module.column_enum.iter().flatten() {
            variants.insert(cv.variant.clone(), cv.column_name.clone());
            let Some(def) = module.column_defs.iter().find(|d| d.variant == cv.variant) else {
                diagnostics.push(cv.loc.error(format!(
                    "column `{}` has no arm in ColumnTrait::def",
                    cv.variant
                )));
                continue;
            };
            let column_type = match &def.ty {
                TypeSource::Known(ty) => ty.clone(),
                TypeSource::ActiveEnum(path) => {
                    let rust = RustType {
                        segments: path.clone(),
                        args: Vec::new(),
                        text: path.join("::"),
                    };
                    match self.resolve_type(index, &rust, 0) {
                        Some(ty) => ty,
                        None => {
                            diagnostics.push(def.loc.error(format!(
                                "cannot find the ActiveEnum `{}`",
                                path.join("::")
                            )));
                            continue;
                        }
                    }
                }
            };
            let mut column = Column::new(cv.column_name.clone(), column_type);
            column.nullable = def.nullable;
            column.default = def.default.clone();
            column.comment = def.comment.clone();
            column.extra = def.extra.clone();
            column.renamed_from = def.renamed_from.clone();
            table.columns.push(column);
            keys.add(
                &cv.column_name,
                def.unique,
                def.indexed,
                def.unique_key.as_deref(),
            );
        }
        let pk: Vec<String> = module
            .primary_key
            .iter()
            .flatten()
            .filter_map(|v| variants.get(v).cloned())
            .collect();
        let auto_increment = module.pk_auto_increment.unwrap_or(true) && pk.len() == 1;
        let loc = name_impl.map(|n| n.loc.clone()).unwrap_or_default();
        finish_keys(&mut table, pk, auto_increment, keys, &loc, diagnostics);
        Entity {
            module: index,
            table,
            variants,
            ignored: Vec::new(),
        }
    }

    /// A Rust type → column type: SeaORM's built-in table first, then ActiveEnums and newtypes
    /// found anywhere in the models.
    fn resolve_type(&self, module: usize, ty: &RustType, depth: usize) -> Option<ColumnType> {
        if depth > 8 {
            return None;
        }
        let mut recurse = |t: &RustType| self.resolve_type(module, t, depth + 1);
        if let Some(ty) = rust_type::builtin(ty, &mut recurse) {
            return Some(ty);
        }
        match self.type_def(module, &ty.segments)? {
            TypeDef::Enum(e) => Some(match &e.db_type {
                Some(ty) => ty.clone(),
                None => {
                    let (schema, name) = split_enum_name(&e.enum_name);
                    ColumnType::Enum {
                        schema,
                        name,
                        values: e.values.clone(),
                    }
                }
            }),
            TypeDef::Value(vm, v) => match &v.column_type {
                Some(ty) => Some(ty.clone()),
                None => self.resolve_type(vm, v.inner.as_ref()?, depth + 1),
            },
        }
    }

    fn type_def(&self, module: usize, path: &[String]) -> Option<TypeDef<'m>> {
        let name = path.last()?;
        let find_in = |m: usize| -> Option<TypeDef<'m>> {
            let module = &self.modules[m];
            if let Some(e) = module.enums.iter().find(|e| &e.ident == name) {
                return Some(TypeDef::Enum(e));
            }
            module
                .value_types
                .iter()
                .find(|v| &v.ident == name)
                .map(|v| TypeDef::Value(m, v))
        };
        if path.len() > 1 {
            let target = self.module_by_path(module, &path[..path.len() - 1])?;
            return find_in(target);
        }
        if let Some(found) = find_in(module) {
            return Some(found);
        }
        if let Some(alias) = self.modules[module]
            .aliases
            .iter()
            .find(|a| &a.name == name)
            && alias.path.len() > 1
            && let Some(target) = self.module_by_path(module, &alias.path[..alias.path.len() - 1])
            && let Some(found) = find_in(target)
        {
            return Some(found);
        }
        // Fall back to a unique declaration anywhere in the models.
        let mut hits = (0..self.modules.len()).filter_map(find_in);
        let first = hits.next()?;
        if hits.next().is_some() {
            return None;
        }
        Some(first)
    }

    /// The module an entity path designates, seen from module `from`.
    fn entity_module(&self, from: usize, path: &[String]) -> Option<usize> {
        match path {
            [] => None,
            [one] if one == "Entity" || one == "Self" => Some(from),
            [.., last] if last == "Entity" => self.module_by_path(from, &path[..path.len() - 1]),
            [.., last] => {
                // An alias such as `super::prelude::Users` or `Users` (from `use ... as Users`).
                let mut candidates = vec![from];
                if path.len() > 1
                    && let Some(m) = self.module_by_path(from, &path[..path.len() - 1])
                {
                    candidates.insert(0, m);
                }
                candidates.extend(0..self.modules.len());
                candidates.into_iter().find_map(|m| {
                    let alias = self.modules[m].aliases.iter().find(|a| &a.name == last)?;
                    if alias.path.last().map(String::as_str) != Some("Entity") {
                        return None;
                    }
                    self.module_by_path(m, &alias.path[..alias.path.len() - 1])
                })
            }
        }
    }

    /// Resolves a module path (`super::users`, `self::x`, `crate::entities::users`, `users`)
    /// relative to module `from`: exactly where Rust would look, else by unique suffix.
    fn module_by_path(&self, from: usize, path: &[String]) -> Option<usize> {
        let base = &self.modules[from].path;
        let mut resolved: Vec<String> = base.clone();
        let mut rest = path;
        let mut relative = false;
        while let Some((first, tail)) = rest.split_first() {
            match first.as_str() {
                "super" => {
                    resolved.pop();
                    relative = true;
                }
                "self" => relative = true,
                "crate" => {}
                _ => break,
            }
            rest = tail;
        }
        if relative {
            resolved.extend(rest.iter().cloned());
            if let Some(&i) = self.by_path.get(resolved.as_slice()) {
                return Some(i);
            }
        }
        if rest.is_empty() {
            return None;
        }
        let last = rest.last()?;
        let mut hits = self
            .by_last
            .get(last.as_str())?
            .iter()
            .copied()
            .filter(|&i| self.modules[i].path.ends_with(rest));
        let first = hits.next()?;
        if hits.next().is_some() {
            return None;
        }
        Some(first)
    }
}

/// SeaORM's workaround for enums in another schema: `enum_name = "schema\".\"name"`.
fn split_enum_name(enum_name: &str) -> (Option<String>, String) {
    match enum_name.split_once("\".\"") {
        Some((schema, name)) => (Some(schema.to_owned()), name.to_owned()),
        None => (None, enum_name.to_owned()),
    }
}

fn unknown_type(loc: &Loc, field: &str, ty: &str) -> Diagnostic {
    loc.error(format!("field `{field}` has type `{ty}`, which is not a type SeaORM maps to a column"))
        .help(format!(
            "give the type explicitly with #[sea_orm(column_type = \"...\")], declare `{ty}` as a DeriveActiveEnum or DeriveValueType in the models directory, or mark the field #[sea_orm(ignore)]"
        ))
}

/// The unique, indexed and unique_key declarations of an entity's columns.
#[derive(Default)]
struct Keys {
    unique: Vec<String>,
    indexed: Vec<String>,
    unique_keys: BTreeMap<String, Vec<String>>,
}

impl Keys {
    fn add(&mut self, column: &str, unique: bool, indexed: bool, unique_key: Option<&str>) {
        if unique {
            self.unique.push(column.to_owned());
        } else if indexed {
            self.indexed.push(column.to_owned());
        }
        if let Some(key) = unique_key {
            self.unique_keys
                .entry(key.to_owned())
                .or_default()
                .push(column.to_owned());
        }
    }
}

/// Primary key, unique constraints and indexes, named as SeaORM names them.
fn finish_keys(
    table: &mut Table,
    pk: Vec<String>,
    auto_increment: bool,
    keys: Keys,
    loc: &Loc,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match pk.len() {
        0 => diagnostics.push(
            loc.error(format!("entity `{}` has no primary key", table.name))
                .help("SeaORM requires one: mark a field #[sea_orm(primary_key)]"),
        ),
        1 => {
            if auto_increment && let Some(c) = table.columns.iter_mut().find(|c| c.name == pk[0]) {
                c.auto_increment = true;
            }
            table.primary_key = Some(PrimaryKey {
                name: None,
                columns: pk,
            });
        }
        _ => {
            table.primary_key = Some(PrimaryKey {
                name: Some(format!("pk-{}", table.name)),
                columns: pk,
            })
        }
    }
    for column in keys.unique {
        let mut index = Index::on_columns(None, [column]);
        index.unique = true;
        index.constraint = true;
        table.indexes.push(index);
    }
    for column in keys.indexed {
        let name = format!("idx-{}-{}", table.name, column);
        table.indexes.push(Index::on_columns(Some(name), [column]));
    }
    for (key, columns) in keys.unique_keys {
        let mut index = Index::on_columns(Some(format!("idx-{}-{key}", table.name)), columns);
        index.unique = true;
        table.indexes.push(index);
    }
}
