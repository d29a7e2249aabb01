//! Sqlite introspection (to be written).

use strata_ir::Schema;

use crate::{IntrospectError, Scope};

pub(crate) async fn introspect(
    _conn: &mut sqlx::SqliteConnection,
    _scope: &Scope,
) -> Result<Schema, IntrospectError> {
    Ok(Schema::default())
}
