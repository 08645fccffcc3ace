#!/usr/bin/env bash
# A relocatable install: install vpc, move the whole prefix, build a detector
# with the moved vpc, copy the detector elsewhere and run it there.
#   install_test.sh <build-dir> <source-dir>
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
mv "$work/prefix" "$work/moved"
ex="$src/examples/stock_filter"
(cd "$work" && "$work/moved/bin/vpc" "$ex/stock_filter.vpl" -o "$work/detector")
mkdir "$work/elsewhere"
mv "$work/detector" "$work/elsewhere/"
rm -rf "$work/moved" # the detector must not need anything from the install
(cd "$work/elsewhere" && ./detector --input "$ex/events.jsonl" --output out.jsonl)
if ! cmp -s "$work/elsewhere/out.jsonl" "$ex/expected.jsonl"; then
  echo "FAIL: the relocated detector's output differs" >&2
  diff -u "$ex/expected.jsonl" "$work/elsewhere/out.jsonl" >&2 || true
  exit 1
fi
echo "relocatable install: ok"
