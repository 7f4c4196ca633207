//! OpenTelemetry's `error.type`: a low-cardinality, snake_case name for the error, from the
//! catalog's column ([`WsaCode::error_type`]), `_OTHER` for the rest.

use crate::code::WsaCode;

/// The value for `error.type` when no name applies.
pub const OTHER: &str = "_OTHER";

/// The `error.type` of a code.
pub(crate) fn error_type(code: Option<WsaCode>) -> &'static str {
    code.and_then(WsaCode::error_type).unwrap_or(OTHER)
}
