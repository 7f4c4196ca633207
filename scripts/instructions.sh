#!/usr/bin/env bash
# Instructions per call of each error-path variant (benches/instructions.rs), counted by
# callgrind inside the measured loop only: stable where timings on a busy machine are not.
# Usage: bash scripts/instructions.sh [VARIANT...]   (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."

calls=${CALLS:-10000}
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 2; }
bin=$(cargo bench --all-features --bench instructions --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*instructions[^"]*\)".*/\1/p' | tail -1)
[ -x "$bin" ] || { echo "could not build benches/instructions.rs" >&2; exit 2; }
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(nothing errno kind wrapped bare observe quiet count_by_hand event event_by_hand event_same_fields event_plain event_by_hand_plain event_same_fields_plain)
for v in "${variants[@]}"; do
  total=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    '--toggle-collect=instructions::run' "$bin" "$v" "$calls" 2>&1 |
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,)
  printf '%-24s %8d instructions per call\n' "$v" $((total / calls))
done
