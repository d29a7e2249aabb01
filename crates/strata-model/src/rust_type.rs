//! Rust field types as plain data, and SeaORM 2.0 / sea-query 1.0's Rust type → column type
//! table (`ValueType::column_type()` for the types SeaORM's prelude exports).

use strata_ir::{ColumnType, StringLen};

/// A Rust type reduced to what type mapping needs: the path segments, the generic type
/// arguments of the last segment, and the token text without whitespace (SeaORM's own
/// nullability and auto-increment tests are string tests on that text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RustType {
    pub segments: Vec<String>,
    pub args: Vec<RustType>,
    pub text: String,
}

impl RustType {
    pub fn from_syn(ty: &syn::Type) -> RustType {
        let text: String = quote::quote!(#ty).to_string().split_whitespace().collect();
        match ty {
            syn::Type::Path(path) if path.qself.is_none() => {
                let segments = path
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let args = match path.path.segments.last().map(|s| &s.arguments) {
                    Some(syn::PathArguments::AngleBracketed(args)) => args
                        .args
                        .iter()
                        .filter_map(|a| match a {
                            syn::GenericArgument::Type(t) => Some(RustType::from_syn(t)),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                RustType {
                    segments,
                    args,
                    text,
                }
            }
            syn::Type::Group(g) => RustType::from_syn(&g.elem),
            syn::Type::Paren(p) => RustType::from_syn(&p.elem),
            syn::Type::Reference(r) => RustType {
                segments: Vec::new(),
                args: vec![RustType::from_syn(&r.elem)],
                text,
            },
            _ => RustType {
                segments: Vec::new(),
                args: Vec::new(),
                text,
            },
        }
    }

    pub fn last(&self) -> &str {
        self.segments.last().map(String::as_str).unwrap_or("")
    }

    /// `Option<T>` by SeaORM's rule (the text starts with `Option<`): returns `T`.
    pub fn strip_option(&self) -> Option<&RustType> {
        if self.text.starts_with("Option<") && self.segments.len() == 1 {
            self.args.first()
        } else {
            None
        }
    }
}

/// The column type of a Rust type that SeaORM knows without help, or `None` (an ActiveEnum, a
/// newtype, or something unknown). `Vec<T>` recurses through `resolve` for its element.
pub(crate) fn builtin(
    ty: &RustType,
    resolve: &mut dyn FnMut(&RustType) -> Option<ColumnType>,
) -> Option<ColumnType> {
    let has_args = !ty.args.is_empty();
    Some(match ty.last() {
        "bool" => ColumnType::Boolean,
        "i8" => ColumnType::int(1),
        "i16" => ColumnType::int(2),
        "i32" => ColumnType::int(4),
        "i64" => ColumnType::int(8),
        "u8" => ColumnType::uint(1),
        "u16" => ColumnType::uint(2),
        "u32" => ColumnType::uint(4),
        "u64" => ColumnType::uint(8),
        "f32" => ColumnType::Float,
        "f64" => ColumnType::Double,
        "char" => ColumnType::Char { len: None },
        "String" | "Cow" | "TextUuid" => ColumnType::String {
            len: StringLen::None,
        },
        "Vec" => {
            let elem = ty.args.first()?;
            if elem.last() == "u8" && elem.segments.len() == 1 {
                ColumnType::VarBinary {
                    len: StringLen::None,
                }
            } else {
                ColumnType::Array {
                    of: Box::new(resolve(elem)?),
                }
            }
        }
        "Json" | "JsonValue" => ColumnType::Json,
        "Value" if ty.segments.first().map(String::as_str) == Some("serde_json") => {
            ColumnType::Json
        }
        "Date" | "NaiveDate" | "TimeDate" | "ChronoDate" => ColumnType::Date,
        "Time" | "NaiveTime" | "TimeTime" | "ChronoTime" => ColumnType::Time,
        "DateTime" if has_args => ColumnType::TimestampTz,
        "DateTime" | "NaiveDateTime" | "TimeDateTime" | "PrimitiveDateTime" | "ChronoDateTime" => {
            ColumnType::DateTime
        }
        "ChronoDateTimeUtc" | "ChronoDateTimeLocal" | "ChronoDateTimeWithTimeZone" => {
            ColumnType::TimestampTz
        }
        "DateTimeUtc"
        | "DateTimeLocal"
        | "DateTimeWithTimeZone"
        | "TimeDateTimeWithTimeZone"
        | "OffsetDateTime" => ColumnType::TimestampTz,
        "Decimal" | "BigDecimal" => ColumnType::Decimal { precision: None },
        "Uuid" => ColumnType::Uuid,
        "IpNetwork" => ColumnType::Inet,
        "MacAddress" => ColumnType::MacAddr,
        "PgVector" => ColumnType::Vector { dim: None },
        "ChronoUnixTimestamp"
        | "ChronoUnixTimestampMillis"
        | "TimeUnixTimestamp"
        | "TimeUnixTimestampMillis" => ColumnType::int(8),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(src: &str) -> Option<ColumnType> {
        let ty: syn::Type = syn::parse_str(src).unwrap();
        let ty = RustType::from_syn(&ty);
        fn rec(t: &RustType) -> Option<ColumnType> {
            builtin(t, &mut rec)
        }
        builtin(&ty, &mut rec)
    }

    #[test]
    fn prelude_types_map_like_seaorm() {
        assert_eq!(
            map("chrono::DateTime<chrono::Utc>"),
            Some(ColumnType::TimestampTz)
        );
        assert_eq!(map("DateTime"), Some(ColumnType::DateTime));
        assert_eq!(
            map("Vec<u8>"),
            Some(ColumnType::VarBinary {
                len: StringLen::None
            })
        );
        assert_eq!(
            map("Vec<String>"),
            Some(ColumnType::Array {
                of: Box::new(ColumnType::String {
                    len: StringLen::None
                })
            })
        );
        assert_eq!(map("serde_json::Value"), Some(ColumnType::Json));
        assert_eq!(map("Mood"), None);
        // The prelude's chrono aliases.
        assert_eq!(map("ChronoDate"), Some(ColumnType::Date));
        assert_eq!(map("ChronoTime"), Some(ColumnType::Time));
        assert_eq!(map("ChronoDateTime"), Some(ColumnType::DateTime));
        for alias in [
            "ChronoDateTimeUtc",
            "ChronoDateTimeLocal",
            "ChronoDateTimeWithTimeZone",
        ] {
            assert_eq!(map(alias), Some(ColumnType::TimestampTz), "{alias}");
        }
    }
}
