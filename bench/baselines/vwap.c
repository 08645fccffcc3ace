/* vwap — hand-written baseline for scenarios/vwap.vpl:
 *
 *   stream Vwap = Trade
 *       .partition_by(symbol)
 *       .window(100)
 *       .aggregate(vwap: sum(price * volume) / sum(volume), volume: sum(volume),
 *                  trades: count())
 *       .where(volume > 0)
 *       .emit(symbol: symbol, vwap: vwap, volume: volume, trades: trades)
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7) and keeps,
 * per symbol, the running sums of its open count window (§4.3, §4.4). The
 * row that fills a window writes {"stream":"Vwap","symbol":...,"vwap":...,
 * "volume":...,"trades":100} if the window's volume sum is > 0, and empties
 * it. Partial windows are never written.
 *   usage: vwap [--input FILE] [--output FILE]
 */
#include "bl.h"

#include <stdio.h>
#include <stdlib.h>

#define WINDOW 100 /* rows per count window */

/* Trade's fields as the query uses them. symbol keeps whatever value the
 * input had (a mismatched type is kept, §3); price and volume count only
 * when they are numbers (a float volume is kept as a float); ts plays no
 * part in a count window. */
struct trade {
    bl_val symbol;
    bool has_price, has_volume;
    double price, volume;
};

enum { W_SYMBOL = 1, W_PRICE = 2, W_VOLUME = 4, W_TS = 8 };
static unsigned warned; /* mismatches are reported once per field */

static void warn_once(unsigned bit, const char *field, const char *want)
{
    if (!(warned & bit)) {
        warned |= bit;
        fprintf(stderr, "warning: Trade.%s: input value is not %s; kept as is\n", field, want);
    }
}

/* One member of the event's field object: store it if Trade declares it. */
static void set_field(void *ev, bl_str key, const bl_val *v)
{
    struct trade *t = ev;
    bool num = v->kind == BL_INT || v->kind == BL_FLOAT;
    switch (key.n) {
    case 2:
        if (BL_STR_EQ(key, "ts") && v->kind != BL_INT && v->kind != BL_NULL &&
            v->kind != BL_FLOAT && v->kind != BL_STR)
            warn_once(W_TS, "ts", "a timestamp");
        break;
    case 5:
        if (BL_STR_EQ(key, "price")) {
            t->has_price = num;
            t->price = v->kind == BL_INT ? (double)v->i : v->f;
            if (!num && v->kind != BL_NULL)
                warn_once(W_PRICE, "price", "a float");
        }
        break;
    case 6:
        if (BL_STR_EQ(key, "symbol")) {
            t->symbol = *v;
            if (v->kind != BL_STR && v->kind != BL_NULL)
                warn_once(W_SYMBOL, "symbol", "a str");
        } else if (BL_STR_EQ(key, "volume")) {
            t->has_volume = num;
            t->volume = v->kind == BL_INT ? (double)v->i : v->f;
            if (v->kind != BL_INT && v->kind != BL_NULL)
                warn_once(W_VOLUME, "volume", "an int");
        }
        break;
    }
}

/* Decode one line. Returns 1 for a Trade (in *t), 0 for another event type,
 * -1 for a malformed line (reported). */
static int decode(bl_in *in, bl_str line, struct trade *t)
{
    bl_str type;
    bl_val data;

    memset(t, 0, sizeof *t);
    if (bl_event_top(in, line, t, set_field, &type, &data) < 0)
        return -1;
    if (!BL_STR_EQ(type, "Trade"))
        return 0;
    if (data.kind == BL_OBJECT) { /* nested form: the fields are data's members */
        memset(t, 0, sizeof *t);
        if (!bl_event_fields(in, data.s, t, set_field))
            return -1;
    }
    return 1;
}

/* ---- Partitions: a bl_keys table keyed by the symbol ---- */

struct part {
    bool seen;
    bl_val first; /* the key as first seen, written in the output rows */
    uint32_t rows;
    double sum_pv, sum_v; /* sum(price * volume), sum(volume) of the open window */
};

/* The partition of a symbol; a new one remembers the symbol, its bytes being
 * the table's copy of the key. */
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

static void write_row(bl_out *out, const struct part *e)
{
    BL_OUT_LIT(out, "{\"stream\":\"Vwap\",\"symbol\":");
    if (e->first.kind == BL_STR)
        bl_out_str(out, e->first.s);
    else
        bl_out_val(out, &e->first);
    /* vwap: sum_v > 0 here, so the division is defined */
    BL_OUT_LIT(out, ",\"vwap\":");
    bl_out_double(out, e->sum_pv / e->sum_v);
    BL_OUT_LIT(out, ",\"volume\":");
    bl_out_double(out, e->sum_v);
    BL_OUT_LIT(out, ",\"trades\":100}\n");
}

int main(int argc, char **argv)
{
    bl_in in;
    bl_out out;
    bl_open(argc, argv, &in, &out);

    bl_keys parts;
    bl_keys_init(&parts, 256, sizeof(struct part));
    bl_str line;
    struct trade t;

    while (bl_in_object(&in, &line)) {
        if (decode(&in, line, &t) <= 0)
            continue;

        struct part *e = part_get(&parts, &t.symbol);
        if (t.has_price && t.has_volume)
            e->sum_pv += t.price * t.volume;
        if (t.has_volume)
            e->sum_v += t.volume;
        if (++e->rows == WINDOW) {
            if (e->sum_v > 0)
                write_row(&out, e);
            e->rows = 0;
            e->sum_pv = e->sum_v = 0.0;
        }
    }

    bl_keys_free(&parts);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
