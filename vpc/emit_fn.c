/* emit_fn.c — user functions as C functions, and globals (evaluated once at
 * load, in order). A function returns its value and sets *isnull. */
#include <string.h>

#include "emit.h"

#define F(...) vpc_emit_fmt(E, __VA_ARGS__)

static const char *zero_of(vpc_ty t)
{
    switch (t) {
    case VPC_TY_FLOAT: return "0.0";
    case VPC_TY_BOOL: return "false";
    case VPC_TY_STR: return "vp_lit(\"\", 0)";
    case VPC_TY_INT: case VPC_TY_TS: case VPC_TY_DUR: return "0";
    default: return "vp_null()";
    }
}

static vpc_ty ret_ty(vpc_fn *fn) { return fn->ret == VPC_TY_VOID ? VPC_TY_DYN : fn->ret; }

static void signature(vpc_emitter *E, vpc_fn *fn, vpc_buf *b)
{
    vpc_buf_printf(b, "static %s fn_%s(vp_ctx *ctx, int32_t depth, bool *isnull", vpc_emit_ctype(ret_ty(fn)),
                   fn->name->name);
    for (uint32_t i = 0; i < fn->nparams; i++) {
        vpc_local *p = fn->params[i];
        vpc_buf_printf(b, ", %s l_%s_%u", vpc_emit_ctype(p->ty), p->name->name, p->id);
        if (vpc_emit_has_null_flag(p->ty)) vpc_buf_printf(b, ", bool ln_%s_%u", p->name->name, p->id);
    }
    vpc_buf_puts(b, ")");
}

void vpc_emit_fn_protos(vpc_emitter *E)
{
    for (uint32_t i = 0; i < E->prog->nfns; i++) {
        vpc_buf b = {0};
        signature(E, E->prog->fns[i], &b);
        vpc_cw_line(E->w, "%s;", vpc_buf_cstr(&b));
        vpc_buf_free(&b);
    }
}

/* dst (a C lvalue pair of type ty) = c, converting as LANGUAGE.md §3 allows. */
static void store(vpc_emitter *E, const char *dv, const char *dn, vpc_ty ty, vpc_cval c)
{
    if (ty == VPC_TY_DYN) {
        vpc_cw_line(E->w, "%s = %s;", dv, vpc_emit_box(E, c));
        return;
    }
    if (c.ty == VPC_TY_NULL) {
        vpc_cw_line(E->w, "%s = true;", dn);
        return;
    }
    if (c.ty == VPC_TY_DYN && ty != VPC_TY_DYN) {
        const char *ok = ty == VPC_TY_FLOAT ? F("(%s.tag == VP_FLOAT || %s.tag == VP_INT)", c.v, c.v)
                                            : F("%s.tag == %s", c.v,
                                                ty == VPC_TY_INT ? "VP_INT" : ty == VPC_TY_BOOL ? "VP_BOOL"
                                                : ty == VPC_TY_STR ? "VP_STR" : ty == VPC_TY_TS ? "VP_TS" : "VP_DUR");
        vpc_cw_line(E->w, "%s = !(%s);", dn, ok);
        vpc_cw_line(E->w, "if (!%s) %s = %s;", dn, dv, vpc_emit_as(E, c, ty));
        return;
    }
    vpc_cw_line(E->w, "%s = %s;", dv, vpc_emit_as(E, c, ty));
    vpc_cw_line(E->w, "%s = %s;", dn, c.n ? c.n : "false");
}

static void declare_local(vpc_emitter *E, vpc_local *l)
{
    vpc_cw_line(E->w, "%s l_%s_%u = %s;", vpc_emit_ctype(l->ty), l->name->name, l->id, zero_of(l->ty));
    if (vpc_emit_has_null_flag(l->ty)) vpc_cw_line(E->w, "bool ln_%s_%u = true;", l->name->name, l->id);
}

static void store_local(vpc_emitter *E, vpc_local *l, vpc_cval c)
{
    store(E, F("l_%s_%u", l->name->name, l->id), F("ln_%s_%u", l->name->name, l->id), l->ty, c);
}

static void emit_return(vpc_emitter *E, vpc_fn *fn, vpc_cval c)
{
    vpc_ty rt = ret_ty(fn);
    if (rt == VPC_TY_DYN || c.ty == VPC_TY_NULL || c.ty == rt || (rt == VPC_TY_FLOAT && c.ty == VPC_TY_INT)) {
        /* no unboxing: the value converts directly */
        bool null = c.ty == VPC_TY_NULL;
        const char *n = rt == VPC_TY_DYN ? "false" : null ? "true" : c.n ? c.n : "false";
        vpc_cw_line(E->w, "*isnull = %s;", n);
        vpc_cw_line(E->w, "return %s;", null && rt != VPC_TY_DYN ? zero_of(rt) : vpc_emit_as(E, c, rt));
        return;
    }
    vpc_cw_block(E->w);
    vpc_cw_line(E->w, "%s rv = %s;", vpc_emit_ctype(rt), zero_of(rt));
    vpc_cw_line(E->w, "bool rn = true;");
    store(E, "rv", "rn", rt, c);
    vpc_cw_line(E->w, "*isnull = rn;");
    vpc_cw_line(E->w, "return rv;");
    vpc_cw_close(E->w, NULL);
}

static void emit_block(vpc_emitter *E, vpc_fn *fn, vpc_block *b, bool is_body);

static void emit_if(vpc_emitter *E, vpc_fn *fn, vpc_stmt *s, uint32_t k)
{
    if (k == s->u.if_.nconds) {
        if (s->u.if_.els) emit_block(E, fn, s->u.if_.els, false);
        return;
    }
    vpc_cval c = vpc_emit_user_expr(E, s->u.if_.conds[k]);
    vpc_cw_open(E->w, "if (%s)", vpc_emit_truth(E, c));
    emit_block(E, fn, &s->u.if_.blocks[k], false);
    vpc_cw_close(E->w, NULL);
    if (k + 1 < s->u.if_.nconds || s->u.if_.els) {
        vpc_cw_open(E->w, "else");
        emit_if(E, fn, s, k + 1);
        vpc_cw_close(E->w, NULL);
    }
}

static void emit_stmt(vpc_emitter *E, vpc_fn *fn, vpc_stmt *s, bool is_last)
{
    vpc_cw *w = E->w;
    switch (s->kind) {
    case VPC_S_EXPR: {
        vpc_cval c = vpc_emit_user_expr(E, s->u.expr);
        if (is_last) emit_return(E, fn, c);
        break;
    }
    case VPC_S_LET: {
        vpc_local *l = s->sema;
        declare_local(E, l);
        if (s->u.let.init) store_local(E, l, vpc_emit_user_expr(E, s->u.let.init));
        break;
    }
    case VPC_S_ASSIGN:
        store_local(E, s->sema, vpc_emit_user_expr(E, s->u.assign.value));
        break;
    case VPC_S_IF:
        vpc_cw_block(w);
        emit_if(E, fn, s, 0);
        vpc_cw_close(w, NULL);
        break;
    case VPC_S_WHILE: {
        vpc_cw_open(w, "for (;;)");
        vpc_cval c = vpc_emit_user_expr(E, s->u.while_.cond);
        vpc_cw_line(w, "if (!%s) break;", vpc_emit_truth(E, c));
        emit_block(E, fn, &s->u.while_.body, false);
        vpc_cw_close(w, NULL);
        break;
    }
    case VPC_S_FOR: {
        vpc_local *l = s->sema;
        vpc_expr *it = s->u.for_.iter;
        bool incl = it->u.binary.op == VPC_OP_RANGE_INCL;
        vpc_cw_block(w);
        vpc_cval lo = vpc_emit_user_expr(E, it->u.binary.lhs);
        vpc_cval hi = vpc_emit_user_expr(E, it->u.binary.rhs);
        const char *nn = lo.n && hi.n ? F("!%s && !%s", lo.n, hi.n) : lo.n ? F("!%s", lo.n) : hi.n ? F("!%s", hi.n) : "true";
        const char *v = F("l_%s_%u", l->name->name, l->id);
        /* an inclusive range ending at INT64_MAX stops instead of wrapping */
        vpc_cw_open(w, "if (%s) for (int64_t %s = %s; %s %s %s; %s++)", nn, v, lo.v, v, incl ? "<=" : "<", hi.v, v);
        vpc_cw_line(w, "bool ln_%s_%u = false;", l->name->name, l->id);
        vpc_cw_line(w, "(void)ln_%s_%u;", l->name->name, l->id);
        emit_block(E, fn, &s->u.for_.body, false);
        if (incl) vpc_cw_line(w, "if (%s == %s) break;", v, hi.v);
        vpc_cw_close(w, NULL);
        vpc_cw_close(w, NULL);
        break;
    }
    case VPC_S_BREAK: vpc_cw_line(w, "break;"); break;
    case VPC_S_CONTINUE: vpc_cw_line(w, "continue;"); break;
    case VPC_S_RETURN:
        if (s->u.expr) emit_return(E, fn, vpc_emit_user_expr(E, s->u.expr));
        else vpc_cw_line(w, "*isnull = true; return %s;", zero_of(ret_ty(fn)));
        break;
    default:
        vpc_ice("statement %s reached the emitter", vpc_stmt_kind_name(s->kind));
    }
}

static void emit_block(vpc_emitter *E, vpc_fn *fn, vpc_block *b, bool is_body)
{
    for (uint32_t i = 0; i < b->nitems; i++) emit_stmt(E, fn, b->items[i], is_body && i + 1 == b->nitems);
}

void vpc_emit_fns(vpc_emitter *E)
{
    const char *save_row = E->row, *save_depth = E->depth;
    vpc_row *save_layout = E->rowlayout;
    E->row = NULL;
    E->rowlayout = NULL;
    E->depth = "depth";
    for (uint32_t i = 0; i < E->prog->nfns; i++) {
        vpc_fn *fn = E->prog->fns[i];
        vpc_buf b = {0};
        signature(E, fn, &b);
        vpc_buf loc = {0};
        vpc_cw_snippet(E->ctx, fn->decl->name_span, &loc, 60);
        vpc_cw_comment(E->w, "fn %s", vpc_buf_cstr(&loc));
        vpc_buf_free(&loc);
        vpc_cw_open(E->w, "%s", vpc_buf_cstr(&b));
        vpc_buf_free(&b);
        vpc_cw_line(E->w, "(void)ctx;");
        vpc_cw_comment(E->w, "recursion deeper than 256 calls yields null");
        vpc_cw_line(E->w, "if (depth > 256) { *isnull = true; return %s; }", zero_of(ret_ty(fn)));
        emit_block(E, fn, &fn->decl->u.fn.body, true);
        vpc_cw_line(E->w, "*isnull = true;");
        vpc_cw_line(E->w, "return %s;", zero_of(ret_ty(fn)));
        vpc_cw_close(E->w, NULL);
        vpc_cw_blank(E->w);
    }
    E->row = save_row;
    E->rowlayout = save_layout;
    E->depth = save_depth;
}

void vpc_emit_globals_decl(vpc_emitter *E)
{
    for (uint32_t i = 0; i < E->prog->nglobals; i++) {
        vpc_global *g = E->prog->globals[i];
        vpc_cw_line(E->w, "static %s g_%s;", vpc_emit_ctype(g->ty), g->name->name);
        if (vpc_emit_has_null_flag(g->ty)) vpc_cw_line(E->w, "static bool gn_%s = true;", g->name->name);
    }
}

void vpc_emit_globals_init(vpc_emitter *E)
{
    E->row = NULL;
    E->rowlayout = NULL;
    E->depth = "0";
    for (uint32_t i = 0; i < E->prog->nload; i++) {
        vpc_load_step *st = &E->prog->load[i];
        vpc_global *g = st->global;
        vpc_decl *d = g->decl;
        const char *kind = st->reassign ? ":=" : d->u.global.is_const ? "const" : d->u.global.mutable_ ? "var" : "let";
        vpc_cw_comment(E->w, "%s %s", kind, g->name->name);
        vpc_cw_block(E->w);
        vpc_cval c = vpc_emit_user_expr(E, st->value);
        store(E, F("g_%s", g->name->name), F("gn_%s", g->name->name), g->ty, c);
        vpc_cw_close(E->w, NULL);
    }
}
