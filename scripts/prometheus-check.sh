#!/usr/bin/env bash
# From a socket error to a graph, checked with the real tools.
#
# Starts the tour example with `--serve 127.0.0.1:0` (misbehaving loopback servers, errors
# every 500 ms, `/metrics` and `/report`), lints its exposition with `promtool check metrics`,
# has a real `prometheus` server scrape it every second, and checks through Prometheus's HTTP
# API that every (counter, code, op) the example counted itself is stored with a value that
# is above 0 and no more than the example's count (scrapes lag, they never lead). It also
# checks that every metric the Grafana dashboard (dashboards/wsa-trace.json) queries is in the
# live exposition, and that each of the dashboard's queries runs in Prometheus and returns
# data.
#
# Needs cargo, python3 (for HTTP and JSON) and Debian's `prometheus` package (promtool and
# prometheus), which it installs with apt-get when missing and run as root.
# Everything listens on 127.0.0.1; every wait is bounded; the trap stops what the script
# started and removes its temporary directory, whatever happens.
#
#   bash scripts/prometheus-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DASHBOARD=dashboards/wsa-trace.json
WAIT_S=30          # the bound on each wait below
TOUR_LIFETIME=300  # the tour stops by itself after this, should the trap never run
PROM_LIFETIME=300  # and so does prometheus

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prometheus-check.XXXXXX")
pids=()
policy_rc_created=""
passed=0
failed=0
summary=()

stop() {
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    stop "$pid"
  done
  if [ -n "$policy_rc_created" ]; then
    rm -f /usr/sbin/policy-rc.d
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }

pass() {
  passed=$((passed + 1))
  summary+=("PASS  $1")
  echo "PASS  $1"
}

fail() {
  failed=$((failed + 1))
  summary+=("FAIL  $1")
  echo "FAIL  $1"
}

print_summary() {
  local line
  step "summary"
  for line in "${summary[@]}"; do
    echo "$line"
  done
  if [ "$failed" -eq 0 ]; then
    echo "prometheus-check: PASS"
  else
    echo "prometheus-check: FAIL"
  fi
  echo "prometheus-check: $passed passed, $failed failed"
}

# A failure after which nothing else can be checked.
die() {
  fail "$1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    echo "--- last lines of $(basename "$2"):"
    tail -n 40 "$2"
  fi
  print_summary
  exit 1
}

# HTTP, JSON and the comparisons: python3's standard library, no package needed.
cat >"$tmp/check.py" <<'PY'
import json
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def query(prom, expr):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        body = get(url)
    except urllib.error.HTTPError as err:
        body = err.read().decode()
    answer = json.loads(body)
    if answer.get("status") != "success":
        raise ValueError(f"{expr}: {answer.get('errorType')}: {answer.get('error')}")
    return answer["data"]["result"]


def report(text):
    """`counter code op count` lines -> {(counter, code, op): count}."""
    rows = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        counter, code, op, count = line.split()
        rows[(counter, code, op)] = int(count)
    return rows


def stored(prom, counters):
    """The raw counters in Prometheus, summed by (code, op) over the other labels."""
    rows = {}
    for counter in counters:
        for sample in query(prom, counter):
            labels = sample["metric"]
            key = (counter, labels.get("code", "?"), labels.get("op", "-"))
            rows[key] = rows.get(key, 0.0) + float(sample["value"][1])
    return rows


def dashboard_exprs(path):
    with open(path) as file:
        dashboard = json.load(file)
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"]


def grafana_to_promql(expr):
    """Grafana's variables, given the values a dashboard would have here."""
    for variable, value in (
        ("$__rate_interval", "1m"),
        ("$__range", "5m"),
        ("$__interval", "15s"),
        ("$instance", ".*"),
    ):
        expr = expr.replace(variable, value)
    return expr


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "get":
        sys.stdout.write(get(args[0]))
    elif command == "free-port":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            print(sock.getsockname()[1])
    elif command == "tour-exe":
        for line in sys.stdin:
            message = json.loads(line)
            if (
                message.get("reason") == "compiler-artifact"
                and message["target"]["name"] == "tour"
                and message.get("executable")
            ):
                print(message["executable"])
                return
        sys.exit("cargo built no executable for the example tour")
    elif command == "dashboard-metrics":
        names = set()
        for _, expr in dashboard_exprs(args[0]):
            names.update(re.findall(r"wsa_[a-z_]+", expr))
        print("\n".join(sorted(names)))
    elif command == "exposition-missing":
        # Prints the names of args[1:] that have no `# TYPE <name> counter` line in args[0].
        with open(args[0]) as file:
            text = file.read()
        typed = set(re.findall(r"^# TYPE (\S+) counter$", text, re.M))
        missing = [name for name in args[1:] if name not in typed]
        print(" ".join(missing))
        sys.exit(1 if missing else 0)
    elif command == "targets-up":
        answer = json.loads(get(args[0] + "/api/v1/targets"))
        targets = answer["data"]["activeTargets"]
        health = [t["health"] for t in targets]
        print(" ".join(f"{t['scrapeUrl']}={t['health']}" for t in targets) or "no target")
        sys.exit(0 if health and all(h == "up" for h in health) else 1)
    elif command == "ready":
        # Ready when every series of the report (args[1]) is stored, and every code of its
        # error counter has a rate.
        prom, rows = args[0], report(open(args[1]).read())
        errors = args[2]
        have = stored(prom, sorted({counter for counter, _, _ in rows}))
        missing = [key for key in rows if key not in have]
        rated = {s["metric"].get("code") for s in query(prom, f"sum by (code) (rate({errors}[1m]))")}
        codes = {code for counter, code, _ in rows if counter == errors}
        print(f"{len(rows) - len(missing)}/{len(rows)} series stored, {len(codes & rated)}/{len(codes)} codes rated")
        sys.exit(0 if not missing and codes <= rated else 1)
    elif command == "compare":
        prom, before_path, errors = args[0], args[1], args[2]
        before = report(open(before_path).read())
        counters = sorted({counter for counter, _, _ in before})
        have = stored(prom, counters)
        rates = {
            s["metric"].get("code"): float(s["value"][1])
            for s in query(prom, f"sum by (code) (rate({errors}[1m]))")
        }
        # Read after the query: every scrape came before this, so nothing stored can exceed it.
        after = report(get(args[3]))
        ok = True

        def verdict(good, text):
            nonlocal ok
            ok &= good
            print(("PASS  " if good else "FAIL  ") + text)

        print(f"{'counter':<28} {'code':<16} {'op':<8} {'prometheus':>10} {'example':>8}")
        for key in sorted(set(before) | set(have)):
            counter, code, op = key
            value, count = have.get(key), after.get(key)
            shown = "-" if value is None else f"{value:g}"
            print(f"{counter:<28} {code:<16} {op:<8} {shown:>10} {count if count is not None else '-':>8}")
        for key in sorted(before):
            verdict(key in have, "stored in Prometheus: {} {{code={}, op={}}}".format(*key))
        for key in sorted(have):
            value, count = have[key], after.get(key)
            verdict(
                count is not None and 0 < value <= count,
                "0 < Prometheus <= example: {} {{code={}, op={}}}: {:g} vs {}".format(*key, value, count),
            )
        codes = sorted({code for counter, code, _ in before if counter == errors})
        verdict(
            all(code in rates for code in codes),
            f"sum by (code) (rate({errors}[1m])) has every code the example saw: "
            + ", ".join(f"{code}={rates.get(code, 'missing')!s:.6}" for code in codes),
        )
        verdict(sum(rates.values()) > 0, f"the total error rate is above 0: {sum(rates.values()):.3f}/s")
        sys.exit(0 if ok else 1)
    elif command == "dashboard-queries":
        prom, ok = args[0], True
        for title, expr in dashboard_exprs(args[1]):
            promql = grafana_to_promql(expr)
            try:
                series = len(query(prom, promql))
                good = series > 0
                detail = f"{series} series"
            except (ValueError, urllib.error.URLError) as err:
                good, detail = False, str(err)
            ok &= good
            print(("PASS  " if good else "FAIL  ") + f"{title}: {promql} -> {detail}")
        sys.exit(0 if ok else 1)
    else:
        sys.exit(f"unknown command {command}")


main()
PY
py() { python3 "$tmp/check.py" "$@"; }

# Runs "$@" every 0.5 s until it succeeds, WAIT_S seconds pass, or it exits with 2 (no
# point in waiting); its last output is in $tmp/poll.out.
poll() {
  local deadline=$((SECONDS + WAIT_S)) rc
  while :; do
    rc=0
    "$@" >"$tmp/poll.out" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
      return 0
    fi
    if [ "$rc" -eq 2 ] || [ "$SECONDS" -ge "$deadline" ]; then
      return 1
    fi
    sleep 0.5
  done
}

step "tools"
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    die "promtool and prometheus are missing, and installing Debian's prometheus package needs root and apt-get: install it (apt-get install prometheus) or put both on PATH"
  fi
  # Keep the package's service from starting (policy-rc.d exit 101 is Debian's switch for
  # that): this check runs a prometheus of its own on a port of its own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_rc_created=1
  fi
  echo "installing Debian's prometheus package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >"$tmp/apt.log" 2>&1 ||
    die "apt-get install prometheus failed" "$tmp/apt.log"
  if [ -n "$policy_rc_created" ]; then
    rm -f /usr/sbin/policy-rc.d
    policy_rc_created=""
  fi
fi
command -v python3 >/dev/null || die "python3 is missing"
prometheus --version 2>&1 | head -n 1 || true
promtool --version 2>&1 | head -n 1 || true

step "build and start the tour"
cargo build --example tour --message-format=json-render-diagnostics >"$tmp/build.json" ||
  die "cargo build --example tour failed"
tour=$(py tour-exe <"$tmp/build.json") || die "no tour executable in cargo's output"
"$tour" --serve 127.0.0.1:0 --for "$TOUR_LIFETIME" >"$tmp/tour.log" 2>&1 &
pids+=($!)
tour_pid=$!
tour_up() {
  kill -0 "$tour_pid" 2>/dev/null || return 2 # exited: no point in waiting
  grep -Eo 'serving metrics on http://127\.0\.0\.1:[0-9]+/metrics' "$tmp/tour.log"
}
poll tour_up || die "the tour did not print its metrics address (it exited, or ${WAIT_S}s passed)" "$tmp/tour.log"
metrics_url=$(sed 's/^serving metrics on //' "$tmp/poll.out")
base=${metrics_url%/metrics}
tour_addr=${base#http://}
echo "tour (pid $tour_pid) serves $metrics_url"
pass "the tour serves its counters on $tour_addr"

step "the exposition"
mapfile -t dashboard_metrics < <(py dashboard-metrics "$DASHBOARD")
[ "${#dashboard_metrics[@]}" -gt 0 ] || die "$DASHBOARD queries no wsa_ metric"
echo "the dashboard queries: ${dashboard_metrics[*]}"
exposition_has_all() {
  py get "$metrics_url" >"$tmp/metrics.txt" && py exposition-missing "$tmp/metrics.txt" "${dashboard_metrics[@]}"
}
if poll exposition_has_all; then
  pass "every metric the dashboard queries is in the live exposition (${#dashboard_metrics[@]})"
else
  fail "missing from the live exposition after ${WAIT_S}s: $(cat "$tmp/poll.out")"
fi
grep -E '^# TYPE wsa_' "$tmp/metrics.txt" || true
if promtool check metrics <"$tmp/metrics.txt" >"$tmp/promtool.out" 2>&1; then
  pass "promtool check metrics: no problem in $(grep -cv '^#' "$tmp/metrics.txt") samples"
else
  cat "$tmp/promtool.out"
  fail "promtool check metrics found problems"
fi

step "start prometheus"
prom_port=$(py free-port)
prom="http://127.0.0.1:$prom_port"
mkdir -p "$tmp/data"
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: wsa-tour
    static_configs:
      - targets: ['$tour_addr']
EOF
promtool check config "$tmp/prometheus.yml" >/dev/null || die "promtool rejects the generated configuration"
timeout "$PROM_LIFETIME" prometheus \
  --config.file="$tmp/prometheus.yml" \
  --storage.tsdb.path="$tmp/data" \
  --web.listen-address="127.0.0.1:$prom_port" \
  --log.level=warn >"$tmp/prometheus.log" 2>&1 &
pids+=($!)
echo "prometheus (pid $!) on $prom, scraping $tour_addr every 1s"
targets_up() { py targets-up "$prom"; }
if poll targets_up; then
  pass "prometheus scrapes the tour: $(cat "$tmp/poll.out")"
else
  die "the scrape target was not up within ${WAIT_S}s: $(cat "$tmp/poll.out")" "$tmp/prometheus.log"
fi
if pgrep -x prometheus >/dev/null 2>&1 && [ "$(pgrep -x prometheus | wc -l)" -gt 1 ]; then
  echo "note: another prometheus runs on this machine (a system service?); this check does not use it"
fi

step "what Prometheus stored against what the example counted"
py get "$base/report" >"$tmp/report.txt" || die "GET $base/report failed"
errors_counter=wsa_socket_errors_total
grep -q "^$errors_counter " "$tmp/report.txt" || die "the report has no $errors_counter line" "$tmp/report.txt"
ready() { py ready "$prom" "$tmp/report.txt" "$errors_counter"; }
if poll ready; then
  echo "ready: $(cat "$tmp/poll.out")"
else
  echo "not ready after ${WAIT_S}s: $(cat "$tmp/poll.out")"
fi
if py compare "$prom" "$tmp/report.txt" "$errors_counter" "$base/report" >"$tmp/compare.out" 2>&1; then
  compared=0
else
  compared=1
fi
grep -v -E '^(PASS|FAIL)  ' "$tmp/compare.out" || true
while IFS= read -r line; do
  case "$line" in
    "PASS  "*) pass "${line#PASS  }" ;;
    "FAIL  "*) fail "${line#FAIL  }" ;;
  esac
done <"$tmp/compare.out"
if [ "$compared" -ne 0 ] && ! grep -q '^FAIL  ' "$tmp/compare.out"; then
  fail "the comparison did not run: $(tail -n 5 "$tmp/compare.out")"
fi

step "the dashboard's queries in Prometheus"
py dashboard-queries "$prom" "$DASHBOARD" >"$tmp/queries.out" 2>&1 || true
while IFS= read -r line; do
  case "$line" in
    "PASS  "*) pass "dashboard: ${line#PASS  }" ;;
    "FAIL  "*) fail "dashboard: ${line#FAIL  }" ;;
    *) fail "dashboard queries: $line" ;;
  esac
done <"$tmp/queries.out"

kill -0 "$tour_pid" 2>/dev/null || fail "the tour exited early: $(tail -n 3 "$tmp/tour.log")"
print_summary
[ "$failed" -eq 0 ]
