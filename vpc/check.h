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

/* Names visible to an expression. */
typedef struct vpc_scope {
    vpc_row *row;            /* fields of the current row, or NULL */
    vpc_sym *row_alias;      /* `Source as a`: a.f reads the row */
    const char *row_what;    /* "event 'Trade'" / "stream 'Alerts'" for messages */
    vpc_fn *fn;              /* inside a function body */
    vpc_local **locals;      /* visible locals, innermost last */
    uint32_t nlocals, caplocals;
    int loop_depth;
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

/* check_fn.c */
void vpc_check_fn_signature(vpc_checker *C, vpc_decl *d);
void vpc_check_fn_body(vpc_checker *C, vpc_fn *fn);

#endif /* VPC_CHECK_H */
