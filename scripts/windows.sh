#!/usr/bin/env bash
# The crate built for Windows (x86_64-pc-windows-gnu) and its tests run under Wine, with
# Debian's packages only:
#
#   bash scripts/windows.sh setup   the toolchain and the Wine prefix (scripts/setup.sh runs it)
#   bash scripts/windows.sh test    the library, `wsa`, the examples and every test target built
#                                   with all features and with the defaults; the suite, the
#                                   doctests and the tour run under Wine (`.ci/run` runs it)
#
# setup installs, when missing (as root, apt-get):
#   rustc-web, cargo-web, rust-web-src   /usr/bin/rustc and /usr/bin/cargo (1.96) and the
#                                        standard library's source, which `-Zbuild-std` builds
#                                        for the target (RUSTC_BOOTSTRAP=1 lets the stable
#                                        compiler take -Z); rustup's toolchain has no Windows std
#   gcc-mingw-w64-x86-64                 the linker
#   wine64                               Wine 8.0, which runs the test binaries
# and builds target/windows/bcryptprimitives.dll from scripts/windows/process_prng.c: Wine 8
# has no bcryptprimitives.dll, whose ProcessPrng every Rust 1.78+ Windows binary imports, so
# each would exit at once with status 53. The Wine prefix lives in target/windows/wine, never
# in the home directory; the shim is copied into its system32.
#
# Debian's cargo and rustup's never share a build: every cargo and rustc here is called by its
# full path, and the Windows build has its own target directory, target/windows, kept between
# runs so that the standard library is built once.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-pc-windows-gnu
ROOT="$PWD/target/windows"
CARGO=/usr/bin/cargo
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver
SHIM="$ROOT/bcryptprimitives.dll"
PACKAGES=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine64)

export WINEPREFIX="$ROOT/wine"
export WINEDEBUG=-all
# No Mono or Gecko: nothing here needs them, and Wine would ask to download them.
export WINEDLLOVERRIDES="mscoree,mshtml="

have_packages() {
  [ -x "$CARGO" ] && [ -x /usr/bin/rustc ] && [ -x "$WINE" ] &&
    [ -d /usr/lib/rustlib/src/rust/library/std ] && command -v x86_64-w64-mingw32-gcc >/dev/null
}

setup() {
  if have_packages; then
    echo "windows toolchain: present ($("$CARGO" --version), $("$WINE" --version))"
  elif command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "windows toolchain missing: apt-get install ${PACKAGES[*]}"
    [ -n "${WSA_TRACE_APT_UPDATED:-}" ] || apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  else
    echo "windows toolchain missing, and installing ${PACKAGES[*]} needs root and apt-get" >&2
    return 1
  fi

  mkdir -p "$ROOT"
  if [ ! -f "$SHIM" ] || [ scripts/windows/process_prng.c -nt "$SHIM" ]; then
    x86_64-w64-mingw32-gcc -O2 -shared -o "$SHIM" scripts/windows/process_prng.c -lbcrypt
  fi
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "Wine prefix: creating $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    "$WINE" wineboot -i </dev/null >/dev/null 2>&1
    "$WINESERVER" -w
  fi
  cp "$SHIM" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  echo "Wine prefix: $WINEPREFIX, with ProcessPrng in system32"
}

# Debian's cargo on the Windows target, building std from source, two jobs at a time.
wcargo() {
  local command=$1
  shift
  RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
    CARGO_TARGET_DIR="$ROOT" \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$WINE" \
    RUSTFLAGS="-D warnings" \
    "$CARGO" "$command" --locked -j2 -Zbuild-std --target "$TARGET" "$@"
}

# Tests that fail under Wine 8 only, where Wine and Windows differ (README, "Platforms"): they
# run on Windows. Wine ends a read after a reset as a graceful
# close (only the next send fails, with 10054), and reports no ICMP port unreachable on an
# unconnected UDP socket.
WINE_DIFFERS=(
  real_sockets::closing_with_unread_data_resets_the_connection
  winsock::a_reset_by_the_peer_is_10054_on_read
  peer_on_event::a_reset_read_on_a_stream_names_the_peer
  winsock::recv_from_goes_on_past_the_wsaeconnreset_of_an_earlier_datagram
  winsock::without_skip_immediate_recv_from_returns_the_wsaeconnreset
  hyper_reqwest::hyper_reset_is_counted_once_on_read
  hyper_reqwest::reqwest_observe_only_does_not_see_stream_errors
  tonic::a_reset_in_the_middle_of_a_call_is_wsaeconnreset_on_read
  reqwest_retry::a_reset_after_the_request_went_out_is_retried_only_when_idempotent
  safe_defaults::a_request_reset_mid_way_is_not_sent_again_by_default
  safe_defaults::a_request_reset_mid_way_is_sent_again_when_idempotent
  rate_limit::default_limit::a_burst_of_real_resets_logs_at_most_the_default_limit
  # Waits for hyper-util's log of a pooled connection's reset; Wine's end of file is not logged.
  logged_errors::hyper_util_connection_errors_are_counted_and_explained
)

run_tests() {
  have_packages || {
    echo "windows toolchain missing: run bash scripts/windows.sh setup" >&2
    return 1
  }
  [ -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ] || setup
  trap '"$WINESERVER" -k 2>/dev/null || true' EXIT

  echo "build: defaults (library, examples, tests)"
  wcargo build --lib --bins --tests --examples
  echo "build: all features (library, wsa, examples, tests)"
  wcargo build --all-features --lib --bins --tests --examples

  echo "tests under Wine: all features, less ${#WINE_DIFFERS[@]} where Wine differs from Windows"
  local skips=()
  for name in "${WINE_DIFFERS[@]}"; do
    skips+=(--skip "$name")
  done
  # Standard input from /dev/null, as in CI, which has none.
  wcargo test --all-features --lib --bins --tests -- --exact "${skips[@]}" </dev/null
  echo "doctests under Wine: all features"
  wcargo test --all-features --doc </dev/null

  echo "tour under Wine: the refused scene carries the Winsock number"
  local tour
  tour=$(mktemp "${TMPDIR:-/tmp}/wsa-trace-tour.XXXXXX")
  wcargo run --quiet --example tour --features layer </dev/null >"$tour" 2>&1 || {
    cat "$tour"
    rm -f "$tour"
    return 1
  }
  # What the caller got back in the refused scene, the first one.
  local refused
  refused=$(awk '/^== refused:/ { scene = 1 } scene && /caller got back:/ { print; exit }' "$tour")
  if [[ "$refused" != *'raw_os_error=Some(10061)'* ]]; then
    cat "$tour"
    echo "tour: the refused scene's error is not raw_os_error=Some(10061) (WSAECONNREFUSED)" >&2
    rm -f "$tour"
    return 1
  fi
  echo "refused:$refused"
  rm -f "$tour"
}

case "${1:-}" in
  setup) setup ;;
  test) run_tests ;;
  *)
    echo "usage: bash scripts/windows.sh setup|test" >&2
    exit 2
    ;;
esac
