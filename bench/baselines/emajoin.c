/* emajoin — hand-written baseline for scenarios/emajoin.vpl:
 *
 *   stream Fast = Tick.partition_by(symbol).window(12, sliding: 1)
 *       .aggregate(fast: ema(price, 12))
 *   stream Slow = Tick.partition_by(symbol).window(26, sliding: 1)
 *       .aggregate(slow: ema(price, 26))
 *   stream Macd = join(Fast, Slow)
 *       .on(Fast.symbol == Slow.symbol)
 *       .window(1ns)
 *       .select(symbol: Fast.symbol, d: Fast.fast - Slow.slow)
 *   stream Cross = Macd.partition_by(symbol).window(2, sliding: 1)
 *       .aggregate(prev: first(d), cur: last(d))
 *       .where(prev < 0.0 and cur >= 0.0 or prev >= 0.0 and cur < 0.0)
 *       .emit(symbol: symbol, prev: prev, d: cur)
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7). Per symbol,
 * from its 12th tick on a Fast row (the ema of its last 12 prices), from its
 * 26th a Slow row (of its last 26), both at the tick's time, Fast first
 * (§4.1: declaration order). The join (§4.6) holds the latest row of each
 * side per symbol; an arriving row pairs with the other side's held row when
 * that one is no older than the arrival time - 1 ns and not expired (no
 * older than the join's clock, the latest time it has seen, - 1 ns). With
 * ticks in time order (as generated) a held row is replaced by the next one
 * of its side, so one row per side and symbol is enough, and each tick from
 * the 26th makes one Macd row, when its Slow row arrives. A Macd row whose d
 * has the other sign than the symbol's previous d writes
 * {"stream":"Cross","symbol":...,"prev":...,"d":...}.
 *
 * The emas of a sliding window are kept the usual O(1) way, the one vpc
 * uses, so that the floats agree to the bit: each window is a queue of
 * prices read as two stacks. An ema over some prices is the map
 * e -> m·e + c it applies to a seeded value, with its own seeded value s;
 * a newer part (m2, c2, s2) after an older one (m1, c1, s1) gives
 * (m2·m1, m2·c1 + c2, m2·s1 + c2). The newer prices ("back") are folded one
 * by one; the older ones ("front") keep the map of themselves and every
 * newer front price, built newest first when the front runs out.
 *   usage: emajoin [--input FILE] [--output FILE]
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
    bl_val ts, timestamp; /* candidates for the event time (§6) */
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
        if (BL_STR_EQ(key, "ts")) {
            t->ts = *v;
            if (v->kind != BL_INT && v->kind != BL_NULL && v->kind != BL_FLOAT && v->kind != BL_STR)
                warn_once(W_TS, "ts", "a timestamp");
        }
        break;
    case 5:
        if (BL_STR_EQ(key, "price")) {
            t->has_price = v->kind == BL_INT || v->kind == BL_FLOAT;
            t->price = v->kind == BL_INT ? (double)v->i : v->f;
            if (!t->has_price && v->kind != BL_NULL)
                warn_once(W_PRICE, "price", "a float");
        }
        break;
    case 9:
        if (BL_STR_EQ(key, "timestamp"))
            t->timestamp = *v;
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
 * -1 for a malformed line (reported). *ns: the event time (§6), left as it
 * was (the previous event's) when the line has none. */
static int decode(bl_in *in, bl_str line, struct tick *t, int64_t *ns)
{
    bl_str type;
    bl_val data, top_ts = {.kind = BL_ABSENT};

    memset(t, 0, sizeof *t);
    if (bl_event_top(in, line, t, set_field, &type, &data) < 0)
        return -1;
    if (data.kind == BL_OBJECT) { /* nested form: the fields are data's members */
        top_ts = t->timestamp;
        memset(t, 0, sizeof *t);
        if (!bl_event_fields(in, data.s, t, set_field))
            return -1;
    }
    if (!bl_val_time(&t->ts, ns) && !bl_val_time(&t->timestamp, ns))
        bl_val_time(&top_ts, ns);
    return BL_STR_EQ(type, "Tick") ? 1 : 0;
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

/* ---- One sliding count window of one ema: the last `size` prices ---- */

#define QCAP 27 /* the larger window, 26, plus the price arriving */

struct slider {
    double price[QCAP];    /* the window's prices, a ring, oldest at head */
    bool numeric[QCAP];    /* ... when they are numbers: the ema skips the others */
    struct ema front[QCAP]; /* front prices: each with the newer front ones */
    uint32_t head, n, nf;  /* n prices, the oldest nf of them the front */
    struct ema back;       /* the other prices */
};

static inline uint32_t slot(const struct slider *w, uint32_t i) { return (w->head + i) % QCAP; }

/* Every price becomes a front price. */
static void flip(struct slider *w, int k)
{
    struct ema later = {0};
    for (uint32_t i = w->n; i-- > 0;) {
        struct ema one = {0};
        if (w->numeric[slot(w, i)])
            ema_add(&one, k, w->price[slot(w, i)]);
        later = w->front[slot(w, i)] = ema_cat(&one, &later);
    }
    w->back = (struct ema){0};
    w->nf = w->n;
}

/* Adds the tick's price; once the window is full, *has and *v get its ema
 * (*has false: no numeric price), and the oldest price leaves. Returns
 * whether the window was full (a row). */
static inline bool slide(struct slider *w, int k, uint32_t size, const struct tick *t, bool *has, double *v)
{
    w->numeric[slot(w, w->n)] = t->has_price;
    w->price[slot(w, w->n++)] = t->price;
    if (t->has_price)
        ema_add(&w->back, k, t->price);
    if (w->n < size)
        return false;
    struct ema none = {0};
    struct ema all = ema_cat(w->nf ? &w->front[w->head] : &none, &w->back);
    *has = all.has;
    *v = all.s;
    if (!w->nf) /* the oldest price is in no later window */
        flip(w, k);
    w->head = (w->head + 1) % QCAP;
    w->n--;
    w->nf--;
    return true;
}

/* ---- Partitions: a bl_keys table keyed by the symbol ---- */

/* A row the join holds for one side. */
struct held {
    bool some;
    bool null; /* its ema is null */
    int64_t t;
    double v;
};

struct part {
    bool seen;
    bl_val first;              /* the key as first seen, written in the output rows */
    struct slider fast, slow;
    struct held side[2];       /* the join's rows: Fast, Slow */
    bool has_d, d_null;        /* a previous Macd row; its d is null */
    double d;                  /* its d */
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

/* ---- The query ---- */

#define JOIN_NS 1 /* .window(1ns) */

static int64_t join_clock = INT64_MIN; /* the latest time the join has seen */

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

/* Cross: a Macd row of e's symbol, its d (null: d_null). */
static void cross(bl_out *out, struct part *e, bool d_null, double d)
{
    /* comparisons with null are false */
    if (e->has_d && !e->d_null && !d_null && ((e->d < 0.0 && d >= 0.0) || (e->d >= 0.0 && d < 0.0)))
        write_row(out, e, e->d, d);
    e->has_d = true;
    e->d_null = d_null;
    e->d = d;
}

/* A row of side s (0 Fast, 1 Slow) of e's symbol reaches the join. */
static void join(bl_out *out, struct part *e, int s, int64_t t, bool null, double v)
{
    if (t > join_clock)
        join_clock = t;
    const struct held *o = &e->side[1 - s];
    if (o->some && o->t >= t - JOIN_NS && o->t >= join_clock - JOIN_NS) {
        bool f_null = s == 0 ? null : o->null, s_null = s == 0 ? o->null : null;
        double f = s == 0 ? v : o->v, sl = s == 0 ? o->v : v;
        cross(out, e, f_null || s_null, f - sl); /* d: null when either is */
    }
    struct held *h = &e->side[s];
    if (t >= join_clock - JOIN_NS && (!h->some || t >= h->t))
        *h = (struct held){true, null, t, v};
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
    int64_t now = 0; /* event time; the previous event's when a line has none */

    while (bl_in_object(&in, &line)) {
        if (decode(&in, line, &t, &now) <= 0)
            continue;
        struct part *e = part_get(&parts, &t.symbol);
        bool has_fast = false, has_slow = false;
        double fast = 0.0, slow = 0.0;
        bool is_fast = slide(&e->fast, 0, 12, &t, &has_fast, &fast);
        bool is_slow = slide(&e->slow, 1, 26, &t, &has_slow, &slow);
        if (is_fast)
            join(&out, e, 0, now, !has_fast, fast);
        if (is_slow)
            join(&out, e, 1, now, !has_slow, slow);
    }

    bl_keys_free(&parts);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
