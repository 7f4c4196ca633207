//! One name, two addresses (feature `hyper`): `connect::AttemptConnector` resolves
//! `two.tour` through the tour's own resolver to a port where nothing listens and then a
//! server. The refused attempt is its own event (inside a `connect_attempt` span with the
//! family, the attempt's number and its duration) and count, and the second address connects.
//! Then both addresses refuse, and the caller's error lists both attempts.

use std::net::SocketAddr;

use tower::ServiceExt;
use wsa_trace::connect::AttemptConnector;
use wsa_trace::observe::{EventFields, Observer};
use wsa_trace::{Mapping, WsaCode};

use crate::scenarios::Failure;

/// The name the tour's resolver answers.
const NAME: &str = "two.tour";

/// The connector's own counter family, so that the scenarios' counts stay as they check them.
const PREFIX: &str = "tour_attempts";

/// Runs the scene.
pub async fn two_addresses() -> Result<(), Failure> {
    let observer = Observer::new()
        .event_fields(EventFields::All)
        .metrics_prefix(PREFIX)?;
    // Held until the end: while the sockets live, no listener can take their ports.
    let (_held, refusing) = crate::common::refusing_port()?;
    let (_held_too, refusing_too) = crate::common::refusing_port()?;
    let server = crate::common::spawn_server(|stream| async move { drop(stream) }).await?;

    println!("\n== two addresses: {NAME} is {refusing} (nothing listens) and {server}");
    let one_refusing = connector(&observer, vec![refusing, server]);
    let stream = tokio::time::timeout(crate::common::WAIT, one_refusing.oneshot(uri())).await??;
    let peer = stream.peer();
    let (ip, port) = (
        peer.ip().ok_or("no peer address")?,
        peer.port().unwrap_or(0),
    );
    println!(
        "   connected to {} on the second attempt",
        SocketAddr::new(ip, port)
    );

    println!("\n== two addresses: {NAME} is {refusing} and {refusing_too}, both refusing");
    let both_refusing = connector(&observer, vec![refusing, refusing_too]);
    let err = match tokio::time::timeout(crate::common::WAIT, both_refusing.oneshot(uri())).await? {
        Ok(_) => return Err("connected where nothing listens".into()),
        Err(err) => err,
    };
    println!("   caller got back: {err}");
    let code = Mapping::from_error(&err).and_then(|m| m.code());
    if err.attempts().len() != 2 || code != Some(WsaCode::WSAECONNREFUSED) {
        return Err(format!("expected two refused attempts, got {code:?} from: {err}").into());
    }
    Ok(())
}

fn connector(
    observer: &Observer,
    addrs: Vec<SocketAddr>,
) -> AttemptConnector<impl wsa_trace::connect::Resolve> {
    AttemptConnector::new()
        .observer(observer.clone())
        .resolver(move |_: &str, _: u16| std::future::ready(Ok(addrs.clone())))
}

fn uri() -> http::Uri {
    format!("http://{NAME}/").parse().expect("a valid URI")
}
