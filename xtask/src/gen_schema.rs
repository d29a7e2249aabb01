//! Generates a realistic relational schema of N tables for `bench introspect` and `bench check`,
//! and its DDL for each dialect. The shape is drawn once from a seeded xorshift generator (so
//! every run and every dialect sees the same tables): 4–15 columns of mixed types, a nullable mix,
//! defaults, unique constraints, single and composite secondary indexes, foreign keys to earlier
//! tables (and some join tables with composite primary keys), comments, and on PostgreSQL enum
//! types shared by many tables. The DDL is written by hand per dialect, the way a person or a
//! dump would, not by strata's emitter, so the benchmark does not depend on the code it measures.
//!
//! `bench check` loads the same schema, after [`Model::make_entity_expressible`] reshapes the few
//! tables SeaORM entities cannot describe, and [`crate::gen_model_entities`] writes the entities
//! equivalent to it.

use std::fmt::Write;

use strata_ir::Dialect;

/// xorshift64*: tiny, deterministic, good enough to shape a schema.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() >> 33) as usize % n.max(1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// A column's type, before it is spelled for a dialect.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    Int,
    BigInt,
    SmallInt,
    Varchar(u16),
    Text,
    Bool,
    Timestamp {
        tz: bool,
    },
    Date,
    Decimal(u8, u8),
    Double,
    Json,
    Uuid,
    /// An index into [`ENUMS`].
    Enum(usize),
}

impl Kind {
    /// Whether the column can be a key part on every dialect (MySQL cannot index TEXT or JSON
    /// without a prefix length).
    fn indexable(self) -> bool {
        !matches!(self, Kind::Text | Kind::Json | Kind::Double)
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Dflt {
    Int(i64),
    Decimal(&'static str),
    Bool(bool),
    Now,
    Str(&'static str),
    /// `gen_random_uuid()`, PostgreSQL only (other dialects get no default).
    RandomUuid,
}

#[derive(Debug)]
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) nullable: bool,
    pub(crate) default: Option<Dflt>,
    pub(crate) comment: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum PrimaryKey {
    /// `id bigint` identity / `AUTO_INCREMENT` / `AUTOINCREMENT`.
    Identity,
    /// `id serial` (integer) / `int AUTO_INCREMENT` / `integer PRIMARY KEY`.
    Serial,
    /// A join table: the first two columns are the key, both foreign keys.
    Composite,
}

#[derive(Debug)]
pub(crate) struct ForeignKey {
    pub(crate) column: usize,
    pub(crate) parent: usize,
    pub(crate) on_delete: Option<&'static str>,
}

#[derive(Debug)]
pub(crate) struct Index {
    pub(crate) name: String,
    pub(crate) columns: Vec<usize>,
    /// The last part is descending.
    pub(crate) desc_last: bool,
    /// `WHERE <first column> IS NOT NULL` (PostgreSQL and SQLite; MySQL has no partial indexes).
    pub(crate) partial: bool,
}

#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) pk: PrimaryKey,
    pub(crate) columns: Vec<Column>,
    pub(crate) unique: Option<Index>,
    pub(crate) indexes: Vec<Index>,
    pub(crate) fks: Vec<ForeignKey>,
    pub(crate) comment: Option<String>,
}

/// A generated schema, ready to be spelled for any dialect.
#[derive(Debug)]
pub struct Model {
    pub(crate) tables: Vec<Table>,
}

/// Enum types: (PostgreSQL type name, column name, values).
pub(crate) const ENUMS: &[(&str, &str, &[&str])] = &[
    (
        "order_status",
        "status",
        &["pending", "paid", "shipped", "cancelled"],
    ),
    ("priority", "priority", &["low", "normal", "high", "urgent"]),
    (
        "visibility",
        "visibility",
        &["private", "internal", "public"],
    ),
    (
        "payment_method",
        "payment_method",
        &["card", "transfer", "cash", "voucher"],
    ),
    ("user_role", "role", &["viewer", "editor", "admin", "owner"]),
    (
        "shipment_state",
        "shipment_state",
        &["created", "in_transit", "delivered", "returned"],
    ),
    ("mood", "mood", &["sad", "ok", "happy"]),
    (
        "billing_cycle",
        "billing_cycle",
        &["monthly", "quarterly", "yearly"],
    ),
];

const TABLE_WORDS: &[&str] = &[
    "accounts",
    "orders",
    "invoices",
    "products",
    "customers",
    "payments",
    "shipments",
    "addresses",
    "reviews",
    "categories",
    "suppliers",
    "warehouses",
    "employees",
    "projects",
    "tasks",
    "comments",
    "sessions",
    "events",
    "messages",
    "subscriptions",
    "coupons",
    "carts",
    "refunds",
    "tickets",
    "documents",
    "teams",
    "devices",
    "licenses",
    "regions",
    "vendors",
    "contracts",
    "assets",
    "audits",
    "batches",
    "channels",
    "deliveries",
    "favorites",
    "groups",
    "labels",
    "notes",
];

/// Column kinds with their weights and the names such columns usually have.
fn kinds(rng: &mut Rng) -> (Kind, &'static [&'static str]) {
    const TABLE: &[(usize, &[&str])] = &[
        (
            20,
            &[
                "name",
                "title",
                "email",
                "slug",
                "code",
                "label",
                "phone",
                "city",
                "country",
                "reference",
                "username",
                "sku",
            ],
        ),
        (
            8,
            &[
                "description",
                "body",
                "notes",
                "summary",
                "content",
                "address_line",
            ],
        ),
        (
            10,
            &[
                "quantity", "position", "rank", "attempts", "version", "score", "stock",
            ],
        ),
        (
            7,
            &[
                "views",
                "total_bytes",
                "sequence_no",
                "external_ref",
                "counter",
            ],
        ),
        (3, &["age", "level", "retries", "weight_class"]),
        (
            10,
            &[
                "is_active",
                "is_deleted",
                "verified",
                "archived",
                "published",
                "enabled",
            ],
        ),
        (
            10,
            &[
                "updated_at",
                "deleted_at",
                "published_at",
                "expires_at",
                "last_seen_at",
                "processed_at",
            ],
        ),
        (
            4,
            &[
                "birth_date",
                "due_date",
                "start_date",
                "end_date",
                "valid_from",
            ],
        ),
        (
            8,
            &[
                "price", "amount", "balance", "tax_rate", "discount", "total",
            ],
        ),
        (3, &["latitude", "longitude", "ratio", "weight"]),
        (
            5,
            &["metadata", "settings", "payload", "attributes", "extra"],
        ),
        (5, &["uuid", "public_id", "token", "tracking_id"]),
        (7, &[]),
    ];
    let total: usize = TABLE.iter().map(|(w, _)| w).sum();
    let mut roll = rng.below(total);
    let mut slot = 0;
    for (i, (w, _)) in TABLE.iter().enumerate() {
        if roll < *w {
            slot = i;
            break;
        }
        roll -= w;
    }
    let kind = match slot {
        0 => Kind::Varchar(rng.pick(&[32, 64, 100, 255])),
        1 => Kind::Text,
        2 => Kind::Int,
        3 => Kind::BigInt,
        4 => Kind::SmallInt,
        5 => Kind::Bool,
        6 => Kind::Timestamp { tz: rng.chance(60) },
        7 => Kind::Date,
        8 => rng.pick(&[
            Kind::Decimal(12, 2),
            Kind::Decimal(10, 4),
            Kind::Decimal(18, 6),
        ]),
        9 => Kind::Double,
        10 => Kind::Json,
        11 => Kind::Uuid,
        _ => Kind::Enum(rng.below(ENUMS.len())),
    };
    (kind, TABLE[slot].1)
}

const TEXT_DEFAULTS: &[&str] = &["", "n/a", "draft"];
const DECIMAL_DEFAULTS: &[&str] = &["0", "0.00", "1.5"];

fn default_for(rng: &mut Rng, kind: Kind, name: &str) -> Option<Dflt> {
    match kind {
        Kind::Bool if rng.chance(70) => Some(Dflt::Bool(rng.chance(30))),
        Kind::Int | Kind::SmallInt if rng.chance(35) => {
            Some(Dflt::Int(if name == "version" { 1 } else { 0 }))
        }
        Kind::BigInt if rng.chance(20) => Some(Dflt::Int(0)),
        Kind::Varchar(_) if rng.chance(15) => Some(Dflt::Str(rng.pick(TEXT_DEFAULTS))),
        Kind::Timestamp { .. } if rng.chance(25) => Some(Dflt::Now),
        Kind::Decimal(..) if rng.chance(35) => Some(Dflt::Decimal(rng.pick(DECIMAL_DEFAULTS))),
        Kind::Enum(e) if rng.chance(50) => Some(Dflt::Str(ENUMS[e].2[0])),
        Kind::Uuid if rng.chance(30) => Some(Dflt::RandomUuid),
        _ => None,
    }
}

const COMMENTS: &[&str] = &[
    "one row per business event",
    "kept for audit; never deleted",
    "the customer's preferred value",
    "denormalised for reporting",
    "filled in by the nightly import",
    "see the billing team's runbook",
];

/// Draws the schema: `n` tables, deterministic for a given `seed`.
pub fn generate(n: usize, seed: u64) -> Model {
    let mut rng = Rng::new(seed);
    let mut tables: Vec<Table> = Vec::with_capacity(n);
    // Tables with a single-column `id` key, which foreign keys may reference.
    let mut parents: Vec<usize> = Vec::new();
    for i in 0..n {
        let name = format!("{}_{i:05}", rng.pick(TABLE_WORDS));
        let join = parents.len() >= 2 && rng.chance(6);
        let pk = if join {
            PrimaryKey::Composite
        } else if rng.chance(65) {
            PrimaryKey::Identity
        } else {
            PrimaryKey::Serial
        };
        let mut columns: Vec<Column> = Vec::new();
        let mut fks: Vec<ForeignKey> = Vec::new();
        let mut used = std::collections::HashSet::new();
        let mut unique_name = |base: &str| {
            let mut candidate = base.to_owned();
            let mut k = 2;
            while !used.insert(candidate.clone()) {
                candidate = format!("{base}_{k}");
                k += 1;
            }
            candidate
        };
        let fk_count = if join {
            2
        } else if !parents.is_empty() && rng.chance(50) {
            if rng.chance(15) { 2 } else { 1 }
        } else {
            0
        };
        if !join {
            columns.push(Column {
                name: unique_name("id"),
                kind: if pk == PrimaryKey::Identity {
                    Kind::BigInt
                } else {
                    Kind::Int
                },
                nullable: false,
                default: None,
                comment: None,
            });
        }
        for _ in 0..fk_count {
            let parent = parents[rng.below(parents.len())];
            let p = &tables[parent];
            let nullable = !join && rng.chance(40);
            let on_delete = match rng.below(10) {
                0..=3 => None,
                4..=7 => Some("CASCADE"),
                _ if nullable => Some("SET NULL"),
                _ => Some("RESTRICT"),
            };
            let column_name = unique_name(&format!("{}_id", p.name));
            fks.push(ForeignKey {
                column: columns.len(),
                parent,
                on_delete,
            });
            columns.push(Column {
                name: column_name,
                kind: if p.pk == PrimaryKey::Identity {
                    Kind::BigInt
                } else {
                    Kind::Int
                },
                nullable,
                default: None,
                comment: None,
            });
        }
        let total = 4 + rng.below(12);
        if rng.chance(60) && columns.len() < total {
            columns.push(Column {
                name: unique_name("created_at"),
                kind: Kind::Timestamp { tz: true },
                nullable: false,
                default: Some(Dflt::Now),
                comment: None,
            });
        }
        while columns.len() < total {
            let (kind, names) = kinds(&mut rng);
            let base = match kind {
                Kind::Enum(e) => ENUMS[e].1,
                _ => rng.pick(names),
            };
            let name = unique_name(base);
            let nullable = rng.chance(40);
            let default = default_for(&mut rng, kind, &name);
            columns.push(Column {
                name,
                kind,
                nullable,
                default,
                comment: None,
            });
        }
        let indexable: Vec<usize> = (0..columns.len())
            .filter(|&c| columns[c].kind.indexable() && columns[c].name != "id")
            .filter(|&c| !fks.iter().any(|f| f.column == c))
            .collect();
        let draw_columns = |rng: &mut Rng, max: usize| -> Vec<usize> {
            let mut chosen = vec![indexable[rng.below(indexable.len())]];
            let want = 1 + rng.below(max);
            while chosen.len() < want.min(indexable.len()) {
                let c = indexable[rng.below(indexable.len())];
                if !chosen.contains(&c) {
                    chosen.push(c);
                }
            }
            chosen
        };
        // Unique keys go on identifier-like columns, extended now and then by a second column.
        let keyable: Vec<usize> = indexable
            .iter()
            .copied()
            .filter(|&c| {
                matches!(
                    columns[c].kind,
                    Kind::Varchar(_) | Kind::Uuid | Kind::Int | Kind::BigInt
                )
            })
            .collect();
        let unique = (!keyable.is_empty() && rng.chance(30)).then(|| {
            let mut cols = vec![keyable[rng.below(keyable.len())]];
            if rng.chance(30) {
                let c = indexable[rng.below(indexable.len())];
                if !cols.contains(&c) {
                    cols.push(c);
                }
            }
            Index {
                name: format!("{name}_{}_key", columns[cols[0]].name),
                columns: cols,
                desc_last: false,
                partial: false,
            }
        });
        let mut indexes = Vec::new();
        if !indexable.is_empty() && rng.chance(40) {
            let count = if rng.chance(15) { 2 } else { 1 };
            for k in 0..count {
                let max = if rng.chance(35) { 3 } else { 1 };
                let cols = draw_columns(&mut rng, max);
                let first = &columns[cols[0]];
                indexes.push(Index {
                    name: format!("{name}_{}_idx{}", first.name, if k > 0 { "2" } else { "" }),
                    desc_last: cols.len() > 1 && rng.chance(25),
                    partial: first.nullable && rng.chance(20),
                    columns: cols,
                });
            }
        }
        let comment = rng.chance(25).then(|| rng.pick(COMMENTS).to_string());
        if comment.is_some() {
            for _ in 0..1 + rng.below(3) {
                let c = rng.below(columns.len());
                columns[c].comment = Some(rng.pick(COMMENTS).to_string());
            }
        }
        if !join {
            parents.push(i);
        }
        tables.push(Table {
            name,
            pk,
            columns,
            unique,
            indexes,
            fks,
            comment,
        });
    }
    Model { tables }
}

fn string_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl Model {
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Reshapes what SeaORM entities cannot state, for `bench check` (which loads the schema
    /// and its entities; `bench introspect` loads the schema as generated). Draws nothing from
    /// the generator, so every other table stays the same. Returns the number of tables changed.
    ///
    /// - A two-column unique constraint lists its columns in declaration order: `unique_key`
    ///   covers the fields in the order they are declared.
    /// - A plain index on the column of a single-column unique constraint is dropped: SeaORM
    ///   2.0 makes no index for `indexed` next to `unique` (`create_index_from_entity`).
    /// - The second of two plain indexes on the same single column is dropped: `indexed` makes
    ///   one.
    pub fn make_entity_expressible(&mut self) -> usize {
        let plain = |idx: &Index| idx.columns.len() == 1 && !idx.partial && !idx.desc_last;
        let mut changed = 0;
        for t in &mut self.tables {
            let mut touched = false;
            let mut seen: Vec<usize> = Vec::new();
            let before = t.indexes.len();
            t.indexes.retain(|idx| {
                if !plain(idx) {
                    return true;
                }
                let first = !seen.contains(&idx.columns[0]);
                seen.push(idx.columns[0]);
                first
            });
            touched |= t.indexes.len() != before;
            if let Some(u) = &mut t.unique {
                if !u.columns.is_sorted() {
                    u.columns.sort_unstable();
                    touched = true;
                }
                if let [c] = u.columns[..] {
                    let before = t.indexes.len();
                    t.indexes.retain(|idx| !(plain(idx) && idx.columns == [c]));
                    touched |= t.indexes.len() != before;
                }
            }
            changed += usize::from(touched);
        }
        changed
    }

    /// Statements that must run before any table (PostgreSQL's enum types).
    pub fn preamble(&self, dialect: Dialect) -> String {
        let mut out = String::new();
        if dialect == Dialect::Postgres {
            for (name, _, values) in ENUMS {
                let values: Vec<String> = values.iter().map(|v| string_literal(v)).collect();
                let _ = writeln!(
                    out,
                    "CREATE TYPE {} AS ENUM ({});",
                    dialect.quote(name),
                    values.join(", ")
                );
            }
        }
        out
    }

    /// The statements creating table `i` (its indexes and comments included), each ending in
    /// `;`. Tables only reference earlier tables, so emitting them in order is always valid.
    pub fn table_ddl(&self, i: usize, dialect: Dialect) -> String {
        let t = &self.tables[i];
        let q = |s: &str| dialect.quote(s);
        let mut parts: Vec<String> = Vec::new();
        for c in &t.columns {
            let mut line = format!("{} ", q(&c.name));
            if c.name == "id" && t.pk != PrimaryKey::Composite {
                line.push_str(match (dialect, t.pk) {
                    (Dialect::Postgres, PrimaryKey::Identity) => {
                        "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                    }
                    (Dialect::Postgres, _) => "serial PRIMARY KEY",
                    (Dialect::Mysql, PrimaryKey::Identity) => {
                        "bigint NOT NULL AUTO_INCREMENT PRIMARY KEY"
                    }
                    (Dialect::Mysql, _) => "int NOT NULL AUTO_INCREMENT PRIMARY KEY",
                    (Dialect::Sqlite, PrimaryKey::Identity) => "integer PRIMARY KEY AUTOINCREMENT",
                    (Dialect::Sqlite, _) => "integer PRIMARY KEY",
                });
            } else {
                line.push_str(&spell(c.kind, dialect));
                if !c.nullable {
                    line.push_str(" NOT NULL");
                } else if dialect == Dialect::Mysql && matches!(c.kind, Kind::Timestamp { .. }) {
                    line.push_str(" NULL");
                }
                if let Some(d) = c.default.and_then(|d| spell_default(d, c.kind, dialect, i)) {
                    line.push_str(" DEFAULT ");
                    line.push_str(&d);
                }
            }
            if dialect == Dialect::Mysql
                && let Some(comment) = &c.comment
            {
                line.push_str(" COMMENT ");
                line.push_str(&string_literal(comment));
            }
            parts.push(line);
        }
        let cols =
            |idx: &[usize]| -> Vec<String> { idx.iter().map(|&c| q(&t.columns[c].name)).collect() };
        if t.pk == PrimaryKey::Composite {
            let key = if dialect == Dialect::Mysql {
                String::new()
            } else {
                format!("CONSTRAINT {} ", q(&format!("{}_pkey", t.name)))
            };
            parts.push(format!("{key}PRIMARY KEY ({})", cols(&[0, 1]).join(", ")));
        }
        if let Some(u) = &t.unique {
            parts.push(format!(
                "CONSTRAINT {} UNIQUE ({})",
                q(&u.name),
                cols(&u.columns).join(", ")
            ));
        }
        for f in &t.fks {
            let column = &t.columns[f.column].name;
            let mut line = format!(
                "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                q(&format!("{}_{column}_fkey", t.name)),
                q(column),
                q(&self.tables[f.parent].name),
                q("id")
            );
            if let Some(action) = f.on_delete {
                line.push_str(" ON DELETE ");
                line.push_str(action);
            }
            parts.push(line);
        }
        let index_parts = |idx: &Index| -> String {
            let mut names = cols(&idx.columns);
            if idx.desc_last
                && let Some(last) = names.last_mut()
            {
                last.push_str(" DESC");
            }
            names.join(", ")
        };
        if dialect == Dialect::Mysql {
            for idx in &t.indexes {
                parts.push(format!("KEY {} ({})", q(&idx.name), index_parts(idx)));
            }
        }
        let mut out = format!(
            "CREATE TABLE {} (\n  {}\n)",
            q(&t.name),
            parts.join(",\n  ")
        );
        if dialect == Dialect::Mysql {
            out.push_str(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
            if let Some(comment) = &t.comment {
                out.push_str(" COMMENT=");
                out.push_str(&string_literal(comment));
            }
        }
        out.push_str(";\n");
        if dialect != Dialect::Mysql {
            for idx in &t.indexes {
                let _ = write!(
                    out,
                    "CREATE INDEX {} ON {} ({})",
                    q(&idx.name),
                    q(&t.name),
                    index_parts(idx)
                );
                if idx.partial {
                    let _ = write!(
                        out,
                        " WHERE {} IS NOT NULL",
                        q(&t.columns[idx.columns[0]].name)
                    );
                }
                out.push_str(";\n");
            }
        }
        if dialect == Dialect::Postgres {
            if let Some(comment) = &t.comment {
                let _ = writeln!(
                    out,
                    "COMMENT ON TABLE {} IS {};",
                    q(&t.name),
                    string_literal(comment)
                );
            }
            for c in &t.columns {
                if let Some(comment) = &c.comment {
                    let _ = writeln!(
                        out,
                        "COMMENT ON COLUMN {}.{} IS {};",
                        q(&t.name),
                        q(&c.name),
                        string_literal(comment)
                    );
                }
            }
        }
        out
    }
}

pub(crate) fn spell(kind: Kind, dialect: Dialect) -> String {
    use Dialect::*;
    match (kind, dialect) {
        (Kind::Int, Sqlite) => "integer".into(),
        (Kind::Int, Mysql) => "int".into(),
        (Kind::Int, Postgres) => "integer".into(),
        (Kind::BigInt, _) => "bigint".into(),
        (Kind::SmallInt, _) => "smallint".into(),
        (Kind::Varchar(n), _) => format!("varchar({n})"),
        (Kind::Text, _) => "text".into(),
        (Kind::Bool, Mysql) => "tinyint(1)".into(),
        (Kind::Bool, _) => "boolean".into(),
        (Kind::Timestamp { tz: true }, Postgres) => "timestamp with time zone".into(),
        (Kind::Timestamp { tz: false }, Postgres) => "timestamp without time zone".into(),
        (Kind::Timestamp { tz: true }, Mysql) => "timestamp".into(),
        (Kind::Timestamp { tz: false }, Mysql) => "datetime(3)".into(),
        (Kind::Timestamp { tz: true }, Sqlite) => "timestamp_with_timezone_text".into(),
        (Kind::Timestamp { tz: false }, Sqlite) => "datetime".into(),
        (Kind::Date, _) => "date".into(),
        (Kind::Decimal(p, s), Mysql) => format!("decimal({p},{s})"),
        (Kind::Decimal(p, s), _) => format!("numeric({p}, {s})"),
        (Kind::Double, Postgres) => "double precision".into(),
        (Kind::Double, Mysql) => "double".into(),
        (Kind::Double, Sqlite) => "real".into(),
        (Kind::Json, Postgres) => "jsonb".into(),
        (Kind::Json, Mysql) => "json".into(),
        (Kind::Json, Sqlite) => "json_text".into(),
        (Kind::Uuid, Postgres) => "uuid".into(),
        (Kind::Uuid, Mysql) => "char(36)".into(),
        (Kind::Uuid, Sqlite) => "uuid_text".into(),
        (Kind::Enum(e), Postgres) => dialect.quote(ENUMS[e].0),
        (Kind::Enum(e), Mysql) => {
            let values: Vec<String> = ENUMS[e].2.iter().map(|v| string_literal(v)).collect();
            format!("enum({})", values.join(","))
        }
        (Kind::Enum(_), Sqlite) => "text".into(),
    }
}

pub(crate) fn spell_default(d: Dflt, kind: Kind, dialect: Dialect, table: usize) -> Option<String> {
    Some(match d {
        Dflt::Int(n) => n.to_string(),
        Dflt::Decimal(s) => s.to_owned(),
        Dflt::Bool(b) => match dialect {
            Dialect::Postgres => if b { "true" } else { "false" }.to_owned(),
            _ => if b { "1" } else { "0" }.to_owned(),
        },
        // PostgreSQL schemas mix `now()` and `CURRENT_TIMESTAMP`; MySQL's DATETIME(3) needs the
        // matching precision.
        Dflt::Now => match (dialect, kind) {
            (Dialect::Postgres, _) if table.is_multiple_of(2) => "now()".to_owned(),
            (Dialect::Mysql, Kind::Timestamp { tz: false }) => "CURRENT_TIMESTAMP(3)".to_owned(),
            _ => "CURRENT_TIMESTAMP".to_owned(),
        },
        Dflt::Str(s) => string_literal(s),
        Dflt::RandomUuid if dialect == Dialect::Postgres => "gen_random_uuid()".to_owned(),
        Dflt::RandomUuid => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_shaped() {
        let a = generate(300, 42);
        let b = generate(300, 42);
        for d in Dialect::ALL {
            for i in 0..a.len() {
                assert_eq!(a.table_ddl(i, d), b.table_ddl(i, d));
            }
        }
        let n = a.tables.len() as f64;
        let share =
            |f: &dyn Fn(&Table) -> bool| a.tables.iter().filter(|t| f(t)).count() as f64 / n;
        assert!((0.2..0.4).contains(&share(&|t| t.unique.is_some())));
        assert!((0.3..0.5).contains(&share(&|t| !t.indexes.is_empty())));
        assert!((0.4..0.65).contains(&share(&|t| !t.fks.is_empty())));
        assert!(a.tables.iter().all(|t| (4..=15).contains(&t.columns.len())));
        assert!(
            a.tables
                .iter()
                .all(|t| t.fks.iter().all(|f| f.parent < a.tables.len()))
        );
    }
}
