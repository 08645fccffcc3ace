/* window_diff.c — randomized differential test of windows and aggregates
 * (LANGUAGE.md §4.3, §4.4, §6, §8).
 *
 *   window_diff <vpc> [seeds [first-seed [aot-every [disorder]]]]
 *
 * For each seed: a random one-stream program and a random JSON Lines input
 * go through `vpc run`, and every aot-every-th seed also through a binary
 * from `vpc build`. Programs vary the window (tumbling, sliding with and
 * without gaps, count, sliding count, session, none; sliding ones also with
 * 10 to 100 windows per row, or heavy disorder: 10 to 41 panes a window,
 * many rows a pane and almost one row in two going back by up to a few
 * panes or up to the watermark, with every aggregate but ema, often
 * first or last),
 * .partition_by (none,
 * one or two keys, before or after .window), declared or implicit event
 * types, a .where before the window, the aggregate items (every function of
 * §4.4, the forms of count(distinct), ema periods and alphas, expressions
 * over aggregates, now()) or no .aggregate (windows pass their rows on),
 * time windows sometimes with .watermark(out_of_order: d) and
 * .allowed_lateness(L), and sometimes config max_partitions /
 * max_window_rows. Inputs mix ints,
 * floats, strings, bools, nulls and absent fields, keys including null;
 * times before and after the epoch, mostly increasing, with equal times,
 * rows on and next to window boundaries, out-of-order rows and jumps.
 *
 * The output rows and the counters of the run summary (late rows, partition
 * and row limits) must equal those of the reference model below, and no
 * row may be dropped at vpc's bound on runs (a row within the watermark is
 * never dropped: the model says which rows are late), which
 * keeps every window as the list of its rows and recomputes each aggregate
 * from those rows when the window closes.
 * Floats must agree within 1e-9 relative (1e-9 absolute near zero: the
 * inputs are multiples of 0.01, far coarser); every other value exactly,
 * type included (2 and 2.0 differ). A mismatch prints the seed, the
 * program, the input and both outputs; the exit status is then 1. With the
 * word `disorder` last, seeds whose program has no heavy disorder are
 * skipped (and not counted): `seeds` programs with heavy disorder run.
 *
 * Points LANGUAGE.md leaves open follow vpc's documented choices (comments
 * in tests/golden/window_session, window_count_sliding and
 * vpc/emit_window.c); each is marked "vpc's choice" below. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../difftool/diff.h"
#include "../difftool/proc.h"

#define MAX_EVENTS 300
#define MAX_ITEMS 12
#define MAX_KEYS (MAX_EVENTS + 1)
#define MAX_WINDOWS 4096 /* open at once */
#define MAX_OUT 8192
#define MAX_FIELDS (MAX_ITEMS + 4)
#define MS 1000000LL /* ns per ms */

/* ---- random numbers (splitmix64: the same sequence everywhere) ---- */

static uint64_t rng_state;
static uint64_t rnd64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
/* uniform in [0, n) */
static int64_t rnd(int64_t n) { return (int64_t)(rnd64() % (uint64_t)n); }
static int64_t rnd_in(int64_t lo, int64_t hi) { return lo + rnd(hi - lo + 1); }
static bool chance(int percent) { return rnd(100) < percent; }

/* ---- values ---- */

typedef enum { V_MISSING, V_NULL, V_INT, V_FLT, V_STR, V_BOOL } vtag;
typedef struct {
    vtag tag;
    int64_t i;
    double f;
    char s[40];
    bool b;
} val;

static val v_null(void) { return (val){.tag = V_NULL}; }
static val v_int(int64_t i) { return (val){.tag = V_INT, .i = i}; }
static val v_flt(double f) { return (val){.tag = V_FLT, .f = f}; }
static bool is_num(val v) { return v.tag == V_INT || v.tag == V_FLT; }
static double num(val v) { return v.tag == V_INT ? (double)v.i : v.f; }

/* `==` of LANGUAGE.md §3: ints and floats compare numerically, other types
 * only with their own. */
static bool v_eq(val a, val b)
{
    if (is_num(a) && is_num(b)) return num(a) == num(b);
    if (a.tag != b.tag) return false;
    switch (a.tag) {
    case V_STR: return !strcmp(a.s, b.s);
    case V_BOOL: return a.b == b.b;
    default: return true;
    }
}

static void v_print(FILE *f, val v)
{
    switch (v.tag) {
    case V_MISSING: fputs("<missing>", f); break;
    case V_NULL: fputs("null", f); break;
    case V_INT: fprintf(f, "%lld", (long long)v.i); break;
    case V_FLT: { /* as LANGUAGE.md §8 writes it */
        char b[40];
        if (v.f == floor(v.f) && fabs(v.f) < 1e16) {
            fprintf(f, "%.1f", v.f);
            break;
        }
        for (int p = 1; p <= 17; p++) {
            snprintf(b, sizeof b, "%.*g", p, v.f);
            if (strtod(b, NULL) == v.f) break;
        }
        fprintf(f, "%s%s", b, strpbrk(b, ".en") ? "" : ".0");
        break;
    }
    case V_STR: fprintf(f, "\"%s\"", v.s); break;
    case V_BOOL: fputs(v.b ? "true" : "false", f); break;
    }
}

/* ---- program shapes ---- */

typedef enum { W_TUMBLE, W_SLIDE, W_COUNT, W_SCOUNT, W_SESSION, W_NONE, W_NKINDS } wkind;
typedef enum { A_COUNT, A_COUNT_X, A_DISTINCT, A_SUM, A_AVG, A_MIN, A_MAX, A_STDDEV, A_FIRST, A_LAST, A_EMA,
               A_NFNS } afn;
typedef enum { ARG_X, ARG_I, ARG_S, ARG_X2, ARG_IX } argk;
/* expressions over aggregates (argument x) */
typedef enum { E_SUM_PER_ROW, E_SUM_PER_X, E_RANGE, E_AVG2, E_COUNTS, E_NEXPRS } exprk;
static const char *const expr_text[E_NEXPRS] = {"sum(x) / count()", "sum(x) / count(x)", "max(x) - min(x)",
                                                "avg(x) * 2", "count() + count(x)"};
static const char *const arg_text[] = {"x", "i", "s", "x * 2.0", "i + x"};
static const char *const fn_name[A_NFNS] = {"count", "count", "count", "sum", "avg", "min",
                                            "max", "stddev", "first", "last", "ema"};

typedef enum { IT_AGG, IT_EXPR, IT_NOW } itemk;
typedef struct {
    itemk kind;
    afn fn;
    argk arg;
    exprk expr;
    char ema_p[8]; /* the period or alpha as written */
    double alpha;
    int distinct_form;
} item;

typedef struct {
    wkind kind;
    int64_t size, slide; /* ms for time windows and sessions, rows for count windows */
    bool declared;       /* event M declared (typed fields) or implicit (dynamic) */
    int nkeys;           /* .partition_by(k) or (k, g) */
    bool key_first;      /* .partition_by before .window */
    bool buffered;       /* no .aggregate: closing windows pass their rows on */
    bool filtered;       /* .where(s != "p") before the window */
    bool dense;          /* sliding with 10 to 100 windows per row, rows a slide or two apart */
    bool disorder;       /* sliding over many panes, many rows a pane, almost one in two out of order */
    int key_pool;        /* distinct string keys in the input */
    int64_t max_keys;    /* config max_partitions, 0: not set */
    int64_t max_rows;    /* config max_window_rows, 0: not set */
    int64_t wm, late;    /* ms: .watermark(out_of_order: wm) when wm > 0, .allowed_lateness(late) */
    int nitems;
    item items[MAX_ITEMS];
} shape;

static bool numeric_fn(afn f) { return (f >= A_SUM && f <= A_STDDEV) || f == A_EMA; }
/* first/last follow arrival order too, but their partials carry arrival
 * numbers and combine in any order: only ema bounds out-of-order rows. */
static bool first_or_last(afn f) { return f == A_FIRST || f == A_LAST; }

static argk pick_arg(const shape *p, afn f)
{
    for (;;) {
        argk a = (argk)rnd(5);
        if (a == ARG_S && numeric_fn(f)) continue;
        if ((a == ARG_X2 || a == ARG_IX) && !p->declared) continue; /* dynamic arithmetic: not this test's topic */
        return a;
    }
}

static void gen_shape(shape *p)
{
    memset(p, 0, sizeof *p);
    p->kind = (wkind)rnd(W_NKINDS);
    if (p->kind == W_NONE && chance(50)) p->kind = W_TUMBLE; /* the trivial case less often */
    p->declared = chance(50);
    p->nkeys = chance(35) ? 0 : chance(80) ? 1 : 2;
    p->key_first = chance(50);
    p->filtered = chance(20);
    p->key_pool = chance(10) ? 40 : (int)rnd_in(1, 4);
    if (chance(15)) p->max_keys = rnd_in(1, 6);
    if (chance(15)) p->max_rows = rnd_in(1, 40);
    int64_t unit = (int64_t[]){1, 250, 1000, 1000}[rnd(4)];
    switch (p->kind) {
    case W_TUMBLE: p->size = p->slide = unit * rnd_in(1, 10); break;
    case W_SLIDE:
        if ((p->disorder = chance(25))) {
            /* 10 to 41 panes a window (the slide sometimes two panes), all
             * the rows in a few windows */
            p->slide = (int64_t[]){100, 250, 1000}[rnd(3)];
            p->size = p->slide * rnd_in(10, 20) + (chance(30) ? p->slide / 2 : 0);
            break;
        }
        if ((p->dense = chance(30))) {
            /* .window(10s, sliding: 100ms) and the like; sometimes the slide
             * does not divide the size */
            p->slide = (int64_t[]){1, 100, 250}[rnd(3)];
            p->size = p->slide * rnd_in(10, 100) + (p->slide > 1 && chance(30) ? p->slide / 2 : 0);
            break;
        }
        p->size = unit * rnd_in(1, 10);
        p->slide = chance(75) ? unit * rnd_in(1, p->size / unit) : p->size + unit * rnd_in(1, 5);
        break;
    case W_COUNT: p->size = p->slide = rnd_in(1, 6); break;
    case W_SCOUNT:
        if ((p->dense = chance(30))) p->size = rnd_in(10, 60), p->slide = rnd_in(1, 4); /* .window(50, sliding: 1) */
        else p->size = rnd_in(1, 6), p->slide = rnd_in(1, 7);
        break;
    case W_SESSION: p->size = unit * rnd_in(1, 10); break;
    default: break;
    }
    if (p->dense) p->key_pool = (int)rnd_in(1, 3); /* open windows: partitions times windows per row */
    if (p->disorder) {
        /* many out-of-order rows in one partition's open windows */
        if (chance(60)) p->nkeys = 0;
        p->key_pool = 1;
        p->max_keys = 0;
        if (chance(50)) p->wm = p->slide * rnd_in(1, 4);
    } else if ((p->kind == W_TUMBLE || p->kind == W_SLIDE) && chance(35)) {
        /* a few rows' to a few windows' worth of disorder, within vpc's bound
         * on the windows open at once */
        int64_t d = (int64_t[]){1, p->slide / 2 + 1, p->slide, p->size, 2 * p->size}[rnd(5)];
        if ((p->size + d) / p->slide + 3 > 1000) d = p->slide;
        p->wm = d;
        if (chance(30)) p->late = rnd_in(0, p->slide);
    }
    /* dense: every row in up to 100 windows; disorder: aggregates only */
    p->buffered = p->kind != W_NONE && !p->dense && !p->disorder && chance(15);
    if (p->buffered) return;
    int n = (int)rnd_in(1, 7);
    for (int i = 0; i < n; i++) {
        item *it = &p->items[p->nitems++];
        it->kind = IT_AGG;
        do it->fn = (afn)rnd(A_NFNS);
        while (p->disorder && it->fn == A_EMA); /* ema keeps a bound on out-of-order rows */
        if (p->disorder && i == 0 && chance(60)) it->fn = chance(50) ? A_FIRST : A_LAST; /* often under disorder */
        it->arg = pick_arg(p, it->fn);
        it->distinct_form = (int)rnd(3);
        if (it->fn == A_EMA) {
            static const char *const alphas[] = {"0.25", "0.5", "1.0", "0.1"};
            if (chance(60)) {
                int per = (int)rnd_in(1, 6);
                snprintf(it->ema_p, sizeof it->ema_p, "%d", per);
                it->alpha = 2.0 / ((double)per + 1.0);
            } else {
                snprintf(it->ema_p, sizeof it->ema_p, "%s", alphas[rnd(4)]);
                it->alpha = strtod(it->ema_p, NULL);
            }
        }
    }
    if (chance(50)) p->items[p->nitems++] = (item){.kind = IT_EXPR, .expr = (exprk)rnd(E_NEXPRS)};
    if (chance(60)) {
        /* now() anywhere among the items */
        int at = (int)rnd(p->nitems + 1);
        memmove(&p->items[at + 1], &p->items[at], (size_t)(p->nitems - at) * sizeof(item));
        p->items[at] = (item){.kind = IT_NOW};
        p->nitems++;
    }
}

static void dur_text(char *buf, size_t n, int64_t ms)
{
    if (ms % 1000 == 0 && chance(50)) snprintf(buf, n, "%llds", (long long)(ms / 1000));
    else snprintf(buf, n, "%lldms", (long long)ms);
}

static void write_program(FILE *f, const shape *p)
{
    fputs("# generated by window_diff\n", f);
    if (p->max_keys || p->max_rows) {
        fputs("config {\n", f);
        if (p->max_keys) fprintf(f, "    max_partitions: %lld\n", (long long)p->max_keys);
        if (p->max_rows) fprintf(f, "    max_window_rows: %lld\n", (long long)p->max_rows);
        fputs("}\n\n", f);
    }
    if (p->declared) fputs("event M:\n    k: str?\n    g: str?\n    x: float?\n    i: int?\n    s: str?\n\n", f);
    fputs("stream S = M\n", f);
    const char *pb = p->nkeys == 1 ? "    .partition_by(k)\n" : p->nkeys == 2 ? "    .partition_by(k, g)\n" : "";
    if (p->key_first) fputs(pb, f);
    if (p->filtered) fputs("    .where(s != \"p\")\n", f);
    char a[32], b[32];
    switch (p->kind) {
    case W_TUMBLE:
        dur_text(a, sizeof a, p->size);
        fprintf(f, "    .window(%s)\n", a);
        break;
    case W_SLIDE:
        dur_text(a, sizeof a, p->size);
        dur_text(b, sizeof b, p->slide);
        fprintf(f, "    .window(%s, sliding: %s)\n", a, b);
        break;
    case W_COUNT: fprintf(f, "    .window(%lld)\n", (long long)p->size); break;
    case W_SCOUNT: fprintf(f, "    .window(%lld, sliding: %lld)\n", (long long)p->size, (long long)p->slide); break;
    case W_SESSION:
        dur_text(a, sizeof a, p->size);
        fprintf(f, "    .window(session: %s)\n", a);
        break;
    default: break;
    }
    if (!p->key_first) fputs(pb, f);
    if (p->wm) {
        dur_text(a, sizeof a, p->wm);
        fprintf(f, "    .watermark(out_of_order: %s)\n", a);
    }
    if (p->late) {
        dur_text(a, sizeof a, p->late);
        fprintf(f, "    .allowed_lateness(%s)\n", a);
    }
    if (p->buffered) {
        fputs("    .emit(k: k, x: x, s: s, at: now())\n", f);
        return;
    }
    fputs("    .aggregate(", f);
    for (int i = 0; i < p->nitems; i++) {
        const item *it = &p->items[i];
        fprintf(f, "%s\n        a%d: ", i ? "," : "", i);
        if (it->kind == IT_NOW) fputs("now()", f);
        else if (it->kind == IT_EXPR) fputs(expr_text[it->expr], f);
        else if (it->fn == A_COUNT) fputs("count()", f);
        else if (it->fn == A_DISTINCT)
            fprintf(f, (const char *[]){"count(distinct %s)", "count(distinct(%s))", "count_distinct(%s)"}
                           [it->distinct_form], arg_text[it->arg]);
        else if (it->fn == A_EMA) fprintf(f, "ema(%s, %s)", arg_text[it->arg], it->ema_p);
        else fprintf(f, "%s(%s)", fn_name[it->fn], arg_text[it->arg]);
    }
    fputs(")\n    .emit()\n", f);
}

/* ---- input ---- */

typedef struct {
    int64_t ts; /* ms */
    val k, g, x, i, s;
} event;

static val gen_key(bool declared, int nkeys)
{
    int64_t r = rnd(nkeys + 2);
    if (r == nkeys) return chance(50) ? v_null() : (val){.tag = V_MISSING};
    if (r == nkeys + 1 && !declared) return v_int(1);
    val v = {.tag = V_STR};
    if (nkeys <= 4) snprintf(v.s, sizeof v.s, "%c", (char)('a' + r % nkeys));
    else snprintf(v.s, sizeof v.s, "key-%d", (int)(r % nkeys));
    return v;
}

/* A float as written in the input (two decimals) and as read back. */
static val gen_float(void)
{
    val v = {.tag = V_FLT};
    char buf[32];
    int64_t q = chance(50) ? rnd_in(-2000, 2000) * 25 : rnd_in(-50000, 50000);
    snprintf(buf, sizeof buf, "%.2f", (double)q / 100.0);
    v.f = strtod(buf, NULL);
    return v;
}

/* A small integral float ("3.00"): equal to int 3 for count(distinct). */
static val gen_round_float(void)
{
    val v = {.tag = V_FLT};
    v.f = (double)rnd_in(-5, 5);
    return v;
}

static val gen_x(bool declared)
{
    int r = (int)rnd(100);
    if (r < 15) return v_int(rnd_in(-50, 50));
    if (r < 30) return v_int(rnd_in(-5, 5));
    if (r < 42) return gen_round_float();
    if (r < 72) return gen_float();
    if (r < 80) return v_null();
    if (r < 88 || declared) return (val){.tag = V_MISSING};
    if (r < 95) {
        val v = {.tag = V_STR};
        snprintf(v.s, sizeof v.s, "%s", chance(50) ? "p" : "q");
        return v;
    }
    return (val){.tag = V_BOOL, .b = chance(50)};
}

static val gen_i(bool declared)
{
    int r = (int)rnd(100);
    if (r < 65) return v_int(rnd_in(-20, 20));
    if (r < 75 && !declared) return chance(50) ? gen_float() : gen_round_float();
    if (r < 85) return v_null();
    return (val){.tag = V_MISSING};
}

static val gen_s(void)
{
    int r = (int)rnd(100);
    if (r < 75) {
        val v = {.tag = V_STR};
        if (chance(70)) snprintf(v.s, sizeof v.s, "%c", (char)('p' + rnd(4)));
        else snprintf(v.s, sizeof v.s, "a longer string value, number %d", (int)rnd(3));
        return v;
    }
    return r < 85 ? v_null() : (val){.tag = V_MISSING};
}

static int64_t fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Times mostly increase, with equal times, rows exactly on window
 * boundaries (and one ms around them), out-of-order rows and jumps. */
static int gen_events(const shape *p, event *ev)
{
    int n = (int)rnd_in(p->disorder ? 200 : 20, MAX_EVENTS);
    int nkeys = p->key_pool;
    int64_t w = p->kind == W_TUMBLE || p->kind == W_SLIDE || p->kind == W_SESSION ? p->size : 1000;
    if (p->dense && p->kind == W_SLIDE) w = 2 * p->slide; /* many rows per window */
    int64_t step = p->kind == W_SLIDE ? p->slide : w;
    int64_t t;
    switch (rnd(3)) {
    case 0: t = 1700000000000LL; break; /* aligned to every window size */
    case 1: t = 1700000000000LL + rnd(1000000); break;
    default: t = -rnd_in(0, 20) * w - rnd(w); break; /* before the epoch */
    }
    for (int j = 0; j < n; j++) {
        int64_t et = t;
        int r = (int)rnd(100);
        if (p->disorder) {
            /* up to the watermark, or a few panes, back; a few rows further */
            int64_t back = p->wm ? p->wm : 3 * p->slide;
            if (r < 45) et = t - rnd_in(1, back);
            else if (r < 48) et = t - rnd_in(back, 2 * back);
            else et = t += rnd_in(0, p->slide / 10);
        } else if (r < 45) et = t += rnd_in(0, w / 2 + 1);
        else if (r < 55) et = t; /* equal time */
        else if (r < 67) et = t = (fdiv(t, step) + 1) * step + rnd_in(-1, 1); /* on a boundary, or next to it */
        else if (r < 72 && p->kind == W_SESSION) et = t += w + rnd_in(0, 1); /* exactly at / just past the gap */
        else if (r < 85) et = t - rnd_in(0, 2 * w); /* out of order */
        else if (r < 93) et = t += rnd_in(w, 4 * w);
        else et = t += 1;
        event *e = &ev[j];
        e->ts = et;
        e->k = gen_key(p->declared, nkeys);
        e->g = gen_key(p->declared, 2);
        e->x = gen_x(p->declared);
        e->i = gen_i(p->declared);
        e->s = gen_s();
    }
    return n;
}

static void write_field(FILE *f, const char *name, val v)
{
    if (v.tag == V_MISSING) return;
    fprintf(f, ",\"%s\":", name);
    if (v.tag == V_FLT) fprintf(f, "%.2f", v.f);
    else v_print(f, v);
}

static void write_input(FILE *f, const event *ev, int n)
{
    for (int j = 0; j < n; j++) {
        const event *e = &ev[j];
        fputs("{\"event_type\":\"M\"", f);
        write_field(f, "k", e->k);
        write_field(f, "g", e->g);
        write_field(f, "x", e->x);
        write_field(f, "i", e->i);
        write_field(f, "s", e->s);
        fprintf(f, ",\"ts\":%lld}\n", (long long)e->ts);
    }
}

/* ---- the reference model ---- */

/* A row as the stream sees it: declared fields converted (an int for a
 * float field becomes a float), absent fields null, time in ns. */
typedef struct {
    int64_t t;
    val k, g, x, i, s;
} row;

typedef struct {
    int nf;
    char name[MAX_FIELDS][16];
    val v[MAX_FIELDS];
} outrow;

typedef struct {
    int key;            /* partition number, in order of first appearance */
    int64_t end;        /* time windows: end; sessions: latest row time + gap */
    int64_t j;          /* time windows: window number */
    int64_t last;       /* sessions: latest row time */
    bool open;
    int nrows;
    int rows[MAX_EVENTS];
    bool counted[MAX_ITEMS][MAX_EVENTS]; /* count(distinct) item i remembers the value of rows[j] */
} window;

typedef struct {
    const shape *p;
    row rows[MAX_EVENTS];
    int nkeys;
    val keys[MAX_KEYS][2];
    int64_t clock;
    int nwin;
    window *win; /* MAX_WINDOWS */
    int64_t nrows_of[MAX_KEYS]; /* count windows: rows of each key so far */
    int late;
    /* window state bounds: rows (or distinct values) held by all windows */
    int64_t max_keys, max_rows, held;
    int c_keys, c_rows;
    /* overlapping windows that aggregate (paned): count(distinct) item i
     * remembers the value of row r once, in its partition (key_row[r]),
     * while the row is in an open window (live_in[r] > 0) */
    int key_row[MAX_EVENTS], live_in[MAX_EVENTS];
    bool remem[MAX_EVENTS][MAX_ITEMS];
    int nout;
    outrow *out; /* MAX_OUT */
} model;

/* vpc's choice (docs/windows.md, Cost): overlapping windows that
 * aggregate share one multiset of values per partition and count(distinct),
 * so the row bound counts the values of the rows in a partition's open
 * windows, each once. */
static bool paned(const shape *p)
{
    return !p->buffered && (p->kind == W_SLIDE || p->kind == W_SCOUNT) && p->slide < p->size;
}

static row to_row(const shape *p, const event *e)
{
    row r = {.t = e->ts * MS, .k = e->k, .g = e->g, .x = e->x, .i = e->i, .s = e->s};
    val *all[] = {&r.k, &r.g, &r.x, &r.i, &r.s};
    for (int j = 0; j < 5; j++)
        if (all[j]->tag == V_MISSING) *all[j] = v_null();
    if (p->declared && r.x.tag == V_INT) r.x = v_flt((double)r.x.i);
    return r;
}

/* The partition of row r, -1 if not seen yet; `add` registers it. */
static int key_of(model *m, const row *r, bool add)
{
    val k[2] = {r->k, r->g};
    for (int j = 0; j < m->nkeys; j++) {
        bool same = true;
        for (int c = 0; c < m->p->nkeys; c++) {
            /* partition keys: the same value (an int key never equals a string key) */
            same &= m->keys[j][c].tag == k[c].tag && v_eq(m->keys[j][c], k[c]);
        }
        if (same) return j;
    }
    if (!add) return -1;
    if (m->nkeys == m->max_keys) { /* vpc's choice (golden window_bounds): a new key past the bound is dropped */
        m->c_keys++;
        return -1;
    }
    m->keys[m->nkeys][0] = k[0];
    m->keys[m->nkeys][1] = k[1];
    return m->nkeys++;
}

static val arg_of(const shape *p, argk a, const row *r)
{
    switch (a) {
    case ARG_X: return r->x;
    case ARG_I: return r->i;
    case ARG_S: return r->s;
    case ARG_X2: return r->x.tag == V_NULL ? v_null() : v_flt(num(r->x) * 2.0);
    case ARG_IX: return r->i.tag == V_NULL || r->x.tag == V_NULL ? v_null() : v_flt((double)r->i.i + num(r->x));
    }
    (void)p;
    return v_null();
}

/* One aggregate function over the rows of a window, from scratch. */
static val aggregate(model *m, afn fn, argk a, double alpha, const window *w, int item)
{
    val vs[MAX_EVENTS];
    int n = w->nrows, nn = 0, nnum = 0;
    long double sum = 0;
    for (int j = 0; j < n; j++) {
        vs[j] = arg_of(m->p, a, &m->rows[w->rows[j]]);
        if (vs[j].tag != V_NULL) nn++;
        if (is_num(vs[j])) nnum++, sum += num(vs[j]);
    }
    switch (fn) {
    case A_COUNT: return v_int(n);
    case A_COUNT_X: return v_int(nn);
    case A_DISTINCT: { /* the values remembered as rows arrived (add_row) */
        int d = 0;
        for (int j = 0; j < n; j++) d += w->counted[item][j];
        return v_int(d);
    }
    case A_SUM: return v_flt((double)sum);
    case A_AVG: return nnum ? v_flt((double)(sum / nnum)) : v_null();
    case A_MIN:
    case A_MAX: {
        val best = v_null();
        for (int j = 0; j < n; j++)
            if (is_num(vs[j]) && (best.tag == V_NULL || (fn == A_MIN ? num(vs[j]) < best.f : num(vs[j]) > best.f)))
                best = v_flt(num(vs[j]));
        return best;
    }
    case A_STDDEV: {
        if (nnum < 2) return v_null();
        long double mean = sum / nnum, ss = 0;
        for (int j = 0; j < n; j++)
            if (is_num(vs[j])) ss += (num(vs[j]) - mean) * (num(vs[j]) - mean);
        return v_flt((double)sqrtl(ss / (nnum - 1))); /* sample deviation */
    }
    case A_FIRST: return n ? vs[0] : v_null();
    case A_LAST: return n ? vs[n - 1] : v_null();
    case A_EMA: {
        val e = v_null();
        for (int j = 0; j < n; j++)
            if (is_num(vs[j])) e = v_flt(e.tag == V_NULL ? num(vs[j]) : alpha * num(vs[j]) + (1.0 - alpha) * e.f);
        return e;
    }
    default: return v_null();
    }
}

static void put(outrow *o, const char *name, val v)
{
    snprintf(o->name[o->nf], sizeof o->name[0], "%s", name);
    o->v[o->nf++] = v;
}

/* now(): the row's time in ms, truncated toward zero (§8). */
static val time_val(int64_t t) { return v_int(t / MS); }

static outrow *new_out(model *m)
{
    if (m->nout == MAX_OUT) {
        fprintf(stderr, "window_diff: too many output rows\n");
        exit(2);
    }
    outrow *o = &m->out[m->nout++];
    memset(o, 0, sizeof *o);
    put(o, "stream", (val){.tag = V_STR, .s = "S"});
    return o;
}

/* A closed window: its aggregate row at time t, or its rows. */
static void emit_window(model *m, const window *w, int64_t t)
{
    const shape *p = m->p;
    if (p->buffered) m->held -= w->nrows;
    for (int i = 0; i < p->nitems && !paned(p); i++)
        for (int j = 0; j < w->nrows; j++) m->held -= w->counted[i][j];
    for (int j = 0; j < w->nrows && paned(p); j++) m->live_in[w->rows[j]]--;
    if (p->buffered) {
        for (int j = 0; j < w->nrows; j++) {
            const row *r = &m->rows[w->rows[j]];
            outrow *o = new_out(m);
            put(o, "k", r->k);
            put(o, "x", r->x);
            put(o, "s", r->s);
            put(o, "at", time_val(r->t));
        }
        return;
    }
    outrow *o = new_out(m);
    if (p->nkeys >= 1) put(o, "k", m->keys[w->key][0]);
    if (p->nkeys >= 2) put(o, "g", m->keys[w->key][1]);
    for (int i = 0; i < p->nitems; i++) {
        const item *it = &p->items[i];
        char name[16];
        snprintf(name, sizeof name, "a%d", i % 100);
        val v = v_null();
        if (it->kind == IT_NOW) v = time_val(t);
        else if (it->kind == IT_AGG) v = aggregate(m, it->fn, it->arg, it->alpha, w, i);
        else {
            val sum = aggregate(m, A_SUM, ARG_X, 0, w, i), cnt = aggregate(m, A_COUNT, ARG_X, 0, w, i);
            val cx = aggregate(m, A_COUNT_X, ARG_X, 0, w, i), avg = aggregate(m, A_AVG, ARG_X, 0, w, i);
            val lo = aggregate(m, A_MIN, ARG_X, 0, w, i), hi = aggregate(m, A_MAX, ARG_X, 0, w, i);
            switch (it->expr) {
            case E_SUM_PER_ROW: v = v_flt(sum.f / (double)cnt.i); break;
            case E_SUM_PER_X: v = cx.i ? v_flt(sum.f / (double)cx.i) : v_null(); break; /* x / 0 is null */
            case E_RANGE: v = lo.tag == V_NULL ? v_null() : v_flt(hi.f - lo.f); break;
            case E_AVG2: v = avg.tag == V_NULL ? v_null() : v_flt(avg.f * 2); break;
            default: v = v_int(cnt.i + cx.i); break;
            }
        }
        put(o, name, v);
    }
}

static window *new_window(model *m, int key)
{
    window *w = NULL;
    for (int j = 0; j < m->nwin && !w; j++)
        if (!m->win[j].open) w = &m->win[j]; /* a closed window's place */
    if (!w && m->nwin == MAX_WINDOWS) {
        fprintf(stderr, "window_diff: too many windows\n");
        exit(2);
    }
    if (!w) w = &m->win[m->nwin++];
    memset(w, 0, sizeof *w);
    w->key = key;
    w->open = true;
    return w;
}

static int by_end_then_key(const void *a, const void *b)
{
    const window *x = *(window *const *)a, *y = *(window *const *)b;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return x->key - y->key;
}

/* Closes the open windows with end <= clock (time windows) or end < clock
 * (sessions: the clock must exceed latest + gap), or all of them; those
 * closing together go by end, then by first appearance of their key. */
static void close_windows(model *m, bool all)
{
    static window *c[MAX_WINDOWS];
    int n = 0;
    bool session = m->p->kind == W_SESSION;
    for (int j = 0; j < m->nwin; j++) {
        window *w = &m->win[j];
        if (w->open && (all || (session ? w->end < m->clock : w->end <= m->clock))) c[n++] = w;
    }
    qsort(c, (size_t)n, sizeof c[0], by_end_then_key);
    for (int j = 0; j < n; j++) {
        c[j]->open = false;
        emit_window(m, c[j], session ? c[j]->last : c[j]->end - 1);
    }
}

static window *find_open(model *m, int key, int64_t j)
{
    for (int q = 0; q < m->nwin; q++)
        if (m->win[q].open && m->win[q].key == key && m->win[q].j == j) return &m->win[q];
    return NULL;
}

/* Row r into window w. vpc's choice (golden window_bounds): the stream's
 * windows hold at most max_rows rows (without .aggregate) or distinct
 * values (count(distinct)) together; a row beyond it is dropped, a new
 * value beyond it is not remembered. */
static void add_row(model *m, window *w, int r)
{
    const shape *p = m->p;
    if (p->buffered) {
        if (m->held >= m->max_rows) {
            m->c_rows++;
            return;
        }
        m->held++;
    }
    int at = w->nrows++;
    w->rows[at] = r;
    if (paned(p)) m->live_in[r]++;
    for (int i = 0; i < p->nitems; i++) {
        const item *it = &p->items[i];
        if (it->kind != IT_AGG || it->fn != A_DISTINCT) continue;
        val v = arg_of(p, it->arg, &m->rows[r]);
        bool seen = v.tag == V_NULL || (paned(p) && !m->remem[r][i]);
        for (int j = 0; j < at && !seen; j++)
            seen = w->counted[i][j] && v_eq(arg_of(p, it->arg, &m->rows[w->rows[j]]), v);
        w->counted[i][at] = false;
        if (seen) continue;
        if (paned(p)) w->counted[i][at] = true; /* held by remember() */
        else if (m->held >= m->max_rows) m->c_rows++;
        else w->counted[i][at] = true, m->held++;
    }
}

/* Paned: whether the values of row r (partition key) are remembered. */
static void remember(model *m, int key, int r)
{
    const shape *p = m->p;
    m->key_row[r] = key;
    memset(m->remem[r], 0, sizeof m->remem[r]);
    for (int i = 0; i < p->nitems; i++) {
        const item *it = &p->items[i];
        if (it->kind != IT_AGG || it->fn != A_DISTINCT) continue;
        val v = arg_of(p, it->arg, &m->rows[r]);
        if (v.tag == V_NULL) continue;
        /* values held: those of live rows (this one's earlier items too),
         * once per partition and item */
        int64_t held = 0;
        bool known = false;
        for (int q = 0; q <= r; q++)
            for (int c = 0; c < p->nitems; c++) {
                if (!m->remem[q][c] || (q < r && !m->live_in[q])) continue;
                val u = arg_of(p, p->items[c].arg, &m->rows[q]);
                bool first = true;
                for (int e = 0; e < q && first; e++)
                    first = !(m->remem[e][c] && m->live_in[e] && m->key_row[e] == m->key_row[q] &&
                              v_eq(arg_of(p, p->items[c].arg, &m->rows[e]), u));
                held += first;
                known |= c == i && m->key_row[q] == key && v_eq(u, v);
            }
        if (known) m->remem[r][i] = true;
        else if (held >= m->max_rows) m->c_rows++;
        else m->remem[r][i] = true;
    }
}

static void model_row(model *m, int r)
{
    const shape *p = m->p;
    const row *x = &m->rows[r];
    int64_t d = p->kind == W_COUNT || p->kind == W_SCOUNT ? p->size : p->size * MS;
    int64_t s = p->kind == W_COUNT || p->kind == W_SCOUNT ? p->slide : p->slide * MS;
    if (p->kind == W_TUMBLE || p->kind == W_SLIDE || p->kind == W_SESSION) {
        /* .watermark(): the clock trails the latest row time */
        if (x->t - p->wm * MS > m->clock) m->clock = x->t - p->wm * MS;
        close_windows(m, false);
        if (p->wm && x->t < m->clock - p->late * MS) { /* older than the clock minus the lateness */
            m->late++;
            return;
        }
    }
    /* a row the filter drops has still advanced the stream clock */
    if (p->filtered && x->s.tag == V_STR && !strcmp(x->s.s, "p")) return;
    switch (p->kind) {
    case W_TUMBLE:
    case W_SLIDE: {
        /* the windows [j*s, j*s + d) holding the row; those whose end the
         * clock has reached are closed */
        int64_t js[2048];
        int nj = 0, nopen = 0;
        for (int64_t j = fdiv(x->t, s); j * s + d > x->t; j--) {
            js[nj++] = j;
            nopen += j * s + d > m->clock;
        }
        if (nj == 0) return; /* between two windows (slide > size): in none, not late */
        if (nopen == 0) { /* late; vpc's choice: it creates no partition */
            m->late++;
            return;
        }
        int key = key_of(m, x, true);
        if (key < 0) return;
        if (paned(p)) remember(m, key, r);
        for (int q = nj - 1; q >= 0; q--) {
            if (js[q] * s + d <= m->clock) continue;
            window *w = find_open(m, key, js[q]);
            if (!w) {
                w = new_window(m, key);
                w->j = js[q];
                w->end = js[q] * s + d;
            }
            add_row(m, w, r);
        }
        return;
    }
    case W_SESSION: {
        /* vpc's choice: an open session takes any row of its key, older
         * ones too; a row that would start a session already past its gap
         * is late and creates no partition */
        int key = key_of(m, x, false);
        window *w = NULL;
        for (int q = 0; q < m->nwin && key >= 0; q++)
            if (m->win[q].open && m->win[q].key == key) w = &m->win[q];
        if (!w) {
            if (x->t + d < m->clock) {
                m->late++;
                return;
            }
            if ((key = key_of(m, x, true)) < 0) return;
        }
        if (p->buffered && m->held >= m->max_rows) { /* dropped: it opens or extends no session */
            m->c_rows++;
            return;
        }
        if (!w) {
            w = new_window(m, key);
            w->last = x->t;
        }
        add_row(m, w, r);
        if (x->t > w->last) w->last = x->t;
        w->end = w->last + d;
        return;
    }
    case W_COUNT:
    case W_SCOUNT: {
        /* window j (from 1) of a key holds its rows last(j) - n + 1 ...
         * last(j), last(j) = first + (j - 1) * k, and closes at its last row.
         * vpc's choice: the start of the stream counts as an emission, so
         * first = max(n, k) (golden window_count_sliding) */
        int key = key_of(m, x, true);
        if (key < 0) return;
        int64_t c = ++m->nrows_of[key], first = d > s ? d : s;
        if (paned(p)) remember(m, key, r);
        for (int64_t j = 1; first + (j - 1) * s - d + 1 <= c; j++) {
            int64_t last = first + (j - 1) * s;
            if (c > last) continue;
            window *w = find_open(m, key, j);
            if (!w) {
                w = new_window(m, key);
                w->j = j;
            }
            add_row(m, w, r);
            if (c == last) {
                w->open = false;
                emit_window(m, w, x->t); /* time of its last row */
            }
        }
        return;
    }
    case W_NONE: {
        static window w;
        memset(&w, 0, sizeof w);
        w.key = key_of(m, x, true);
        add_row(m, &w, r);
        emit_window(m, &w, x->t); /* every row aggregated alone */
        return;
    }
    default: return;
    }
}

static void model_run(model *m, const shape *p, const event *ev, int n)
{
    m->p = p;
    m->nkeys = m->nwin = m->late = m->nout = m->c_keys = m->c_rows = 0;
    m->held = 0;
    /* W_NONE keeps no partition table: no partition bound */
    m->max_keys = p->max_keys && p->kind != W_NONE ? p->max_keys : INT64_MAX;
    m->max_rows = p->max_rows ? p->max_rows : INT64_MAX;
    m->clock = INT64_MIN;
    memset(m->nrows_of, 0, sizeof m->nrows_of);
    memset(m->live_in, 0, sizeof m->live_in);
    for (int j = 0; j < n; j++) m->rows[j] = to_row(p, &ev[j]);
    for (int j = 0; j < n; j++) model_row(m, j);
    if (p->kind == W_TUMBLE || p->kind == W_SLIDE || p->kind == W_SESSION) close_windows(m, true); /* end of input */
}

/* ---- the program's output ---- */

static const char *parse_val(const char *q, val *v)
{
    memset(v, 0, sizeof *v);
    if (*q == '"') {
        size_t n = 0;
        for (q++; *q && *q != '"'; q++)
            if (n + 1 < sizeof v->s) v->s[n++] = *q == '\\' ? *++q : *q;
        v->tag = V_STR;
        return *q ? q + 1 : NULL;
    }
    if (!strncmp(q, "null", 4)) return v->tag = V_NULL, q + 4;
    if (!strncmp(q, "true", 4)) return v->tag = V_BOOL, v->b = true, q + 4;
    if (!strncmp(q, "false", 5)) return v->tag = V_BOOL, q + 5;
    char *end;
    double f = strtod(q, &end);
    if (end == q) return NULL;
    if (memchr(q, '.', (size_t)(end - q)) || memchr(q, 'e', (size_t)(end - q))) *v = v_flt(f);
    else *v = v_int(strtoll(q, NULL, 10));
    return end;
}

/* One flat JSON object per line: {"name":value,...}. */
static bool parse_line(const char *q, outrow *o)
{
    memset(o, 0, sizeof *o);
    if (*q++ != '{') return false;
    while (*q == '"' && o->nf < MAX_FIELDS) {
        const char *e = strchr(q + 1, '"');
        if (!e || e[1] != ':') return false;
        snprintf(o->name[o->nf], sizeof o->name[0], "%.*s", (int)(e - q - 1), q + 1);
        if (!(q = parse_val(e + 2, &o->v[o->nf++]))) return false;
        if (*q == ',') q++;
    }
    return *q == '}';
}

static int read_output(const char *path, outrow *out, char *err, size_t errn)
{
    FILE *f = fopen(path, "r");
    if (!f) return snprintf(err, errn, "cannot read %s", path), -1;
    char line[8192];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (n == MAX_OUT || !parse_line(line, &out[n])) {
            snprintf(err, errn, "unreadable output line %d: %s", n + 1, line);
            fclose(f);
            return -1;
        }
        n++;
    }
    fclose(f);
    return n;
}

/* The counters of the run summary ("vprt: stream S: late rows dropped:
 * 3"); absent ones are 0. */
typedef struct {
    int late, keys, rows, runs;
} counters;

static counters read_counters(const char *path)
{
    counters c = {0, 0, 0, 0};
    FILE *f = fopen(path, "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        const char *q = strrchr(line, ':');
        if (!strstr(line, "stream S: ") || !q) continue;
        int n = atoi(q + 1);
        if (strstr(line, "late rows dropped")) c.late = n;
        else if (strstr(line, "partition limit")) c.keys = n;
        else if (strstr(line, "window row limit")) c.rows = n;
        else if (strstr(line, "run limit")) c.runs = n; /* the model drops no out-of-order row */
    }
    if (f) fclose(f);
    return c;
}

static bool same_val(val a, val b)
{
    if (a.tag != b.tag) return false;
    if (a.tag == V_FLT) return fabs(a.f - b.f) <= 1e-9 * fmax(1.0, fmax(fabs(a.f), fabs(b.f)));
    return v_eq(a, b);
}

static bool same_row(const outrow *a, const outrow *b)
{
    if (a->nf != b->nf) return false;
    for (int j = 0; j < a->nf; j++)
        if (strcmp(a->name[j], b->name[j]) || !same_val(a->v[j], b->v[j])) return false;
    return true;
}

static void print_row(FILE *f, const char *mark, const outrow *o)
{
    fprintf(f, "%s{", mark);
    for (int j = 0; j < o->nf; j++) {
        fprintf(f, "%s\"%s\":", j ? "," : "", o->name[j]);
        v_print(f, o->v[j]);
    }
    fputs("}\n", f);
}

static bool same_any(const void *a, const void *b) { return same_row(a, b); }
static void print_any(FILE *f, const char *mark, const void *row) { print_row(f, mark, row); }

static void print_diff(FILE *f, const outrow *exp, int ne, const outrow *got, int ng)
{
    dt_diff(f, &(dt_rows){exp, got, ne, ng, sizeof *exp, same_any, print_any});
}

/* ---- running vpc ---- */

/* Runs the program one way and compares with the model; prints the case
 * and returns false on any difference. */
static bool check(uint64_t seed, const char *how, char **argv, const model *m)
{
    static outrow got[MAX_OUT];
    char why[8400] = "";
    int st = dt_run(argv, dt_path("out.jsonl"), dt_path("err.txt"));
    int n = -1;
    if (st != 0) snprintf(why, sizeof why, "exit status %d", st);
    else if ((n = read_output(dt_path("out.jsonl"), got, why, sizeof why)) >= 0) {
        counters c = read_counters(dt_path("err.txt"));
        int j = 0;
        while (j < n && j < m->nout && same_row(&got[j], &m->out[j])) j++;
        if (j < n || j < m->nout) snprintf(why, sizeof why, "output differs from row %d", j + 1);
        else if (c.late != m->late || c.keys != m->c_keys || c.rows != m->c_rows || c.runs)
            snprintf(why, sizeof why, "counters late/partition limit/row limit/run limit: %d/%d/%d/%d, expected %d/%d/%d/0",
                     c.late, c.keys, c.rows, c.runs, m->late, m->c_keys, m->c_rows);
    }
    if (!why[0]) return true;
    fprintf(stderr, "FAIL seed %llu (%s): %s\n--- program\n", (unsigned long long)seed, how, why);
    dt_cat(stderr, dt_path("q.vpl"));
    fputs("--- input\n", stderr);
    dt_cat(stderr, dt_path("in.jsonl"));
    fputs("--- stderr\n", stderr);
    dt_cat(stderr, dt_path("err.txt"));
    fputs("--- rows: '-' expected only, '+' produced only\n", stderr);
    print_diff(stderr, m->out, m->nout, got, n > 0 ? n : 0);
    fprintf(stderr, "--- end of seed %llu\n", (unsigned long long)seed);
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 6 || (argc == 6 && strcmp(argv[5], "disorder"))) {
        fprintf(stderr, "usage: window_diff <vpc> [seeds [first-seed [aot-every [disorder]]]]\n");
        return 2;
    }
    char *vpc = argv[1];
    long seeds = argc > 2 ? atol(argv[2]) : 150;
    uint64_t first = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    long aot_every = argc > 4 ? atol(argv[4]) : 10;
    bool only_disorder = argc > 5;
    if (!dt_mkdir("window_diff")) return 2;
    static model m;
    m.win = calloc(MAX_WINDOWS, sizeof(window));
    m.out = calloc(MAX_OUT, sizeof(outrow));
    static event ev[MAX_EVENTS];
    int failed = 0, aot = 0, disorder = 0, disorder_fl = 0;
    long rows = 0;
    uint64_t seed = first;
    for (long c = 0; c < seeds && failed < 5; c++, seed++) {
        rng_state = seed * 0x2545f4914f6cdd1dULL;
        shape p;
        gen_shape(&p);
        if (only_disorder && !p.disorder) {
            c--; /* not counted */
            continue;
        }
        disorder += p.disorder;
        for (int i = 0; i < p.nitems && p.disorder; i++)
            if (p.items[i].kind == IT_AGG && first_or_last(p.items[i].fn)) {
                disorder_fl++;
                break;
            }
        int n = gen_events(&p, ev);
        FILE *f = fopen(dt_path("q.vpl"), "w");
        if (!f) return perror("q.vpl"), 2;
        write_program(f, &p);
        fclose(f);
        if (!(f = fopen(dt_path("in.jsonl"), "w"))) return perror("in.jsonl"), 2;
        write_input(f, ev, n);
        fclose(f);
        model_run(&m, &p, ev, n);
        rows += m.nout;
        char *jit[] = {vpc, "run", "-w", dt_path("q.vpl"), "--input", dt_path("in.jsonl"), NULL};
        bool ok = check(seed, "vpc run", jit, &m);
        if (ok && aot_every > 0 && c % aot_every == 0) {
            char *build[] = {vpc, "build", "-w", dt_path("q.vpl"), "-o", dt_path("bin"), NULL};
            char *bin[] = {dt_path("bin"), "--input", dt_path("in.jsonl"), NULL};
            int st = dt_run(build, dt_path("out.jsonl"), dt_path("err.txt"));
            if (st != 0) {
                fprintf(stderr, "FAIL seed %llu: vpc build exited %d\n", (unsigned long long)seed, st);
                dt_cat(stderr, dt_path("err.txt"));
                ok = false;
            } else {
                ok = check(seed, "vpc build", bin, &m);
                aot++;
            }
        }
        failed += !ok;
    }
    const char *names[] = {"q.vpl", "in.jsonl", "out.jsonl", "err.txt", "bin"};
    for (size_t j = 0; j < sizeof names / sizeof names[0]; j++) unlink(dt_path(names[j]));
    dt_rmdir();
    printf("window_diff: %ld seeds from %llu to %llu (%d also built AOT, %d with heavy disorder, %d of them with"
           " first/last), %ld reference rows: %s\n",
           seeds, (unsigned long long)first, (unsigned long long)seed - 1, aot, disorder, disorder_fl, rows,
           failed ? "FAILED" : "all equal");
    return failed ? 1 : 0;
}
