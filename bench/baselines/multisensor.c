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

static void set_field(struct ev *e, bl_str key, const bl_val *v)
{
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
static int decode(bl_in *in, bl_str line, char *scratch, struct ev *e, int64_t *t)
{
    bl_json j;
    bl_str key, type = {NULL, 0}, alt_type = {NULL, 0};
    bl_val v, data = {.kind = BL_ABSENT}, top_ts = {.kind = BL_ABSENT};
    int r, src;

    memset(e, 0, sizeof *e);
    if (!bl_obj_begin(&j, line, scratch))
        goto bad;
    while ((r = bl_obj_next(&j, &key, &v)) > 0) {
        if (BL_STR_EQ(key, "event_type") && v.kind == BL_STR)
            type = v.s;
        else if (BL_STR_EQ(key, "type") && v.kind == BL_STR)
            alt_type = v.s;
        else if (BL_STR_EQ(key, "data") && v.kind == BL_OBJECT)
            data = v;
        else
            set_field(e, key, &v);
    }
    if (r < 0)
        goto bad;
    if (!type.p)
        type = alt_type;
    if (!type.p) {
        bl_in_bad(in, "no \"event_type\"");
        return -1;
    }
    src = BL_STR_EQ(type, "Temperature") ? TEMP : BL_STR_EQ(type, "Pressure") ? PRES : 2;

    if (data.kind == BL_OBJECT) { /* nested form: the fields are data's members */
        top_ts = e->timestamp;
        memset(e, 0, sizeof *e);
        if (!bl_obj_begin(&j, data.s, j.scratch))
            goto bad;
        while ((r = bl_obj_next(&j, &key, &v)) > 0)
            set_field(e, key, &v);
        if (r < 0)
            goto bad;
    }
    /* event time (§6): ts, else timestamp, else the top-level timestamp of
     * the nested form; else the caller keeps the previous event's */
    if (!bl_val_time(&e->ts, t) && !bl_val_time(&e->timestamp, t))
        bl_val_time(&top_ts, t);
    if (src != 2)
        check_types(src, e);
    return src;
bad:
    bl_in_bad(in, j.err);
    return -1;
}

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p) {
        perror("realloc");
        exit(1);
    }
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        perror("calloc");
        exit(1);
    }
    return p;
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

/* A location. Keys follow `==`: an integral float in int64 range is keyed
 * as that int, so 1 and 1.0 are one key. Strings are keyed by their bytes,
 * arrays and objects by their compact text, null is a key. The partition
 * key a stream writes is the value as that stream first saw it. */
struct loc {
    char *key; /* owned bytes; NULL: free slot */
    size_t keyn;
    uint64_t hash;
    char tag;
    bool seen[2];
    bl_val first[2]; /* per stream: the key as first seen */
    struct win win[2];
    struct stack held[2];
};

struct locs {
    struct loc *slot;
    size_t mask, used; /* capacity - 1 (a power of two), keys */
};

static inline uint64_t key_hash(char tag, const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n ^ (uint64_t)(unsigned char)tag << 56;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0x94d049bb133111ebULL;
    return h ^ h >> 29;
}

static void locs_grow(struct locs *t)
{
    size_t cap = (t->mask + 1) * 2;
    struct loc *s = xcalloc(cap, sizeof *s);
    for (size_t i = 0; i <= t->mask; i++) {
        if (!t->slot[i].key)
            continue;
        size_t k = t->slot[i].hash & (cap - 1);
        while (s[k].key)
            k = (k + 1) & (cap - 1);
        s[k] = t->slot[i];
    }
    free(t->slot);
    t->slot = s;
    t->mask = cap - 1;
}

static inline struct loc *loc_get(struct locs *t, char tag, const char *p, size_t n)
{
    uint64_t h = key_hash(tag, p, n);
    for (;;) {
        for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
            struct loc *e = &t->slot[i];
            if (!e->key) {
                e->key = xcalloc(1, n + 1); /* + 1: a key of no bytes is still non-NULL */
                memcpy(e->key, p, n);
                e->keyn = n;
                e->hash = h;
                e->tag = tag;
                if (++t->used * 2 <= t->mask + 1)
                    return e;
                locs_grow(t);
                break; /* moved: look it up again */
            }
            if (e->hash == h && e->keyn == n && e->tag == tag && memcmp(e->key, p, n) == 0)
                return e;
        }
    }
}

/* Compact JSON text (whitespace outside strings dropped) into d. */
static size_t compact_json(char *d, bl_str s)
{
    size_t n = 0;
    bool in_str = false;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (in_str) {
            if (c == '\\' && i + 1 < s.n)
                d[n++] = s.p[i++];
            else if (c == '"')
                in_str = false;
        } else if (bl_is_ws(c)) {
            continue;
        } else if (c == '"') {
            in_str = true;
        }
        d[n++] = s.p[i];
    }
    return n;
}

/* The location of a value that is not a string: encode it, then look up. */
static struct loc *loc_of_value(struct locs *t, const bl_val *v)
{
    char num[8] = {0};
    int64_t i;
    switch (v->kind) {
    case BL_ABSENT:
    case BL_NULL: return loc_get(t, 'n', num, 0);
    case BL_BOOL: num[0] = v->b; return loc_get(t, 'b', num, 1);
    case BL_FLOAT:
        if (!(v->f >= -9223372036854775808.0 && v->f < 9223372036854775808.0 && v->f == trunc(v->f))) {
            memcpy(num, &v->f, 8);
            return loc_get(t, 'f', num, 8);
        }
        i = (int64_t)v->f;
        memcpy(num, &i, 8);
        return loc_get(t, 'i', num, 8);
    case BL_INT: memcpy(num, &v->i, 8); return loc_get(t, 'i', num, 8);
    case BL_STR: return loc_get(t, 's', v->s.p, v->s.n);
    case BL_ARRAY:
    case BL_OBJECT: break;
    }
    char *text = xcalloc(1, v->s.n);
    struct loc *e = loc_get(t, 'j', text, compact_json(text, v->s));
    free(text);
    return e;
}

/* Remembers how stream src first saw the key; its bytes are the table's
 * copy (strings) or a copy of their own (arrays, objects: the table keeps
 * their compact text). */
static void first_seen(struct loc *e, int src, const bl_val *v)
{
    e->seen[src] = true;
    e->first[src] = *v;
    if (v->kind == BL_STR) {
        e->first[src].s = (bl_str){e->key, e->keyn};
    } else if (v->kind == BL_ARRAY || v->kind == BL_OBJECT) {
        char *p = xcalloc(1, v->s.n + 1);
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
        s->row = xrealloc(s->row, s->cap * sizeof *s->row);
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
    const char *in_path, *out_path;
    bl_args(argc, argv, &in_path, &out_path);

    bl_in in;
    bl_out out;
    bl_in_open(&in, in_path);
    bl_out_open(&out, out_path);

    size_t scratch_cap = 1 << 16;
    char *scratch = malloc(scratch_cap);
    struct locs locs = {xcalloc(512, sizeof(struct loc)), 511, 0};
    bl_str line;
    struct ev e;
    int64_t t = 0; /* event time of the previous event, 0 at the start */

    while (bl_in_line(&in, &line)) {
        const char *first;
        if (bl_line_skip(line, &first))
            continue;
        if (*first != '{') {
            bl_in_bad(&in, "not a JSON object (this program reads JSON Lines only)");
            continue;
        }
        if (line.n > scratch_cap) {
            scratch_cap = line.n;
            free(scratch);
            scratch = malloc(scratch_cap);
        }
        if (!scratch) {
            perror("malloc");
            return 1;
        }
        int src = decode(&in, line, scratch, &e, &t);
        if (src < 0 || src > PRES)
            continue;

        struct loc *l = e.location.kind == BL_STR /* the common case, inlined */
                            ? loc_get(&locs, 's', e.location.s.p, e.location.s.n)
                            : loc_of_value(&locs, &e.location);
        if (!l->seen[src])
            first_seen(l, src, &e.location);

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
        struct loc *l = &locs.slot[i];
        for (int s = 0; s < 2; s++) {
            free(l->held[s].row);
            if (l->seen[s] && (l->first[s].kind == BL_ARRAY || l->first[s].kind == BL_OBJECT))
                free((char *)l->first[s].s.p);
        }
        free(l->key);
    }
    free(locs.slot);
    free(scratch);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
