/* join — hand-written baseline for scenarios/join.vpl:
 *
 *   stream Suspicious = join(Login, Transaction)
 *       .on(Login.user_id == Transaction.user_id)
 *       .window(5s)
 *       .where(Transaction.amount > 5000.0 and Login.ip != Transaction.ip)
 *       .emit(user: Login.user_id, amount: Transaction.amount,
 *             login_ip: Login.ip, tx_ip: Transaction.ip)
 *
 * Reads JSON Lines (flat or nested "data" form, LANGUAGE.md §7). Each Login
 * or Transaction is held under its source and user_id (§4.6); then, if the
 * other source holds a row with the same user_id and a time >= this row's
 * time - 5 s, the most recent such row and this one make a joined row, which
 * is written as {"stream":"Suspicious","user":...,"amount":...,
 * "login_ip":...,"tx_ip":...} when the where holds.
 *
 * Only rows that can still be the answer are held. A held row R can never be
 * picked once a later row R' of the same source and key has a time >= R's:
 * whenever R qualifies R' does too, and R' is more recent. So each source
 * and key keeps a stack of rows whose times fall from the oldest to the
 * newest; a new row first pops every row with a time <= its own. Input in
 * time order leaves one row per source and key, and nothing has to expire.
 *   usage: join [--input FILE] [--output FILE]
 */
#include "bl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define WINDOW_NS INT64_C(5000000000) /* .window(5s) */

enum { LOGIN = 0, TX = 1 };

/* One event's fields as the query uses them. user_id and ip keep whatever
 * value the input had (a mismatched type is kept, §3); amount counts only
 * when it is a number. */
struct ev {
    bl_val user_id, ip;
    bool has_amount, bad_amount; /* bad: neither a number nor null */
    double amount;
    bl_val ts, timestamp; /* candidates for the event time (§6) */
};

enum { W_USER = 1, W_IP = 2, W_AMOUNT = 4, W_TS = 8 };
static unsigned warned[2]; /* mismatches are reported once per type and field */

static void warn_once(int src, unsigned bit, const char *field, const char *want)
{
    if (!(warned[src] & bit)) {
        warned[src] |= bit;
        fprintf(stderr, "warning: %s.%s: input value is not %s; kept as is\n",
                src == LOGIN ? "Login" : "Transaction", field, want);
    }
}

/* One member of the event's field object. ts and timestamp are read for the
 * event time whatever the type; the others are checked in check_types. */
static void set_field(void *ev, bl_str key, const bl_val *v)
{
    struct ev *e = ev;
    switch (key.n) {
    case 2:
        if (BL_STR_EQ(key, "ts"))
            e->ts = *v;
        else if (BL_STR_EQ(key, "ip"))
            e->ip = *v;
        break;
    case 6:
        if (BL_STR_EQ(key, "amount")) {
            e->has_amount = v->kind == BL_FLOAT || v->kind == BL_INT;
            e->amount = v->kind == BL_INT ? (double)v->i : v->f;
            e->bad_amount = !e->has_amount && v->kind != BL_NULL;
        }
        break;
    case 7:
        if (BL_STR_EQ(key, "user_id"))
            e->user_id = *v;
        break;
    case 9:
        if (BL_STR_EQ(key, "timestamp"))
            e->timestamp = *v;
        break;
    }
}

static inline bool str_or_null(const bl_val *v)
{
    return v->kind == BL_STR || v->kind == BL_NULL || v->kind == BL_ABSENT;
}

/* Declared types (§3): a mismatch is kept and warned about once. */
static void check_types(int src, const struct ev *e)
{
    if (!str_or_null(&e->user_id))
        warn_once(src, W_USER, "user_id", "a str");
    if (!str_or_null(&e->ip))
        warn_once(src, W_IP, "ip", "a str");
    if (src == TX && e->bad_amount)
        warn_once(src, W_AMOUNT, "amount", "a float");
    int64_t ns;
    if (e->ts.kind != BL_ABSENT && e->ts.kind != BL_NULL && !bl_val_time(&e->ts, &ns))
        warn_once(src, W_TS, "ts", "a timestamp");
}

/* Decode one line. Returns LOGIN or TX (the event in *e, its time in *t),
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
    src = BL_STR_EQ(type, "Transaction") ? TX : BL_STR_EQ(type, "Login") ? LOGIN : 2;

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

/* ---- Held rows ---- */

/* A held row: its time and the fields the query reads from it. Strings and
 * compound values are copied into bytes, which the slot keeps and reuses. */
struct row {
    int64_t t;
    bool has_amount;
    double amount;
    bl_val user_id, ip;
    char *bytes;
    size_t cap;
};

/* Rows of one source and key, oldest first; times fall towards the top. */
struct stack {
    struct row *row;
    uint32_t n, cap;
};

static inline bool has_bytes(const bl_val *v)
{
    return v->kind == BL_STR || v->kind == BL_ARRAY || v->kind == BL_OBJECT;
}

/* Pushes (t, e) onto s after popping the rows it makes useless. */
static void hold(struct stack *s, int64_t t, const struct ev *e, int src)
{
    while (s->n && s->row[s->n - 1].t <= t)
        s->n--;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1;
        s->row = bl_xrealloc(s->row, s->cap * sizeof *s->row);
        memset(s->row + s->n, 0, (s->cap - s->n) * sizeof *s->row);
    }
    struct row *r = &s->row[s->n++];
    r->t = t;
    r->has_amount = e->has_amount;
    r->amount = e->amount;
    r->ip = e->ip;
    r->user_id = e->user_id; /* kept for the output only from a Login */
    size_t need = (has_bytes(&e->ip) ? e->ip.s.n : 0) + (src == LOGIN && has_bytes(&e->user_id) ? e->user_id.s.n : 0);
    if (need > r->cap) {
        r->cap = need < 32 ? 32 : need * 2;
        r->bytes = bl_xrealloc(r->bytes, r->cap);
    }
    size_t off = 0;
    if (has_bytes(&e->ip)) {
        memcpy(r->bytes, e->ip.s.p, e->ip.s.n);
        r->ip.s.p = r->bytes;
        off = e->ip.s.n;
    }
    if (src == LOGIN && has_bytes(&e->user_id)) {
        memcpy(r->bytes + off, e->user_id.s.p, e->user_id.s.n);
        r->user_id.s.p = r->bytes + off;
    }
}

/* The most recent held row with a time >= lim, or NULL. */
static inline const struct row *pick(const struct stack *s, int64_t lim)
{
    for (uint32_t i = s->n; i-- > 0;)
        if (s->row[i].t >= lim)
            return &s->row[i];
    return NULL;
}

/* ---- Keys: a bl_keys table keyed by user_id ---- */

struct key {
    struct stack held[2]; /* per source */
};

/* ---- The query ---- */

/* a == b (§3): null equals null, numbers compare numerically, strings
 * bytewise, arrays and maps by their compact text; other mixes differ. */
static bool val_eq(const bl_val *a, const bl_val *b)
{
    bool an = a->kind == BL_NULL || a->kind == BL_ABSENT, bn = b->kind == BL_NULL || b->kind == BL_ABSENT;
    if (an || bn)
        return an && bn;
    if ((a->kind == BL_INT || a->kind == BL_FLOAT) && (b->kind == BL_INT || b->kind == BL_FLOAT)) {
        if (a->kind == BL_INT && b->kind == BL_INT)
            return a->i == b->i;
        if (a->kind == BL_FLOAT && b->kind == BL_FLOAT)
            return a->f == b->f;
        const bl_val *iv = a->kind == BL_INT ? a : b, *fv = a->kind == BL_INT ? b : a;
        /* exact: the float must be integral and in range, then compare as ints */
        if (!(fv->f >= -9223372036854775808.0 && fv->f < 9223372036854775808.0 && fv->f == trunc(fv->f)))
            return false;
        return (int64_t)fv->f == iv->i;
    }
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case BL_BOOL: return a->b == b->b;
    case BL_STR: return a->s.n == b->s.n && memcmp(a->s.p, b->s.p, a->s.n) == 0;
    default: break;
    }
    char *x = bl_xcalloc(1, a->s.n + 1), *y = bl_xcalloc(1, b->s.n + 1);
    size_t xn = bl_compact_json(x, a->s), yn = bl_compact_json(y, b->s);
    bool eq = xn == yn && memcmp(x, y, xn) == 0;
    free(x);
    free(y);
    return eq;
}

static inline void out_val(bl_out *o, const bl_val *v)
{
    if (v->kind == BL_STR) /* the common case, inlined */
        bl_out_str(o, v->s);
    else
        bl_out_val(o, v);
}

static inline bool ip_differs(const bl_val *a, const bl_val *b)
{
    if (a->kind == BL_STR && b->kind == BL_STR)
        return a->s.n != b->s.n || memcmp(a->s.p, b->s.p, a->s.n) != 0;
    return !val_eq(a, b);
}

/* The joined row of a Login and a Transaction, through the where. */
static inline void joined(bl_out *out, const bl_val *user, const bl_val *login_ip, bool has_amount,
                          double amount, const bl_val *tx_ip)
{
    if (!(has_amount && amount > 5000.0 && ip_differs(login_ip, tx_ip)))
        return;
    BL_OUT_LIT(out, "{\"stream\":\"Suspicious\",\"user\":");
    out_val(out, user);
    BL_OUT_LIT(out, ",\"amount\":");
    bl_out_double(out, amount);
    BL_OUT_LIT(out, ",\"login_ip\":");
    out_val(out, login_ip);
    BL_OUT_LIT(out, ",\"tx_ip\":");
    out_val(out, tx_ip);
    BL_OUT_LIT(out, "}\n");
}

int main(int argc, char **argv)
{
    bl_in in;
    bl_out out;
    bl_open(argc, argv, &in, &out);

    bl_keys keys;
    bl_keys_init(&keys, 1024, sizeof(struct key));
    bl_str line;
    struct ev e;
    int64_t t = 0; /* event time of the previous event, 0 at the start */

    while (bl_in_object(&in, &line)) {
        int src = decode(&in, line, &e, &t);
        if (src < 0 || src > TX)
            continue;

        struct key *k = bl_key_data(bl_key_val(&keys, &e.user_id));
        hold(&k->held[src], t, &e, src);
        const struct row *o = pick(&k->held[!src], t - WINDOW_NS);
        if (!o)
            continue;
        if (src == LOGIN)
            joined(&out, &e.user_id, &e.ip, o->has_amount, o->amount, &o->ip);
        else
            joined(&out, &o->user_id, &o->ip, e.has_amount, e.amount, &e.ip);
    }

    for (size_t i = 0; i <= keys.mask; i++) {
        struct key *k = bl_key_data(bl_keys_at(&keys, i));
        for (int s = 0; s < 2; s++) {
            struct stack *st = &k->held[s];
            for (uint32_t r = 0; r < st->cap; r++)
                free(st->row[r].bytes);
            free(st->row);
        }
    }
    bl_keys_free(&keys);
    bl_in_close(&in);
    bl_out_close(&out);
    return 0;
}
