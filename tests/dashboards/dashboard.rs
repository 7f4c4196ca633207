//! `dashboards/wsa-trace.json`, the Grafana dashboard: its shape, the counters its queries
//! name, and its table of codes, which is generated from the catalog.
//!
//! After a change to the catalog or the dashboard, run
//! `WSA_TRACE_BLESS=1 cargo test --test dashboards dashboard` to rewrite the table (and the file in
//! canonical form: sorted keys, two-space indent), and review the diff.
//! `tests/dashboards/prometheus.rs` runs the same queries against a live Prometheus.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;
use std::task::{Context, Poll};
use std::time::Duration;

use metrics_util::debugging::DebuggingRecorder;
use serde_json::Value;
use wsa_trace::metrics::DEFAULT_PEERS;
use wsa_trace::net::{Accept, GuardedListener};
use wsa_trace::observe::Peer;
use wsa_trace::retry::RetryPolicy;
use wsa_trace::{default_class, Observer, Op, WsaCode};

use crate::support::subscriber;

/// The text panel that holds the table of codes.
const TABLE_TITLE: &str = "What the codes mean";

/// The datasource every query goes through: the dashboard's variable.
const DATASOURCE_UID: &str = "${DS_PROMETHEUS}";

/// Grafana's grid is 24 columns wide.
const GRID_WIDTH: u64 = 24;

use crate::dashboard_json;
use dashboard_json::{exprs, grouping_labels, load, metric_names, panels, PATH};

// ---------------------------------------------------------------------------------------
// The table of codes
// ---------------------------------------------------------------------------------------

#[path = "../support/generated.rs"]
mod generated;
#[path = "../support/markdown.rs"]
mod markdown;
use markdown::cell;

/// The codes people meet most (those with a hint), what they mean and what to check.
fn render_table() -> String {
    let mut out = String::from(
        "The codes people meet most, with what they mean and what to check. \
         Category and retry are the defaults when the operation is not known; \
         `wsa --list` (the crate's lookup tool) and the crate's catalog page list every code.\n\n\
         | symbol | code | Berkeley | category | retry | what happened | what to check |\n\
         |---|---:|---|---|---|---|---|\n",
    );
    for code in WsaCode::all() {
        let Some(hint) = code.hint() else { continue };
        let berkeley = code
            .berkeley()
            .map_or_else(|| "-".to_owned(), |b| format!("`{b}`"));
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            code.name().expect("catalog codes have a name"),
            code.raw(),
            berkeley,
            default_class(Some(code), Op::Other).category(),
            default_class(Some(code), Op::Other).retry(),
            cell(
                code.description()
                    .expect("catalog codes have a description")
            ),
            cell(hint),
        )
        .unwrap();
    }
    out
}

/// The dashboard with the table as it should be, in canonical form.
fn blessed(mut dashboard: Value) -> String {
    let table = dashboard["panels"]
        .as_array_mut()
        .expect("panels is an array")
        .iter_mut()
        .find(|p| p["title"] == TABLE_TITLE)
        .unwrap_or_else(|| panic!("no panel titled {TABLE_TITLE:?}"));
    table["options"]["content"] = Value::String(render_table());
    let mut text = serde_json::to_string_pretty(&dashboard).unwrap();
    text.push('\n');
    text
}

#[test]
fn code_table_is_up_to_date() {
    generated::check_or_bless(
        PATH,
        "dashboards/wsa-trace.json",
        &blessed(load()),
        "WSA_TRACE_BLESS=1 cargo test --test dashboards dashboard",
    );
}

#[test]
fn code_table_has_a_row_per_code_with_a_hint() {
    let table = render_table();
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| `")).collect();
    let with_hint: Vec<WsaCode> = WsaCode::all().filter(|c| c.hint().is_some()).collect();
    assert!(
        with_hint.len() >= 10,
        "{} codes have a hint",
        with_hint.len()
    );
    assert_eq!(rows.len(), with_hint.len());
    for code in &with_hint {
        let start = format!("| `{}` | {} |", code.name().unwrap(), code.raw());
        assert_eq!(
            rows.iter().filter(|r| r.starts_with(&start)).count(),
            1,
            "{code:?}"
        );
    }
    // Every row has the header's seven columns: no cell text broke the table.
    for row in rows {
        let cells = row.replace("\\|", "").matches('|').count() - 1;
        assert_eq!(cells, 7, "{row}");
    }
    // The usual suspects are there.
    for code in [
        WsaCode::WSAECONNRESET,
        WsaCode::WSAECONNREFUSED,
        WsaCode::WSAETIMEDOUT,
    ] {
        assert!(
            table.contains(&format!("`{}`", code.name().unwrap())),
            "{code:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The shape Grafana expects
// ---------------------------------------------------------------------------------------

#[test]
fn dashboard_has_the_grafana_shape() {
    let dashboard = load();
    for key in [
        "title",
        "uid",
        "panels",
        "schemaVersion",
        "templating",
        "time",
    ] {
        assert!(dashboard.get(key).is_some(), "no top-level {key:?}");
    }
    assert!(
        dashboard.get("__inputs").is_none(),
        "an import-only dashboard"
    );
    assert_eq!(dashboard["uid"], "wsa-trace");
    let schema = dashboard["schemaVersion"].as_u64().expect("a number");
    assert!((36..=41).contains(&schema), "schemaVersion {schema}");

    let variables = dashboard["templating"]["list"].as_array().expect("a list");
    let datasource = variables
        .iter()
        .find(|v| v["type"] == "datasource")
        .expect("a datasource variable");
    assert_eq!(datasource["query"], "prometheus");
    assert_eq!(
        format!("${{{}}}", datasource["name"].as_str().unwrap()),
        DATASOURCE_UID
    );
    for variable in variables.iter().filter(|v| v["type"] == "query") {
        assert_eq!(variable["datasource"]["uid"], DATASOURCE_UID, "{variable}");
    }

    let mut ids = BTreeSet::new();
    let mut cells: BTreeMap<(u64, u64), u64> = BTreeMap::new();
    for panel in panels(&dashboard) {
        let id = panel["id"].as_u64().expect("a numeric panel id");
        assert!(ids.insert(id), "panel id {id} used twice");
        let kind = panel["type"].as_str().expect("a panel type");
        let title = panel["title"].as_str().expect("a panel title");
        assert!(!title.is_empty(), "panel {id} has no title");
        let grid = &panel["gridPos"];
        let [h, w, x, y] = ["h", "w", "x", "y"].map(|k| {
            grid[k]
                .as_u64()
                .unwrap_or_else(|| panic!("{title}: gridPos.{k}"))
        });
        assert!(h > 0 && w > 0 && x + w <= GRID_WIDTH, "{title}: {grid}");
        for row in y..y + h {
            for col in x..x + w {
                if let Some(other) = cells.insert((row, col), id) {
                    panic!("panels {other} and {id} overlap at row {row}, column {col}");
                }
            }
        }
        if kind == "text" {
            assert_eq!(panel["options"]["mode"], "markdown", "{title}");
            continue;
        }
        assert!(
            ["timeseries", "bargauge", "table", "stat"].contains(&kind),
            "{title}: {kind}"
        );
        assert_eq!(panel["datasource"]["uid"], DATASOURCE_UID, "{title}");
        let targets = panel["targets"]
            .as_array()
            .unwrap_or_else(|| panic!("{title}: no targets"));
        assert!(!targets.is_empty(), "{title}: no targets");
        let mut refs = BTreeSet::new();
        for target in targets {
            assert_eq!(target["datasource"]["uid"], DATASOURCE_UID, "{title}");
            let expr = target["expr"].as_str().expect("an expr");
            assert!(!expr.trim().is_empty(), "{title}: empty expr");
            assert_eq!(
                expr.matches('(').count(),
                expr.matches(')').count(),
                "{title}: {expr}"
            );
            assert!(
                refs.insert(target["refId"].as_str().expect("a refId")),
                "{title}: refId twice"
            );
        }
    }
    assert!(ids.len() >= 8, "{} panels", ids.len());
}

// ---------------------------------------------------------------------------------------
// The counters the queries name are the ones the crate exports
// ---------------------------------------------------------------------------------------

/// A listener whose script of results is played in order, then stays pending.
struct Scripted(Vec<io::Result<u8>>);

impl Accept for Scripted {
    type Conn = u8;
    type Addr = ();

    fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<io::Result<(u8, ())>> {
        if self.0.is_empty() {
            Poll::Pending
        } else {
            Poll::Ready(self.0.remove(0).map(|conn| (conn, ())))
        }
    }
}

/// Makes each counter of the crate count once, with its default names, and returns every
/// counter name it registered with the labels each carries.
fn exported_counters() -> BTreeMap<String, BTreeSet<String>> {
    // Before any event: the binary's one subscriber (see `support::subscriber`).
    subscriber::install();
    // Leaked: counter handles are kept per recorder address (see `wsa_trace::metrics`).
    let recorder: &'static DebuggingRecorder = Box::leak(Box::new(DebuggingRecorder::new()));
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(recorder, || {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime")
            .block_on(async {
                let refused = || io::Error::from(io::ErrorKind::ConnectionRefused);

                // The error counter, and the rate limit's: the second event of the same code
                // within the hour is dropped. Only events a subscriber wants count against the
                // limit, so one that records everything, into a sink, is installed here.
                let observer = Observer::new().rate_limit(1, Duration::from_secs(3600));
                let everything = tracing_subscriber::fmt::layer().with_writer(io::sink);
                subscriber::with_layer(everything, || {
                    for _ in 0..2 {
                        observer.observe_io(&refused(), Op::Connect, &Peer::unknown());
                    }
                });

                // The per-peer counter, on where an observer turns it on.
                let peer = Peer::from(std::net::SocketAddr::from(([127, 0, 0, 1], 9)));
                let per_peer = Observer::new().count_peers(DEFAULT_PEERS);
                per_peer.observe_io(&refused(), Op::Connect, &peer);

                // The retry counter: one attempt only, so one give-up decision.
                let result: io::Result<()> = RetryPolicy::new()
                    .max_attempts(1)
                    .run(|| async { Err(refused()) })
                    .await;
                assert!(result.is_err());

                // The accept-loop backoff counter: a resource error, a pause, a connection.
                let emfile = crate::support::native::os_error(WsaCode::WSAEMFILE);
                let mut listener = GuardedListener::new(Scripted(vec![Err(emfile), Ok(7)]))
                    .backoff_range(Duration::from_millis(1), Duration::from_millis(1));
                let accepted = tokio::time::timeout(Duration::from_secs(5), listener.accept())
                    .await
                    .expect("the accept ends after one pause");
                assert_eq!(accepted.unwrap().0, 7);
            });
    });
    let mut counters: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, _, _, _) in snapshotter.snapshot().into_vec() {
        let labels = key.key().labels().map(|l| l.key().to_owned());
        counters
            .entry(key.key().name().to_owned())
            .or_default()
            .extend(labels);
    }
    counters
}

#[test]
fn exported_counters_are_the_documented_ones() {
    let counters = exported_counters();
    let expected: BTreeMap<String, BTreeSet<String>> = [
        ("wsa_socket_errors_total", &["category", "code", "op"][..]),
        ("wsa_suppressed_events_total", &["code"]),
        ("wsa_retries_total", &["code", "op", "outcome"]),
        ("wsa_accept_backoffs_total", &["code"]),
        ("wsa_peer_errors_total", &["code", "peer"]),
    ]
    .into_iter()
    .map(|(name, labels)| {
        (
            name.to_owned(),
            labels.iter().map(|l| (*l).to_owned()).collect(),
        )
    })
    .collect();
    assert_eq!(counters, expected);
}

/// The suffix constants are the names the recorder gets, after the default prefix.
#[test]
fn the_suffix_constants_name_the_exported_counters() {
    use wsa_trace::metrics::{
        ACCEPT_BACKOFFS_SUFFIX, DEFAULT_PREFIX, ERRORS_SUFFIX, PEER_ERRORS_SUFFIX, RETRIES_SUFFIX,
        SUPPRESSED_SUFFIX,
    };
    let named: BTreeSet<String> = [
        ERRORS_SUFFIX,
        SUPPRESSED_SUFFIX,
        RETRIES_SUFFIX,
        ACCEPT_BACKOFFS_SUFFIX,
        PEER_ERRORS_SUFFIX,
    ]
    .iter()
    .map(|suffix| format!("{DEFAULT_PREFIX}{suffix}"))
    .collect();
    let exported: BTreeSet<String> = exported_counters().into_keys().collect();
    assert_eq!(exported, named);
}

#[test]
fn queries_name_only_exported_counters_and_their_labels() {
    let counters = exported_counters();
    let dashboard = load();
    let exprs = exprs(&dashboard);
    assert!(!exprs.is_empty());
    for (title, expr) in &exprs {
        let names = metric_names(expr);
        assert!(!names.is_empty(), "{title}: no wsa_ metric in {expr}");
        for name in &names {
            assert!(
                counters.contains_key(name),
                "{title}: {name} is not a counter the crate exports ({:?})",
                counters.keys().collect::<Vec<_>>()
            );
        }
        for label in grouping_labels(expr) {
            assert!(
                names.iter().any(|name| counters[name].contains(&label)),
                "{title}: no counter of {names:?} has the label {label:?}: {expr}"
            );
        }
    }
    // The variables query the counters too.
    for variable in dashboard["templating"]["list"].as_array().unwrap() {
        for name in metric_names(variable["definition"].as_str().unwrap_or("")) {
            assert!(counters.contains_key(&name), "variable: {name}");
        }
    }
}

#[test]
fn every_exported_counter_has_a_panel() {
    let counters = exported_counters();
    let queried: BTreeSet<String> = exprs(&load())
        .iter()
        .flat_map(|(_, expr)| metric_names(expr))
        .collect();
    for name in counters.keys() {
        assert!(queried.contains(name), "no panel queries {name}");
    }
}

#[test]
fn the_extractors_find_what_they_should() {
    assert_eq!(
        metric_names("sum by (code) (rate(wsa_retries_total[1m])) / xwsa_y + wsa_a_total"),
        ["wsa_a_total", "wsa_retries_total"]
            .map(str::to_owned)
            .into_iter()
            .collect()
    );
    assert_eq!(
        grouping_labels("sum by (code, op) (x) + sum by (outcome) (y)"),
        ["code", "op", "outcome"]
            .map(str::to_owned)
            .into_iter()
            .collect()
    );
}
