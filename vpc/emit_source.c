/* emit_source.c — the entries of merge() and join() streams (LANGUAGE.md
 * §4.5, §4.6). A row of input k enters through st_<S>_in<k>: merge filters
 * it and makes the merged row; join buffers it under its key and, when every
 * other input holds a matching row, makes the joined row. Either then goes
 * to st_<S>, the stream's ordinary operators.
 *
 * Join state: one table from key to jk_<S>, which holds per input the
 * key's rows as a list from the newest, in vp_jrows records (je_<S>_<k>:
 * the row, its strings in the record's arena; records are recycled, so
 * steady state allocates nothing). A probe takes the newest row, so a row
 * is dropped as soon as a later row of its key and input has a time no
 * earlier; in time order one row per key and input stays. Time windows drop
 * rows older than the join's clock minus the window as the clock moves,
 * through vp_jrows' queue by time, without visiting keys. Bounds: keys per
 * input (max_partitions) and rows held over all inputs (max_window_rows)
 * for time windows; overflow is counted. */
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

void vpc_emit_source_state(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_join *j = st->join;
    const char *n = st->name->name;
    if (!j) return;
    for (uint32_t k = 0; k < st->ninputs; k++) {
        vpc_cw_comment(w, "join %s: a row held for input %u (%s)", n, k, st->inputs[k].alias->name);
        vpc_cw_open(w, "typedef struct %s", held_t(E, st, k));
        vpc_cw_line(w, "vp_jrow h;");
        vpc_cw_line(w, "%s r;", st->inputs[k].row->cname);
        vpc_cw_close(w, F(" %s;", held_t(E, st, k)));
    }
    vpc_cw_comment(w, "join %s: a key and its rows", n);
    vpc_cw_open(w, "typedef struct jk_%s", n);
    vpc_cw_line(w, "int32_t top[%u]; /* per input: its newest row (0: none) */", st->ninputs);
    vpc_cw_line(w, "bool seen[%u]; /* per input: the key counts towards its max_partitions */", st->ninputs);
    if (vpc_emit_join_has_ord(st)) vpc_cw_line(w, "int32_t ord; /* the key's number: joined rows carry it as part */");
    vpc_cw_close(w, F(" jk_%s;", n));
    vpc_cw_open(w, "static struct");
    if (!j->count) {
        vpc_cw_line(w, "int64_t clock; /* the latest row time received */");
        vpc_cw_line(w, "int64_t lim; /* clock minus the window: rows held are no older */");
        vpc_cw_line(w, "int64_t held; /* rows held over all inputs */");
    }
    vpc_cw_line(w, "vp_key key; /* the key being looked up */");
    vpc_cw_line(w, "vp_tab *tab; /* key -> jk_%s */", n);
    vpc_cw_line(w, "vp_jrows *rows[%u]; /* per input: the rows held */", st->ninputs);
    vpc_cw_line(w, "int64_t keys[%u]; /* per input: keys seen */", st->ninputs);
    for (uint32_t k = 0; k < st->ninputs; k++)
        if (vpc_emit_join_by_part(E, st, k))
            vpc_cw_line(w, "vp_vec by_part%u; /* jk_%s *, by the part a row of input %u carries */", k, n, k);
    vpc_cw_line(w, "int32_t c_keys, c_rows; /* counters */");
    vpc_cw_close(w, F(" j_%s;", n));
}

/* Time windows: when the clock moves, rows older than clock - d are
 * dropped; they could pair with no row to come. */
static void emit_advance(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    vpc_cw_comment(w, "join %s: the clock moves to t; rows older than t minus the window go", n);
    vpc_cw_open(w, "static void jclock_%s(int64_t t)", n);
    vpc_cw_line(w, "j_%s.clock = t;", n);
    vpc_cw_line(w, "j_%s.lim = vp_sat_sub(t, %lldL);", n, (long long)st->join->size);
    for (uint32_t k = 0; k < st->ninputs; k++)
        vpc_cw_line(w, "j_%s.held -= vp_jrows_expire(j_%s.rows[%u], j_%s.lim);", n, n, k, n);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* The key's slot, which input k now uses, or a return when input k may not
 * take another key. */
static void emit_key_slot(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    bool by_part = vpc_emit_join_by_part(E, st, k);
    const char *vec = F("j_%s.by_part%u", n, k);
    if (by_part) {
        vpc_cw_line(w, "jk_%s *s = %s;", n, vpc_emit_by_part_get(E, F("jk_%s", n), vec, "r0->part"));
        vpc_cw_open(w, "if (!s)");
    }
    vpc_cw_line(w, "j_%s.key.n = 0;", n);
    for (uint32_t c = 0; c < st->join->nkeys; c++) {
        vpc_cval v = vpc_emit_user_expr(E, st->inputs[k].keys[c]);
        vpc_cw_line(w, "vp_key_add(&j_%s.key, %s);", n, vpc_emit_box(E, v));
    }
    vpc_cw_line(w, "%ss = vp_tab_find(j_%s.tab, &j_%s.key);", by_part ? "" : F("jk_%s *", n), n, n);
    vpc_cw_open(w, "if (!s || !s->seen[%u])", k);
    vpc_cw_open(w, "if (j_%s.keys[%u] >= %lldL)", n, k, (long long)E->prog->max_partitions);
    vpc_cw_line(w, "vp_count(ctx, j_%s.c_keys, 1);", n);
    vpc_cw_line(w, "return;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "bool fresh = false;");
    vpc_cw_open(w, "if (!s && !(s = vp_tab_get(j_%s.tab, &j_%s.key, &fresh)))", n, n);
    vpc_cw_line(w, "vp_count(ctx, j_%s.c_keys, 1); /* the union of the inputs' keys is full */", n);
    vpc_cw_line(w, "return;");
    vpc_cw_close(w, NULL);
    if (vpc_emit_join_has_ord(st)) vpc_cw_line(w, "if (fresh) s->ord = (int32_t)vp_tab_count(j_%s.tab) - 1;", n);
    vpc_cw_line(w, "s->seen[%u] = true;", k);
    vpc_cw_line(w, "j_%s.keys[%u]++;", n, k);
    vpc_cw_close(w, NULL);
    if (by_part) {
        vpc_emit_by_part_set(E, F("jk_%s", n), vec, "r0->part", "s");
        vpc_cw_close(w, NULL);
    }
}

static void emit_join_entry(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    vpc_cw *w = E->w;
    vpc_join *j = st->join;
    vpc_sinput *in = &st->inputs[k];
    const char *n = st->name->name;
    const char *ht = held_t(E, st, k);
    entry_open(E, st, k);
    emit_filters(E, in);
    if (!j->count) vpc_cw_line(w, "if (r0->time > j_%s.clock) jclock_%s(r0->time);", n, n);
    emit_key_slot(E, st, k);
    if (j->count) {
        vpc_cw_comment(w, "a probe takes the newest row: it is the only one kept");
        vpc_cw_line(w, "vp_jrows_prune(j_%s.rows[%u], &s->top[%u], INT64_MAX);", n, k, k);
        vpc_cw_line(w, "%s *e = vp_jrows_push(j_%s.rows[%u], &s->top[%u], r0->time, false);", ht, n, k, k);
    } else {
        vpc_cw_open(w, "if (j_%s.held >= %lldL)", n, (long long)E->prog->max_window_rows);
        vpc_cw_line(w, "vp_count(ctx, j_%s.c_rows, 1);", n);
        vpc_cw_line(w, "return;");
        vpc_cw_close(w, NULL);
        /* A probe takes the newest row held; a row held before this one with
         * a time no later expires no later, so it can never be that row
         * again. In time order this keeps one row per key. */
        vpc_cw_comment(w, "rows of this key no later than this one can no longer be the newest match");
        vpc_cw_line(w, "j_%s.held -= vp_jrows_prune(j_%s.rows[%u], &s->top[%u], r0->time);", n, n, k, k);
        vpc_cw_comment(w, "a row older than the clock minus the window pairs now but is not held");
        vpc_cw_open(w, "if (r0->time >= j_%s.lim)", n);
        vpc_cw_line(w, "%s *e = vp_jrows_push(j_%s.rows[%u], &s->top[%u], r0->time, true);", ht, n, k, k);
        vpc_cw_line(w, "j_%s.held++;", n);
    }
    vpc_cw_line(w, "e->r = *r0;");
    vpc_emit_own_row(E, in->row, "e->r.", "&e->h.bytes");
    if (!j->count) vpc_cw_close(w, NULL);
    vpc_cw_comment(w, "every other input's newest row with this key%s", j->count ? "" : " (none is older than lim)");
    for (uint32_t m = 0; m < st->ninputs; m++) {
        if (m == k) continue;
        vpc_cw_line(w, "const %s *p%u = vp_jrows_at(j_%s.rows[%u], s->top[%u]);", held_t(E, st, m), m, n, m, m);
        vpc_cw_line(w, "if (!p%u) return;", m);
    }
    vpc_row *jr = j->row;
    vpc_cw_comment(w, "the joined row, at the latest time of its parts");
    vpc_cw_line(w, "%s jr = {0};", jr->cname);
    vpc_cw_line(w, "jr.time = r0->time;");
    if (vpc_emit_join_has_ord(st)) vpc_cw_line(w, "jr.part = s->ord;");
    for (uint32_t m = 0; m < st->ninputs; m++)
        if (m != k) vpc_cw_line(w, "if (p%u->r.time > jr.time) jr.time = p%u->r.time;", m, m);
    for (uint32_t i = 0; i < jr->nfields; i++) {
        vpc_rfield *f = &jr->fields[i];
        uint32_t m = (uint32_t)f->part;
        vpc_row *pr = st->inputs[m].row;
        copy_field(E, "jr.", f, pr, m == k ? "r0->" : F("p%u->r.", m), &pr->fields[f->pfield]);
    }
    if (st->nconsumers) {
        /* rows queued for dependent streams are read after this returns, and
         * a held row's record may be recycled before */
        vpc_cw_comment(w, "its strings in scratch memory: it may be queued, and held records are recycled");
        vpc_emit_own_row(E, jr, "jr.", "NULL");
    }
    vpc_cw_line(w, "st_%s(ctx, &jr);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

void vpc_emit_source_entries(vpc_emitter *E, vpc_stream *st)
{
    if (st->src_kind != VPC_SK_MULTI) return;
    if (st->join && !st->join->count) emit_advance(E, st);
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
        if (!j->count) {
            vpc_cw_line(w, "j_%s.clock = INT64_MIN;", n);
            vpc_cw_line(w, "j_%s.lim = INT64_MIN;", n);
        }
        /* keys are counted per input; the table holds their union */
        vpc_cw_line(w, "j_%s.tab = vp_tab_new((int64_t)sizeof(jk_%s), %lldL);", n, n,
                    (long long)E->prog->max_partitions * st->ninputs);
        for (uint32_t k = 0; k < st->ninputs; k++)
            vpc_cw_line(w, "j_%s.rows[%u] = vp_jrows_new((int64_t)sizeof(%s));", n, k, held_t(E, st, k));
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
            vpc_cw_line(w, "vp_jrows_free(j_%s.rows[%u]);", n, k);
            if (vpc_emit_join_by_part(E, st, k)) vpc_cw_line(w, "vp_vec_free(&j_%s.by_part%u);", n, k);
        }
        vpc_cw_line(w, "vp_tab_free(j_%s.tab);", n);
        vpc_cw_line(w, "vp_key_free(&j_%s.key);", n);
    }
}
