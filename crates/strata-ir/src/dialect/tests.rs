use super::*;
use crate::types::StringLen;

#[test]
fn spelling_follows_seaorm_per_dialect() {
    let cases = [
        (
            ColumnType::String {
                len: StringLen::None,
            },
            ["varchar", "varchar(255)", "varchar"],
        ),
        (ColumnType::Uuid, ["uuid", "binary(16)", "uuid_text"]),
        (
            ColumnType::TimestampTz,
            [
                "timestamp with time zone",
                "timestamp",
                "timestamp_with_timezone_text",
            ],
        ),
        (ColumnType::uint(4), ["bigint", "int UNSIGNED", "integer"]),
        (
            ColumnType::Decimal {
                precision: Some((12, 2)),
            },
            ["decimal(12, 2)", "decimal(12, 2)", "real(12, 2)"],
        ),
    ];
    for (ty, expected) in cases {
        for (dialect, want) in Dialect::ALL.into_iter().zip(expected) {
            assert_eq!(
                dialect.spell_type(&ty).as_deref(),
                Ok(want),
                "{ty} on {dialect}"
            );
        }
    }
}

#[test]
fn enum_names_are_quoted_on_postgres() {
    let ty = ColumnType::Enum {
        schema: None,
        name: "Tea Kind".into(),
        values: vec!["a'b".into()],
    };
    assert_eq!(Dialect::Postgres.spell_type(&ty).unwrap(), "\"Tea Kind\"");
    assert_eq!(Dialect::Mysql.spell_type(&ty).unwrap(), "ENUM('a''b')");
}

#[test]
fn unstorable_types_are_errors_not_panics() {
    let err = Dialect::Mysql
        .spell_type(&ColumnType::Array {
            of: Box::new(ColumnType::int(4)),
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "int32[] columns are not available on mysql"
    );
}

/// One value of every column-type variant, with the parameterisations that matter to some
/// dialect, plus `custom` spellings a dialect wants exercised; shared by the per-dialect
/// canonical-form tests.
pub(super) fn one_of_every_type(customs: &[&str]) -> Vec<ColumnType> {
    use ColumnType as T;
    let interval = |fields: Option<&str>, precision| T::Interval {
        fields: fields.map(str::to_owned),
        precision,
    };
    let mut types = vec![
        T::Boolean,
        T::Float,
        T::Double,
        T::Decimal { precision: None },
        T::Decimal {
            precision: Some((12, 2)),
        },
        T::Money { precision: None },
        T::Money {
            precision: Some((19, 4)),
        },
        T::String {
            len: StringLen::None,
        },
        T::String {
            len: StringLen::N(40),
        },
        T::String {
            len: StringLen::Max,
        },
        T::Char { len: None },
        T::Char { len: Some(3) },
        T::Text,
        T::Blob,
        T::Binary { len: 16 },
        T::VarBinary {
            len: StringLen::None,
        },
        T::VarBinary {
            len: StringLen::N(30),
        },
        T::VarBinary {
            len: StringLen::Max,
        },
        T::Bit { len: None },
        T::Bit { len: Some(8) },
        T::VarBit { len: 5 },
        T::Date,
        T::Time,
        T::DateTime,
        T::Timestamp,
        T::TimestampTz,
        interval(None, None),
        interval(Some("day to second"), Some(3)),
        interval(Some("YEAR"), None),
        T::Year,
        T::Json,
        T::JsonBinary,
        T::Uuid,
        T::Inet,
        T::Cidr,
        T::MacAddr,
        T::LTree,
        T::Vector { dim: None },
        T::Vector { dim: Some(3) },
        T::Enum {
            schema: None,
            name: "Status Kind".into(),
            values: vec!["a".into(), "it's".into(), r"back\slash".into()],
        },
        T::Array {
            of: Box::new(T::int(4)),
        },
        T::custom("geometry"),
    ];
    types.extend(customs.iter().map(|c| T::custom(*c)));
    for bytes in [1, 2, 4, 8] {
        types.push(T::int(bytes));
        types.push(T::uint(bytes));
    }
    types
}

#[test]
fn names_are_fitted_to_each_dialects_limit() {
    let short = "idx-users-email";
    for dialect in Dialect::ALL {
        assert_eq!(dialect.fit_name(short), short, "{dialect}");
    }
    let long = format!("idx-{}-{}", "t".repeat(28), "c".repeat(35));
    assert_eq!(long.len(), 68);
    // PostgreSQL keeps the first 63 bytes, as its parser does.
    assert_eq!(Dialect::Postgres.fit_name(&long), &long[..63]);
    // ... cut at a character boundary: `é` is two bytes and would straddle byte 63.
    let accented = format!("{}é{}", "a".repeat(62), "b".repeat(10));
    assert_eq!(Dialect::Postgres.fit_name(&accented), "a".repeat(62));
    // MySQL: a prefix, `_` and a hash of the whole name, 64 characters, distinct for distinct
    // names, and stable (databases hold these names).
    let fitted = Dialect::Mysql.fit_name(&long);
    assert_eq!(fitted.chars().count(), 64);
    assert_eq!(fitted, format!("{}_{}", &long[..55], "ebaaaa17"));
    let other = format!("{long}x");
    assert_ne!(Dialect::Mysql.fit_name(&other), fitted);
    let wide = "é".repeat(70);
    assert_eq!(Dialect::Mysql.fit_name(&wide).chars().count(), 64);
    assert_eq!(Dialect::Mysql.fit_name(&fitted), fitted);
    assert_eq!(Dialect::Sqlite.fit_name(&long), long);
    // Fitting twice changes nothing.
    for dialect in Dialect::ALL {
        let once = dialect.fit_name(&long).into_owned();
        assert_eq!(dialect.fit_name(&once), once, "{dialect}");
    }
}
