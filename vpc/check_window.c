/* check_window.c — .window() and .partition_by() (LANGUAGE.md §4.3), the
 * bounds on window state (config max_partitions / max_window_rows), and the
 * order in which streams close their windows at end of input (§6). */
#include <string.h>

#include "check.h"

enum { DEFAULT_MAX_PARTITIONS = 100000, DEFAULT_MAX_WINDOW_ROWS = 1000000 };

vpc_wplan *vpc_check_plan(vpc_sbuilder *B)
{
    if (!B->plan) {
        B->plan = VPC_NEW(&B->C->ctx->ir, vpc_wplan);
        B->plan->window_at = B->plan->aggregate_at = -1;
    }
    return B->plan;
}

static bool link_is(const vpc_link *l, const char *op)
{
    return l->kind == VPC_L_OP && !strcmp(l->op->name, op);
}

/* .partition_by() applies wherever it stands in the chain: its fields are
 * collected first and resolved on the rows entering the window. */
void vpc_check_window_prescan(vpc_sbuilder *B, const vpc_stream_body *body)
{
    vpc_ctx *ctx = B->C->ctx;
    bool seen = false;
    for (uint32_t i = 0; i < body->nlinks; i++) {
        const vpc_link *l = &body->links[i];
        if (!link_is(l, "partition_by")) continue;
        if (seen) {
            vpc_error(ctx, l->op_span, "a stream has at most one .partition_by()");
            continue;
        }
        seen = true;
        vpc_wplan *p = vpc_check_plan(B);
        if (l->nargs == 0) vpc_error(ctx, l->span, ".partition_by() expects one or more field names");
        p->keys = VPC_NEW_N(&ctx->ir, vpc_pkey, l->nargs ? l->nargs : 1);
        for (uint32_t j = 0; j < l->nargs; j++) {
            const vpc_arg *a = &l->args[j];
            if (a->name || a->value->kind != VPC_E_NAME) {
                vpc_error(ctx, a->name ? a->name_span : a->value->span, ".partition_by() expects field names");
                continue;
            }
            bool dup = false;
            for (uint32_t k = 0; k < p->nkeys; k++) dup |= p->keys[k].name == a->value->u.name;
            if (dup) {
                vpc_error(ctx, a->value->span, "duplicate field '%s' in .partition_by()", a->value->u.name->name);
                continue;
            }
            vpc_pkey *k = &p->keys[p->nkeys++];
            k->name = a->value->u.name;
            k->span = a->value->span;
            k->in_output = true;
        }
    }
}

void vpc_check_window_keys(vpc_sbuilder *B)
{
    if (!B->plan || B->keys_resolved) return;
    B->keys_resolved = true;
    for (uint32_t i = 0; i < B->plan->nkeys; i++) {
        vpc_pkey *k = &B->plan->keys[i];
        int f = vpc_row_field(B->C, B->row, k->name, k->span);
        if (f < 0) {
            const char *cands[256];
            size_t n = 0;
            for (uint32_t j = 0; j < B->row->nfields && n < 256; j++) cands[n++] = B->row->fields[j].name->name;
            const char *hint = vpc_suggest(k->name->name, cands, n);
            if (hint)
                vpc_error(B->C->ctx, k->span, "unknown field '%s' on %s (did you mean '%s'?)", k->name->name,
                          B->row_what, hint);
            else vpc_error(B->C->ctx, k->span, "unknown field '%s' on %s", k->name->name, B->row_what);
            continue;
        }
        k->field = (uint32_t)f;
        k->ty = B->row->fields[f].ty;
    }
}

/* Without a window or an aggregate, .partition_by() has nothing to
 * partition; its fields are still checked where it stands. */
void vpc_check_partition_by(vpc_sbuilder *B, vpc_link *l)
{
    (void)l;
    vpc_stream_body *body = &B->st->decl->u.stream.body;
    for (uint32_t i = 0; i < body->nlinks; i++)
        if (link_is(&body->links[i], "window") || link_is(&body->links[i], "aggregate")) return;
    vpc_check_window_keys(B);
}

/* A size: a duration literal (time) or an integer literal (rows), > 0. */
static bool window_size(vpc_sbuilder *B, vpc_expr *e, bool *is_time, int64_t *out)
{
    vpc_ctx *ctx = B->C->ctx;
    if (e->kind == VPC_E_UNARY && e->u.unary.op == VPC_OP_NEG &&
        (e->u.unary.operand->kind == VPC_E_DUR || e->u.unary.operand->kind == VPC_E_INT)) {
        vpc_error(ctx, e->span, "window size must be > 0");
        return false;
    }
    if (e->kind != VPC_E_DUR && e->kind != VPC_E_INT) {
        vpc_error(ctx, e->span, "window size must be a duration or an integer literal");
        return false;
    }
    if (e->u.i <= 0) {
        vpc_error(ctx, e->span, "window size must be > 0");
        return false;
    }
    *is_time = e->kind == VPC_E_DUR;
    *out = e->u.i;
    return true;
}

/* A row is in at most ceil(size / slide) windows at once: the ring of
 * window states each partition keeps. */
enum { MAX_OVERLAP = 1024 };

/* .window(d [, sliding: s]) | .window(n [, sliding: k]) | .window(session: gap);
 * policy: is accepted and ignored. */
bool vpc_check_window(vpc_sbuilder *B, vpc_link *l)
{
    vpc_ctx *ctx = B->C->ctx;
    vpc_wplan *p = vpc_check_plan(B);
    if (p->window_at >= 0) {
        vpc_error(ctx, l->op_span, "a stream has at most one .window()");
        return false;
    }
    if (p->aggregate_at >= 0) {
        vpc_error(ctx, l->op_span, ".window() after .aggregate() is not supported yet");
        return false;
    }
    vpc_expr *size = NULL, *slide = NULL, *session = NULL;
    for (uint32_t i = 0; i < l->nargs; i++) {
        vpc_arg *a = &l->args[i];
        const char *an = a->name ? a->name->name : NULL;
        if (!an) {
            if (size) {
                vpc_error(ctx, a->value->span, ".window() takes one size");
                return false;
            }
            size = a->value;
        } else if (!strcmp(an, "policy")) {
            /* accepted and ignored (LANGUAGE.md §4.3) */
        } else if (!strcmp(an, "sliding")) {
            slide = a->value;
        } else if (!strcmp(an, "session")) {
            session = a->value;
        } else {
            static const char *const names[] = {"policy", "sliding", "session"};
            const char *hint = vpc_suggest(an, names, 3);
            if (hint)
                vpc_error(ctx, a->name_span, "unknown .window() argument '%s' (did you mean '%s'?)", an, hint);
            else vpc_error(ctx, a->name_span, "unknown .window() argument '%s'", an);
            return false;
        }
    }
    bool time, slide_time;
    if (session) {
        if (size || slide) {
            vpc_error(ctx, (size ? size : slide)->span, "a session window takes only session: gap");
            return false;
        }
        if (!window_size(B, session, &time, &p->size)) return false;
        if (!time) {
            vpc_error(ctx, session->span, "session gap must be a duration");
            return false;
        }
        p->kind = VPC_W_SESSION;
        p->slide = p->size;
    } else {
        if (!size) {
            vpc_error(ctx, l->span, ".window() expects a size: a duration or a row count");
            return false;
        }
        if (!window_size(B, size, &time, &p->size)) return false;
        p->kind = time ? VPC_W_TIME : VPC_W_COUNT;
        p->slide = p->size;
        if (slide) {
            if (!window_size(B, slide, &slide_time, &p->slide)) return false;
            if (slide_time != time) {
                vpc_error(ctx, slide->span, time ? "the slide of a time window must be a duration"
                                                 : "the slide of a count window must be a row count");
                return false;
            }
        }
    }
    p->nwin = 1;
    if (p->slide < p->size) {
        int64_t n = p->size / p->slide + (p->size % p->slide != 0);
        if (n > MAX_OVERLAP) {
            vpc_error(ctx, slide->span, "sliding window too fine: a row would be in %lld windows (at most %d)",
                      (long long)n, MAX_OVERLAP);
            return false;
        }
        p->nwin = (uint32_t)n;
    }
    if (!vpc_check_add_op(B, VPC_OPK_WINDOW, l)) return false;
    p->window_at = (int32_t)B->nops - 1;
    p->in = B->row;
    vpc_check_window_keys(B);
    return true;
}

/* `.watermark(out_of_order: d)` (or `.watermark(d)`) and `.allowed_lateness(L)`:
 * stream-level settings wherever they stand in the chain (LANGUAGE.md §6). */
void vpc_check_watermark(vpc_sbuilder *B, vpc_link *l)
{
    vpc_ctx *ctx = B->C->ctx;
    bool wm = !strcmp(l->op->name, "watermark");
    const char *what = wm ? ".watermark(out_of_order: d)" : ".allowed_lateness(d)";
    vpc_expr *d = NULL;
    if (l->nargs == 1 && (!l->args[0].name || (wm && vpc_sym_is(l->args[0].name, "out_of_order"))))
        d = l->args[0].value;
    if (!d || d->kind != VPC_E_DUR || d->u.i < 0) {
        vpc_error(ctx, d ? d->span : l->span, "%s expects a duration literal >= 0", what);
        return;
    }
    if (wm) {
        B->watermark = l;
        B->out_of_order = d->u.i;
    } else {
        B->lateness = l;
        B->allowed_lateness = d->u.i;
    }
}

static int64_t gcd(int64_t a, int64_t b)
{
    while (b) {
        int64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* Out-of-order rows may start runs of their own: this many beyond the
 * panes' own runs per partition (see emit_slide.c). */
enum { STRAY_RUNS = 64 };

/* Overlapping windows that aggregate share panes instead of each holding
 * its own state. */
static void plan_panes(vpc_wplan *p)
{
    if (p->window_at < 0 || p->aggregate_at < 0 || p->slide >= p->size) return;
    if (p->kind != VPC_W_TIME && p->kind != VPC_W_COUNT) return;
    p->panes = true;
    p->pane = gcd(p->size, p->slide);
    p->npanes = p->size / p->pane;
    /* panes past the window closing next that a watermark keeps open */
    int64_t lag = p->out_of_order / p->pane + 2;
    /* a pane has at most two runs in order (one more after the stacks
     * flip), out-of-order rows a bounded number more */
    p->max_runs = 2 * (p->npanes + 1) + (p->kind == VPC_W_TIME ? STRAY_RUNS : 0);
    if (p->out_of_order > 0) p->max_runs += 2 * lag + STRAY_RUNS;
}

void vpc_check_window_done(vpc_sbuilder *B)
{
    vpc_wplan *p = B->plan;
    if (p && (p->window_at >= 0 || p->aggregate_at >= 0)) B->st->win = p;
    vpc_link *wl = B->watermark ? B->watermark : B->lateness;
    if (!wl) {
        if (p) plan_panes(p);
        return;
    }
    vpc_pplan *pat = B->st->pat;
    if (pat) { /* the pattern's clock trails its rows, late rows are dropped (LANGUAGE.md §5.4, §6) */
        pat->watermark = B->watermark != NULL;
        pat->out_of_order = B->out_of_order;
        pat->lateness = B->allowed_lateness;
    }
    bool clocked = p && p->window_at >= 0 && (p->kind == VPC_W_TIME || p->kind == VPC_W_SESSION);
    if (!clocked) {
        if (!pat)
            vpc_error(B->C->ctx, wl->op_span, ".%s() needs a pattern, or a time or session window, in this stream",
                      wl->op->name);
        else if (p) plan_panes(p);
        return;
    }
    p->watermark = B->watermark != NULL;
    p->out_of_order = B->out_of_order;
    p->lateness = B->allowed_lateness;
    if (p->kind == VPC_W_TIME && p->out_of_order > 0) {
        /* the clock trails the latest row by out_of_order: windows up to that
         * far behind are still open, each needs its own slot of the ring */
        int64_t span = p->size > INT64_MAX - p->out_of_order ? INT64_MAX : p->size + p->out_of_order;
        int64_t n = span / p->slide + (span % p->slide != 0) + 1;
        if (n > MAX_OVERLAP) {
            vpc_error(B->C->ctx, B->watermark->op_span,
                      "watermark too large for this window: %lld windows could be open at once (at most %d)",
                      (long long)n, MAX_OVERLAP);
            return;
        }
        p->nwin = (uint32_t)n;
    }
    plan_panes(p);
}

/* ---- bounds ---- */

static void limit_value(vpc_checker *C, vpc_expr *key, vpc_expr *v, int64_t *out)
{
    if (v->kind != VPC_E_INT || v->u.i <= 0) {
        vpc_error(C->ctx, v->span, "config '%s' must be a positive integer", key->u.name->name);
        return;
    }
    *out = v->u.i;
}

/* `config { max_partitions: N, max_window_rows: N, max_runs: N }`: other keys belong to
 * other parts of the program. */
void vpc_check_limits(vpc_checker *C)
{
    vpc_program *P = C->prog;
    P->max_partitions = DEFAULT_MAX_PARTITIONS;
    P->max_window_rows = DEFAULT_MAX_WINDOW_ROWS;
    P->max_runs = 10000; /* LANGUAGE.md §5.2 */
    for (uint32_t i = 0; i < C->ast->ndecls; i++) {
        vpc_decl *d = C->ast->decls[i];
        if (d->kind != VPC_D_CONFIG || !d->u.config.map || d->u.config.map->kind != VPC_E_MAP) continue;
        vpc_expr *m = d->u.config.map;
        for (uint32_t j = 0; j < m->u.map.nitems; j++) {
            vpc_expr *k = m->u.map.keys[j];
            if (k->kind != VPC_E_NAME) continue;
            if (vpc_sym_is(k->u.name, "max_partitions")) limit_value(C, k, m->u.map.values[j], &P->max_partitions);
            else if (vpc_sym_is(k->u.name, "max_window_rows"))
                limit_value(C, k, m->u.map.values[j], &P->max_window_rows);
            else if (vpc_sym_is(k->u.name, "max_runs")) limit_value(C, k, m->u.map.values[j], &P->max_runs);
        }
    }
    /* partitions and set members are numbered with int32_t */
    if (P->max_partitions > INT32_MAX) P->max_partitions = INT32_MAX;
    if (P->max_window_rows > INT32_MAX) P->max_window_rows = INT32_MAX;
    if (P->max_runs > INT32_MAX) P->max_runs = INT32_MAX;
}

/* ---- end of input ---- */

/* Sources before their readers; among streams ready at once, the one
 * declared first. */
void vpc_check_end_order(vpc_checker *C)
{
    vpc_program *P = C->prog;
    P->end_order = VPC_NEW_N(&C->ctx->ir, vpc_stream *, P->nstreams + 1);
    bool *done = VPC_NEW_N(&C->ctx->ir, bool, P->nstreams + 1);
    for (uint32_t n = 0; n < P->nstreams; n++) {
        uint32_t pick = P->nstreams;
        for (uint32_t i = 0; i < P->nstreams && pick == P->nstreams; i++) {
            vpc_stream *st = P->streams[i];
            bool waits = st->src_kind == VPC_SK_STREAM && st->src_stream && !done[st->src_stream->id];
            for (uint32_t k = 0; k < st->ninputs; k++) /* merge() / join() */
                waits |= st->inputs[k].stream && !done[st->inputs[k].stream->id];
            bool ready = !done[i] && !waits;
            if (ready) pick = i;
        }
        if (pick == P->nstreams) return; /* a cycle, already reported */
        done[pick] = true;
        P->end_order[n] = P->streams[pick];
    }
}
