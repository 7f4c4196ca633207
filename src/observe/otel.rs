//! OpenTelemetry's `error.type`: a low-cardinality, snake_case name for the error, from the
//! catalog's column ([`WsaCode::error_type`](crate::code::WsaCode::error_type)), `_OTHER` for
//! the rest.

use crate::code::Entry;

/// The value for `error.type` when no name applies.
pub const OTHER: &str = "_OTHER";

/// The `error.type` of a catalog row.
#[inline]
pub(crate) fn error_type(entry: Option<Entry>) -> &'static str {
    entry.and_then(|e| e.info().error_type).unwrap_or(OTHER)
}
