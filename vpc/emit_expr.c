/* emit_expr.c — expressions to C in statement form: every compound value is
 * a temporary (tN, with null flag nN), so operands are cheap to repeat and
 * null handling follows LANGUAGE.md §3 exactly. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "emit.h"

const char *vpc_emit_fmt(vpc_emitter *E, const char *fmt, ...)
{
    vpc_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    vpc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    const char *s = vpc_arena_strdup(&E->ctx->ir, b.p ? b.p : "", b.n);
    vpc_buf_free(&b);
    return s;
}
#define F(...) vpc_emit_fmt(E, __VA_ARGS__)

const char *vpc_emit_ctype(vpc_ty t)
{
    switch (t) {
    case VPC_TY_INT: case VPC_TY_TS: case VPC_TY_DUR: return "int64_t";
    case VPC_TY_FLOAT: return "double";
    case VPC_TY_BOOL: return "bool";
    case VPC_TY_STR: return "vp_str";
    default: return "vp_val";
    }
}

bool vpc_emit_has_null_flag(vpc_ty t)
{
    return t != VPC_TY_DYN && t != VPC_TY_NULL && t != VPC_TY_VOID;
}

const char *vpc_emit_field(const char *name) { return name; }

static vpc_ty ty_of(vpc_expr *e) { return ((vpc_einfo *)e->sema)->ty; }

static vpc_cval cval(vpc_ty ty, const char *v, const char *n)
{
    vpc_cval c = {ty, v, n};
    return c;
}

static vpc_cval null_cval(void) { return cval(VPC_TY_NULL, "vp_null()", "true"); }

/* Declares a temporary holding (v, n) and returns it by name. */
static vpc_cval tmp(vpc_emitter *E, vpc_ty ty, const char *v, const char *n)
{
    uint32_t k = ++E->ntemps;
    if (ty == VPC_TY_NULL) return null_cval();
    vpc_cw_line(E->w, "%s t%u = %s;", vpc_emit_ctype(ty), k, v);
    if (!vpc_emit_has_null_flag(ty) || !n || !strcmp(n, "false")) return cval(ty, F("t%u", k), NULL);
    vpc_cw_line(E->w, "bool n%u = %s;", k, n);
    return cval(ty, F("t%u", k), F("n%u", k));
}

/* A temporary declared now and assigned later (branches). */
static vpc_cval tmp_decl(vpc_emitter *E, vpc_ty ty)
{
    uint32_t k = ++E->ntemps;
    static const char *const zero[] = {
        [VPC_TY_INT] = "0", [VPC_TY_TS] = "0", [VPC_TY_DUR] = "0", [VPC_TY_FLOAT] = "0.0",
        [VPC_TY_BOOL] = "false", [VPC_TY_STR] = "vp_lit(\"\", 0)"};
    if (vpc_emit_has_null_flag(ty)) {
        vpc_cw_line(E->w, "%s t%u = %s;", vpc_emit_ctype(ty), k, zero[ty]);
        vpc_cw_line(E->w, "bool n%u = true;", k);
        return cval(ty, F("t%u", k), F("n%u", k));
    }
    vpc_cw_line(E->w, "vp_val t%u = vp_null();", k);
    return cval(VPC_TY_DYN, F("t%u", k), NULL);
}

/* Assigns c (converted) to a temporary made by tmp_decl. */
static void assign(vpc_emitter *E, vpc_cval dst, vpc_cval c)
{
    if (dst.ty == VPC_TY_DYN) {
        vpc_cw_line(E->w, "%s = %s;", dst.v, vpc_emit_box(E, c));
        return;
    }
    if (c.ty == VPC_TY_NULL) {
        vpc_cw_line(E->w, "%s = true;", dst.n);
        return;
    }
    vpc_cw_line(E->w, "%s = %s;", dst.v, vpc_emit_as(E, c, dst.ty));
    vpc_cw_line(E->w, "%s = %s;", dst.n, c.n ? c.n : "false");
}

const char *vpc_emit_isnull(vpc_emitter *E, vpc_cval c)
{
    if (c.ty == VPC_TY_NULL) return "true";
    if (c.ty == VPC_TY_DYN) return F("(%s.tag == VP_NULL)", c.v);
    return c.n ? c.n : "false";
}

const char *vpc_emit_truth(vpc_emitter *E, vpc_cval c)
{
    switch (c.ty) {
    case VPC_TY_BOOL: return c.n ? F("(!%s && %s)", c.n, c.v) : c.v;
    case VPC_TY_DYN: return F("vp_is_true(%s)", c.v);
    default: return "false"; /* and/or/not treat non-bool as false */
    }
}

const char *vpc_emit_box(vpc_emitter *E, vpc_cval c)
{
    const char *box;
    switch (c.ty) {
    case VPC_TY_DYN: return c.v;
    case VPC_TY_NULL: return "vp_null()";
    case VPC_TY_INT: box = "vp_box_int"; break;
    case VPC_TY_FLOAT: box = "vp_box_float"; break;
    case VPC_TY_BOOL: box = "vp_box_bool"; break;
    case VPC_TY_STR: box = "vp_box_str"; break;
    case VPC_TY_TS: box = "vp_box_ts"; break;
    case VPC_TY_DUR: box = "vp_box_dur"; break;
    default: vpc_ice("cannot box %s", vpc_ty_name(c.ty));
    }
    if (!c.n) return F("%s(%s)", box, c.v);
    return F("(%s ? vp_null() : %s(%s))", c.n, box, c.v);
}

/* Converts a non-null value to static type `to` (int -> float widening only). */
const char *vpc_emit_as(vpc_emitter *E, vpc_cval c, vpc_ty to)
{
    if (to == VPC_TY_DYN) return vpc_emit_box(E, c);
    if (c.ty == to) return c.v;
    if (to == VPC_TY_FLOAT && c.ty == VPC_TY_INT) return F("(double)%s", c.v);
    if (c.ty == VPC_TY_DYN) {
        /* callers check the tag first (unbox) */
        switch (to) {
        case VPC_TY_INT: case VPC_TY_TS: case VPC_TY_DUR: return F("%s.u.i", c.v);
        case VPC_TY_FLOAT: return F("(%s.tag == VP_INT ? (double)%s.u.i : %s.u.f)", c.v, c.v, c.v);
        case VPC_TY_BOOL: return F("%s.u.b", c.v);
        case VPC_TY_STR: return F("%s.u.s", c.v);
        default: break;
        }
    }
    vpc_ice("cannot convert %s to %s", vpc_ty_name(c.ty), vpc_ty_name(to));
}

/* A dynamic value unboxed to a static type: null unless the tag matches. */
static vpc_cval unbox(vpc_emitter *E, vpc_cval d, vpc_ty to)
{
    const char *ok;
    switch (to) {
    case VPC_TY_INT: ok = F("%s.tag == VP_INT", d.v); break;
    case VPC_TY_FLOAT: ok = F("(%s.tag == VP_FLOAT || %s.tag == VP_INT)", d.v, d.v); break;
    case VPC_TY_BOOL: ok = F("%s.tag == VP_BOOL", d.v); break;
    case VPC_TY_STR: ok = F("%s.tag == VP_STR", d.v); break;
    case VPC_TY_TS: ok = F("%s.tag == VP_TS", d.v); break;
    case VPC_TY_DUR: ok = F("%s.tag == VP_DUR", d.v); break;
    default: return d;
    }
    return tmp(E, to, vpc_emit_as(E, d, to), F("!(%s)", ok));
}

static const char *or_null(vpc_emitter *E, const char *a, const char *b)
{
    if (!a) return b;
    if (!b) return a;
    return F("(%s || %s)", a, b);
}

/* ---- literals and names ---- */

static const char *float_lit(vpc_emitter *E, double f)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", f);
    if (!strpbrk(buf, ".eEn")) strcat(buf, ".0");
    return F("%s", buf);
}

static vpc_cval emit_str_lit(vpc_emitter *E, vpc_str s)
{
    vpc_buf b = {0};
    vpc_cw_escape(&b, s.p, s.n);
    const char *v = F("vp_lit(\"%s\", %zu)", b.p ? b.p : "", s.n);
    vpc_buf_free(&b);
    return cval(VPC_TY_STR, v, NULL);
}

static vpc_cval field_ref(vpc_emitter *E, uint32_t idx)
{
    VPC_ASSERT(E->row && E->rowlayout && idx < E->rowlayout->nfields);
    vpc_rfield *f = &E->rowlayout->fields[idx];
    const char *v = F("%sf_%s", E->row, f->name->name);
    if (!vpc_emit_has_null_flag(f->ty)) return cval(VPC_TY_DYN, v, NULL);
    return cval(f->ty, v, F("%sn_%s", E->row, f->name->name));
}

static vpc_cval global_ref(vpc_emitter *E, vpc_global *g)
{
    const char *v = F("g_%s", g->name->name);
    if (!vpc_emit_has_null_flag(g->ty)) return cval(VPC_TY_DYN, v, NULL);
    return cval(g->ty, v, F("gn_%s", g->name->name));
}

static vpc_cval local_ref(vpc_emitter *E, vpc_local *l)
{
    const char *v = F("l_%s_%u", l->name->name, l->id);
    if (!vpc_emit_has_null_flag(l->ty)) return cval(VPC_TY_DYN, v, NULL);
    return cval(l->ty, v, F("ln_%s_%u", l->name->name, l->id));
}

static vpc_cval emit_name(vpc_emitter *E, vpc_expr *e)
{
    vpc_einfo *info = e->sema;
    switch (info->ref) {
    case VPC_REF_FIELD: return field_ref(E, info->field);
    case VPC_REF_GLOBAL: return global_ref(E, info->global);
    case VPC_REF_LOCAL: return local_ref(E, info->local);
    case VPC_REF_KEY: VPC_ASSERT(E->keyvals); return E->keyvals[info->field];
    case VPC_REF_FIELD_OR_GLOBAL: {
        vpc_cval f = field_ref(E, info->field);
        vpc_cval g = global_ref(E, info->global);
        return tmp(E, VPC_TY_DYN, F("(%s.tag != VP_NULL) ? %s : %s", f.v, f.v, vpc_emit_box(E, g)), NULL);
    }
    default: vpc_ice("unresolved name '%s'", e->u.name->name);
    }
}

/* ---- operators ---- */

static const char *dyn_op(vpc_op op)
{
    switch (op) {
    case VPC_OP_ADD: return "VP_OP_ADD";
    case VPC_OP_SUB: return "VP_OP_SUB";
    case VPC_OP_MUL: return "VP_OP_MUL";
    case VPC_OP_DIV: return "VP_OP_DIV";
    case VPC_OP_MOD: return "VP_OP_MOD";
    case VPC_OP_POW: return "VP_OP_POW";
    case VPC_OP_SHL: return "VP_OP_SHL";
    case VPC_OP_SHR: return "VP_OP_SHR";
    case VPC_OP_BAND: return "VP_OP_BAND";
    case VPC_OP_BOR: return "VP_OP_BOR";
    case VPC_OP_BXOR: return "VP_OP_BXOR";
    case VPC_OP_LT: return "VP_OP_LT";
    case VPC_OP_LE: return "VP_OP_LE";
    case VPC_OP_GT: return "VP_OP_GT";
    case VPC_OP_GE: return "VP_OP_GE";
    default: vpc_ice("no dynamic form for operator %d", (int)op);
    }
}

static const char *c_cmp(vpc_op op)
{
    switch (op) {
    case VPC_OP_EQ: return "==";
    case VPC_OP_NE: return "!=";
    case VPC_OP_LT: return "<";
    case VPC_OP_LE: return "<=";
    case VPC_OP_GT: return ">";
    case VPC_OP_GE: return ">=";
    default: vpc_ice("not a comparison");
    }
}

/* A comparison's result: no temporary, since it is pure (its operands are
 * evaluated already) and read once; a temporary would cost the JIT a store
 * and a load, and hide the test from its branch. Except with a constant
 * operand: libtcc 0.9.27 miscompiles some conditions that mix constants
 * into && and || (`if (!(0 && ((x && 1) || y)))` returns garbage), and
 * is safe when the value goes through a temporary first. */
static vpc_cval pure_bool(vpc_emitter *E, const char *v)
{
    if (strstr(v, "true") || strstr(v, "false")) return tmp(E, VPC_TY_BOOL, v, NULL);
    return cval(VPC_TY_BOOL, F("(%s)", v), NULL);
}

static vpc_cval compare_values(vpc_emitter *E, vpc_op op, vpc_cval a, vpc_cval b)
{
    bool eq = op == VPC_OP_EQ || op == VPC_OP_NE;
    /* comparisons with the null literal */
    if (a.ty == VPC_TY_NULL || b.ty == VPC_TY_NULL) {
        if (!eq) return pure_bool(E, "false");
        vpc_cval o = a.ty == VPC_TY_NULL ? b : a;
        const char *isnull = vpc_emit_isnull(E, o);
        return pure_bool(E, op == VPC_OP_EQ ? isnull : F("!%s", isnull));
    }
    bool numeric = vpc_ty_numeric(a.ty) && vpc_ty_numeric(b.ty);
    if (a.ty == VPC_TY_DYN || b.ty == VPC_TY_DYN || (!numeric && a.ty != b.ty)) {
        const char *ba = vpc_emit_box(E, a), *bb = vpc_emit_box(E, b);
        if (eq) return pure_bool(E, F("%svp_dyn_eq(%s, %s)", op == VPC_OP_NE ? "!" : "", ba, bb));
        return pure_bool(E, F("vp_dyn_cmp(%s, %s, %s)", dyn_op(op), ba, bb));
    }
    const char *av = a.v, *bv = b.v;
    if (numeric && a.ty != b.ty) {
        av = vpc_emit_as(E, a, VPC_TY_FLOAT);
        bv = vpc_emit_as(E, b, VPC_TY_FLOAT);
    }
    if (eq) {
        const char *same = a.ty == VPC_TY_STR ? F("vp_str_eq(%s, %s)", av, bv) : F("%s == %s", av, bv);
        const char *r;
        if (!a.n && !b.n) {
            r = same;
        } else { /* null == null; null != any value */
            const char *na = a.n ? a.n : "false", *nb = b.n ? b.n : "false";
            r = F("(%s && %s) || (!%s && !%s && %s)", na, nb, na, nb, same);
        }
        return pure_bool(E, op == VPC_OP_EQ ? r : F("!(%s)", r));
    }
    const char *core = a.ty == VPC_TY_STR ? F("vp_str_cmp(%s, %s) %s 0", av, bv, c_cmp(op))
                                          : F("%s %s %s", av, c_cmp(op), bv);
    /* a NaN makes an ordered comparison false, as null must */
    bool fa = a.nan_null && a.ty == VPC_TY_FLOAT, fb = b.nan_null && b.ty == VPC_TY_FLOAT;
    const char *nn = or_null(E, fa ? NULL : a.n, fb ? NULL : b.n);
    return pure_bool(E, nn ? F("!%s && %s", nn, core) : core);
}

/* LANGUAGE.md §5.3: a comparison with a binding its run has not made is
 * false, == and != included (an ordered one already is: it reads null). */
static vpc_cval emit_compare(vpc_emitter *E, vpc_op op, vpc_cval a, vpc_cval b)
{
    vpc_cval r = compare_values(E, op, a, b);
    const char *unbound = or_null(E, a.unbound, b.unbound);
    if (!unbound || (op != VPC_OP_EQ && op != VPC_OP_NE)) return r;
    return pure_bool(E, F("!%s && %s", unbound, r.v));
}

static vpc_cval emit_arith(vpc_emitter *E, vpc_op op, vpc_ty rt, vpc_cval a, vpc_cval b)
{
    if (rt == VPC_TY_NULL || a.ty == VPC_TY_NULL || b.ty == VPC_TY_NULL) return null_cval();
    bool temporal = a.ty == VPC_TY_TS || a.ty == VPC_TY_DUR || b.ty == VPC_TY_TS || b.ty == VPC_TY_DUR;
    bool plain_temporal = temporal && (op == VPC_OP_ADD || op == VPC_OP_SUB) &&
                          !vpc_ty_numeric(a.ty) && !vpc_ty_numeric(b.ty);
    if (rt == VPC_TY_DYN || a.ty == VPC_TY_DYN || b.ty == VPC_TY_DYN || (temporal && !plain_temporal)) {
        vpc_cval d = tmp(E, VPC_TY_DYN,
                         F("vp_dyn_arith(ctx, %s, %s, %s)", dyn_op(op), vpc_emit_box(E, a), vpc_emit_box(E, b)),
                         NULL);
        return rt == VPC_TY_DYN ? d : unbox(E, d, rt);
    }
    const char *nn = or_null(E, a.n, b.n);
    if (rt == VPC_TY_STR) return tmp(E, rt, F("vp_str_concat(ctx, %s, %s)", a.v, b.v), nn);
    if (rt == VPC_TY_INT || plain_temporal) {
        switch (op) {
        case VPC_OP_ADD: return tmp(E, rt, F("vp_i_wrap_add(%s, %s)", a.v, b.v), nn);
        case VPC_OP_SUB: return tmp(E, rt, F("vp_i_wrap_sub(%s, %s)", a.v, b.v), nn);
        case VPC_OP_MUL: return tmp(E, rt, F("vp_i_wrap_mul(%s, %s)", a.v, b.v), nn);
        case VPC_OP_DIV:
            return tmp(E, rt, F("%s == 0 ? 0 : vp_i_div(%s, %s)", b.v, a.v, b.v),
                       or_null(E, nn, F("%s == 0", b.v)));
        case VPC_OP_MOD:
            return tmp(E, rt, F("%s == 0 ? 0 : vp_i_mod(%s, %s)", b.v, a.v, b.v),
                       or_null(E, nn, F("%s == 0", b.v)));
        case VPC_OP_POW: return tmp(E, rt, F("vp_i_pow(%s, %s)", a.v, b.v), nn);
        case VPC_OP_SHL: return tmp(E, rt, F("vp_i_shl(%s, %s)", a.v, b.v), nn);
        case VPC_OP_SHR: return tmp(E, rt, F("vp_i_shr(%s, %s)", a.v, b.v), nn);
        case VPC_OP_BAND: return tmp(E, rt, F("%s & %s", a.v, b.v), nn);
        case VPC_OP_BOR: return tmp(E, rt, F("%s | %s", a.v, b.v), nn);
        case VPC_OP_BXOR: return tmp(E, rt, F("%s ^ %s", a.v, b.v), nn);
        default: break;
        }
    }
    if (rt == VPC_TY_FLOAT) {
        const char *x = vpc_emit_as(E, a, VPC_TY_FLOAT), *y = vpc_emit_as(E, b, VPC_TY_FLOAT);
        switch (op) {
        case VPC_OP_ADD: return tmp(E, rt, F("%s + %s", x, y), nn);
        case VPC_OP_SUB: return tmp(E, rt, F("%s - %s", x, y), nn);
        case VPC_OP_MUL: return tmp(E, rt, F("%s * %s", x, y), nn);
        case VPC_OP_DIV:
            return tmp(E, rt, F("%s == 0.0 ? 0.0 : %s / %s", y, x, y), or_null(E, nn, F("%s == 0.0", y)));
        case VPC_OP_MOD:
            return tmp(E, rt, F("%s == 0.0 ? 0.0 : vp_f_mod(%s, %s)", y, x, y),
                       or_null(E, nn, F("%s == 0.0", y)));
        case VPC_OP_POW: return tmp(E, rt, F("vp_f_pow(%s, %s)", x, y), nn);
        default: break;
        }
    }
    vpc_ice("no code for %s on %s", vpc_op_spelling(op), vpc_ty_name(rt));
}

static vpc_cval emit_logic(vpc_emitter *E, vpc_expr *e)
{
    vpc_op op = e->u.binary.op;
    vpc_cval a = vpc_emit_expr(E, e->u.binary.lhs);
    if (op == VPC_OP_XOR) {
        vpc_cval b = vpc_emit_expr(E, e->u.binary.rhs);
        return tmp(E, VPC_TY_BOOL, F("%s != %s", vpc_emit_truth(E, a), vpc_emit_truth(E, b)), NULL);
    }
    vpc_cval r = tmp(E, VPC_TY_BOOL, vpc_emit_truth(E, a), NULL);
    vpc_cw_open(E->w, op == VPC_OP_AND ? "if (%s)" : "if (!%s)", r.v);
    vpc_cval b = vpc_emit_expr(E, e->u.binary.rhs);
    vpc_cw_line(E->w, "%s = %s;", r.v, vpc_emit_truth(E, b));
    vpc_cw_close(E->w, NULL);
    return r;
}

static vpc_cval emit_coalesce(vpc_emitter *E, vpc_expr *e)
{
    vpc_ty rt = ty_of(e);
    vpc_cval a = vpc_emit_expr(E, e->u.binary.lhs);
    if (a.ty != VPC_TY_NULL && a.ty != VPC_TY_DYN && !a.n) return a; /* never null */
    vpc_cval r = tmp_decl(E, rt == VPC_TY_NULL ? VPC_TY_DYN : rt);
    assign(E, r, a);
    vpc_cw_open(E->w, "if (%s)", vpc_emit_isnull(E, r));
    assign(E, r, vpc_emit_expr(E, e->u.binary.rhs));
    vpc_cw_close(E->w, NULL);
    return r;
}

static vpc_cval emit_binary(vpc_emitter *E, vpc_expr *e)
{
    vpc_op op = e->u.binary.op;
    switch (op) {
    case VPC_OP_AND: case VPC_OP_OR: case VPC_OP_XOR: return emit_logic(E, e);
    case VPC_OP_COALESCE: return emit_coalesce(E, e);
    default: break;
    }
    vpc_cval a = vpc_emit_expr(E, e->u.binary.lhs);
    vpc_cval b = vpc_emit_expr(E, e->u.binary.rhs);
    switch (op) {
    case VPC_OP_EQ: case VPC_OP_NE: case VPC_OP_LT: case VPC_OP_LE: case VPC_OP_GT: case VPC_OP_GE:
        return emit_compare(E, op, a, b);
    case VPC_OP_IN:
    case VPC_OP_NOTIN: { /* `not in` is the negation of `in` */
        const char *in;
        if (a.ty == VPC_TY_STR && b.ty == VPC_TY_STR) {
            const char *nn = or_null(E, a.n, b.n);
            const char *core = F("vp_str_contains(%s, %s)", b.v, a.v);
            in = nn ? F("(!%s && %s)", nn, core) : core;
        } else {
            in = F("vp_dyn_in(%s, %s)", vpc_emit_box(E, a), vpc_emit_box(E, b));
        }
        return tmp(E, VPC_TY_BOOL, op == VPC_OP_NOTIN ? F("!%s", in) : in, NULL);
    }
    case VPC_OP_RANGE:
    case VPC_OP_RANGE_INCL:
        vpc_ice("range outside for");
    default:
        return emit_arith(E, op, ty_of(e), a, b);
    }
}

static vpc_cval emit_unary(vpc_emitter *E, vpc_expr *e)
{
    vpc_cval a = vpc_emit_expr(E, e->u.unary.operand);
    switch (e->u.unary.op) {
    case VPC_OP_NOT: return tmp(E, VPC_TY_BOOL, F("!%s", vpc_emit_truth(E, a)), NULL);
    case VPC_OP_NEG:
        if (a.ty == VPC_TY_NULL) return a;
        if (a.ty == VPC_TY_DYN) return tmp(E, VPC_TY_DYN, F("vp_dyn_neg(%s)", a.v), NULL);
        if (a.ty == VPC_TY_FLOAT) return tmp(E, a.ty, F("-%s", a.v), a.n);
        return tmp(E, a.ty, F("vp_i_wrap_neg(%s)", a.v), a.n);
    case VPC_OP_BITNOT:
        if (a.ty == VPC_TY_NULL) return a;
        if (a.ty == VPC_TY_DYN) return tmp(E, VPC_TY_DYN, F("vp_dyn_bitnot(%s)", a.v), NULL);
        return tmp(E, a.ty, F("~%s", a.v), a.n);
    default: vpc_ice("bad unary operator");
    }
}

static vpc_cval emit_is(vpc_emitter *E, vpc_expr *e)
{
    vpc_cval a = vpc_emit_expr(E, e->u.is.operand);
    const char *name = e->u.is.is_null ? "null" : e->u.is.type->name->name;
    const char *test;
    if (!strcmp(name, "null")) {
        test = vpc_emit_isnull(E, a);
    } else if (a.ty == VPC_TY_DYN) {
        static const struct { const char *name, *tag; } tags[] = {
            {"int", "VP_INT"}, {"float", "VP_FLOAT"}, {"bool", "VP_BOOL"}, {"str", "VP_STR"},
            {"string", "VP_STR"}, {"timestamp", "VP_TS"}, {"duration", "VP_DUR"}};
        test = NULL;
        for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
            if (!strcmp(tags[i].name, name)) test = F("%s.tag == %s", a.v, tags[i].tag);
        if (!test) /* array / map: canonical JSON text starts with '[' / '{' */
            test = F("%s.tag == VP_JSON && %s.u.s.n > 0 && %s.u.s.p[0] == '%c'", a.v, a.v, a.v,
                     !strcmp(name, "array") ? '[' : '{');
    } else {
        const char *tn = vpc_ty_name(a.ty);
        bool same = !strcmp(tn, name) || (a.ty == VPC_TY_STR && !strcmp(name, "string"));
        test = same ? (a.n ? F("!%s", a.n) : "true") : "false";
    }
    if (e->u.is.negated) test = F("!(%s)", test);
    return tmp(E, VPC_TY_BOOL, test, NULL);
}

static vpc_cval emit_cond(vpc_emitter *E, vpc_expr *e)
{
    vpc_ty rt = ty_of(e);
    vpc_cval c = vpc_emit_expr(E, e->u.cond.cond);
    vpc_cval r = tmp_decl(E, rt == VPC_TY_NULL ? VPC_TY_DYN : rt);
    vpc_cw_open(E->w, "if (%s)", vpc_emit_truth(E, c));
    assign(E, r, vpc_emit_expr(E, e->u.cond.then));
    vpc_cw_close(E->w, NULL);
    vpc_cw_open(E->w, "else");
    assign(E, r, vpc_emit_expr(E, e->u.cond.els));
    vpc_cw_close(E->w, NULL);
    return r;
}

static vpc_cval emit_call(vpc_emitter *E, vpc_expr *e)
{
    vpc_einfo *info = e->sema;
    if (info->ref == VPC_REF_NOW) return cval(VPC_TY_TS, F("%stime", E->row), NULL);
    if (info->ref == VPC_REF_FIELD) return field_ref(E, info->field); /* len(k), sum(k.f) on a match row */
    if (info->ref == VPC_REF_AGG) {
        VPC_ASSERT(E->aggvals);
        return E->aggvals[info->field];
    }
    if (info->ref == VPC_REF_USERFN) {
        vpc_fn *fn = info->fn;
        vpc_buf args = {0};
        for (uint32_t i = 0; i < e->u.call.nargs; i++) {
            vpc_cval a = vpc_emit_expr(E, e->u.call.args[i].value);
            vpc_ty pt = fn->params[i]->ty;
            if (pt == VPC_TY_DYN) {
                vpc_buf_printf(&args, ", %s", vpc_emit_box(E, a));
            } else if (a.ty == VPC_TY_NULL) {
                vpc_buf_printf(&args, ", 0, true");
            } else if (a.ty == VPC_TY_DYN) {
                vpc_cval u = unbox(E, a, pt);
                vpc_buf_printf(&args, ", %s, %s", u.v, u.n ? u.n : "false");
            } else {
                vpc_buf_printf(&args, ", %s, %s", vpc_emit_as(E, a, pt), a.n ? a.n : "false");
            }
        }
        uint32_t k = ++E->ntemps;
        vpc_ty rt = fn->ret == VPC_TY_VOID ? VPC_TY_DYN : fn->ret;
        vpc_cw_line(E->w, "bool n%u = false;", k);
        vpc_cw_line(E->w, "%s t%u = fn_%s(ctx, %s + 1, &n%u%s);", vpc_emit_ctype(rt), k, fn->name->name,
                    E->depth, k, args.p ? args.p : "");
        vpc_buf_free(&args);
        if (!vpc_emit_has_null_flag(rt)) return cval(VPC_TY_DYN, F("t%u", k), NULL);
        return cval(rt, F("t%u", k), F("n%u", k));
    }
    /* builtins take boxed arguments (vp_builtin_fn) */
    const vpc_builtin *b = &vpc_builtins[info->builtin];
    vpc_buf args = {0};
    uint32_t n = 0;
    if (info->ref == VPC_REF_MEMBER_CALL) {
        vpc_cval a = vpc_emit_expr(E, e->u.call.callee->u.member.obj);
        vpc_buf_printf(&args, "%s", vpc_emit_box(E, a));
        n++;
    }
    for (uint32_t i = 0; i < e->u.call.nargs; i++) {
        vpc_cval a = vpc_emit_expr(E, e->u.call.args[i].value);
        vpc_buf_printf(&args, "%s%s", n ? ", " : "", vpc_emit_box(E, a));
        n++;
    }
    uint32_t k = ++E->ntemps;
    if (n) vpc_cw_line(E->w, "vp_val a%u[%u] = {%s};", k, n, args.p);
    else vpc_cw_line(E->w, "vp_val a%u[1] = {vp_null()};", k);
    vpc_buf_free(&args);
    vpc_cval d = tmp(E, VPC_TY_DYN, F("%s(ctx, %u, a%u)", b->csym, n, k), NULL);
    return unbox(E, d, ty_of(e));
}

static vpc_cval emit_member(vpc_emitter *E, vpc_expr *e)
{
    vpc_einfo *info = e->sema;
    if (info->ref == VPC_REF_FIELD) return field_ref(E, info->field);
    if (info->ref == VPC_REF_BINDING) return vpc_emit_binding(E, info->alias, info->field);
    vpc_cval o = vpc_emit_expr(E, e->u.member.obj);
    vpc_str key = {e->u.member.name->name, e->u.member.name->len};
    vpc_cval k = emit_str_lit(E, key);
    return tmp(E, VPC_TY_DYN, F("vp_dyn_member(%s, %s)", vpc_emit_box(E, o), k.v), NULL);
}

vpc_cval vpc_emit_expr(vpc_emitter *E, vpc_expr *e)
{
    switch (e->kind) {
    case VPC_E_INT:
        if (e->u.i == INT64_MIN) return cval(VPC_TY_INT, "(-9223372036854775807L - 1)", NULL);
        return cval(VPC_TY_INT, F("%lldL", (long long)e->u.i), NULL);
    case VPC_E_DUR: return cval(VPC_TY_DUR, F("%lldL", (long long)e->u.i), NULL);
    case VPC_E_TS: return cval(VPC_TY_TS, F("%lldL", (long long)e->u.i), NULL);
    case VPC_E_FLOAT:
        if (!isfinite(e->u.f)) vpc_ice("non-finite float literal");
        return cval(VPC_TY_FLOAT, float_lit(E, e->u.f), NULL);
    case VPC_E_STR: return emit_str_lit(E, e->u.s);
    case VPC_E_BOOL: return cval(VPC_TY_BOOL, e->u.b ? "true" : "false", NULL);
    case VPC_E_NULL: return null_cval();
    case VPC_E_NAME: return emit_name(E, e);
    case VPC_E_MEMBER: return emit_member(E, e);
    case VPC_E_CALL: return emit_call(E, e);
    case VPC_E_UNARY: return emit_unary(E, e);
    case VPC_E_BINARY: return emit_binary(E, e);
    case VPC_E_IS: return emit_is(E, e);
    case VPC_E_COND: return emit_cond(E, e);
    default: vpc_ice("expression kind %s reached the emitter", vpc_expr_kind_name(e->kind));
    }
}

vpc_cval vpc_emit_user_expr(vpc_emitter *E, vpc_expr *e)
{
    vpc_cw_linedir(E->w, e->span);
    vpc_cval c = vpc_emit_expr(E, e);
    vpc_cw_linedir_end(E->w);
    return c;
}

void vpc_emit_user_test(vpc_emitter *E, vpc_expr *e, const char *guard, const char *fail)
{
    vpc_cw_linedir(E->w, e->span);
    const char *t = vpc_emit_truth(E, vpc_emit_expr(E, e));
    if (*guard) vpc_cw_line(E->w, "if (!(%s%s)) %s;", t, guard, fail);
    else vpc_cw_line(E->w, "if (!%s) %s;", t, fail);
    vpc_cw_linedir_end(E->w);
}

void vpc_emit_write_value(vpc_emitter *E, const char *w, vpc_cval c)
{
    const char *fn;
    switch (c.ty) {
    case VPC_TY_NULL: vpc_cw_line(E->w, "vp_w_null(%s);", w); return;
    case VPC_TY_DYN: vpc_cw_line(E->w, "vp_w_val(%s, %s);", w, c.v); return;
    case VPC_TY_INT: fn = "vp_w_int"; break;
    case VPC_TY_FLOAT: fn = "vp_w_float"; break;
    case VPC_TY_BOOL: fn = "vp_w_bool"; break;
    case VPC_TY_STR: fn = "vp_w_str"; break;
    case VPC_TY_TS: case VPC_TY_DUR: fn = "vp_w_ms"; break;
    default: vpc_ice("cannot write %s", vpc_ty_name(c.ty));
    }
    if (c.n) vpc_cw_line(E->w, "if (%s) vp_w_null(%s); else %s(%s, %s);", c.n, w, fn, w, c.v);
    else vpc_cw_line(E->w, "%s(%s, %s);", fn, w, c.v);
}
