//! Failures while connecting or reading the catalog. Messages name the server and database, and
//! never a password.

use strata_connect::ConnectError;
use strata_ir::Dialect;

#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("reading {what} from {dialect} failed: {}", strata_connect::message(.cause))]
    Query {
        dialect: Dialect,
        what: &'static str,
        cause: sqlx::Error,
    },
}

impl IntrospectError {
    pub(crate) fn query(dialect: Dialect, what: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |cause| IntrospectError::Query {
            dialect,
            what,
            cause,
        }
    }

    /// The way out, for the user.
    pub fn help(&self) -> Option<String> {
        match self {
            IntrospectError::Connect(e) => e.help(),
            IntrospectError::Query { .. } => None,
        }
    }
}
