//! SeaORM's naming rules: column names from field names, `rename_all` case styles, Column
//! variant names.

use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase, ToUpperCamelCase,
};

/// A `rename_all` case style, by the names SeaORM accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CaseStyle {
    Pascal,
    Camel,
    Snake,
    Kebab,
    ShoutySnake,
    ScreamingKebab,
    Title,
    Mixed,
    Lower,
    Upper,
}

impl CaseStyle {
    pub const NAMES: &'static str = "camelCase, PascalCase, kebab-case, snake_case, \
        SCREAMING_SNAKE_CASE, SCREAMING-KEBAB-CASE, lowercase, UPPERCASE, title_case, mixed_case";

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            // SeaORM maps "camel_case" to PascalCase; so do we.
            "camel_case" | "PascalCase" => CaseStyle::Pascal,
            "camelCase" => CaseStyle::Camel,
            "snake_case" | "snek_case" => CaseStyle::Snake,
            "kebab_case" | "kebab-case" => CaseStyle::Kebab,
            "SCREAMING-KEBAB-CASE" => CaseStyle::ScreamingKebab,
            "shouty_snake_case" | "shouty_snek_case" | "SCREAMING_SNAKE_CASE" => {
                CaseStyle::ShoutySnake
            }
            "title_case" => CaseStyle::Title,
            "mixed_case" => CaseStyle::Mixed,
            "lowercase" => CaseStyle::Lower,
            "UPPERCASE" => CaseStyle::Upper,
            _ => return None,
        })
    }

    pub fn apply(self, s: &str) -> String {
        match self {
            CaseStyle::Pascal => s.to_upper_camel_case(),
            CaseStyle::Kebab => s.to_kebab_case(),
            CaseStyle::Mixed => s.to_lower_camel_case(),
            CaseStyle::ShoutySnake => s.to_shouty_snake_case(),
            CaseStyle::Snake => s.to_snake_case(),
            CaseStyle::Title => s.to_title_case(),
            CaseStyle::Upper => s.to_uppercase(),
            CaseStyle::Lower => s.to_lowercase(),
            CaseStyle::ScreamingKebab => s.to_kebab_case().to_uppercase(),
            CaseStyle::Camel => {
                let pascal = s.to_upper_camel_case();
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_lowercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
        }
    }
}

/// `r#type` → `type`.
pub(crate) fn trim_raw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The database column name SeaORM derives for a field (`entity_model.rs`; `column_name` wins
/// before this is asked): `rename_all` applied to the field's UpperCamelCase form, else
/// snake_case when the field name is not stable under that round trip, else the snake_case of
/// the Column variant, which a field-level `enum_name` renames.
pub(crate) fn column_name(
    field: &str,
    rename_all: Option<CaseStyle>,
    enum_name: Option<&str>,
) -> String {
    let field = trim_raw(field);
    if let Some(style) = rename_all {
        return style.apply(&field.to_upper_camel_case());
    }
    if field != field.to_upper_camel_case().to_snake_case() {
        return field.to_snake_case();
    }
    match enum_name {
        Some(variant) => variant.to_snake_case(),
        None => field.to_owned(),
    }
}

/// The `Column` enum variant SeaORM generates for a field, or the one a `from`/`to` path names.
pub(crate) fn variant_name(ident: &str) -> String {
    trim_raw(ident).to_upper_camel_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_follow_seaorm() {
        assert_eq!(column_name("createdAt", None, None), "created_at");
        assert_eq!(column_name("name_", None, None), "name");
        assert_eq!(column_name("r#type", None, None), "type");
        assert_eq!(column_name("user_id", None, None), "user_id");
        assert_eq!(
            column_name("user_id", Some(CaseStyle::Camel), None),
            "userId"
        );
        assert_eq!(
            column_name("user_id", CaseStyle::parse("camel_case"), None),
            "UserId"
        );
        // A field-level enum_name renames the Column variant, and so the column.
        assert_eq!(
            column_name("homepage", None, Some("PersonalHomepage")),
            "personal_homepage"
        );
        assert_eq!(column_name("lastSeen", None, Some("Other")), "last_seen");
    }
}
