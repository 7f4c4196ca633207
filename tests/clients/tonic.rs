//! tonic over a traced connector, as a user's crate would write it:
//! `Endpoint::connect_with_connector(TraceConnectLayer::new().layer(HttpConnector::new()))`
//! against a real tonic server on loopback. A refused connect is counted with `op=connect`,
//! a connection reset in the middle of a call with `op=read`, and a healthy call is left
//! untouched. The messages are raw bytes through a small codec, so no code generation.

use crate::support;

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::{Buf, BufMut};
use http::uri::PathAndQuery;
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_stream::StreamExt;
use tonic::body::Body;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::server::Connected;
use tonic::transport::{Channel, Endpoint, Server};
use tonic::{Request, Response, Status};
use tower::{service_fn, Layer};
use wsa_trace::{Mapping, TraceConnectLayer, WsaCode};

pub(super) const ECHO: &str = "/demo.Demo/Echo";
const RESET: &str = "/demo.Demo/Reset";

// ---------------------------------------------------------------------------------------
// Messages: raw bytes
// ---------------------------------------------------------------------------------------

/// Encodes and decodes messages as they are.
#[derive(Clone, Copy, Debug, Default)]
struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> RawCodec {
        RawCodec
    }

    fn decoder(&mut self) -> RawCodec {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let mut item = vec![0; src.remaining()];
        src.copy_to_slice(&mut item);
        Ok(Some(item))
    }
}

// ---------------------------------------------------------------------------------------
// The server: echoes, or resets the connection the call came on
// ---------------------------------------------------------------------------------------

/// Ends one server connection: its next read fails, so the server drops it, and with
/// `SO_LINGER` 0 the kernel sends a reset.
#[derive(Debug, Default)]
struct KillSwitch {
    killed: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl KillSwitch {
    fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
        if let Some(waker) = self.waker.lock().unwrap().take() {
            waker.wake();
        }
    }
}

/// A server connection with its [`KillSwitch`], which calls find in their extensions.
struct Killable {
    stream: TcpStream,
    switch: Arc<KillSwitch>,
}

impl Connected for Killable {
    type ConnectInfo = Arc<KillSwitch>;

    fn connect_info(&self) -> Arc<KillSwitch> {
        self.switch.clone()
    }
}

impl AsyncRead for Killable {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        *self.switch.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.switch.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionAborted.into()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Killable {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// `Echo` answers with the request's bytes; `Reset` kills the connection it came on.
async fn demo(request: http::Request<Body>) -> Result<http::Response<Body>, Infallible> {
    let mut grpc = tonic::server::Grpc::new(RawCodec);
    let response = match request.uri().path() {
        ECHO => {
            let echo = service_fn(|req: Request<Vec<u8>>| async move {
                Ok::<_, Status>(Response::new(req.into_inner()))
            });
            grpc.unary(echo, request).await
        }
        RESET => {
            let reset = service_fn(|req: Request<Vec<u8>>| async move {
                let switch = req.extensions().get::<Arc<KillSwitch>>().cloned();
                switch.expect("the connection's kill switch").kill();
                std::future::pending::<Result<Response<Vec<u8>>, Status>>().await
            });
            grpc.unary(reset, request).await
        }
        _ => Status::unimplemented("no such method").into_http(),
    };
    Ok(response)
}

/// A tonic server on a loopback port, for as long as the runtime runs.
pub(super) async fn start_server() -> SocketAddr {
    let listener = support::loopback_listener().await;
    let addr = listener.local_addr().unwrap();
    let incoming = TcpListenerStream::new(listener).map(|accepted| {
        let stream = accepted?;
        stream.set_zero_linger()?;
        io::Result::Ok(Killable {
            stream,
            switch: Arc::default(),
        })
    });
    tokio::spawn(Server::builder().serve_with_incoming(service_fn(demo), incoming));
    addr
}

// ---------------------------------------------------------------------------------------
// The client, as a user writes it
// ---------------------------------------------------------------------------------------

async fn connect(addr: SocketAddr) -> Result<Channel, tonic::transport::Error> {
    Endpoint::from_shared(format!("http://{addr}"))
        .expect("a valid URI")
        .connect_with_connector(TraceConnectLayer::new().layer(HttpConnector::new()))
        .await
}

pub(super) async fn call(
    channel: &Channel,
    path: &'static str,
    message: &[u8],
) -> Result<Vec<u8>, Status> {
    let mut client = tonic::client::Grpc::new(channel.clone());
    client
        .ready()
        .await
        .map_err(|err| Status::unavailable(err.to_string()))?;
    let request = Request::new(message.to_vec());
    let response = client
        .unary(request, PathAndQuery::from_static(path), RawCodec)
        .await?;
    Ok(response.into_inner())
}

const LIMIT: Duration = Duration::from_secs(10);

#[test]
fn a_healthy_call_is_untouched() {
    let (reply, seen) = support::capture_async(LIMIT, async {
        let channel = connect(start_server().await).await.expect("connect");
        call(&channel, ECHO, b"hello").await
    });
    assert_eq!(reply.expect("the echo"), b"hello");
    assert_eq!(seen.total(), 0, "{:?}", seen.counters);
    assert!(seen.events.wsa().is_empty(), "{:#?}", seen.events.wsa());
}

#[test]
fn a_refused_connect_is_wsaeconnrefused_on_connect() {
    let (result, seen) = support::capture_async(LIMIT, connect(support::closed_port()));
    let err = result.expect_err("nothing listens there");
    // The caller's error still carries the OS code, a few sources down.
    assert_eq!(
        Mapping::from_error(&err).and_then(|m| m.code()),
        Some(WsaCode::WSAECONNREFUSED)
    );
    assert_eq!(seen.count("WSAECONNREFUSED", "transient", "connect"), 1);
    assert_eq!(seen.total(), 1, "{:?}", seen.counters);
    seen.one_event("WSAECONNREFUSED", "connect");
}

#[test]
fn a_reset_in_the_middle_of_a_call_is_wsaeconnreset_on_read() {
    let ((healthy, reset), seen) = support::capture_async(LIMIT, async {
        let channel = connect(start_server().await).await.expect("connect");
        // A first call settles the HTTP/2 handshake: after the reset the client has nothing
        // left to write, so the reset is met by a read.
        let healthy = call(&channel, ECHO, b"before").await;
        let reset = call(&channel, RESET, b"reset me").await;
        (healthy, reset)
    });
    assert_eq!(healthy.expect("the first call"), b"before");
    let status = reset.expect_err("the connection was reset during the call");
    println!("the call failed with {status:?}");
    assert_eq!(
        seen.count("WSAECONNRESET", "transient", "read"),
        1,
        "{status:?} (Wine 8 ends a read after a reset as a graceful close, where Windows \
         reports 10054: a known Wine difference)"
    );
    assert_eq!(seen.total(), 1, "{:?}", seen.counters);
    seen.one_event("WSAECONNRESET", "read");
}
