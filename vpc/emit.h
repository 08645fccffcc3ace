/* emit.h — private to the C emitter (emit*.c). Emit reads the checked
 * program and asserts; every decision was made by check. */
#ifndef VPC_EMIT_H
#define VPC_EMIT_H

#include "check.h"
#include "cw.h"

typedef struct vpc_emit_opts {
    const char *c_name;   /* generated file name, for #line back */
    bool line_dirs;
    bool no_fast_path;    /* every line through the runtime's full scanner */
} vpc_emit_opts;

/* Generates the C unit of a checked program. */
void vpc_emit(vpc_ctx *ctx, vpc_program *prog, const vpc_emit_opts *opts, vpc_buf *out);

typedef struct vpc_emitter {
    vpc_ctx *ctx;
    vpc_program *prog;
    vpc_cw *w;
    uint32_t ntemps;
    /* the row an expression reads: "r0->" or "r1." prefix, its layout and time */
    const char *row;
    vpc_row *rowlayout;
    const char *depth;    /* recursion depth expression for user calls */
    bool has_queue;
    bool fast_path;       /* emit q_on_line */
    /* inside .aggregate() items: the values of aggregate calls and partition keys */
    struct vpc_cval *aggvals, *keyvals;
    /* inside a pattern's step predicates: the plan, and the run ("run") */
    vpc_pplan *pat;
    vpc_stream *pat_stream; /* the pattern's stream */
    const char *run;
    int32_t self_alias;   /* a chain predicate: this binding reads self_row (the previous element) */
    const char *self_row;
} vpc_emitter;

/* A value computed by generated code: C expressions for the value and for
 * "is null" (NULL: never null). Dynamic values carry null in their tag. */
typedef struct vpc_cval {
    vpc_ty ty;
    const char *v;
    const char *n;
    bool nan_null;      /* a float whose value is NaN whenever it is null */
    const char *unbound; /* a run's binding: true while its alias is not bound (NULL: always bound) */
} vpc_cval;

const char *vpc_emit_fmt(vpc_emitter *E, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *vpc_emit_ctype(vpc_ty t);               /* int64_t, double, ... vp_val */
bool vpc_emit_has_null_flag(vpc_ty t);               /* false for dynamic */
const char *vpc_emit_field(const char *name);        /* struct member for a field: f_<name> */

/* emit_expr.c */
vpc_cval vpc_emit_expr(vpc_emitter *E, vpc_expr *e);
const char *vpc_emit_truth(vpc_emitter *E, vpc_cval c);        /* C bool: value is true */
const char *vpc_emit_box(vpc_emitter *E, vpc_cval c);          /* as vp_val */
const char *vpc_emit_as(vpc_emitter *E, vpc_cval c, vpc_ty to); /* value converted to `to` */
/* `if (!(e guard)) fail;` with e a user condition, under its #line */
void vpc_emit_user_test(vpc_emitter *E, vpc_expr *e, const char *guard, const char *fail);
const char *vpc_emit_isnull(vpc_emitter *E, vpc_cval c);       /* C bool: is null */
/* Evaluates e with #line directives around it. */
vpc_cval vpc_emit_user_expr(vpc_emitter *E, vpc_expr *e);
/* Writes a value to writer expression `w` (vp_w_int, vp_w_null, ...). */
void vpc_emit_write_value(vpc_emitter *E, const char *w, vpc_cval c);

/* emit_fn.c */
void vpc_emit_fn_protos(vpc_emitter *E);
void vpc_emit_fns(vpc_emitter *E);
void vpc_emit_globals_decl(vpc_emitter *E);
void vpc_emit_globals_init(vpc_emitter *E);

/* emit_decode.c */
void vpc_emit_row_structs(vpc_emitter *E);
void vpc_emit_decoders(vpc_emitter *E);
void vpc_emit_dispatch(vpc_emitter *E);

/* emit_window.c: copies the strings (and raw input) of row `r` (a C lvalue
 * prefix such as "b->") into arena `a` ("NULL": the input's scratch memory),
 * so the row outlives the input it came from. */
void vpc_emit_own_row(vpc_emitter *E, vpc_row *row, const char *r, const char *a);

/* emit_switch.c: `switch (len_expr)` then vp_mem_eq(ptr_expr, name) per
 * name, cases sorted by length then name; body writes case `index`. */
typedef void (*vpc_case_fn)(vpc_emitter *E, size_t index, void *ud);
void vpc_emit_name_switch(vpc_emitter *E, const char *len_expr, const char *ptr_expr, vpc_sym *const *names,
                          size_t n, vpc_case_fn body, void *ud);

/* emit_fast.c */
bool vpc_emit_has_fast_path(vpc_emitter *E);
void vpc_emit_fast_path(vpc_emitter *E);

/* emit_stream.c */
void vpc_emit_stream_protos(vpc_emitter *E);
void vpc_emit_queue(vpc_emitter *E);
void vpc_emit_streams(vpc_emitter *E);
void vpc_emit_state_init(vpc_emitter *E);
/* The operators st->ops[from, to) on the current row (E->row). */
void vpc_emit_ops(vpc_emitter *E, vpc_stream *st, uint32_t from, uint32_t to);
void vpc_emit_push(vpc_emitter *E, vpc_stream *st); /* the current row to dependent streams */
const char *vpc_emit_row_ptr(vpc_emitter *E);       /* C pointer to the current row */
void vpc_emit_op_comment(vpc_emitter *E, vpc_link *l);
void vpc_emit_stream_comment(vpc_emitter *E, vpc_stream *st);

/* emit_source.c: merge() and join() entries st_<S>_in<k> (LANGUAGE.md §4.5, §4.6) */
const char *vpc_emit_entry(vpc_emitter *E, vpc_stream *st, uint32_t k); /* st_<S> unless merge/join */
void vpc_emit_source_protos(vpc_emitter *E);
void vpc_emit_source_state(vpc_emitter *E, vpc_stream *st);
void vpc_emit_source_entries(vpc_emitter *E, vpc_stream *st);
void vpc_emit_source_init(vpc_emitter *E);
void vpc_emit_source_fini(vpc_emitter *E);

/* emit_window.c: windowed and aggregating streams (LANGUAGE.md §4.3-4.4, §6) */
void vpc_emit_window_state(vpc_emitter *E, vpc_stream *st);
void vpc_emit_window_stream(vpc_emitter *E, vpc_stream *st);
void vpc_emit_window_init(vpc_emitter *E);
void vpc_emit_window_end(vpc_emitter *E);  /* q_on_end: every time window closes */
void vpc_emit_window_fini(vpc_emitter *E);

/* emit_part.c: partition ordinals (`part`) carried by rows, and `by_part`
 * vectors finding a table entry from them without hashing */
bool vpc_emit_keyed_aggregate(const vpc_stream *st); /* windowed, one key, aggregating */
bool vpc_emit_join_has_ord(const vpc_stream *st);    /* a join whose keys are numbered (jk_<S>.ord) */
bool vpc_emit_row_has_part(const vpc_emitter *E, const vpc_row *r);
/* The field of event type r whose number every r carries as part, or -1:
 * one looked up in run_<Type> when several streams key by it. */
int32_t vpc_emit_event_part_field(const vpc_emitter *E, const vpc_row *r);
void vpc_emit_event_parts_state(vpc_emitter *E);
void vpc_emit_event_parts_init(vpc_emitter *E);
void vpc_emit_event_parts_fini(vpc_emitter *E);
void vpc_emit_event_part_lookup(vpc_emitter *E, const vpc_row *r); /* sets ev->part */
/* Rows of layout r carry `part`, and their field f holds its key. */
bool vpc_emit_part_key(const vpc_emitter *E, const vpc_row *r, uint32_t f);
bool vpc_emit_window_by_part(const vpc_emitter *E, const vpc_stream *st); /* st's partitions from part */
bool vpc_emit_join_by_part(const vpc_emitter *E, const vpc_stream *st, uint32_t k); /* input k's keys */
/* Field f of rows of layout r always points at bytes that live as long as
 * the program (a partition key): rows kept or handed on need not copy it. */
bool vpc_emit_field_stable(const vpc_emitter *E, const vpc_row *r, uint32_t f);
/* A vp_vec `vec` of `slot` pointers indexed by part: the expression reading
 * entry `part` (NULL: not seen), and the lines setting it to s. */
const char *vpc_emit_by_part_get(vpc_emitter *E, const char *slot, const char *vec, const char *part);
void vpc_emit_by_part_set(vpc_emitter *E, const char *slot, const char *vec, const char *part, const char *s);

/* emit_agg.c: aggregate state inside one window's state (wa_<S> *win) */
void vpc_emit_agg_fields(vpc_emitter *E, vpc_wplan *p);
vpc_cval *vpc_emit_agg_args(vpc_emitter *E, vpc_stream *st);         /* on the current row */
void vpc_emit_agg_update(vpc_emitter *E, vpc_stream *st, vpc_cval *args); /* *win takes the row */
void vpc_emit_agg_row(vpc_emitter *E, vpc_stream *st);   /* *win (keys in *s) at time t to wpost_<S> */
void vpc_emit_agg_reset(vpc_emitter *E, vpc_stream *st); /* *win back to an empty window */
void vpc_emit_agg_free(vpc_emitter *E, vpc_wplan *p, const char *win); /* memory owned by *win */
void vpc_emit_agg_combine(vpc_emitter *E, vpc_stream *st); /* *o = *l then *r (wa_<S> partials) */
/* first()/last() keeping a copy of its value's bytes in its own arena a<i>_own */
bool vpc_emit_agg_owns_bytes(const vpc_aggcall *a);
/* Time panes with first()/last() and no ema: partials carry the arrival
 * numbers of their first and last rows (seq0, seq1) and combine in any order. */
bool vpc_emit_agg_tagged(const vpc_wplan *p);

/* emit_slide.c: sliding windows over panes (vpc_wplan.panes) */
void vpc_emit_slide_types(vpc_emitter *E, vpc_stream *st);  /* run_<S>, after wa_<S> */
void vpc_emit_slide_fields(vpc_emitter *E, vpc_stream *st); /* members of ws_<S> */
void vpc_emit_slide_fns(vpc_emitter *E, vpc_stream *st);    /* wcat_<S> ... wemit_<S> */
void vpc_emit_slide_add(vpc_emitter *E, vpc_stream *st, vpc_cval *args); /* the row into its pane */
void vpc_emit_slide_init(vpc_emitter *E, vpc_stream *st, const char *s); /* a new partition state */
void vpc_emit_slide_free(vpc_emitter *E, vpc_stream *st);   /* memory of partition state `s` */

/* emit_pattern.c: pattern streams (LANGUAGE.md §5) */
void vpc_emit_pattern_state(vpc_emitter *E, vpc_stream *st);
void vpc_emit_pattern_entries(vpc_emitter *E, vpc_stream *st);
void vpc_emit_pattern_init(vpc_emitter *E);
void vpc_emit_pattern_end(vpc_emitter *E, vpc_stream *st); /* end of input: trailing NOTs confirmed */
void vpc_emit_pattern_fini(vpc_emitter *E);
vpc_cval vpc_emit_binding(vpc_emitter *E, uint32_t alias, uint32_t field); /* a.f in a step predicate */

#endif /* VPC_EMIT_H */
