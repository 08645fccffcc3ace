#!/usr/bin/env bash
# The main job: install what is missing, build vpc, then run an example end
# to end twice — compiled in memory (libtcc) and as a native detector binary.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DVPC_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

ex=examples/stock_filter
echo "== vpc run $ex/stock_filter.vpl --input $ex/events.jsonl" >&2
build/vpc run "$ex/stock_filter.vpl" --input "$ex/events.jsonl"

echo "== vpc $ex/stock_filter.vpl -o build/stock_filter && build/stock_filter --input $ex/events.evt" >&2
build/vpc "$ex/stock_filter.vpl" -o build/stock_filter
build/stock_filter --input "$ex/events.evt"
