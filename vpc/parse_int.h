/* parse_int.h — private to the parser (parse.c declarations and statements,
 * parse_expr.c expressions, parse_stream.c streams and patterns): parser
 * state, token access, errors, and the rules the three files share. */
#ifndef VPC_PARSE_INT_H
#define VPC_PARSE_INT_H

#include <setjmp.h>

#include "ast.h"
#include "lex.h"
#include "parse.h"

enum {
    PARSE_MAX_NEST = 200,   /* nesting levels before "expression nested too deeply" */
    PARSE_LOOKAHEAD = 16,   /* tokens of lookahead (a power of two) */
};

/* A token and the layout around it, as counted when it was lexed. */
typedef struct ptok {
    vpc_tok t;
    int nind;               /* open indented blocks */
    int depth;              /* open brackets */
} ptok;

/* Contextual keywords, interned once and compared by pointer. */
typedef struct kwset {
    vpc_sym *event, *extends, *type, *const_, *let, *var, *fn, *stream, *from, *pattern;
    vpc_sym *config, *connector, *context, *import, *for_, *while_, *elif, *break_;
    vpc_sym *continue_, *return_, *emit, *where, *as, *within, *partition, *by, *all;
    vpc_sym *merge, *join, *sequence, *on, *not_, *distinct;
    vpc_sym *SEQ, *AND, *OR, *XOR, *NOT;
} kwset;

typedef struct parser {
    vpc_ctx *ctx;
    const vpc_source *src;
    vpc_arena *arena;           /* ctx->ast */
    vpc_lexer lx;
    ptok ring[PARSE_LOOKAHEAD]; /* lookahead; ring[head] is the current token */
    unsigned head, count;
    vpc_tok prev;               /* the last consumed token */
    uint64_t consumed;          /* tokens consumed so far */
    int nind, depth;            /* layout counted over the lexed tokens */
    int nest;                   /* current nesting (bounded by PARSE_MAX_NEST) */
    bool stop_at_dot;           /* in a stream-level condition: see parse_postfix */
    uint32_t diag_mark;         /* ctx->ndiags when the declaration began */
    jmp_buf fail;               /* syntax errors unwind to the declaration loop */
    kwset kw;
} parser;

/* ---- tokens (parse.c) ---- */
const vpc_tok *p_peek(parser *p, unsigned k);      /* k = 0 is the current token */
static inline const vpc_tok *p_cur(parser *p) { return p_peek(p, 0); }
vpc_tok p_advance(parser *p);
bool p_at(parser *p, vpc_tok_kind k);
bool p_at_word(parser *p, const vpc_sym *w);        /* IDENT spelled w */
bool p_peek_is(parser *p, unsigned k, vpc_tok_kind kind);
bool p_accept(parser *p, vpc_tok_kind k);
bool p_accept_word(parser *p, const vpc_sym *w);
vpc_tok p_expect(parser *p, vpc_tok_kind k);
/* Expects the closing bracket `k` of `open`, naming it when missing. */
vpc_tok p_expect_close(parser *p, vpc_tok_kind k, const vpc_tok *open);
/* At the start of a list element: report an unclosed `open` at end of line/file. */
void p_check_open(parser *p, vpc_tok_kind close, const vpc_tok *open);
vpc_sym *p_expect_name(parser *p, vpc_span *span);
vpc_span p_span_from(parser *p, vpc_span start);    /* start .. the last consumed token */

/* ---- errors (parse.c): report unless a lexer error came first, then unwind ---- */
_Noreturn void p_error(parser *p, vpc_span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void p_expected(parser *p, const char *what);   /* expected X, found <current> */
void p_enter(parser *p);                                   /* one nesting level deeper */
static inline void p_leave(parser *p) { p->nest--; }

/* ---- nodes and lists (parse.c) ---- */
vpc_expr *p_new_expr(parser *p, vpc_expr_kind k, vpc_span span);
vpc_stmt *p_new_stmt(parser *p, vpc_stmt_kind k, vpc_span span);
vpc_decl *p_new_decl(parser *p, vpc_decl_kind k, vpc_span span);
/* Growable arrays in the arena: push returns a zeroed slot. */
typedef struct p_vec {
    void *items;
    uint32_t n, cap;
} p_vec;
void *p_push(parser *p, p_vec *v, size_t elem);
#define P_PUSH(p, v, T) ((T *)p_push((p), (v), sizeof(T)))

/* ---- rules shared between files ---- */
vpc_typeref *parse_type(parser *p);                                   /* parse.c */
vpc_stmt *parse_let(parser *p);                                       /* parse.c */
vpc_expr *parse_expr(parser *p);                                      /* parse_expr.c */
typedef vpc_expr *(*p_value_fn)(parser *p);
vpc_expr *parse_map(parser *p);                                       /* parse_expr.c */
vpc_expr *parse_map_with(parser *p, p_value_fn value);                /* parse_expr.c */
vpc_expr *parse_cond_rest(parser *p, vpc_span start, vpc_expr *cond); /* parse_expr.c */
bool p_lambda_ahead(parser *p);                                       /* parse_expr.c */
/* '(' [arg {',' arg}] ')' with a value parser for each argument. */
void parse_args_with(parser *p, p_value_fn value, vpc_arg **args, uint32_t *nargs);
void parse_args(parser *p, vpc_arg **args, uint32_t *nargs);         /* parse_expr.c */
vpc_decl *parse_stream_decl(parser *p);                               /* parse_stream.c */
vpc_decl *parse_pattern_decl(parser *p);                              /* parse_stream.c */

#endif /* VPC_PARSE_INT_H */
