/* check_agg.c — .aggregate() (LANGUAGE.md §4.4): its items are expressions
 * over aggregate calls, whose arguments are per-row expressions, and over
 * the partition keys. Builds the aggregate row layout. */
#include <string.h>

#include "check.h"

/* What the items of one .aggregate() can see. */
typedef struct vpc_aggscope {
    vpc_wplan *plan;
    vpc_row *row;         /* rows entering the window */
    vpc_sym *row_alias;
    const char *row_what;
} vpc_aggscope;

static const struct {
    const char *name;
    vpc_aggfn fn;
} agg_names[] = {
    {"count", VPC_AGG_COUNT}, {"count_distinct", VPC_AGG_DISTINCT}, {"sum", VPC_AGG_SUM},
    {"avg", VPC_AGG_AVG},     {"min", VPC_AGG_MIN},                 {"max", VPC_AGG_MAX},
    {"stddev", VPC_AGG_STDDEV}, {"first", VPC_AGG_FIRST},           {"last", VPC_AGG_LAST},
    {"ema", VPC_AGG_EMA},
};

/* The aggregate function a call names, or -1 (min/max with two arguments
 * are the scalar builtins). */
static int agg_fn_of(const char *name, uint32_t nargs)
{
    for (size_t i = 0; i < sizeof agg_names / sizeof agg_names[0]; i++) {
        if (strcmp(agg_names[i].name, name)) continue;
        if ((agg_names[i].fn == VPC_AGG_MIN || agg_names[i].fn == VPC_AGG_MAX) && nargs != 1) return -1;
        return (int)agg_names[i].fn;
    }
    return -1;
}

static int expected_args(vpc_aggfn fn) { return fn == VPC_AGG_COUNT ? -1 : fn == VPC_AGG_EMA ? 2 : 1; }

/* count(distinct x), count(distinct(x)): the operand, else NULL. */
static vpc_expr *distinct_operand(vpc_expr *a)
{
    if (a->kind == VPC_E_DISTINCT) return a->u.distinct;
    if (a->kind == VPC_E_CALL && a->u.call.callee->kind == VPC_E_NAME &&
        vpc_sym_is(a->u.call.callee->u.name, "distinct") && a->u.call.nargs == 1 && !a->u.call.args[0].name)
        return a->u.call.args[0].value;
    return NULL;
}

static bool numeric_arg(vpc_aggfn fn)
{
    return fn == VPC_AGG_SUM || fn == VPC_AGG_AVG || fn == VPC_AGG_MIN || fn == VPC_AGG_MAX ||
           fn == VPC_AGG_STDDEV || fn == VPC_AGG_EMA;
}

/* ema(x, p): p an int >= 1 (a period, alpha = 2 / (p + 1)) or a float in (0, 1]. */
static bool ema_alpha(vpc_checker *C, vpc_expr *p, double *alpha)
{
    if (p->kind == VPC_E_INT && p->u.i >= 1) {
        *alpha = 2.0 / ((double)p->u.i + 1.0);
        return true;
    }
    if (p->kind == VPC_E_FLOAT && p->u.f > 0.0 && p->u.f <= 1.0) {
        *alpha = p->u.f;
        return true;
    }
    vpc_error(C->ctx, p->span, "ema() period must be an integer >= 1 or a float in (0, 1]");
    return false;
}

static vpc_aggcall *add_call(vpc_checker *C, vpc_wplan *p)
{
    if (p->naggs == p->capaggs) {
        uint32_t cap = p->capaggs ? p->capaggs * 2 : 8;
        vpc_aggcall *n = VPC_NEW_N(&C->ctx->ir, vpc_aggcall, cap);
        if (p->naggs) memcpy(n, p->aggs, p->naggs * sizeof *n);
        p->aggs = n;
        p->capaggs = cap;
    }
    vpc_aggcall *a = &p->aggs[p->naggs++];
    memset(a, 0, sizeof *a);
    return a;
}

bool vpc_check_agg_call(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty)
{
    vpc_expr *callee = e->u.call.callee;
    if (callee->kind != VPC_E_NAME || vpc_check_lookup(C, callee->u.name, VPC_D_FN)) return false;
    const char *name = callee->u.name->name;
    uint32_t nargs = e->u.call.nargs;
    int f = agg_fn_of(name, nargs);
    if (f < 0) return false;
    vpc_einfo *info = vpc_einfo_of(C, e);
    *ty = info->ty = VPC_TY_DYN;
    if (S->in_agg_arg) {
        vpc_error(C->ctx, callee->span, "aggregate function '%s' cannot be nested in another", name);
        return true;
    }
    vpc_aggfn fn = (vpc_aggfn)f;
    int want = expected_args(fn);
    if (fn == VPC_AGG_COUNT ? nargs > 1 : (int)nargs != want) {
        if (fn == VPC_AGG_COUNT)
            vpc_error(C->ctx, e->span, "function 'count' expects 0 to 1 argument(s), got %u", nargs);
        else vpc_error(C->ctx, e->span, "function '%s' expects %d argument(s), got %u", name, want, nargs);
        return true;
    }
    for (uint32_t i = 0; i < nargs; i++)
        if (e->u.call.args[i].name) {
            vpc_error(C->ctx, e->u.call.args[i].name_span, "named arguments are not allowed in function calls");
            return true;
        }
    vpc_expr *arg = nargs ? e->u.call.args[0].value : NULL;
    if (fn == VPC_AGG_COUNT && arg) {
        vpc_expr *d = distinct_operand(arg);
        fn = d ? VPC_AGG_DISTINCT : VPC_AGG_COUNT_X;
        if (d) arg = d;
    } else if (arg && arg->kind == VPC_E_DISTINCT) {
        vpc_error(C->ctx, arg->span, "'distinct' is only allowed in count() inside .aggregate()");
        return true;
    }
    /* the argument is evaluated on each row of the window */
    vpc_aggscope *ag = S->agg;
    vpc_scope R = {0};
    R.row = ag->row;
    R.row_alias = ag->row_alias;
    R.row_what = ag->row_what;
    R.in_agg_arg = true;
    vpc_ty at = arg ? vpc_check_expr(C, &R, arg) : VPC_TY_INT;
    if (numeric_arg(fn) && !vpc_ty_numeric(at) && at != VPC_TY_DYN && at != VPC_TY_NULL)
        vpc_error(C->ctx, arg->span, "%s() needs a number, found %s", name, vpc_ty_name(at));
    double alpha = 0;
    if (fn == VPC_AGG_EMA && !ema_alpha(C, e->u.call.args[1].value, &alpha)) return true;
    vpc_aggcall *a = add_call(C, ag->plan);
    a->fn = fn;
    a->call = e;
    a->arg = arg;
    a->alpha = alpha;
    switch (fn) {
    case VPC_AGG_COUNT: case VPC_AGG_COUNT_X: case VPC_AGG_DISTINCT: a->ty = VPC_TY_INT; break;
    case VPC_AGG_FIRST: case VPC_AGG_LAST: a->ty = at == VPC_TY_NULL ? VPC_TY_DYN : at; break;
    default: a->ty = VPC_TY_FLOAT; break;
    }
    info->ref = VPC_REF_AGG;
    info->field = ag->plan->naggs - 1;
    *ty = info->ty = a->ty;
    return true;
}

bool vpc_check_agg_name(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty)
{
    vpc_aggscope *ag = S->agg;
    vpc_sym *name = e->u.name;
    vpc_einfo *info = vpc_einfo_of(C, e);
    for (uint32_t i = 0; i < ag->plan->nkeys; i++) {
        if (ag->plan->keys[i].name != name) continue;
        info->ref = VPC_REF_KEY;
        info->field = i;
        *ty = info->ty = ag->plan->keys[i].ty;
        return true;
    }
    bool field = false;
    for (uint32_t i = 0; i < ag->row->nfields; i++) field |= ag->row->fields[i].name == name;
    bool global = vpc_check_lookup(C, name, VPC_D_GLOBAL) != NULL;
    if (global && !field) return false;
    *ty = info->ty = VPC_TY_DYN;
    if (field || ag->row->implicit) {
        vpc_error(C->ctx, e->span, "bare field '%s' in .aggregate()", name->name);
        return true;
    }
    const char *cands[256];
    size_t n = 0;
    for (uint32_t i = 0; i < ag->plan->nkeys && n < 256; i++) cands[n++] = ag->plan->keys[i].name->name;
    for (uint32_t i = 0; i < C->prog->nglobals && n < 256; i++) cands[n++] = C->prog->globals[i]->name->name;
    const char *hint = vpc_suggest(name->name, cands, n);
    if (hint)
        vpc_error(C->ctx, e->span, "unknown name '%s' in .aggregate() (did you mean '%s'?)", name->name, hint);
    else vpc_error(C->ctx, e->span, "unknown name '%s' in .aggregate()", name->name);
    return true;
}

/* .aggregate(name: expr, ...) / .aggregate({ ... }) */
bool vpc_check_aggregate(vpc_sbuilder *B, vpc_link *l)
{
    vpc_checker *C = B->C;
    vpc_ctx *ctx = C->ctx;
    vpc_wplan *p = vpc_check_plan(B);
    if (p->aggregate_at >= 0) {
        vpc_error(ctx, l->op_span, "a stream has at most one .aggregate()");
        return false;
    }
    if (p->window_at < 0) {
        vpc_warn(ctx, l->op_span, "aggregate-no-window",
                 ".aggregate() without a preceding .window(): every row is aggregated alone");
        p->kind = VPC_W_NONE;
        p->nwin = 1;
        p->in = B->row;
        vpc_check_window_keys(B);
    } else {
        /* between them, rows are filtered as they arrive */
        for (uint32_t i = (uint32_t)p->window_at + 1; i < B->nops; i++)
            if (B->ops[i].kind != VPC_OPK_WHERE) {
                vpc_error(ctx, B->ops[i].link->op_span,
                          "only .where() may stand between .window() and .aggregate()");
                return false;
            }
    }
    vpc_opnode *op = vpc_check_add_op(B, VPC_OPK_AGGREGATE, l);
    if (!op) return false;
    p->aggregate_at = (int32_t)B->nops - 1;
    op->items = vpc_check_named_items(B, l, &op->nitems, "aggregate");
    vpc_aggscope ag = {p, B->row, B->alias, B->row_what};
    vpc_scope S = {0};
    S.agg = &ag;
    vpc_ty *tys = VPC_NEW_N(&ctx->ir, vpc_ty, op->nitems + 1);
    for (uint32_t i = 0; i < op->nitems; i++) {
        vpc_ty t = vpc_check_expr(C, &S, op->items[i].value);
        tys[i] = t == VPC_TY_NULL ? VPC_TY_DYN : t;
    }
    /* the row: partition keys first (unless an item has the name), then the items */
    vpc_buf nb = {0};
    vpc_buf_printf(&nb, "row_%s_%u", B->st->name->name, op->id);
    vpc_row *r = vpc_check_new_row(C, vpc_arena_strdup(&ctx->ir, nb.p, nb.n), l->span);
    vpc_buf_free(&nb);
    for (uint32_t k = 0; k < p->nkeys; k++) {
        vpc_pkey *key = &p->keys[k];
        for (uint32_t i = 0; i < op->nitems; i++)
            if (op->items[i].name == key->name) key->in_output = false;
        if (key->in_output) vpc_row_add(C, r, key->name, key->ty == VPC_TY_NULL ? VPC_TY_DYN : key->ty, key->span);
    }
    for (uint32_t i = 0; i < op->nitems; i++) vpc_row_add(C, r, op->items[i].name, tys[i], op->items[i].name_span);
    op->out = r;
    B->row = r;
    B->alias = NULL;
    B->row_what = vpc_check_stream_what(C, B->st);
    return true;
}
