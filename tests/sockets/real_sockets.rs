//! Real failures from real sockets, on the loopback interface only, each wait bounded.
//!
//! The numbers the OS reports differ between platforms; the codes must not. Expectations that
//! hold on Linux only are marked so.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use wsa_trace::map::Via;
use wsa_trace::{default_class, Category, Mapping, Op, Retry, WsaCode};

use crate::support::native::os_code;

/// The longest any single step may wait.
const LIMIT: Duration = Duration::from_secs(5);

fn loopback_listener() -> TcpListener {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0")
}

fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    assert!(
        addr.ip().is_loopback(),
        "tests only talk to loopback, not {addr}"
    );
    let stream = TcpStream::connect_timeout(&addr, LIMIT)?;
    stream.set_read_timeout(Some(LIMIT))?;
    stream.set_write_timeout(Some(LIMIT))?;
    Ok(stream)
}

fn class(mapping: &Mapping, op: Op) -> (Category, Retry) {
    let c = default_class(mapping.code(), op);
    (c.category(), c.retry())
}

/// A connected pair: the client, and the server's side of the same connection.
fn pair() -> (TcpStream, TcpStream) {
    let listener = loopback_listener();
    let client = connect(listener.local_addr().unwrap()).expect("connect to our own listener");
    let (server, peer) = listener.accept().expect("accept");
    assert_eq!(peer, client.local_addr().unwrap());
    server.set_read_timeout(Some(LIMIT)).unwrap();
    (client, server)
}

/// Closes the server's side while the client's bytes sit unread in its receive buffer, which
/// makes the kernel answer with a reset instead of a normal close.
fn reset_by_peer() -> TcpStream {
    let (mut client, server) = pair();
    client.write_all(b"unread data").unwrap();
    // Wait (bounded by the read timeout) until the bytes have arrived, without reading them.
    let mut buf = [0; 16];
    let n = server.peek(&mut buf).expect("the client's bytes arrive");
    assert!(n > 0);
    drop(server);
    client
}

#[test]
fn connecting_to_a_closed_port_is_refused() {
    // A port from the ephemeral range can, rarely, be taken again by a parallel test or be
    // the client's own port (a TCP self-connect); a few fresh ports rule both out.
    let err = (0..10)
        .find_map(|_| {
            let addr = {
                let listener = loopback_listener();
                listener.local_addr().unwrap()
                // Dropped here: nothing listens on the port any more.
            };
            connect(addr).err()
        })
        .expect("a closed port refuses the connection");
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    assert_eq!(
        err.raw_os_error(),
        Some(os_code(WsaCode::WSAECONNREFUSED)),
        "{err}"
    );

    let m = Mapping::from_io_error(&err);
    assert_eq!(m.code(), Some(WsaCode::WSAECONNREFUSED));
    assert_eq!(m.via(), Via::Os);
    assert_eq!(m.os_code(), err.raw_os_error());
    assert_eq!(
        class(&m, Op::Connect),
        (Category::Transient, Retry::Backoff)
    );
    #[cfg(target_os = "linux")]
    assert_eq!(
        (m.os_code(), m.os_name()),
        (Some(111), Some("ECONNREFUSED"))
    );
    #[cfg(windows)]
    assert_eq!(
        (m.os_code(), m.os_name()),
        (Some(10061), Some("WSAECONNREFUSED"))
    );
}

#[test]
fn binding_a_bound_address_is_address_in_use() {
    let listener = loopback_listener();
    let addr = listener.local_addr().unwrap();
    let err = TcpListener::bind(addr).expect_err("the address is taken");
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
    assert_eq!(
        err.raw_os_error(),
        Some(os_code(WsaCode::WSAEADDRINUSE)),
        "{err}"
    );

    let m = Mapping::from_io_error(&err);
    assert_eq!(m.code(), Some(WsaCode::WSAEADDRINUSE));
    assert_eq!(m.via(), Via::Os);
    assert_eq!(class(&m, Op::Bind), (Category::Fatal, Retry::Never));
    assert_eq!(
        class(&m, Op::Connect),
        (Category::Transient, Retry::Backoff)
    );
    drop(listener);
}

#[test]
fn reading_an_empty_nonblocking_stream_would_block() {
    let (client, _server) = pair();
    client.set_nonblocking(true).unwrap();
    let mut buf = [0; 16];
    let err = (&client).read(&mut buf).expect_err("no data was sent");
    assert_eq!(err.kind(), ErrorKind::WouldBlock, "{err}");
    assert_eq!(
        err.raw_os_error(),
        Some(os_code(WsaCode::WSAEWOULDBLOCK)),
        "{err}"
    );

    let m = Mapping::from_io_error(&err);
    assert_eq!(m.code(), Some(WsaCode::WSAEWOULDBLOCK));
    assert_eq!(m.via(), Via::Os);
    assert_eq!(
        class(&m, Op::Read),
        (Category::Transient, Retry::Immediately)
    );
    #[cfg(target_os = "linux")]
    assert_eq!(m.os_name(), Some("EAGAIN"));
}

#[test]
fn closing_with_unread_data_resets_the_connection() {
    let mut client = reset_by_peer();
    let mut buf = [0; 16];
    let err = client.read(&mut buf).expect_err(
        "the peer reset the connection (Wine 8 reports a graceful close here, where Windows \
         and Linux report the reset)",
    );
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
    assert_eq!(
        err.raw_os_error(),
        Some(os_code(WsaCode::WSAECONNRESET)),
        "{err}"
    );

    let m = Mapping::from_io_error(&err);
    assert_eq!(m.code(), Some(WsaCode::WSAECONNRESET));
    assert_eq!(m.via(), Via::Os);
    #[cfg(target_os = "linux")]
    assert_eq!((m.os_code(), m.os_name()), (Some(104), Some("ECONNRESET")));
    #[cfg(windows)]
    assert_eq!(
        (m.os_code(), m.os_name()),
        (Some(10054), Some("WSAECONNRESET"))
    );
    assert_eq!(class(&m, Op::Read), (Category::Transient, Retry::Reconnect));
    assert_eq!(
        class(&m, Op::Accept),
        (Category::Transient, Retry::Immediately)
    );
}

/// Writes until the OS refuses, at most a bounded number of times.
#[cfg(unix)]
fn write_until_error(stream: &mut TcpStream) -> io::Error {
    let started = std::time::Instant::now();
    loop {
        match stream.write(b"more data") {
            Ok(_) => {}
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => return err,
        }
        assert!(
            started.elapsed() < LIMIT,
            "writes kept succeeding after the reset"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(unix)]
#[test]
fn writing_after_a_reset_is_a_broken_pipe_or_a_reset() {
    // Rust programs ignore SIGPIPE, so the write reports EPIPE instead of killing the test.
    let mut client = reset_by_peer();
    let err = write_until_error(&mut client);
    let m = Mapping::from_io_error(&err);
    assert_eq!(m.via(), Via::Os, "{err}");
    match err.raw_os_error() {
        Some(libc::EPIPE) => {
            assert_eq!(err.kind(), ErrorKind::BrokenPipe);
            assert_eq!(m.code(), Some(WsaCode::WSAESHUTDOWN));
            assert_eq!(
                class(&m, Op::Write),
                (Category::Transient, Retry::Reconnect)
            );
        }
        Some(libc::ECONNRESET) => {
            assert_eq!(err.kind(), ErrorKind::ConnectionReset);
            assert_eq!(m.code(), Some(WsaCode::WSAECONNRESET));
        }
        _ => panic!("unexpected error after a reset: {err}"),
    }
}

#[cfg(target_os = "linux")]
#[test]
fn writing_after_the_reset_was_reported_is_a_broken_pipe() {
    let mut client = reset_by_peer();
    let mut buf = [0; 16];
    let err = client
        .read(&mut buf)
        .expect_err("the peer reset the connection");
    assert_eq!(err.raw_os_error(), Some(libc::ECONNRESET), "{err}");
    // The reset has been reported: the connection is closed, and a write is a broken pipe.
    let err = write_until_error(&mut client);
    assert_eq!(err.raw_os_error(), Some(libc::EPIPE), "{err}");
    let m = Mapping::from_io_error(&err);
    assert_eq!(m.code(), Some(WsaCode::WSAESHUTDOWN));
    assert_eq!((m.os_code(), m.os_name()), (Some(32), Some("EPIPE")));
    assert_eq!(m.kind(), ErrorKind::BrokenPipe);
}

#[test]
fn writing_after_our_own_shutdown_fails() {
    let (mut client, _server) = pair();
    client.shutdown(Shutdown::Write).unwrap();
    let err = client.write(b"late").expect_err("the write side is shut");
    let m = Mapping::from_io_error(&err);
    #[cfg(unix)]
    {
        assert_eq!(err.raw_os_error(), Some(libc::EPIPE), "{err}");
        assert_eq!(m.code(), Some(WsaCode::WSAESHUTDOWN));
    }
    #[cfg(windows)]
    assert_eq!(m.code(), Some(WsaCode::WSAESHUTDOWN));
    assert_eq!(
        class(&m, Op::Write),
        (Category::Transient, Retry::Reconnect)
    );
}
