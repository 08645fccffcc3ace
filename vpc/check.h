/* check.h — private to the check stage (check.c, check_expr.c, check_fn.c). */
#ifndef VPC_CHECK_H
#define VPC_CHECK_H

#include "ir.h"

/* The builtins of stdlib/builtins.def. */
typedef enum vpc_bres { VPC_BRES_INT, VPC_BRES_FLOAT, VPC_BRES_BOOL, VPC_BRES_STR, VPC_BRES_TS,
                        VPC_BRES_NUM, VPC_BRES_DYN } vpc_bres;
typedef struct vpc_builtin {
    const char *name;
    int min, max;       /* max -1: variadic */
    vpc_bres result;
    const char *csym;
} vpc_builtin;
extern const vpc_builtin vpc_builtins[];
extern const int vpc_nbuiltins;
int vpc_builtin_find(const char *name); /* index or -1 */

struct vpc_aggscope;

/* Names visible to an expression. */
typedef struct vpc_scope {
    vpc_row *row;            /* fields of the current row, or NULL */
    vpc_sym *row_alias;      /* `Source as a`: a.f reads the row */
    const char *row_what;    /* "event 'Trade'" / "stream 'Alerts'" for messages */
    vpc_fn *fn;              /* inside a function body */
    vpc_local **locals;      /* visible locals, innermost last */
    uint32_t nlocals, caplocals;
    int loop_depth;
    struct vpc_aggscope *agg; /* items of .aggregate(): aggregate calls and partition keys */
    bool in_agg_arg;          /* the argument of an aggregate call */
    /* a pattern step's predicate: bindings of steps before pat_step, and
     * pat_self (a repeating step's own alias: its previous event) */
    vpc_pplan *pat;
    uint32_t pat_step;
    int32_t pat_self;
} vpc_scope;

typedef struct vpc_checker {
    vpc_ctx *ctx;
    vpc_program *prog;
    vpc_ast *ast;
    /* every top-level declaration by name (duplicates reported) */
    vpc_decl **decls;
    uint32_t ndecls;
    uint32_t nglobals_done;  /* globals checked so far (load order) */
} vpc_checker;

vpc_decl *vpc_check_lookup(vpc_checker *C, vpc_sym *name, vpc_decl_kind kind);

/* A stream's chain being checked (check.c, check_window.c, check_agg.c). */
#define VPC_MAX_OPS 64
typedef struct vpc_sbuilder {
    vpc_checker *C;
    vpc_stream *st;
    vpc_row *row;         /* current row layout */
    const char *row_what; /* for messages */
    vpc_sym *alias;
    vpc_opnode ops[VPC_MAX_OPS];
    uint32_t nops;
    vpc_wplan *plan;      /* windows / aggregation / partition_by, or NULL */
    bool keys_resolved;
    vpc_link *watermark;  /* .watermark(out_of_order: d), or NULL */
    int64_t out_of_order;
    vpc_link *lateness;   /* .allowed_lateness(L), or NULL */
    int64_t allowed_lateness;
} vpc_sbuilder;

vpc_opnode *vpc_check_add_op(vpc_sbuilder *B, vpc_opkind k, vpc_link *l); /* NULL: too many */
/* One operator of a chain, on B->row; false when the rest of the chain cannot
 * be checked. */
bool vpc_check_link(vpc_sbuilder *B, vpc_link *l);
vpc_row *vpc_check_new_row(vpc_checker *C, const char *cname, vpc_span span);
void vpc_check_scope_for(vpc_sbuilder *B, vpc_scope *S);
/* Items `name: expr`, bare names, or one map `{...}` (.select/.emit/.aggregate). */
vpc_arg *vpc_check_named_items(vpc_sbuilder *B, vpc_link *l, uint32_t *nout, const char *opname);
/* "stream 'S'", in the IR arena. */
const char *vpc_check_stream_what(vpc_checker *C, vpc_stream *st);

/* check.c: a source name: a stream (checked first; a cycle is reported), a
 * named pattern (rejected) or an event type (implicit ones created). */
bool vpc_check_source_name(vpc_checker *C, vpc_stream *st, vpc_sym *name, vpc_span at, vpc_row **ev,
                           vpc_stream **up);

/* check_source.c: merge() and join() sources (LANGUAGE.md §4.5, §4.6) */
bool vpc_check_merge(vpc_sbuilder *B, vpc_source_expr *src);
/* Also removes the join's .on() and window from *chain. */
bool vpc_check_join(vpc_sbuilder *B, vpc_source_expr *src, vpc_stream_body *chain);
/* After every stream: names used on merged rows reach their sources. */
void vpc_check_sources_done(vpc_checker *C);
/* A name absent from a merged or joined row: inferred on its implicit
 * sources; the new field's index, or -1. */
int vpc_check_part_field(vpc_checker *C, vpc_row *row, vpc_sym *name, vpc_span at);
/* `Alias.field` on a joined row: true when handled (type in *ty). */
bool vpc_check_part_member(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty);

/* check_expr.c */
vpc_ty vpc_check_expr(vpc_checker *C, vpc_scope *S, vpc_expr *e);
/* A condition: bool or dynamic; reports `condition must be bool, found T`. */
void vpc_check_cond(vpc_checker *C, vpc_scope *S, vpc_expr *e);
vpc_einfo *vpc_einfo_of(vpc_checker *C, vpc_expr *e);
vpc_ty vpc_ty_from_ref(vpc_checker *C, vpc_typeref *t, bool *optional);
/* The field index of `name` in row, adding it to an implicit row; -1 if absent. */
int vpc_row_field(vpc_checker *C, vpc_row *row, vpc_sym *name, vpc_span at);
vpc_rfield *vpc_row_add(vpc_checker *C, vpc_row *row, vpc_sym *name, vpc_ty ty, vpc_span at);
void vpc_scope_push(vpc_checker *C, vpc_scope *S, vpc_local *l);

/* check_window.c: .window(), .partition_by(), bounds, end-of-input order */
vpc_wplan *vpc_check_plan(vpc_sbuilder *B); /* B's plan, made on first use */
void vpc_check_window_prescan(vpc_sbuilder *B, const vpc_stream_body *body);
bool vpc_check_window(vpc_sbuilder *B, vpc_link *l);
void vpc_check_watermark(vpc_sbuilder *B, vpc_link *l); /* .watermark() and .allowed_lateness() */
void vpc_check_partition_by(vpc_sbuilder *B, vpc_link *l);
void vpc_check_window_keys(vpc_sbuilder *B); /* resolves partition keys on B->row */
void vpc_check_window_done(vpc_sbuilder *B);
void vpc_check_limits(vpc_checker *C);
void vpc_check_end_order(vpc_checker *C);

/* check_agg.c: .aggregate() and the expressions inside it */
bool vpc_check_aggregate(vpc_sbuilder *B, vpc_link *l);
/* An aggregate call (or a nested one, reported) in S: true when handled. */
bool vpc_check_agg_call(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty);
/* A bare name in .aggregate() items: a partition key, or a reported bare
 * field; false when it is something else (a global). */
bool vpc_check_agg_name(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty);

/* check_pattern.c: pattern streams (LANGUAGE.md §5) */
bool vpc_check_is_pattern(vpc_checker *C, vpc_stream *st);
/* Builds st->pat, its inputs and match row; leaves in *chain the operators
 * that apply to match rows. */
bool vpc_check_pattern(vpc_sbuilder *B, vpc_stream_body *chain);
/* Hooks of check_expr.c; true when handled (type in *ty). */
bool vpc_check_binding_member(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty); /* a.f in a step */
bool vpc_check_match_member(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty);   /* a.f on a match */
bool vpc_check_match_name(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty);     /* completing event */
bool vpc_check_match_call(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty);     /* len(k), sum(k.f) */
void vpc_check_match_read(vpc_checker *C, vpc_pplan *plan, uint32_t mfield);         /* a match field is read */

/* check_fn.c */
void vpc_check_fn_signature(vpc_checker *C, vpc_decl *d);
void vpc_check_fn_body(vpc_checker *C, vpc_fn *fn);

#endif /* VPC_CHECK_H */
