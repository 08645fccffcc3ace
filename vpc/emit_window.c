/* emit_window.c — streams with .window() and/or .aggregate() (LANGUAGE.md
 * §4.3, §4.4, §6).
 *
 * Such a stream st_<S> runs its operators up to the window, then files the
 * row into the windows it belongs to: in its partition's state ws_<S> (from
 * the partition table, or the single w_<S>.one), a ring of nwin window
 * states wa_<S> (window j of a time or count window in win[j mod nwin]). A
 * closed window goes through wemit_<S> (its aggregate row, or its rows) to
 * wpost_<S>, the operators after the window. Time windows and sessions close
 * in wclose_<S>: when the stream clock reaches their end (checked as each
 * row arrives, before it is added), and at end of input; count windows
 * close when their last row arrives. Overlapping windows that aggregate
 * (vpc_wplan.panes) keep panes instead of a state per window: emit_slide.c. */
#include <string.h>

#include "emit.h"

#define F(...) vpc_emit_fmt(E, __VA_ARGS__)

/* Keys live in a partition table; an aggregate without a window needs none. */
static bool partitioned(const vpc_wplan *p) { return p->nkeys > 0 && p->kind != VPC_W_NONE; }
/* Without .aggregate a window holds its rows. */
static bool buffered(const vpc_wplan *p) { return p->aggregate_at < 0; }
/* Windows that close by the clock. */
static bool clocked(const vpc_wplan *p) { return p->kind == VPC_W_TIME || p->kind == VPC_W_SESSION; }

static bool has_distinct(const vpc_wplan *p)
{
    for (uint32_t i = 0; i < p->naggs; i++)
        if (p->aggs[i].fn == VPC_AGG_DISTINCT) return true;
    return false;
}

/* The state counts what the row bound limits: held rows or distinct values. */
static bool bounded(const vpc_wplan *p) { return buffered(p) || has_distinct(p); }

static uint32_t stage_start(const vpc_wplan *p)
{
    return (uint32_t)(p->window_at >= 0 ? p->window_at : p->aggregate_at);
}

static uint32_t stage_end(const vpc_wplan *p)
{
    return (uint32_t)(p->aggregate_at >= 0 ? p->aggregate_at : p->window_at);
}

/* The rows wpost_<S> receives. */
static vpc_row *post_row(const vpc_stream *st)
{
    return st->win->aggregate_at >= 0 ? st->ops[st->win->aggregate_at].out : st->win->in;
}

/* The partition state of ordinal expression `ord`. */
static const char *slot_of(vpc_emitter *E, vpc_stream *st, const char *ord)
{
    const char *n = st->name->name;
    return partitioned(st->win) ? F("vp_tab_slot(w_%s.tab, %s)", n, ord) : F("&w_%s.one", n);
}

void vpc_emit_window_state(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_comment(w, "stream %s: one window", n);
    vpc_cw_open(w, "typedef struct wa_%s", n);
    if (p->panes) {
        vpc_cw_line(w, "int64_t rows; /* rows it has */");
    } else {
        if (p->kind == VPC_W_TIME || p->kind == VPC_W_COUNT) vpc_cw_line(w, "int64_t j; /* window number */");
        vpc_cw_line(w, "int64_t rows; /* rows in the window; 0: not open */");
        vpc_cw_line(w, "int64_t last; /* time of its %s row */", p->kind == VPC_W_SESSION ? "latest" : "last");
    }
    if (buffered(p)) {
        vpc_cw_line(w, "vp_vec buf; /* its rows (%s), in arrival order */", p->in->cname);
        vpc_cw_line(w, "vp_arena bytes; /* their strings */");
    } else {
        vpc_emit_agg_fields(E, p);
    }
    vpc_cw_close(w, F(" wa_%s;", n));
    if (p->panes) vpc_emit_slide_types(E, st);
    vpc_cw_comment(w, "stream %s: the windows of one partition", n);
    vpc_cw_open(w, "typedef struct ws_%s", n);
    vpc_cw_line(w, "int32_t ord; /* partition number, in order of first appearance */");
    if (p->kind == VPC_W_COUNT) vpc_cw_line(w, "int64_t count; /* rows received */");
    for (uint32_t i = 0; i < p->nkeys; i++) {
        const char *k = p->keys[i].name->name;
        vpc_cw_line(w, "%s k_%s; /* partition key */", vpc_emit_ctype(p->keys[i].ty), k);
        if (vpc_emit_has_null_flag(p->keys[i].ty)) vpc_cw_line(w, "bool kn_%s;", k);
    }
    if (p->panes) vpc_emit_slide_fields(E, st);
    else if (p->nwin > 1) vpc_cw_line(w, "wa_%s win[%u]; /* window j in win[j mod %u] */", n, p->nwin, p->nwin);
    else vpc_cw_line(w, "wa_%s win[1];", n);
    vpc_cw_close(w, F(" ws_%s;", n));
    vpc_cw_open(w, "static struct");
    if (clocked(p)) vpc_cw_line(w, "int64_t clock; /* stream clock: the latest row time received */");
    if (p->kind == VPC_W_TIME) {
        vpc_cw_line(w, "int64_t first_end; /* the earliest end of an open window */");
        vpc_cw_line(w, "vp_vec open[%u]; /* int32_t: partitions with window j open, in open[j mod %u] */",
                    p->nwin, p->nwin);
        vpc_cw_line(w, "int64_t end[%u]; /* the end of that window */", p->nwin);
        if (p->panes) vpc_cw_line(w, "int64_t j[%u]; /* and its number */", p->nwin);
    }
    if (p->kind == VPC_W_SESSION) vpc_cw_line(w, "vp_pq *sessions; /* open sessions by expiry */");
    if (partitioned(p)) {
        vpc_cw_line(w, "vp_tab *tab; /* ws_%s per partition key, at most %lld */", n,
                    (long long)E->prog->max_partitions);
        vpc_cw_line(w, "vp_key key; /* the key being looked up */");
        vpc_cw_line(w, "vp_arena keys; /* strings of the keys */");
        if (vpc_emit_window_by_part(E, st))
            vpc_cw_line(w, "vp_vec by_part; /* ws_%s *, by the part a row carries; NULL: not seen */", n);
    } else {
        vpc_cw_line(w, "ws_%s one;", n);
    }
    if (bounded(p))
        vpc_cw_line(w, "int64_t held; /* %s held, at most %lld */", buffered(p) ? "rows" : "distinct values",
                    (long long)E->prog->max_window_rows);
    vpc_cw_line(w, "int32_t c_late, c_keys, c_rows; /* counters */");
    if (p->panes && p->kind == VPC_W_TIME) vpc_cw_line(w, "int32_t c_runs; /* counter */");
    vpc_cw_close(w, F(" w_%s;", n));
}

/* Copies the strings of row `r` (a C lvalue prefix such as "b->") into
 * arena `a` ("NULL": scratch memory), except those that never go away. */
void vpc_emit_own_row(vpc_emitter *E, vpc_row *row, const char *r, const char *a)
{
    if (row->implicit) vpc_cw_line(E->w, "%sraw = vp_own_event(ctx, %s, %sraw);", r, a, r);
    for (uint32_t i = 0; i < row->nfields; i++) {
        const char *f = row->fields[i].name->name;
        if (vpc_emit_field_stable(E, row, i)) continue;
        if (row->fields[i].ty == VPC_TY_STR)
            vpc_cw_line(E->w, "if (!%sn_%s) %sf_%s = vp_own_str(ctx, %s, %sf_%s);", r, f, r, f, a, r, f);
        else if (!vpc_emit_has_null_flag(row->fields[i].ty))
            vpc_cw_line(E->w, "%sf_%s = vp_own_val(ctx, %s, %sf_%s);", r, f, a, r, f);
    }
}

static void emit_post(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_row *pr = post_row(st);
    vpc_cw_comment(w, "%s: the operators after the window", st->name->name);
    vpc_cw_open(w, "static void wpost_%s(vp_ctx *ctx, const %s *r0)", st->name->name, pr->cname);
    vpc_cw_line(w, "(void)ctx;");
    E->row = "r0->";
    E->rowlayout = pr;
    E->depth = "0";
    vpc_emit_ops(E, st, stage_end(st->win) + 1, st->nops);
    vpc_emit_push(E, st);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

static void emit_wemit(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    if (buffered(p)) {
        vpc_cw_comment(w, "%s: a closed window passes its rows on, in arrival order", n);
        vpc_cw_open(w, "static void wemit_%s(vp_ctx *ctx, ws_%s *s, wa_%s *win, int64_t t)", n, n, n);
        vpc_cw_line(w, "(void)s;");
        vpc_cw_line(w, "(void)t;");
        vpc_cw_open(w, "for (int64_t i = 0; i < win->buf.n; i++)");
        vpc_cw_line(w, "%s b = ((%s *)win->buf.p)[i];", p->in->cname, p->in->cname);
        vpc_cw_comment(w, "rows handed on keep their strings in scratch memory: the window's are reused");
        vpc_emit_own_row(E, p->in, "b.", "NULL");
        vpc_cw_line(w, "wpost_%s(ctx, &b);", n);
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "w_%s.held -= win->buf.n;", n);
        vpc_cw_line(w, "vp_vec_clear(&win->buf, (int64_t)sizeof(%s));", p->in->cname);
        vpc_cw_line(w, "vp_arena_clear(&win->bytes);");
        vpc_cw_line(w, "win->rows = 0;");
    } else {
        vpc_cw_comment(w, "%s: a closed window yields its aggregate row, at time t", n);
        vpc_cw_open(w, "static void wemit_%s(vp_ctx *ctx, ws_%s *s, wa_%s *win, int64_t t)", n, n, n);
        if (!p->nkeys) vpc_cw_line(w, "(void)s;");
        vpc_emit_agg_row(E, st);
        vpc_emit_agg_reset(E, st);
    }
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* Time windows: the open windows whose end the clock has reached close,
 * earliest end first; each end's partitions in order of first appearance. */
static void emit_wclose_time(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_comment(w, "%s: windows ending by the clock close (all: every open window), by end, then in order of"
                      " first appearance of their key", n);
    vpc_cw_open(w, "static void wclose_%s(vp_ctx *ctx, bool all)", n);
    vpc_cw_open(w, "for (;;)");
    vpc_cw_line(w, "int64_t k = -1;");
    vpc_cw_open(w, "for (int64_t i = 0; i < %u; i++)", p->nwin);
    vpc_cw_line(w, "if (w_%s.open[i].n && (k < 0 || w_%s.end[i] < w_%s.end[k])) k = i;", n, n, n);
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "if (k < 0 || (!all && w_%s.end[k] > w_%s.clock)) break;", n, n);
    if (partitioned(p)) {
        vpc_cw_line(w, "int32_t *ord = w_%s.open[k].p;", n);
        vpc_cw_line(w, "vp_sort_i32(ord, w_%s.open[k].n);", n);
    }
    vpc_cw_open(w, "for (int64_t i = 0; i < w_%s.open[k].n; i++)", n);
    vpc_cw_line(w, "ws_%s *s = %s;", n, slot_of(E, st, "ord[i]"));
    if (p->panes) vpc_cw_line(w, "wemit_%s(ctx, s, w_%s.j[k], w_%s.end[k] - 1);", n, n, n);
    else vpc_cw_line(w, "wemit_%s(ctx, s, &s->win[k], w_%s.end[k] - 1);", n, n);
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "vp_vec_clear(&w_%s.open[k], (int64_t)sizeof(int32_t));", n);
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "w_%s.first_end = INT64_MAX;", n);
    vpc_cw_open(w, "for (int64_t i = 0; i < %u; i++)", p->nwin);
    vpc_cw_line(w, "if (w_%s.open[i].n && w_%s.end[i] < w_%s.first_end) w_%s.first_end = w_%s.end[i];", n, n, n, n,
                n);
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* Sessions: a session closes once the clock exceeds its latest row time +
 * gap; those closing together go by that expiry, then first appearance. */
static void emit_wclose_session(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    vpc_cw_comment(w, "%s: sessions the clock has passed close (all: every open session), by expiry, then in"
                      " order of first appearance of their key", n);
    vpc_cw_open(w, "static void wclose_%s(vp_ctx *ctx, bool all)", n);
    vpc_cw_line(w, "int32_t ord;");
    vpc_cw_line(w, "int64_t expiry;");
    vpc_cw_open(w, "while (vp_pq_top(w_%s.sessions, &ord, &expiry) && (all || expiry < w_%s.clock))", n, n);
    vpc_cw_line(w, "vp_pq_pop(w_%s.sessions);", n);
    vpc_cw_line(w, "ws_%s *s = %s;", n, slot_of(E, st, "ord"));
    vpc_cw_line(w, "wemit_%s(ctx, s, &s->win[0], s->win[0].last);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* The current row's value of a partition key. */
static vpc_cval key_value(vpc_emitter *E, vpc_pkey *k)
{
    VPC_ASSERT(E->rowlayout->fields[k->field].name == k->name);
    vpc_cval c = {k->ty, F("%sf_%s", E->row, k->name->name), NULL};
    if (vpc_emit_has_null_flag(k->ty)) c.n = F("%sn_%s", E->row, k->name->name);
    else c.ty = VPC_TY_DYN;
    return c;
}

/* Sessions: a row that would start a session already past its gap is late;
 * checked before the lookup, so that late rows create no partition. */
static void emit_session_late(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_open(w, "if (vp_sat_add(%stime, %lldL) < w_%s.clock)", E->row, (long long)p->size, n);
    if (partitioned(p)) vpc_cw_line(w, "ws_%s *open = vp_tab_find(w_%s.tab, &w_%s.key);", n, n, n);
    else vpc_cw_line(w, "ws_%s *open = &w_%s.one;", n, n);
    vpc_cw_open(w, "if (!open || !open->win[0].rows)");
    vpc_cw_comment(w, "late: the session it would start has already closed");
    vpc_cw_line(w, "vp_count(ctx, w_%s.c_late, 1);", n);
    vpc_cw_line(w, "return;");
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
}

/* Declares `s`, the state of the current row's partition. */
static void emit_slot(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    if (!partitioned(p)) {
        if (p->kind == VPC_W_SESSION) emit_session_late(E, st);
        vpc_cw_line(w, "ws_%s *s = &w_%s.one;", n, n);
        for (uint32_t i = 0; i < p->nkeys; i++) { /* no window: the key of this row alone */
            vpc_cval v = key_value(E, &p->keys[i]);
            const char *k = p->keys[i].name->name;
            vpc_cw_line(w, "s->k_%s = %s;", k, v.v);
            if (v.n) vpc_cw_line(w, "s->kn_%s = %s;", k, v.n);
        }
        return;
    }
    bool by_part = vpc_emit_window_by_part(E, st);
    const char *part = F("%spart", E->row);
    if (by_part) { /* the part the row carries leads to our partition once looked up */
        vpc_cw_line(w, "bool fresh = false;");
        vpc_cw_line(w, "ws_%s *s = %s;", n, vpc_emit_by_part_get(E, F("ws_%s", n), F("w_%s.by_part", n), part));
        vpc_cw_open(w, "if (!s)");
    }
    vpc_cw_line(w, "w_%s.key.n = 0;", n);
    for (uint32_t i = 0; i < p->nkeys; i++)
        vpc_cw_line(w, "vp_key_add(&w_%s.key, %s);", n, vpc_emit_box(E, key_value(E, &p->keys[i])));
    if (p->kind == VPC_W_SESSION) emit_session_late(E, st);
    if (by_part) {
        vpc_cw_line(w, "s = vp_tab_get(w_%s.tab, &w_%s.key, &fresh);", n, n);
    } else {
        vpc_cw_line(w, "bool fresh;");
        vpc_cw_line(w, "ws_%s *s = vp_tab_get(w_%s.tab, &w_%s.key, &fresh);", n, n, n);
    }
    vpc_cw_open(w, "if (!s)");
    vpc_cw_line(w, "vp_count(ctx, w_%s.c_keys, 1);", n);
    vpc_cw_line(w, "return;");
    vpc_cw_close(w, NULL);
    if (by_part) {
        vpc_emit_by_part_set(E, F("ws_%s", n), F("w_%s.by_part", n), part, "s");
        vpc_cw_close(w, NULL);
    }
    vpc_cw_open(w, "if (fresh)");
    vpc_cw_line(w, "s->ord = (int32_t)vp_tab_count(w_%s.tab) - 1;", n);
    if (p->panes) vpc_emit_slide_init(E, st, "s->");
    vpc_cw_comment(w, "the table keeps its own copy of the key");
    for (uint32_t i = 0; i < p->nkeys; i++) {
        vpc_cval v = key_value(E, &p->keys[i]);
        const char *k = p->keys[i].name->name;
        if (v.ty == VPC_TY_DYN) {
            vpc_cw_line(w, "s->k_%s = vp_own_val(ctx, &w_%s.keys, %s);", k, n, v.v);
            continue;
        }
        vpc_cw_line(w, "s->kn_%s = %s;", k, v.n);
        if (v.ty == VPC_TY_STR)
            vpc_cw_line(w, "if (!s->kn_%s) s->k_%s = vp_own_str(ctx, &w_%s.keys, %s);", k, k, n, v.v);
        else vpc_cw_line(w, "s->k_%s = %s;", k, v.v);
    }
    vpc_cw_close(w, NULL);
}

/* The row into window `win`, which the caller has declared. */
static void emit_add(vpc_emitter *E, vpc_stream *st, vpc_cval *args)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    if (buffered(p)) {
        vpc_cw_open(w, "if (w_%s.held >= %lldL)", n, (long long)E->prog->max_window_rows);
        vpc_cw_line(w, "vp_count(ctx, w_%s.c_rows, 1);", n);
        vpc_cw_close(w, NULL);
        vpc_cw_open(w, "else");
        vpc_cw_line(w, "%s *b = vp_vec_push(&win->buf, (int64_t)sizeof(%s), -1);", p->in->cname, p->in->cname);
        vpc_cw_line(w, "*b = *%s;", vpc_emit_row_ptr(E));
        vpc_cw_comment(w, "the window keeps its own copy of the row's strings");
        vpc_emit_own_row(E, p->in, "b->", "&win->bytes");
        vpc_cw_line(w, "w_%s.held++;", n);
        vpc_cw_line(w, "win->rows++;");
        vpc_cw_close(w, NULL);
    } else {
        vpc_emit_agg_update(E, st, args);
        vpc_cw_line(w, "win->rows++;");
    }
}

/* The window or aggregate operator in st_<S>: the row joins its windows. */
static void emit_stage(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    const char *t = F("%stime", E->row);
    VPC_ASSERT(E->rowlayout == p->in);
    vpc_emit_op_comment(E, st->ops[stage_start(p)].link);
    if (p->kind == VPC_W_TIME) {
        vpc_cw_line(w, "int64_t jlo, jhi;");
        vpc_cw_line(w, "int in = vp_time_windows(%s, %lldL, %lldL, w_%s.clock, &jlo, &jhi);", t,
                    (long long)p->size, (long long)p->slide, n);
        vpc_cw_open(w, "if (in < 0)");
        vpc_cw_comment(w, "late: its windows have closed");
        vpc_cw_line(w, "vp_count(ctx, w_%s.c_late, 1);", n);
        vpc_cw_line(w, "return;");
        vpc_cw_close(w, NULL);
        if (p->slide > p->size) vpc_cw_line(w, "if (in == 0) return; /* between two windows */");
    }
    if (p->window_at >= 0 && p->aggregate_at >= 0)
        vpc_emit_ops(E, st, (uint32_t)p->window_at + 1, (uint32_t)p->aggregate_at);
    emit_slot(E, st);
    vpc_cval *args = NULL;
    if (!buffered(p)) {
        if (p->window_at >= 0) vpc_emit_op_comment(E, st->ops[p->aggregate_at].link);
        args = vpc_emit_agg_args(E, st);
    }
    const char *slot = p->nwin > 1 ? F("vp_floor_mod(j, %u)", p->nwin) : "0";
    if (p->panes && p->kind == VPC_W_COUNT) {
        vpc_cw_line(w, "int64_t c = ++s->count;");
        vpc_emit_slide_add(E, st, args);
        int64_t first = p->size; /* vp_count_window_last(1): slide < size */
        vpc_cw_comment(w, "the last row of a window: it closes");
        vpc_cw_line(w, "if (c >= %lldL && (c - %lldL) %% %lldL == 0) wemit_%s(ctx, s, (c - %lldL) / %lldL + 1, %s);",
                    (long long)first, (long long)first, (long long)p->slide, n, (long long)first,
                    (long long)p->slide, t);
        return;
    }
    if (p->panes) {
        vpc_emit_slide_add(E, st, args);
        return;
    }
    switch (p->kind) {
    case VPC_W_TIME:
        vpc_cw_open(w, "for (int64_t j = jlo; j <= jhi; j++)");
        vpc_cw_line(w, "wa_%s *win = &s->win[%s];", n, slot);
        vpc_cw_open(w, "if (win->rows == 0)");
        vpc_cw_line(w, "win->j = j;");
        vpc_cw_line(w, "*(int32_t *)vp_vec_push(&w_%s.open[%s], (int64_t)sizeof(int32_t), -1) = s->ord;", n, slot);
        vpc_cw_line(w, "w_%s.end[%s] = vp_time_window_end(j, %lldL, %lldL);", n, slot, (long long)p->size,
                    (long long)p->slide);
        vpc_cw_line(w, "if (w_%s.end[%s] < w_%s.first_end) w_%s.first_end = w_%s.end[%s];", n, slot, n, n, n,
                    slot);
        vpc_cw_close(w, NULL);
        emit_add(E, st, args);
        vpc_cw_line(w, "win->last = %s;", t);
        vpc_cw_close(w, NULL);
        break;
    case VPC_W_COUNT:
        vpc_cw_line(w, "int64_t jlo, jhi;");
        vpc_cw_line(w, "if (!vp_count_windows(++s->count, %lldL, %lldL, &jlo, &jhi)) return;", (long long)p->size,
                    (long long)p->slide);
        vpc_cw_open(w, "for (int64_t j = jlo; j <= jhi; j++)");
        vpc_cw_line(w, "wa_%s *win = &s->win[%s];", n, slot);
        vpc_cw_line(w, "win->j = j;");
        emit_add(E, st, args);
        vpc_cw_line(w, "win->last = %s;", t);
        vpc_cw_comment(w, "its last row: the window closes");
        vpc_cw_line(w, "if (s->count == vp_count_window_last(j, %lldL, %lldL)) wemit_%s(ctx, s, win, win->last);",
                    (long long)p->size, (long long)p->slide, n);
        vpc_cw_close(w, NULL);
        break;
    case VPC_W_SESSION:
        vpc_cw_line(w, "wa_%s *win = &s->win[0];", n);
        vpc_cw_line(w, "int64_t had = win->rows;");
        emit_add(E, st, args);
        vpc_cw_comment(w, "a row the row bound dropped neither opens nor extends the session");
        vpc_cw_open(w, "if (win->rows > had)");
        vpc_cw_line(w, "if (had == 0 || %s > win->last) win->last = %s;", t, t);
        vpc_cw_line(w, "vp_pq_set(w_%s.sessions, s->ord, vp_sat_add(win->last, %lldL));", n, (long long)p->size);
        vpc_cw_close(w, NULL);
        break;
    case VPC_W_NONE:
        vpc_cw_line(w, "wa_%s *win = &s->win[0];", n);
        emit_add(E, st, args);
        vpc_cw_line(w, "win->last = %s;", t);
        vpc_cw_line(w, "wemit_%s(ctx, s, win, win->last);", n);
        break;
    }
}

void vpc_emit_window_stream(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_emit_stream_comment(E, st);
    emit_post(E, st);
    if (p->panes) vpc_emit_slide_fns(E, st);
    else emit_wemit(E, st);
    if (p->kind == VPC_W_TIME) emit_wclose_time(E, st);
    if (p->kind == VPC_W_SESSION) emit_wclose_session(E, st);
    vpc_cw_open(w, "static void st_%s(vp_ctx *ctx, const %s *r0)", n, st->in->cname);
    vpc_cw_line(w, "(void)ctx;");
    E->row = "r0->";
    E->rowlayout = st->in;
    E->depth = "0";
    if (clocked(p)) {
        vpc_cw_comment(w, "stream clock: windows it has reached close before this row is added");
        if (p->watermark) {
            vpc_cw_comment(w, ".watermark(): the clock trails the latest row time by %lld ns", (long long)p->out_of_order);
            vpc_cw_line(w, "int64_t wm = vp_sat_sub(r0->time, %lldL);", (long long)p->out_of_order);
            vpc_cw_line(w, "if (wm > w_%s.clock) w_%s.clock = wm;", n, n);
        } else {
            vpc_cw_line(w, "if (r0->time > w_%s.clock) w_%s.clock = r0->time;", n, n);
        }
        if (p->kind == VPC_W_TIME)
            vpc_cw_line(w, "if (w_%s.first_end <= w_%s.clock) wclose_%s(ctx, false);", n, n, n);
        else vpc_cw_line(w, "wclose_%s(ctx, false);", n);
        if (p->watermark) {
            vpc_cw_comment(w, "older than the clock minus the allowed lateness: late");
            vpc_cw_open(w, "if (r0->time < vp_sat_sub(w_%s.clock, %lldL))", n, (long long)p->lateness);
            vpc_cw_line(w, "vp_count(ctx, w_%s.c_late, 1);", n);
            vpc_cw_line(w, "return;");
            vpc_cw_close(w, NULL);
        }
    }
    vpc_emit_ops(E, st, 0, stage_start(p));
    emit_stage(E, st);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

void vpc_emit_window_init(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        vpc_wplan *p = st->win;
        if (!p) continue;
        const char *n = st->name->name;
        if (clocked(p)) {
            vpc_cw_line(w, "w_%s.clock = INT64_MIN;", n);
            vpc_cw_line(w, "w_%s.c_late = vp_counter(ctx, \"stream %s: late rows dropped\");", n, n);
        }
        if (p->kind == VPC_W_TIME) vpc_cw_line(w, "w_%s.first_end = INT64_MAX;", n);
        if (p->panes && !partitioned(p)) vpc_emit_slide_init(E, st, F("w_%s.one.", n));
        if (p->panes && p->kind == VPC_W_TIME)
            vpc_cw_line(w, "w_%s.c_runs = vp_counter(ctx, \"stream %s: out-of-order rows dropped: run limit (%lld) "
                           "reached\");", n, n, (long long)p->max_runs);
        if (p->kind == VPC_W_SESSION) vpc_cw_line(w, "w_%s.sessions = vp_pq_new();", n);
        if (partitioned(p)) {
            vpc_cw_line(w, "w_%s.tab = vp_tab_new((int64_t)sizeof(ws_%s), %lldL);", n, n,
                        (long long)E->prog->max_partitions);
            vpc_cw_line(w, "w_%s.c_keys = vp_counter(ctx, \"stream %s: rows dropped: partition limit (%lld) "
                           "reached\");", n, n, (long long)E->prog->max_partitions);
        }
        if (bounded(p))
            vpc_cw_line(w, "w_%s.c_rows = vp_counter(ctx, \"stream %s: %s: window row limit (%lld) reached\");", n,
                        n, buffered(p) ? "rows dropped" : "distinct values not counted",
                        (long long)E->prog->max_window_rows);
    }
}

void vpc_emit_window_end(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    bool any = false;
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->end_order[i];
        if (st->pat && st->pat->ntrailing) { /* patterns end in the same order */
            vpc_emit_pattern_end(E, st);
            if (st->nconsumers) vpc_cw_line(w, "q_drain(ctx);");
            continue;
        }
        if (!st->win || !clocked(st->win)) continue;
        if (!any) vpc_cw_comment(w, "every time window and session closes, sources before readers; the rows this"
                                    " produces reach readers before they close theirs");
        any = true;
        vpc_cw_line(w, "wclose_%s(ctx, true);", st->name->name);
        if (st->nconsumers) vpc_cw_line(w, "q_drain(ctx);");
    }
    if (!any) vpc_cw_comment(w, "no time windows or sessions");
}

/* The memory held by partition state `s`. */
static void emit_free_state(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    if (p->panes) {
        vpc_emit_slide_free(E, st);
        return;
    }
    vpc_cw_open(w, "for (int32_t k = 0; k < %u; k++)", p->nwin);
    vpc_cw_line(w, "wa_%s *win = &s->win[k];", st->name->name);
    if (buffered(p)) {
        vpc_cw_line(w, "vp_vec_free(&win->buf);");
        vpc_cw_line(w, "vp_arena_free(&win->bytes);");
    } else {
        vpc_emit_agg_free(E, p, "win");
    }
    vpc_cw_line(w, "(void)win;");
    vpc_cw_close(w, NULL);
}

void vpc_emit_window_fini(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        vpc_wplan *p = st->win;
        if (!p) continue;
        const char *n = st->name->name;
        if (partitioned(p)) vpc_cw_open(w, "for (int32_t i = 0; i < (int32_t)vp_tab_count(w_%s.tab); i++)", n);
        else vpc_cw_open(w, "for (int32_t i = 0; i < 1; i++)");
        vpc_cw_line(w, "ws_%s *s = %s;", n, slot_of(E, st, "i"));
        emit_free_state(E, st);
        vpc_cw_close(w, NULL);
        if (partitioned(p)) {
            vpc_cw_line(w, "vp_tab_free(w_%s.tab);", n);
            vpc_cw_line(w, "vp_key_free(&w_%s.key);", n);
            vpc_cw_line(w, "vp_arena_free(&w_%s.keys);", n);
            if (vpc_emit_window_by_part(E, st)) vpc_cw_line(w, "vp_vec_free(&w_%s.by_part);", n);
        }
        if (p->kind == VPC_W_TIME)
            vpc_cw_line(w, "for (int32_t k = 0; k < %u; k++) vp_vec_free(&w_%s.open[k]);", p->nwin, n);
        if (p->kind == VPC_W_SESSION) vpc_cw_line(w, "vp_pq_free(w_%s.sessions);", n);
    }
}
