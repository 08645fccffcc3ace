/* kleene — hand-written baseline for scenarios/kleene.vpl:
 *
 *   pattern Rise = SEQ(
 *       Tick as first,
 *       Tick+ where price > first.price as rising,
 *       Tick where price > rising.price as top
 *   ) within 60s partition by symbol
 *   stream Rises = Rise
 *       .emit(symbol: first.symbol, start: first.price, end: top.price,
 *             steps: len(rising))
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7). The run
 * model is §5.2: every Tick starts a run in its symbol's partition, after
 * offering itself to that partition's runs, oldest first. A run that has
 * no rising tick yet takes the tick as its first rising one if price >
 * first.price. A run with rising ticks first tries the next step (the exit
 * is non-greedy): price > the last rising price completes it (one row, run
 * removed); else price > first.price adds the tick to rising. Any other
 * tick is skipped. A run is discarded once the stream clock (the largest
 * Tick time so far, over all symbols) is more than 60 s past its first tick
 * (exactly 60 s still matches). Each run needs only first.price, the last
 * rising price and len(rising); a partition's runs are an array in
 * creation order, compacted as a tick walks it.
 *
 * Output order: per Tick, in input order, one row per run of its symbol
 * that the tick completes, oldest run first: {"stream":"Rises",
 * "symbol":first.symbol,"start":first.price,"end":top.price,"steps":len}.
 * At most 10,000 runs live per symbol (the oldest is evicted); the
 * generated data stays far below that (see gen.c). A price that is not a
 * number reads as null here (never compares, written as null); the
 * generated data has none.
 *   usage: kleene [--input FILE] [--output FILE]
 */
#include "bl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define WITHIN_NS INT64_C(60000000000) /* within 60s */
#define RUNS_MAX 10000                 /* live runs per partition (§5.2) */

/* A Tick as the query reads it. */
struct tick {
    bl_val symbol;
    double price; /* NaN: null or not a number */
    bl_val ts, timestamp; /* candidates for the event time (§6) */
};

static void set_field(void *ev, bl_str key, const bl_val *v)
{
    struct tick *e = ev;
    switch (key.n) {
    case 2:
        if (BL_STR_EQ(key, "ts"))
            e->ts = *v;
        break;
    case 5:
        if (BL_STR_EQ(key, "price"))
            e->price = v->kind == BL_INT ? (double)v->i : v->kind == BL_FLOAT ? v->f : NAN;
        break;
    case 6:
        if (BL_STR_EQ(key, "symbol"))
            e->symbol = *v;
        break;
    case 9:
        if (BL_STR_EQ(key, "timestamp"))
            e->timestamp = *v;
        break;
    }
}

/* Decode one line: 1 for a Tick (in *e), 0 for another type, -1 for a
 * malformed line (reported). *t becomes the line's event time if it has
 * one, else keeps the previous line's (§6). */
static int decode(bl_in *in, bl_str line, struct tick *e, int64_t *t)
{
    bl_str type;
    bl_val data, top_ts = {.kind = BL_ABSENT};

    memset(e, 0, sizeof *e);
    e->price = NAN;
    if (bl_event_top(in, line, e, set_field, &type, &data) < 0)
        return -1;
    if (data.kind == BL_OBJECT) { /* nested form: the fields are data's members */
        top_ts = e->timestamp;
        memset(e, 0, sizeof *e);
        e->price = NAN;
        if (!bl_event_fields(in, data.s, e, set_field))
            return -1;
    }
    if (!bl_val_time(&e->ts, t) && !bl_val_time(&e->timestamp, t))
        bl_val_time(&top_ts, t);
    return BL_STR_EQ(type, "Tick");
}

/* ---- Runs ---- */

struct run {
    int64_t t0;
    double first;       /* first.price */
    double last;        /* rising.price; +inf until the first rising tick */
    uint32_t len;       /* len(rising) */
    uint32_t sym_float; /* first.symbol was an integral float (its key is an int) */
};

/* A symbol's partition: its runs, oldest first. */
struct part {
    struct run *run;
    uint32_t n, cap;
};

/* first.symbol: the partition key's bytes are the value (strings verbatim,
 * arrays and objects compact); an int key may have been written as a float. */
static void out_symbol(bl_out *out, const bl_key *k, const struct run *r)
{
    int64_t i;
    double f;
    switch (k->tag) {
    case 's': bl_out_str(out, (bl_str){k->key, k->keyn}); break;
    case 'j': bl_out_raw(out, k->key, k->keyn); break;
    case 'b':
        if (k->key[0])
            BL_OUT_LIT(out, "true");
        else
            BL_OUT_LIT(out, "false");
        break;
    case 'i':
        memcpy(&i, k->key, 8);
        if (r->sym_float) {
            bl_out_double(out, (double)i);
        } else {
            bl_val v = {.kind = BL_INT, .i = i};
            bl_out_val(out, &v);
        }
        break;
    case 'f':
        memcpy(&f, k->key, 8);
        bl_out_double(out, f);
        break;
    default: BL_OUT_LIT(out, "null"); break;
    }
}

static void write_match(bl_out *out, const bl_key *k, const struct run *r, double top)
{
    BL_OUT_LIT(out, "{\"stream\":\"Rises\",\"symbol\":");
    out_symbol(out, k, r);
    BL_OUT_LIT(out, ",\"start\":");
    bl_out_double(out, r->first);
    BL_OUT_LIT(out, ",\"end\":");
    bl_out_double(out, top);
    BL_OUT_LIT(out, ",\"steps\":");
    bl_val steps = {.kind = BL_INT, .i = r->len};
    bl_out_val(out, &steps);
    BL_OUT_LIT(out, "}\n");
}

/* Offers a tick at price p to every run of the partition, oldest first:
 * completes, extends or skips each, drops the completed and expired ones.
 * last is +inf until the first rising tick, so p > last never completes a
 * run without one; a NaN (null) price compares false either way. */
static void advance(bl_out *out, const bl_key *k, struct part *pt, double p, int64_t clock)
{
    struct run *run = pt->run;
    uint32_t w = 0;
    for (uint32_t i = 0; i < pt->n; i++) {
        struct run r = run[i];
        if (clock > r.t0 && (uint64_t)clock - (uint64_t)r.t0 > (uint64_t)WITHIN_NS)
            continue;
        if (p > r.last) {
            write_match(out, k, &r, p);
            continue;
        }
        if (p > r.first) {
            r.len++;
            r.last = p;
        }
        run[w++] = r;
    }
    pt->n = w;
}

/* Appends a new run, evicting the oldest when RUNS_MAX are live. */
static void start(struct part *pt, const struct tick *e, int64_t t, uint64_t *evicted)
{
    if (pt->n == RUNS_MAX) {
        memmove(pt->run, pt->run + 1, (pt->n - 1) * sizeof *pt->run);
        pt->n--;
        ++*evicted;
    }
    if (pt->n == pt->cap) {
        pt->cap = pt->cap ? 2 * pt->cap : 64;
        if (pt->cap > RUNS_MAX)
            pt->cap = RUNS_MAX;
        pt->run = bl_xrealloc(pt->run, pt->cap * sizeof *pt->run);
    }
    pt->run[pt->n++] = (struct run){
        .t0 = t,
        .first = e->price,
        .last = INFINITY,
        .sym_float = e->symbol.kind == BL_FLOAT,
    };
}

int main(int argc, char **argv)
{
    bl_in in;
    bl_out out;
    bl_open(argc, argv, &in, &out);

    bl_keys parts;
    bl_keys_init(&parts, 256, sizeof(struct part));
    bl_str line;
    struct tick e;
    int64_t t = 0;             /* event time of the previous line, 0 at the start */
    int64_t clock = INT64_MIN; /* the pattern's stream clock */
    uint64_t evicted = 0;

    while (bl_in_object(&in, &line)) {
        if (decode(&in, line, &e, &t) <= 0)
            continue;
        if (t > clock)
            clock = t;
        bl_key *k = bl_key_val(&parts, &e.symbol);
        struct part *pt = bl_key_data(k);
        advance(&out, k, pt, e.price, clock);
        start(pt, &e, t, &evicted);
    }

    if (evicted)
        fprintf(stderr, "kleene: %llu runs evicted by the 10,000-run cap\n", (unsigned long long)evicted);
    for (size_t i = 0; i <= parts.mask; i++)
        free(((struct part *)bl_key_data(bl_keys_at(&parts, i)))->run);
    bl_keys_free(&parts);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
