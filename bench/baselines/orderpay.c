/* orderpay — hand-written baseline for scenarios/orderpay.vpl:
 *
 *   stream Paid = Order as o
 *       -> Payment where order_id == o.order_id as p
 *       .within(5s)
 *       .emit(order_id: o.order_id, customer: o.customer, amount: o.amount,
 *             paid: p.amount, method: p.method)
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7). The run
 * model is §5.2 with one partition (no partition_by): every Order starts a
 * run; a run takes the first later Payment with the same order_id (`==`,
 * §3) and completes; a run is discarded once the stream clock (the largest
 * Order or Payment time so far) is more than 5 s past its Order (exactly
 * 5 s still matches). A Payment completes every live run of its order_id,
 * so the runs are filed under the order_id (keyruns.h) and a Payment visits
 * only its own; an id leaves the table with its last run, so ids that are
 * never seen again cost nothing.
 *
 * Output order: per Payment, in input order, one row per live run of its
 * order_id, oldest run first: {"stream":"Paid","order_id":o.order_id,
 * "customer":o.customer,"amount":o.amount,"paid":p.amount,
 * "method":p.method}. At most 10,000 runs live at once (the oldest is
 * evicted); the generated data stays far below that (see gen.c).
 *   usage: orderpay [--input FILE] [--output FILE]
 */
#include "keyruns.h"

#include <stdio.h>

#define WITHIN_NS INT64_C(5000000000) /* .within(5s) */

enum { EV_ORDER = 0, EV_PAYMENT = 1, EV_OTHER = 2 };

/* An Order or Payment as the query reads it. Values are kept as the input
 * had them, except that an int amount becomes a float (declared float, §3). */
struct ev {
    bl_val order_id, customer, amount, method;
    bl_val ts, timestamp; /* candidates for the event time (§6) */
};

static void set_field(void *ev, bl_str key, const bl_val *v)
{
    struct ev *e = ev;
    switch (key.n) {
    case 2:
        if (BL_STR_EQ(key, "ts"))
            e->ts = *v;
        break;
    case 6:
        if (BL_STR_EQ(key, "amount")) {
            e->amount = *v;
            if (v->kind == BL_INT) {
                e->amount.kind = BL_FLOAT;
                e->amount.f = (double)v->i;
            }
        } else if (BL_STR_EQ(key, "method")) {
            e->method = *v;
        }
        break;
    case 8:
        if (BL_STR_EQ(key, "order_id"))
            e->order_id = *v;
        else if (BL_STR_EQ(key, "customer"))
            e->customer = *v;
        break;
    case 9:
        if (BL_STR_EQ(key, "timestamp"))
            e->timestamp = *v;
        break;
    }
}

/* Decode one line: EV_ORDER or EV_PAYMENT (the event in *e), EV_OTHER, or
 * -1 for a malformed line (reported). *t becomes the line's event time if
 * it has one, else keeps the previous line's (§6). */
static int decode(bl_in *in, bl_str line, struct ev *e, int64_t *t)
{
    bl_str type;
    bl_val data, top_ts = {.kind = BL_ABSENT};

    memset(e, 0, sizeof *e);
    if (bl_event_top(in, line, e, set_field, &type, &data) < 0)
        return -1;
    int kind = BL_STR_EQ(type, "Order") ? EV_ORDER : BL_STR_EQ(type, "Payment") ? EV_PAYMENT : EV_OTHER;
    if (data.kind == BL_OBJECT) { /* nested form: the fields are data's members */
        top_ts = e->timestamp;
        memset(e, 0, sizeof *e);
        if (!bl_event_fields(in, data.s, e, set_field))
            return -1;
    }
    if (!bl_val_time(&e->ts, t) && !bl_val_time(&e->timestamp, t))
        bl_val_time(&top_ts, t);
    return kind;
}

/* What a run holds from its Order, by run slot. */
struct held {
    bl_val order_id, customer, amount;
};

static inline void out_val(bl_out *o, const bl_val *v)
{
    if (v->kind == BL_STR) /* the common case, inlined */
        bl_out_str(o, v->s);
    else
        bl_out_val(o, v);
}

static void write_match(bl_out *out, const struct held *o, const struct ev *p)
{
    BL_OUT_LIT(out, "{\"stream\":\"Paid\",\"order_id\":");
    out_val(out, &o->order_id);
    BL_OUT_LIT(out, ",\"customer\":");
    out_val(out, &o->customer);
    BL_OUT_LIT(out, ",\"amount\":");
    bl_out_val(out, &o->amount);
    BL_OUT_LIT(out, ",\"paid\":");
    bl_out_val(out, &p->amount);
    BL_OUT_LIT(out, ",\"method\":");
    out_val(out, &p->method);
    BL_OUT_LIT(out, "}\n");
}

int main(int argc, char **argv)
{
    bl_in in;
    bl_out out;
    bl_open(argc, argv, &in, &out);

    static kr_pool pool; /* fixed size: static, not on the stack */
    static struct held held[KR_MAX];
    kr_init(&pool);

    bl_str line;
    struct ev e;
    kr_enc key;
    int64_t t = 0;             /* event time of the previous line, 0 at the start */
    int64_t clock = INT64_MIN; /* the pattern's stream clock */

    while (bl_in_object(&in, &line)) {
        int kind = decode(&in, line, &e, &t);
        if (kind < 0 || kind == EV_OTHER)
            continue;
        if (t > clock)
            clock = t;
        kr_expire(&pool, clock, WITHIN_NS);
        kr_encode(&pool, &e.order_id, &key);

        if (kind == EV_ORDER) {
            size_t need = kr_bytes(&e.order_id) + kr_bytes(&e.customer) + kr_bytes(&e.amount);
            uint32_t r = kr_start(&pool, &key, t, need);
            held[r].order_id = kr_hold(&pool, r, &e.order_id);
            held[r].customer = kr_hold(&pool, r, &e.customer);
            held[r].amount = kr_hold(&pool, r, &e.amount);
            continue;
        }
        uint32_t k = kr_find(&pool, &key);
        if (k == KR_NONE)
            continue;
        for (uint32_t r = pool.key[k].head; r != KR_NONE; r = pool.run[r].knext)
            if (!kr_expired(clock, pool.run[r].t0, WITHIN_NS))
                write_match(&out, &held[r], &e);
        kr_drop_key(&pool, k);
    }

    if (pool.evicted)
        fprintf(stderr, "orderpay: %llu runs evicted by the 10,000-run cap\n",
                (unsigned long long)pool.evicted);
    kr_free(&pool);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
