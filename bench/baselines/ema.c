/* ema — hand-written baseline for scenarios/ema.vpl:
 *
 *   stream Macd = Tick
 *       .partition_by(symbol)
 *       .window(26, sliding: 1)
 *       .aggregate(d: ema(price, 12) - ema(price, 26))
 *   stream Cross = Macd
 *       .partition_by(symbol)
 *       .window(2, sliding: 1)
 *       .aggregate(prev: first(d), cur: last(d))
 *       .where(prev < 0.0 and cur >= 0.0 or prev >= 0.0 and cur < 0.0)
 *       .emit(symbol: symbol, prev: prev, d: cur)
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7). Per symbol,
 * from its 26th tick on, d is the difference of two emas over its last 26
 * prices (§4.4: seeded with the window's first price, e = a·v + (1 − a)·e in
 * row order, a = 2/13 and 2/27); a tick whose d has the other sign than the
 * symbol's previous d writes {"stream":"Cross","symbol":...,"prev":...,
 * "d":...}.
 *
 * The emas of a sliding window are kept the usual O(1) way, the one vpc
 * uses, so that the floats agree to the bit: the window is a queue of
 * prices read as two stacks. An ema over some prices is the map
 * e -> m·e + c it applies to a seeded value, with its own seeded value s;
 * a newer part (m2, c2, s2) after an older one (m1, c1, s1) gives
 * (m2·m1, m2·c1 + c2, m2·s1 + c2). The newer prices ("back") are folded one
 * by one; the older ones ("front") keep the map of themselves and every
 * newer front price, built newest first when the front runs out.
 *   usage: ema [--input FILE] [--output FILE]
 */
#include "bl.h"

#include <stdio.h>
#include <stdlib.h>

#define WINDOW 26 /* ticks per window */

/* Tick's fields as the query uses them: symbol keeps whatever value the
 * input had (§3); price counts only when it is a number. */
struct tick {
    bl_val symbol;
    bool has_price;
    double price;
};

enum { W_SYMBOL = 1, W_PRICE = 2, W_TS = 4 };
static unsigned warned; /* mismatches are reported once per field */

static void warn_once(unsigned bit, const char *field, const char *want)
{
    if (!(warned & bit)) {
        warned |= bit;
        fprintf(stderr, "warning: Tick.%s: input value is not %s; kept as is\n", field, want);
    }
}

static void set_field(void *ev, bl_str key, const bl_val *v)
{
    struct tick *t = ev;
    switch (key.n) {
    case 2:
        if (BL_STR_EQ(key, "ts") && v->kind != BL_INT && v->kind != BL_NULL && v->kind != BL_FLOAT &&
            v->kind != BL_STR)
            warn_once(W_TS, "ts", "a timestamp");
        break;
    case 5:
        if (BL_STR_EQ(key, "price")) {
            t->has_price = v->kind == BL_INT || v->kind == BL_FLOAT;
            t->price = v->kind == BL_INT ? (double)v->i : v->f;
            if (!t->has_price && v->kind != BL_NULL)
                warn_once(W_PRICE, "price", "a float");
        }
        break;
    case 6:
        if (BL_STR_EQ(key, "symbol")) {
            t->symbol = *v;
            if (v->kind != BL_STR && v->kind != BL_NULL)
                warn_once(W_SYMBOL, "symbol", "a str");
        }
        break;
    }
}

/* Decode one line. Returns 1 for a Tick (in *t), 0 for another event type,
 * -1 for a malformed line (reported). */
static int decode(bl_in *in, bl_str line, struct tick *t)
{
    bl_str type;
    bl_val data;

    memset(t, 0, sizeof *t);
    if (bl_event_top(in, line, t, set_field, &type, &data) < 0)
        return -1;
    if (!BL_STR_EQ(type, "Tick"))
        return 0;
    if (data.kind == BL_OBJECT) { /* nested form: the fields are data's members */
        memset(t, 0, sizeof *t);
        if (!bl_event_fields(in, data.s, t, set_field))
            return -1;
    }
    return 1;
}

/* ---- An ema over some prices, in row order ---- */

static const double A[2] = {2.0 / 13.0, 2.0 / 27.0}; /* ema(price, 12), ema(price, 26) */
static const double B[2] = {1.0 - 2.0 / 13.0, 1.0 - 2.0 / 27.0};

struct ema {
    bool has;    /* some price */
    double s;    /* the ema, seeded with the first price */
    double m, c; /* as a map of a seeded value: e -> m·e + c */
};

/* *e followed by price x. */
static inline void ema_add(struct ema *e, int k, double x)
{
    e->s = e->has ? A[k] * x + B[k] * e->s : x;
    e->c = e->has ? A[k] * x + B[k] * e->c : A[k] * x;
    e->m = e->has ? B[k] * e->m : B[k];
    e->has = true;
}

/* *l followed by *r. */
static inline struct ema ema_cat(const struct ema *l, const struct ema *r)
{
    if (!l->has || !r->has)
        return l->has ? *l : *r;
    struct ema o = {true, r->m * l->s + r->c, r->m * l->m, r->m * l->c + r->c};
    return o;
}

/* ---- Partitions: a bl_keys table keyed by the symbol ---- */

#define QCAP (WINDOW + 1)

struct part {
    bool seen;
    bl_val first;               /* the key as first seen, written in the output rows */
    uint64_t ticks;             /* prices received */
    double price[QCAP];         /* the window's prices, a ring, oldest at head */
    bool numeric[QCAP];         /* ... when they are numbers: the emas skip the others */
    struct ema front[QCAP][2];  /* front prices: each with the newer front ones */
    uint32_t head, n, nf;       /* n prices, the oldest nf of them the front */
    struct ema back[2];         /* the other prices */
    bool has_d, d_null;         /* a previous Macd row; its d is null (no price) */
    double d;                   /* its d */
};

static inline struct part *part_get(bl_keys *t, const bl_val *v)
{
    bl_key *k = bl_key_val(t, v);
    struct part *e = bl_key_data(k);
    if (!e->seen) {
        e->seen = true;
        e->first = *v;
        if (v->kind == BL_STR || v->kind == BL_ARRAY || v->kind == BL_OBJECT)
            e->first.s = (bl_str){k->key, k->keyn};
    }
    return e;
}

static inline uint32_t slot(const struct part *e, uint32_t i) { return (e->head + i) % QCAP; }

/* Every price becomes a front price. */
static void flip(struct part *e)
{
    for (int k = 0; k < 2; k++) {
        struct ema later = {0};
        for (uint32_t i = e->n; i-- > 0;) {
            struct ema one = {0};
            if (e->numeric[slot(e, i)])
                ema_add(&one, k, e->price[slot(e, i)]);
            later = e->front[slot(e, i)][k] = ema_cat(&one, &later);
        }
        e->back[k] = (struct ema){0};
    }
    e->nf = e->n;
}

static void pop(struct part *e)
{
    if (!e->nf)
        flip(e);
    e->head = (e->head + 1) % QCAP;
    e->n--;
    e->nf--;
}

/* ---- The query ---- */

static void write_row(bl_out *out, const struct part *e, double prev, double d)
{
    BL_OUT_LIT(out, "{\"stream\":\"Cross\",\"symbol\":");
    if (e->first.kind == BL_STR)
        bl_out_str(out, e->first.s);
    else
        bl_out_val(out, &e->first);
    BL_OUT_LIT(out, ",\"prev\":");
    bl_out_double(out, prev);
    BL_OUT_LIT(out, ",\"d\":");
    bl_out_double(out, d);
    BL_OUT_LIT(out, "}\n");
}

int main(int argc, char **argv)
{
    bl_in in;
    bl_out out;
    bl_open(argc, argv, &in, &out);

    bl_keys parts;
    bl_keys_init(&parts, 256, sizeof(struct part));
    bl_str line;
    struct tick t;

    while (bl_in_object(&in, &line)) {
        if (decode(&in, line, &t) <= 0)
            continue;
        struct part *e = part_get(&parts, &t.symbol);
        e->numeric[slot(e, e->n)] = t.has_price;
        e->price[slot(e, e->n++)] = t.price;
        if (t.has_price)
            for (int k = 0; k < 2; k++)
                ema_add(&e->back[k], k, t.price);
        if (++e->ticks < WINDOW)
            continue;
        /* the window of the last 26 ticks: its Macd row */
        struct ema all[2];
        for (int k = 0; k < 2; k++) {
            struct ema none = {0};
            all[k] = ema_cat(e->nf ? &e->front[e->head][k] : &none, &e->back[k]);
        }
        bool d_null = !all[0].has; /* both emas see the same prices */
        double d = all[0].s - all[1].s;
        pop(e); /* the oldest tick is in no later window */
        /* Cross: this d and the previous one; comparisons with null are false */
        if (e->has_d && !e->d_null && !d_null && ((e->d < 0.0 && d >= 0.0) || (e->d >= 0.0 && d < 0.0)))
            write_row(&out, e, e->d, d);
        e->has_d = true;
        e->d_null = d_null;
        e->d = d;
    }

    bl_keys_free(&parts);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
