/* threestep — hand-written baseline for scenarios/threestep.vpl:
 *
 *   stream Steps = A as a
 *       -> B as b
 *       -> C as c
 *       .within(10s)
 *       .partition_by(key)
 *       .emit(key: a.key, va: a.v, vb: b.v, vc: c.v)
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7). The run
 * model is §5.2 per key: every A starts a run; a run takes the first later
 * B of its key, then the first later C, and completes; a run is discarded
 * once the stream clock (the largest A, B or C time so far, over all keys)
 * is more than 10 s past its A (exactly 10 s still matches).
 *
 * Since every run of a key takes the same next B and the same next C, a
 * key's runs in creation order are a prefix that has its B (waiting for a
 * C) and a suffix waiting for a B: a B moves the boundary to the end, a C
 * completes and removes the prefix. Runs start at the back and expire at
 * the front, so each key keeps a ring buffer.
 *
 * Output order: per C, in input order, one row per live run of its key
 * that has its B, oldest run first: {"stream":"Steps","key":a.key,
 * "va":a.v,"vb":b.v,"vc":c.v}. At most 10,000 runs live per key (the
 * oldest is evicted); the generated data stays far below that (see gen.c).
 * A v that is a string, array or object reads as null here; the generated
 * data has none.
 *   usage: threestep [--input FILE] [--output FILE]
 */
#include "bl.h"

#include <stdio.h>
#include <stdlib.h>

#define WITHIN_NS INT64_C(10000000000) /* .within(10s) */
#define RUNS_MAX 10000                 /* live runs per partition (§5.2) */

enum { EV_A = 0, EV_B = 1, EV_C = 2, EV_OTHER = 3 };

/* An A, B or C as the query reads it. */
struct ev {
    bl_val key, v;
    bl_val ts, timestamp; /* candidates for the event time (§6) */
};

static void set_field(void *ev, bl_str key, const bl_val *v)
{
    struct ev *e = ev;
    switch (key.n) {
    case 1:
        if (BL_STR_EQ(key, "v")) {
            e->v = *v;
            if (v->kind == BL_STR || v->kind == BL_ARRAY || v->kind == BL_OBJECT)
                e->v.kind = BL_NULL;
        }
        break;
    case 2:
        if (BL_STR_EQ(key, "ts"))
            e->ts = *v;
        break;
    case 3:
        if (BL_STR_EQ(key, "key"))
            e->key = *v;
        break;
    case 9:
        if (BL_STR_EQ(key, "timestamp"))
            e->timestamp = *v;
        break;
    }
}

/* Decode one line: EV_A, EV_B or EV_C (the event in *e), EV_OTHER, or -1
 * for a malformed line (reported). *t becomes the line's event time if it
 * has one, else keeps the previous line's (§6). */
static int decode(bl_in *in, bl_str line, struct ev *e, int64_t *t)
{
    bl_str type;
    bl_val data, top_ts = {.kind = BL_ABSENT};

    memset(e, 0, sizeof *e);
    if (bl_event_top(in, line, e, set_field, &type, &data) < 0)
        return -1;
    int kind = EV_OTHER;
    if (type.n == 1 && type.p[0] >= 'A' && type.p[0] <= 'C')
        kind = EV_A + (type.p[0] - 'A');
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

/* ---- Runs ---- */

struct run {
    int64_t t0;
    bl_val va, vb;      /* a.v, and b.v once the run has its B */
    bool key_float;     /* a.key was an integral float (its key is an int) */
};

/* A key's runs in creation order: ring[(head + i) & mask] for i < n; the
 * first nc have their B. */
struct part {
    struct run *ring;
    uint32_t mask, head, n, nc;
};

static inline struct run *run_at(const struct part *p, uint32_t i)
{
    return &p->ring[(p->head + i) & p->mask];
}

static inline bool expired(int64_t clock, int64_t t0)
{
    return clock > t0 && (uint64_t)clock - (uint64_t)t0 > (uint64_t)WITHIN_NS;
}

static void drop_front(struct part *p)
{
    p->head = (p->head + 1) & p->mask;
    p->n--;
    if (p->nc)
        p->nc--;
}

static void grow(struct part *p)
{
    uint32_t cap = p->ring ? 2 * (p->mask + 1) : 16;
    struct run *ring = bl_xcalloc(cap, sizeof *ring);
    for (uint32_t i = 0; i < p->n; i++)
        ring[i] = *run_at(p, i);
    free(p->ring);
    p->ring = ring;
    p->mask = cap - 1;
    p->head = 0;
}

/* a.key: the partition key's bytes are the value (strings verbatim, arrays
 * and objects compact); an int key may have been written as a float. */
static void out_key(bl_out *out, const bl_key *k, const struct run *r)
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
        if (r->key_float) {
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

static void write_match(bl_out *out, const bl_key *k, const struct run *r, const bl_val *vc)
{
    BL_OUT_LIT(out, "{\"stream\":\"Steps\",\"key\":");
    out_key(out, k, r);
    BL_OUT_LIT(out, ",\"va\":");
    bl_out_val(out, &r->va);
    BL_OUT_LIT(out, ",\"vb\":");
    bl_out_val(out, &r->vb);
    BL_OUT_LIT(out, ",\"vc\":");
    bl_out_val(out, vc);
    BL_OUT_LIT(out, "}\n");
}

int main(int argc, char **argv)
{
    bl_in in;
    bl_out out;
    bl_open(argc, argv, &in, &out);

    bl_keys parts;
    bl_keys_init(&parts, 2048, sizeof(struct part));
    bl_str line;
    struct ev e;
    int64_t t = 0;             /* event time of the previous line, 0 at the start */
    int64_t clock = INT64_MIN; /* the pattern's stream clock */
    uint64_t evicted = 0;

    while (bl_in_object(&in, &line)) {
        int kind = decode(&in, line, &e, &t);
        if (kind < 0 || kind == EV_OTHER)
            continue;
        if (t > clock)
            clock = t;
        bl_key *k = bl_key_val(&parts, &e.key);
        struct part *p = bl_key_data(k);
        /* in time order the expired runs are the oldest; out-of-order
         * input can leave one behind a younger run, checked again below */
        while (p->n && expired(clock, run_at(p, 0)->t0))
            drop_front(p);

        switch (kind) {
        case EV_A:
            if (p->n == RUNS_MAX) {
                drop_front(p);
                evicted++;
            }
            if (!p->ring || p->n == p->mask + 1)
                grow(p);
            *run_at(p, p->n++) = (struct run){.t0 = t, .va = e.v, .key_float = e.key.kind == BL_FLOAT};
            break;
        case EV_B:
            for (uint32_t i = p->nc; i < p->n; i++)
                run_at(p, i)->vb = e.v;
            p->nc = p->n;
            break;
        case EV_C:
            for (uint32_t i = 0; i < p->nc; i++)
                if (!expired(clock, run_at(p, i)->t0))
                    write_match(&out, k, run_at(p, i), &e.v);
            p->head = (p->head + p->nc) & p->mask;
            p->n -= p->nc;
            p->nc = 0;
            break;
        }
    }

    if (evicted)
        fprintf(stderr, "threestep: %llu runs evicted by the 10,000-run cap\n", (unsigned long long)evicted);
    for (size_t i = 0; i <= parts.mask; i++)
        free(((struct part *)bl_key_data(bl_keys_at(&parts, i)))->ring);
    bl_keys_free(&parts);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
