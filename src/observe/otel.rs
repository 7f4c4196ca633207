//! OpenTelemetry's `error.type`: a low-cardinality, snake_case name for the error, the
//! names .NET gives these socket errors (`SocketError`), `_OTHER` for the rest.

use crate::code::WsaCode;

/// The value for `error.type` when no name applies.
pub const OTHER: &str = "_OTHER";

/// The `error.type` of a code.
pub(crate) fn error_type(code: Option<WsaCode>) -> &'static str {
    let Some(code) = code else { return OTHER };
    match code {
        WsaCode::WSAEINTR => "interrupted",
        WsaCode::WSAEACCES => "access_denied",
        WsaCode::WSAEFAULT => "fault",
        WsaCode::WSAEINVAL => "invalid_argument",
        WsaCode::WSAEMFILE => "too_many_open_sockets",
        WsaCode::WSAEWOULDBLOCK => "would_block",
        WsaCode::WSAEINPROGRESS => "in_progress",
        WsaCode::WSAEALREADY => "already_in_progress",
        WsaCode::WSAENOTSOCK => "not_socket",
        WsaCode::WSAEDESTADDRREQ => "destination_address_required",
        WsaCode::WSAEMSGSIZE => "message_size",
        WsaCode::WSAEPROTOTYPE => "protocol_type",
        WsaCode::WSAENOPROTOOPT => "protocol_option",
        WsaCode::WSAEPROTONOSUPPORT => "protocol_not_supported",
        WsaCode::WSAESOCKTNOSUPPORT => "socket_not_supported",
        WsaCode::WSAEOPNOTSUPP => "operation_not_supported",
        WsaCode::WSAEPFNOSUPPORT => "protocol_family_not_supported",
        WsaCode::WSAEAFNOSUPPORT => "address_family_not_supported",
        WsaCode::WSAEADDRINUSE => "address_already_in_use",
        WsaCode::WSAEADDRNOTAVAIL => "address_not_available",
        WsaCode::WSAENETDOWN => "network_down",
        WsaCode::WSAENETUNREACH => "network_unreachable",
        WsaCode::WSAENETRESET => "network_reset",
        WsaCode::WSAECONNABORTED => "connection_aborted",
        WsaCode::WSAECONNRESET => "connection_reset",
        WsaCode::WSAENOBUFS => "no_buffer_space_available",
        WsaCode::WSAEISCONN => "is_connected",
        WsaCode::WSAENOTCONN => "not_connected",
        WsaCode::WSAESHUTDOWN => "shutdown",
        WsaCode::WSAETIMEDOUT => "timed_out",
        WsaCode::WSAECONNREFUSED => "connection_refused",
        WsaCode::WSAEHOSTDOWN => "host_down",
        WsaCode::WSAEHOSTUNREACH => "host_unreachable",
        WsaCode::WSAEPROCLIM => "process_limit",
        WsaCode::WSASYSNOTREADY => "system_not_ready",
        WsaCode::WSAVERNOTSUPPORTED => "version_not_supported",
        WsaCode::WSANOTINITIALISED => "not_initialized",
        WsaCode::WSAEDISCON => "disconnecting",
        WsaCode::WSATYPE_NOT_FOUND => "type_not_found",
        WsaCode::WSAHOST_NOT_FOUND => "host_not_found",
        WsaCode::WSATRY_AGAIN => "try_again",
        WsaCode::WSANO_RECOVERY => "no_recovery",
        WsaCode::WSANO_DATA => "no_data",
        WsaCode::WSA_IO_PENDING => "io_pending",
        WsaCode::WSA_OPERATION_ABORTED => "operation_aborted",
        _ => OTHER,
    }
}
