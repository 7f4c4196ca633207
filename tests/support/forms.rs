//! One log line per form the text scanner recognises (the table in `wsa_trace::scan`), with
//! what it must give on Linux: the form, the code and the matched text.

use wsa_trace::scan::Form;
use wsa_trace::WsaCode;

pub const FORMS: &[(&str, Form, WsaCode, &str)] = &[
    ("read: Connection reset by peer (os error 104)", Form::OsError, WsaCode::WSAECONNRESET, "os error 104"),
    ("Err(Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" })", Form::OsDebug, WsaCode::WSAECONNREFUSED, "Os { code: 111"),
    ("ConnectionRefusedError: [Errno 111] Connection refused", Form::Errno, WsaCode::WSAECONNREFUSED, "Errno 111"),
    ("recv failed errno=104", Form::Errno, WsaCode::WSAECONNRESET, "errno=104"),
    ("socket closed, errno 32", Form::Errno, WsaCode::WSAESHUTDOWN, "errno 32"),
    ("connect() failed (111: Connection refused) while connecting to upstream", Form::Nginx, WsaCode::WSAECONNREFUSED, "(111"),
    ("ConnectionResetError: [WinError 10054] An existing connection was forcibly closed by the remote host", Form::WinError, WsaCode::WSAECONNRESET, "WinError 10054"),
    ("send failed with error 10054", Form::WsaNumber, WsaCode::WSAECONNRESET, "error 10054"),
    ("socket error code=10060", Form::WsaNumber, WsaCode::WSAETIMEDOUT, "code=10060"),
    ("System.Net.Sockets.SocketException (10061): No connection could be made", Form::WsaNumber, WsaCode::WSAECONNREFUSED, "SocketException (10061"),
    ("COMException: HRESULT 0x80072746", Form::Hresult, WsaCode::WSAECONNRESET, "0x80072746"),
    ("HResult=-2147014842", Form::Hresult, WsaCode::WSAECONNRESET, "-2147014842"),
    ("recv returned WSAECONNRESET", Form::Symbol, WsaCode::WSAECONNRESET, "WSAECONNRESET"),
    ("Error: connect ECONNREFUSED 127.0.0.1:5432", Form::Berkeley, WsaCode::WSAECONNREFUSED, "ECONNREFUSED"),
    ("Error: write EPIPE", Form::Berkeley, WsaCode::WSAESHUTDOWN, "EPIPE"),
    ("dial tcp 127.0.0.1:80: connect: connection refused", Form::Phrase, WsaCode::WSAECONNREFUSED, "connection refused"),
    ("java.net.ConnectException: Connection refused", Form::Phrase, WsaCode::WSAECONNREFUSED, "Connection refused"),
    ("java.net.SocketException: Connection reset", Form::Phrase, WsaCode::WSAECONNRESET, "Connection reset"),
    ("read tcp 10.0.0.1:5000->10.0.0.2:80: read: connection reset by peer", Form::Phrase, WsaCode::WSAECONNRESET, "connection reset by peer"),
    ("accept: Too many open files", Form::Phrase, WsaCode::WSAEMFILE, "Too many open files"),
    ("dial tcp 10.1.2.3:443: connect: no route to host", Form::Phrase, WsaCode::WSAEHOSTUNREACH, "no route to host"),
    ("write: Broken pipe", Form::Phrase, WsaCode::WSAESHUTDOWN, "Broken pipe"),
];
