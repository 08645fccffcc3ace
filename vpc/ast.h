/* ast.h — the syntax tree, allocated in ctx->ast. Syntax only: names are
 * symbols, nothing is resolved or typed here (see check.h). */
#ifndef VPC_AST_H
#define VPC_AST_H

#include "vpc.h"

typedef struct vpc_expr vpc_expr;
typedef struct vpc_stmt vpc_stmt;
typedef struct vpc_decl vpc_decl;
typedef struct vpc_pat vpc_pat;
typedef struct vpc_stream_body vpc_stream_body;

typedef enum vpc_expr_kind {
#define VPC_EXPR(k, n) VPC_E_##k,
#include "ast.def"
#undef VPC_EXPR
    VPC_E__COUNT
} vpc_expr_kind;

typedef enum vpc_stmt_kind {
#define VPC_STMT(k, n) VPC_S_##k,
#include "ast.def"
#undef VPC_STMT
    VPC_S__COUNT
} vpc_stmt_kind;

typedef enum vpc_decl_kind {
#define VPC_DECL(k, n) VPC_D_##k,
#include "ast.def"
#undef VPC_DECL
    VPC_D__COUNT
} vpc_decl_kind;

/* Operators of UNARY and BINARY expressions. */
typedef enum vpc_op {
    VPC_OP_NEG, VPC_OP_BITNOT, VPC_OP_NOT,                       /* unary */
    VPC_OP_ADD, VPC_OP_SUB, VPC_OP_MUL, VPC_OP_DIV, VPC_OP_MOD, VPC_OP_POW,
    VPC_OP_SHL, VPC_OP_SHR, VPC_OP_BAND, VPC_OP_BXOR, VPC_OP_BOR,
    VPC_OP_EQ, VPC_OP_NE, VPC_OP_LT, VPC_OP_LE, VPC_OP_GT, VPC_OP_GE,
    VPC_OP_IN, VPC_OP_NOTIN,
    VPC_OP_AND, VPC_OP_OR, VPC_OP_XOR, VPC_OP_COALESCE,          /* and or xor ?? */
    VPC_OP_RANGE, VPC_OP_RANGE_INCL,                             /* .. ..= */
    VPC_OP__COUNT
} vpc_op;

/* A type as written: int, str?, [float], {str: int}, (int, str), Stream<T>. */
typedef enum vpc_typeref_kind { VPC_TR_NAME, VPC_TR_ARRAY, VPC_TR_MAP, VPC_TR_TUPLE, VPC_TR_GENERIC } vpc_typeref_kind;
typedef struct vpc_typeref {
    vpc_typeref_kind kind;
    vpc_span span;
    vpc_sym *name;                 /* NAME, GENERIC (e.g. Stream) */
    struct vpc_typeref **items;    /* ARRAY: [elem]; MAP: [key, value]; TUPLE/GENERIC: args */
    uint32_t nitems;
    bool optional;                 /* trailing '?' */
} vpc_typeref;

/* A call or operator argument, optionally named: `x`, `name: x`. */
typedef struct vpc_arg {
    vpc_sym *name;                 /* NULL when positional */
    vpc_span name_span;
    vpc_expr *value;
} vpc_arg;

struct vpc_expr {
    vpc_expr_kind kind;
    vpc_span span;
    void *sema;                    /* filled by check: type and resolution */
    union {
        int64_t i;                 /* INT, DUR (ns), TS (ns) */
        double f;                  /* FLOAT */
        vpc_str s;                 /* STR (decoded) */
        bool b;                    /* BOOL */
        vpc_sym *name;             /* NAME */
        struct { vpc_expr *obj; vpc_sym *name; vpc_span name_span; bool optional; } member;
        struct { vpc_expr *obj, *index; } index;
        struct { vpc_expr *obj, *lo, *hi; } slice;
        struct { vpc_expr *callee; vpc_arg *args; uint32_t nargs; } call;
        struct { vpc_op op; vpc_expr *operand; } unary;
        struct { vpc_op op; vpc_expr *lhs, *rhs; } binary;
        struct { vpc_expr *operand; vpc_typeref *type; bool is_null; bool negated; } is;
        struct { vpc_expr *cond, *then, *els; } cond;
        struct { vpc_expr **items; uint32_t nitems; } array;
        struct { vpc_expr **keys, **values; uint32_t nitems; } map;
        struct {
            vpc_sym **params; uint32_t nparams;
            vpc_stmt **lets; uint32_t nlets;   /* block lambda: `let` items */
            vpc_expr *body;                    /* the value */
        } lambda;
        vpc_expr *distinct;        /* DISTINCT: the operand */
        vpc_pat *pattern;          /* PATTERN */
    } u;
};

/* ---- patterns ----
 * A step: [NOT] Name[+|*|?] [where c | [c]] [as alias]  (chain form: [all] Name ...) */
typedef enum vpc_quant { VPC_Q_ONE, VPC_Q_PLUS, VPC_Q_STAR, VPC_Q_OPT } vpc_quant;
typedef struct vpc_step {
    vpc_span span;
    vpc_sym *type;                 /* event type / stream name */
    vpc_span type_span;
    vpc_quant quant;               /* `all X` in chain form is VPC_Q_PLUS */
    bool negated;                  /* NOT X */
    vpc_expr *where;               /* may be NULL */
    vpc_sym *alias;                /* may be NULL */
    vpc_span alias_span;
} vpc_step;

typedef enum vpc_pat_kind {
    VPC_P_STEP,                    /* one event term */
    VPC_P_SEQ,                     /* SEQ(a, b, ...) and a -> b -> c */
    VPC_P_AND, VPC_P_OR, VPC_P_XOR,
    VPC_P_AND_NOT,                 /* P and not E */
} vpc_pat_kind;
struct vpc_pat {
    vpc_pat_kind kind;
    vpc_span span;
    vpc_step step;                 /* STEP; AND_NOT: the negated term */
    vpc_pat **items;               /* SEQ items; AND/OR/XOR: 2 operands; AND_NOT: [P] */
    uint32_t nitems;
};

/* ---- stream pipelines ----
 * A stream body is a source followed by links, in source order: operators
 * `.name(args)` and chain-form pattern steps `-> [all] Name [where c] [as a]`. */
typedef enum vpc_source_kind {
    VPC_SRC_NAME,                  /* Name [as alias]; `all Name as a` sets all */
    VPC_SRC_MERGE,                 /* merge(inline, ...) */
    VPC_SRC_JOIN,                  /* join(inline, ...) */
    VPC_SRC_SEQUENCE,              /* sequence(a: A where c, b: B, ...) */
} vpc_source_kind;

typedef struct vpc_inline_stream vpc_inline_stream;

typedef struct vpc_source_expr {
    vpc_source_kind kind;
    vpc_span span;
    vpc_sym *name;                 /* NAME */
    vpc_span name_span;
    vpc_sym *alias;                /* NAME: `as a` */
    vpc_span alias_span;
    bool all;                      /* NAME: `all Name as a` */
    vpc_inline_stream **items;     /* MERGE, JOIN */
    uint32_t nitems;
    vpc_step *steps;               /* SEQUENCE: alias = the name before ':' */
    uint32_t nsteps;
    bool call;                     /* NAME: call form `timer(5s, ...)` */
    vpc_arg *args;                 /* NAME with call: its arguments */
    uint32_t nargs;
} vpc_source_expr;

typedef enum vpc_link_kind { VPC_L_OP, VPC_L_STEP } vpc_link_kind;
typedef struct vpc_link {
    vpc_link_kind kind;
    vpc_span span;
    /* OP */
    vpc_sym *op;                   /* operator name after '.' */
    vpc_span op_span;
    vpc_arg *args;
    uint32_t nargs;
    bool has_parens;               /* `.first` vs `.first()` */
    vpc_sym *emit_as;              /* `.emit as T(...)` */
    vpc_step *not_term;            /* `.not(X where c)` argument */
    /* STEP */
    vpc_step step;
} vpc_link;

struct vpc_stream_body {
    vpc_source_expr *source;
    vpc_link *links;
    uint32_t nlinks;
};

/* An item of merge(...) / join(...):
 *   stream S from T [where c] [on c]  |  stream S = <body>  |  <body> */
struct vpc_inline_stream {
    vpc_span span;
    vpc_sym *name;                 /* NULL for a plain body */
    vpc_span name_span;
    vpc_stream_body body;          /* seed `where c` becomes a `.where(c)` link */
    vpc_expr *on;                  /* seed join `on` condition, else NULL */
};

/* ---- function bodies ---- */
typedef struct vpc_block {
    vpc_stmt **items;
    uint32_t nitems;
} vpc_block;

struct vpc_stmt {
    vpc_stmt_kind kind;
    vpc_span span;
    void *sema;
    union {
        vpc_expr *expr;                                    /* EXPR, RETURN (may be NULL) */
        struct { vpc_sym *name; vpc_span name_span; vpc_typeref *type; vpc_expr *init;
                 bool mutable_; bool is_const; } let;     /* LET: var → mutable_ */
        struct { vpc_sym *name; vpc_span name_span; vpc_expr *value; } assign;
        struct { vpc_expr **conds; vpc_block *blocks; uint32_t nconds;  /* if + elifs */
                 vpc_block *els; } if_;                    /* els may be NULL */
        struct { vpc_sym *var; vpc_span var_span; vpc_expr *iter; vpc_block body; } for_;
        struct { vpc_expr *cond; vpc_block body; } while_;
        struct { vpc_sym *type; vpc_span type_span; vpc_arg *args; uint32_t nargs; } emit;
    } u;
};

/* ---- declarations ---- */
typedef struct vpc_field_decl {
    vpc_sym *name;
    vpc_span span;
    vpc_typeref *type;
} vpc_field_decl;

typedef struct vpc_param {
    vpc_sym *name;
    vpc_span span;
    vpc_typeref *type;             /* NULL when untyped */
} vpc_param;

struct vpc_decl {
    vpc_decl_kind kind;
    vpc_span span;                 /* the whole declaration */
    vpc_sym *name;                 /* every kind but CONFIG without name, IMPORT, FOR */
    vpc_span name_span;
    void *sema;
    union {
        struct { vpc_sym *extends; vpc_span extends_span;
                 vpc_field_decl *fields; uint32_t nfields; } event;
        vpc_typeref *type_alias;                          /* TYPE */
        struct { vpc_typeref *type; vpc_expr *init;
                 bool mutable_; bool is_const; } global;  /* GLOBAL */
        vpc_expr *assign;                                 /* ASSIGN: value */
        struct { vpc_param *params; uint32_t nparams; vpc_typeref *ret;
                 vpc_block body; } fn;                    /* single-expression body = one EXPR stmt */
        struct { vpc_typeref *annot; vpc_stream_body body; } stream;
        struct { vpc_pat *pat; vpc_expr *within; vpc_expr *partition; } pattern;
        struct { vpc_expr *map; bool block_form; } config; /* MAP expr of items */
        struct { vpc_sym *kind; vpc_span kind_span; vpc_arg *args; uint32_t nargs; } connector;
        struct { vpc_arg *args; uint32_t nargs; } context;
        vpc_str import_path;                              /* IMPORT */
        struct { vpc_sym *var; vpc_expr *range; vpc_span body_span; } for_; /* FOR: body not parsed */
    } u;
};

typedef struct vpc_ast {
    vpc_decl **decls;
    uint32_t ndecls;
} vpc_ast;

/* ast.c */
const char *vpc_expr_kind_name(vpc_expr_kind k);
const char *vpc_stmt_kind_name(vpc_stmt_kind k);
const char *vpc_decl_kind_name(vpc_decl_kind k);
const char *vpc_op_spelling(vpc_op op);     /* "+", "==", "and", ... */
/* Deterministic S-expression dump, for --dump=ast and golden tests. */
void vpc_ast_dump(const vpc_ast *ast, vpc_buf *out);

#endif /* VPC_AST_H */
