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
