//! The Grafana dashboard `dashboards/wsa-trace.json` as data: its panels, their queries,
//! the metric names and grouping labels in a query, and a query as Prometheus takes it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;

pub const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/dashboards/wsa-trace.json");

pub fn load() -> Value {
    let text = fs::read_to_string(PATH).expect("read dashboards/wsa-trace.json");
    serde_json::from_str(&text).expect("dashboards/wsa-trace.json is JSON")
}

pub fn panels(dashboard: &Value) -> &[Value] {
    dashboard["panels"]
        .as_array()
        .expect("panels is an array")
        .as_slice()
}

/// Every `expr` of every panel, with the panel's title.
pub fn exprs(dashboard: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for panel in panels(dashboard) {
        for target in panel["targets"].as_array().into_iter().flatten() {
            out.push((
                panel["title"].as_str().unwrap_or("?").to_owned(),
                target["expr"]
                    .as_str()
                    .expect("a target has an expr")
                    .to_owned(),
            ));
        }
    }
    out
}

/// The identifiers `wsa_[a-z_]+` in a query.
pub fn metric_names(expr: &str) -> BTreeSet<String> {
    let bytes = expr.as_bytes();
    let mut names = BTreeSet::new();
    let mut i = 0;
    while let Some(at) = expr[i..].find("wsa_") {
        let start = i + at;
        let starts_word = start == 0 || !is_ident(bytes[start - 1]);
        let mut end = start + "wsa_".len();
        while end < bytes.len() && (bytes[end].is_ascii_lowercase() || bytes[end] == b'_') {
            end += 1;
        }
        if starts_word && end > start + "wsa_".len() {
            names.insert(expr[start..end].to_owned());
        }
        i = end;
    }
    names
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The labels of every `by (...)` clause in a query.
pub fn grouping_labels(expr: &str) -> BTreeSet<String> {
    let mut labels = BTreeSet::new();
    let mut rest = expr;
    while let Some(at) = rest.find("by (") {
        let inner = &rest[at + "by (".len()..];
        let close = inner.find(')').expect("a by clause is closed");
        labels.extend(
            inner[..close]
                .split(',')
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty()),
        );
        rest = &inner[close..];
    }
    labels
}

/// A panel's query with Grafana's variables given the values a dashboard would have, so
/// that Prometheus itself can run it.
pub fn to_promql(expr: &str) -> String {
    [
        ("$__rate_interval", "1m"),
        ("$__range", "5m"),
        ("$__interval", "15s"),
        ("$instance", ".*"),
    ]
    .iter()
    .fold(expr.to_owned(), |expr, (variable, value)| {
        expr.replace(variable, value)
    })
}
