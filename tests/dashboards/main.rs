//! What operators see: the code table and the Grafana dashboard against the exported counters,
//! OpenTelemetry span attributes, a real Prometheus scraping the tour, and the tour serving
//! idle connections. Each module needs the features its `cfg` names.

#[path = "../support/mod.rs"]
mod support;

/// The dashboard file, read by the dashboard and Prometheus tests.
#[cfg(all(feature = "metrics", feature = "retry", feature = "net"))]
#[path = "../support/dashboard.rs"]
mod dashboard_json;

#[cfg(all(feature = "metrics", feature = "retry", feature = "net"))]
mod dashboard;
mod otel;
#[cfg(all(feature = "metrics", feature = "tower", feature = "tokio"))]
mod peer_errors;
#[cfg(all(
    feature = "metrics",
    feature = "tower",
    feature = "retry",
    feature = "net"
))]
mod prometheus;
#[cfg(all(
    feature = "metrics",
    feature = "tower",
    feature = "retry",
    feature = "net"
))]
mod tour_serve;
