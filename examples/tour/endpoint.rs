//! The `--serve` HTTP endpoint: `/metrics` and `/report`, and a way to survive its clients.
//!
//! | guard | what it does |
//! |---|---|
//! | [`GuardedListener`] | an accept error is counted; out of descriptors, the loop pauses instead of failing or spinning |
//! | at most [`MAX_CONNECTIONS`] at once | a new connection beyond the cap closes the oldest one that has not sent its request; if every one is busy, accepting waits for one to finish |
//! | [`IDLE`] | a connection that has not sent its request by then is closed |
//! | [`BUSY`] | the bound on serving one request |
//!
//! Each connection serves one request (no keep-alive), so a connection is either waiting
//! for its request (idle, and the first to go) or being answered. The endpoint holds at
//! most `MAX_CONNECTIONS + 1` descriptors however many clients connect, and the tour's
//! rounds keep the rest.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, Semaphore};
use tokio::time::{sleep, timeout};
use wsa_trace::net::GuardedListener;
use wsa_trace::observe::Observer;

use crate::serve::{lock, Shared, Tallied};

/// The most connections served at once.
pub const MAX_CONNECTIONS: usize = 64;

/// How long a connection may take to send its request.
pub const IDLE: Duration = Duration::from_secs(5);

/// How long answering one request may take.
pub const BUSY: Duration = Duration::from_secs(10);

/// Accepts HTTP/1 connections and serves each in its own task, within the guards above.
/// Accept errors are observed with `observer` and tallied in `tally`, as every other error.
pub async fn serve(
    listener: TcpListener,
    observer: Observer,
    prometheus: PrometheusHandle,
    tally: Shared,
) {
    let errors = observer.counter_name().to_owned();
    let mut listener = GuardedListener::new(Tallied {
        inner: listener,
        emfile: 0,
        errors,
        tally: tally.clone(),
    })
    .observer(observer);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let idle = Idle::default();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) => {
                // Fatal for this listener, which the guard has counted; keep the tour going.
                eprintln!("metrics endpoint: accept failed: {err}");
                sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // Registered here, not in the task: a burst of connections is accepted before any
        // of their tasks runs, and the oldest must be there to be closed.
        let waiting = idle.add();
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                idle.close_oldest();
                slots
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed")
            }
        };
        let (prometheus, tally, idle) = (prometheus.clone(), tally.clone(), idle.clone());
        tokio::spawn(async move {
            connection(stream, waiting, &prometheus, &tally, &idle).await;
            drop(slot);
        });
    }
}

/// Serves one request on `stream`, unless it is idle for [`IDLE`] or closed to make room.
async fn connection(
    stream: TcpStream,
    (id, mut closed): (u64, oneshot::Receiver<()>),
    prometheus: &PrometheusHandle,
    tally: &Shared,
    idle: &Idle,
) {
    let _leave = Leave(idle, id);
    let service = service_fn(|request| {
        idle.remove(id);
        let response = respond(&request, prometheus, tally);
        async move { Ok::<_, Infallible>(response) }
    });
    let served = hyper::server::conn::http1::Builder::new()
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(served);
    tokio::select! {
        // A client that goes away mid-request is its own business.
        _ = &mut served => return,
        Ok(()) = &mut closed => return,
        () = sleep(IDLE) => {}
    }
    if idle.remove(id) {
        return; // no request yet: dropping it closes the connection
    }
    let _ = timeout(BUSY, served).await;
}

/// The connections still waiting for their request, oldest first, each with the sender that
/// closes it.
#[derive(Clone, Default)]
struct Idle(Arc<Mutex<Waiting>>);

/// The next connection's number, and the connections waiting for their request by number.
type Waiting = (u64, BTreeMap<u64, oneshot::Sender<()>>);

impl Idle {
    fn add(&self) -> (u64, oneshot::Receiver<()>) {
        let (close, closed) = oneshot::channel();
        let mut idle = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let id = idle.0;
        idle.0 += 1;
        idle.1.insert(id, close);
        (id, closed)
    }

    /// Whether `id` was still waiting for its request.
    fn remove(&self, id: u64) -> bool {
        let mut idle = self.0.lock().unwrap_or_else(|p| p.into_inner());
        idle.1.remove(&id).is_some()
    }

    fn close_oldest(&self) {
        let mut idle = self.0.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((_, close)) = idle.1.pop_first() {
            if close.send(()).is_ok() {
                break;
            }
        }
    }
}

/// Takes a connection off the idle list however its task ends.
struct Leave<'a>(&'a Idle, u64);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.remove(self.1);
    }
}

fn respond(
    request: &Request<Incoming>,
    prometheus: &PrometheusHandle,
    tally: &Shared,
) -> Response<Full<Bytes>> {
    const EXPOSITION: &str = "text/plain; version=0.0.4; charset=utf-8";
    const TEXT: &str = "text/plain; charset=utf-8";
    // HEAD answers as GET does; hyper sends the headers (with the length) and no body.
    let (status, content_type, body) = match (request.method(), request.uri().path()) {
        (&Method::GET | &Method::HEAD, "/metrics") => {
            (StatusCode::OK, EXPOSITION, prometheus.render())
        }
        (&Method::GET | &Method::HEAD, "/report") => (StatusCode::OK, TEXT, lock(tally).render()),
        (&Method::GET | &Method::HEAD, _) => (
            StatusCode::NOT_FOUND,
            TEXT,
            "try /metrics or /report\n".into(),
        ),
        _ => (
            StatusCode::METHOD_NOT_ALLOWED,
            TEXT,
            "GET or HEAD only\n".into(),
        ),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response.headers_mut().insert(
            hyper::header::ALLOW,
            hyper::header::HeaderValue::from_static("GET, HEAD"),
        );
    }
    response
}
