//! THE catalog: one row per Windows Sockets code.
//!
//! Numbers, symbols and Berkeley equivalents are Microsoft's; the OpenTelemetry `error.type`
//! names (`otel`) are the snake_case names .NET gives these errors (`SocketError`). Messages are the standard short
//! phrases; descriptions, reasons and hints are this project's own words.
//!
//! Each row gives the code's default advice when the operation is unknown (its category
//! follows from it), with a one-line reason. Operation-specific rules live in `classify::rules`.

use super::Retry;
use super::{Family, Info, WsaCode};

macro_rules! opt {
    (-) => {
        None
    };
    ($x:ident) => {
        Some(stringify!($x))
    };
    ($x:literal) => {
        Some($x)
    };
}

macro_rules! catalog {
    ($(
        $name:ident = $num:literal {
            family: $family:ident,
            berkeley: $berkeley:tt,
            otel: $otel:tt,
            message: $message:literal,
            description: $description:literal,
            advice: $retry:ident,
            reason: $reason:literal,
            hint: $hint:tt $(,)?
        }
    )+) => {
        impl WsaCode {
            $(
                #[doc = concat!("`", stringify!($num), "`: ", $message, ".\n\n", $description)]
                pub const $name: WsaCode = WsaCode($num);
            )+
        }

        /// Every number, in table order.
        pub(crate) const NUMBERS: &[i32] = &[$($num),+];

        /// Every Berkeley name, in table order.
        pub(super) const BERKELEY: &[Option<&str>] = &[$(opt!($berkeley)),+];

        /// Every row, in numerical order.
        pub(super) static ROWS: &[Info] = &[
            $(
                Info {
                    code: WsaCode::$name,
                    name: stringify!($name),
                    family: Family::$family,
                    berkeley: opt!($berkeley),
                    error_type: opt!($otel),
                    message: $message,
                    description: $description,
                    retry: Retry::$retry,
                    reason: $reason,
                    hint: opt!($hint),
                },
            )+
        ];

        /// Row positions, in table order.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        enum Position {
            $($name,)+
        }

        /// The row of a number, `None` for an unknown one. A `match`, not a search: the
        /// compiler turns the dense runs of numbers into jump tables.
        #[inline]
        pub(super) const fn position(raw: i32) -> Option<usize> {
            match raw {
                $($num => Some(Position::$name as usize),)+
                _ => None,
            }
        }

        /// The default advice for a catalog code, `None` for an unknown one.
        pub(crate) const fn advice(raw: i32) -> Option<Retry> {
            match raw {
                $($num => Some(Retry::$retry),)+
                _ => None,
            }
        }

        #[cfg(test)]
        mod generated {
            use super::*;

            /// Each constant finds its own row and its own name.
            #[test]
            fn every_constant_round_trips() {
                $(
                    let code = WsaCode::$name;
                    assert_eq!(code.raw(), $num);
                    assert_eq!(code.name(), Some(stringify!($name)));
                    assert_eq!(WsaCode::from_name(stringify!($name)), Some(code));
                    assert_eq!(stringify!($num).parse::<WsaCode>(), Ok(code));
                    assert_eq!(advice($num), code.info().map(|i| i.retry));
                    assert_eq!(ROWS[position($num).unwrap()].name, stringify!($name));
                )+
            }
        }
    };
}

/// Looks a number up in the catalog.
pub(super) fn info(raw: i32) -> Option<&'static Info> {
    position(raw).map(|i| &ROWS[i])
}

/// Other symbols Microsoft defines for a catalog code.
pub(super) static ALIASES: &[(&str, WsaCode)] = &[("WSANO_ADDRESS", WsaCode::WSANO_ADDRESS)];

impl WsaCode {
    /// `11004`: Microsoft's other name for [`WsaCode::WSANO_DATA`].
    pub const WSANO_ADDRESS: WsaCode = WsaCode::WSANO_DATA;
}

catalog! {
    WSA_INVALID_HANDLE = 6 {
        family: Win32,
        berkeley: -,
        otel: -,
        message: "Specified event object handle is invalid",
        description: "An overlapped call was given an event object handle that does not refer to a live event. The caller passed a closed, uninitialised or foreign handle.",
        advice: Never,
        reason: "a wrong handle stays wrong however often the call is repeated",
        hint: -,
    }

    WSA_NOT_ENOUGH_MEMORY = 8 {
        family: Win32,
        berkeley: -,
        otel: -,
        message: "Insufficient memory available",
        description: "The system could not allocate the memory the call needed. The process or the whole machine is short of memory at this moment.",
        advice: Backoff,
        reason: "memory pressure often passes once other work finishes",
        hint: "Check the process for runaway buffering (unbounded queues, per-connection buffers that never shrink) and the machine for memory pressure.",
    }

    WSA_INVALID_PARAMETER = 87 {
        family: Win32,
        berkeley: -,
        otel: -,
        message: "One or more parameters are invalid",
        description: "A Win32-level argument check failed before any network activity took place; the call was made with values the API rejects.",
        advice: Never,
        reason: "the same arguments will be rejected again",
        hint: -,
    }

    WSA_OPERATION_ABORTED = 995 {
        family: Win32,
        berkeley: -,
        otel: "operation_aborted",
        message: "Overlapped operation aborted",
        description: "A pending overlapped operation was cancelled before it finished, most often because the socket was closed or the request was cancelled while the I/O was still outstanding.",
        advice: Never,
        reason: "someone cancelled the operation on purpose or closed the socket under it",
        hint: "Usually the socket was dropped or closed while a read, write or accept was pending; look for a task that was cancelled or a timeout that closed the connection.",
    }

    WSA_IO_INCOMPLETE = 996 {
        family: Win32,
        berkeley: -,
        otel: -,
        message: "Overlapped I/O event object not in signaled state",
        description: "The result of an overlapped operation was asked for before the operation completed. Nothing failed; the answer is simply not ready yet.",
        advice: Immediately,
        reason: "the operation is still running, it has not failed",
        hint: -,
    }

    WSA_IO_PENDING = 997 {
        family: Win32,
        berkeley: -,
        otel: "io_pending",
        message: "Overlapped operations will complete later",
        description: "An overlapped operation was started and will finish later; completion is signalled separately. This is the normal answer of an asynchronous call, not a failure.",
        advice: Immediately,
        reason: "the operation was queued and will complete on its own",
        hint: -,
    }

    WSAEINTR = 10004 {
        family: Berkeley,
        berkeley: EINTR,
        otel: "interrupted",
        message: "Interrupted function call",
        description: "A blocking call was cut short before it could finish, by a signal on Unix or by an explicit cancellation of the blocking call on Windows.",
        advice: Immediately,
        reason: "the call was interrupted, not refused; issuing it again is the standard response",
        hint: -,
    }

    WSAEBADF = 10009 {
        family: Berkeley,
        berkeley: EBADF,
        otel: -,
        message: "File handle is not valid",
        description: "The descriptor or handle passed to the call does not refer to an open file or socket, typically because it was already closed.",
        advice: Never,
        reason: "a closed or bogus descriptor does not come back to life",
        hint: -,
    }

    WSAEACCES = 10013 {
        family: Berkeley,
        berkeley: EACCES,
        otel: "access_denied",
        message: "Permission denied",
        description: "The operating system refused the operation on permission grounds: a privileged port, a broadcast send without the broadcast option, an address held exclusively by another process, or a firewall rule.",
        advice: Never,
        reason: "permissions do not change by retrying",
        hint: "For bind: ports below 1024 need privileges on Unix, and on Windows another program may hold the port exclusively or it may sit in an excluded port range. For sends: enable SO_BROADCAST before sending to a broadcast address, and check local firewall rules.",
    }

    WSAEFAULT = 10014 {
        family: Berkeley,
        berkeley: EFAULT,
        otel: "fault",
        message: "Bad address",
        description: "A pointer argument did not point at valid memory, or a length argument was too small for the structure it describes, such as a socket address buffer shorter than the address.",
        advice: Never,
        reason: "the arguments are wrong and will stay wrong",
        hint: -,
    }

    WSAEINVAL = 10022 {
        family: Berkeley,
        berkeley: EINVAL,
        otel: "invalid_argument",
        message: "Invalid argument",
        description: "An argument was rejected, or the socket is in the wrong state for the call: listening before binding, an unknown option level, a malformed address.",
        advice: Never,
        reason: "the call is wrong for this socket and its state",
        hint: -,
    }

    WSAEMFILE = 10024 {
        family: Berkeley,
        berkeley: EMFILE,
        otel: "too_many_open_sockets",
        message: "Too many open files",
        description: "The process, or the whole system, has reached its limit of open descriptors or sockets, so no new one could be created.",
        advice: Backoff,
        reason: "descriptors come back as other connections close",
        hint: "Raise the limit (ulimit -n, LimitNOFILE in systemd) if the load is real; otherwise look for leaked connections, such as streams kept alive in a pool or never dropped. An accept loop should pause briefly rather than spin on this error.",
    }

    WSAEWOULDBLOCK = 10035 {
        family: Berkeley,
        berkeley: EWOULDBLOCK,
        otel: "would_block",
        message: "Resource temporarily unavailable",
        description: "A non-blocking socket had nothing to give or no room to take right now. The operation is not done yet; it has not failed.",
        advice: Immediately,
        reason: "the would-block class: wait for readiness and try again",
        hint: "This is normal for non-blocking I/O: wait for readiness (tokio's readable()/writable()) and try again. Seeing it in logs usually means a try_read/try_write result was treated as a failure.",
    }

    WSAEINPROGRESS = 10036 {
        family: Berkeley,
        berkeley: EINPROGRESS,
        otel: "in_progress",
        message: "Operation now in progress",
        description: "A call that cannot finish at once has been started and continues in the background, as with a non-blocking connect; on Windows it can also mean another blocking call is already under way.",
        advice: Immediately,
        reason: "the operation is under way; wait for it to complete",
        hint: -,
    }

    WSAEALREADY = 10037 {
        family: Berkeley,
        berkeley: EALREADY,
        otel: "already_in_progress",
        message: "Operation already in progress",
        description: "An operation was requested on a socket that is still busy with the same kind of operation, such as a second connect while the first is pending.",
        advice: Immediately,
        reason: "the earlier operation is still running and will settle on its own",
        hint: -,
    }

    WSAENOTSOCK = 10038 {
        family: Berkeley,
        berkeley: ENOTSOCK,
        otel: "not_socket",
        message: "Socket operation on nonsocket",
        description: "A socket call was given a handle that is not a socket, either never one or one already closed and reused.",
        advice: Never,
        reason: "the handle is not a socket and retrying will not make it one",
        hint: -,
    }

    WSAEDESTADDRREQ = 10039 {
        family: Berkeley,
        berkeley: EDESTADDRREQ,
        otel: "destination_address_required",
        message: "Destination address required",
        description: "A send on an unconnected socket named no destination.",
        advice: Never,
        reason: "the call lacks an address; it needs fixing, not repeating",
        hint: -,
    }

    WSAEMSGSIZE = 10040 {
        family: Berkeley,
        berkeley: EMSGSIZE,
        otel: "message_size",
        message: "Message too long",
        description: "A datagram was larger than the protocol, the buffer or the path allows. On a send it was not transmitted; on a receive the buffer was too small and the excess was discarded.",
        advice: Never,
        reason: "the same datagram will be too large again",
        hint: "Keep UDP payloads under the path MTU (about 1,200 bytes is safe across the internet, 65,507 bytes is the IPv4 maximum) and size receive buffers for the largest datagram you accept.",
    }

    WSAEPROTOTYPE = 10041 {
        family: Berkeley,
        berkeley: EPROTOTYPE,
        otel: "protocol_type",
        message: "Protocol wrong type for socket",
        description: "The protocol named does not support the semantics of the requested socket type, such as a datagram protocol asked for a stream socket.",
        advice: Never,
        reason: "a mismatched socket type and protocol is a programming error",
        hint: -,
    }

    WSAENOPROTOOPT = 10042 {
        family: Berkeley,
        berkeley: ENOPROTOOPT,
        otel: "protocol_option",
        message: "Bad protocol option",
        description: "A socket option, or its level, is not known or not supported for this socket.",
        advice: Never,
        reason: "the option is not supported here",
        hint: -,
    }

    WSAEPROTONOSUPPORT = 10043 {
        family: Berkeley,
        berkeley: EPROTONOSUPPORT,
        otel: "protocol_not_supported",
        message: "Protocol not supported",
        description: "The requested protocol is not available on this system, not configured, or not implemented.",
        advice: Never,
        reason: "the system lacks the protocol",
        hint: -,
    }

    WSAESOCKTNOSUPPORT = 10044 {
        family: Berkeley,
        berkeley: ESOCKTNOSUPPORT,
        otel: "socket_not_supported",
        message: "Socket type not supported",
        description: "The socket type asked for is not supported within this address family.",
        advice: Never,
        reason: "the system lacks support for that socket type",
        hint: -,
    }

    WSAEOPNOTSUPP = 10045 {
        family: Berkeley,
        berkeley: EOPNOTSUPP,
        otel: "operation_not_supported",
        message: "Operation not supported",
        description: "The operation makes no sense for this kind of socket, such as accepting on a datagram socket.",
        advice: Never,
        reason: "the socket type does not offer the operation",
        hint: -,
    }

    WSAEPFNOSUPPORT = 10046 {
        family: Berkeley,
        berkeley: EPFNOSUPPORT,
        otel: "protocol_family_not_supported",
        message: "Protocol family not supported",
        description: "The protocol family is not configured on this system or has no implementation.",
        advice: Never,
        reason: "the system lacks the protocol family",
        hint: -,
    }

    WSAEAFNOSUPPORT = 10047 {
        family: Berkeley,
        berkeley: EAFNOSUPPORT,
        otel: "address_family_not_supported",
        message: "Address family not supported by protocol family",
        description: "An address of one family was used with a socket of another, or the family is unavailable, for example an IPv6 address on a host with IPv6 turned off.",
        advice: Never,
        reason: "the address family does not fit this socket or host",
        hint: "Check that the socket and the address agree (IPv4 with IPv4), and that IPv6 is enabled if you bind or connect to an IPv6 address.",
    }

    WSAEADDRINUSE = 10048 {
        family: Berkeley,
        berkeley: EADDRINUSE,
        otel: "address_already_in_use",
        message: "Address already in use",
        description: "The local address and port are already taken by another socket, or by one of this process's sockets still closing. On connect it means no local port could be found for the connection.",
        advice: Never,
        reason: "a bind to a taken address fails until its owner lets go",
        hint: "Find the owner (ss -ltnp, netstat -ano) or pick another port. Restarted servers should set SO_REUSEADDR (tokio's TcpSocket::set_reuseaddr). On connect, the ephemeral port range is exhausted: reuse connections or widen the range.",
    }

    WSAEADDRNOTAVAIL = 10049 {
        family: Berkeley,
        berkeley: EADDRNOTAVAIL,
        otel: "address_not_available",
        message: "Cannot assign requested address",
        description: "The address is not valid in this context: binding to an address that no local interface owns, or connecting to a wildcard or invalid remote address. On Linux a connect also reports it when no local port is free.",
        advice: Never,
        reason: "an address foreign to this host stays foreign",
        hint: "Bind to an address this host actually has (or 0.0.0.0 / ::), and never connect to 0.0.0.0 or port 0. On a busy client, running out of ephemeral ports looks like this too: reuse connections.",
    }

    WSAENETDOWN = 10050 {
        family: Berkeley,
        berkeley: ENETDOWN,
        otel: "network_down",
        message: "Network is down",
        description: "The local network interface or stack needed for the operation is down.",
        advice: Backoff,
        reason: "interfaces come back up; retry later",
        hint: "Check the local interface and link (ip link, cable, Wi-Fi, VPN); on a freshly booted host the network may not be up yet.",
    }

    WSAENETUNREACH = 10051 {
        family: Berkeley,
        berkeley: ENETUNREACH,
        otel: "network_unreachable",
        message: "Network is unreachable",
        description: "The local host has no route to the destination network.",
        advice: Backoff,
        reason: "routes change; the network may be reachable shortly",
        hint: "Check the routing table (ip route) and the default gateway; an IPv6 destination on an IPv4-only host also ends here.",
    }

    WSAENETRESET = 10052 {
        family: Berkeley,
        berkeley: ENETRESET,
        otel: "network_reset",
        message: "Network dropped connection on reset",
        description: "The connection broke because keep-alive probing found a failure while an operation was running, or, on a datagram socket, an ICMP time-exceeded message came back.",
        advice: Reconnect,
        reason: "the connection is lost but the network may carry a new one",
        hint: -,
    }

    WSAECONNABORTED = 10053 {
        family: Berkeley,
        berkeley: ECONNABORTED,
        otel: "connection_aborted",
        message: "Software caused connection abort",
        description: "The local host gave up on an established connection, usually after data went unacknowledged for too long or a protocol error occurred.",
        advice: Reconnect,
        reason: "the connection is gone, but a new one may work",
        hint: "Often a local timeout after the peer stopped acknowledging data, or a local firewall or antivirus cutting the connection. On accept it only concerns one pending connection: accept the next one.",
    }

    WSAECONNRESET = 10054 {
        family: Berkeley,
        berkeley: ECONNRESET,
        otel: "connection_reset",
        message: "Connection reset by peer",
        description: "The remote side, or something between the two ends, tore the connection down abruptly with a reset. Whatever was in flight may or may not have arrived.",
        advice: Reconnect,
        reason: "the connection is gone, but a new one may well succeed",
        hint: "Look at the peer's logs around the same time: a crash, a restart, an idle timeout on a load balancer or a server closing with unread data all end in a reset.",
    }

    WSAENOBUFS = 10055 {
        family: Berkeley,
        berkeley: ENOBUFS,
        otel: "no_buffer_space_available",
        message: "No buffer space available",
        description: "The system ran out of buffer space or its queues were full, so the operation could not be carried out.",
        advice: Backoff,
        reason: "buffers drain; pressure usually eases",
        hint: "Too many sockets or too much queued data for the kernel: lower concurrency, read promptly, and check socket buffer sizes; on Windows it can also mean ephemeral ports are exhausted.",
    }

    WSAEISCONN = 10056 {
        family: Berkeley,
        berkeley: EISCONN,
        otel: "is_connected",
        message: "Socket is already connected",
        description: "A connect was issued on a socket that is already connected, or a destination was given on a send over a connected socket.",
        advice: Never,
        reason: "the socket's state will not change by repeating the call",
        hint: -,
    }

    WSAENOTCONN = 10057 {
        family: Berkeley,
        berkeley: ENOTCONN,
        otel: "not_connected",
        message: "Socket is not connected",
        description: "Data was sent or received on a socket that has no connection, because it never connected or the connection is already gone.",
        advice: Never,
        reason: "this socket has no connection to use",
        hint: "Make sure the connect completed before reading or writing. During shutdown it often only means the peer closed first.",
    }

    WSAESHUTDOWN = 10058 {
        family: Berkeley,
        berkeley: ESHUTDOWN,
        otel: "shutdown",
        message: "Cannot send after socket shutdown",
        description: "Data was sent after the sending direction was closed. On Unix the same situation, a write to a connection the peer already closed, is reported as a broken pipe (EPIPE).",
        advice: Reconnect,
        reason: "the write side of this connection is closed; a new connection is needed",
        hint: "The peer closed the connection while you were still writing (broken pipe), or your code shut down writes and then wrote. Check the peer's idle timeouts and response framing.",
    }

    WSAETOOMANYREFS = 10059 {
        family: Berkeley,
        berkeley: ETOOMANYREFS,
        otel: -,
        message: "Too many references",
        description: "A kernel object gathered too many references to it.",
        advice: Never,
        reason: "an internal limit, not a condition that passes",
        hint: -,
    }

    WSAETIMEDOUT = 10060 {
        family: Berkeley,
        berkeley: ETIMEDOUT,
        otel: "timed_out",
        message: "Connection timed out",
        description: "The peer did not answer in time: a connect got no reply, or an established connection stopped acknowledging data and the system gave up on it.",
        advice: Backoff,
        reason: "a slow or briefly unreachable peer may answer later",
        hint: "Check that the host is up and that a firewall is not silently dropping packets (a closed port refuses, a filtered one times out). Compare your timeout with the peer's normal latency.",
    }

    WSAECONNREFUSED = 10061 {
        family: Berkeley,
        berkeley: ECONNREFUSED,
        otel: "connection_refused",
        message: "Connection refused",
        description: "The target host answered, but nothing was listening on that port, so it actively rejected the connection.",
        advice: Backoff,
        reason: "the service may be starting or restarting",
        hint: "Check that the server is running and listening on that address and port (ss -ltn); a server bound to 127.0.0.1 refuses connections to the host's other addresses. For a Unix socket, the socket file is missing (ENOENT) or nobody listens on it. Right after a deploy or a restart this is normal for a moment.",
    }

    WSAELOOP = 10062 {
        family: Berkeley,
        berkeley: ELOOP,
        otel: -,
        message: "Cannot translate name",
        description: "A name could not be translated, for example a path with too many symbolic links in a local socket address.",
        advice: Never,
        reason: "the name itself is the problem",
        hint: -,
    }

    WSAENAMETOOLONG = 10063 {
        family: Berkeley,
        berkeley: ENAMETOOLONG,
        otel: -,
        message: "Name too long",
        description: "A name or a name component was longer than allowed, such as a Unix socket path over its limit.",
        advice: Never,
        reason: "the same name will be too long again",
        hint: -,
    }

    WSAEHOSTDOWN = 10064 {
        family: Berkeley,
        berkeley: EHOSTDOWN,
        otel: "host_down",
        message: "Host is down",
        description: "The destination host was found to be down, as judged by the local networking stack.",
        advice: Backoff,
        reason: "hosts come back",
        hint: -,
    }

    WSAEHOSTUNREACH = 10065 {
        family: Berkeley,
        berkeley: EHOSTUNREACH,
        otel: "host_unreachable",
        message: "No route to host",
        description: "The destination host cannot be reached: no route leads to it, or a router or firewall on the way reported it unreachable.",
        advice: Backoff,
        reason: "reachability can return once routes or hosts recover",
        hint: "Check the route (ip route get ADDRESS), that the host is up, and firewalls that reject with host-unreachable; on a local network the host may not answer ARP or neighbour discovery.",
    }

    WSAENOTEMPTY = 10066 {
        family: Berkeley,
        berkeley: ENOTEMPTY,
        otel: -,
        message: "Directory not empty",
        description: "A directory that still has entries could not be removed. Sockets rarely report it.",
        advice: Never,
        reason: "not a network condition that passes",
        hint: -,
    }

    WSAEPROCLIM = 10067 {
        family: Berkeley,
        berkeley: EPROCLIM,
        otel: "process_limit",
        message: "Too many processes",
        description: "The socket implementation has reached the number of processes or applications it can serve at once.",
        advice: Backoff,
        reason: "capacity returns as other users finish",
        hint: -,
    }

    WSAEUSERS = 10068 {
        family: Berkeley,
        berkeley: EUSERS,
        otel: -,
        message: "User quota exceeded",
        description: "A per-user limit was reached.",
        advice: Never,
        reason: "a quota does not lift by itself",
        hint: -,
    }

    WSAEDQUOT = 10069 {
        family: Berkeley,
        berkeley: EDQUOT,
        otel: -,
        message: "Disk quota exceeded",
        description: "A disk quota was exhausted. Sockets rarely report it.",
        advice: Never,
        reason: "a quota does not lift by itself",
        hint: -,
    }

    WSAESTALE = 10070 {
        family: Berkeley,
        berkeley: ESTALE,
        otel: -,
        message: "Stale file handle reference",
        description: "A handle refers to something that is no longer available, such as a file on a remote share that was removed.",
        advice: Never,
        reason: "the handle will not become valid again",
        hint: -,
    }

    WSAEREMOTE = 10071 {
        family: Berkeley,
        berkeley: EREMOTE,
        otel: -,
        message: "Item is remote",
        description: "The object named is not available locally, for example a path that lives on a remote system.",
        advice: Never,
        reason: "not a network condition that passes",
        hint: -,
    }

    WSASYSNOTREADY = 10091 {
        family: Winsock,
        berkeley: -,
        otel: "system_not_ready",
        message: "Network subsystem is unavailable",
        description: "WSAStartup could not bring Winsock up because the networking layer underneath it is not usable right now. Typically the stack is still starting, is being reconfigured, or a required component is missing.",
        advice: Backoff,
        reason: "the network stack may simply not be up yet, as early in boot, so a later attempt can work",
        hint: "Retry startup after a short delay; if it never clears, look for a damaged Winsock catalog or third-party network filter (netsh winsock show catalog, then netsh winsock reset and a reboot as a last resort).",
    }

    WSAVERNOTSUPPORTED = 10092 {
        family: Winsock,
        berkeley: -,
        otel: "version_not_supported",
        message: "Winsock.dll version out of range",
        description: "WSAStartup was asked for a Windows Sockets version that the loaded implementation cannot provide. No usable version could be agreed between the caller and the DLL.",
        advice: Never,
        reason: "the version mismatch is fixed in code or installation, not by asking again",
        hint: "Request version 2.2 (MAKEWORD(2, 2)), which every supported Windows offers; if that still fails, an outdated or foreign winsock DLL is being picked up ahead of the system one, so check the application directory and PATH.",
    }

    WSANOTINITIALISED = 10093 {
        family: Winsock,
        berkeley: -,
        otel: "not_initialized",
        message: "Successful WSAStartup not yet performed",
        description: "A socket function ran while Winsock was not initialised for this process: WSAStartup was never called, it failed, or WSACleanup has already undone it.",
        advice: Never,
        reason: "a program ordering bug; repeating the call without initialising first fails the same way",
        hint: "On Windows, WSAStartup must succeed before any socket call. Rust std and tokio handle this themselves, so this usually means raw FFI socket calls made before any std networking, or after something called WSACleanup once too often.",
    }

    WSAEDISCON = 10101 {
        family: Winsock,
        berkeley: -,
        otel: "disconnecting",
        message: "Graceful shutdown in progress",
        description: "On a message-oriented socket, the peer has started an orderly close of the connection. No further messages will come from it on this socket.",
        advice: Reconnect,
        reason: "this connection is being closed on purpose, but a fresh one may still be accepted",
        hint: "Treat it like end of stream: finish handling what was received, close the socket, and open a new connection only if the work still needs doing and is safe to repeat.",
    }

    WSAENOMORE = 10102 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "No more results",
        description: "A service lookup enumeration has been exhausted: WSALookupServiceNext has nothing further to hand back. WSA_E_NO_MORE (10110) reports the same condition under a second number.",
        advice: Never,
        reason: "an end-of-results marker; asking again yields nothing new",
        hint: "Handle it as the normal end of the loop over WSALookupServiceNext and then call WSALookupServiceEnd; check for both 10102 and 10110.",
    }

    WSAECANCELLED = 10103 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "Call has been canceled",
        description: "A service lookup was still in progress when WSALookupServiceEnd closed its handle, so the pending call was abandoned. WSA_E_CANCELLED (10111) reports the same condition under a second number.",
        advice: Never,
        reason: "the lookup was stopped deliberately by the program",
        hint: "If the cancellation was not intended, look for another thread ending the lookup handle while a WSALookupServiceNext call was still using it.",
    }

    WSAEINVALIDPROCTABLE = 10104 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "Procedure call table is invalid",
        description: "A service provider handed Winsock a function dispatch table that cannot be used, usually because some of its entries are null. The fault lies in the installed provider, not in the calling program.",
        advice: Never,
        reason: "a broken provider installation stays broken until it is repaired or removed",
        hint: "List the installed providers with netsh winsock show catalog and remove or update any third-party layered provider; netsh winsock reset restores the default catalog.",
    }

    WSAEINVALIDPROVIDER = 10105 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "Service provider is invalid",
        description: "The requested service provider cannot be used: its catalog entry was not found, or the provider reported a service provider interface version other than 2.0.",
        advice: Never,
        reason: "a missing or incompatible provider does not fix itself between calls",
        hint: "Check the protocol catalog with netsh winsock show catalog for stale or third-party entries, and reinstall or remove the provider in question.",
    }

    WSAEPROVIDERFAILEDINIT = 10106 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "Service provider failed to initialize",
        description: "Winsock could not load or start a transport or namespace provider: its DLL failed to load, or the provider's startup routine returned an error. Socket creation and name lookups then fail.",
        advice: Never,
        reason: "the provider will not load until the environment or catalog is corrected",
        hint: "The most common cause is a process started without the SystemRoot environment variable (for example a Rust Command after env_clear), so pass it through to children. Otherwise inspect the Winsock catalog and, as a last resort, run netsh winsock reset and reboot.",
    }

    WSASYSCALLFAILURE = 10107 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "System call failure",
        description: "An operating system call that Winsock relies on, and that is not expected to fail, failed anyway. It is also used when a provider reports failure without saying why, so it is a catch-all for internal faults.",
        advice: Never,
        reason: "an internal fault in Winsock or a provider that the caller cannot cure by repeating",
        hint: "Look for a misbehaving layered provider or security product in the Winsock catalog, and check whether the process is short of handles or memory.",
    }

    WSASERVICE_NOT_FOUND = 10108 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "Service not found",
        description: "The requested service is not registered in the namespace that was searched.",
        advice: Never,
        reason: "the service is not registered there, and asking again will not register it",
        hint: "Check the service name or class and the namespace being queried, and confirm the service has actually been registered.",
    }

    WSATYPE_NOT_FOUND = 10109 {
        family: Winsock,
        berkeley: -,
        otel: "type_not_found",
        message: "Class type not found",
        description: "The service class or type named in the request is not known. getaddrinfo also reports it, as EAI_SERVICE, when the service name given cannot be mapped to a port.",
        advice: Never,
        reason: "an unknown name or type in the request stays unknown",
        hint: "When resolving, pass a numeric port or a service name listed in the system services file, and check that it fits the socket type requested.",
    }

    WSA_E_NO_MORE = 10110 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "No more results",
        description: "WSALookupServiceNext has no further results to return for this lookup. It means the same as WSAENOMORE (10102); providers may return either.",
        advice: Never,
        reason: "an end-of-results marker; asking again yields nothing new",
        hint: "Treat it as the normal end of the enumeration, check for 10102 as well, and close the lookup with WSALookupServiceEnd.",
    }

    WSA_E_CANCELLED = 10111 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "Call was canceled",
        description: "A pending service lookup call was abandoned because WSALookupServiceEnd was called on its handle before it finished. It means the same as WSAECANCELLED (10103).",
        advice: Never,
        reason: "the lookup was stopped deliberately by the program",
        hint: "If nobody meant to cancel, check for a thread ending the lookup handle while another is still reading from it.",
    }

    WSAEREFUSED = 10112 {
        family: Winsock,
        berkeley: -,
        otel: -,
        message: "Database query was refused",
        description: "A query to a name or service database was rejected outright by the server answering it, rather than failing for lack of data.",
        advice: Never,
        reason: "the server said no on purpose, which does not change on an immediate repeat",
        hint: "If it came from name resolution, check that the configured DNS server accepts queries, including recursive ones, from this host.",
    }

    WSAHOST_NOT_FOUND = 11001 {
        family: Resolver,
        berkeley: -,
        otel: "host_not_found",
        message: "Host not found",
        description: "The name could not be resolved: it is not a known host name or alias in any database searched. This is the Winsock form of h_errno HOST_NOT_FOUND and is what getaddrinfo returns as EAI_NONAME.",
        advice: Never,
        reason: "an authoritative answer that the name does not exist",
        hint: "Check the name for typos and for a missing domain suffix, then test it with nslookup against the same DNS server; also check the hosts file and any VPN or split-DNS setup.",
    }

    WSATRY_AGAIN = 11002 {
        family: Resolver,
        berkeley: -,
        otel: "try_again",
        message: "Nonauthoritative host not found",
        description: "Name resolution failed without a definite answer, usually because the local DNS server got no reply from an authoritative server in time. This is the Winsock form of h_errno TRY_AGAIN and getaddrinfo's EAI_AGAIN.",
        advice: Backoff,
        reason: "a temporary resolver failure that often clears on a later attempt",
        hint: "Retry after a delay with backoff; if it persists, check that the configured DNS servers are reachable and answering, for example with nslookup.",
    }

    WSANO_RECOVERY = 11003 {
        family: Resolver,
        berkeley: -,
        otel: "no_recovery",
        message: "This is a nonrecoverable error",
        description: "The lookup hit a hard failure, such as a DNS server answering with a serious error or a local database file like hosts or services being unavailable. This is the Winsock form of h_errno NO_RECOVERY and getaddrinfo's EAI_FAIL.",
        advice: Never,
        reason: "a hard resolver failure that repeating the query will not fix",
        hint: "Query the name with nslookup against each configured DNS server to see which one fails, and check that the hosts and services files under the system drivers/etc directory exist and are readable.",
    }

    WSANO_DATA = 11004 {
        family: Resolver,
        berkeley: -,
        otel: "no_data",
        message: "Valid name, no data record of requested type",
        description: "The name exists, but it has no record of the kind asked for, such as an address record for a host that only has mail records. This is the Winsock form of h_errno NO_DATA; WSANO_ADDRESS is another name for it.",
        advice: Never,
        reason: "the name is known to lack the requested data, so asking again gives the same answer",
        hint: "Check with nslookup which record types the name really has (A, AAAA, CNAME) and whether the address family requested matches; a proxy or a name meant for another network is a common cause.",
    }

    WSA_QOS_RECEIVERS = 11005 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS receivers",
        description: "A status notice from the Generic QoS (RSVP) layer: at least one receiver has sent a reservation for this flow.",
        advice: Immediately,
        reason: "a status notification, not a failure of the call; carry on",
        hint: -,
    }

    WSA_QOS_SENDERS = 11006 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS senders",
        description: "A status notice from the Generic QoS (RSVP) layer: path information from at least one sender has arrived for this flow.",
        advice: Immediately,
        reason: "a status notification, not a failure of the call; carry on",
        hint: -,
    }

    WSA_QOS_NO_SENDERS = 11007 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "No QoS senders",
        description: "A status notice from the Generic QoS (RSVP) layer: no sender is currently advertising this flow, so no reservation can be made for it yet.",
        advice: Backoff,
        reason: "a status notification; a sender may appear later",
        hint: -,
    }

    WSA_QOS_NO_RECEIVERS = 11008 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS no receivers",
        description: "A status notice from the Generic QoS (RSVP) layer: no receiver currently holds a reservation for this flow.",
        advice: Backoff,
        reason: "a status notification; a receiver may reserve later",
        hint: -,
    }

    WSA_QOS_REQUEST_CONFIRMED = 11009 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS request confirmed",
        description: "A status notice from the Generic QoS (RSVP) layer: the reservation that was requested has been confirmed along the path.",
        advice: Immediately,
        reason: "a status notification reporting success, not a failure of the call",
        hint: -,
    }

    WSA_QOS_ADMISSION_FAILURE = 11010 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS admission error",
        description: "The QoS request was turned down because there were not enough resources, such as bandwidth, to admit the flow at that moment.",
        advice: Backoff,
        reason: "capacity may free up as other flows end",
        hint: "Retry later, or ask for a smaller token rate or peak bandwidth in the flowspec.",
    }

    WSA_QOS_POLICY_FAILURE = 11011 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS policy failure",
        description: "The QoS request was refused because the policy in force does not allow this user or application the resources it asked for.",
        advice: Never,
        reason: "a policy decision that stands until the policy or the request changes",
        hint: "Review the QoS policy that applies to this host and user, or reduce the request to fit within it.",
    }

    WSA_QOS_BAD_STYLE = 11012 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS bad style",
        description: "The reservation style in the request was not recognised or clashes with a style already in use for the same session.",
        advice: Never,
        reason: "a malformed or conflicting request fails the same way every time",
        hint: "Use one reservation style consistently for every receiver in the session.",
    }

    WSA_QOS_BAD_OBJECT = 11013 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS bad object",
        description: "Something in the filterspec or in the provider-specific buffer of the QoS request could not be used as given.",
        advice: Never,
        reason: "a malformed request fails the same way every time",
        hint: "Check every object in the provider-specific buffer against its documented layout, including header lengths and the end-of-list marker.",
    }

    WSA_QOS_TRAFFIC_CTRL_ERROR = 11014 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS traffic control error",
        description: "The traffic control layer rejected the request when the QoS settings were being applied locally. Possible causes include running out of memory or an internal fault in the QoS provider.",
        advice: Never,
        reason: "an internal or configuration failure below the socket layer",
        hint: "Check that the QoS Packet Scheduler is installed and enabled on the network adapter carrying the traffic.",
    }

    WSA_QOS_GENERIC_ERROR = 11015 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS generic error",
        description: "The QoS provider failed without giving a more specific reason.",
        advice: Never,
        reason: "an unspecified QoS failure with nothing to suggest a retry will help",
        hint: "The Generic QoS API is deprecated and RSVP signalling only ever worked on Windows 2000; on current Windows prefer policy-based QoS or the qWAVE (QOS2) API.",
    }

    WSA_QOS_ESERVICETYPE = 11016 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS service type error",
        description: "The flowspec names a service type that is invalid or that the provider does not recognise.",
        advice: Never,
        reason: "a bad value in the request fails the same way every time",
        hint: "Set ServiceType to one of the defined SERVICETYPE_ constants, such as best effort, controlled load or guaranteed.",
    }

    WSA_QOS_EFLOWSPEC = 11017 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "QoS flowspec error",
        description: "A flowspec in the QOS structure is invalid or internally inconsistent.",
        advice: Never,
        reason: "a bad flowspec fails the same way every time",
        hint: "Check that token rate, bucket size, peak bandwidth and packet sizes agree with each other, and use QOS_NOT_SPECIFIED for fields left to the provider.",
    }

    WSA_QOS_EPROVSPECBUF = 11018 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS provider buffer",
        description: "The provider-specific buffer attached to the QoS request is not valid as a whole.",
        advice: Never,
        reason: "a malformed buffer fails the same way every time",
        hint: "Check that the buffer pointer and length describe exactly the list of QoS objects built, ending with an end-of-list object.",
    }

    WSA_QOS_EFILTERSTYLE = 11019 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS filter style",
        description: "The filter style given in the QoS request is not one the provider accepts.",
        advice: Never,
        reason: "a bad value in the request fails the same way every time",
        hint: -,
    }

    WSA_QOS_EFILTERTYPE = 11020 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS filter type",
        description: "The filter type given in the QoS request is not one the provider accepts.",
        advice: Never,
        reason: "a bad value in the request fails the same way every time",
        hint: -,
    }

    WSA_QOS_EFILTERCOUNT = 11021 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Incorrect QoS filter count",
        description: "A flow descriptor declares a number of filterspecs that is wrong for the request.",
        advice: Never,
        reason: "a malformed request fails the same way every time",
        hint: "Make the filter count in each flow descriptor match the filterspec array actually supplied, and suit the reservation style.",
    }

    WSA_QOS_EOBJLENGTH = 11022 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS object length",
        description: "An object in the provider-specific buffer carries an ObjectLength value that does not fit its type or the buffer.",
        advice: Never,
        reason: "a malformed request fails the same way every time",
        hint: "Set ObjectLength to the full size of each object, header included, and check that the lengths add up to the buffer length.",
    }

    WSA_QOS_EFLOWCOUNT = 11023 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Incorrect QoS flow count",
        description: "The QoS request declares a number of flow descriptors that is wrong for what was supplied.",
        advice: Never,
        reason: "a malformed request fails the same way every time",
        hint: "Make the flow descriptor count match the array actually supplied.",
    }

    WSA_QOS_EUNKOWNPSOBJ = 11024 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Unrecognized QoS object",
        description: "The provider-specific buffer contains an object whose type the provider does not know. The symbol's spelling, with UNKOWN, is the official one.",
        advice: Never,
        reason: "an unknown object type is rejected every time",
        hint: "Use only defined QOS_OBJECT_ types, and check that a wrong length on an earlier object has not shifted the parser onto garbage.",
    }

    WSA_QOS_EPOLICYOBJ = 11025 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS policy object",
        description: "A policy object inside the provider-specific buffer is not valid.",
        advice: Never,
        reason: "a malformed request fails the same way every time",
        hint: -,
    }

    WSA_QOS_EFLOWDESC = 11026 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS flow descriptor",
        description: "One of the entries in the list of flow descriptors is not valid.",
        advice: Never,
        reason: "a malformed request fails the same way every time",
        hint: -,
    }

    WSA_QOS_EPSFLOWSPEC = 11027 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS provider-specific flowspec",
        description: "A flowspec carried inside the provider-specific buffer is invalid or internally inconsistent.",
        advice: Never,
        reason: "a bad flowspec fails the same way every time",
        hint: "Check that the rates, bucket size and packet sizes in that flowspec are consistent with each other.",
    }

    WSA_QOS_EPSFILTERSPEC = 11028 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS provider-specific filterspec",
        description: "A filterspec carried inside the provider-specific buffer is not valid.",
        advice: Never,
        reason: "a malformed request fails the same way every time",
        hint: -,
    }

    WSA_QOS_ESDMODEOBJ = 11029 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS shape discard mode object",
        description: "The object in the provider-specific buffer that says how nonconforming packets are shaped or discarded is not valid.",
        advice: Never,
        reason: "a malformed request fails the same way every time",
        hint: "Set the shape discard mode to one of the defined TC_NONCONF_ values.",
    }

    WSA_QOS_ESHAPERATEOBJ = 11030 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Invalid QoS shaping rate object",
        description: "The object in the provider-specific buffer that sets the traffic shaping rate is not valid.",
        advice: Never,
        reason: "a malformed request fails the same way every time",
        hint: -,
    }

    WSA_QOS_RESERVED_PETYPE = 11031 {
        family: Qos,
        berkeley: -,
        otel: -,
        message: "Reserved policy QoS element type",
        description: "The provider-specific buffer contains a policy element whose type is reserved and may not be used by applications.",
        advice: Never,
        reason: "a reserved element type is rejected every time",
        hint: "Remove the policy element, or replace its type with one that applications are permitted to use.",
    }

    WSA_SECURE_HOST_NOT_FOUND = 11032 {
        family: Security,
        berkeley: -,
        otel: -,
        message: "No such host is known securely",
        description: "A connect that asked for a secured connection by name could not find the host through a lookup it could trust, so no secure connection was attempted.",
        advice: Never,
        reason: "the name has no trustworthy answer, and asking again gets the same one",
        hint: "Check that the name resolves through the secure lookup the IPsec policy expects, and that the policy names this host; a plain lookup succeeding does not prove the secure one can.",
    }

    WSA_IPSEC_NAME_POLICY_ERROR = 11033 {
        family: Security,
        berkeley: -,
        otel: -,
        message: "Name based IPSEC policy could not be added",
        description: "Setting up a secured connection by name needed an IPsec policy rule for that name, and the system could not install it.",
        advice: Never,
        reason: "a policy the system refused to install stays refused until the configuration changes",
        hint: "Check the IPsec and Windows Firewall connection security settings on this host, and that the process may add policy for the target name.",
    }
}
