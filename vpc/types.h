/* types.h — static value types of checked expressions. */
#ifndef VPC_TYPES_H
#define VPC_TYPES_H

typedef enum vpc_ty {
    VPC_TY_DYN = 0, /* known only at run time (vp_val) */
    VPC_TY_NULL,    /* the literal null */
    VPC_TY_INT,
    VPC_TY_FLOAT,
    VPC_TY_BOOL,
    VPC_TY_STR,
    VPC_TY_TS,
    VPC_TY_DUR,
    VPC_TY_VOID,    /* functions without a value */
} vpc_ty;

const char *vpc_ty_name(vpc_ty t); /* "int", "float", ... as in messages */
static inline bool vpc_ty_numeric(vpc_ty t) { return t == VPC_TY_INT || t == VPC_TY_FLOAT; }

#endif /* VPC_TYPES_H */
