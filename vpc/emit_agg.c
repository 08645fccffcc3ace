/* emit_agg.c — aggregate state (LANGUAGE.md §4.4) as members of one
 * window's state `win`: running values updated in O(1) per row (a count, a
 * sum, Welford's mean and M2, min, max, first, last, an EMA; a set for
 * count(distinct)), the aggregate row built from them when the window
 * closes, and the reset for the next window. Over panes (emit_slide.c) the
 * same state is a partial aggregate, and two partials combine in row order;
 * over time panes without ema, first/last partials carry the arrival
 * numbers of their rows and combine in any order (vpc_emit_agg_tagged).
 * Member names: a<i>_... for aggregate call i of the stream. */
#include <stdio.h>
#include <string.h>

#include "emit.h"

#define F(...) vpc_emit_fmt(E, __VA_ARGS__)

/* first()/last() of a string or a dynamic value own a copy of it. */
bool vpc_emit_agg_owns_bytes(const vpc_aggcall *a)
{
    return (a->fn == VPC_AGG_FIRST || a->fn == VPC_AGG_LAST) &&
           (a->ty == VPC_TY_STR || !vpc_emit_has_null_flag(a->ty));
}

bool vpc_emit_agg_tagged(const vpc_wplan *p)
{
    if (!p->panes || p->kind != VPC_W_TIME) return false;
    bool first_last = false;
    for (uint32_t i = 0; i < p->naggs; i++) {
        if (p->aggs[i].fn == VPC_AGG_EMA) return false;
        first_last |= p->aggs[i].fn == VPC_AGG_FIRST || p->aggs[i].fn == VPC_AGG_LAST;
    }
    return first_last;
}

static const char *call_text(vpc_emitter *E, const vpc_aggcall *a)
{
    vpc_buf b = {0};
    vpc_cw_snippet(E->ctx, a->call->span, &b, 60);
    const char *s = F("%s", vpc_buf_cstr(&b));
    vpc_buf_free(&b);
    return s;
}

void vpc_emit_agg_fields(vpc_emitter *E, vpc_wplan *p)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < p->naggs; i++) {
        vpc_aggcall *a = &p->aggs[i];
        const char *c = call_text(E, a);
        switch (a->fn) {
        case VPC_AGG_COUNT: vpc_cw_comment(w, "%s: rows", c); break;
        case VPC_AGG_COUNT_X: vpc_cw_line(w, "int64_t a%u_n; /* %s */", i, c); break;
        case VPC_AGG_DISTINCT:
            if (p->panes) vpc_cw_comment(w, "%s: in the partition's bag a%u_bag", c, i);
            else vpc_cw_line(w, "vp_set a%u_set; /* %s */", i, c);
            break;
        case VPC_AGG_SUM: vpc_cw_line(w, "double a%u_sum; /* %s */", i, c); break;
        case VPC_AGG_AVG: vpc_cw_line(w, "double a%u_sum; int64_t a%u_n; /* %s */", i, i, c); break;
        case VPC_AGG_MIN:
        case VPC_AGG_MAX: vpc_cw_line(w, "double a%u_v; bool a%u_has; /* %s */", i, i, c); break;
        case VPC_AGG_STDDEV:
            vpc_cw_line(w, "int64_t a%u_n; double a%u_mean, a%u_m2; /* %s: Welford */", i, i, i, c);
            break;
        case VPC_AGG_FIRST:
        case VPC_AGG_LAST:
            if (vpc_emit_has_null_flag(a->ty))
                vpc_cw_line(w, "%s a%u_v; bool a%u_null; /* %s */", vpc_emit_ctype(a->ty), i, i, c);
            else vpc_cw_line(w, "vp_val a%u_v; /* %s */", i, c);
            if (vpc_emit_agg_owns_bytes(a)) vpc_cw_line(w, "vp_arena a%u_own;", i);
            break;
        case VPC_AGG_EMA:
            vpc_cw_line(w, "double a%u_e; bool a%u_has; /* %s */", i, i, c);
            if (p->panes) vpc_cw_line(w, "double a%u_m, a%u_c; /* as a map of a seeded value: e -> m * e + c */", i, i);
            break;
        }
    }
    if (vpc_emit_agg_tagged(p))
        vpc_cw_line(w, "int64_t seq0, seq1; /* arrival numbers of its first and last rows (first, last) */");
}

/* The numeric value of c: C expressions for "is a number" and its double. */
static bool numeric(vpc_emitter *E, vpc_cval c, const char **ok, const char **x)
{
    switch (c.ty) {
    case VPC_TY_INT:
        *ok = c.n ? F("!%s", c.n) : NULL;
        *x = F("(double)%s", c.v);
        return true;
    case VPC_TY_FLOAT:
        *ok = c.n ? F("!%s", c.n) : NULL;
        *x = c.v;
        return true;
    case VPC_TY_DYN: /* non-numeric values are skipped */
        *ok = F("(%s.tag == VP_INT || %s.tag == VP_FLOAT)", c.v, c.v);
        *x = F("(%s.tag == VP_INT ? (double)%s.u.i : %s.u.f)", c.v, c.v, c.v);
        return true;
    default: return false; /* null */
    }
}

static const char *double_lit(vpc_emitter *E, double d)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    if (!strpbrk(buf, ".e")) strcat(buf, ".0");
    return F("%s", buf);
}

/* first()/last(): the value of this row into a<i>_v. */
static void keep_value(vpc_emitter *E, uint32_t i, const vpc_aggcall *a, vpc_cval v)
{
    vpc_cw *w = E->w;
    if (vpc_emit_agg_owns_bytes(a)) vpc_cw_line(w, "vp_arena_clear(&win->a%u_own);", i);
    if (!vpc_emit_has_null_flag(a->ty)) {
        vpc_cw_line(w, "win->a%u_v = vp_own_val(ctx, &win->a%u_own, %s);", i, i, vpc_emit_box(E, v));
        return;
    }
    vpc_cw_line(w, "win->a%u_null = %s;", i, vpc_emit_isnull(E, v));
    if (a->ty == VPC_TY_STR)
        vpc_cw_line(w, "if (!win->a%u_null) win->a%u_v = vp_own_str(ctx, &win->a%u_own, %s);", i, i, i, v.v);
    else if (v.ty != VPC_TY_NULL) vpc_cw_line(w, "win->a%u_v = %s;", i, v.v);
}

vpc_cval *vpc_emit_agg_args(vpc_emitter *E, vpc_stream *st)
{
    vpc_wplan *p = st->win;
    vpc_cval *vals = VPC_NEW_N(&E->ctx->ir, vpc_cval, p->naggs + 1);
    for (uint32_t i = 0; i < p->naggs; i++) {
        vpc_aggcall *a = &p->aggs[i];
        if (a->fn == VPC_AGG_COUNT) continue;
        vpc_expr_kind k = a->arg->kind;
        if (k == VPC_E_CALL || k == VPC_E_UNARY || k == VPC_E_BINARY || k == VPC_E_COND || k == VPC_E_IS)
            vpc_cw_comment(E->w, "argument of %s", call_text(E, a));
        vals[i] = vpc_emit_user_expr(E, a->arg);
    }
    return vals;
}

void vpc_emit_agg_update(vpc_emitter *E, vpc_stream *st, vpc_cval *args)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    for (uint32_t i = 0; i < p->naggs; i++) {
        vpc_aggcall *a = &p->aggs[i];
        vpc_cval v = args[i];
        switch (a->fn) {
        case VPC_AGG_COUNT: break;
        case VPC_AGG_COUNT_X:
            if (v.ty != VPC_TY_NULL) vpc_cw_line(w, "if (!%s) win->a%u_n++;", vpc_emit_isnull(E, v), i);
            break;
        case VPC_AGG_DISTINCT:
            if (v.ty == VPC_TY_NULL || p->panes) break; /* panes: emit_slide.c */
            vpc_cw_open(w, "if (!%s)", vpc_emit_isnull(E, v));
            v.n = NULL; /* not null here */
            vpc_cw_line(w, "int32_t added = vp_set_add(&win->a%u_set, %s, w_%s.held < %lldL);", i,
                        vpc_emit_box(E, v), n, (long long)E->prog->max_window_rows);
            vpc_cw_line(w, "if (added > 0) w_%s.held++;", n);
            vpc_cw_line(w, "else if (added < 0) vp_count(ctx, w_%s.c_rows, 1);", n);
            vpc_cw_close(w, NULL);
            break;
        case VPC_AGG_FIRST:
            vpc_cw_open(w, "if (win->rows == 0)");
            keep_value(E, i, a, v);
            vpc_cw_close(w, NULL);
            break;
        case VPC_AGG_LAST:
            keep_value(E, i, a, v);
            break;
        default: {
            const char *ok, *x;
            if (!numeric(E, v, &ok, &x)) break;
            if (ok) vpc_cw_open(w, "if (%s)", ok);
            else vpc_cw_block(w);
            vpc_cw_line(w, "double x = %s;", x);
            switch (a->fn) {
            case VPC_AGG_SUM: vpc_cw_line(w, "win->a%u_sum += x;", i); break;
            case VPC_AGG_AVG:
                vpc_cw_line(w, "win->a%u_sum += x;", i);
                vpc_cw_line(w, "win->a%u_n++;", i);
                break;
            case VPC_AGG_MIN:
            case VPC_AGG_MAX:
                vpc_cw_open(w, "if (!win->a%u_has || x %s win->a%u_v)", i, a->fn == VPC_AGG_MIN ? "<" : ">", i);
                vpc_cw_line(w, "win->a%u_v = x;", i);
                vpc_cw_line(w, "win->a%u_has = true;", i);
                vpc_cw_close(w, NULL);
                break;
            case VPC_AGG_STDDEV:
                vpc_cw_line(w, "win->a%u_n++;", i);
                vpc_cw_line(w, "double d = x - win->a%u_mean;", i);
                vpc_cw_line(w, "win->a%u_mean += d / (double)win->a%u_n;", i, i);
                vpc_cw_line(w, "win->a%u_m2 += d * (x - win->a%u_mean);", i, i);
                break;
            case VPC_AGG_EMA: {
                const char *al = double_lit(E, a->alpha), *be = double_lit(E, 1.0 - a->alpha);
                vpc_cw_line(w, "win->a%u_e = win->a%u_has ? %s * x + %s * win->a%u_e : x; /* seeded with the first "
                               "value */", i, i, al, be, i);
                if (p->panes) {
                    vpc_cw_line(w, "win->a%u_c = win->a%u_has ? %s * x + %s * win->a%u_c : %s * x;", i, i, al, be, i,
                                al);
                    vpc_cw_line(w, "win->a%u_m = win->a%u_has ? %s * win->a%u_m : %s;", i, i, be, i, be);
                }
                vpc_cw_line(w, "win->a%u_has = true;", i);
                break;
            }
            default: vpc_ice("aggregate %d", (int)a->fn);
            }
            vpc_cw_close(w, NULL);
            break;
        }
        }
    }
}

/* The value of aggregate i in a closed window. Strings leave the window's
 * memory for the input's scratch memory, like the rows they end up in. */
static vpc_cval agg_value(vpc_emitter *E, const vpc_wplan *p, uint32_t i, const vpc_aggcall *a)
{
    vpc_cw *w = E->w;
    vpc_cval c = {VPC_TY_FLOAT, NULL, NULL};
    switch (a->fn) {
    case VPC_AGG_COUNT: c.ty = VPC_TY_INT; c.v = "win->rows"; break;
    case VPC_AGG_COUNT_X: c.ty = VPC_TY_INT; c.v = F("win->a%u_n", i); break;
    case VPC_AGG_DISTINCT:
        c.ty = VPC_TY_INT;
        c.v = p->panes ? F("s->a%u_bag.n", i) : F("win->a%u_set.n", i);
        break;
    case VPC_AGG_SUM: c.v = F("win->a%u_sum", i); break;
    case VPC_AGG_AVG:
        vpc_cw_line(w, "double v%u = win->a%u_n ? win->a%u_sum / (double)win->a%u_n : 0.0;", i, i, i, i);
        c.v = F("v%u", i);
        c.n = F("(win->a%u_n == 0)", i);
        break;
    case VPC_AGG_MIN:
    case VPC_AGG_MAX:
        c.v = F("win->a%u_v", i);
        c.n = F("!win->a%u_has", i);
        break;
    case VPC_AGG_STDDEV: /* sample deviation */
        vpc_cw_line(w, "double v%u = win->a%u_n < 2 ? 0.0 : vp_f_sqrt(win->a%u_m2 / (double)(win->a%u_n - 1));", i,
                    i, i, i);
        c.v = F("v%u", i);
        c.n = F("(win->a%u_n < 2)", i);
        break;
    case VPC_AGG_FIRST:
    case VPC_AGG_LAST:
        c.ty = a->ty;
        if (!vpc_emit_has_null_flag(a->ty)) {
            vpc_cw_line(w, "vp_val v%u = vp_own_val(ctx, NULL, win->a%u_v);", i, i);
            c.v = F("v%u", i);
        } else if (a->ty == VPC_TY_STR) {
            vpc_cw_line(w, "vp_str v%u = win->a%u_null ? win->a%u_v : vp_own_str(ctx, NULL, win->a%u_v);", i, i, i,
                        i);
            c.v = F("v%u", i);
            c.n = F("win->a%u_null", i);
        } else {
            c.v = F("win->a%u_v", i);
            c.n = F("win->a%u_null", i);
        }
        break;
    case VPC_AGG_EMA:
        c.v = F("win->a%u_e", i);
        c.n = F("!win->a%u_has", i);
        break;
    }
    return c;
}

static void set_field(vpc_emitter *E, const char *row, vpc_rfield *f, vpc_cval v)
{
    const char *n = f->name->name;
    if (!vpc_emit_has_null_flag(f->ty)) {
        vpc_cw_line(E->w, "%sf_%s = %s;", row, n, vpc_emit_box(E, v));
        return;
    }
    vpc_cw_line(E->w, "%sf_%s = %s;", row, n, vpc_emit_as(E, v, f->ty));
    vpc_cw_line(E->w, "%sn_%s = %s;", row, n, v.n ? v.n : "false");
}

void vpc_emit_agg_row(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    vpc_opnode *op = &st->ops[p->aggregate_at];
    vpc_row *r = op->out;
    E->aggvals = VPC_NEW_N(&E->ctx->ir, vpc_cval, p->naggs + 1);
    E->keyvals = VPC_NEW_N(&E->ctx->ir, vpc_cval, p->nkeys + 1);
    for (uint32_t i = 0; i < p->naggs; i++) E->aggvals[i] = agg_value(E, p, i, &p->aggs[i]);
    for (uint32_t i = 0; i < p->nkeys; i++) {
        vpc_pkey *k = &p->keys[i];
        vpc_cval c = {k->ty, F("s->k_%s", k->name->name), NULL};
        if (vpc_emit_has_null_flag(k->ty)) c.n = F("s->kn_%s", k->name->name);
        else c.ty = VPC_TY_DYN;
        E->keyvals[i] = c;
    }
    vpc_cw_line(w, "%s out;", r->cname);
    vpc_cw_line(w, "out.time = t;");
    if (vpc_emit_keyed_aggregate(st)) vpc_cw_line(w, "out.part = s->ord;");
    E->row = "out.";
    E->rowlayout = r;
    E->depth = "0";
    uint32_t f = 0;
    for (uint32_t i = 0; i < p->nkeys; i++)
        if (p->keys[i].in_output) set_field(E, "out.", &r->fields[f++], E->keyvals[i]);
    vpc_cval *vals = VPC_NEW_N(&E->ctx->ir, vpc_cval, op->nitems + 1);
    for (uint32_t i = 0; i < op->nitems; i++) vals[i] = vpc_emit_user_expr(E, op->items[i].value);
    for (uint32_t i = 0; i < op->nitems; i++) set_field(E, "out.", &r->fields[f++], vals[i]);
    VPC_ASSERT(f == r->nfields);
    E->aggvals = E->keyvals = NULL;
    vpc_cw_line(w, "wpost_%s(ctx, &out);", st->name->name);
}

void vpc_emit_agg_reset(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    for (uint32_t i = 0; i < p->naggs; i++) {
        vpc_aggcall *a = &p->aggs[i];
        switch (a->fn) {
        case VPC_AGG_COUNT: break;
        case VPC_AGG_COUNT_X: vpc_cw_line(w, "win->a%u_n = 0;", i); break;
        case VPC_AGG_DISTINCT:
            if (p->panes) break;
            vpc_cw_line(w, "w_%s.held -= win->a%u_set.n;", st->name->name, i);
            vpc_cw_line(w, "vp_set_clear(&win->a%u_set);", i);
            break;
        case VPC_AGG_SUM: vpc_cw_line(w, "win->a%u_sum = 0.0;", i); break;
        case VPC_AGG_AVG:
            vpc_cw_line(w, "win->a%u_sum = 0.0;", i);
            vpc_cw_line(w, "win->a%u_n = 0;", i);
            break;
        case VPC_AGG_MIN:
        case VPC_AGG_MAX:
        case VPC_AGG_EMA: vpc_cw_line(w, "win->a%u_has = false;", i); break;
        case VPC_AGG_STDDEV:
            vpc_cw_line(w, "win->a%u_n = 0;", i);
            vpc_cw_line(w, "win->a%u_mean = win->a%u_m2 = 0.0;", i, i);
            break;
        case VPC_AGG_FIRST:
        case VPC_AGG_LAST:
            if (vpc_emit_agg_owns_bytes(a)) vpc_cw_line(w, "vp_arena_clear(&win->a%u_own);", i);
            break;
        }
    }
    vpc_cw_line(w, "win->rows = 0;");
}

/* first()/last(): the value kept by partial `from` into o. */
static void copy_value(vpc_emitter *E, uint32_t i, const vpc_aggcall *a, const char *from)
{
    vpc_cw_line(E->w, "o->a%u_v = %s->a%u_v;", i, from, i);
    if (vpc_emit_has_null_flag(a->ty)) vpc_cw_line(E->w, "o->a%u_null = %s->a%u_null;", i, from, i);
}

void vpc_emit_agg_combine(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    bool tagged = vpc_emit_agg_tagged(p);
    for (uint32_t i = 0; i < p->naggs; i++) {
        vpc_aggcall *a = &p->aggs[i];
        switch (a->fn) {
        case VPC_AGG_COUNT: break;
        case VPC_AGG_DISTINCT: break; /* the partition's bag */
        case VPC_AGG_COUNT_X: vpc_cw_line(w, "o->a%u_n = l->a%u_n + r->a%u_n;", i, i, i); break;
        case VPC_AGG_SUM: vpc_cw_line(w, "o->a%u_sum = l->a%u_sum + r->a%u_sum;", i, i, i); break;
        case VPC_AGG_AVG:
            vpc_cw_line(w, "o->a%u_sum = l->a%u_sum + r->a%u_sum;", i, i, i);
            vpc_cw_line(w, "o->a%u_n = l->a%u_n + r->a%u_n;", i, i, i);
            break;
        case VPC_AGG_MIN:
        case VPC_AGG_MAX:
            vpc_cw_line(w, "o->a%u_v = !r->a%u_has || (l->a%u_has && l->a%u_v %s r->a%u_v) ? l->a%u_v : r->a%u_v;", i,
                        i, i, i, a->fn == VPC_AGG_MIN ? "<=" : ">=", i, i, i);
            vpc_cw_line(w, "o->a%u_has = l->a%u_has || r->a%u_has;", i, i, i);
            break;
        case VPC_AGG_STDDEV: /* Chan et al.: the mean and M2 of two parts */
            vpc_cw_open(w, "if (!l->a%u_n || !r->a%u_n)", i, i);
            vpc_cw_line(w, "const wa_%s *q = l->a%u_n ? l : r;", n, i);
            vpc_cw_line(w, "o->a%u_mean = q->a%u_mean;", i, i);
            vpc_cw_line(w, "o->a%u_m2 = q->a%u_m2;", i, i);
            vpc_cw_close(w, NULL);
            vpc_cw_open(w, "else");
            vpc_cw_line(w, "double nl = (double)l->a%u_n, nr = (double)r->a%u_n, n = nl + nr;", i, i);
            vpc_cw_line(w, "double d = r->a%u_mean - l->a%u_mean;", i, i);
            vpc_cw_line(w, "o->a%u_mean = l->a%u_mean + d * (nr / n);", i, i);
            vpc_cw_line(w, "o->a%u_m2 = l->a%u_m2 + r->a%u_m2 + d * d * (nl * nr / n);", i, i, i);
            vpc_cw_close(w, NULL);
            vpc_cw_line(w, "o->a%u_n = l->a%u_n + r->a%u_n;", i, i, i);
            break;
        case VPC_AGG_FIRST: /* l's rows came first, or the earlier arrival */
            if (tagged) vpc_cw_open(w, "if (l->rows && (!r->rows || l->seq0 < r->seq0))");
            else vpc_cw_open(w, "if (l->rows)");
            copy_value(E, i, a, "l");
            vpc_cw_close(w, NULL);
            vpc_cw_open(w, "else");
            copy_value(E, i, a, "r");
            vpc_cw_close(w, NULL);
            break;
        case VPC_AGG_LAST:
            if (tagged) vpc_cw_open(w, "if (r->rows && (!l->rows || r->seq1 > l->seq1))");
            else vpc_cw_open(w, "if (r->rows)");
            copy_value(E, i, a, "r");
            vpc_cw_close(w, NULL);
            vpc_cw_open(w, "else");
            copy_value(E, i, a, "l");
            vpc_cw_close(w, NULL);
            break;
        case VPC_AGG_EMA: /* r's map applied after l's */
            vpc_cw_open(w, "if (!l->a%u_has || !r->a%u_has)", i, i);
            vpc_cw_line(w, "const wa_%s *q = l->a%u_has ? l : r;", n, i);
            vpc_cw_line(w, "o->a%u_e = q->a%u_e;", i, i);
            vpc_cw_line(w, "o->a%u_m = q->a%u_m;", i, i);
            vpc_cw_line(w, "o->a%u_c = q->a%u_c;", i, i);
            vpc_cw_close(w, NULL);
            vpc_cw_open(w, "else");
            vpc_cw_line(w, "o->a%u_e = r->a%u_m * l->a%u_e + r->a%u_c;", i, i, i, i);
            vpc_cw_line(w, "o->a%u_c = r->a%u_m * l->a%u_c + r->a%u_c;", i, i, i, i);
            vpc_cw_line(w, "o->a%u_m = r->a%u_m * l->a%u_m;", i, i, i);
            vpc_cw_close(w, NULL);
            vpc_cw_line(w, "o->a%u_has = l->a%u_has || r->a%u_has;", i, i, i);
            break;
        }
    }
    if (tagged) {
        vpc_cw_comment(w, "after first/last, which read them");
        vpc_cw_line(w, "o->seq0 = l->rows && (!r->rows || l->seq0 < r->seq0) ? l->seq0 : r->seq0;");
        vpc_cw_line(w, "o->seq1 = r->rows && (!l->rows || r->seq1 > l->seq1) ? r->seq1 : l->seq1;");
    }
    vpc_cw_comment(w, "last: first/last above read the row counts of l and r");
    vpc_cw_line(w, "o->rows = l->rows + r->rows;");
}

void vpc_emit_agg_free(vpc_emitter *E, vpc_wplan *p, const char *win)
{
    for (uint32_t i = 0; i < p->naggs; i++) {
        vpc_aggcall *a = &p->aggs[i];
        if (a->fn == VPC_AGG_DISTINCT && !p->panes) vpc_cw_line(E->w, "vp_set_free(&%s->a%u_set);", win, i);
        if (vpc_emit_agg_owns_bytes(a)) vpc_cw_line(E->w, "vp_arena_free(&%s->a%u_own);", win, i);
    }
}
