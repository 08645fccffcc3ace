/* parse.c — recursive descent parser: token plumbing, error recovery,
 * top-level declarations, function bodies and types. Expressions live in
 * parse_expr.c, streams and patterns in parse_stream.c.
 *
 * A syntax error is reported (unless a lexer error came first in the same
 * declaration) and unwinds with longjmp to the declaration loop, which
 * skips to the next declaration keyword at the start of a line. The
 * unfinished declaration is dropped; its nodes stay in the arena. */
#include <stdio.h>
#include <string.h>

#include "parse_int.h"

/* ---------------------------------------------------------------------------
 * tokens */

enum { RING_MASK = PARSE_LOOKAHEAD - 1 };

static void lex_into(parser *p, ptok *slot)
{
    vpc_tok t = vpc_lex_next(&p->lx);
    switch (t.kind) {
    case VPC_T_INDENT: p->nind++; break;
    case VPC_T_DEDENT: if (p->nind > 0) p->nind--; break;
    case VPC_T_NEWLINE: p->depth = 0; break; /* the lexer makes NEWLINE outside brackets only */
    case VPC_T_LPAREN: case VPC_T_LBRACKET: case VPC_T_LBRACE: p->depth++; break;
    case VPC_T_RPAREN: case VPC_T_RBRACKET: case VPC_T_RBRACE: if (p->depth > 0) p->depth--; break;
    default: break;
    }
    slot->t = t;
    slot->nind = p->nind;
    slot->depth = p->depth;
}

static const ptok *peek_full(parser *p, unsigned k)
{
    VPC_ASSERT(k < PARSE_LOOKAHEAD);
    while (p->count <= k) {
        lex_into(p, &p->ring[(p->head + p->count) & RING_MASK]);
        p->count++;
    }
    return &p->ring[(p->head + k) & RING_MASK];
}

const vpc_tok *p_peek(parser *p, unsigned k) { return &peek_full(p, k)->t; }

vpc_tok p_advance(parser *p)
{
    p->prev = *p_peek(p, 0);
    p->head = (p->head + 1) & RING_MASK;
    p->count--;
    p->consumed++;
    return p->prev;
}

bool p_at(parser *p, vpc_tok_kind k) { return p_cur(p)->kind == k; }
bool p_peek_is(parser *p, unsigned k, vpc_tok_kind kind) { return p_peek(p, k)->kind == kind; }

bool p_at_word(parser *p, const vpc_sym *w)
{
    const vpc_tok *t = p_cur(p);
    return t->kind == VPC_T_IDENT && t->v.sym == w;
}

bool p_accept(parser *p, vpc_tok_kind k)
{
    if (!p_at(p, k)) return false;
    p_advance(p);
    return true;
}

bool p_accept_word(parser *p, const vpc_sym *w)
{
    if (!p_at_word(p, w)) return false;
    p_advance(p);
    return true;
}

vpc_span p_span_from(parser *p, vpc_span start) { return vpc_span_join(start, p->prev.span); }

/* ---------------------------------------------------------------------------
 * errors */

/* Was a lexer error reported in this declaration at or before `end`? */
static bool lexer_error_before(parser *p, uint32_t end)
{
    for (uint32_t i = p->diag_mark; i < p->ctx->ndiags; i++) {
        const vpc_diag *d = &p->ctx->diags[i];
        if (d->sev == VPC_SEV_ERROR && d->span.file == p->lx.file && d->span.off <= end) return true;
    }
    return false;
}

_Noreturn void p_error(parser *p, vpc_span at, const char *fmt, ...)
{
    if (!lexer_error_before(p, at.off + at.len)) {
        vpc_buf b = {0};
        va_list ap;
        va_start(ap, fmt);
        vpc_buf_vprintf(&b, fmt, ap);
        va_end(ap);
        vpc_error(p->ctx, at, "%s", vpc_buf_cstr(&b));
        vpc_buf_free(&b);
    }
    longjmp(p->fail, 1);
}

static void describe(const vpc_tok *t, vpc_buf *b)
{
    vpc_buf_puts(b, vpc_tok_name(t->kind));
    if (t->kind == VPC_T_IDENT) vpc_buf_printf(b, " '%s'", t->v.sym->name);
}

_Noreturn void p_expected(parser *p, const char *what)
{
    const vpc_tok *t = p_cur(p);
    vpc_buf b = {0};
    describe(t, &b);
    char found[160];
    snprintf(found, sizeof found, "%s", vpc_buf_cstr(&b));
    vpc_buf_free(&b);
    p_error(p, t->span, "expected %s, found %s", what, found);
}

vpc_tok p_expect(parser *p, vpc_tok_kind k)
{
    if (!p_at(p, k)) p_expected(p, vpc_tok_name(k));
    return p_advance(p);
}

vpc_tok p_expect_close(parser *p, vpc_tok_kind k, const vpc_tok *open)
{
    if (p_at(p, k)) return p_advance(p);
    uint32_t line, col;
    vpc_source_linecol(p->src, open->span.off, &line, &col);
    char what[96];
    snprintf(what, sizeof what, "%s (to close %s at line %u)", vpc_tok_name(k),
             vpc_tok_name(open->kind), line);
    p_expected(p, what);
}

void p_check_open(parser *p, vpc_tok_kind close, const vpc_tok *open)
{
    vpc_tok_kind k = p_cur(p)->kind;
    if (k == VPC_T_EOF || k == VPC_T_NEWLINE || k == VPC_T_INDENT || k == VPC_T_DEDENT)
        p_expect_close(p, close, open);
}

vpc_sym *p_expect_name(parser *p, vpc_span *span)
{
    vpc_tok t = p_expect(p, VPC_T_IDENT);
    if (span) *span = t.span;
    return t.v.sym;
}

void p_enter(parser *p)
{
    if (++p->nest > PARSE_MAX_NEST) p_error(p, p_cur(p)->span, "expression nested too deeply");
}

/* ---------------------------------------------------------------------------
 * nodes and lists */

vpc_expr *p_new_expr(parser *p, vpc_expr_kind k, vpc_span span)
{
    vpc_expr *e = VPC_NEW(p->arena, vpc_expr);
    e->kind = k;
    e->span = span;
    return e;
}

vpc_stmt *p_new_stmt(parser *p, vpc_stmt_kind k, vpc_span span)
{
    vpc_stmt *s = VPC_NEW(p->arena, vpc_stmt);
    s->kind = k;
    s->span = span;
    return s;
}

vpc_decl *p_new_decl(parser *p, vpc_decl_kind k, vpc_span span)
{
    vpc_decl *d = VPC_NEW(p->arena, vpc_decl);
    d->kind = k;
    d->span = span;
    return d;
}

void *p_push(parser *p, p_vec *v, size_t elem)
{
    if (v->n == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 4;
        void *items = vpc_arena_alloc(p->arena, elem * cap);
        if (v->n) memcpy(items, v->items, elem * v->n);
        v->items = items;
        v->cap = cap;
    }
    return (char *)v->items + elem * v->n++;
}

/* ---------------------------------------------------------------------------
 * types */

/* type_list -> type {',' type} */
static void type_list(parser *p, p_vec *items)
{
    do {
        *P_PUSH(p, items, vpc_typeref *) = parse_type(p);
    } while (p_accept(p, VPC_T_COMMA));
}

/* Closes a generic argument list; '>>' closes two. */
static void close_generic(parser *p)
{
    if (p_at(p, VPC_T_SHR)) {
        vpc_tok *t = &p->ring[p->head].t; /* split '>>' into '>' '>' */
        t->kind = VPC_T_GT;
        t->span.off++;
        t->span.len = 1;
        return;
    }
    p_expect(p, VPC_T_GT);
}

/* type -> (NAME ['<' type_list '>'] | '[' type ']' | '{' type ':' type '}'
 *         | '(' type_list ')') ['?'] */
vpc_typeref *parse_type(parser *p)
{
    p_enter(p);
    vpc_typeref *t = VPC_NEW(p->arena, vpc_typeref);
    vpc_tok open = *p_cur(p);
    t->span = open.span;
    p_vec items = {0};
    if (p_accept(p, VPC_T_LBRACKET)) {
        t->kind = VPC_TR_ARRAY;
        *P_PUSH(p, &items, vpc_typeref *) = parse_type(p);
        p_expect_close(p, VPC_T_RBRACKET, &open);
    } else if (p_accept(p, VPC_T_LBRACE)) {
        t->kind = VPC_TR_MAP;
        *P_PUSH(p, &items, vpc_typeref *) = parse_type(p);
        p_expect(p, VPC_T_COLON);
        *P_PUSH(p, &items, vpc_typeref *) = parse_type(p);
        p_expect_close(p, VPC_T_RBRACE, &open);
    } else if (p_accept(p, VPC_T_LPAREN)) {
        t->kind = VPC_TR_TUPLE;
        type_list(p, &items);
        p_expect_close(p, VPC_T_RPAREN, &open);
    } else if (p_at(p, VPC_T_IDENT)) {
        t->kind = VPC_TR_NAME;
        t->name = p_advance(p).v.sym;
        if (p_accept(p, VPC_T_LT)) {
            t->kind = VPC_TR_GENERIC;
            type_list(p, &items);
            close_generic(p);
        }
    } else {
        p_expected(p, "type");
    }
    t->optional = p_accept(p, VPC_T_QUESTION);
    t->items = items.items;
    t->nitems = items.n;
    t->span = p_span_from(p, t->span);
    p_leave(p);
    return t;
}

/* ---------------------------------------------------------------------------
 * function bodies */

static vpc_stmt *parse_stmt(parser *p);

static bool at_stmt_end(parser *p)
{
    vpc_tok_kind k = p_cur(p)->kind;
    return k == VPC_T_NEWLINE || k == VPC_T_SEMI || k == VPC_T_DEDENT || k == VPC_T_EOF;
}

/* Items of an indented block, after its header's ':'.
 * indented -> NEWLINE INDENT item {(NEWLINE | ';') item} DEDENT */
static void indented(parser *p, void (*item)(parser *p, void *ud), void *ud)
{
    if (!p_at(p, VPC_T_NEWLINE)) p_expected(p, "newline");
    if (!p_peek_is(p, 1, VPC_T_INDENT)) {
        p_advance(p);
        p_expected(p, "indented block");
    }
    p_advance(p);
    p_advance(p);
    p_enter(p);
    while (!p_at(p, VPC_T_DEDENT) && !p_at(p, VPC_T_EOF)) {
        if (p_accept(p, VPC_T_NEWLINE) || p_accept(p, VPC_T_SEMI)) continue;
        item(p, ud);
        if (!at_stmt_end(p) && p->prev.kind != VPC_T_DEDENT) p_expected(p, "newline");
    }
    p_accept(p, VPC_T_DEDENT);
    p_leave(p);
}

/* An item of a statement block. */
static void stmt_item(parser *p, void *ud)
{
    *P_PUSH(p, ud, vpc_stmt *) = parse_stmt(p);
}

/* block -> indented(stmt) | stmt   (a single statement on the header's line) */
static vpc_block parse_block(parser *p)
{
    p_vec items = {0};
    if (p_at(p, VPC_T_NEWLINE)) indented(p, stmt_item, &items);
    else stmt_item(p, &items);
    vpc_block b = {items.items, items.n};
    return b;
}

/* let -> ('let' | 'var' | 'const') NAME [':' type] '=' expr */
vpc_stmt *parse_let(parser *p)
{
    vpc_tok kw = p_advance(p);
    vpc_stmt *s = p_new_stmt(p, VPC_S_LET, kw.span);
    s->u.let.mutable_ = kw.v.sym == p->kw.var;
    s->u.let.is_const = kw.v.sym == p->kw.const_;
    s->u.let.name = p_expect_name(p, &s->u.let.name_span);
    if (p_accept(p, VPC_T_COLON)) s->u.let.type = parse_type(p);
    p_expect(p, VPC_T_ASSIGN);
    s->u.let.init = parse_expr(p);
    s->span = p_span_from(p, kw.span);
    return s;
}

/* if -> 'if' expr ':' block {'elif' expr ':' block} ['else' ':' block]
 *     | 'if' expr 'then' expr 'else' expr          (an expression statement) */
static vpc_stmt *parse_if(parser *p)
{
    vpc_tok kw = p_advance(p);
    vpc_expr *cond = parse_expr(p);
    if (p_at(p, VPC_T_THEN)) {
        vpc_stmt *s = p_new_stmt(p, VPC_S_EXPR, kw.span);
        s->u.expr = parse_cond_rest(p, kw.span, cond);
        s->span = p_span_from(p, kw.span);
        return s;
    }
    vpc_stmt *s = p_new_stmt(p, VPC_S_IF, kw.span);
    p_vec conds = {0}, blocks = {0};
    for (;;) {
        *P_PUSH(p, &conds, vpc_expr *) = cond;
        p_expect(p, VPC_T_COLON);
        *P_PUSH(p, &blocks, vpc_block) = parse_block(p);
        /* a single-line branch leaves its NEWLINE before elif/else */
        if (p_at(p, VPC_T_NEWLINE) && (p_peek_is(p, 1, VPC_T_ELSE) ||
                                       (p_peek_is(p, 1, VPC_T_IDENT) && p_peek(p, 1)->v.sym == p->kw.elif)))
            p_advance(p);
        if (!p_accept_word(p, p->kw.elif)) break;
        cond = parse_expr(p);
    }
    if (p_accept(p, VPC_T_ELSE)) {
        p_expect(p, VPC_T_COLON);
        s->u.if_.els = VPC_NEW(p->arena, vpc_block);
        *s->u.if_.els = parse_block(p);
    }
    s->u.if_.conds = conds.items;
    s->u.if_.blocks = blocks.items;
    s->u.if_.nconds = conds.n;
    s->span = p_span_from(p, kw.span);
    return s;
}

/* for -> 'for' NAME 'in' expr ':' block */
static vpc_stmt *parse_for(parser *p)
{
    vpc_tok kw = p_advance(p);
    vpc_stmt *s = p_new_stmt(p, VPC_S_FOR, kw.span);
    s->u.for_.var = p_expect_name(p, &s->u.for_.var_span);
    p_expect(p, VPC_T_IN);
    s->u.for_.iter = parse_expr(p);
    p_expect(p, VPC_T_COLON);
    s->u.for_.body = parse_block(p);
    s->span = p_span_from(p, kw.span);
    return s;
}

/* while -> 'while' expr ':' block */
static vpc_stmt *parse_while(parser *p)
{
    vpc_tok kw = p_advance(p);
    vpc_stmt *s = p_new_stmt(p, VPC_S_WHILE, kw.span);
    s->u.while_.cond = parse_expr(p);
    p_expect(p, VPC_T_COLON);
    s->u.while_.body = parse_block(p);
    s->span = p_span_from(p, kw.span);
    return s;
}

/* return -> 'return' [expr] */
static vpc_stmt *parse_return(parser *p)
{
    vpc_tok kw = p_advance(p);
    vpc_stmt *s = p_new_stmt(p, VPC_S_RETURN, kw.span);
    if (!at_stmt_end(p)) s->u.expr = parse_expr(p);
    s->span = p_span_from(p, kw.span);
    return s;
}

/* emit -> 'emit' NAME '(' [arg {',' arg}] ')' */
static vpc_stmt *parse_emit(parser *p)
{
    vpc_tok kw = p_advance(p);
    vpc_stmt *s = p_new_stmt(p, VPC_S_EMIT, kw.span);
    s->u.emit.type = p_expect_name(p, &s->u.emit.type_span);
    parse_args(p, &s->u.emit.args, &s->u.emit.nargs);
    s->span = p_span_from(p, kw.span);
    return s;
}

/* assign -> NAME ':=' expr */
static vpc_stmt *parse_assign_stmt(parser *p)
{
    vpc_tok name = p_advance(p);
    vpc_stmt *s = p_new_stmt(p, VPC_S_ASSIGN, name.span);
    s->u.assign.name = name.v.sym;
    s->u.assign.name_span = name.span;
    p_expect(p, VPC_T_COLONEQ);
    s->u.assign.value = parse_expr(p);
    s->span = p_span_from(p, name.span);
    return s;
}

/* After a statement keyword, does this token show it is used as a name? */
static bool names_a_value(vpc_tok_kind next)
{
    return next == VPC_T_COLONEQ || next == VPC_T_DOT || next == VPC_T_LPAREN ||
           next == VPC_T_LBRACKET || next == VPC_T_NEWLINE || next == VPC_T_DEDENT ||
           next == VPC_T_EOF || next == VPC_T_SEMI;
}

/* stmt -> let | assign | if | for | while | 'break' | 'continue' | return
 *       | emit | expr */
static vpc_stmt *stmt_dispatch(parser *p)
{
    const kwset *kw = &p->kw;
    if (p_at(p, VPC_T_IF)) return parse_if(p);
    if (p_at(p, VPC_T_IDENT)) {
        vpc_sym *w = p_cur(p)->v.sym;
        vpc_tok_kind next = p_peek(p, 1)->kind;
        if (next == VPC_T_COLONEQ) return parse_assign_stmt(p);
        if ((w == kw->let || w == kw->var || w == kw->const_) && !names_a_value(next)) return parse_let(p);
        if (w == kw->for_ && next == VPC_T_IDENT) return parse_for(p);
        if (w == kw->while_) return parse_while(p);
        if (w == kw->return_) return parse_return(p);
        if (w == kw->emit && next == VPC_T_IDENT) return parse_emit(p);
        if (w == kw->break_ || w == kw->continue_) {
            vpc_tok t = p_advance(p);
            if (!at_stmt_end(p)) p_expected(p, "newline");
            return p_new_stmt(p, w == kw->break_ ? VPC_S_BREAK : VPC_S_CONTINUE, t.span);
        }
    }
    vpc_span start = p_cur(p)->span;
    vpc_stmt *s = p_new_stmt(p, VPC_S_EXPR, start);
    s->u.expr = parse_expr(p);
    s->span = p_span_from(p, start);
    return s;
}

/* One statement, one nesting level deeper (`if a: if b: ...` recurses). */
static vpc_stmt *parse_stmt(parser *p)
{
    p_enter(p);
    vpc_stmt *s = stmt_dispatch(p);
    p_leave(p);
    return s;
}

/* ---------------------------------------------------------------------------
 * declarations */

/* field -> NAME ':' type [','] */
static void field_item(parser *p, void *ud)
{
    vpc_field_decl *f = P_PUSH(p, ud, vpc_field_decl);
    f->name = p_expect_name(p, &f->span);
    p_expect(p, VPC_T_COLON);
    f->type = parse_type(p);
    f->span = p_span_from(p, f->span);
    p_accept(p, VPC_T_COMMA);
}

/* event -> 'event' NAME ['extends' NAME] ':' [indented(field) | field] */
static vpc_decl *parse_event(parser *p, vpc_decl *d)
{
    d->kind = VPC_D_EVENT;
    d->name = p_expect_name(p, &d->name_span);
    if (p_accept_word(p, p->kw.extends)) d->u.event.extends = p_expect_name(p, &d->u.event.extends_span);
    p_expect(p, VPC_T_COLON);
    p_vec fields = {0};
    if (p_at(p, VPC_T_NEWLINE) && p_peek_is(p, 1, VPC_T_INDENT)) indented(p, field_item, &fields);
    else if (!at_stmt_end(p)) field_item(p, &fields); /* event E: only_field: int */
    d->u.event.fields = fields.items;
    d->u.event.nfields = fields.n;
    return d;
}

/* type_decl -> 'type' NAME '=' type */
static vpc_decl *parse_type_decl(parser *p, vpc_decl *d)
{
    d->kind = VPC_D_TYPE;
    d->name = p_expect_name(p, &d->name_span);
    p_expect(p, VPC_T_ASSIGN);
    d->u.type_alias = parse_type(p);
    return d;
}

/* global -> ('const' | 'let' | 'var') NAME [':' type] '=' expr */
static vpc_decl *parse_global(parser *p, vpc_decl *d, vpc_sym *kw)
{
    d->kind = VPC_D_GLOBAL;
    d->u.global.mutable_ = kw == p->kw.var;
    d->u.global.is_const = kw == p->kw.const_;
    d->name = p_expect_name(p, &d->name_span);
    if (p_accept(p, VPC_T_COLON)) d->u.global.type = parse_type(p);
    p_expect(p, VPC_T_ASSIGN);
    d->u.global.init = parse_expr(p);
    return d;
}

/* param -> NAME [':' type] */
static void parse_param(parser *p, p_vec *params)
{
    vpc_param *pa = P_PUSH(p, params, vpc_param);
    pa->name = p_expect_name(p, &pa->span);
    if (p_accept(p, VPC_T_COLON)) pa->type = parse_type(p);
    pa->span = p_span_from(p, pa->span);
}

/* fn -> 'fn' NAME '(' [param {',' param}] ')' ['->' type] ':' block */
static vpc_decl *parse_fn(parser *p, vpc_decl *d)
{
    d->kind = VPC_D_FN;
    d->name = p_expect_name(p, &d->name_span);
    vpc_tok open = p_expect(p, VPC_T_LPAREN);
    p_vec params = {0};
    if (!p_at(p, VPC_T_RPAREN)) {
        do {
            p_check_open(p, VPC_T_RPAREN, &open);
            if (p_at(p, VPC_T_RPAREN)) break;
            parse_param(p, &params);
        } while (p_accept(p, VPC_T_COMMA));
    }
    p_expect_close(p, VPC_T_RPAREN, &open);
    d->u.fn.params = params.items;
    d->u.fn.nparams = params.n;
    if (p_accept(p, VPC_T_ARROW)) d->u.fn.ret = parse_type(p);
    p_expect(p, VPC_T_COLON);
    d->u.fn.body = parse_block(p);
    return d;
}

/* top_assign -> NAME ':=' expr */
static vpc_decl *parse_assign_decl(parser *p, vpc_decl *d)
{
    d->kind = VPC_D_ASSIGN;
    d->name = p->prev.v.sym;
    d->name_span = p->prev.span;
    p_expect(p, VPC_T_COLONEQ);
    d->u.assign = parse_expr(p);
    return d;
}

typedef struct config_items {
    p_vec keys, values;
} config_items;

/* config_item -> (NAME | STRING) ':' expr [','] */
static void config_item(parser *p, void *ud)
{
    config_items *ci = ud;
    const vpc_tok *t = p_cur(p);
    if (t->kind != VPC_T_IDENT && t->kind != VPC_T_STRING) p_expected(p, "config key");
    vpc_tok key = p_advance(p);
    vpc_expr *k = p_new_expr(p, key.kind == VPC_T_IDENT ? VPC_E_NAME : VPC_E_STR, key.span);
    if (key.kind == VPC_T_IDENT) k->u.name = key.v.sym;
    else k->u.s = key.v.s;
    p_expect(p, VPC_T_COLON);
    *P_PUSH(p, &ci->keys, vpc_expr *) = k;
    *P_PUSH(p, &ci->values, vpc_expr *) = parse_expr(p);
    p_accept(p, VPC_T_COMMA);
}

/* config -> 'config' [NAME] map | 'config' ':' indented(config_item)
 *         | NAME_config map          (any word ending in _config) */
static vpc_decl *parse_config(parser *p, vpc_decl *d, vpc_tok kw)
{
    d->kind = VPC_D_CONFIG;
    if (kw.v.sym != p->kw.config) {
        d->name = kw.v.sym;
        d->name_span = kw.span;
    } else if (p_at(p, VPC_T_IDENT)) {
        d->name = p_expect_name(p, &d->name_span);
    }
    if (d->name || !p_at(p, VPC_T_COLON)) {
        if (!p_at(p, VPC_T_LBRACE)) p_expected(p, d->name ? "'{'" : "'{' or ':'");
        d->u.config.map = parse_map(p);
        return d;
    }
    vpc_tok colon = p_advance(p);
    config_items ci = {{0}, {0}};
    indented(p, config_item, &ci);
    vpc_expr *m = p_new_expr(p, VPC_E_MAP, p_span_from(p, colon.span));
    m->u.map.keys = ci.keys.items;
    m->u.map.values = ci.values.items;
    m->u.map.nitems = ci.keys.n;
    d->u.config.map = m;
    d->u.config.block_form = true;
    return d;
}

/* connector -> 'connector' NAME '=' NAME '(' [arg {',' arg}] ')' */
static vpc_decl *parse_connector(parser *p, vpc_decl *d)
{
    d->kind = VPC_D_CONNECTOR;
    d->name = p_expect_name(p, &d->name_span);
    p_expect(p, VPC_T_ASSIGN);
    d->u.connector.kind = p_expect_name(p, &d->u.connector.kind_span);
    parse_args(p, &d->u.connector.args, &d->u.connector.nargs);
    return d;
}

/* context -> 'context' NAME ['(' [arg {',' arg}] ')'] */
static vpc_decl *parse_context(parser *p, vpc_decl *d)
{
    d->kind = VPC_D_CONTEXT;
    d->name = p_expect_name(p, &d->name_span);
    if (p_at(p, VPC_T_LPAREN)) parse_args(p, &d->u.context.args, &d->u.context.nargs);
    return d;
}

/* import -> 'import' STRING */
static vpc_decl *parse_import(parser *p, vpc_decl *d)
{
    d->kind = VPC_D_IMPORT;
    d->u.import_path = p_expect(p, VPC_T_STRING).v.s;
    return d;
}

/* template -> 'for' NAME 'in' expr ':' <body: the following deeper lines,
 *             kept as raw text (they may hold {NAME} inside identifiers)> */
static vpc_decl *parse_template(parser *p, vpc_decl *d)
{
    d->kind = VPC_D_FOR;
    d->u.for_.var = p_expect_name(p, &d->name_span);
    p_expect(p, VPC_T_IN);
    d->u.for_.range = parse_expr(p);
    p_expect(p, VPC_T_COLON);
    if (!p_at(p, VPC_T_NEWLINE) && !p_at(p, VPC_T_EOF)) p_expected(p, "newline");
    d->u.for_.body_span = vpc_lex_template_body(&p->lx); /* skipped by the lexer before that NEWLINE */
    return d;
}

static bool ends_with_config(const vpc_sym *w)
{
    return w->len > 7 && strcmp(w->name + w->len - 7, "_config") == 0;
}

/* decl -> event | type_decl | global | top_assign | fn | stream | pattern
 *       | config | connector | context | import | template */
static vpc_decl *parse_decl(parser *p)
{
    const kwset *kw = &p->kw;
    if (!p_at(p, VPC_T_IDENT)) p_expected(p, "declaration");
    vpc_tok_kind next = p_peek(p, 1)->kind;
    vpc_sym *w = p_cur(p)->v.sym;
    if (w == kw->stream && next == VPC_T_IDENT) return parse_stream_decl(p);
    if (w == kw->pattern && next == VPC_T_IDENT) return parse_pattern_decl(p);
    vpc_tok first = p_advance(p);
    vpc_decl *d = p_new_decl(p, VPC_D_GLOBAL, first.span);
    if (next == VPC_T_COLONEQ) return parse_assign_decl(p, d);
    if (w == kw->event) return parse_event(p, d);
    if (w == kw->type) return parse_type_decl(p, d);
    if (w == kw->const_ || w == kw->let || w == kw->var) return parse_global(p, d, w);
    if (w == kw->fn) return parse_fn(p, d);
    if (w == kw->config || (ends_with_config(w) && next == VPC_T_LBRACE)) return parse_config(p, d, first);
    if (w == kw->connector) return parse_connector(p, d);
    if (w == kw->context) return parse_context(p, d);
    if (w == kw->import) return parse_import(p, d);
    if (w == kw->for_) return parse_template(p, d);
    if (w == kw->stream || w == kw->pattern) p_expected(p, "identifier");
    p_error(p, first.span, "expected declaration, found identifier '%s'", w->name);
}

/* ---------------------------------------------------------------------------
 * the declaration loop and recovery */

static bool is_sync_word(parser *p, const vpc_sym *w)
{
    const kwset *kw = &p->kw;
    return w == kw->event || w == kw->stream || w == kw->fn || w == kw->pattern ||
           w == kw->const_ || w == kw->let || w == kw->var || w == kw->type || w == kw->config ||
           w == kw->connector || w == kw->context || w == kw->import || w == kw->for_;
}

/* A declaration keyword starting a line, outside any block (and outside
 * brackets unless at the left margin). */
static bool at_sync_point(parser *p)
{
    const ptok *t = peek_full(p, 0);
    if (!t->t.bol || t->t.kind != VPC_T_IDENT || t->nind != 0) return false;
    if (!is_sync_word(p, t->t.v.sym) && !ends_with_config(t->t.v.sym)) return false;
    if (t->depth == 0) return true;
    uint32_t line, col;
    vpc_source_linecol(p->src, t->t.span.off, &line, &col);
    return col == 1;
}

static void resync(parser *p, uint64_t consumed_at_start)
{
    if (p->consumed == consumed_at_start && !p_at(p, VPC_T_EOF)) p_advance(p);
    while (!p_at(p, VPC_T_EOF) && !at_sync_point(p)) p_advance(p);
}

/* Diagnostics from the lexer about this declaration's tokens may have been
 * reported while the previous declaration looked ahead: include them. */
static uint32_t diag_mark_for(parser *p, uint32_t start_off, uint32_t last_parse_error)
{
    uint32_t m = p->ctx->ndiags;
    while (m > 0 && m - 1 != last_parse_error && p->ctx->diags[m - 1].span.file == p->lx.file &&
           p->ctx->diags[m - 1].span.off >= start_off)
        m--;
    return m;
}

/* A declaration ends at a newline, ';' or end of file (a block ending in
 * DEDENT has consumed its own). */
static void end_of_decl(parser *p)
{
    if (p->prev.kind == VPC_T_DEDENT || p->prev.kind == VPC_T_NEWLINE) return;
    if (!p_accept(p, VPC_T_NEWLINE) && !p_accept(p, VPC_T_SEMI) && !p_at(p, VPC_T_EOF))
        p_expected(p, "newline");
}

static vpc_decl *toplevel(parser *p, uint32_t *last_parse_error)
{
    uint64_t start = p->consumed;
    p->nest = 0;
    p->stop_at_dot = false;
    p->diag_mark = diag_mark_for(p, p_cur(p)->span.off, *last_parse_error);
    uint32_t nerr = p->ctx->ndiags;
    if (setjmp(p->fail)) {
        if (p->ctx->ndiags > nerr) *last_parse_error = p->ctx->ndiags - 1;
        resync(p, start);
        return NULL;
    }
    vpc_decl *d = parse_decl(p);
    d->span = p_span_from(p, d->span);
    end_of_decl(p);
    return d;
}

static void init_keywords(parser *p)
{
    kwset *k = &p->kw;
    vpc_symtab *t = &p->ctx->syms;
#define KW(field, word) k->field = vpc_intern(t, word, sizeof word - 1)
    KW(event, "event"); KW(extends, "extends"); KW(type, "type"); KW(const_, "const");
    KW(let, "let"); KW(var, "var"); KW(fn, "fn"); KW(stream, "stream"); KW(from, "from");
    KW(pattern, "pattern"); KW(config, "config"); KW(connector, "connector");
    KW(context, "context"); KW(import, "import"); KW(for_, "for"); KW(while_, "while");
    KW(elif, "elif"); KW(break_, "break"); KW(continue_, "continue"); KW(return_, "return");
    KW(emit, "emit"); KW(where, "where"); KW(as, "as"); KW(within, "within");
    KW(partition, "partition"); KW(by, "by"); KW(all, "all"); KW(merge, "merge");
    KW(join, "join"); KW(sequence, "sequence"); KW(on, "on"); KW(not_, "not");
    KW(distinct, "distinct"); KW(SEQ, "SEQ"); KW(AND, "AND"); KW(OR, "OR"); KW(XOR, "XOR");
    KW(NOT, "NOT");
#undef KW
}

/* program -> {decl (NEWLINE | ';' | EOF)} */
bool vpc_parse(vpc_ctx *ctx, const vpc_source *src, vpc_ast *ast)
{
    parser state;
    memset(&state, 0, sizeof state);
    parser *p = &state;
    p->ctx = ctx;
    p->src = src;
    p->arena = &ctx->ast;
    vpc_lex_init(&p->lx, ctx, src);
    init_keywords(p);
    uint32_t nerr = ctx->nerr, last_parse_error = UINT32_MAX;
    p_vec decls = {0};
    for (uint32_t i = 0; i < ast->ndecls; i++) *P_PUSH(p, &decls, vpc_decl *) = ast->decls[i];
    while (!p_at(p, VPC_T_EOF)) {
        vpc_tok_kind k = p_cur(p)->kind;
        if (k == VPC_T_NEWLINE || k == VPC_T_SEMI || k == VPC_T_DEDENT) {
            p_advance(p);
            continue;
        }
        vpc_decl *d = toplevel(p, &last_parse_error);
        if (d) *P_PUSH(p, &decls, vpc_decl *) = d;
    }
    ast->decls = decls.items;
    ast->ndecls = decls.n;
    return ctx->nerr == nerr;
}
