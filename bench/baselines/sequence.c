/* sequence — hand-written baseline for scenarios/sequence.vpl:
 *
 *   stream Seq = A as a
 *       -> B where id == a.id as b
 *       .within(60s)
 *       .emit(id: a.id, ta: a.seq, tb: b.seq)
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7). The run
 * model is §5.2 with one partition (no partition_by): every A starts a run;
 * a run takes the first later B with the same id (`==`, §3) and completes;
 * a run is discarded once the stream clock (the largest A or B time so far)
 * is more than 60 s past its A (exactly 60 s still matches). A B completes
 * every live run of its id, so the runs are filed under the id (keyruns.h)
 * and a B visits only its own.
 *
 * Output order: per B, in input order, one row per live run of its id,
 * oldest run first: {"stream":"Seq","id":a.id,"ta":a.seq,"tb":b.seq}.
 * At most 10,000 runs live at once (the oldest is evicted); the generated
 * data stays far below that (see gen.c).
 *   usage: sequence [--input FILE] [--output FILE]
 */
#include "keyruns.h"

#include <stdio.h>

#define WITHIN_NS INT64_C(60000000000) /* .within(60s) */

enum { EV_A = 0, EV_B = 1, EV_OTHER = 2 };

/* An A or B as the query reads it; values are kept as the input had them. */
struct ev {
    bl_val id, seq;
    bl_val ts, timestamp; /* candidates for the event time (§6) */
};

static void set_field(void *ev, bl_str key, const bl_val *v)
{
    struct ev *e = ev;
    switch (key.n) {
    case 2:
        if (BL_STR_EQ(key, "id"))
            e->id = *v;
        else if (BL_STR_EQ(key, "ts"))
            e->ts = *v;
        break;
    case 3:
        if (BL_STR_EQ(key, "seq"))
            e->seq = *v;
        break;
    case 9:
        if (BL_STR_EQ(key, "timestamp"))
            e->timestamp = *v;
        break;
    }
}

/* Decode one line: EV_A or EV_B (the event in *e), EV_OTHER, or -1 for a
 * malformed line (reported). *t becomes the line's event time if it has
 * one, else keeps the previous line's (§6). */
static int decode(bl_in *in, bl_str line, struct ev *e, int64_t *t)
{
    bl_str type;
    bl_val data, top_ts = {.kind = BL_ABSENT};

    memset(e, 0, sizeof *e);
    if (bl_event_top(in, line, e, set_field, &type, &data) < 0)
        return -1;
    int kind = BL_STR_EQ(type, "A") ? EV_A : BL_STR_EQ(type, "B") ? EV_B : EV_OTHER;
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

/* What a run holds from its A, by run slot. */
struct held {
    bl_val id, seq;
};

static void write_match(bl_out *out, const struct held *a, const bl_val *b_seq)
{
    BL_OUT_LIT(out, "{\"stream\":\"Seq\",\"id\":");
    bl_out_val(out, &a->id);
    BL_OUT_LIT(out, ",\"ta\":");
    bl_out_val(out, &a->seq);
    BL_OUT_LIT(out, ",\"tb\":");
    bl_out_val(out, b_seq);
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
        kr_encode(&pool, &e.id, &key);

        if (kind == EV_A) {
            uint32_t r = kr_start(&pool, &key, t, kr_bytes(&e.id) + kr_bytes(&e.seq));
            held[r].id = kr_hold(&pool, r, &e.id);
            held[r].seq = kr_hold(&pool, r, &e.seq);
            continue;
        }
        uint32_t k = kr_find(&pool, &key);
        if (k == KR_NONE)
            continue;
        for (uint32_t r = pool.key[k].head; r != KR_NONE; r = pool.run[r].knext)
            if (!kr_expired(clock, pool.run[r].t0, WITHIN_NS))
                write_match(&out, &held[r], &e.seq);
        kr_drop_key(&pool, k);
    }

    if (pool.evicted)
        fprintf(stderr, "sequence: %llu runs evicted by the 10,000-run cap\n",
                (unsigned long long)pool.evicted);
    kr_free(&pool);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
