#!/usr/bin/env bash
# The whole test suite: unit tests (Criterion) and golden cases (JIT and AOT)
# on a release build and on an address/undefined-sanitizer build, then a
# short fuzzing run of the parser and the input decoders.
#   FUZZ_SECONDS=60  seconds per fuzz target (0 skips fuzzing)
#   SKIP_ASAN=1      skip the sanitizer build
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/deps.sh test

echo "== build and test (release)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPC_BUILD_TESTS=ON -DVPC_SANITIZE=OFF >/dev/null
cmake --build build -j"$jobs" >/dev/null
(cd build && ctest -j"$jobs" --output-on-failure --no-tests=error)

if [ "${SKIP_ASAN:-0}" != 1 ]; then
  echo "== build and test (-fsanitize=address,undefined)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVPC_SANITIZE=ON -DVPC_BUILD_TESTS=ON >/dev/null
  cmake --build build-asan -j"$jobs" >/dev/null
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -j"$jobs" --output-on-failure --no-tests=error)
fi

secs=${FUZZ_SECONDS:-60}
if [ "$secs" != 0 ]; then
  echo "== fuzz smoke (${secs}s per target)"
  cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DVPC_FUZZ=ON -DVPC_BUILD_TESTS=OFF >/dev/null
  cmake --build build-fuzz -j"$jobs" --target fuzz_parse fuzz_decoder >/dev/null
  for t in parse decoder; do
    work=$(mktemp -d)
    cp -r "tests/fuzz/corpus_$t/." "$work/"
    build-fuzz/tests/fuzz/fuzz_$t -max_total_time="$secs" -max_len=4096 "$work" 2>&1 | tail -n 3
    rm -rf "$work"
  done
fi
echo "== all tests passed"
