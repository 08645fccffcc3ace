/* join_diff.c — randomized differential test of join() (LANGUAGE.md §4.6,
 * docs/language.md "Merge and join").
 *
 *   join_diff <vpc> [seeds [first-seed [aot-every]]]
 *
 * For each seed: a random program and a random JSON Lines input go through
 * `vpc run`, and every aot-every-th seed also through a binary from
 * `vpc build`. The program joins two or three sources on a key: events A
 * and B, or a stream D = B.where(...) in B's place, and sometimes events C
 * or an aggregated stream G = C.window(..).partition_by(k).aggregate(..),
 * in any order; in the `.on()` form or the seed form with item filters;
 * with a time window (default, ms or s) or a count window; a `.where` and
 * an `.emit` after the join; sometimes a stream T reading the joined rows,
 * a stream U counting them per key, and a stream V counting A's events per
 * key (A's key is then numbered once for V and the join); sometimes config max_partitions / max_window_rows. Inputs have keys of
 * strings, ints, an integral float equal to an int, null and missing;
 * times mostly increasing, with equal times, rows exactly at and next to
 * the window's edge, out-of-order rows and gaps beyond the window.
 *
 * The output rows and the counters of the run summary must equal those of
 * the reference model below, which keeps every row the join admitted and
 * answers each probe by scanning them all: the most recent row of every
 * other input with an equal key and a time no older than the join's clock
 * minus the window (any time for count windows). Floats must agree within
 * 1e-9 relative; every other value exactly. A mismatch prints the seed, the
 * program, the input and both outputs; the exit status is then 1.
 *
 * Points LANGUAGE.md leaves open follow vpc's documented choices
 * (docs/language.md); each is marked "vpc's choice" below. */
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

#define MAX_EVENTS 200
#define MAX_ROWS (2 * MAX_EVENTS) /* rows reaching the join: events and G's rows */
#define MAX_OUT 4096
#define MAX_FIELDS 12
#define MAX_WINDOWS 512
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
static val v_bool(bool b) { return (val){.tag = V_BOOL, .b = b}; }
static val v_str(const char *s)
{
    val v = {.tag = V_STR};
    snprintf(v.s, sizeof v.s, "%s", s);
    return v;
}
static bool is_num(val v) { return v.tag == V_INT || v.tag == V_FLT; }
static double num(val v) { return v.tag == V_INT ? (double)v.i : v.f; }
static bool is_null(val v) { return v.tag == V_NULL || v.tag == V_MISSING; }

/* `==` of LANGUAGE.md §3: null equals null, ints and floats compare
 * numerically, other types only with their own. Join keys compare so. */
static bool v_eq(val a, val b)
{
    if (is_null(a) || is_null(b)) return is_null(a) && is_null(b);
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

/* A join input: an event type or a stream. D = B.where(y > 2.0); G =
 * C.window(gsize).partition_by(k).aggregate(n: count()). */
typedef enum { SRC_A, SRC_B, SRC_D, SRC_C, SRC_G, SRC_S } srck;
static const char *const src_name[] = {"A", "B", "D", "C", "G", "S"};
/* the seed form's item filters */
static const char *const item_filter[] = {"x > 0", "s != \"p\"", "s != \"p\"", "z != 0", "n > 1"};

/* .where after the join, over the A side (a) or the B side (b) */
typedef enum { WH_NONE, WH_X_NE_3, WH_X_LT_6, WH_BS_NE_Q, WH_NKINDS } wherek;

typedef struct {
    bool declared;     /* events declared (string keys), else implicit */
    int nsrc;          /* 2 or 3 */
    srck src[3];       /* in list order: A, B or D, and C or G */
    bool seed_form;    /* join(stream P from A where .., ...) */
    bool filtered[3];  /* seed form: the item has a filter */
    bool count;        /* .window(n) */
    int64_t win;       /* ms, or rows for count; 60000 when no .window */
    bool win_written;  /* .window given */
    bool win_in_s;     /* written in seconds */
    int64_t gsize;     /* G's window, ms */
    wherek where;
    bool consumer;     /* stream T = S.where(k != "b").emit() */
    bool per_key_s;    /* stream U = S.partition_by(k).window(2).aggregate(c: count()).emit() */
    bool per_key_a;    /* stream V = A.partition_by(k).window(2).aggregate(c: count()).emit() */
    int key_pool;      /* distinct string keys */
    int64_t max_keys;  /* config max_partitions, 0: not set */
    int64_t max_rows;  /* config max_window_rows, 0: not set */
} shape;

static bool uses(const shape *p, srck s)
{
    for (int i = 0; i < p->nsrc; i++)
        if (p->src[i] == s) return true;
    return false;
}

static int input_of(const shape *p, srck a, srck b)
{
    for (int i = 0; i < p->nsrc; i++)
        if (p->src[i] == a || p->src[i] == b) return i;
    return -1;
}

static void gen_shape(shape *p)
{
    memset(p, 0, sizeof *p);
    p->declared = chance(35);
    p->nsrc = chance(60) ? 2 : 3;
    srck s[3] = {SRC_A, chance(70) ? SRC_B : SRC_D, chance(50) ? SRC_C : SRC_G};
    for (int i = p->nsrc - 1; i > 0; i--) { /* any order */
        int j = (int)rnd(i + 1);
        srck t = s[i];
        s[i] = s[j];
        s[j] = t;
    }
    memcpy(p->src, s, sizeof s);
    p->seed_form = chance(40);
    for (int i = 0; i < p->nsrc; i++) p->filtered[i] = p->seed_form && chance(35);
    p->count = chance(20);
    p->win_written = p->count || chance(85);
    if (p->count) p->win = rnd_in(1, 3);
    else if (!p->win_written) p->win = 60000;
    else if ((p->win_in_s = chance(20))) p->win = 1000 * rnd_in(1, 3);
    else p->win = rnd_in(1, 40);
    p->gsize = rnd_in(1, 20);
    p->where = (wherek)rnd(WH_NKINDS);
    p->consumer = chance(30);
    p->key_pool = chance(15) ? 12 : (int)rnd_in(1, 4);
    if (chance(20)) p->max_keys = rnd_in(1, 4);
    if (chance(20) && !p->count) p->max_rows = rnd_in(1, 6);
    p->per_key_s = chance(30);
    p->per_key_a = chance(30);
}

/* The name a side goes by: the source itself, or the seed form's alias. */
static const char *alias(const shape *p, int i)
{
    static const char *const seed[] = {"P", "Q", "R"};
    return p->seed_form ? seed[i] : src_name[p->src[i]];
}

static void write_program(FILE *f, const shape *p)
{
    fputs("# generated by join_diff\n", f);
    if (p->max_keys || p->max_rows) {
        fputs("config {\n", f);
        if (p->max_keys) fprintf(f, "    max_partitions: %lld\n", (long long)p->max_keys);
        if (p->max_rows) fprintf(f, "    max_window_rows: %lld\n", (long long)p->max_rows);
        fputs("}\n\n", f);
    }
    if (p->declared) {
        fputs("event A:\n    k: str?\n    x: int?\n    s: str?\n", f);
        fputs("event B:\n    k: str?\n    y: float?\n    s: str?\n", f);
        fputs("event C:\n    k: str?\n    z: int?\n\n", f);
    }
    if (uses(p, SRC_D)) fputs("stream D = B.where(y > 2.0)\n", f);
    if (uses(p, SRC_G))
        fprintf(f, "stream G = C.window(%lldms).partition_by(k).aggregate(n: count())\n", (long long)p->gsize);
    if (p->per_key_a) fputs("stream V = A.partition_by(k).window(2).aggregate(c: count()).emit()\n", f);
    fputs("stream S = join(", f);
    for (int i = 0; i < p->nsrc; i++) {
        if (i) fputs(", ", f);
        if (!p->seed_form) {
            fputs(src_name[p->src[i]], f);
            continue;
        }
        fprintf(f, "stream %s from %s", alias(p, i), src_name[p->src[i]]);
        if (p->filtered[i]) fprintf(f, " where %s", item_filter[p->src[i]]);
    }
    /* the key equalities: a chain, each written either way round */
    char on[128] = "";
    for (int i = 1; i < p->nsrc; i++) {
        char eq[48];
        int a = i - 1, b = i;
        if (chance(50)) a = i, b = i - 1;
        snprintf(eq, sizeof eq, "%s%s.k == %s.k", i > 1 ? " and " : "", alias(p, a), alias(p, b));
        strcat(on, eq);
    }
    if (p->seed_form) fprintf(f, " on %s)\n", on);
    else fprintf(f, ")\n    .on(%s)\n", on);
    if (p->count) fprintf(f, "    .window(%lld)\n", (long long)p->win);
    else if (p->win_in_s) fprintf(f, "    .window(%llds)\n", (long long)(p->win / 1000));
    else if (p->win_written) fprintf(f, "    .window(%lldms)\n", (long long)p->win);
    const char *a = alias(p, input_of(p, SRC_A, SRC_A)), *b = alias(p, input_of(p, SRC_B, SRC_D));
    switch (p->where) {
    case WH_X_NE_3: fprintf(f, "    .where(%s.x != 3)\n", a); break;
    case WH_X_LT_6: fprintf(f, "    .where(%s.x < 6)\n", a); break;
    case WH_BS_NE_Q: fprintf(f, "    .where(%s.s != \"q\")\n", b); break;
    default: break;
    }
    fprintf(f, "    .emit(k: %s.k, x: %s.x, s: %s.s, y: %s.y, bs: %s.s", a, a, a, b, b);
    int c = input_of(p, SRC_C, SRC_G);
    if (c >= 0) fprintf(f, ", %s: %s.%s", p->src[c] == SRC_C ? "z" : "n", alias(p, c), p->src[c] == SRC_C ? "z" : "n");
    fputs(", at: now())\n", f);
    if (p->consumer) fputs("stream T = S.where(k != \"b\").emit()\n", f);
    if (p->per_key_s) fputs("stream U = S.partition_by(k).window(2).aggregate(c: count()).emit()\n", f);
}

/* ---- input ---- */

typedef struct {
    srck type; /* SRC_A, SRC_B or SRC_C */
    int64_t ts; /* ms */
    val k, x, y, s, z;
} event;

static val gen_key(const shape *p, bool numbers_equal)
{
    int64_t r = rnd(p->key_pool + 3);
    if (r == p->key_pool) return chance(50) ? v_null() : (val){.tag = V_MISSING};
    if (r > p->key_pool && !p->declared) {
        /* 1 and 1.0 are one join key (not one partition: C's keys stay ints) */
        if (numbers_equal && chance(50)) return (val){.tag = V_FLT, .f = 1.0};
        return v_int(1);
    }
    char b[16];
    snprintf(b, sizeof b, "%c", (char)('a' + rnd(p->key_pool)));
    return v_str(b);
}

static val gen_maybe_null(val v)
{
    int r = (int)rnd(100);
    return r < 8 ? v_null() : r < 16 ? (val){.tag = V_MISSING} : v;
}

static val gen_s(void)
{
    if (chance(25)) return v_str(chance(50) ? "p" : "q");
    char b[40];
    snprintf(b, sizeof b, "%s-%d", chance(50) ? "a longer string value" : "s", (int)rnd(1000));
    return gen_maybe_null(v_str(b));
}

/* Times mostly increase, with equal times, rows exactly at the window's
 * edge and one ms around it, out-of-order rows and gaps beyond the window. */
static int gen_events(const shape *p, event *ev)
{
    int n = (int)rnd_in(10, MAX_EVENTS);
    int64_t w = p->count ? 20 : p->win;
    int64_t t = 1700000000000LL + rnd(1000);
    for (int j = 0; j < n; j++) {
        int64_t et = t;
        int r = (int)rnd(100);
        if (r < 35) et = t += rnd_in(0, w / 2 + 1);
        else if (r < 45) et = t; /* equal time */
        else if (r < 60 && j) { /* an earlier row at the edge of the window, or next to it */
            int64_t e = ev[j - 1 - rnd(j < 4 ? j : 4)].ts + w + rnd_in(-1, 1);
            et = e;
            if (e > t) t = e;
        } else if (r < 75) et = t - rnd_in(0, 2 * w); /* out of order */
        else if (r < 82) et = t += rnd_in(w + 1, 4 * w); /* a gap */
        else et = t += 1;
        event *e = &ev[j];
        memset(e, 0, sizeof *e);
        int ty = (int)rnd(p->nsrc);
        e->type = p->src[ty] == SRC_D ? SRC_B : p->src[ty] == SRC_G ? SRC_C : p->src[ty];
        e->ts = et;
        e->k = gen_key(p, e->type != SRC_C);
        switch (e->type) {
        case SRC_A:
            e->x = gen_maybe_null(v_int(rnd_in(-2, 9)));
            e->s = gen_s();
            break;
        case SRC_B: {
            double y = (double)rnd_in(0, 500) / 100.0;
            char b[16];
            snprintf(b, sizeof b, "%.2f", y);
            e->y = gen_maybe_null((val){.tag = V_FLT, .f = strtod(b, NULL)});
            e->s = gen_s();
            break;
        }
        default: e->z = gen_maybe_null(v_int(rnd_in(-1, 3))); break;
        }
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
        fprintf(f, "{\"event_type\":\"%s\"", src_name[e->type]);
        write_field(f, "k", e->k);
        if (e->type == SRC_A) write_field(f, "x", e->x);
        if (e->type == SRC_B) write_field(f, "y", e->y);
        if (e->type != SRC_C) write_field(f, "s", e->s);
        if (e->type == SRC_C) write_field(f, "z", e->z);
        fprintf(f, ",\"ts\":%lld}\n", (long long)e->ts);
    }
}

/* ---- the reference model ---- */

/* A row as a stream sees it: absent fields null, time in ns. G's rows have
 * k and n; S's rows (for T) are its output line. */
typedef struct {
    srck src;
    int64_t t;
    val k, x, y, s, z, n;
    int line; /* S: the index of its output row */
} row;

typedef struct {
    int nf;
    char name[MAX_FIELDS][16];
    val v[MAX_FIELDS];
} outrow;

/* A row the join admitted (passed its key and row limits). */
typedef struct {
    int input;
    row r;
    bool replaced; /* a later row of its input and key had a time no earlier */
} held;

typedef struct {
    int64_t end; /* ms */
    int key;
    int64_t rows;
    bool open;
} gwin;

/* U, V: per key (as `==` compares), the rows a count window of 2 took. */
typedef struct {
    val key[MAX_ROWS]; /* as the key's first row had it */
    int n[MAX_ROWS];
    int nkeys, dropped;
} counts;

typedef struct {
    const shape *p;
    /* the queue of rows for dependent streams (breadth-first, §4.1) */
    row queue[MAX_ROWS + MAX_OUT];
    int qhead, qn;
    /* G */
    int64_t gclock; /* ms */
    val gkeys[MAX_EVENTS];
    int ngkeys;
    gwin gw[MAX_WINDOWS];
    int ngw, g_late, g_keys;
    /* S */
    int64_t clock; /* ns */
    held rows[MAX_ROWS];
    int nrows;
    val keys[3][MAX_ROWS]; /* per input: the keys it took */
    int nkeys[3];
    int64_t max_keys, max_rows;
    int c_keys, c_rows;
    /* U and V */
    counts u, v;
    int nout;
    outrow *out; /* MAX_OUT */
} model;

static void put(outrow *o, const char *name, val v)
{
    snprintf(o->name[o->nf], sizeof o->name[0], "%s", name);
    o->v[o->nf++] = is_null(v) ? v_null() : v;
}

static outrow *new_out(model *m, const char *stream)
{
    if (m->nout == MAX_OUT) {
        fprintf(stderr, "join_diff: too many output rows\n");
        exit(2);
    }
    outrow *o = &m->out[m->nout++];
    memset(o, 0, sizeof *o);
    put(o, "stream", v_str(stream));
    return o;
}

static void enqueue(model *m, row r)
{
    if (m->qn == (int)(sizeof m->queue / sizeof m->queue[0])) {
        fprintf(stderr, "join_diff: queue full\n");
        exit(2);
    }
    m->queue[m->qn++] = r;
}

/* `x cmp c` with a null x: false (comparisons with null are null). */
static bool x_lt(val x, int64_t c) { return is_num(x) && num(x) < (double)c; }
static bool x_gt(val x, double c) { return is_num(x) && num(x) > c; }

/* The seed form's filter of input i. */
static bool item_passes(const shape *p, int i, const row *r)
{
    if (!p->filtered[i]) return true;
    switch (p->src[i]) {
    case SRC_A: return x_gt(r->x, 0);
    case SRC_B:
    case SRC_D: return !v_eq(r->s, v_str("p"));
    case SRC_C: return !v_eq(r->z, v_int(0));
    default: return x_gt(r->n, 1);
    }
}

/* The joined row of parts[], through .where and .emit. */
static void joined(model *m, row *const parts[3])
{
    const shape *p = m->p;
    int64_t t = INT64_MIN;
    for (int i = 0; i < p->nsrc; i++)
        if (parts[i]->t > t) t = parts[i]->t;
    const row *a = parts[input_of(p, SRC_A, SRC_A)], *b = parts[input_of(p, SRC_B, SRC_D)];
    switch (p->where) {
    case WH_X_NE_3:
        if (v_eq(a->x, v_int(3))) return;
        break;
    case WH_X_LT_6:
        if (!x_lt(a->x, 6)) return;
        break;
    case WH_BS_NE_Q:
        if (v_eq(b->s, v_str("q"))) return;
        break;
    default: break;
    }
    outrow *o = new_out(m, "S");
    put(o, "k", a->k);
    put(o, "x", a->x);
    put(o, "s", a->s);
    put(o, "y", b->y);
    put(o, "bs", b->s);
    int c = input_of(p, SRC_C, SRC_G);
    if (c >= 0 && p->src[c] == SRC_C) put(o, "z", parts[c]->z);
    if (c >= 0 && p->src[c] == SRC_G) put(o, "n", parts[c]->n);
    put(o, "at", v_int(t / MS)); /* now(): the row's time in ms (positive here) */
    if (p->consumer || p->per_key_s) /* to T and U */
        enqueue(m, (row){.src = SRC_S, .t = t, .k = a->k, .line = m->nout - 1});
}

/* Rows of the join still held at clock lim: admitted, not older than lim,
 * not replaced. */
static int64_t held_rows(const model *m, int64_t lim)
{
    int64_t n = 0;
    for (int j = 0; j < m->nrows; j++) n += m->rows[j].r.t >= lim && !m->rows[j].replaced;
    return n;
}

/* Row r enters the join as input i. */
static void join_row(model *m, int i, const row *r)
{
    const shape *p = m->p;
    if (!item_passes(p, i, r)) return;
    int64_t lim = INT64_MIN;
    if (!p->count) {
        if (r->t > m->clock) m->clock = r->t;
        lim = m->clock - p->win * MS;
    }
    /* keys per input (vpc's choice: a key once taken stays counted) */
    bool known = false;
    for (int j = 0; j < m->nkeys[i] && !known; j++) known = v_eq(m->keys[i][j], r->k);
    if (!known) {
        if (m->nkeys[i] >= m->max_keys) {
            m->c_keys++;
            return;
        }
        m->keys[i][m->nkeys[i]++] = r->k;
    }
    /* rows held over all inputs (vpc's choice: counted before the rows
     * this one replaces go) */
    if (!p->count && held_rows(m, lim) >= m->max_rows) {
        m->c_rows++;
        return;
    }
    for (int j = 0; j < m->nrows; j++) {
        held *h = &m->rows[j];
        if (h->input == i && v_eq(h->r.k, r->k) && h->r.t <= r->t) h->replaced = true;
    }
    m->rows[m->nrows++] = (held){.input = i, .r = *r};
    /* every other input's most recent row with an equal key, no older than
     * the clock minus the window (which covers "time >= this row's - d") */
    row *parts[3];
    for (int q = 0; q < p->nsrc; q++) {
        parts[q] = NULL;
        if (q == i) {
            parts[q] = &m->rows[m->nrows - 1].r;
            continue;
        }
        for (int j = m->nrows - 1; j >= 0 && !parts[q]; j--) {
            held *h = &m->rows[j];
            if (h->input == q && v_eq(h->r.k, r->k) && h->r.t >= lim) parts[q] = &h->r;
        }
        if (!parts[q]) return;
    }
    joined(m, parts);
}

/* ---- G: tumbling windows of C by k, counted ---- */

static int by_end_then_key(const void *a, const void *b)
{
    const gwin *x = *(gwin *const *)a, *y = *(gwin *const *)b;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return x->key - y->key;
}

/* Closes G's windows with end <= its clock (or all): one row each, at
 * end - 1 ns, by end and then by first appearance of the key. */
static void g_close(model *m, bool all)
{
    gwin *c[MAX_WINDOWS];
    int n = 0;
    for (int j = 0; j < m->ngw; j++)
        if (m->gw[j].open && (all || m->gw[j].end <= m->gclock)) c[n++] = &m->gw[j];
    qsort(c, (size_t)n, sizeof c[0], by_end_then_key);
    for (int j = 0; j < n; j++) {
        c[j]->open = false;
        row r = {.src = SRC_G, .t = c[j]->end * MS - 1, .k = m->gkeys[c[j]->key], .n = v_int(c[j]->rows)};
        enqueue(m, r);
    }
}

static int64_t fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void g_row(model *m, const row *r)
{
    int64_t ms = r->t / MS, size = m->p->gsize;
    if (ms > m->gclock) m->gclock = ms;
    g_close(m, false);
    int64_t end = (fdiv(ms, size) + 1) * size;
    if (end <= m->gclock) { /* its window has closed */
        m->g_late++;
        return;
    }
    int key = -1;
    for (int j = 0; j < m->ngkeys && key < 0; j++) /* partitions: the same value and type */
        if (m->gkeys[j].tag == r->k.tag && v_eq(m->gkeys[j], r->k)) key = j;
    if (key < 0) {
        if (m->ngkeys >= m->max_keys) {
            m->g_keys++;
            return;
        }
        key = m->ngkeys++;
        m->gkeys[key] = r->k;
    }
    gwin *w = NULL;
    for (int j = 0; j < m->ngw && !w; j++)
        if (m->gw[j].open && m->gw[j].key == key && m->gw[j].end == end) w = &m->gw[j];
    if (!w) {
        for (int j = 0; j < m->ngw && !w; j++)
            if (!m->gw[j].open) w = &m->gw[j];
        if (!w) w = &m->gw[m->ngw++];
        *w = (gwin){.end = end, .key = key, .open = true};
    }
    w->rows++;
}

/* ---- U and V: every 2 rows of a key, its count ---- */

static void count_row(model *m, counts *c, const char *stream, val k)
{
    int j = 0;
    while (j < c->nkeys && !v_eq(c->key[j], k)) j++;
    if (j == c->nkeys) {
        if (c->nkeys >= m->max_keys) {
            c->dropped++;
            return;
        }
        c->key[c->nkeys] = k;
        c->n[c->nkeys++] = 0;
    }
    if (++c->n[j] % 2) return;
    outrow *o = new_out(m, stream);
    put(o, "k", c->key[j]);
    put(o, "c", v_int(2));
}

/* ---- dispatch ---- */

/* A row of stream or event src to the streams reading it. */
static void deliver(model *m, const row *r)
{
    const shape *p = m->p;
    if (r->src == SRC_S) {
        if (p->consumer && !v_eq(r->k, v_str("b"))) { /* T = S.where(k != "b").emit(): S's line again */
            outrow *o = new_out(m, "T");
            const outrow *s = &m->out[r->line];
            for (int j = 1; j < s->nf; j++) put(o, s->name[j], s->v[j]);
        }
        if (p->per_key_s) count_row(m, &m->u, "U", r->k);
        return;
    }
    if (r->src == SRC_A && p->per_key_a) count_row(m, &m->v, "V", r->k);
    if (r->src == SRC_B && uses(p, SRC_D) && x_gt(r->y, 2.0)) {
        row d = *r;
        d.src = SRC_D;
        enqueue(m, d);
    }
    if (r->src == SRC_C && uses(p, SRC_G)) g_row(m, r);
    for (int i = 0; i < p->nsrc; i++)
        if (p->src[i] == r->src) join_row(m, i, r);
}

static void drain(model *m)
{
    while (m->qhead < m->qn) {
        row r = m->queue[m->qhead++];
        deliver(m, &r);
    }
    m->qhead = m->qn = 0;
}

static void model_run(model *m, const shape *p, const event *ev, int n)
{
    memset(m->nkeys, 0, sizeof m->nkeys);
    m->p = p;
    m->qhead = m->qn = m->ngkeys = m->ngw = m->g_late = m->g_keys = 0;
    m->nrows = m->c_keys = m->c_rows = m->nout = 0;
    m->u.nkeys = m->u.dropped = m->v.nkeys = m->v.dropped = 0;
    m->gclock = INT64_MIN;
    m->clock = INT64_MIN;
    m->max_keys = p->max_keys ? p->max_keys : INT64_MAX;
    m->max_rows = p->max_rows ? p->max_rows : INT64_MAX;
    for (int j = 0; j < n; j++) {
        const event *e = &ev[j];
        row r = {.src = e->type, .t = e->ts * MS, .k = e->k, .x = e->x, .y = e->y, .s = e->s, .z = e->z};
        val *all[] = {&r.k, &r.x, &r.y, &r.s, &r.z};
        for (int q = 0; q < 5; q++)
            if (all[q]->tag == V_MISSING) *all[q] = v_null();
        deliver(m, &r);
        drain(m);
    }
    if (uses(p, SRC_G)) { /* end of input: G's open windows close */
        g_close(m, true);
        drain(m);
    }
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
    if (!strncmp(q, "true", 4)) return *v = v_bool(true), q + 4;
    if (!strncmp(q, "false", 5)) return *v = v_bool(false), q + 5;
    char *end;
    double f = strtod(q, &end);
    if (end == q) return NULL;
    if (memchr(q, '.', (size_t)(end - q)) || memchr(q, 'e', (size_t)(end - q))) *v = (val){.tag = V_FLT, .f = f};
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

/* The counters of the run summary ("vprt: stream S: rows dropped: join key
 * limit (2) reached: 3"); absent ones are 0. */
typedef struct {
    int keys, rows, g_late, g_keys, u_keys, v_keys;
} counters;

static counters read_counters(const char *path)
{
    counters c = {0, 0, 0, 0, 0, 0};
    FILE *f = fopen(path, "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        const char *q = strrchr(line, ':');
        if (!q) continue;
        int n = atoi(q + 1);
        if (strstr(line, "stream S: rows dropped: join key limit")) c.keys = n;
        else if (strstr(line, "stream S: rows dropped: join row limit")) c.rows = n;
        else if (strstr(line, "stream G: late rows dropped")) c.g_late = n;
        else if (strstr(line, "stream G: rows dropped: partition limit")) c.g_keys = n;
        else if (strstr(line, "stream U: rows dropped: partition limit")) c.u_keys = n;
        else if (strstr(line, "stream V: rows dropped: partition limit")) c.v_keys = n;
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
        else if (c.keys != m->c_keys || c.rows != m->c_rows || c.g_late != m->g_late || c.g_keys != m->g_keys ||
                 c.u_keys != m->u.dropped || c.v_keys != m->v.dropped)
            snprintf(why, sizeof why,
                     "counters S key limit/S row limit/G late/G partition limit/U, V partition limit: "
                     "%d/%d/%d/%d/%d/%d, expected %d/%d/%d/%d/%d/%d",
                     c.keys, c.rows, c.g_late, c.g_keys, c.u_keys, c.v_keys, m->c_keys, m->c_rows, m->g_late,
                     m->g_keys, m->u.dropped, m->v.dropped);
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
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: join_diff <vpc> [seeds [first-seed [aot-every]]]\n");
        return 2;
    }
    char *vpc = argv[1];
    long seeds = argc > 2 ? atol(argv[2]) : 150;
    uint64_t first = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    long aot_every = argc > 4 ? atol(argv[4]) : 10;
    if (!dt_mkdir("join_diff")) return 2;
    static model m;
    m.out = calloc(MAX_OUT, sizeof(outrow));
    static event ev[MAX_EVENTS];
    int failed = 0, aot = 0;
    long rows = 0;
    for (long c = 0; c < seeds && failed < 5; c++) {
        uint64_t seed = first + (uint64_t)c;
        rng_state = seed * 0x2545f4914f6cdd1dULL;
        shape p;
        gen_shape(&p);
        FILE *f = fopen(dt_path("q.vpl"), "w");
        if (!f) return perror("q.vpl"), 2;
        write_program(f, &p);
        fclose(f);
        int n = gen_events(&p, ev);
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
    printf("join_diff: %ld seeds from %llu (%d also built AOT), %ld reference rows: %s\n", seeds,
           (unsigned long long)first, aot, rows, failed ? "FAILED" : "all equal");
    return failed ? 1 : 0;
}
