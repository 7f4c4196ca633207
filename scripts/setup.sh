#!/usr/bin/env bash
# The system tools the tests use, set up once before the checks: `.ci/run` runs this as its
# first step, and so can anyone on a fresh machine (as root for the apt-get parts).
#
#   ip, unshare           tests/net/netns.rs
#                         apt-get install iproute2 util-linux
#                         (neither package runs a service)
#   promtool, prometheus  tests/dashboards/prometheus.rs
#                         Debian's prometheus package, downloaded and unpacked into
#                         target/tools/prometheus with `apt-get download` and `dpkg -x`:
#                         nothing is installed, no service starts, no system file is written
#   the Windows build     scripts/windows.sh (`setup`): Debian's rustc-web, cargo-web,
#                         rust-web-src, gcc-mingw-w64-x86-64 and wine64, the ProcessPrng shim
#                         and a Wine prefix in target/windows/wine
#
# Idempotent: a tool already on PATH (or already unpacked) is left alone. The tests find
# promtool and prometheus on PATH or in target/tools/prometheus/usr/bin.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=target/tools/prometheus

have() { command -v "$1" >/dev/null 2>&1; }
root() { [ "$(id -u)" = 0 ]; }
apt_lists_fresh=""
apt_update() {
  if [ -z "$apt_lists_fresh" ]; then
    apt-get update -qq
    apt_lists_fresh=1
    # scripts/windows.sh setup need not update the lists again.
    export WSA_TRACE_APT_UPDATED=1
  fi
}

if have ip && have unshare; then
  echo "ip and unshare: present"
elif have apt-get && root; then
  echo "ip or unshare missing: apt-get install iproute2 util-linux"
  apt_update
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iproute2 util-linux >/dev/null
else
  echo "ip or unshare missing, and installing iproute2 and util-linux needs root and apt-get" >&2
fi

if have promtool && have prometheus; then
  echo "promtool and prometheus: on PATH"
elif [ -x "$TOOLS/usr/bin/promtool" ] && [ -x "$TOOLS/usr/bin/prometheus" ]; then
  echo "promtool and prometheus: in $TOOLS/usr/bin"
elif have apt-get && have dpkg; then
  echo "promtool and prometheus missing: unpacking Debian's prometheus package into $TOOLS"
  download=$(mktemp -d "${TMPDIR:-/tmp}/wsa-trace-setup.XXXXXX")
  trap 'rm -rf "$download"' EXIT
  chmod 755 "$download" # apt-get download fetches as the _apt user
  if root; then
    apt_update
  fi
  (cd "$download" && apt-get download prometheus >/dev/null)
  mkdir -p "$TOOLS"
  dpkg -x "$download"/prometheus_*.deb "$TOOLS"
  "$TOOLS/usr/bin/prometheus" --version 2>&1 | head -n 1
else
  echo "promtool and prometheus missing, and apt-get and dpkg are not here to fetch them" >&2
fi

if ! bash scripts/windows.sh setup; then
  echo "the Windows build is not set up: bash scripts/windows.sh test will fail" >&2
fi
