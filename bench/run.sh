#!/usr/bin/env bash
# run.sh — the vpc benchmark in one command (see README.md).
#
# For every scenario (scenarios/NAME.vpl + baselines/NAME.c + a generator
# named NAME in gen/gen.c) it runs the hand-written C baseline, the vpc AOT
# detector and the vpc JIT on the same generated input, BENCH_RUNS times each
# in round-robin order, and prints median throughput, the ratio to the
# baseline measured in this same run, peak RSS, and the rows each variant
# wrote (the matches, for pattern scenarios) and rows per second; the three
# outputs must be byte-identical. Then it measures `vpc run --stats` compile
# time for every example and scenario. A failed variant prints FAILED and the
# run goes on; any failure or output mismatch makes the exit status 1.
#
# Environment:
#   BENCH_N=2000000        events per scenario
#   BENCH_RUNS=5           timed runs per variant (the median is reported)
#   BENCH_SCENARIOS="a b"  subset of scenarios (default: every scenarios/*.vpl)
#   VPC=path               vpc to test (default: build/vpc, built if missing)
#   CC=cc                  compiler for tools and baselines
#   BENCH_CFLAGS           C flags of the baselines and of vpc's AOT detectors
#                          (default: -O2 -march=native -ffp-contract=off: vpc
#                          never fuses a*b+c, so neither may the baselines)
#   KEEP=1                 keep the outputs in results/out/
set -euo pipefail

BENCH=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname -- "$BENCH")

CC=${CC:-cc}
TOOL_CFLAGS=${TOOL_CFLAGS:--std=c11 -O2 -Wall -Wextra}
# The baselines and vpc's AOT detectors get the same optimisation flags
# (vpc build --cflags), so the ratio compares code, not compiler settings.
BENCH_CFLAGS=${BENCH_CFLAGS:--O2 -march=native -ffp-contract=off}
BASELINE_CFLAGS=${BASELINE_CFLAGS:-$BENCH_CFLAGS}
BENCH_N=${BENCH_N:-2000000}
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_SCENARIOS=${BENCH_SCENARIOS:-}
KEEP=${KEEP:-0}
VPC=${VPC:-}

DATA=$BENCH/data
RES=$BENCH/results
BIN=$RES/bin
OUT=$RES/out
LATEST=$RES/latest.txt

problems=0

# ---- output helpers: everything reported also goes to results/latest.txt ----

say() { printf '%s\n' "$*" | tee -a "$LATEST"; }
sayf() {
    local fmt=$1
    shift
    # shellcheck disable=SC2059  # the format is always one of ours
    printf "$fmt" "$@" | tee -a "$LATEST"
}
problem() {
    problems=$((problems + 1))
    say "!!! $*"
}
# Last lines of a log, indented, for a failure report.
tail_log() { [[ -s $1 ]] && tail -n 5 -- "$1" | sed 's/^/      | /' | tee -a "$LATEST"; }

die() {
    printf 'run.sh: %s\n' "$*" >&2
    exit 1
}

is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
is_count "$BENCH_N" || die "BENCH_N must be a positive integer (got '$BENCH_N')"
is_count "$BENCH_RUNS" || die "BENCH_RUNS must be a positive integer (got '$BENCH_RUNS')"

# ---- numbers (awk: bash has no floating point) ----

# Median of the numbers given as arguments (mean of the middle two if even).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# Integer with thousands separators, independent of the locale.
commas() { awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n); r = "";
    while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
    print s r }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# Reads a peakrss report into $wall, $rss_kib, $status.
read_stat() {
    local line
    line=$(<"$1")
    wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' <<<"$line")
    rss_kib=$(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' <<<"$line")
    status=$(sed -n 's/.*status=\([0-9]*\).*/\1/p' <<<"$line")
}

# ---- targets (README.md): "min_ratio max_rss_mib" per scenario and variant ----

target_of() {
    case "$1:$2" in
    filter:aot) echo "0.8 8" ;;
    filter:jit) echo "0.3 8" ;;
    vwap:aot) echo "0.7 8" ;;
    vwap:jit) echo "0.25 8" ;;
    join:aot) echo "0.7 16" ;;
    join:jit) echo "0.25 16" ;;
    multisensor:aot) echo "0.7 8" ;;
    multisensor:jit) echo "0.25 8" ;;
    ema:aot | emajoin:aot) echo "0.7 8" ;;
    ema:jit | emajoin:jit) echo "0.25 8" ;;
    sequence:aot | orderpay:aot | kleene:aot | threestep:aot) echo "0.7 16" ;;
    sequence:jit | orderpay:jit | kleene:jit | threestep:jit) echo "0.25 16" ;;
    *) echo "" ;;
    esac
}

# ---- setup ----

mkdir -p -- "$DATA" "$BIN" "$OUT"
rm -f -- "$OUT"/* # logs and outputs describe this run only
: >"$LATEST"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
say "vpc benchmark  $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "host: $(uname -srm), ${cpu:-unknown cpu}, $(nproc 2>/dev/null || echo '?') cpus"
say "cc: $($CC --version 2>/dev/null | head -n 1)"
say "events per scenario: $BENCH_N, runs per variant: $BENCH_RUNS, baseline flags: $BASELINE_CFLAGS"

# shellcheck disable=SC2086  # flag lists are meant to split
{
    $CC $TOOL_CFLAGS -o "$BIN/gen" "$BENCH/gen/gen.c" &&
        $CC $TOOL_CFLAGS -o "$BIN/peakrss" "$BENCH/tools/peakrss.c"
} || die "cannot build the benchmark tools"

# vpc: $VPC if given, else build/vpc, configured and built here if missing.
# An unusable vpc leaves VPC empty and its variants FAILED.
find_vpc() {
    if [[ -n $VPC ]]; then
        if [[ $VPC != */* ]]; then
            VPC=$(command -v -- "$VPC" || true)
        elif [[ -x $VPC ]]; then
            VPC=$(cd -- "$(dirname -- "$VPC")" && pwd)/$(basename -- "$VPC")
        else
            VPC=
        fi
        [[ -n $VPC ]] || problem "VPC=$1 is not an executable"
        return 0
    fi
    VPC=$ROOT/build/vpc
    if [[ ! -x $VPC ]]; then
        say "building vpc (Release) ... log: results/vpc-build.log"
        if ! (cd -- "$ROOT" &&
            cmake -S . -B build -DCMAKE_BUILD_TYPE=Release &&
            cmake --build build -j2 --target vpc) >"$RES/vpc-build.log" 2>&1; then
            problem "vpc build FAILED (results/vpc-build.log)"
            tail_log "$RES/vpc-build.log"
        fi
    fi
    if [[ ! -x $VPC ]]; then
        VPC=
        problem "no vpc: the aot and jit variants cannot run"
    fi
}
find_vpc "$VPC"
say "vpc: ${VPC:-none}"

if [[ -n $BENCH_SCENARIOS ]]; then
    read -r -a scenarios <<<"$BENCH_SCENARIOS"
else
    scenarios=()
    for f in "$BENCH"/scenarios/*.vpl; do
        [[ -e $f ]] && scenarios+=("$(basename -- "$f" .vpl)")
    done
fi
[[ ${#scenarios[@]} -gt 0 ]] || die "no scenarios"

variants=(baseline aot jit)

# ---- per-variant state, keyed "scenario:variant" ----

declare -A ready=()  # 1 when the variant's program exists and has not failed
declare -A walls=()  # space-separated wall times of the timed runs
declare -A peak=()   # max peak RSS (KiB) over the runs
declare -A rows=()   # output lines (rows, matches) of the last run

# Sets cmd=(...) to run variant $2 of scenario $1 on input $3, writing $4.
variant_cmd() {
    case "$2" in
    baseline) cmd=("$BIN/$1-baseline" --input "$3" --output "$4") ;;
    aot) cmd=("$BIN/$1-aot" --input "$3" --output "$4") ;;
    jit) cmd=("$VPC" run "$BENCH/scenarios/$1.vpl" --input "$3" --output "$4") ;;
    esac
}

# Builds what variant $2 of scenario $1 needs; 0 when it can run.
prepare() {
    local sc=$1 v=$2 log=$OUT/$1.$2.build.log
    case "$v" in
    baseline)
        # shellcheck disable=SC2086  # flag list
        if ! $CC $BASELINE_CFLAGS -Wall -Wextra -I "$BENCH/baselines" -o "$BIN/$sc-baseline" \
            "$BENCH/baselines/$sc.c" "$BENCH/baselines/bl.c" -lm >"$log" 2>&1; then
            problem "$sc/baseline: build FAILED"
            tail_log "$log"
            return 1
        fi
        ;;
    aot)
        if [[ -z $VPC ]]; then
            say "  $sc/aot: not run, no vpc"
            return 1
        fi
        rm -f -- "$BIN/$sc-aot"
        if ! "$BIN/peakrss" -o "$OUT/$sc.aot.build.stat" -- \
            "$VPC" "$BENCH/scenarios/$sc.vpl" -o "$BIN/$sc-aot" --cflags "$BENCH_CFLAGS" >"$log" 2>&1 ||
            [[ ! -x $BIN/$sc-aot ]]; then
            problem "$sc/aot: vpc compile FAILED"
            tail_log "$log"
            return 1
        fi
        read_stat "$OUT/$sc.aot.build.stat"
        say "  $sc: vpc AOT compile took $(calc '%.2f' "$wall") s"
        ;;
    jit)
        if [[ -z $VPC ]]; then
            say "  $sc/jit: not run, no vpc"
            return 1
        fi
        ;;
    esac
}

# One timed run of variant $2 of scenario $1 on $3; marks it failed on error.
run_once() {
    local sc=$1 v=$2 key=$1:$2 stat=$OUT/$1.$2.stat
    local cmd=()
    variant_cmd "$sc" "$v" "$3" "$OUT/$sc.$v.out"
    rm -f -- "$stat"
    if ! "$BIN/peakrss" -o "$stat" -- "${cmd[@]}" >"$OUT/$sc.$v.log" 2>&1; then
        ready[$key]=0
        status='?'
        [[ -s $stat ]] && read_stat "$stat"
        problem "$sc/$v: run $i FAILED (exit $status; results/out/$sc.$v.log)"
        tail_log "$OUT/$sc.$v.log"
        return 0
    fi
    read_stat "$stat"
    walls[$key]="${walls[$key]:-} $wall"
    if [[ -z ${peak[$key]:-} || $rss_kib -gt ${peak[$key]} ]]; then
        peak[$key]=$rss_kib
    fi
}

# Compares two variants' outputs; a difference is a problem, shown in place.
compare() {
    local sc=$1 a=$2 b=$3 fa=$OUT/$1.$2.out fb=$OUT/$1.$3.out
    local where lineno
    if cmp -s -- "$fa" "$fb"; then
        say "  output $sc: $a == $b ($(wc -l <"$fa") rows)"
        return 0
    fi
    where=$(cmp -- "$fa" "$fb" 2>&1 | head -n 1 || true)
    problem "OUTPUT MISMATCH $sc: $a ($(wc -l <"$fa") rows) vs $b ($(wc -l <"$fb") rows)"
    say "      ${where//"$OUT"\//}"
    # cmp names the first differing line; after "EOF on" it names the last
    # common one, so the first difference is the next line.
    lineno=$(sed -n 's/.* line \([0-9]*\).*/\1/p' <<<"$where")
    if [[ -n $lineno ]]; then
        [[ $where == *EOF* ]] && lineno=$((lineno + 1))
        say "      line $lineno of $a: $(sed -n "${lineno}p" -- "$fa" | cut -c1-200)"
        say "      line $lineno of $b: $(sed -n "${lineno}p" -- "$fb" | cut -c1-200)"
    fi
    mismatch=1
}

# ---- throughput ----

# One row of the throughput table; matches = the rows the variant wrote.
table_row() { printf '%-11s %-9s %14s %11s %12s %8s %9s %9s  %s' "$@"; }
table=()
for sc in "${scenarios[@]}"; do
    say ""
    say "== scenario $sc"
    if [[ ! -f $BENCH/scenarios/$sc.vpl || ! -f $BENCH/baselines/$sc.c ]]; then
        problem "$sc: needs scenarios/$sc.vpl and baselines/$sc.c"
        continue
    fi
    data=$DATA/$sc-$BENCH_N.jsonl
    if [[ ! -s $data ]]; then
        say "  generating $BENCH_N events -> data/$(basename -- "$data")"
        if ! "$BIN/gen" "$sc" "$BENCH_N" "$data.tmp"; then
            rm -f -- "$data.tmp"
            problem "$sc: generator FAILED"
            continue
        fi
        mv -- "$data.tmp" "$data"
    fi

    for v in "${variants[@]}"; do
        rm -f -- "$OUT/$sc.$v.out"
        if prepare "$sc" "$v"; then ready[$sc:$v]=1; else ready[$sc:$v]=0; fi
    done
    for ((i = 1; i <= BENCH_RUNS; i++)); do
        for v in "${variants[@]}"; do
            if [[ ${ready[$sc:$v]} == 1 ]]; then
                run_once "$sc" "$v" "$data"
            fi
        done
    done

    # Outputs: every variant that ran must match the baseline (or, without
    # one, each other).
    mismatch=0
    ok=()
    for v in "${variants[@]}"; do
        if [[ ${ready[$sc:$v]} == 1 ]]; then
            ok+=("$v")
            rows[$sc:$v]=0
            [[ -f $OUT/$sc.$v.out ]] && rows[$sc:$v]=$(wc -l <"$OUT/$sc.$v.out")
        fi
    done
    for ((k = 1; k < ${#ok[@]}; k++)); do
        compare "$sc" "${ok[0]}" "${ok[$k]}"
    done
    if [[ $KEEP == 1 || $mismatch == 1 ]]; then
        [[ $mismatch == 1 ]] && say "  outputs kept in results/out/ for inspection"
    else
        rm -f -- "$OUT/$sc".*.out
    fi

    base_eps=
    for v in "${variants[@]}"; do
        key=$sc:$v
        if [[ ${ready[$key]} != 1 ]]; then
            table+=("$(table_row "$sc" "$v" FAILED - - - - - -)")
            continue
        fi
        # shellcheck disable=SC2086  # the list of times is meant to split
        med=$(median ${walls[$key]})
        eps=$(calc '%.0f' "$BENCH_N / $med")
        mps=$(calc '%.0f' "${rows[$key]} / $med")
        [[ $v == baseline ]] && base_eps=$eps
        ratio=-
        [[ -n $base_eps ]] && ratio=$(calc '%.2f' "$eps / $base_eps")
        mib=$(calc '%.1f' "${peak[$key]} / 1024")
        verdict=-
        read -r min_ratio max_mib <<<"$(target_of "$sc" "$v")"
        if [[ -n ${min_ratio:-} ]]; then
            verdict=ok
            if [[ $ratio == - ]] || awk "BEGIN { exit !($ratio < $min_ratio) }"; then
                verdict="MISS ratio < $min_ratio"
            fi
            if awk "BEGIN { exit !($mib >= $max_mib) }"; then
                verdict="MISS rss >= $max_mib MiB"
            fi
        fi
        table+=("$(table_row "$sc" "$v" "$(commas "$eps")" "$(commas "${rows[$key]}")" \
            "$(commas "$mps")" "$ratio" "$(calc '%.3f' "$med")" "$mib" "$verdict")")
    done
done

say ""
say "== throughput (median of $BENCH_RUNS runs, $BENCH_N events; matches = output rows,"
say "   matches/s = matches / median_s, ratio = events/s / baseline's)"
say "$(table_row scenario variant events/s matches matches/s ratio median_s peak_MiB target)"
for row in "${table[@]}"; do say "$row"; done

# ---- compile time: `vpc run --stats` on an empty input ----
#
# The figure is read from the first stderr line that mentions "compil":
# the number after "total" if the line has one, else the first number after
# "compil", with its unit (ns, us, ms, s; ms if none is given).

parse_compile_ms() {
    awk '
        { l = tolower($0) }
        l ~ /compil/ {
            i = index(l, "total"); if (!i) i = index(l, "compil")
            s = substr(l, i)
            if (!match(s, /[0-9]+(\.[0-9]+)?/)) next
            v = substr(s, RSTART, RLENGTH) + 0
            u = substr(s, RSTART + RLENGTH); sub(/^[ \t]*/, "", u)
            k = 1
            if (u ~ /^ns/) k = 1e-6; else if (u ~ /^(us|µs)/) k = 1e-3
            else if (u ~ /^ms/) k = 1; else if (u ~ /^s([^a-z]|$)/) k = 1000
            printf "%.3f\n", v * k; exit
        }' "$1"
}

say ""
say "== compile time (vpc run --stats, empty input; median of $BENCH_RUNS runs)"
sayf '%-40s %12s %12s\n' program compile_ms run_wall_ms
empty=$OUT/empty.jsonl
: >"$empty"
progs=()
for f in "$ROOT"/examples/*.vpl "$ROOT"/examples/*/*.vpl "$BENCH"/scenarios/*.vpl; do
    [[ -e $f ]] && progs+=("$f")
done
for f in "${progs[@]}"; do
    name=${f#"$ROOT"/}
    if [[ -z $VPC ]]; then
        sayf '%-40s %12s %12s\n' "$name" FAILED -
        continue
    fi
    cms=() rws=() failed=0
    for ((i = 1; i <= BENCH_RUNS; i++)); do
        if ! "$BIN/peakrss" -o "$OUT/compile.stat" -- "$VPC" run --stats "$f" \
            --input "$empty" --output /dev/null </dev/null >/dev/null 2>"$OUT/compile.log"; then
            failed=1
            break
        fi
        read_stat "$OUT/compile.stat"
        rws+=("$(calc '%.3f' "$wall * 1000")")
        c=$(parse_compile_ms "$OUT/compile.log")
        [[ -n $c ]] && cms+=("$c")
    done
    if [[ $failed == 1 ]]; then
        sayf '%-40s %12s %12s\n' "$name" FAILED -
        problem "$name: vpc run --stats FAILED"
        tail_log "$OUT/compile.log"
        continue
    fi
    cm=n/a
    [[ ${#cms[@]} -gt 0 ]] && cm=$(calc '%.2f' "$(median "${cms[@]}")")
    sayf '%-40s %12s %12s\n' "$name" "$cm" "$(calc '%.2f' "$(median "${rws[@]}")")"
done
rm -f -- "$empty" "$OUT/compile.stat"

say ""
if [[ $problems -gt 0 ]]; then
    say "RESULT: $problems problem(s) (FAILED variants or output mismatches, marked !!! above)"
    exit 1
fi
say "RESULT: ok"
