#!/usr/bin/env bash
# Measures userimport against its performance targets (issues 3 and 4) and
# prints a table with PASS/MISS. See bench/README.md.
#
#   bash bench/run.sh                 # full run (about 2.5 minutes on 2 cores)
#   bash bench/run.sh -runs 5         # more runs per median
#   bash bench/run.sh -csv-rows 200000 -small-csv-rows 20000 -xlsx-rows 10000   # quick look
#
# Extra arguments go to bench/cmd/benchrun (run it with -h for the list).
set -euo pipefail
cd "$(dirname "$0")/.."
bin_dir=$(mktemp -d)
trap 'rm -rf "$bin_dir"' EXIT
go build -o "$bin_dir/userimport" ./cmd/userimport
go build -o "$bin_dir/benchrun" ./bench/cmd/benchrun
"$bin_dir/benchrun" -bin "$bin_dir/userimport" "$@"
echo "== XLSX bombs (issue 15): peak RSS and CPU of reading each, limits 1 GiB and 30 s" >&2
SHEET_BOMBS=1 go test -count 1 -run '^TestXLSXBombsResources$' -v ./sheet | grep -E 'peak RSS|^(ok|FAIL)'
