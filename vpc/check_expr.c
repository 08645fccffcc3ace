/* check_expr.c — name resolution and static typing of expressions
 * (LANGUAGE.md §3). Every user error about an expression is reported here. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

const vpc_builtin vpc_builtins[] = {
#define VP_BUILTIN(name, mi, ma, res, sym) {#name, mi, ma, VPC_BRES_##res, #sym},
#include "builtins.def"
#undef VP_BUILTIN
};
const int vpc_nbuiltins = (int)(sizeof vpc_builtins / sizeof vpc_builtins[0]);

int vpc_builtin_find(const char *name)
{
    for (int i = 0; i < vpc_nbuiltins; i++)
        if (strcmp(vpc_builtins[i].name, name) == 0) return i;
    return -1;
}

const char *vpc_ty_name(vpc_ty t)
{
    static const char *const names[] = {"dynamic", "null", "int", "float", "bool",
                                        "str", "timestamp", "duration", "void"};
    return names[t];
}

vpc_einfo *vpc_einfo_of(vpc_checker *C, vpc_expr *e)
{
    if (!e->sema) e->sema = VPC_NEW(&C->ctx->ir, vpc_einfo);
    return e->sema;
}

static vpc_ty set_ty(vpc_checker *C, vpc_expr *e, vpc_ty t)
{
    vpc_einfo_of(C, e)->ty = t;
    return t;
}

/* Aggregate-only functions (LANGUAGE.md §9): errors outside .aggregate(). */
static bool is_aggregate_only(const char *name, uint32_t nargs)
{
    if (!strcmp(name, "count") || !strcmp(name, "stddev") || !strcmp(name, "ema") ||
        !strcmp(name, "count_distinct"))
        return true;
    /* one-argument sum/avg require an array: inside a stream they mean the aggregate */
    return nargs == 1 && (!strcmp(name, "sum") || !strcmp(name, "avg"));
}

vpc_ty vpc_ty_from_ref(vpc_checker *C, vpc_typeref *t, bool *optional)
{
    if (optional) *optional = t->optional;
    if (t->kind != VPC_TR_NAME) return VPC_TY_DYN; /* arrays, maps, tuples: dynamic */
    const char *n = t->name->name;
    if (!strcmp(n, "int")) return VPC_TY_INT;
    if (!strcmp(n, "float")) return VPC_TY_FLOAT;
    if (!strcmp(n, "bool")) return VPC_TY_BOOL;
    if (!strcmp(n, "str") || !strcmp(n, "string")) return VPC_TY_STR;
    if (!strcmp(n, "timestamp")) return VPC_TY_TS;
    if (!strcmp(n, "duration")) return VPC_TY_DUR;
    if (!strcmp(n, "any")) return VPC_TY_DYN;
    vpc_decl *alias = vpc_check_lookup(C, t->name, VPC_D_TYPE);
    if (alias) {
        if (alias->sema == (void *)alias) { /* being resolved: a cycle */
            vpc_error(C->ctx, t->span, "type alias '%s' refers to itself", n);
            return VPC_TY_DYN;
        }
        alias->sema = alias;
        bool opt = false;
        vpc_ty r = vpc_ty_from_ref(C, alias->u.type_alias, &opt);
        alias->sema = NULL;
        if (optional) *optional = *optional || opt;
        return r;
    }
    if (vpc_check_lookup(C, t->name, VPC_D_EVENT)) return VPC_TY_DYN;
    static const char *const known[] = {"int", "float", "bool", "str", "timestamp", "duration"};
    const char *hint = vpc_suggest(n, known, sizeof known / sizeof known[0]);
    if (hint) vpc_error(C->ctx, t->span, "unknown type '%s' (did you mean '%s'?)", n, hint);
    else vpc_error(C->ctx, t->span, "unknown type '%s'", n);
    return VPC_TY_DYN;
}

vpc_rfield *vpc_row_add(vpc_checker *C, vpc_row *row, vpc_sym *name, vpc_ty ty, vpc_span at)
{
    if (row->nfields == row->capfields) {
        uint32_t cap = row->capfields ? row->capfields * 2 : 8;
        vpc_rfield *f = VPC_NEW_N(&C->ctx->ir, vpc_rfield, cap);
        if (row->nfields) memcpy(f, row->fields, row->nfields * sizeof *f);
        row->fields = f;
        row->capfields = cap;
    }
    vpc_rfield *f = &row->fields[row->nfields++];
    memset(f, 0, sizeof *f);
    f->name = name;
    f->ty = ty;
    f->span = at;
    return f;
}

int vpc_row_field(vpc_checker *C, vpc_row *row, vpc_sym *name, vpc_span at)
{
    for (uint32_t i = 0; i < row->nfields; i++)
        if (row->fields[i].name == name && !row->fields[i].qualified) return (int)i;
    if (row->nparts && !row->implicit) return vpc_check_part_field(C, row, name, at);
    if (!row->implicit) return -1;
    vpc_row_add(C, row, name, VPC_TY_DYN, at); /* schema inference */
    return (int)row->nfields - 1;
}

void vpc_scope_push(vpc_checker *C, vpc_scope *S, vpc_local *l)
{
    if (S->nlocals == S->caplocals) {
        uint32_t cap = S->caplocals ? S->caplocals * 2 : 8;
        vpc_local **n = VPC_NEW_N(&C->ctx->ir, vpc_local *, cap);
        if (S->nlocals) memcpy(n, S->locals, S->nlocals * sizeof *n);
        S->locals = n;
        S->caplocals = cap;
    }
    S->locals[S->nlocals++] = l;
}

static vpc_local *find_local(vpc_scope *S, vpc_sym *name)
{
    for (uint32_t i = S->nlocals; i-- > 0;)
        if (S->locals[i]->name == name) return S->locals[i];
    return NULL;
}

static vpc_global *find_global(vpc_checker *C, vpc_sym *name)
{
    for (uint32_t i = 0; i < C->prog->nglobals; i++)
        if (C->prog->globals[i]->name == name) return C->prog->globals[i];
    return NULL;
}

/* Candidate names for a did-you-mean hint on an unknown bare name. */
static const char *suggest_name(vpc_checker *C, vpc_scope *S, const char *name)
{
    const char *cands[256];
    size_t n = 0;
    for (uint32_t i = 0; i < S->nlocals && n < 256; i++) cands[n++] = S->locals[i]->name->name;
    if (S->row)
        for (uint32_t i = 0; i < S->row->nfields && n < 256; i++)
            cands[n++] = S->row->fields[i].name->name;
    for (uint32_t i = 0; i < C->prog->nglobals && n < 256; i++)
        cands[n++] = C->prog->globals[i]->name->name;
    return vpc_suggest(name, cands, n);
}

static void unknown_field(vpc_checker *C, vpc_scope *S, vpc_sym *name, vpc_span at)
{
    const char *hint = suggest_name(C, S, name->name);
    if (hint)
        vpc_error(C->ctx, at, "unknown field '%s' on %s (did you mean '%s'?)", name->name,
                  S->row_what, hint);
    else vpc_error(C->ctx, at, "unknown field '%s' on %s", name->name, S->row_what);
}

/* name: local, then field of the current row, then global. */
static vpc_ty check_name(vpc_checker *C, vpc_scope *S, vpc_expr *e)
{
    vpc_einfo *info = vpc_einfo_of(C, e);
    vpc_sym *name = e->u.name;
    vpc_local *l = find_local(S, name);
    if (l) {
        info->ref = VPC_REF_LOCAL;
        info->local = l;
        return info->ty = l->ty;
    }
    vpc_ty aty;
    if (S->agg && vpc_check_agg_name(C, S, e, &aty)) return aty;
    vpc_global *g = find_global(C, name);
    if (g && g->order >= C->nglobals_done && !S->row && !S->fn) g = NULL; /* not loaded yet */
    if (S->row) {
        bool known = false;
        for (uint32_t i = 0; i < S->row->nfields; i++)
            known |= S->row->fields[i].name == name && !S->row->fields[i].qualified;
        if (!known && S->row->nparts && !S->row->implicit) /* a merged or joined row: maybe an implicit source's */
            known = vpc_check_part_field(C, S->row, name, e->span) >= 0;
        vpc_ty mty;
        if (!known && vpc_check_match_name(C, S, e, &mty)) return mty; /* a match row: the completing event */
        if (S->row->implicit && g) {
            /* the field when the event has it, else the global */
            info->ref = VPC_REF_FIELD_OR_GLOBAL;
            info->field = (uint32_t)vpc_row_field(C, S->row, name, e->span);
            info->global = g;
            return info->ty = VPC_TY_DYN;
        }
        if (known || S->row->implicit) {
            info->ref = VPC_REF_FIELD;
            info->field = (uint32_t)vpc_row_field(C, S->row, name, e->span);
            if (S->row->pattern) vpc_check_match_read(C, S->row->pattern, info->field);
            if (g)
                vpc_warn(C->ctx, e->span, "shadow", "field '%s' shadows the global of the same name",
                         name->name);
            return info->ty = S->row->fields[info->field].ty;
        }
    }
    if (g) {
        info->ref = VPC_REF_GLOBAL;
        info->global = g;
        return info->ty = g->ty;
    }
    if (S->row && !S->fn) {
        unknown_field(C, S, name, e->span);
    } else {
        const char *hint = suggest_name(C, S, name->name);
        if (hint) vpc_error(C->ctx, e->span, "unknown name '%s' (did you mean '%s'?)", name->name, hint);
        else vpc_error(C->ctx, e->span, "unknown name '%s'", name->name);
    }
    return info->ty = VPC_TY_DYN;
}

static void type_mismatch(vpc_checker *C, vpc_expr *e, vpc_op op, vpc_ty a, vpc_ty b)
{
    vpc_error(C->ctx, e->span, "cannot apply '%s' to %s and %s", vpc_op_spelling(op),
              vpc_ty_name(a), vpc_ty_name(b));
}

/* Result type of an arithmetic operator on two static types; VOID = error. */
static vpc_ty arith_type(vpc_op op, vpc_ty a, vpc_ty b, vpc_expr *rhs)
{
    if (a == VPC_TY_DYN || b == VPC_TY_DYN) return VPC_TY_DYN;
    if (a == VPC_TY_NULL || b == VPC_TY_NULL) return VPC_TY_NULL;
    bool bits = op == VPC_OP_SHL || op == VPC_OP_SHR || op == VPC_OP_BAND || op == VPC_OP_BOR ||
                op == VPC_OP_BXOR;
    if (bits) return (a == VPC_TY_INT && b == VPC_TY_INT) ? VPC_TY_INT : VPC_TY_VOID;
    if (vpc_ty_numeric(a) && vpc_ty_numeric(b)) {
        if (op == VPC_OP_POW && a == VPC_TY_INT && b == VPC_TY_INT)
            /* int ** int is an int only for a non-negative exponent */
            return (rhs->kind == VPC_E_INT && rhs->u.i >= 0) ? VPC_TY_INT : VPC_TY_DYN;
        return (a == VPC_TY_INT && b == VPC_TY_INT) ? VPC_TY_INT : VPC_TY_FLOAT;
    }
    if (op == VPC_OP_ADD && a == VPC_TY_STR && b == VPC_TY_STR) return VPC_TY_STR;
    if (a == VPC_TY_TS && b == VPC_TY_TS && op == VPC_OP_SUB) return VPC_TY_DUR;
    if (a == VPC_TY_TS && b == VPC_TY_DUR && (op == VPC_OP_ADD || op == VPC_OP_SUB)) return VPC_TY_TS;
    if (a == VPC_TY_DUR && b == VPC_TY_TS && op == VPC_OP_ADD) return VPC_TY_TS;
    if (a == VPC_TY_DUR && b == VPC_TY_DUR && (op == VPC_OP_ADD || op == VPC_OP_SUB)) return VPC_TY_DUR;
    if (a == VPC_TY_DUR && vpc_ty_numeric(b) && (op == VPC_OP_MUL || op == VPC_OP_DIV)) return VPC_TY_DUR;
    if (vpc_ty_numeric(a) && b == VPC_TY_DUR && op == VPC_OP_MUL) return VPC_TY_DUR;
    return VPC_TY_VOID;
}

/* Can values of these two static types be compared with op? */
static bool comparable(vpc_op op, vpc_ty a, vpc_ty b)
{
    if (a == VPC_TY_DYN || b == VPC_TY_DYN || a == VPC_TY_NULL || b == VPC_TY_NULL) return true;
    if (vpc_ty_numeric(a) && vpc_ty_numeric(b)) return true;
    if (a != b) return false;
    if (a == VPC_TY_BOOL) return op == VPC_OP_EQ || op == VPC_OP_NE;
    return true;
}

static vpc_ty check_binary(vpc_checker *C, vpc_scope *S, vpc_expr *e)
{
    vpc_op op = e->u.binary.op;
    vpc_ty a = vpc_check_expr(C, S, e->u.binary.lhs);
    vpc_ty b = vpc_check_expr(C, S, e->u.binary.rhs);
    switch (op) {
    case VPC_OP_AND:
    case VPC_OP_OR:
    case VPC_OP_XOR:
        return set_ty(C, e, VPC_TY_BOOL); /* non-bool operands count as false */
    case VPC_OP_EQ:
    case VPC_OP_NE:
    case VPC_OP_LT:
    case VPC_OP_LE:
    case VPC_OP_GT:
    case VPC_OP_GE:
        if (!comparable(op, a, b)) type_mismatch(C, e, op, a, b);
        return set_ty(C, e, VPC_TY_BOOL);
    case VPC_OP_IN:
    case VPC_OP_NOTIN:
        if (a != VPC_TY_DYN && b != VPC_TY_DYN && !(a == VPC_TY_STR && b == VPC_TY_STR) &&
            a != VPC_TY_NULL && b != VPC_TY_NULL)
            type_mismatch(C, e, op, a, b);
        return set_ty(C, e, VPC_TY_BOOL);
    case VPC_OP_COALESCE:
        if (a == b) return set_ty(C, e, a);
        if (a == VPC_TY_NULL) return set_ty(C, e, b);
        if (b == VPC_TY_NULL) return set_ty(C, e, a);
        return set_ty(C, e, VPC_TY_DYN);
    case VPC_OP_RANGE:
    case VPC_OP_RANGE_INCL: /* a `for` checks its own range; anywhere else a range has no value */
        vpc_error(C->ctx, e->span, "a range %s is only allowed in `for x in a%sb:`", vpc_op_spelling(op),
                  vpc_op_spelling(op));
        return set_ty(C, e, VPC_TY_DYN);
    default: {
        vpc_ty r = arith_type(op, a, b, e->u.binary.rhs);
        if (r == VPC_TY_VOID) {
            type_mismatch(C, e, op, a, b);
            r = VPC_TY_DYN;
        }
        return set_ty(C, e, r);
    }
    }
}

static vpc_ty check_unary(vpc_checker *C, vpc_scope *S, vpc_expr *e)
{
    vpc_ty a = vpc_check_expr(C, S, e->u.unary.operand);
    switch (e->u.unary.op) {
    case VPC_OP_NOT:
        return set_ty(C, e, VPC_TY_BOOL);
    case VPC_OP_NEG:
        if (a == VPC_TY_INT || a == VPC_TY_FLOAT || a == VPC_TY_DUR || a == VPC_TY_DYN ||
            a == VPC_TY_NULL)
            return set_ty(C, e, a);
        break;
    case VPC_OP_BITNOT:
        if (a == VPC_TY_INT || a == VPC_TY_DYN || a == VPC_TY_NULL) return set_ty(C, e, a);
        break;
    default:
        break;
    }
    vpc_error(C->ctx, e->span, "cannot apply '%s' to %s", vpc_op_spelling(e->u.unary.op),
              vpc_ty_name(a));
    return set_ty(C, e, VPC_TY_DYN);
}

static vpc_ty builtin_result(const vpc_builtin *b, vpc_expr *e)
{
    switch (b->result) {
    case VPC_BRES_INT: return VPC_TY_INT;
    case VPC_BRES_FLOAT: return VPC_TY_FLOAT;
    case VPC_BRES_BOOL: return VPC_TY_BOOL;
    case VPC_BRES_STR: return VPC_TY_STR;
    case VPC_BRES_TS: return VPC_TY_TS;
    case VPC_BRES_DYN: return VPC_TY_DYN;
    case VPC_BRES_NUM: {
        bool all_int = true;
        for (uint32_t i = 0; i < e->u.call.nargs; i++) {
            vpc_einfo *a = e->u.call.args[i].value->sema;
            vpc_ty t = a ? a->ty : VPC_TY_DYN;
            if (t == VPC_TY_FLOAT) all_int = false;
            else if (t != VPC_TY_INT) return VPC_TY_DYN;
        }
        return all_int ? VPC_TY_INT : VPC_TY_FLOAT;
    }
    }
    return VPC_TY_DYN;
}

static void arity_error(vpc_checker *C, vpc_expr *e, const char *name, int min, int max, uint32_t got)
{
    if (max < 0)
        vpc_error(C->ctx, e->span, "function '%s' expects at least %d argument(s), got %u", name, min, got);
    else if (min == max)
        vpc_error(C->ctx, e->span, "function '%s' expects %d argument(s), got %u", name, min, got);
    else
        vpc_error(C->ctx, e->span, "function '%s' expects %d to %d argument(s), got %u", name, min, max, got);
}

static vpc_ty check_call(vpc_checker *C, vpc_scope *S, vpc_expr *e)
{
    vpc_einfo *info = vpc_einfo_of(C, e);
    vpc_expr *callee = e->u.call.callee;
    uint32_t nargs = e->u.call.nargs;
    vpc_ty aty;
    if ((S->agg || S->in_agg_arg) && vpc_check_agg_call(C, S, e, &aty)) return aty;
    if (vpc_check_match_call(C, S, e, &aty)) return aty;
    for (uint32_t i = 0; i < nargs; i++) {
        vpc_arg *a = &e->u.call.args[i];
        if (a->name) vpc_error(C->ctx, a->name_span, "named arguments are not allowed in function calls");
        if (a->value->kind == VPC_E_DISTINCT) {
            vpc_error(C->ctx, a->value->span, "'distinct' is only allowed in count() inside .aggregate()");
            continue;
        }
        if (a->value->kind == VPC_E_LAMBDA) {
            vpc_error(C->ctx, a->value->span, "lambda arguments are not supported yet");
            continue;
        }
        vpc_check_expr(C, S, a->value);
    }
    const char *name;
    vpc_span name_span;
    bool method = false;
    if (callee->kind == VPC_E_NAME) {
        name = callee->u.name->name;
        name_span = callee->span;
    } else if (callee->kind == VPC_E_MEMBER && !callee->u.member.optional) {
        /* x.f(args) is f(x, args) for a builtin f */
        name = callee->u.member.name->name;
        name_span = callee->u.member.name_span;
        method = true;
        vpc_check_expr(C, S, callee->u.member.obj);
    } else {
        vpc_error(C->ctx, callee->span, "this expression cannot be called");
        return set_ty(C, e, VPC_TY_DYN);
    }
    uint32_t total = nargs + (method ? 1 : 0);
    if (!method) {
        vpc_decl *fd = vpc_check_lookup(C, callee->u.name, VPC_D_FN);
        if (fd && fd->sema) {
            vpc_fn *fn = fd->sema;
            info->ref = VPC_REF_USERFN;
            info->fn = fn;
            if (nargs != fn->nparams) {
                vpc_error(C->ctx, e->span, "function '%s' expects %u argument(s), got %u", name,
                          fn->nparams, nargs);
            } else {
                for (uint32_t i = 0; i < nargs; i++) {
                    vpc_ty want = fn->params[i]->ty, got = ((vpc_einfo *)e->u.call.args[i].value->sema)->ty;
                    if (want != VPC_TY_DYN && got != VPC_TY_DYN && got != VPC_TY_NULL && want != got &&
                        !(want == VPC_TY_FLOAT && got == VPC_TY_INT))
                        vpc_error(C->ctx, e->u.call.args[i].value->span,
                                  "argument %u of '%s' expects %s, found %s", i + 1, name,
                                  vpc_ty_name(want), vpc_ty_name(got));
                }
            }
            return set_ty(C, e, fn->ret == VPC_TY_VOID ? VPC_TY_NULL : fn->ret);
        }
        if (!strcmp(name, "now")) {
            if (nargs) arity_error(C, e, name, 0, 0, nargs);
            if (!S->row && !S->agg) vpc_error(C->ctx, e->span, "now() is only available in stream expressions");
            info->ref = VPC_REF_NOW;
            return set_ty(C, e, VPC_TY_TS);
        }
    }
    if (is_aggregate_only(name, total)) {
        vpc_error(C->ctx, name_span, "aggregate function '%s' outside .aggregate()", name);
        return set_ty(C, e, VPC_TY_DYN);
    }
    int bi = vpc_builtin_find(name);
    if (bi < 0) {
        const char *cands[512];
        size_t n = 0;
        for (int i = 0; i < vpc_nbuiltins && n < 512; i++) cands[n++] = vpc_builtins[i].name;
        for (uint32_t i = 0; i < C->prog->nfns && n < 512; i++) cands[n++] = C->prog->fns[i]->name->name;
        const char *hint = vpc_suggest(name, cands, n);
        if (hint) vpc_error(C->ctx, name_span, "unknown function '%s' (did you mean '%s'?)", name, hint);
        else vpc_error(C->ctx, name_span, "unknown function '%s'", name);
        return set_ty(C, e, VPC_TY_DYN);
    }
    const vpc_builtin *b = &vpc_builtins[bi];
    if ((int)total < b->min || (b->max >= 0 && (int)total > b->max)) {
        arity_error(C, e, name, b->min, b->max, total);
        return set_ty(C, e, VPC_TY_DYN);
    }
    info->ref = method ? VPC_REF_MEMBER_CALL : VPC_REF_BUILTIN;
    info->builtin = bi;
    C->prog->builtin_used[bi] = true;
    vpc_ty r = builtin_result(b, e);
    if (method && b->result == VPC_BRES_NUM) r = VPC_TY_DYN;
    return set_ty(C, e, r);
}

static vpc_ty check_member(vpc_checker *C, vpc_scope *S, vpc_expr *e)
{
    vpc_expr *obj = e->u.member.obj;
    vpc_ty jty;
    if (obj->kind == VPC_E_NAME && !find_local(S, obj->u.name) &&
        (vpc_check_part_member(C, S, e, &jty) || vpc_check_binding_member(C, S, e, &jty) ||
         vpc_check_match_member(C, S, e, &jty)))
        return jty;
    /* alias.field: the current row, bound with `Source as a` */
    if (obj->kind == VPC_E_NAME && S->row && S->row_alias && obj->u.name == S->row_alias &&
        !find_local(S, obj->u.name)) {
        vpc_einfo *info = vpc_einfo_of(C, e);
        int fi = vpc_row_field(C, S->row, e->u.member.name, e->u.member.name_span);
        if (fi < 0) {
            unknown_field(C, S, e->u.member.name, e->u.member.name_span);
            return info->ty = VPC_TY_DYN;
        }
        info->ref = VPC_REF_FIELD;
        info->field = (uint32_t)fi;
        if (S->row->pattern) vpc_check_match_read(C, S->row->pattern, info->field);
        return info->ty = S->row->fields[fi].ty;
    }
    vpc_ty t = vpc_check_expr(C, S, obj);
    if (t != VPC_TY_DYN && t != VPC_TY_NULL) {
        vpc_error(C->ctx, e->u.member.name_span, "%s has no member '%s'", vpc_ty_name(t),
                  e->u.member.name->name);
    }
    return set_ty(C, e, VPC_TY_DYN);
}

static vpc_ty unify(vpc_ty a, vpc_ty b)
{
    if (a == b) return a;
    if (a == VPC_TY_NULL) return b;
    if (b == VPC_TY_NULL) return a;
    if (vpc_ty_numeric(a) && vpc_ty_numeric(b)) return VPC_TY_FLOAT;
    return VPC_TY_DYN;
}

static vpc_ty check_is(vpc_checker *C, vpc_scope *S, vpc_expr *e)
{
    vpc_check_expr(C, S, e->u.is.operand);
    if (!e->u.is.is_null && e->u.is.type) {
        static const char *const names[] = {"int", "float", "bool", "str", "string", "timestamp",
                                            "duration", "array", "map", "null"};
        const char *n = e->u.is.type->name ? e->u.is.type->name->name : "";
        bool ok = false;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) ok |= !strcmp(n, names[i]);
        if (!ok || e->u.is.type->kind != VPC_TR_NAME) {
            const char *hint = vpc_suggest(n, names, sizeof names / sizeof names[0]);
            if (hint) vpc_error(C->ctx, e->u.is.type->span, "unknown type '%s' (did you mean '%s'?)", n, hint);
            else vpc_error(C->ctx, e->u.is.type->span, "unknown type '%s'", n);
        }
    }
    return set_ty(C, e, VPC_TY_BOOL);
}

vpc_ty vpc_check_expr(vpc_checker *C, vpc_scope *S, vpc_expr *e)
{
    vpc_einfo *info = vpc_einfo_of(C, e);
    switch (e->kind) {
    case VPC_E_INT: info->const_value = true; return info->ty = VPC_TY_INT;
    case VPC_E_FLOAT: info->const_value = true; return info->ty = VPC_TY_FLOAT;
    case VPC_E_STR: info->const_value = true; return info->ty = VPC_TY_STR;
    case VPC_E_BOOL: info->const_value = true; return info->ty = VPC_TY_BOOL;
    case VPC_E_NULL: info->const_value = true; return info->ty = VPC_TY_NULL;
    case VPC_E_DUR: info->const_value = true; return info->ty = VPC_TY_DUR;
    case VPC_E_TS: info->const_value = true; return info->ty = VPC_TY_TS;
    case VPC_E_NAME: return check_name(C, S, e);
    case VPC_E_MEMBER: return check_member(C, S, e);
    case VPC_E_CALL: return check_call(C, S, e);
    case VPC_E_UNARY: return check_unary(C, S, e);
    case VPC_E_BINARY: return check_binary(C, S, e);
    case VPC_E_IS: return check_is(C, S, e);
    case VPC_E_COND: {
        vpc_check_cond(C, S, e->u.cond.cond);
        vpc_ty a = vpc_check_expr(C, S, e->u.cond.then);
        vpc_ty b = vpc_check_expr(C, S, e->u.cond.els);
        return info->ty = unify(a, b);
    }
    case VPC_E_INDEX:
    case VPC_E_SLICE:
        vpc_error(C->ctx, e->span, "indexing is not supported yet");
        return info->ty = VPC_TY_DYN;
    case VPC_E_ARRAY:
    case VPC_E_MAP:
        vpc_error(C->ctx, e->span, "array and map literals are not supported yet");
        return info->ty = VPC_TY_DYN;
    case VPC_E_LAMBDA:
        vpc_error(C->ctx, e->span, "lambdas are not supported yet");
        return info->ty = VPC_TY_DYN;
    case VPC_E_DISTINCT:
        vpc_error(C->ctx, e->span, "'distinct' is only allowed in count() inside .aggregate()");
        return info->ty = VPC_TY_DYN;
    case VPC_E_PATTERN:
        vpc_error(C->ctx, e->span, "a pattern expression can only be the argument of .pattern(name: ...)");
        return info->ty = VPC_TY_DYN;
    case VPC_E__COUNT:
        break;
    }
    vpc_ice("unknown expression kind %d", (int)e->kind);
}

void vpc_check_cond(vpc_checker *C, vpc_scope *S, vpc_expr *e)
{
    vpc_ty t = vpc_check_expr(C, S, e);
    if (t != VPC_TY_BOOL && t != VPC_TY_DYN && t != VPC_TY_NULL)
        vpc_error(C->ctx, e->span, "condition must be bool, found %s", vpc_ty_name(t));
}
