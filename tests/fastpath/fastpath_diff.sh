#!/usr/bin/env bash
# Differential test of the fast path: the same random lines through a
# detector with the one-pass decoder and one without it must give the same
# output and the same bad-input report.
#   fastpath_diff.sh <vpc> <gen_lines> [seeds] [lines per seed]
set -euo pipefail
vpc=$1
gen=$2
seeds=${3:-20}
lines=${4:-2000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$vpc" build -w "$here/q.vpl" -o "$work/fast"
"$vpc" build -w --no-fast-path "$here/q.vpl" -o "$work/full"
for seed in $(seq 1 "$seeds"); do
  "$gen" "$seed" "$lines" >"$work/in.jsonl"
  (cd "$work" && ./fast --input in.jsonl --stats >fast.out 2>fast.err) || true
  (cd "$work" && ./full --input in.jsonl --stats >full.out 2>full.err) || true
  # the last line of --stats is timing: compare everything else
  sed -i '$d' "$work/fast.err" "$work/full.err"
  if ! cmp -s "$work/fast.out" "$work/full.out" || ! cmp -s "$work/fast.err" "$work/full.err"; then
    echo "FAIL: seed $seed: the fast path and the full scanner disagree" >&2
    diff -u "$work/full.out" "$work/fast.out" | head -20 >&2 || true
    diff -u "$work/full.err" "$work/fast.err" | head -20 >&2 || true
    exit 1
  fi
done
echo "fast path == full scanner on $seeds x $lines random lines"
