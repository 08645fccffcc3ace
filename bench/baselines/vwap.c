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

#include <math.h>
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
static void set_field(struct trade *t, bl_str key, const bl_val *v)
{
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
static int decode(bl_in *in, bl_str line, char *scratch, struct trade *t)
{
    bl_json j;
    bl_str key, type = {NULL, 0}, alt_type = {NULL, 0};
    bl_val v, data = {.kind = BL_ABSENT};
    int r;

    memset(t, 0, sizeof *t);
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
            set_field(t, key, &v);
    }
    if (r < 0)
        goto bad;
    if (!type.p)
        type = alt_type;
    if (!type.p) {
        bl_in_bad(in, "no \"event_type\"");
        return -1;
    }
    if (!BL_STR_EQ(type, "Trade"))
        return 0;

    if (data.kind == BL_OBJECT) { /* nested form: the fields are data's members */
        memset(t, 0, sizeof *t);
        if (!bl_obj_begin(&j, data.s, j.scratch))
            goto bad;
        while ((r = bl_obj_next(&j, &key, &v)) > 0)
            set_field(t, key, &v);
        if (r < 0)
            goto bad;
    }
    return 1;
bad:
    bl_in_bad(in, j.err);
    return -1;
}

/* ---- Partitions: open addressing, linear probing, keyed by the symbol ----
 * A key is a tag and bytes. Numbers follow `==`: an integral float in int64
 * range is keyed as that int, so 1 and 1.0 are one key. Strings are keyed by
 * their bytes, arrays and objects by their compact text, null is a key. */

struct part {
    char *key; /* owned bytes; NULL: free slot */
    size_t keyn;
    uint64_t hash;
    char tag;
    bl_val first; /* the key as first seen, written in the output rows */
    uint32_t rows;
    double sum_pv, sum_v; /* sum(price * volume), sum(volume) of the open window */
};

struct parts {
    struct part *slot;
    size_t mask, used; /* capacity - 1 (a power of two), keys */
};

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        perror("calloc");
        exit(1);
    }
    return p;
}

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

static void parts_grow(struct parts *t)
{
    size_t cap = (t->mask + 1) * 2;
    struct part *s = xcalloc(cap, sizeof *s);
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

/* A new key in free slot e: copy the bytes, which may live in the line. */
static struct part *part_add(struct parts *t, struct part *e, uint64_t h, char tag,
                             const char *p, size_t n, const bl_val *v)
{
    e->key = xcalloc(1, n + 1); /* + 1: a key of no bytes is still non-NULL */
    memcpy(e->key, p, n);
    e->keyn = n;
    e->hash = h;
    e->tag = tag;
    e->first = *v;
    if (v->kind == BL_STR || v->kind == BL_ARRAY || v->kind == BL_OBJECT)
        e->first.s = (bl_str){e->key, n};
    if (++t->used * 2 > t->mask + 1) {
        parts_grow(t);
        return NULL; /* moved: the caller looks it up again */
    }
    return e;
}

static inline struct part *part_get(struct parts *t, char tag, const char *p, size_t n,
                                    const bl_val *v)
{
    uint64_t h = key_hash(tag, p, n);
    for (;;) {
        for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
            struct part *e = &t->slot[i];
            if (!e->key) {
                e = part_add(t, e, h, tag, p, n, v);
                if (e)
                    return e;
                break;
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

/* The partition of a symbol that is not a string: encode it, then look up. */
static struct part *part_of_value(struct parts *t, const bl_val *v)
{
    char num[8] = {0};
    int64_t i;
    switch (v->kind) {
    case BL_ABSENT:
    case BL_NULL: return part_get(t, 'n', num, 0, v);
    case BL_BOOL: num[0] = v->b; return part_get(t, 'b', num, 1, v);
    case BL_FLOAT:
        if (!(v->f >= -9223372036854775808.0 && v->f < 9223372036854775808.0 &&
              v->f == trunc(v->f))) {
            memcpy(num, &v->f, 8);
            return part_get(t, 'f', num, 8, v);
        }
        i = (int64_t)v->f;
        memcpy(num, &i, 8);
        return part_get(t, 'i', num, 8, v);
    case BL_INT: memcpy(num, &v->i, 8); return part_get(t, 'i', num, 8, v);
    case BL_STR: return part_get(t, 's', v->s.p, v->s.n, v);
    case BL_ARRAY:
    case BL_OBJECT: break;
    }
    char *text = xcalloc(1, v->s.n);
    struct part *e = part_get(t, 'j', text, compact_json(text, v->s), v);
    free(text);
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
    const char *in_path, *out_path;
    bl_args(argc, argv, &in_path, &out_path);

    bl_in in;
    bl_out out;
    bl_in_open(&in, in_path);
    bl_out_open(&out, out_path);

    size_t scratch_cap = 1 << 16;
    char *scratch = malloc(scratch_cap);
    struct parts parts = {xcalloc(256, sizeof(struct part)), 255, 0};
    bl_str line;
    struct trade t;

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
        if (decode(&in, line, scratch, &t) <= 0)
            continue;

        struct part *e = t.symbol.kind == BL_STR /* the common case, inlined */
                             ? part_get(&parts, 's', t.symbol.s.p, t.symbol.s.n, &t.symbol)
                             : part_of_value(&parts, &t.symbol);
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

    for (size_t i = 0; i <= parts.mask; i++)
        free(parts.slot[i].key);
    free(parts.slot);
    free(scratch);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
