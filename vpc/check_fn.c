/* check_fn.c — user functions: signatures, then bodies (LANGUAGE.md §2). */
#include <string.h>

#include "check.h"

void vpc_check_fn_signature(vpc_checker *C, vpc_decl *d)
{
    vpc_fn *fn = VPC_NEW(&C->ctx->ir, vpc_fn);
    fn->decl = d;
    fn->name = d->name;
    fn->nparams = d->u.fn.nparams;
    fn->params = VPC_NEW_N(&C->ctx->ir, vpc_local *, fn->nparams ? fn->nparams : 1);
    for (uint32_t i = 0; i < fn->nparams; i++) {
        vpc_param *p = &d->u.fn.params[i];
        for (uint32_t j = 0; j < i; j++)
            if (fn->params[j]->name == p->name)
                vpc_error(C->ctx, p->span, "duplicate parameter '%s'", p->name->name);
        vpc_local *l = VPC_NEW(&C->ctx->ir, vpc_local);
        l->name = p->name;
        l->ty = p->type ? vpc_ty_from_ref(C, p->type, NULL) : VPC_TY_DYN;
        l->id = fn->nlocals++;
        fn->params[i] = l;
    }
    fn->ret = d->u.fn.ret ? vpc_ty_from_ref(C, d->u.fn.ret, NULL) : VPC_TY_DYN;
    d->sema = fn;
}

static void check_block(vpc_checker *C, vpc_scope *S, vpc_block *b);

static bool assignable(vpc_ty to, vpc_ty from)
{
    return to == from || to == VPC_TY_DYN || from == VPC_TY_DYN || from == VPC_TY_NULL ||
           (to == VPC_TY_FLOAT && from == VPC_TY_INT);
}

static vpc_local *new_local(vpc_checker *C, vpc_scope *S, vpc_sym *name, vpc_ty ty, bool mut)
{
    vpc_local *l = VPC_NEW(&C->ctx->ir, vpc_local);
    l->name = name;
    l->ty = ty;
    l->mutable_ = mut;
    l->id = S->fn->nlocals++;
    vpc_scope_push(C, S, l);
    return l;
}

static void check_stmt(vpc_checker *C, vpc_scope *S, vpc_stmt *s)
{
    switch (s->kind) {
    case VPC_S_EXPR:
        vpc_check_expr(C, S, s->u.expr);
        break;
    case VPC_S_LET: {
        vpc_ty init = s->u.let.init ? vpc_check_expr(C, S, s->u.let.init) : VPC_TY_NULL;
        vpc_ty ty = init == VPC_TY_NULL ? VPC_TY_DYN : init;
        if (s->u.let.type) {
            ty = vpc_ty_from_ref(C, s->u.let.type, NULL);
            if (!assignable(ty, init))
                vpc_error(C->ctx, s->u.let.init->span, "cannot initialize '%s' of type %s with %s",
                          s->u.let.name->name, vpc_ty_name(ty), vpc_ty_name(init));
        }
        s->sema = new_local(C, S, s->u.let.name, ty, s->u.let.mutable_);
        break;
    }
    case VPC_S_ASSIGN: {
        vpc_ty v = vpc_check_expr(C, S, s->u.assign.value);
        vpc_local *l = NULL;
        for (uint32_t i = S->nlocals; i-- > 0;)
            if (S->locals[i]->name == s->u.assign.name) {
                l = S->locals[i];
                break;
            }
        if (!l) {
            vpc_error(C->ctx, s->u.assign.name_span, "unknown variable '%s'", s->u.assign.name->name);
            break;
        }
        if (!l->mutable_) {
            vpc_error(C->ctx, s->u.assign.name_span, "cannot assign to immutable '%s'", l->name->name);
            break;
        }
        if (!assignable(l->ty, v))
            vpc_error(C->ctx, s->u.assign.value->span, "cannot assign %s to '%s' of type %s",
                      vpc_ty_name(v), l->name->name, vpc_ty_name(l->ty));
        s->sema = l;
        break;
    }
    case VPC_S_IF:
        for (uint32_t i = 0; i < s->u.if_.nconds; i++) {
            vpc_check_cond(C, S, s->u.if_.conds[i]);
            check_block(C, S, &s->u.if_.blocks[i]);
        }
        if (s->u.if_.els) check_block(C, S, s->u.if_.els);
        break;
    case VPC_S_WHILE:
        vpc_check_cond(C, S, s->u.while_.cond);
        S->loop_depth++;
        check_block(C, S, &s->u.while_.body);
        S->loop_depth--;
        break;
    case VPC_S_FOR: {
        vpc_expr *it = s->u.for_.iter;
        if (it->kind != VPC_E_BINARY ||
            (it->u.binary.op != VPC_OP_RANGE && it->u.binary.op != VPC_OP_RANGE_INCL)) {
            vpc_error(C->ctx, it->span, "for over arrays is not supported yet (use a..b or a..=b)");
            break;
        }
        vpc_ty lo = vpc_check_expr(C, S, it->u.binary.lhs);
        vpc_ty hi = vpc_check_expr(C, S, it->u.binary.rhs);
        if (lo != VPC_TY_INT || hi != VPC_TY_INT)
            vpc_error(C->ctx, it->span, "range bounds must be int, found %s and %s", vpc_ty_name(lo),
                      vpc_ty_name(hi));
        uint32_t mark = S->nlocals;
        s->sema = new_local(C, S, s->u.for_.var, VPC_TY_INT, false);
        S->loop_depth++;
        check_block(C, S, &s->u.for_.body);
        S->loop_depth--;
        S->nlocals = mark;
        break;
    }
    case VPC_S_BREAK:
    case VPC_S_CONTINUE:
        if (!S->loop_depth)
            vpc_error(C->ctx, s->span, "'%s' outside a loop", s->kind == VPC_S_BREAK ? "break" : "continue");
        break;
    case VPC_S_RETURN: {
        vpc_ty t = s->u.expr ? vpc_check_expr(C, S, s->u.expr) : VPC_TY_NULL;
        if (!assignable(S->fn->ret, t))
            vpc_error(C->ctx, s->u.expr->span, "function '%s' returns %s, found %s", S->fn->name->name,
                      vpc_ty_name(S->fn->ret), vpc_ty_name(t));
        break;
    }
    case VPC_S_EMIT:
        vpc_error(C->ctx, s->span, "'emit' in functions (.process) is not supported yet");
        break;
    case VPC_S__COUNT:
        vpc_ice("bad statement kind");
    }
}

static void check_block(vpc_checker *C, vpc_scope *S, vpc_block *b)
{
    uint32_t mark = S->nlocals;
    for (uint32_t i = 0; i < b->nitems; i++) check_stmt(C, S, b->items[i]);
    S->nlocals = mark;
}

void vpc_check_fn_body(vpc_checker *C, vpc_fn *fn)
{
    vpc_scope S = {0};
    S.fn = fn;
    for (uint32_t i = 0; i < fn->nparams; i++) vpc_scope_push(C, &S, fn->params[i]);
    vpc_block *body = &fn->decl->u.fn.body;
    check_block(C, &S, body);
    /* the value of a trailing expression statement is the result */
    if (body->nitems && body->items[body->nitems - 1]->kind == VPC_S_EXPR) {
        vpc_expr *last = body->items[body->nitems - 1]->u.expr;
        vpc_ty t = ((vpc_einfo *)last->sema)->ty;
        if (!assignable(fn->ret, t))
            vpc_error(C->ctx, last->span, "function '%s' returns %s, found %s", fn->name->name,
                      vpc_ty_name(fn->ret), vpc_ty_name(t));
    }
}
