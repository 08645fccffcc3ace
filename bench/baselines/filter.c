/* filter — hand-written baseline for scenarios/filter.vpl:
 *
 *   stream HighPrice = StockTick
 *       .where(price > 150.0)
 *       .emit(symbol: symbol, price: price)
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7), decodes the
 * declared StockTick fields, keeps rows with price > 150.0 and writes
 * {"stream":"HighPrice","symbol":...,"price":...} rows in the §8 form.
 *   usage: filter [--input FILE] [--output FILE]
 */
#include "bl.h"

#include <stdio.h>
#include <stdlib.h>

/* StockTick's declared fields. symbol keeps whatever value the input had
 * (a mismatched type is kept, §3); price is usable only as a number. */
struct tick {
    bl_val symbol;
    bool has_price;
    double price;
    int64_t volume, ts;
};

enum { W_SYMBOL = 1, W_PRICE = 2, W_VOLUME = 4, W_TS = 8 };
static unsigned warned; /* mismatches are reported once per field */

static void warn_once(unsigned bit, const char *field, const char *want)
{
    if (!(warned & bit)) {
        warned |= bit;
        fprintf(stderr, "warning: StockTick.%s: input value is not %s; kept as is\n", field, want);
    }
}

/* One member of the event's field object: store it if StockTick declares it. */
static void set_field(void *ev, bl_str key, const bl_val *v)
{
    struct tick *t = ev;
    switch (key.n) {
    case 2:
        if (BL_STR_EQ(key, "ts")) {
            if (v->kind == BL_INT)
                t->ts = v->i;
            else if (v->kind != BL_NULL && v->kind != BL_FLOAT && v->kind != BL_STR)
                warn_once(W_TS, "ts", "a timestamp");
        }
        break;
    case 5:
        if (BL_STR_EQ(key, "price")) {
            t->has_price = v->kind == BL_FLOAT || v->kind == BL_INT;
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
        } else if (BL_STR_EQ(key, "volume")) {
            if (v->kind == BL_INT)
                t->volume = v->i;
            else if (v->kind != BL_NULL)
                warn_once(W_VOLUME, "volume", "an int");
        }
        break;
    }
}

/* Decode one line. Returns 1 for a StockTick (in *t), 0 for another event
 * type, -1 for a malformed line (reported). */
static int decode(bl_in *in, bl_str line, struct tick *t)
{
    bl_str type;
    bl_val data;

    memset(t, 0, sizeof *t);
    if (bl_event_top(in, line, t, set_field, &type, &data) < 0)
        return -1;
    if (!BL_STR_EQ(type, "StockTick"))
        return 0;
    if (data.kind == BL_OBJECT) { /* nested form: the fields are data's members */
        memset(t, 0, sizeof *t);
        if (!bl_event_fields(in, data.s, t, set_field))
            return -1;
    }
    return 1;
}

int main(int argc, char **argv)
{
    bl_in in;
    bl_out out;
    bl_open(argc, argv, &in, &out);

    bl_str line;
    struct tick t;

    while (bl_in_object(&in, &line)) {
        if (decode(&in, line, &t) <= 0)
            continue;

        if (t.has_price && t.price > 150.0) {
            BL_OUT_LIT(&out, "{\"stream\":\"HighPrice\",\"symbol\":");
            if (t.symbol.kind == BL_STR) /* the common case, inlined */
                bl_out_str(&out, t.symbol.s);
            else
                bl_out_val(&out, &t.symbol);
            BL_OUT_LIT(&out, ",\"price\":");
            bl_out_double(&out, t.price);
            BL_OUT_LIT(&out, "}\n");
        }
    }

    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
