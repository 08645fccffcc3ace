/* pattern_diff.c — randomized differential test of SASE+ patterns
 * (LANGUAGE.md §5, with §3 for predicates, §6 for time, §8 for output).
 *
 *   pattern_diff <vpc> [seeds [first-seed [aot-every [features]]]]
 *   pattern_diff --reference-only <seed> [features]
 *   pattern_diff --self-test <golden-dir>
 *
 * For each seed: a random pattern program over event types A, B, C (fields
 * id, v; chain form or named pattern, see gen.c) and a random stream of at
 * most 12 events go through `vpc run`, and every aot-every-th seed also
 * through a binary from `vpc build`. The output must be exactly the rows of
 * the reference matcher (ref.c), in the same order; floats agree within
 * 1e-9 relative, every other value exactly, type included (2 and 2.0
 * differ). A mismatch prints the seed, the program, the input and both
 * outputs (saying so when only the order differs); the exit status is then 1.
 *
 * `features` selects the generator's feature families: "all" (default),
 * "basic" for two-step chains without Kleene steps only, or a comma-separated
 * list of the names in gen.c (steps, kleene, chain, optional, within, not,
 * notitem, trailing, partition, where, filter, agg, named, andor, ooo,
 * implicit, nulls, now, passthru).
 *
 * --reference-only prints one seed's program, input and expected rows
 * without running vpc; --self-test checks the reference against the
 * hand-written golden cases tests/golden/pattern_* (selftest.c). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pd.h"

#include "../difftool/diff.h"
#include "../difftool/proc.h"

void print_row(FILE *f, const char *mark, const outrow *o)
{
    fprintf(f, "%s{\"stream\":\"M\"", mark);
    for (int j = 0; j < o->nf; j++) {
        fprintf(f, ",\"%s\":", o->name[j]);
        v_print(f, o->v[j]);
    }
    fputs("}\n", f);
}

/* ---- the program's output ---- */

static const char *parse_val(const char *q, val *v)
{
    if (!strncmp(q, "null", 4)) return *v = v_null(), q + 4;
    if (!strncmp(q, "true", 4)) return *v = (val){.tag = V_BOOL, .i = 1}, q + 4;
    if (!strncmp(q, "false", 5)) return *v = (val){.tag = V_BOOL, .i = 0}, q + 5;
    char *end;
    double f = strtod(q, &end);
    if (end == q) return NULL;
    if (memchr(q, '.', (size_t)(end - q)) || memchr(q, 'e', (size_t)(end - q))) *v = v_flt(f);
    else *v = v_int(strtoll(q, NULL, 10));
    return end;
}

/* {"stream":"M","name":value,...} with numbers, null and booleans. */
static bool parse_line(const char *q, outrow *o)
{
    static const char head[] = "{\"stream\":\"M\"";
    o->nf = 0;
    if (strncmp(q, head, sizeof head - 1)) return false;
    q += sizeof head - 1;
    while (*q == ',' && o->nf < MAX_FIELDS) {
        const char *e = strchr(q + 2, '"');
        if (q[1] != '"' || !e || e[1] != ':') return false;
        snprintf(o->name[o->nf], sizeof o->name[0], "%.*s", (int)(e - q - 2), q + 2);
        if (!(q = parse_val(e + 2, &o->v[o->nf++]))) return false;
    }
    return !strcmp(q, "}\n") || !strcmp(q, "}");
}

int read_output(const char *path, output *out, char *err, size_t errn)
{
    FILE *f = fopen(path, "r");
    if (!f) return snprintf(err, errn, "cannot read %s", path), -1;
    char line[4096];
    out->n = 0;
    while (fgets(line, sizeof line, f)) {
        if (out->n == MAX_OUT || !parse_line(line, &out->rows[out->n])) {
            snprintf(err, errn, "unreadable output line %d: %.3000s", out->n + 1, line);
            fclose(f);
            return -1;
        }
        out->n++;
    }
    fclose(f);
    return out->n;
}

static bool same_val(val a, val b)
{
    if (a.tag != b.tag) return false;
    if (a.tag == V_FLT) return fabs(a.f - b.f) <= 1e-9 * fmax(1.0, fmax(fabs(a.f), fabs(b.f)));
    return a.tag != V_INT && a.tag != V_BOOL ? true : a.i == b.i;
}

bool same_row(const outrow *a, const outrow *b)
{
    if (a->nf != b->nf) return false;
    for (int j = 0; j < a->nf; j++)
        if (strcmp(a->name[j], b->name[j]) || !same_val(a->v[j], b->v[j])) return false;
    return true;
}

/* The same rows, in any order. */
static bool same_multiset(const output *a, const output *b)
{
    if (a->n != b->n) return false;
    static bool used[MAX_OUT];
    memset(used, 0, sizeof used);
    for (int i = 0; i < a->n; i++) {
        int j = 0;
        while (j < b->n && (used[j] || !same_row(&a->rows[i], &b->rows[j]))) j++;
        if (j == b->n) return false;
        used[j] = true;
    }
    return true;
}

static bool same_any(const void *a, const void *b) { return same_row(a, b); }
static void print_any(FILE *f, const char *mark, const void *row) { print_row(f, mark, row); }

/* A line diff of the expected and the produced rows; common rows shown once. */
void print_diff(FILE *f, const output *exp, const output *got)
{
    dt_diff(f, &(dt_rows){exp->rows, got->rows, exp->n, got->n, sizeof *exp->rows, same_any, print_any});
}

/* ---- running vpc ---- */

/* Runs the program one way and compares with the reference; prints the
 * case and returns false on any difference. */
static bool check(uint64_t seed, const char *features, const char *how, char **argv, const output *want)
{
    static output got;
    if (!got.rows) got.rows = calloc(MAX_OUT, sizeof(outrow));
    char why[4200] = "";
    got.n = 0;
    int st = dt_run(argv, dt_path("out.jsonl"), dt_path("err.txt"));
    if (st != 0) snprintf(why, sizeof why, "exit status %d", st);
    else if (read_output(dt_path("out.jsonl"), &got, why, sizeof why) >= 0) {
        int j = 0;
        while (j < got.n && j < want->n && same_row(&got.rows[j], &want->rows[j])) j++;
        if (j < got.n || j < want->n) {
            if (same_multiset(want, &got)) snprintf(why, sizeof why, "same rows in a different order, from row %d", j + 1);
            else snprintf(why, sizeof why, "output differs from row %d (%d rows, expected %d)", j + 1, got.n, want->n);
        }
    }
    if (!why[0]) return true;
    fprintf(stderr, "FAIL seed %llu (%s, features \"%s\"): %s\n--- program\n", (unsigned long long)seed, how,
            features, why);
    dt_cat(stderr, dt_path("q.vpl"));
    fputs("--- input\n", stderr);
    dt_cat(stderr, dt_path("in.jsonl"));
    fputs("--- stderr\n", stderr);
    dt_cat(stderr, dt_path("err.txt"));
    fputs("--- rows: '-' expected only, '+' produced only\n", stderr);
    print_diff(stderr, want, &got);
    fprintf(stderr, "--- end of seed %llu (rerun: pattern_diff <vpc> 1 %llu 1 '%s')\n", (unsigned long long)seed,
            (unsigned long long)seed, features);
    return false;
}

/* Draws seed's program and input and computes the expected rows. */
static void make_case(uint64_t seed, const bool on[NFEATURES], shape *s, event *ev, int *nev, output *want)
{
    rng_state = seed * 0x2545f4914f6cdd1dULL;
    gen_shape(s, on);
    *nev = gen_events(s, on, ev);
    ref_run(s, ev, *nev, want);
}

static int reference_only(uint64_t seed, const bool on[NFEATURES])
{
    static shape s;
    static event ev[MAX_EVENTS];
    static output want;
    want.rows = calloc(MAX_OUT, sizeof(outrow));
    int n;
    make_case(seed, on, &s, ev, &n, &want);
    printf("--- program (seed %llu)\n", (unsigned long long)seed);
    write_program(stdout, &s);
    puts("--- input");
    write_input(stdout, ev, n);
    puts("--- expected");
    for (int j = 0; j < want.n; j++) print_row(stdout, "", &want.rows[j]);
    if (want.capped) printf("--- %d subsequences beyond the cap of %d\n", want.capped, SUBSEQ_CAP);
    free(want.rows);
    return 0;
}

static int usage(void)
{
    fputs("usage: pattern_diff <vpc> [seeds [first-seed [aot-every [features]]]]\n"
          "       pattern_diff --reference-only <seed> [features]\n"
          "       pattern_diff --self-test <golden-dir>\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    bool on[NFEATURES];
    if (argc >= 2 && !strcmp(argv[1], "--self-test")) return argc == 3 ? self_test(argv[2]) : usage();
    if (argc >= 2 && !strcmp(argv[1], "--reference-only")) {
        if (argc < 3 || argc > 4 || !parse_features(argc > 3 ? argv[3] : "all", on)) return usage();
        return reference_only(strtoull(argv[2], NULL, 10), on);
    }
    if (argc < 2 || argc > 6) return usage();
    char *vpc = argv[1];
    long seeds = argc > 2 ? atol(argv[2]) : 300;
    uint64_t first = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    long aot_every = argc > 4 ? atol(argv[4]) : 10;
    const char *features = argc > 5 ? argv[5] : "all";
    if (!parse_features(features, on)) {
        fprintf(stderr, "pattern_diff: unknown feature in \"%s\"\n", features);
        return usage();
    }
    if (!dt_mkdir("pattern_diff")) return 2;
    static shape s;
    static event ev[MAX_EVENTS];
    static output want;
    want.rows = calloc(MAX_OUT, sizeof(outrow));
    int failed = 0, aot = 0;
    long rows = 0;
    for (long c = 0; c < seeds && failed < 5; c++) {
        uint64_t seed = first + (uint64_t)c;
        int n;
        make_case(seed, on, &s, ev, &n, &want);
        rows += want.n;
        FILE *f = fopen(dt_path("q.vpl"), "w");
        if (!f) return perror("q.vpl"), 2;
        write_program(f, &s);
        fclose(f);
        if (!(f = fopen(dt_path("in.jsonl"), "w"))) return perror("in.jsonl"), 2;
        write_input(f, ev, n);
        fclose(f);
        char *jit[] = {vpc, "run", "-w", dt_path("q.vpl"), "--input", dt_path("in.jsonl"), NULL};
        bool ok = check(seed, features, "vpc run", jit, &want);
        if (ok && aot_every > 0 && c % aot_every == 0) {
            char *build[] = {vpc, "build", "-w", dt_path("q.vpl"), "-o", dt_path("bin"), NULL};
            char *bin[] = {dt_path("bin"), "--input", dt_path("in.jsonl"), NULL};
            int st = dt_run(build, dt_path("out.jsonl"), dt_path("err.txt"));
            if (st != 0) {
                fprintf(stderr, "FAIL seed %llu: vpc build exited %d\n", (unsigned long long)seed, st);
                dt_cat(stderr, dt_path("err.txt"));
                ok = false;
            } else {
                ok = check(seed, features, "vpc build", bin, &want);
                aot++;
            }
        }
        failed += !ok;
    }
    const char *names[] = {"q.vpl", "in.jsonl", "out.jsonl", "err.txt", "bin"};
    for (size_t j = 0; j < sizeof names / sizeof names[0]; j++) unlink(dt_path(names[j]));
    dt_rmdir();
    printf("pattern_diff: %ld seeds from %llu (%d also built AOT), features \"%s\", %ld reference rows: %s\n", seeds,
           (unsigned long long)first, aot, features, rows, failed ? "FAILED" : "all equal");
    free(want.rows);
    return failed ? 1 : 0;
}
