/* check.c — declarations, event schemas and the stream graph: turns the AST
 * into the checked program of ir.h. The last stage that reports user errors. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- declarations ---- */

vpc_decl *vpc_check_lookup(vpc_checker *C, vpc_sym *name, vpc_decl_kind kind)
{
    for (uint32_t i = 0; i < C->ndecls; i++)
        if (C->decls[i]->name == name && C->decls[i]->kind == kind) return C->decls[i];
    return NULL;
}

static vpc_decl *lookup_any(vpc_checker *C, vpc_sym *name)
{
    for (uint32_t i = 0; i < C->ndecls; i++)
        if (C->decls[i]->name == name) return C->decls[i];
    return NULL;
}

/* Named declarations share one namespace: a second one is an error. */
static void collect_decls(vpc_checker *C)
{
    C->decls = VPC_NEW_N(&C->ctx->ir, vpc_decl *, C->ast->ndecls + 1);
    for (uint32_t i = 0; i < C->ast->ndecls; i++) {
        vpc_decl *d = C->ast->decls[i];
        if (!d->name || d->kind == VPC_D_ASSIGN || d->kind == VPC_D_CONFIG) continue;
        vpc_decl *prev = lookup_any(C, d->name);
        if (prev) {
            uint32_t line, col;
            vpc_source_linecol(C->ctx->sources[prev->name_span.file], prev->name_span.off, &line, &col);
            vpc_error(C->ctx, d->name_span, "duplicate declaration of '%s' (first declared at line %u)",
                      d->name->name, line);
            continue;
        }
        C->decls[C->ndecls++] = d;
    }
}

vpc_row *vpc_check_new_row(vpc_checker *C, const char *cname, vpc_span span)
{
    vpc_program *P = C->prog;
    vpc_row *r = VPC_NEW(&C->ctx->ir, vpc_row);
    r->id = P->nrows;
    r->cname = cname;
    r->span = span;
    if (P->nrows == P->caprows) {
        P->caprows = P->caprows ? P->caprows * 2 : 16;
        vpc_row **n = VPC_NEW_N(&C->ctx->ir, vpc_row *, P->caprows);
        if (P->nrows) memcpy(n, P->rows, P->nrows * sizeof *n);
        P->rows = n;
    }
    P->rows[P->nrows++] = r;
    return r;
}

static const char *cname_of(vpc_checker *C, const char *prefix, const char *name)
{
    vpc_buf b = {0};
    vpc_buf_printf(&b, "%s%s", prefix, name);
    const char *s = vpc_arena_strdup(&C->ctx->ir, b.p, b.n);
    vpc_buf_free(&b);
    return s;
}

static vpc_row *event_row(vpc_checker *C, vpc_sym *name)
{
    for (uint32_t i = 0; i < C->prog->nevents; i++)
        if (C->prog->events[i]->event == name) return C->prog->events[i];
    return NULL;
}

static vpc_row *add_event_row(vpc_checker *C, vpc_sym *name, vpc_span span, bool implicit)
{
    vpc_row *r = vpc_check_new_row(C, cname_of(C, "ev_", name->name), span);
    r->event = name;
    r->implicit = implicit;
    r->declared = !implicit;
    vpc_row **n = VPC_NEW_N(&C->ctx->ir, vpc_row *, C->prog->nevents + 1);
    if (C->prog->nevents) memcpy(n, C->prog->events, C->prog->nevents * sizeof *n);
    n[C->prog->nevents++] = r;
    C->prog->events = n;
    return r;
}

/* The input value a field of array, map or tuple type t takes, through type
 * aliases (a cycle among them is reported by vpc_ty_from_ref). */
static vpc_form form_of(vpc_checker *C, vpc_typeref *t)
{
    for (int depth = 0; t && depth < 64; depth++) {
        if (t->kind == VPC_TR_ARRAY) return VPC_FORM_ARRAY;
        if (t->kind == VPC_TR_TUPLE) return VPC_FORM_TUPLE;
        if (t->kind == VPC_TR_MAP) return VPC_FORM_MAP;
        if (t->kind != VPC_TR_NAME || !strcmp(t->name->name, "any")) return VPC_FORM_ANY;
        vpc_decl *alias = vpc_check_lookup(C, t->name, VPC_D_TYPE);
        t = alias ? alias->u.type_alias : NULL;
    }
    return VPC_FORM_ANY; /* any, an event type, Stream<T> */
}

/* Fields of `event X extends Y:` — Y's first (recursively), then X's own. */
static void add_event_fields(vpc_checker *C, vpc_row *row, vpc_decl *d, int depth)
{
    if (depth > 32) {
        vpc_error(C->ctx, d->name_span, "event '%s' extends itself", d->name->name);
        return;
    }
    if (d->u.event.extends) {
        vpc_decl *base = vpc_check_lookup(C, d->u.event.extends, VPC_D_EVENT);
        if (!base) {
            vpc_error(C->ctx, d->u.event.extends_span, "unknown event type '%s'", d->u.event.extends->name);
        } else {
            add_event_fields(C, row, base, depth + 1);
        }
    }
    for (uint32_t i = 0; i < d->u.event.nfields; i++) {
        vpc_field_decl *f = &d->u.event.fields[i];
        bool dup = false;
        for (uint32_t j = 0; j < row->nfields; j++) dup |= row->fields[j].name == f->name;
        if (dup) {
            vpc_error(C->ctx, f->span, "duplicate field '%s' in event '%s'", f->name->name, d->name->name);
            continue;
        }
        if (!strcmp(f->name->name, "stream")) {
            /* allowed as input; written as _stream on pass-through */
        }
        bool opt = false;
        vpc_ty ty = vpc_ty_from_ref(C, f->type, &opt);
        vpc_rfield *rf = vpc_row_add(C, row, f->name, ty, f->span);
        rf->optional = opt;
        if (ty == VPC_TY_DYN) rf->form = form_of(C, f->type);
    }
}

static void check_events(vpc_checker *C)
{
    for (uint32_t i = 0; i < C->ndecls; i++) {
        vpc_decl *d = C->decls[i];
        if (d->kind != VPC_D_EVENT) continue;
        C->prog->strict = true;
        vpc_row *r = add_event_row(C, d->name, d->name_span, false);
        add_event_fields(C, r, d, 0);
        d->sema = r;
    }
}

/* ---- globals ---- */

static void check_globals(vpc_checker *C)
{
    vpc_program *P = C->prog;
    P->globals = VPC_NEW_N(&C->ctx->ir, vpc_global *, C->ndecls + 1);
    for (uint32_t i = 0; i < C->ndecls; i++) {
        vpc_decl *d = C->decls[i];
        if (d->kind != VPC_D_GLOBAL) continue;
        vpc_global *g = VPC_NEW(&C->ctx->ir, vpc_global);
        g->decl = d;
        g->name = d->name;
        g->order = P->nglobals;
        d->sema = g;
        P->globals[P->nglobals++] = g;
    }
    /* initializers and top-level `x := e`, in source order; each sees the
     * globals declared before it */
    P->load = VPC_NEW_N(&C->ctx->ir, vpc_load_step, C->ast->ndecls + 1);
    uint32_t declared = 0;
    for (uint32_t i = 0; i < C->ast->ndecls; i++) {
        vpc_decl *d = C->ast->decls[i];
        if (d->kind == VPC_D_GLOBAL && d->sema) {
            vpc_global *g = d->sema;
            C->nglobals_done = declared;
            vpc_scope S = {0};
            vpc_ty t = vpc_check_expr(C, &S, d->u.global.init);
            g->ty = t == VPC_TY_NULL ? VPC_TY_DYN : t;
            if (d->u.global.type) {
                vpc_ty want = vpc_ty_from_ref(C, d->u.global.type, NULL);
                if (!(want == t || want == VPC_TY_DYN || t == VPC_TY_DYN || t == VPC_TY_NULL ||
                      (want == VPC_TY_FLOAT && t == VPC_TY_INT)))
                    vpc_error(C->ctx, d->u.global.init->span, "cannot initialize '%s' of type %s with %s",
                              d->name->name, vpc_ty_name(want), vpc_ty_name(t));
                g->ty = want;
            }
            P->load[P->nload++] = (vpc_load_step){g, d->u.global.init, false};
            declared = g->order + 1;
        } else if (d->kind == VPC_D_ASSIGN) {
            vpc_decl *gd = vpc_check_lookup(C, d->name, VPC_D_GLOBAL);
            vpc_global *g = gd ? gd->sema : NULL;
            if (!g || g->order >= declared) {
                vpc_error(C->ctx, d->name_span, "unknown variable '%s'", d->name->name);
                continue;
            }
            if (!gd->u.global.mutable_) {
                vpc_error(C->ctx, d->name_span, "cannot assign to immutable '%s'", d->name->name);
                continue;
            }
            C->nglobals_done = declared;
            vpc_scope S = {0};
            vpc_ty t = vpc_check_expr(C, &S, d->u.assign);
            if (!(g->ty == t || g->ty == VPC_TY_DYN || t == VPC_TY_DYN || t == VPC_TY_NULL ||
                  (g->ty == VPC_TY_FLOAT && t == VPC_TY_INT)))
                vpc_error(C->ctx, d->u.assign->span, "cannot assign %s to '%s' of type %s", vpc_ty_name(t),
                          d->name->name, vpc_ty_name(g->ty));
            P->load[P->nload++] = (vpc_load_step){g, d->u.assign, true};
        }
    }
    C->nglobals_done = P->nglobals;
}

/* ---- streams ---- */

static const char *const unsupported_ops[] = {"forecast", "enrich", "score", "trend_aggregate",
                                              "map", "fork", "any", "all", "order_by"};
static const char *const later_ops[] = {
    "pattern",
    "process", "to", "from", "attention_window", "tap", "validate", "distinct", "on"};
static const char *const known_ops[] = {
    "where", "filter", "having", "select", "emit", "print", "log", "limit", "first",
    "concurrent", "on_error", "collect", "context", "window", "aggregate", "partition_by",
    "within", "not", "pattern", "process", "to", "from", "attention_window", "tap",
    "validate", "watermark", "allowed_lateness", "distinct", "on"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, list[i])) return true;
    return false;
}
#define IN_LIST(s, list) in_list((s), (list), sizeof(list) / sizeof((list)[0]))

vpc_opnode *vpc_check_add_op(vpc_sbuilder *B, vpc_opkind k, vpc_link *l)
{
    if (B->nops == VPC_MAX_OPS) {
        vpc_error(B->C->ctx, l->span, "too many operators in one stream (limit 64)");
        return NULL;
    }
    vpc_opnode *op = &B->ops[B->nops++];
    memset(op, 0, sizeof *op);
    op->kind = k;
    op->link = l;
    op->in = op->out = B->row;
    op->id = B->C->prog->nops++;
    return op;
}

void vpc_check_scope_for(vpc_sbuilder *B, vpc_scope *S)
{
    memset(S, 0, sizeof *S);
    S->row = B->row;
    S->row_alias = B->alias;
    S->row_what = B->row_what;
}

static bool is_identifier(vpc_str s)
{
    if (!s.n || (s.p[0] >= '0' && s.p[0] <= '9')) return false;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

/* Fields of .select()/.emit(): `name: expr`, a bare name, or one map `{...}`. */
vpc_arg *vpc_check_named_items(vpc_sbuilder *B, vpc_link *l, uint32_t *nout, const char *opname)
{
    vpc_ctx *ctx = B->C->ctx;
    vpc_arg *args = l->args;
    uint32_t n = l->nargs;
    if (n == 1 && !args[0].name && args[0].value->kind == VPC_E_MAP) {
        vpc_expr *m = args[0].value;
        n = m->u.map.nitems;
        args = VPC_NEW_N(&ctx->ir, vpc_arg, n ? n : 1);
        for (uint32_t i = 0; i < n; i++) {
            vpc_expr *k = m->u.map.keys[i];
            if (k->kind == VPC_E_NAME) args[i].name = k->u.name;
            else if (k->kind == VPC_E_STR && is_identifier(k->u.s))
                args[i].name = vpc_intern(&ctx->syms, k->u.s.p, k->u.s.n);
            else vpc_error(ctx, k->span, "field names in .%s() must be identifiers", opname);
            args[i].name_span = k->span;
            args[i].value = m->u.map.values[i];
        }
    }
    vpc_arg *out = VPC_NEW_N(&ctx->ir, vpc_arg, n ? n : 1);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        vpc_arg a = args[i];
        if (a.name && !strcmp(a.name->name, "context") && !strcmp(opname, "emit")) {
            if (a.value->kind != VPC_E_NAME || !vpc_check_lookup(B->C, a.value->u.name, VPC_D_CONTEXT))
                vpc_error(ctx, a.value->span, "unknown context '%s'",
                          a.value->kind == VPC_E_NAME ? a.value->u.name->name : "?");
            continue; /* routing, not a field */
        }
        if (!a.name) {
            if (a.value->kind == VPC_E_NAME) {
                a.name = a.value->u.name;
                a.name_span = a.value->span;
            } else if (a.value->kind == VPC_E_MEMBER) {
                a.name = a.value->u.member.name;
                a.name_span = a.value->span;
            } else {
                vpc_error(ctx, a.value->span, "this .%s() item needs a name (name: expr)", opname);
                continue;
            }
        }
        if (!strcmp(a.name->name, "stream")) {
            vpc_error(ctx, a.name_span, "'stream' is a reserved output field");
            continue;
        }
        bool dup = false;
        for (uint32_t j = 0; j < k; j++) dup |= out[j].name == a.name;
        if (dup) {
            vpc_error(ctx, a.name_span, "duplicate field '%s' in .%s()", a.name->name, opname);
            continue;
        }
        out[k++] = a;
    }
    *nout = k;
    return out;
}

const char *vpc_check_stream_what(vpc_checker *C, vpc_stream *st)
{
    vpc_buf w = {0};
    vpc_buf_printf(&w, "stream '%s'", st->name->name);
    const char *s = vpc_arena_strdup(&C->ctx->ir, w.p, w.n);
    vpc_buf_free(&w);
    return s;
}

/* .select(...) / .emit(name: ...): the items become a new row layout. */
static void project(vpc_sbuilder *B, vpc_opnode *op, const char *opname)
{
    vpc_checker *C = B->C;
    op->items = vpc_check_named_items(B, op->link, &op->nitems, opname);
    vpc_scope S;
    vpc_check_scope_for(B, &S);
    vpc_buf nb = {0};
    vpc_buf_printf(&nb, "row_%s_%u", B->st->name->name, op->id);
    vpc_row *r = vpc_check_new_row(C, vpc_arena_strdup(&C->ctx->ir, nb.p, nb.n), op->link->span);
    vpc_buf_free(&nb);
    for (uint32_t i = 0; i < op->nitems; i++) {
        vpc_ty t = vpc_check_expr(C, &S, op->items[i].value);
        vpc_rfield *f = vpc_row_add(C, r, op->items[i].name, t == VPC_TY_NULL ? VPC_TY_DYN : t,
                                    op->items[i].name_span);
        (void)f;
    }
    op->out = r;
    B->row = r;
    B->alias = NULL;
    B->row_what = vpc_check_stream_what(C, B->st);
}

/* .emit as T(...): every field must exist on event type T. */
static void check_emit_as(vpc_sbuilder *B, vpc_opnode *op)
{
    vpc_checker *C = B->C;
    vpc_link *l = op->link;
    vpc_row *ev = event_row(C, l->emit_as);
    if (!ev || !ev->declared) {
        vpc_error(C->ctx, l->op_span, "unknown event type '%s'", l->emit_as->name);
        return;
    }
    for (uint32_t i = 0; i < op->nitems; i++) {
        bool ok = false;
        for (uint32_t j = 0; j < ev->nfields; j++) ok |= ev->fields[j].name == op->items[i].name;
        if (!ok) vpc_error(C->ctx, op->items[i].name_span, "unknown field '%s' on event '%s'",
                           op->items[i].name->name, ev->event->name);
    }
}

static int64_t positive_int_arg(vpc_checker *C, vpc_link *l, const char *what)
{
    if (l->nargs != 1 || l->args[0].name || l->args[0].value->kind != VPC_E_INT ||
        l->args[0].value->u.i <= 0) {
        vpc_error(C->ctx, l->span, "%s expects one positive integer literal", what);
        return 1;
    }
    return l->args[0].value->u.i;
}

/* Returns false when the rest of the chain cannot be checked (its row shape
 * depends on an operator vpc does not compile yet). */
bool vpc_check_link(vpc_sbuilder *B, vpc_link *l)
{
    vpc_checker *C = B->C;
    vpc_ctx *ctx = C->ctx;
    if (l->kind == VPC_L_STEP) { /* a pattern stream's steps were taken out by check_pattern.c */
        vpc_error(ctx, l->span, "'->' must follow the pattern's first step");
        return false;
    }
    const char *name = l->op->name;
    vpc_scope S;
    vpc_check_scope_for(B, &S);
    if (!strcmp(name, "where") || !strcmp(name, "filter") || !strcmp(name, "having")) {
        if (l->nargs != 1 || l->args[0].name) {
            vpc_error(ctx, l->span, ".%s() expects one condition", name);
            return true;
        }
        vpc_opnode *op = vpc_check_add_op(B, VPC_OPK_WHERE, l);
        if (!op) return true;
        op->cond = l->args[0].value;
        vpc_check_cond(C, &S, op->cond);
    } else if (!strcmp(name, "select")) {
        vpc_opnode *op = vpc_check_add_op(B, VPC_OPK_SELECT, l);
        if (op) project(B, op, "select");
    } else if (!strcmp(name, "emit")) {
        vpc_opnode *op = vpc_check_add_op(B, VPC_OPK_EMIT, l);
        if (!op) return true;
        uint32_t n = 0;
        for (uint32_t i = 0; i < l->nargs; i++)
            n += !(l->args[i].name && !strcmp(l->args[i].name->name, "context"));
        if (n == 0) { /* bare .emit(): the row passes through */
            vpc_check_named_items(B, l, &op->nitems, "emit");
            op->nitems = 0;
        } else {
            project(B, op, "emit");
        }
        if (l->emit_as) check_emit_as(B, op);
    } else if (!strcmp(name, "print")) {
        vpc_opnode *op = vpc_check_add_op(B, VPC_OPK_PRINT, l);
        if (!op) return true;
        op->items = l->args;
        op->nitems = l->nargs;
        for (uint32_t i = 0; i < l->nargs; i++) {
            if (l->args[i].name) vpc_error(ctx, l->args[i].name_span, ".print() takes positional arguments");
            vpc_check_expr(C, &S, l->args[i].value);
        }
    } else if (!strcmp(name, "log")) {
        vpc_opnode *op = vpc_check_add_op(B, VPC_OPK_LOG, l);
        if (!op) return true;
        for (uint32_t i = 0; i < l->nargs; i++) {
            vpc_arg *a = &l->args[i];
            const char *an = a->name ? a->name->name : "";
            if (!strcmp(an, "level")) op->log_level = a->value;
            else if (!strcmp(an, "message")) op->log_message = a->value;
            else if (!strcmp(an, "data")) op->log_data = a->value;
            else {
                vpc_error(ctx, a->name ? a->name_span : a->value->span,
                          ".log() takes level:, message: and data:");
                continue;
            }
            vpc_check_expr(C, &S, a->value);
        }
        if (op->log_level && op->log_level->kind != VPC_E_STR)
            vpc_error(ctx, op->log_level->span, ".log() level must be a string literal");
    } else if (!strcmp(name, "limit") || !strcmp(name, "first")) {
        vpc_opnode *op = vpc_check_add_op(B, VPC_OPK_LIMIT, l);
        if (!op) return true;
        if (!strcmp(name, "first")) {
            if (l->nargs) vpc_error(ctx, l->span, ".first() takes no arguments");
            op->limit = 1;
        } else {
            op->limit = positive_int_arg(C, l, ".limit()");
        }
    } else if (!strcmp(name, "window")) {
        return vpc_check_window(B, l);
    } else if (!strcmp(name, "aggregate")) {
        return vpc_check_aggregate(B, l);
    } else if (!strcmp(name, "partition_by")) {
        vpc_check_partition_by(B, l);
    } else if (!strcmp(name, "watermark") || !strcmp(name, "allowed_lateness")) {
        vpc_check_watermark(B, l);
    } else if (!strcmp(name, "concurrent") || !strcmp(name, "on_error") || !strcmp(name, "collect")) {
        /* execution hints: no effect on results */
    } else if (!strcmp(name, "context")) {
        if (l->nargs != 1 || l->args[0].value->kind != VPC_E_NAME)
            vpc_error(ctx, l->span, ".context() expects a context name");
        else if (!vpc_check_lookup(C, l->args[0].value->u.name, VPC_D_CONTEXT)) {
            const char *cands[64];
            size_t n = 0;
            for (uint32_t i = 0; i < C->ndecls && n < 64; i++)
                if (C->decls[i]->kind == VPC_D_CONTEXT) cands[n++] = C->decls[i]->name->name;
            const char *hint = vpc_suggest(l->args[0].value->u.name->name, cands, n);
            if (hint) vpc_error(ctx, l->args[0].value->span, "unknown context '%s' (did you mean '%s'?)",
                                l->args[0].value->u.name->name, hint);
            else vpc_error(ctx, l->args[0].value->span, "unknown context '%s'", l->args[0].value->u.name->name);
        }
    } else if (!strcmp(name, "within") || !strcmp(name, "not")) {
        vpc_error(ctx, l->op_span, ".%s() applies to patterns (a stream with '->' steps)", name);
    } else if (IN_LIST(name, unsupported_ops)) {
        vpc_error(ctx, l->op_span, "unsupported in vpc: .%s()", name);
        return false;
    } else if (IN_LIST(name, later_ops)) {
        vpc_error(ctx, l->op_span, ".%s() is not supported yet", name);
        return false;
    } else {
        const char *hint = vpc_suggest(name, known_ops, sizeof known_ops / sizeof known_ops[0]);
        if (hint) vpc_error(ctx, l->op_span, "unknown operator '.%s()' (did you mean '.%s()'?)", name, hint);
        else vpc_error(ctx, l->op_span, "unknown operator '.%s()'", name);
    }
    return true;
}

static vpc_stream *find_stream(vpc_checker *C, vpc_sym *name)
{
    for (uint32_t i = 0; i < C->prog->nstreams; i++)
        if (C->prog->streams[i]->name == name) return C->prog->streams[i];
    return NULL;
}

static void check_stream(vpc_checker *C, vpc_stream *st);

static void cycle_error(vpc_checker *C, vpc_stream *from, vpc_stream *to, vpc_span at)
{
    /* report the chain to -> ... -> from -> to */
    vpc_buf b = {0};
    vpc_buf_printf(&b, "%s", to->name->name);
    vpc_stream *s = to;
    for (int guard = 0; guard < 1000; guard++) {
        vpc_source_expr *src = s->decl->u.stream.body.source;
        vpc_stream *next = src->kind == VPC_SRC_NAME ? find_stream(C, src->name) : NULL;
        if (!next) break;
        vpc_buf_printf(&b, " -> %s", next->name->name);
        if (next == to) break;
        s = next;
    }
    (void)from;
    vpc_error(C->ctx, at, "cyclic stream dependency %s", vpc_buf_cstr(&b));
    vpc_buf_free(&b);
}

static const char *what_of(vpc_checker *C, const char *kind, vpc_sym *name)
{
    vpc_buf w = {0};
    vpc_buf_printf(&w, "%s '%s'", kind, name->name);
    const char *s = vpc_arena_strdup(&C->ctx->ir, w.p, w.n);
    vpc_buf_free(&w);
    return s;
}

bool vpc_check_source_name(vpc_checker *C, vpc_stream *st, vpc_sym *name, vpc_span at, vpc_row **ev_out,
                           vpc_stream **up_out)
{
    vpc_ctx *ctx = C->ctx;
    *ev_out = NULL;
    *up_out = NULL;
    vpc_stream *up = find_stream(C, name);
    if (up) {
        if (up->state == 1) {
            cycle_error(C, st, up, at);
            return false;
        }
        check_stream(C, up);
        if (!up->out) return false;
        *up_out = up;
        return true;
    }
    if (vpc_check_lookup(C, name, VPC_D_PATTERN)) {
        vpc_error(ctx, at, "a named pattern can only be a stream's source");
        return false;
    }
    vpc_row *ev = event_row(C, name);
    if (!ev) {
        if (C->prog->strict) {
            const char *cands[512];
            size_t n = 0;
            for (uint32_t i = 0; i < C->prog->nevents && n < 512; i++) cands[n++] = C->prog->events[i]->event->name;
            for (uint32_t i = 0; i < C->prog->nstreams && n < 512; i++) cands[n++] = C->prog->streams[i]->name->name;
            const char *hint = vpc_suggest(name->name, cands, n);
            if (hint)
                vpc_error(ctx, at, "unknown stream or event type '%s' (did you mean '%s'?)", name->name, hint);
            else vpc_error(ctx, at, "unknown stream or event type '%s'", name->name);
            return false;
        }
        ev = add_event_row(C, name, at, true);
    }
    ev->consumed = true;
    *ev_out = ev;
    return true;
}

static bool resolve_source(vpc_checker *C, vpc_stream *st, vpc_sbuilder *B, vpc_stream_body *chain)
{
    vpc_source_expr *src = st->decl->u.stream.body.source;
    switch (src->kind) {
    case VPC_SRC_MERGE:
        return vpc_check_merge(B, src);
    case VPC_SRC_JOIN:
        return vpc_check_join(B, src, chain);
    case VPC_SRC_SEQUENCE: /* sequence() and `all A` sources are patterns (check_pattern.c) */
    case VPC_SRC_NAME:
        break;
    }
    vpc_row *ev;
    vpc_stream *up;
    if (!vpc_check_source_name(C, st, src->name, src->name_span, &ev, &up)) return false;
    if (up) {
        st->src_kind = VPC_SK_STREAM;
        st->src_stream = up;
        B->row = up->out;
        B->row_what = what_of(C, "stream", up->name);
    } else {
        st->src_kind = VPC_SK_EVENT;
        st->src_event = ev;
        B->row = ev;
        B->row_what = what_of(C, "event", ev->event);
    }
    B->alias = src->alias;
    return true;
}

static void check_stream(vpc_checker *C, vpc_stream *st)
{
    if (st->state) return;
    st->state = 1;
    vpc_sbuilder B = {0};
    B.C = C;
    B.st = st;
    if (st->decl->u.stream.annot) { /* Stream<T>: informational */
    }
    /* the operators of the chain: join() takes its .on() and window out */
    vpc_stream_body chain = st->decl->u.stream.body;
    bool ok = vpc_check_is_pattern(C, st) ? vpc_check_pattern(&B, &chain) : resolve_source(C, st, &B, &chain);
    if (ok) {
        st->in = B.row;
        vpc_stream_body *body = &chain;
        vpc_check_window_prescan(&B, body);
        for (uint32_t i = 0; i < body->nlinks; i++)
            if (!vpc_check_link(&B, &body->links[i])) break;
        vpc_check_window_done(&B);
        st->out = B.row;
        st->nops = B.nops;
        st->ops = VPC_NEW_N(&C->ctx->ir, vpc_opnode, B.nops ? B.nops : 1);
        memcpy(st->ops, B.ops, B.nops * sizeof *B.ops);
    }
    st->state = 2;
}

static void add_consumer(vpc_checker *C, vpc_stream *up, vpc_stream *st)
{
    if (up->nconsumers == up->capconsumers) {
        up->capconsumers = up->capconsumers ? up->capconsumers * 2 : 4;
        vpc_stream **n = VPC_NEW_N(&C->ctx->ir, vpc_stream *, up->capconsumers);
        if (up->nconsumers) memcpy(n, up->consumers, up->nconsumers * sizeof *n);
        up->consumers = n;
    }
    up->consumers[up->nconsumers++] = st;
}

static void check_streams(vpc_checker *C)
{
    vpc_program *P = C->prog;
    P->streams = VPC_NEW_N(&C->ctx->ir, vpc_stream *, C->ndecls + 1);
    for (uint32_t i = 0; i < C->ndecls; i++) {
        vpc_decl *d = C->decls[i];
        if (d->kind != VPC_D_STREAM) continue;
        vpc_stream *st = VPC_NEW(&C->ctx->ir, vpc_stream);
        st->id = P->nstreams;
        st->name = d->name;
        st->decl = d;
        d->sema = st;
        P->streams[P->nstreams++] = st;
    }
    for (uint32_t i = 0; i < P->nstreams; i++) check_stream(C, P->streams[i]);
    for (uint32_t i = 0; i < P->nstreams; i++) {
        vpc_stream *st = P->streams[i];
        if (st->src_kind == VPC_SK_STREAM && st->src_stream) add_consumer(C, st->src_stream, st);
        for (uint32_t k = 0; k < st->ninputs; k++) {
            vpc_stream *up = st->inputs[k].stream;
            bool seen = false; /* one entry per producer: the drain offers its row to every input */
            for (uint32_t j = 0; j < k; j++) seen |= st->inputs[j].stream == up;
            if (up && !seen) add_consumer(C, up, st);
        }
    }
    vpc_check_sources_done(C);
}

/* ---- other declarations ---- */

static const char *const connector_kinds[] = {"file", "console", "kafka", "mqtt", "http", "nats",
                                              "amqp", "websocket", "grpc", "database", "redis"};

static void check_misc(vpc_checker *C)
{
    for (uint32_t i = 0; i < C->ast->ndecls; i++) {
        vpc_decl *d = C->ast->decls[i];
        switch (d->kind) {
        case VPC_D_FOR:
            vpc_error(C->ctx, d->span, "top-level 'for' templates are not supported yet");
            break;
        case VPC_D_CONNECTOR:
            if (!IN_LIST(d->u.connector.kind->name, connector_kinds))
                vpc_warn(C->ctx, d->u.connector.kind_span, "connector-kind", "unknown connector kind '%s'",
                         d->u.connector.kind->name);
            break;
        default:
            break;
        }
    }
}

static int event_cmp(const void *a, const void *b)
{
    const vpc_row *x = *(vpc_row *const *)a, *y = *(vpc_row *const *)b;
    return strcmp(x->event->name, y->event->name);
}

vpc_program *vpc_check(vpc_ctx *ctx, vpc_ast *ast, const vpc_source *main_src)
{
    vpc_checker C = {0};
    C.ctx = ctx;
    C.ast = ast;
    C.prog = VPC_NEW(&ctx->ir, vpc_program);
    C.prog->main_src = main_src;
    C.prog->builtin_used = VPC_NEW_N(&ctx->ir, bool, vpc_nbuiltins);
    collect_decls(&C);
    check_events(&C);
    C.prog->fns = VPC_NEW_N(&ctx->ir, vpc_fn *, C.ndecls + 1);
    for (uint32_t i = 0; i < C.ndecls; i++) {
        if (C.decls[i]->kind != VPC_D_FN) continue;
        vpc_check_fn_signature(&C, C.decls[i]);
        C.prog->fns[C.prog->nfns++] = C.decls[i]->sema;
    }
    check_globals(&C);
    for (uint32_t i = 0; i < C.prog->nfns; i++) vpc_check_fn_body(&C, C.prog->fns[i]);
    vpc_check_limits(&C);
    check_streams(&C);
    check_misc(&C);
    vpc_check_end_order(&C);
    if (ctx->nerr) return NULL;
    /* a stable order for the generated dispatch */
    if (C.prog->nevents) qsort(C.prog->events, C.prog->nevents, sizeof *C.prog->events, event_cmp);
    return C.prog;
}
