/* emit_source.c — the entries of merge() and join() streams (LANGUAGE.md
 * §4.5, §4.6). A row of input k enters through st_<S>_in<k>: merge filters
 * it and makes the merged row; join buffers it under its key and, when every
 * other input holds a matching row, makes the joined row. Either then goes
 * to st_<S>, the stream's ordinary operators.
 *
 * Join state, per input k: a table from key to jk_<S>_<k>, a ring of the
 * key's rows (je_<S>_<k>: the row and an arena owning its strings; slots
 * and their arenas are reused, so steady state allocates nothing), and, for
 * time windows, a queue of keys by the time of their oldest row, so expiry
 * visits only keys with rows to drop. Bounds: keys per input
 * (max_partitions) and rows held over all inputs (max_window_rows) for time
 * windows; .window(n) holds n rows per key. Overflow is counted. */
#include <string.h>

#include "emit.h"

#define F(...) vpc_emit_fmt(E, __VA_ARGS__)

const char *vpc_emit_entry(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    return st->src_kind == VPC_SK_MULTI ? F("st_%s_in%u", st->name->name, k) : F("st_%s", st->name->name);
}

void vpc_emit_source_protos(vpc_emitter *E)
{
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        for (uint32_t k = 0; k < st->ninputs; k++)
            vpc_cw_line(E->w, "static void %s(vp_ctx *ctx, const %s *r0);", vpc_emit_entry(E, st, k),
                        st->inputs[k].row->cname);
    }
}

/* Field `to` of row `dst` from field `from` of row layout `src` at prefix `sp`. */
static void copy_field(vpc_emitter *E, const char *dst, vpc_rfield *to, vpc_row *src, const char *sp,
                       vpc_rfield *from)
{
    vpc_cw *w = E->w;
    const char *tn = to->name->name;
    if (!from) {
        if (vpc_emit_has_null_flag(to->ty)) vpc_cw_line(w, "%sn_%s = true;", dst, tn);
        else vpc_cw_line(w, "%sf_%s = vp_null();", dst, tn);
        return;
    }
    const char *fn = from->name->name;
    if (to->ty == from->ty) {
        vpc_cw_line(w, "%sf_%s = %sf_%s;", dst, tn, sp, fn);
        if (vpc_emit_has_null_flag(to->ty)) vpc_cw_line(w, "%sn_%s = %sn_%s;", dst, tn, sp, fn);
        return;
    }
    VPC_ASSERT(!vpc_emit_has_null_flag(to->ty));
    vpc_cval c = {from->ty, F("%sf_%s", sp, fn), vpc_emit_has_null_flag(from->ty) ? F("%sn_%s", sp, fn) : NULL};
    (void)src;
    vpc_cw_line(w, "%sf_%s = %s;", dst, tn, vpc_emit_box(E, c));
}

static vpc_rfield *find_field(vpc_row *r, vpc_sym *name)
{
    for (uint32_t i = 0; i < r->nfields; i++)
        if (r->fields[i].name == name && !r->fields[i].qualified) return &r->fields[i];
    return NULL;
}

/* An input's item filters: returns unless one item holds. */
static void emit_filters(vpc_emitter *E, vpc_sinput *in)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < in->nitems; i++)
        if (!in->nconds[i]) return; /* an item without filter: every row */
    if (in->nitems > 1) vpc_cw_line(w, "bool pass = false;");
    for (uint32_t i = 0; i < in->nitems; i++) {
        if (in->nitems > 1 && i) vpc_cw_open(w, "if (!pass)");
        else vpc_cw_block(w);
        for (uint32_t j = 0; j < in->nconds[i]; j++) {
            vpc_cval c = vpc_emit_user_expr(E, in->items[i][j]);
            if (in->nitems == 1) {
                vpc_cw_line(w, "if (!%s) return;", vpc_emit_truth(E, c));
                continue;
            }
            vpc_cw_open(w, "if (%s)", vpc_emit_truth(E, c));
        }
        if (in->nitems > 1) {
            vpc_cw_line(w, "pass = true;");
            for (uint32_t j = 0; j < in->nconds[i]; j++) vpc_cw_close(w, NULL);
        }
        vpc_cw_close(w, NULL);
    }
    if (in->nitems > 1) vpc_cw_line(w, "if (!pass) return;");
}

static void entry_open(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    vpc_sinput *in = &st->inputs[k];
    vpc_cw_comment(E->w, "%s: rows of %s (input %u)", st->name->name,
                   in->stream ? in->stream->name->name : in->event->event->name, k);
    vpc_cw_open(E->w, "static void %s(vp_ctx *ctx, const %s *r0)", vpc_emit_entry(E, st, k), in->row->cname);
    vpc_cw_line(E->w, "(void)ctx;");
    E->row = "r0->";
    E->rowlayout = in->row;
    E->depth = "0";
}

/* ---- merge ---- */

static void emit_merge_entry(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    vpc_cw *w = E->w;
    vpc_sinput *in = &st->inputs[k];
    vpc_row *m = st->in;
    entry_open(E, st, k);
    emit_filters(E, in);
    vpc_cw_comment(w, "the merged row: this source's fields, null for the others'");
    vpc_cw_line(w, "%s m = {0};", m->cname);
    vpc_cw_line(w, "m.time = r0->time;");
    if (m->implicit) vpc_cw_line(w, "m.raw = r0->raw;");
    else vpc_cw_line(w, "m.src = %u;", k);
    for (uint32_t i = 0; i < m->nfields; i++)
        copy_field(E, "m.", &m->fields[i], in->row, "r0->", find_field(in->row, m->fields[i].name));
    vpc_cw_line(w, "st_%s(ctx, &m);", st->name->name);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* ---- join ---- */

static const char *held_t(vpc_emitter *E, vpc_stream *st, uint32_t k) { return F("je_%s_%u", st->name->name, k); }
static const char *key_t(vpc_emitter *E, vpc_stream *st, uint32_t k) { return F("jk_%s_%u", st->name->name, k); }

void vpc_emit_source_state(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_join *j = st->join;
    const char *n = st->name->name;
    if (!j) return;
    for (uint32_t k = 0; k < st->ninputs; k++) {
        vpc_cw_comment(w, "join %s: a row held for input %u (%s), with its strings", n, k, st->inputs[k].alias->name);
        vpc_cw_open(w, "typedef struct %s", held_t(E, st, k));
        vpc_cw_line(w, "%s r;", st->inputs[k].row->cname);
        vpc_cw_line(w, "vp_arena bytes;");
        vpc_cw_close(w, F(" %s;", held_t(E, st, k)));
        vpc_cw_open(w, "typedef struct %s", key_t(E, st, k));
        vpc_cw_line(w, "int32_t ord; /* key number, in order of first appearance */");
        vpc_cw_line(w, "vp_ring rows; /* of %s, in arrival order */", held_t(E, st, k));
        vpc_cw_close(w, F(" %s;", key_t(E, st, k)));
    }
    vpc_cw_open(w, "static struct");
    if (!j->count) vpc_cw_line(w, "int64_t clock; /* the latest row time received */");
    vpc_cw_line(w, "int64_t held; /* rows held over all inputs */");
    vpc_cw_line(w, "vp_key key; /* the key being looked up */");
    vpc_cw_line(w, "vp_tab *tab[%u]; /* per input: key -> its rows */", st->ninputs);
    if (!j->count) vpc_cw_line(w, "vp_pq *expiry[%u]; /* per input: keys by the time of their oldest row */",
                               st->ninputs);
    vpc_cw_line(w, "int32_t c_keys, c_rows; /* counters */");
    vpc_cw_close(w, F(" j_%s;", n));
}

/* Time windows: rows older than clock - d can pair with no row to come
 * (rows are expected in time order); the oldest go first. */
static void emit_expire(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    vpc_cw_comment(w, "join %s: rows older than the clock minus the window are dropped, oldest first", n);
    vpc_cw_open(w, "static void jexpire_%s(void)", n);
    vpc_cw_line(w, "int64_t lim = j_%s.clock - %lldL;", n, (long long)st->join->size);
    vpc_cw_line(w, "int32_t ord;");
    vpc_cw_line(w, "int64_t t;");
    for (uint32_t k = 0; k < st->ninputs; k++) {
        const char *ht = held_t(E, st, k), *kt = key_t(E, st, k);
        vpc_cw_open(w, "while (vp_pq_top(j_%s.expiry[%u], &ord, &t) && t < lim)", n, k);
        vpc_cw_line(w, "vp_pq_pop(j_%s.expiry[%u]);", n, k);
        vpc_cw_line(w, "%s *s = vp_tab_slot(j_%s.tab[%u], ord);", kt, n, k);
        vpc_cw_open(w, "while (s->rows.n && ((%s *)vp_ring_at(&s->rows, (int64_t)sizeof(%s), 0))->r.time < lim)",
                    ht, ht);
        vpc_cw_line(w, "vp_ring_pop(&s->rows);");
        vpc_cw_line(w, "j_%s.held--;", n);
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "if (s->rows.n) vp_pq_set(j_%s.expiry[%u], ord, ((%s *)vp_ring_at(&s->rows, "
                       "(int64_t)sizeof(%s), 0))->r.time);", n, k, ht, ht);
        vpc_cw_close(w, NULL);
    }
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

static void emit_join_entry(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    vpc_cw *w = E->w;
    vpc_join *j = st->join;
    vpc_sinput *in = &st->inputs[k];
    const char *n = st->name->name;
    const char *ht = held_t(E, st, k), *kt = key_t(E, st, k);
    entry_open(E, st, k);
    emit_filters(E, in);
    vpc_cw_line(w, "j_%s.key.n = 0;", n);
    for (uint32_t c = 0; c < j->nkeys; c++) {
        vpc_cval v = vpc_emit_user_expr(E, in->keys[c]);
        vpc_cw_line(w, "vp_key_add(&j_%s.key, %s);", n, vpc_emit_box(E, v));
    }
    if (!j->count) {
        vpc_cw_line(w, "if (r0->time > j_%s.clock) j_%s.clock = r0->time;", n, n);
        vpc_cw_line(w, "jexpire_%s();", n);
    }
    vpc_cw_comment(w, "held under its key");
    vpc_cw_line(w, "bool fresh;");
    vpc_cw_line(w, "%s *s = vp_tab_get(j_%s.tab[%u], &j_%s.key, &fresh);", kt, n, k, n);
    vpc_cw_open(w, "if (!s)");
    vpc_cw_line(w, "vp_count(ctx, j_%s.c_keys, 1);", n);
    vpc_cw_line(w, "return;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "if (fresh) s->ord = (int32_t)vp_tab_count(j_%s.tab[%u]) - 1;", n, k);
    if (!j->count) {
        vpc_cw_open(w, "if (j_%s.held >= %lldL)", n, (long long)E->prog->max_window_rows);
        vpc_cw_line(w, "vp_count(ctx, j_%s.c_rows, 1);", n);
        vpc_cw_line(w, "return;");
        vpc_cw_close(w, NULL);
        /* A probe takes the newest row whose time qualifies; a row held
         * before this one with a time no later can never be that row again
         * (whenever it qualifies, this one does too): drop it. In time order
         * this keeps one row per key. */
        vpc_cw_comment(w, "rows of this key no later than this one can no longer be the most recent match");
        vpc_cw_open(w, "while (s->rows.n && ((%s *)vp_ring_at(&s->rows, (int64_t)sizeof(%s), s->rows.n - 1))->r.time <= r0->time)",
                    ht, ht);
        vpc_cw_line(w, "vp_ring_drop_newest(&s->rows);");
        vpc_cw_line(w, "j_%s.held--;", n);
        vpc_cw_close(w, NULL);
    }
    int64_t cap = j->count ? j->size : E->prog->max_window_rows;
    vpc_cw_line(w, "int64_t had = s->rows.n;");
    vpc_cw_line(w, "%s *e = vp_ring_push(&s->rows, (int64_t)sizeof(%s), %lldL);", ht, ht, (long long)cap);
    vpc_cw_line(w, "j_%s.held += s->rows.n - had;", n);
    vpc_cw_comment(w, "the slot's arena is reused: the row it held, if any, is gone");
    vpc_cw_line(w, "vp_arena_clear(&e->bytes);");
    vpc_cw_line(w, "e->r = *r0;");
    vpc_emit_own_row(E, in->row, "e->r.", "&e->bytes");
    if (!j->count)
        vpc_cw_line(w, "vp_pq_set(j_%s.expiry[%u], s->ord, ((%s *)vp_ring_at(&s->rows, (int64_t)sizeof(%s), "
                       "0))->r.time);", n, k, ht, ht);
    vpc_cw_comment(w, "every other input's most recent row with this key %s",
                   j->count ? "(among its last rows)" : "and time >= this row's time - window");
    for (uint32_t m = 0; m < st->ninputs; m++) {
        if (m == k) continue;
        const char *hm = held_t(E, st, m), *km = key_t(E, st, m);
        vpc_cw_line(w, "%s *o%u = vp_tab_find(j_%s.tab[%u], &j_%s.key);", km, m, n, m, n);
        vpc_cw_line(w, "if (!o%u) return;", m);
        vpc_cw_line(w, "const %s *p%u = NULL;", hm, m);
        vpc_cw_open(w, "for (int64_t i = o%u->rows.n - 1; i >= 0 && !p%u; i--)", m, m);
        vpc_cw_line(w, "const %s *c = vp_ring_at(&o%u->rows, (int64_t)sizeof(%s), i);", hm, m, hm);
        if (j->count) vpc_cw_line(w, "p%u = c;", m);
        else vpc_cw_line(w, "if (c->r.time >= r0->time - %lldL) p%u = c;", (long long)j->size, m);
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "if (!p%u) return;", m);
    }
    vpc_row *jr = j->row;
    vpc_cw_comment(w, "the joined row, at the latest time of its parts");
    vpc_cw_line(w, "%s jr = {0};", jr->cname);
    vpc_cw_line(w, "jr.time = r0->time;");
    for (uint32_t m = 0; m < st->ninputs; m++)
        if (m != k) vpc_cw_line(w, "if (p%u->r.time > jr.time) jr.time = p%u->r.time;", m, m);
    for (uint32_t i = 0; i < jr->nfields; i++) {
        vpc_rfield *f = &jr->fields[i];
        uint32_t m = (uint32_t)f->part;
        vpc_row *pr = st->inputs[m].row;
        copy_field(E, "jr.", f, pr, m == k ? "r0->" : F("p%u->r.", m), &pr->fields[f->pfield]);
    }
    vpc_cw_comment(w, "its strings in scratch memory: a held row's slot may be reused before it is read");
    vpc_emit_own_row(E, jr, "jr.", "NULL");
    vpc_cw_line(w, "st_%s(ctx, &jr);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

void vpc_emit_source_entries(vpc_emitter *E, vpc_stream *st)
{
    if (st->src_kind != VPC_SK_MULTI) return;
    if (st->join && !st->join->count) emit_expire(E, st);
    for (uint32_t k = 0; k < st->ninputs; k++) {
        if (st->join) emit_join_entry(E, st, k);
        else emit_merge_entry(E, st, k);
    }
}

void vpc_emit_source_init(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        vpc_join *j = st->join;
        if (!j) continue;
        const char *n = st->name->name;
        if (!j->count) vpc_cw_line(w, "j_%s.clock = INT64_MIN;", n);
        for (uint32_t k = 0; k < st->ninputs; k++) {
            vpc_cw_line(w, "j_%s.tab[%u] = vp_tab_new((int64_t)sizeof(%s), %lldL);", n, k, key_t(E, st, k),
                        (long long)E->prog->max_partitions);
            if (!j->count) vpc_cw_line(w, "j_%s.expiry[%u] = vp_pq_new();", n, k);
        }
        vpc_cw_line(w, "j_%s.c_keys = vp_counter(ctx, \"stream %s: rows dropped: join key limit (%lld) reached\");",
                    n, n, (long long)E->prog->max_partitions);
        if (!j->count)
            vpc_cw_line(w, "j_%s.c_rows = vp_counter(ctx, \"stream %s: rows dropped: join row limit (%lld) "
                           "reached\");", n, n, (long long)E->prog->max_window_rows);
    }
}

void vpc_emit_source_fini(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        if (!st->join) continue;
        const char *n = st->name->name;
        for (uint32_t k = 0; k < st->ninputs; k++) {
            const char *ht = held_t(E, st, k), *kt = key_t(E, st, k);
            vpc_cw_open(w, "for (int32_t i = 0; i < (int32_t)vp_tab_count(j_%s.tab[%u]); i++)", n, k);
            vpc_cw_line(w, "%s *s = vp_tab_slot(j_%s.tab[%u], i);", kt, n, k);
            vpc_cw_line(w, "for (int64_t q = 0; q < s->rows.cap; q++) vp_arena_free(&((%s *)vp_ring_slot(&s->rows, "
                           "(int64_t)sizeof(%s), q))->bytes);", ht, ht);
            vpc_cw_line(w, "vp_ring_free(&s->rows);");
            vpc_cw_close(w, NULL);
            vpc_cw_line(w, "vp_tab_free(j_%s.tab[%u]);", n, k);
            if (!st->join->count) vpc_cw_line(w, "vp_pq_free(j_%s.expiry[%u]);", n, k);
        }
        vpc_cw_line(w, "vp_key_free(&j_%s.key);", n);
    }
}
