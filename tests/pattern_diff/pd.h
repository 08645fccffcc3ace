/* pd.h — shared types of the pattern differential test: values, input
 * events, the shape of a random pattern program, and output rows.
 *
 * gen.c draws shapes and inputs and writes them as VPL and JSON Lines,
 * ref.c computes the rows LANGUAGE.md §5 prescribes, pattern_diff.c runs
 * vpc and compares, selftest.c checks the reference on hand-written cases. */
#ifndef PD_H
#define PD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_EVENTS 12
#define MAX_STEPS 4
#define MAX_CONJ 3  /* conjuncts of one step's where */
#define MAX_NEG 2   /* .not clauses; NOT items per gap */
#define MAX_EMIT 10 /* .emit items */
#define MAX_EXPR 64
#define MAX_FIELDS (2 * MAX_STEPS + 2) /* "stream" + bare .emit(): alias_id, alias_v per step */
#define MAX_OUT 16384
#define SUBSEQ_CAP 10000 /* §5.3: matches per completion of an exhaustive step */

/* ---- random numbers (splitmix64) ---- */

extern uint64_t rng_state;
int64_t rnd(int64_t n); /* uniform in [0, n) */
int64_t rnd_in(int64_t lo, int64_t hi);
bool chance(int percent);

/* ---- values ---- */

/* V_MISSING: absent from an input line; V_UNBOUND: read through an alias
 * the run has not bound (written as null). */
typedef enum { V_MISSING, V_UNBOUND, V_NULL, V_INT, V_FLT, V_BOOL } vtag;
typedef struct {
    vtag tag;
    int64_t i; /* V_INT; V_BOOL: 0 or 1 */
    double f;
} val;

val v_int(int64_t i);
val v_flt(double f);
val v_null(void);
bool is_num(val v);
double num(val v);
void v_print(FILE *f, val v); /* as LANGUAGE.md §8 writes it */

/* ---- input ---- */

enum { T_A, T_B, T_C, NTYPES };
enum { F_ID, F_V, NFIELDS };
extern const char *const type_name[NTYPES];
extern const char *const field_name[NFIELDS];

typedef struct {
    int type;
    int64_t ts; /* ms since the epoch */
    val f[NFIELDS];
} event;

/* ---- program shapes ---- */

typedef enum { X_FIELD, X_ALIAS, X_LIT, X_LEN, X_CMP, X_AND, X_OR, X_NOT } xkind;
typedef enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } cmpop;
/* Expressions are nodes of shape.pool; children are pool indices. */
typedef struct {
    xkind k;
    int field; /* X_FIELD (of the candidate or completing event), X_ALIAS */
    int alias; /* X_ALIAS, X_LEN: step index (AND/OR: operand index) */
    val lit;   /* X_LIT */
    cmpop op;  /* X_CMP */
    int l, r;  /* X_CMP, X_AND, X_OR; X_NOT: l */
} expr;

typedef enum { Q_ONE, Q_PLUS, Q_STAR, Q_OPT } quant;

typedef struct {
    int type;
    int cond; /* expression index, -1: no where */
} negation;

typedef struct {
    int type;
    quant q;
    char alias;      /* letter; 0: no `as` */
    int nconj;       /* where = conjunction of conj[], none: no where */
    int conj[MAX_CONJ];
    bool own[MAX_CONJ]; /* the conjunct reads the step's own alias (chain predicate) */
    int nnot;           /* NOT items in the gap before this step */
    negation nots[MAX_NEG];
    bool as_first;      /* write `as x` before `where` */
} step;

typedef enum { K_SEQ, K_AND, K_OR, K_XOR } pkind;

typedef enum { E_VALUE, E_SUM, E_AVG, E_MIN, E_MAX, E_FIRST, E_LAST, E_NOW } emitk;
typedef struct {
    char name[16];
    emitk k;
    int x;     /* E_VALUE: expression index */
    int alias; /* aggregates: Kleene step, over its events' v */
} emit_item;

typedef struct {
    bool declared; /* event A/B/C declared (else implicit types) */
    bool v_float;  /* declared v: float? (ints become floats), else int? */
    bool named;    /* pattern P = ... ; stream M = P ... */
    bool arrows;   /* named form written A -> B -> C instead of SEQ(...) */
    pkind kind;
    int nsteps; /* K_SEQ: positive steps; K_AND/OR/XOR: the two operands */
    step steps[MAX_STEPS];
    int ntrail; /* trailing NOT items (need within) */
    negation trail[MAX_NEG];
    int nneg; /* .not(...) clauses / `and not` */
    negation neg[MAX_NEG];
    int64_t within; /* ms, 0: unbounded */
    bool watermark;     /* .watermark(out_of_order: ooo) on the stream */
    int64_t ooo, late;  /* ms; late: .allowed_lateness, 0: not written */
    bool partitioned;   /* by id */
    int first_filter;   /* .where before the first -> (chain form): expression, -1 none */
    bool ops_early;     /* chain form: .within/.partition_by before the first -> */
    int post_where;     /* .where on match rows: expression, -1 none */
    bool bare_emit;     /* .emit(): alias_field for every alias */
    int nemit;
    emit_item emit[MAX_EMIT];
    int nexpr;
    expr pool[MAX_EXPR];
} shape;

/* The step whose own-alias conjuncts make it exhaustive (§5.3), -1 none. */
int exhaustive_step(const shape *s);

/* ---- generation (gen.c) ---- */

/* Feature families of the generator; each can be switched on alone. */
enum {
    FT_STEPS,     /* 3-4 steps instead of 2 */
    FT_KLEENE,    /* all / + steps */
    FT_CHAIN,     /* exhaustive chain predicates */
    FT_OPTIONAL,  /* * and ? steps */
    FT_WITHIN,    /* .within / within */
    FT_NOT,       /* .not(...), P and not E */
    FT_NOTITEM,   /* NOT items between steps */
    FT_TRAILING,  /* trailing NOT */
    FT_PARTITION, /* .partition_by(id) / partition by id */
    FT_WHERE,     /* .where on match rows */
    FT_FILTER,    /* .where before the first -> */
    FT_AGG,       /* len, sum, avg, min, max, first, last in .emit */
    FT_NAMED,     /* pattern P = SEQ(...) */
    FT_ANDOR,     /* A AND B, A OR B, A XOR B */
    FT_OOO,       /* times going back, sometimes with .watermark */
    FT_IMPLICIT,  /* implicit event types */
    FT_NULLS,     /* missing, null and float values */
    FT_NOW,       /* now() in .emit */
    FT_PASSTHRU,  /* bare .emit() */
    NFEATURES
};
extern const char *const feature_name[NFEATURES];
/* "all", "basic" or "" (two-step chains only), or a comma-separated list;
 * false on an unknown name */
bool parse_features(const char *list, bool on[NFEATURES]);

void gen_shape(shape *s, const bool on[NFEATURES]);
int gen_events(const shape *s, const bool on[NFEATURES], event *ev);
void write_program(FILE *f, const shape *s);
void write_input(FILE *f, const event *ev, int n);
void write_expr(FILE *f, const shape *s, int x);

/* ---- output rows ---- */

typedef struct {
    int nf;
    char name[MAX_FIELDS][16];
    val v[MAX_FIELDS];
} outrow;

typedef struct {
    int n;
    int capped; /* subsequences beyond SUBSEQ_CAP */
    outrow *rows; /* MAX_OUT */
} output;

/* pattern_diff.c */
void print_row(FILE *f, const char *mark, const outrow *o);
bool same_row(const outrow *a, const outrow *b);
void print_diff(FILE *f, const output *exp, const output *got);
int read_output(const char *path, output *out, char *err, size_t errn); /* -1 on error */

int self_test(const char *golden_dir); /* selftest.c */

/* ---- the reference matcher (ref.c) ---- */

void ref_run(const shape *s, const event *ev, int n, output *out);

#endif
