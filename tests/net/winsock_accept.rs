//! The accept-loop guard on Windows, where `raw_os_error()` is a Winsock number: the error of
//! one pending connection (`WSAECONNRESET`, which Windows' `accept` reports for a connection
//! reset before it was accepted) is skipped at once and counted; a resource error
//! (`WSAEMFILE`, `WSAENOBUFS`) pauses the loop and is counted as a backoff; an error of the
//! listener itself (`WSAENOTSOCK`) is returned untouched. Neither kind can be made on demand
//! on loopback, so the listener is scripted with the numbers Windows' `accept` returns; a
//! real listener then accepts a real loopback connection through the guard.
#![cfg(windows)]

use crate::support;

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::Ipv4Addr;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use wsa_trace::net::{Accept, GuardedListener};
use wsa_trace::WsaCode;

use support::Counters;

const ERRORS: &str = "wsa_socket_errors_total";
const BACKOFFS: &str = "wsa_accept_backoffs_total";

fn run<F: Future>(fut: F) -> (F::Output, Counters) {
    support::count_async(Duration::from_secs(5), fut)
}

fn accept_errors(counters: &Counters, code: &str, category: &str) -> u64 {
    counters.value(ERRORS, code, category, "accept")
}

/// The error Windows' `accept` returns for `code`: its Winsock number.
fn winsock(code: WsaCode) -> io::Error {
    io::Error::from_raw_os_error(i32::from(code))
}

/// A listener that answers with its script, in order, then stays pending.
struct Winsock(VecDeque<io::Result<u32>>);

impl Accept for Winsock {
    type Conn = u32;
    type Addr = ();

    fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<io::Result<(u32, ())>> {
        match self.0.pop_front() {
            Some(next) => Poll::Ready(next.map(|id| (id, ()))),
            None => Poll::Pending,
        }
    }
}

fn scripted(script: impl IntoIterator<Item = io::Result<u32>>) -> GuardedListener<Winsock> {
    GuardedListener::new(Winsock(script.into_iter().collect()))
}

#[test]
fn a_connection_reset_before_accept_is_skipped_at_once() {
    let (first, counters) = run(async {
        let mut listener = scripted([Err(winsock(WsaCode::WSAECONNRESET)), Ok(1)]);
        let mut accept = tokio_test::task::spawn(listener.accept());
        match accept.poll() {
            Poll::Ready(result) => result.expect("the connection after the reset one"),
            Poll::Pending => panic!("accept paused on WSAECONNRESET, an error of one connection"),
        }
    });
    assert_eq!(first, (1, ()));
    assert_eq!(accept_errors(&counters, "WSAECONNRESET", "transient"), 1);
    assert_eq!(counters.total(ERRORS), 1);
    assert_eq!(counters.total(BACKOFFS), 0);
}

#[test]
fn out_of_sockets_or_buffers_pauses_and_is_counted() {
    let ((conn, pending_first), counters) = run(async {
        let mut listener = scripted([
            Err(winsock(WsaCode::WSAEMFILE)),
            Err(winsock(WsaCode::WSAENOBUFS)),
            Ok(2),
        ])
        .backoff_range(Duration::from_millis(1), Duration::from_millis(10));
        let mut accept = tokio_test::task::spawn(listener.accept());
        let pending_first = accept.poll().is_pending();
        let conn = accept.await.expect("the connection after the pauses");
        (conn, pending_first)
    });
    assert!(pending_first, "accept did not pause on WSAEMFILE");
    assert_eq!(conn, (2, ()));
    assert_eq!(accept_errors(&counters, "WSAEMFILE", "transient"), 1);
    assert_eq!(accept_errors(&counters, "WSAENOBUFS", "transient"), 1);
    assert_eq!(counters.get(BACKOFFS, &[("code", "WSAEMFILE")]), 1);
    assert_eq!(counters.get(BACKOFFS, &[("code", "WSAENOBUFS")]), 1);
    assert_eq!(counters.total(BACKOFFS), 2);
}

#[test]
fn an_error_of_the_listener_is_returned_untouched() {
    let (err, counters) = run(async {
        let mut listener = scripted([Err(winsock(WsaCode::WSAENOTSOCK))]);
        listener
            .accept()
            .await
            .expect_err("WSAENOTSOCK is returned")
    });
    assert_eq!(err.raw_os_error(), Some(10038), "{err}");
    assert_eq!(accept_errors(&counters, "WSAENOTSOCK", "fatal"), 1);
    assert_eq!(counters.total(BACKOFFS), 0);
}

#[test]
fn a_real_listener_accepts_through_the_guard() {
    let ((accepted, client), counters) = run(async {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut listener = GuardedListener::new(listener);
        let (client, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
        let (_, from) = accepted.expect("accept");
        (from, client.expect("connect").local_addr().unwrap())
    });
    assert_eq!(accepted, client);
    assert_eq!(counters.total(ERRORS), 0);
}
