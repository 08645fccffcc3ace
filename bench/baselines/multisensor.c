/* multisensor — hand-written baseline for scenarios/multisensor.vpl:
 *
 *   stream TempStats = Temperature.partition_by(location).window(100)
 *       .aggregate(t_avg: avg(value), t_sd: stddev(value))
 *   stream PresStats = Pressure.partition_by(location).window(100)
 *       .aggregate(p_avg: avg(value), p_sd: stddev(value))
 *   stream Anomaly = join(TempStats, PresStats)
 *       .on(TempStats.location == PresStats.location)
 *       .window(30s)
 *       .where(TempStats.t_sd / TempStats.t_avg + PresStats.p_sd / PresStats.p_avg > 0.05)
 *       .emit(location: TempStats.location, t_avg: TempStats.t_avg, t_sd: TempStats.t_sd,
 *             p_avg: PresStats.p_avg, p_sd: PresStats.p_sd)
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7). One table,
 * keyed by location, holds per location both streams' open count windows
 * (§4.3, §4.4: the sum and count for avg, Welford's mean and M2 for stddev,
 * in row order) and the join's held statistics rows (§4.6). The 100th row
 * of a window makes a statistics row (time: that row's), which goes straight
 * to the join: each input makes at most one such row, so the breadth-first
 * queue of §4.1 never holds two. The join holds it and pairs it with the
 * most recent row of the other stream with time >= its time - 30 s.
 *
 * Held rows: a row R of one stream can never be picked once a later row of
 * the same stream and key has a time >= R's, so each stream and key keeps a
 * stack of rows whose times fall towards the top (one row for input in time
 * order) and nothing has to expire.
 *   usage: multisensor [--input FILE] [--output FILE]
 */
#include "bl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define WINDOW 100                      /* rows per count window */
#define JOIN_NS INT64_C(30000000000)    /* the join's .window(30s) */

enum { TEMP = 0, PRES = 1 };

/* One event's fields as the query uses them. location keeps whatever value
 * the input had (a mismatched type is kept, §3); value counts only when it
 * is a number. */
struct ev {
    bl_val location;
    bool has_value, bad_value; /* bad: neither a number nor null */
    double value;
    bl_val ts, timestamp; /* candidates for the event time (§6) */
};

enum { W_LOCATION = 1, W_VALUE = 2, W_TS = 4 };
static unsigned warned[2]; /* mismatches are reported once per type and field */

static void warn_once(int src, unsigned bit, const char *field, const char *want)
{
    if (!(warned[src] & bit)) {
        warned[src] |= bit;
        fprintf(stderr, "warning: %s.%s: input value is not %s; kept as is\n",
                src == TEMP ? "Temperature" : "Pressure", field, want);
    }
}

static void set_field(void *ev, bl_str key, const bl_val *v)
{
    struct ev *e = ev;
    switch (key.n) {
    case 2:
        if (BL_STR_EQ(key, "ts"))
            e->ts = *v;
        break;
    case 5:
        if (BL_STR_EQ(key, "value")) {
            e->has_value = v->kind == BL_FLOAT || v->kind == BL_INT;
            e->value = v->kind == BL_INT ? (double)v->i : v->f;
            e->bad_value = !e->has_value && v->kind != BL_NULL;
        }
        break;
    case 8:
        if (BL_STR_EQ(key, "location"))
            e->location = *v;
        break;
    case 9:
        if (BL_STR_EQ(key, "timestamp"))
            e->timestamp = *v;
        break;
    }
}

/* Declared types (§3): a mismatch is kept and warned about once. */
static void check_types(int src, const struct ev *e)
{
    enum bl_kind k = e->location.kind;
    if (k != BL_STR && k != BL_NULL && k != BL_ABSENT)
        warn_once(src, W_LOCATION, "location", "a str");
    if (e->bad_value)
        warn_once(src, W_VALUE, "value", "a float");
    int64_t ns;
    if (e->ts.kind != BL_ABSENT && e->ts.kind != BL_NULL && !bl_val_time(&e->ts, &ns))
        warn_once(src, W_TS, "ts", "a timestamp");
}

/* Decode one line. Returns TEMP or PRES (the event in *e, its time in *t),
 * 2 for another event type (only its time counts), -1 for a malformed line
 * (reported). */
static int decode(bl_in *in, bl_str line, struct ev *e, int64_t *t)
{
    bl_str type;
    bl_val data, top_ts = {.kind = BL_ABSENT};
    int src;

    memset(e, 0, sizeof *e);
    if (bl_event_top(in, line, e, set_field, &type, &data) < 0)
        return -1;
    src = BL_STR_EQ(type, "Temperature") ? TEMP : BL_STR_EQ(type, "Pressure") ? PRES : 2;

    if (data.kind == BL_OBJECT) { /* nested form: the fields are data's members */
        top_ts = e->timestamp;
        memset(e, 0, sizeof *e);
        if (!bl_event_fields(in, data.s, e, set_field))
            return -1;
    }
    /* event time (§6): ts, else timestamp, else the top-level timestamp of
     * the nested form; else the caller keeps the previous event's */
    if (!bl_val_time(&e->ts, t) && !bl_val_time(&e->timestamp, t))
        bl_val_time(&top_ts, t);
    if (src != 2)
        check_types(src, e);
    return src;
}

/* ---- Per-location state ---- */

/* An open count window: avg's sum and count, stddev's Welford state. */
struct win {
    uint32_t rows;
    int64_t n;       /* numeric values */
    double sum;      /* avg */
    double mean, m2; /* stddev */
};

/* A statistics row held by the join: its time, avg and stddev (null when
 * the window had no numeric value, resp. fewer than two). */
struct stat {
    int64_t t;
    bool has_avg, has_sd;
    double avg, sd;
};

/* Statistics rows of one stream and key, oldest first; times fall towards
 * the top. */
struct stack {
    struct stat *row;
    uint32_t n, cap;
};

/* A location: the payload of a bl_keys table keyed by location. The
 * partition key a stream writes is the value as that stream first saw it. */
struct loc {
    bool seen[2];
    bl_val first[2]; /* per stream: the key as first seen */
    struct win win[2];
    struct stack held[2];
};


/* Remembers how stream src first saw the key; its bytes are the table's
 * copy (strings) or a copy of their own (arrays, objects: the table keeps
 * their compact text). */
static void first_seen(struct loc *e, const bl_key *k, int src, const bl_val *v)
{
    e->seen[src] = true;
    e->first[src] = *v;
    if (v->kind == BL_STR) {
        e->first[src].s = (bl_str){k->key, k->keyn};
    } else if (v->kind == BL_ARRAY || v->kind == BL_OBJECT) {
        char *p = bl_xcalloc(1, v->s.n + 1);
        memcpy(p, v->s.p, v->s.n);
        e->first[src].s = (bl_str){p, v->s.n};
    }
}

/* ---- The query ---- */

/* Pushes a statistics row after popping the rows it makes useless. */
static inline void hold(struct stack *s, const struct stat *r)
{
    while (s->n && s->row[s->n - 1].t <= r->t)
        s->n--;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1;
        s->row = bl_xrealloc(s->row, s->cap * sizeof *s->row);
    }
    s->row[s->n++] = *r;
}

/* The most recent held row with a time >= lim, or NULL. */
static inline const struct stat *pick(const struct stack *s, int64_t lim)
{
    for (uint32_t i = s->n; i-- > 0;)
        if (s->row[i].t >= lim)
            return &s->row[i];
    return NULL;
}

/* x / y + u / v > 0.05 with §3's nulls: a null operand or a division by
 * zero makes the sum null and the comparison false. */
static inline bool anomalous(const struct stat *ts, const struct stat *ps)
{
    if (!ts->has_avg || !ts->has_sd || !ps->has_avg || !ps->has_sd || ts->avg == 0.0 || ps->avg == 0.0)
        return false;
    return ts->sd / ts->avg + ps->sd / ps->avg > 0.05;
}

static void write_row(bl_out *out, const bl_val *location, const struct stat *ts, const struct stat *ps)
{
    BL_OUT_LIT(out, "{\"stream\":\"Anomaly\",\"location\":");
    if (location->kind == BL_STR)
        bl_out_str(out, location->s);
    else
        bl_out_val(out, location);
    /* all four are numbers here: anomalous() held */
    BL_OUT_LIT(out, ",\"t_avg\":");
    bl_out_double(out, ts->avg);
    BL_OUT_LIT(out, ",\"t_sd\":");
    bl_out_double(out, ts->sd);
    BL_OUT_LIT(out, ",\"p_avg\":");
    bl_out_double(out, ps->avg);
    BL_OUT_LIT(out, ",\"p_sd\":");
    bl_out_double(out, ps->sd);
    BL_OUT_LIT(out, "}\n");
}

int main(int argc, char **argv)
{
    bl_in in;
    bl_out out;
    bl_open(argc, argv, &in, &out);

    bl_keys locs;
    bl_keys_init(&locs, 512, sizeof(struct loc));
    bl_str line;
    struct ev e;
    int64_t t = 0; /* event time of the previous event, 0 at the start */

    while (bl_in_object(&in, &line)) {
        int src = decode(&in, line, &e, &t);
        if (src < 0 || src > PRES)
            continue;

        bl_key *k = bl_key_val(&locs, &e.location);
        struct loc *l = bl_key_data(k);
        if (!l->seen[src])
            first_seen(l, k, src, &e.location);

        /* the stream's count window (§4.3, §4.4) */
        struct win *w = &l->win[src];
        if (e.has_value) {
            double x = e.value;
            w->sum += x;
            w->n++;
            double d = x - w->mean;
            w->mean += d / (double)w->n;
            w->m2 += d * (x - w->mean);
        }
        if (++w->rows < WINDOW)
            continue;
        struct stat s = {
            .t = t,
            .has_avg = w->n > 0,
            .has_sd = w->n > 1,
            .avg = w->n > 0 ? w->sum / (double)w->n : 0.0,
            .sd = w->n > 1 ? sqrt(w->m2 / (double)(w->n - 1)) : 0.0,
        };
        *w = (struct win){0};

        /* the join (§4.6) */
        hold(&l->held[src], &s);
        const struct stat *o = pick(&l->held[!src], t - JOIN_NS);
        if (!o)
            continue;
        const struct stat *ts = src == TEMP ? &s : o, *ps = src == TEMP ? o : &s;
        if (anomalous(ts, ps))
            write_row(&out, &l->first[TEMP], ts, ps);
    }

    for (size_t i = 0; i <= locs.mask; i++) {
        struct loc *l = bl_key_data(bl_keys_at(&locs, i));
        for (int s = 0; s < 2; s++) {
            free(l->held[s].row);
            if (l->seen[s] && (l->first[s].kind == BL_ARRAY || l->first[s].kind == BL_OBJECT))
                free((char *)l->first[s].s.p);
        }
    }
    bl_keys_free(&locs);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
