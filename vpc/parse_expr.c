/* parse_expr.c — expressions (LANGUAGE.md §3) by precedence climbing.
 * From tightest to loosest:
 *   () [] . ?. call · ** (right) · unary - ~ · * / % · + - · << >> · & · ^ ·
 *   | · == != < <= > >= in, not in, is (non-associative) · not · and · xor ·
 *   or · ?? · .. ..= · lambda => */
#include "parse_int.h"

static vpc_expr *parse_unary(parser *p);
static vpc_expr *parse_level(parser *p, int level);

enum level {
    L_COALESCE, L_OR, L_XOR, L_AND, L_NOT, L_CMP,
    L_BITOR, L_BITXOR, L_BITAND, L_SHIFT, L_ADD, L_MUL, L_UNARY,
};

static vpc_expr *binary(parser *p, vpc_op op, vpc_expr *lhs, vpc_expr *rhs)
{
    vpc_expr *e = p_new_expr(p, VPC_E_BINARY, vpc_span_join(lhs->span, rhs->span));
    e->u.binary.op = op;
    e->u.binary.lhs = lhs;
    e->u.binary.rhs = rhs;
    return e;
}

static vpc_expr *unary(parser *p, vpc_op op, vpc_span start, vpc_expr *operand)
{
    vpc_expr *e = p_new_expr(p, VPC_E_UNARY, vpc_span_join(start, operand->span));
    e->u.unary.op = op;
    e->u.unary.operand = operand;
    return e;
}

/* ---------------------------------------------------------------------------
 * literals and brackets */

static vpc_expr *literal(parser *p, vpc_expr_kind k)
{
    vpc_tok t = p_advance(p);
    vpc_expr *e = p_new_expr(p, k, t.span);
    switch (t.kind) {
    case VPC_T_INT: case VPC_T_DURATION: case VPC_T_TIMESTAMP: e->u.i = t.v.i; break;
    case VPC_T_FLOAT: e->u.f = t.v.f; break;
    case VPC_T_STRING: e->u.s = t.v.s; break;
    case VPC_T_TRUE: case VPC_T_FALSE: e->u.b = t.kind == VPC_T_TRUE; break;
    case VPC_T_IDENT: e->u.name = t.v.sym; break;
    default: break;
    }
    return e;
}

/* paren -> '(' expr ')' */
static vpc_expr *parse_paren(parser *p)
{
    vpc_tok open = p_advance(p);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_check_open(p, VPC_T_RPAREN, &open);
    vpc_expr *e = parse_expr(p);
    p_expect_close(p, VPC_T_RPAREN, &open);
    p->stop_at_dot = stop;
    return e;
}

/* array -> '[' [expr {',' expr} [',']] ']' */
static vpc_expr *parse_array(parser *p)
{
    vpc_tok open = p_advance(p);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_vec items = {0};
    while (!p_at(p, VPC_T_RBRACKET)) {
        p_check_open(p, VPC_T_RBRACKET, &open);
        *P_PUSH(p, &items, vpc_expr *) = parse_expr(p);
        if (!p_accept(p, VPC_T_COMMA)) break;
    }
    p_expect_close(p, VPC_T_RBRACKET, &open);
    p->stop_at_dot = stop;
    vpc_expr *e = p_new_expr(p, VPC_E_ARRAY, p_span_from(p, open.span));
    e->u.array.items = items.items;
    e->u.array.nitems = items.n;
    return e;
}

/* map_key -> NAME | STRING | INT */
static vpc_expr *map_key(parser *p)
{
    switch (p_cur(p)->kind) {
    case VPC_T_IDENT: return literal(p, VPC_E_NAME);
    case VPC_T_STRING: return literal(p, VPC_E_STR);
    case VPC_T_INT: return literal(p, VPC_E_INT);
    default: p_expected(p, "map key");
    }
}

/* map -> '{' [map_key ':' value {[','] map_key ':' value} [',']] '}' */
vpc_expr *parse_map_with(parser *p, p_value_fn value)
{
    vpc_tok open = p_expect(p, VPC_T_LBRACE);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_vec keys = {0}, values = {0};
    while (!p_at(p, VPC_T_RBRACE)) {
        p_check_open(p, VPC_T_RBRACE, &open);
        *P_PUSH(p, &keys, vpc_expr *) = map_key(p);
        p_expect(p, VPC_T_COLON);
        *P_PUSH(p, &values, vpc_expr *) = value(p);
        p_accept(p, VPC_T_COMMA);
    }
    p_expect_close(p, VPC_T_RBRACE, &open);
    p->stop_at_dot = stop;
    vpc_expr *e = p_new_expr(p, VPC_E_MAP, p_span_from(p, open.span));
    e->u.map.keys = keys.items;
    e->u.map.values = values.items;
    e->u.map.nitems = keys.n;
    return e;
}

vpc_expr *parse_map(parser *p) { return parse_map_with(p, parse_expr); }

/* cond -> 'if' expr 'then' expr 'else' expr   (after the condition) */
vpc_expr *parse_cond_rest(parser *p, vpc_span start, vpc_expr *cond)
{
    vpc_expr *e = p_new_expr(p, VPC_E_COND, start);
    e->u.cond.cond = cond;
    p_expect(p, VPC_T_THEN);
    e->u.cond.then = parse_expr(p);
    p_expect(p, VPC_T_ELSE);
    e->u.cond.els = parse_expr(p);
    e->span = p_span_from(p, start);
    return e;
}

/* ---------------------------------------------------------------------------
 * lambdas */

/* Is a lambda ahead: NAME '=>' or '(' [NAME {',' NAME}] ')' '=>'? */
bool p_lambda_ahead(parser *p)
{
    if (p_at(p, VPC_T_IDENT)) return p_peek_is(p, 1, VPC_T_FATARROW);
    if (!p_at(p, VPC_T_LPAREN)) return false;
    unsigned k = 1;
    if (p_peek_is(p, k, VPC_T_IDENT)) {
        for (;;) {
            k++;
            if (k + 2 >= PARSE_LOOKAHEAD) return false;
            if (!p_peek_is(p, k, VPC_T_COMMA)) break;
            k++;
            if (!p_peek_is(p, k, VPC_T_IDENT)) return false;
        }
    }
    return p_peek_is(p, k, VPC_T_RPAREN) && p_peek_is(p, k + 1, VPC_T_FATARROW);
}

/* After '=>', is '{' a block rather than a map literal? */
static bool lambda_block_ahead(parser *p)
{
    if (!p_at(p, VPC_T_LBRACE) || p_peek_is(p, 1, VPC_T_RBRACE)) return false;
    vpc_tok_kind k = p_peek(p, 1)->kind;
    bool key = k == VPC_T_IDENT || k == VPC_T_STRING || k == VPC_T_INT;
    return !(key && p_peek_is(p, 2, VPC_T_COLON));
}

static bool at_let(parser *p)
{
    const vpc_tok *t = p_cur(p);
    return t->kind == VPC_T_IDENT && p_peek_is(p, 1, VPC_T_IDENT) &&
           (t->v.sym == p->kw.let || t->v.sym == p->kw.var || t->v.sym == p->kw.const_);
}

/* lambda_block -> '{' {let [';']} expr [';'] '}' */
static void parse_lambda_block(parser *p, vpc_expr *e)
{
    vpc_tok open = p_advance(p);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_vec lets = {0};
    while (at_let(p)) {
        *P_PUSH(p, &lets, vpc_stmt *) = parse_let(p);
        p_accept(p, VPC_T_SEMI);
    }
    p_check_open(p, VPC_T_RBRACE, &open);
    e->u.lambda.lets = lets.items;
    e->u.lambda.nlets = lets.n;
    e->u.lambda.body = parse_expr(p);
    p_accept(p, VPC_T_SEMI);
    p_expect_close(p, VPC_T_RBRACE, &open);
    p->stop_at_dot = stop;
}

/* lambda -> (NAME | '(' [NAME {',' NAME}] ')') '=>' (lambda_block | expr) */
static vpc_expr *parse_lambda(parser *p)
{
    vpc_span start = p_cur(p)->span;
    vpc_expr *e = p_new_expr(p, VPC_E_LAMBDA, start);
    p_vec params = {0};
    if (p_at(p, VPC_T_IDENT)) {
        *P_PUSH(p, &params, vpc_sym *) = p_advance(p).v.sym;
    } else {
        vpc_tok open = p_advance(p);
        while (p_at(p, VPC_T_IDENT)) {
            *P_PUSH(p, &params, vpc_sym *) = p_advance(p).v.sym;
            if (!p_accept(p, VPC_T_COMMA)) break;
        }
        p_expect_close(p, VPC_T_RPAREN, &open);
    }
    e->u.lambda.params = params.items;
    e->u.lambda.nparams = params.n;
    p_expect(p, VPC_T_FATARROW);
    if (lambda_block_ahead(p)) parse_lambda_block(p, e);
    else e->u.lambda.body = parse_expr(p);
    e->span = p_span_from(p, start);
    return e;
}

/* ---------------------------------------------------------------------------
 * primary and postfix */

/* primary -> INT | FLOAT | STRING | DURATION | TIMESTAMP | 'true' | 'false'
 *          | 'null' | NAME | paren | array | map | 'if' cond */
static vpc_expr *parse_primary(parser *p)
{
    switch (p_cur(p)->kind) {
    case VPC_T_INT: return literal(p, VPC_E_INT);
    case VPC_T_FLOAT: return literal(p, VPC_E_FLOAT);
    case VPC_T_STRING: return literal(p, VPC_E_STR);
    case VPC_T_DURATION: return literal(p, VPC_E_DUR);
    case VPC_T_TIMESTAMP: return literal(p, VPC_E_TS);
    case VPC_T_TRUE: case VPC_T_FALSE: return literal(p, VPC_E_BOOL);
    case VPC_T_NULL: return literal(p, VPC_E_NULL);
    case VPC_T_IDENT: return literal(p, VPC_E_NAME);
    case VPC_T_LPAREN: return parse_paren(p);
    case VPC_T_LBRACKET: return parse_array(p);
    case VPC_T_LBRACE: return parse_map(p);
    case VPC_T_IF: {
        vpc_tok kw = p_advance(p);
        vpc_expr *cond = parse_expr(p);
        return parse_cond_rest(p, kw.span, cond);
    }
    case VPC_T_BANG: p_error(p, p_cur(p)->span, "expected expression, found '!' (did you mean 'not'?)");
    default: p_expected(p, "expression");
    }
}

/* Tokens that can start an operand (for `distinct x`). */
static bool starts_operand(vpc_tok_kind k)
{
    switch (k) {
    case VPC_T_IDENT: case VPC_T_INT: case VPC_T_FLOAT: case VPC_T_STRING: case VPC_T_DURATION:
    case VPC_T_TIMESTAMP: case VPC_T_TRUE: case VPC_T_FALSE: case VPC_T_NULL: case VPC_T_LBRACKET:
    case VPC_T_LBRACE: case VPC_T_MINUS: case VPC_T_TILDE: case VPC_T_NOT: case VPC_T_IF:
        return true;
    default:
        return false;
    }
}

/* value -> 'distinct' expr | expr     (count(distinct x)) */
static vpc_expr *arg_value(parser *p)
{
    if (!p_at_word(p, p->kw.distinct) || !starts_operand(p_peek(p, 1)->kind)) return parse_expr(p);
    vpc_tok kw = p_advance(p);
    vpc_expr *e = p_new_expr(p, VPC_E_DISTINCT, kw.span);
    e->u.distinct = parse_expr(p);
    e->span = p_span_from(p, kw.span);
    return e;
}

/* args -> '(' [arg {',' arg} [',']] ')'
 * arg -> [NAME ':'] value */
void parse_args_with(parser *p, p_value_fn value, vpc_arg **args, uint32_t *nargs)
{
    vpc_tok open = p_expect(p, VPC_T_LPAREN);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    p_vec v = {0};
    while (!p_at(p, VPC_T_RPAREN)) {
        p_check_open(p, VPC_T_RPAREN, &open);
        vpc_arg *a = P_PUSH(p, &v, vpc_arg);
        if (p_at(p, VPC_T_IDENT) && p_peek_is(p, 1, VPC_T_COLON)) {
            vpc_tok name = p_advance(p);
            a->name = name.v.sym;
            a->name_span = name.span;
            p_advance(p);
        }
        a->value = value(p);
        if (!p_accept(p, VPC_T_COMMA)) break;
    }
    p_expect_close(p, VPC_T_RPAREN, &open);
    p->stop_at_dot = stop;
    *args = v.items;
    *nargs = v.n;
}

void parse_args(parser *p, vpc_arg **args, uint32_t *nargs)
{
    parse_args_with(p, arg_value, args, nargs);
}

/* subscript -> '[' expr ']' | '[' [expr] ':' [expr] ']' */
static vpc_expr *parse_subscript(parser *p, vpc_expr *obj)
{
    vpc_tok open = p_advance(p);
    bool stop = p->stop_at_dot;
    p->stop_at_dot = false;
    vpc_expr *lo = NULL, *hi = NULL;
    p_check_open(p, VPC_T_RBRACKET, &open);
    if (!p_at(p, VPC_T_COLON)) lo = parse_expr(p);
    bool slice = p_accept(p, VPC_T_COLON);
    if (slice && !p_at(p, VPC_T_RBRACKET)) {
        p_check_open(p, VPC_T_RBRACKET, &open);
        hi = parse_expr(p);
    }
    p_expect_close(p, VPC_T_RBRACKET, &open);
    p->stop_at_dot = stop;
    vpc_expr *e = p_new_expr(p, slice ? VPC_E_SLICE : VPC_E_INDEX, p_span_from(p, obj->span));
    if (slice) {
        e->u.slice.obj = obj;
        e->u.slice.lo = lo;
        e->u.slice.hi = hi;
    } else {
        e->u.index.obj = obj;
        e->u.index.index = lo;
    }
    return e;
}

/* member -> ('.' | '?.') NAME   (any word after '.' is a name) */
static vpc_expr *parse_member(parser *p, vpc_expr *obj)
{
    vpc_tok dot = p_advance(p);
    vpc_expr *e = p_new_expr(p, VPC_E_MEMBER, obj->span);
    e->u.member.obj = obj;
    e->u.member.optional = dot.kind == VPC_T_QDOT;
    e->u.member.name = p_expect_name(p, &e->u.member.name_span);
    e->span = p_span_from(p, obj->span);
    return e;
}

/* In a stream-level condition (`where` of a step or seed source), a '.'
 * that starts a line or follows a blank begins the next operator of the
 * chain instead: `-> B where x > 1\n    .emit(...)`. */
static bool dot_ends_condition(parser *p)
{
    if (!p->stop_at_dot) return false;
    const vpc_tok *t = p_cur(p);
    return t->bol || t->span.off > p->prev.span.off + p->prev.span.len;
}

/* postfix -> primary {args | subscript | member} */
static vpc_expr *parse_postfix(parser *p)
{
    vpc_expr *e = parse_primary(p);
    int deeper = 0;
    for (;; deeper++) {
        p_enter(p); /* each suffix wraps the tree so far one level deeper */
        vpc_tok_kind k = p_cur(p)->kind;
        if (k == VPC_T_LPAREN) {
            vpc_expr *call = p_new_expr(p, VPC_E_CALL, e->span);
            call->u.call.callee = e;
            parse_args(p, &call->u.call.args, &call->u.call.nargs);
            call->span = p_span_from(p, e->span);
            e = call;
        } else if (k == VPC_T_LBRACKET) {
            e = parse_subscript(p, e);
        } else if ((k == VPC_T_DOT || k == VPC_T_QDOT) && !dot_ends_condition(p)) {
            e = parse_member(p, e);
        } else {
            p->nest -= deeper + 1;
            return e;
        }
    }
}

/* ---------------------------------------------------------------------------
 * operators */

/* power -> postfix ['**' unary]   (right-associative; binds tighter than unary minus) */
static vpc_expr *parse_power(parser *p)
{
    vpc_expr *base = parse_postfix(p);
    if (!p_accept(p, VPC_T_STARSTAR)) return base;
    p_enter(p);
    vpc_expr *exp = parse_unary(p);
    p_leave(p);
    return binary(p, VPC_OP_POW, base, exp);
}

/* unary -> ('-' | '~') unary | power */
static vpc_expr *parse_unary(parser *p)
{
    vpc_op op;
    if (p_at(p, VPC_T_MINUS)) op = VPC_OP_NEG;
    else if (p_at(p, VPC_T_TILDE)) op = VPC_OP_BITNOT;
    else return parse_power(p);
    vpc_tok t = p_advance(p);
    p_enter(p);
    vpc_expr *operand = parse_unary(p);
    p_leave(p);
    return unary(p, op, t.span, operand);
}

/* The left-associative binary operator at `level`, if the current token is one. */
static bool binop_at(parser *p, int level, vpc_op *op)
{
    static const struct { vpc_tok_kind tok; vpc_op op; int level; } ops[] = {
        {VPC_T_QQ, VPC_OP_COALESCE, L_COALESCE}, {VPC_T_OR, VPC_OP_OR, L_OR},
        {VPC_T_XOR, VPC_OP_XOR, L_XOR},          {VPC_T_AND, VPC_OP_AND, L_AND},
        {VPC_T_PIPE, VPC_OP_BOR, L_BITOR},       {VPC_T_CARET, VPC_OP_BXOR, L_BITXOR},
        {VPC_T_AMP, VPC_OP_BAND, L_BITAND},      {VPC_T_SHL, VPC_OP_SHL, L_SHIFT},
        {VPC_T_SHR, VPC_OP_SHR, L_SHIFT},        {VPC_T_PLUS, VPC_OP_ADD, L_ADD},
        {VPC_T_MINUS, VPC_OP_SUB, L_ADD},        {VPC_T_STAR, VPC_OP_MUL, L_MUL},
        {VPC_T_SLASH, VPC_OP_DIV, L_MUL},        {VPC_T_PERCENT, VPC_OP_MOD, L_MUL},
    };
    vpc_tok_kind k = p_cur(p)->kind;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].tok == k && ops[i].level == level) {
            *op = ops[i].op;
            return true;
        }
    }
    return false;
}

/* cmp_op -> '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in' */
static bool cmpop_at(parser *p, vpc_op *op)
{
    switch (p_cur(p)->kind) {
    case VPC_T_EQ: *op = VPC_OP_EQ; return true;
    case VPC_T_NE: *op = VPC_OP_NE; return true;
    case VPC_T_LT: *op = VPC_OP_LT; return true;
    case VPC_T_LE: *op = VPC_OP_LE; return true;
    case VPC_T_GT: *op = VPC_OP_GT; return true;
    case VPC_T_GE: *op = VPC_OP_GE; return true;
    case VPC_T_IN: *op = VPC_OP_IN; return true;
    case VPC_T_NOT: *op = VPC_OP_NOTIN; return p_peek_is(p, 1, VPC_T_IN);
    default: return false;
    }
}

/* is_test -> 'is' ['not'] ('null' | type) */
static vpc_expr *parse_is(parser *p, vpc_expr *operand)
{
    p_advance(p);
    vpc_expr *e = p_new_expr(p, VPC_E_IS, operand->span);
    e->u.is.operand = operand;
    e->u.is.negated = p_accept(p, VPC_T_NOT);
    if (p_accept(p, VPC_T_NULL)) e->u.is.is_null = true;
    else e->u.is.type = parse_type(p);
    e->span = p_span_from(p, operand->span);
    return e;
}

/* comparison -> bitor [cmp_op bitor | is_test]   (non-associative) */
static vpc_expr *parse_comparison(parser *p)
{
    vpc_expr *e = parse_level(p, L_BITOR);
    vpc_op op;
    if (p_at(p, VPC_T_IS)) {
        e = parse_is(p, e);
    } else if (cmpop_at(p, &op)) {
        if (p_advance(p).kind == VPC_T_NOT) p_advance(p);
        e = binary(p, op, e, parse_level(p, L_BITOR));
    } else {
        return e;
    }
    if (p_at(p, VPC_T_IS) || cmpop_at(p, &op))
        p_error(p, p_cur(p)->span, "comparison operators cannot be chained; use 'and' or parentheses");
    return e;
}

/* not -> 'not' not | comparison */
static vpc_expr *parse_not(parser *p)
{
    if (!p_at(p, VPC_T_NOT)) return parse_comparison(p);
    vpc_tok t = p_advance(p);
    p_enter(p);
    vpc_expr *operand = parse_not(p);
    p_leave(p);
    return unary(p, VPC_OP_NOT, t.span, operand);
}

/* coalesce -> or {'??' or}           or -> xor {'or' xor}
 * xor -> and {'xor' and}             and -> not {'and' not}
 * bitor -> bitxor {'|' bitxor}       bitxor -> bitand {'^' bitand}
 * bitand -> shift {'&' shift}        shift -> add {('<<' | '>>') add}
 * add -> mul {('+' | '-') mul}       mul -> unary {('*' | '/' | '%') unary} */
static vpc_expr *parse_level(parser *p, int level)
{
    if (level == L_NOT) return parse_not(p);
    if (level == L_CMP) return parse_comparison(p);
    if (level == L_UNARY) return parse_unary(p);
    vpc_expr *lhs = parse_level(p, level + 1);
    vpc_op op;
    int deeper = 0;
    while (binop_at(p, level, &op)) {
        p_advance(p);
        p_enter(p); /* the tree grows one level per operator: keep its height bounded */
        deeper++;
        lhs = binary(p, op, lhs, parse_level(p, level + 1));
    }
    p->nest -= deeper;
    return lhs;
}

/* range -> coalesce [('..' | '..=') coalesce] */
static vpc_expr *parse_range(parser *p)
{
    vpc_expr *lo = parse_level(p, L_COALESCE);
    if (!p_at(p, VPC_T_DOTDOT) && !p_at(p, VPC_T_DOTDOTEQ)) return lo;
    vpc_op op = p_advance(p).kind == VPC_T_DOTDOT ? VPC_OP_RANGE : VPC_OP_RANGE_INCL;
    return binary(p, op, lo, parse_level(p, L_COALESCE));
}

/* expr -> lambda | range */
vpc_expr *parse_expr(parser *p)
{
    p_enter(p);
    vpc_expr *e = p_lambda_ahead(p) ? parse_lambda(p) : parse_range(p);
    p_leave(p);
    return e;
}
