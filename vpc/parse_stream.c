/* parse_stream.c — stream declarations (LANGUAGE.md §2, §4, §11) and
 * patterns (§5): sources (names, merge, join, sequence), operator chains,
 * chain-form pattern steps, named patterns and pattern expressions. */
#include <string.h>

#include "parse_int.h"

static void parse_body(parser *p, vpc_stream_body *b);
static vpc_pat *parse_pattern(parser *p);

/* A condition at stream level: a '.' starting a line or after a blank ends
 * it (the next operator of the chain), see dot_ends_condition. */
static vpc_expr *stream_cond(parser *p)
{
    bool stop = p->stop_at_dot;
    p->stop_at_dot = true;
    vpc_expr *e = parse_expr(p);
    p->stop_at_dot = stop;
    return e;
}

static bool at_not(parser *p)
{
    return p_at(p, VPC_T_NOT) || p_at_word(p, p->kw.NOT);
}

/* ---------------------------------------------------------------------------
 * steps */

/* bracket_cond -> '[' expr ']' */
static vpc_expr *bracket_cond(parser *p)
{
    vpc_tok open = p_advance(p);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_check_open(p, VPC_T_RBRACKET, &open);
    vpc_expr *e = parse_expr(p);
    p_expect_close(p, VPC_T_RBRACKET, &open);
    p->stop_at_dot = stop;
    return e;
}

/* step -> ['NOT' | 'not'] ['all'] NAME ['+' | '*' | '?']
 *         {'where' expr | '[' expr ']' | 'as' NAME}     (each clause once, any order) */
static void parse_step(parser *p, vpc_step *st)
{
    vpc_span start = p_cur(p)->span;
    if (at_not(p)) {
        p_advance(p);
        st->negated = true;
    }
    if (p_at_word(p, p->kw.all) && p_peek_is(p, 1, VPC_T_IDENT)) {
        p_advance(p);
        st->quant = VPC_Q_PLUS;
    }
    st->type = p_expect_name(p, &st->type_span);
    if (p_accept(p, VPC_T_PLUS)) st->quant = VPC_Q_PLUS;
    else if (p_accept(p, VPC_T_STAR)) st->quant = VPC_Q_STAR;
    else if (p_accept(p, VPC_T_QUESTION)) st->quant = VPC_Q_OPT;
    for (;;) {
        if (!st->where && p_accept_word(p, p->kw.where)) st->where = stream_cond(p);
        else if (!st->where && p_at(p, VPC_T_LBRACKET)) st->where = bracket_cond(p);
        else if (!st->alias && p_accept_word(p, p->kw.as)) st->alias = p_expect_name(p, &st->alias_span);
        else break;
    }
    st->span = p_span_from(p, start);
}

/* ---------------------------------------------------------------------------
 * pattern expressions */

static vpc_pat *new_pat(parser *p, vpc_pat_kind k, vpc_span span)
{
    vpc_pat *pat = VPC_NEW(p->arena, vpc_pat);
    pat->kind = k;
    pat->span = span;
    return pat;
}

static vpc_pat *pat_binary(parser *p, vpc_pat_kind k, vpc_pat *lhs, vpc_pat *rhs)
{
    vpc_pat *pat = new_pat(p, k, vpc_span_join(lhs->span, rhs->span));
    pat->items = VPC_NEW_N(p->arena, vpc_pat *, 2);
    pat->items[0] = lhs;
    pat->items[1] = rhs;
    pat->nitems = 2;
    return pat;
}

/* pattern operators: upper case always, lower case too (and/or/xor are reserved words) */
static bool at_pat_op(parser *p, vpc_tok_kind lower, const vpc_sym *upper)
{
    return p_at(p, lower) || p_at_word(p, upper);
}

/* seq_items -> 'SEQ' '(' pattern {',' pattern} [','] ')' */
static vpc_pat *pat_seq_call(parser *p)
{
    vpc_tok kw = p_advance(p);
    vpc_tok open = p_advance(p);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_vec items = {0};
    while (!p_at(p, VPC_T_RPAREN)) {
        p_check_open(p, VPC_T_RPAREN, &open);
        *P_PUSH(p, &items, vpc_pat *) = parse_pattern(p);
        if (!p_accept(p, VPC_T_COMMA)) break;
    }
    p_expect_close(p, VPC_T_RPAREN, &open);
    p->stop_at_dot = stop;
    vpc_pat *pat = new_pat(p, VPC_P_SEQ, p_span_from(p, kw.span));
    pat->items = items.items;
    pat->nitems = items.n;
    return pat;
}

/* pat_unit -> seq_items | '(' pattern ')' | step */
static vpc_pat *pat_unit(parser *p)
{
    if (p_at_word(p, p->kw.SEQ) && p_peek_is(p, 1, VPC_T_LPAREN)) return pat_seq_call(p);
    if (p_at(p, VPC_T_LPAREN)) {
        vpc_tok open = p_advance(p);
        bool stop = p->stop_at_dot;
        p->stop_at_dot = false;
        vpc_pat *pat = parse_pattern(p);
        p_expect_close(p, VPC_T_RPAREN, &open);
        p->stop_at_dot = stop;
        return pat;
    }
    vpc_pat *pat = new_pat(p, VPC_P_STEP, p_cur(p)->span);
    parse_step(p, &pat->step);
    pat->span = pat->step.span;
    return pat;
}

/* pat_seq -> pat_unit {'->' pat_unit} */
static vpc_pat *pat_seq(parser *p)
{
    vpc_pat *first = pat_unit(p);
    if (!p_at(p, VPC_T_ARROW)) return first;
    p_vec items = {0};
    *P_PUSH(p, &items, vpc_pat *) = first;
    while (p_accept(p, VPC_T_ARROW)) *P_PUSH(p, &items, vpc_pat *) = pat_unit(p);
    vpc_pat *pat = new_pat(p, VPC_P_SEQ, p_span_from(p, first->span));
    pat->items = items.items;
    pat->nitems = items.n;
    return pat;
}

/* and_not -> ('NOT' | 'not') step      (P and not E: P with .not(E)) */
static vpc_pat *pat_and_not(parser *p, vpc_pat *lhs)
{
    p_advance(p);
    vpc_pat *pat = new_pat(p, VPC_P_AND_NOT, lhs->span);
    pat->items = VPC_NEW_N(p->arena, vpc_pat *, 1);
    pat->items[0] = lhs;
    pat->nitems = 1;
    parse_step(p, &pat->step);
    pat->span = p_span_from(p, lhs->span);
    return pat;
}

/* pat_and -> pat_seq {('AND' | 'and') (and_not | pat_seq)} */
static vpc_pat *pat_and(parser *p)
{
    vpc_pat *lhs = pat_seq(p);
    int deeper = 0;
    for (; at_pat_op(p, VPC_T_AND, p->kw.AND); deeper++) {
        p_advance(p);
        p_enter(p); /* the tree grows one level per operator: keep its height bounded */
        lhs = at_not(p) ? pat_and_not(p, lhs) : pat_binary(p, VPC_P_AND, lhs, pat_seq(p));
    }
    p->nest -= deeper;
    return lhs;
}

/* pat_xor -> pat_and {('XOR' | 'xor') pat_and} */
static vpc_pat *pat_xor(parser *p)
{
    vpc_pat *lhs = pat_and(p);
    int deeper = 0;
    for (; at_pat_op(p, VPC_T_XOR, p->kw.XOR); deeper++) {
        p_advance(p);
        p_enter(p);
        lhs = pat_binary(p, VPC_P_XOR, lhs, pat_and(p));
    }
    p->nest -= deeper;
    return lhs;
}

/* pattern -> pat_xor {('OR' | 'or') pat_xor} */
static vpc_pat *parse_pattern(parser *p)
{
    p_enter(p);
    vpc_pat *lhs = pat_xor(p);
    int deeper = 0;
    for (; at_pat_op(p, VPC_T_OR, p->kw.OR); deeper++) {
        p_advance(p);
        p_enter(p);
        lhs = pat_binary(p, VPC_P_OR, lhs, pat_xor(p));
    }
    p->nest -= deeper + 1;
    return lhs;
}

/* pattern_value -> lambda | '{' NAME ':' pattern_value ... '}' | pattern
 * (the arguments of .pattern(...)) */
static vpc_expr *pattern_value(parser *p)
{
    p_enter(p);
    vpc_expr *e;
    if (p_lambda_ahead(p)) {
        e = parse_expr(p);
    } else if (p_at(p, VPC_T_LBRACE)) {
        e = parse_map_with(p, pattern_value);
    } else {
        vpc_pat *pat = parse_pattern(p);
        e = p_new_expr(p, VPC_E_PATTERN, pat->span);
        e->u.pattern = pat;
    }
    p_leave(p);
    return e;
}

/* pattern_decl -> 'pattern' NAME '=' pattern {'within' expr | 'partition' 'by' expr} */
vpc_decl *parse_pattern_decl(parser *p)
{
    vpc_tok kw = p_advance(p);
    vpc_decl *d = p_new_decl(p, VPC_D_PATTERN, kw.span);
    d->name = p_expect_name(p, &d->name_span);
    p_expect(p, VPC_T_ASSIGN);
    d->u.pattern.pat = parse_pattern(p);
    for (;;) {
        if (!d->u.pattern.within && p_accept_word(p, p->kw.within)) {
            d->u.pattern.within = stream_cond(p);
        } else if (!d->u.pattern.partition && p_at_word(p, p->kw.partition)) {
            p_advance(p);
            if (!p_accept_word(p, p->kw.by)) p_expected(p, "'by'");
            d->u.pattern.partition = stream_cond(p);
        } else {
            return d;
        }
    }
}

/* ---------------------------------------------------------------------------
 * operator chains */

/* not_term -> '(' step ')'     (the argument of .not) */
static void parse_not_term(parser *p, vpc_link *l)
{
    vpc_tok open = p_advance(p);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_check_open(p, VPC_T_RPAREN, &open);
    l->not_term = VPC_NEW(p->arena, vpc_step);
    parse_step(p, l->not_term);
    p_expect_close(p, VPC_T_RPAREN, &open);
    p->stop_at_dot = stop;
}

/* op_link -> '.' NAME ['as' NAME] [not_term | args]
 * (`.emit as T(...)`; `.first` without parentheses; `.pattern` arguments are
 * pattern values) */
static vpc_link parse_op_link(parser *p)
{
    vpc_tok dot = p_advance(p);
    vpc_link l;
    memset(&l, 0, sizeof l);
    l.kind = VPC_L_OP;
    l.op = p_expect_name(p, &l.op_span);
    if (l.op == p->kw.emit && p_at_word(p, p->kw.as) && p_peek_is(p, 1, VPC_T_IDENT)) {
        p_advance(p);
        l.emit_as = p_expect_name(p, NULL);
    }
    if (p_at(p, VPC_T_LPAREN)) {
        l.has_parens = true;
        if (l.op == p->kw.not_) parse_not_term(p, &l);
        else if (l.op == p->kw.pattern) parse_args_with(p, pattern_value, &l.args, &l.nargs);
        else parse_args(p, &l.args, &l.nargs);
    } else if (l.emit_as) {
        p_expected(p, "'('");
    }
    l.span = p_span_from(p, dot.span);
    return l;
}

/* step_link -> '->' step */
static vpc_link parse_step_link(parser *p)
{
    vpc_tok arrow = p_advance(p);
    vpc_link l;
    memset(&l, 0, sizeof l);
    l.kind = VPC_L_STEP;
    parse_step(p, &l.step);
    l.span = p_span_from(p, arrow.span);
    return l;
}

/* links -> {op_link | step_link} */
static void parse_links(parser *p, p_vec *links)
{
    for (;;) {
        vpc_link l;
        if (p_at(p, VPC_T_DOT)) l = parse_op_link(p);
        else if (p_at(p, VPC_T_ARROW)) l = parse_step_link(p);
        else return;
        *P_PUSH(p, links, vpc_link) = l;
    }
}

/* where_clause -> 'where' expr      (stored as a .where(expr) link) */
static void where_link(parser *p, p_vec *links)
{
    vpc_tok kw = p_advance(p);
    vpc_link l;
    memset(&l, 0, sizeof l);
    l.kind = VPC_L_OP;
    l.op = kw.v.sym;
    l.op_span = kw.span;
    l.has_parens = true;
    l.args = VPC_NEW(p->arena, vpc_arg);
    l.args[0].value = stream_cond(p);
    l.nargs = 1;
    l.span = p_span_from(p, kw.span);
    *P_PUSH(p, links, vpc_link) = l;
}

/* ---------------------------------------------------------------------------
 * sources */

/* inline -> 'stream' NAME ('from' | '=') body ['on' expr] | body
 * (an item of merge(...) or join(...); the seed `on` condition closes it) */
static vpc_inline_stream *parse_inline(parser *p)
{
    vpc_inline_stream *it = VPC_NEW(p->arena, vpc_inline_stream);
    it->span = p_cur(p)->span;
    if (p_at_word(p, p->kw.stream) && p_peek_is(p, 1, VPC_T_IDENT)) {
        p_advance(p);
        it->name = p_expect_name(p, &it->name_span);
        if (!p_accept_word(p, p->kw.from) && !p_accept(p, VPC_T_ASSIGN)) p_expected(p, "'=' or 'from'");
    }
    parse_body(p, &it->body);
    if (p_accept_word(p, p->kw.on)) it->on = parse_expr(p);
    it->span = p_span_from(p, it->span);
    return it;
}

/* inline_list -> '(' inline {',' inline} [','] ')' */
static void parse_inline_list(parser *p, vpc_source_expr *s)
{
    vpc_tok open = p_expect(p, VPC_T_LPAREN);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_vec items = {0};
    while (!p_at(p, VPC_T_RPAREN)) {
        p_check_open(p, VPC_T_RPAREN, &open);
        *P_PUSH(p, &items, vpc_inline_stream *) = parse_inline(p);
        if (!p_accept(p, VPC_T_COMMA)) break;
    }
    p_expect_close(p, VPC_T_RPAREN, &open);
    p->stop_at_dot = stop;
    s->items = items.items;
    s->nitems = items.n;
}

/* sequence -> '(' seq_step {',' seq_step} [','] ')'
 * seq_step -> NAME ':' step      (NAME is the step's alias) */
static void parse_sequence(parser *p, vpc_source_expr *s)
{
    vpc_tok open = p_expect(p, VPC_T_LPAREN);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_vec steps = {0};
    while (!p_at(p, VPC_T_RPAREN)) {
        p_check_open(p, VPC_T_RPAREN, &open);
        vpc_span alias_span;
        vpc_sym *alias = p_expect_name(p, &alias_span);
        p_expect(p, VPC_T_COLON);
        vpc_step st;
        memset(&st, 0, sizeof st);
        parse_step(p, &st);
        st.alias = alias;
        st.alias_span = alias_span;
        st.span = vpc_span_join(alias_span, st.span);
        *P_PUSH(p, &steps, vpc_step) = st;
        if (!p_accept(p, VPC_T_COMMA)) break;
    }
    p_expect_close(p, VPC_T_RPAREN, &open);
    p->stop_at_dot = stop;
    s->steps = steps.items;
    s->nsteps = steps.n;
}

/* named_source -> ['all'] NAME ['(' args ')'] {'as' NAME | where_clause} */
static void parse_named_source(parser *p, vpc_source_expr *s, p_vec *links)
{
    s->kind = VPC_SRC_NAME;
    if (p_at_word(p, p->kw.all) && p_peek_is(p, 1, VPC_T_IDENT) && p_peek(p, 1)->v.sym != p->kw.as) {
        p_advance(p);
        s->all = true;
    }
    s->name = p_expect_name(p, &s->name_span);
    if (p_at(p, VPC_T_LPAREN)) {
        s->call = true;
        parse_args(p, &s->args, &s->nargs);
    }
    for (;;) {
        if (!s->alias && p_accept_word(p, p->kw.as)) s->alias = p_expect_name(p, &s->alias_span);
        else if (p_at_word(p, p->kw.where)) where_link(p, links);
        else return;
    }
}

/* source -> 'merge' inline_list | 'join' inline_list | 'sequence' sequence
 *         | named_source */
static vpc_source_expr *parse_source(parser *p, p_vec *links)
{
    vpc_source_expr *s = VPC_NEW(p->arena, vpc_source_expr);
    s->span = p_cur(p)->span;
    bool call = p_peek_is(p, 1, VPC_T_LPAREN);
    if (call && p_at_word(p, p->kw.merge)) {
        s->kind = VPC_SRC_MERGE;
        p_advance(p);
        parse_inline_list(p, s);
    } else if (call && p_at_word(p, p->kw.join)) {
        s->kind = VPC_SRC_JOIN;
        p_advance(p);
        parse_inline_list(p, s);
    } else if (call && p_at_word(p, p->kw.sequence)) {
        s->kind = VPC_SRC_SEQUENCE;
        p_advance(p);
        parse_sequence(p, s);
    } else {
        parse_named_source(p, s, links);
    }
    s->span = p_span_from(p, s->span);
    return s;
}

/* body -> source links */
static void parse_body(parser *p, vpc_stream_body *b)
{
    p_enter(p);
    p_vec links = {0};
    b->source = parse_source(p, &links);
    parse_links(p, &links);
    b->links = links.items;
    b->nlinks = links.n;
    p_leave(p);
}

/* stream -> 'stream' NAME [':' type] ('=' | 'from') body */
vpc_decl *parse_stream_decl(parser *p)
{
    vpc_tok kw = p_advance(p);
    vpc_decl *d = p_new_decl(p, VPC_D_STREAM, kw.span);
    d->name = p_expect_name(p, &d->name_span);
    if (p_accept(p, VPC_T_COLON)) d->u.stream.annot = parse_type(p);
    if (!p_accept(p, VPC_T_ASSIGN) && !p_accept_word(p, p->kw.from)) p_expected(p, "'=' or 'from'");
    parse_body(p, &d->u.stream.body);
    return d;
}
