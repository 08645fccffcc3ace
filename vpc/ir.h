/* ir.h — the checked program: event schemas, row layouts and a graph of
 * streams, each a chain of typed operators. Built by check, read by emit.
 * Lives in ctx->ir. */
#ifndef VPC_IR_H
#define VPC_IR_H

#include "ast.h"
#include "types.h"

typedef struct vpc_row vpc_row;
typedef struct vpc_stream vpc_stream;
typedef struct vpc_fn vpc_fn;
typedef struct vpc_global vpc_global;
typedef struct vpc_pplan vpc_pplan;

/* What input value a declared dynamic field (VPC_TY_DYN) takes: any, or
 * only an array ([T], tuples) or an object ({K: V}); elements unchecked. */
typedef enum vpc_form { VPC_FORM_ANY, VPC_FORM_ARRAY, VPC_FORM_TUPLE, VPC_FORM_MAP } vpc_form;

/* A field of a row layout. */
typedef struct vpc_rfield {
    vpc_sym *name;
    vpc_ty ty;
    vpc_form form;   /* input event fields: the value an array, map or tuple type takes */
    bool optional;   /* declared `T?` */
    vpc_span span;   /* where it was declared or first used */
    bool qualified;  /* joined rows: `Src.field`, read only as Src.field, never passed through */
    int32_t part;    /* merged and joined rows: the source it comes from (unqualified: first wins) */
    uint32_t pfield; /* ... and its index in that source's row */
} vpc_rfield;

/* A row layout: one C struct. Input event types are rows too. */
struct vpc_row {
    uint32_t id;
    const char *cname;        /* C struct name: ev_Trade, row_Alerts */
    vpc_sym *event;           /* input event type name, or NULL for derived rows */
    bool implicit;            /* undeclared event type: dynamic fields, raw kept */
    bool declared;            /* from an `event` declaration */
    vpc_span span;
    vpc_rfield *fields;
    uint32_t nfields, capfields;
    /* input event types only */
    bool consumed;            /* some stream reads it */
    /* merged and joined rows (check_source.c): the rows of their sources */
    vpc_row **parts;
    uint32_t nparts;
    vpc_sym **part_alias;     /* joined rows: `Alias.field` names a qualified field */
    bool joined;
    vpc_pplan *pattern;       /* match rows: `alias.f` and bare names resolve through the plan */
};

/* What a bare name or call in an expression resolved to (expr->sema). */
typedef enum vpc_ref_kind {
    VPC_REF_NONE,
    VPC_REF_FIELD,     /* field of the current row */
    VPC_REF_FIELD_OR_GLOBAL, /* implicit row: the field when present, else the global */
    VPC_REF_GLOBAL,
    VPC_REF_LOCAL,     /* fn parameter, let/var, for variable */
    VPC_REF_BUILTIN,
    VPC_REF_USERFN,
    VPC_REF_NOW,       /* now(): the row's event time */
    VPC_REF_MEMBER_CALL, /* x.f(args): builtin f(x, args) */
    VPC_REF_AGG,       /* in .aggregate(): aggregate call number `field` of the stream */
    VPC_REF_KEY,       /* in .aggregate(): partition key number `field` */
    VPC_REF_BINDING,   /* in a pattern step: field `field` of the run's binding `alias` */
} vpc_ref_kind;

typedef struct vpc_local {
    vpc_sym *name;
    vpc_ty ty;
    bool mutable_;
    uint32_t id;       /* unique within its function: l_<name>_<id> */
} vpc_local;

typedef struct vpc_einfo {
    vpc_ty ty;
    vpc_ref_kind ref;
    uint32_t field;        /* FIELD: index in the row */
    vpc_global *global;    /* GLOBAL, FIELD_OR_GLOBAL */
    vpc_local *local;      /* LOCAL */
    int32_t builtin;       /* BUILTIN: index in builtins.def */
    vpc_fn *fn;            /* USERFN */
    uint32_t alias;        /* BINDING */
    bool const_value;      /* a compile-time constant (literal) */
} vpc_einfo;

struct vpc_global {
    vpc_decl *decl;
    vpc_sym *name;
    vpc_ty ty;
    uint32_t order;        /* evaluation order */
};

/* One step of loading the program: a global's initializer, or a top-level
 * `name := expr` reassigning a var. */
typedef struct vpc_load_step {
    vpc_global *global;
    vpc_expr *value;
    bool reassign;
} vpc_load_step;

struct vpc_fn {
    vpc_decl *decl;
    vpc_sym *name;
    vpc_local **params;
    uint32_t nparams;
    vpc_ty ret;            /* VOID when the body yields no value */
    uint32_t nlocals;
};

/* ---- stream operators ---- */
typedef enum vpc_opkind {
    VPC_OPK_WHERE,    /* where / filter / having */
    VPC_OPK_SELECT,   /* new row of named expressions */
    VPC_OPK_EMIT,     /* output line; named fields make a new row, bare passes through */
    VPC_OPK_PRINT,
    VPC_OPK_LOG,
    VPC_OPK_LIMIT,    /* limit(n), first() */
    VPC_OPK_WINDOW,   /* the stream's vpc_wplan: rows held until their window closes */
    VPC_OPK_AGGREGATE, /* the stream's vpc_wplan: one row per closed window; items = named items */
} vpc_opkind;

typedef struct vpc_opnode {
    vpc_opkind kind;
    vpc_link *link;        /* source construct */
    vpc_row *in, *out;     /* row layouts before / after */
    vpc_expr *cond;        /* WHERE */
    vpc_arg *items;        /* SELECT / EMIT (named) / PRINT args */
    uint32_t nitems;
    int64_t limit;         /* LIMIT */
    vpc_expr *log_level, *log_message, *log_data; /* LOG */
    uint32_t id;           /* unique per program, for state names */
} vpc_opnode;

/* ---- windows and aggregation (LANGUAGE.md §4.3, §4.4) ---- */
typedef enum vpc_wkind {
    VPC_W_NONE,     /* .aggregate() without a window: every row alone */
    VPC_W_TIME,     /* windows [j*slide, j*slide + size) of event time; tumbling: slide = size */
    VPC_W_COUNT,    /* windows of `size` rows, a new one every `slide` rows; plain: slide = size */
    VPC_W_SESSION,  /* a partition's rows until the stream clock passes its latest row time + size */
} vpc_wkind;

typedef enum vpc_aggfn {
    VPC_AGG_COUNT,     /* count(): rows */
    VPC_AGG_COUNT_X,   /* count(x): non-null values */
    VPC_AGG_DISTINCT,  /* count(distinct x) */
    VPC_AGG_SUM,
    VPC_AGG_AVG,
    VPC_AGG_MIN,
    VPC_AGG_MAX,
    VPC_AGG_STDDEV,
    VPC_AGG_FIRST,
    VPC_AGG_LAST,
    VPC_AGG_EMA,
} vpc_aggfn;

/* One aggregate call of .aggregate(): its argument is a per-row expression
 * over the rows entering the window. */
typedef struct vpc_aggcall {
    vpc_aggfn fn;
    vpc_expr *call;    /* the call, for comments */
    vpc_expr *arg;     /* NULL for count() */
    vpc_ty ty;         /* result type (LANGUAGE.md §4.4) */
    double alpha;      /* EMA smoothing factor */
} vpc_aggcall;

/* A partition key of .partition_by(): a field of the rows entering the window. */
typedef struct vpc_pkey {
    vpc_sym *name;
    vpc_span span;
    uint32_t field;    /* index in vpc_wplan.in */
    vpc_ty ty;
    bool in_output;    /* leads the aggregate row (no item of the same name) */
} vpc_pkey;

/* How a stream windows and aggregates: ops[window_at] and ops[aggregate_at]
 * (either may be -1). Between them only .where() may appear. */
typedef struct vpc_wplan {
    vpc_wkind kind;
    int64_t size, slide;   /* ns (TIME, SESSION: size is the gap) or rows (COUNT) */
    uint32_t nwin;         /* windows a row can be in at once: a ring of them per partition */
    int32_t window_at, aggregate_at;
    vpc_row *in;           /* rows entering the window (and the aggregate) */
    vpc_pkey *keys;        /* .partition_by() fields; none: one partition */
    uint32_t nkeys;
    vpc_aggcall *aggs;
    uint32_t naggs, capaggs;
    /* .watermark(out_of_order: d) / .allowed_lateness(L) (LANGUAGE.md §6) */
    bool watermark;
    int64_t out_of_order, lateness; /* ns */
    /* Sliding windows with .aggregate: rows are folded into panes of `pane`
     * ns or rows (gcd of size and slide), a window being `npanes`
     * consecutive panes; each partition keeps at most `max_runs` runs of
     * consecutive rows of one pane (see emit_slide.c). */
    bool panes;
    int64_t pane;
    int64_t npanes, max_runs;
} vpc_wplan;

typedef enum vpc_srckind {
    VPC_SK_EVENT,
    VPC_SK_STREAM,
    VPC_SK_MULTI,   /* merge() / join(): vpc_stream.inputs */
} vpc_srckind;

/* One source of a merge() or join() (LANGUAGE.md §4.5, §4.6). Its rows
 * enter through st_<S>_in<k>, which filters them and makes the stream's row. */
typedef struct vpc_sinput {
    vpc_row *event;            /* an event type, or */
    vpc_stream *stream;        /* a stream */
    vpc_row *row;              /* its rows' layout */
    vpc_sym *alias;            /* join: the name of the side */
    vpc_span span;
    /* merge: passed when any item holds, an item when all its conditions do */
    vpc_expr ***items;         /* items[i][0..nconds[i]) */
    uint32_t *nconds;
    uint32_t nitems;
    vpc_expr **keys;           /* join: the key, one expression per equality class */
} vpc_sinput;

/* How a join() stream pairs its sources' rows. */
typedef struct vpc_join {
    uint32_t nkeys;            /* key components, the same for every input */
    bool count;                /* .window(n): the last n rows per source and key */
    int64_t size;              /* ns, or rows when count */
    vpc_row *row;              /* the joined row */
} vpc_join;

/* ---- patterns (LANGUAGE.md §5) ---- */

/* One event term of a pattern: Type [where c] [as alias]. */
typedef struct vpc_pterm {
    vpc_span span;
    uint32_t input;        /* index in vpc_stream.inputs: its type */
    vpc_row *row;
    vpc_expr **conds;      /* conjuncts of `where` (and filters before the first step) */
    uint32_t nconds;
    vpc_expr **chain;      /* Kleene: conjuncts naming the step's own alias (previous event) */
    uint32_t nchain;
    int32_t alias;         /* binding slot (vpc_pplan.aliases), -1: none */
    vpc_expr *key;         /* extracted key: this term's side of `x == first.y`, or NULL */
} vpc_pterm;

typedef enum vpc_pquant { VPC_PQ_ONE, VPC_PQ_PLUS, VPC_PQ_STAR, VPC_PQ_OPT } vpc_pquant;
typedef enum vpc_pskind {
    VPC_PS_TERM,           /* one term, with a quantifier */
    VPC_PS_OR,             /* the first operand that matches (OR, XOR) */
    VPC_PS_AND,            /* both operands, in either order */
} vpc_pskind;

/* A positive step, with the NOT items of the gap before it. */
typedef struct vpc_pstep {
    vpc_pskind kind;
    vpc_pquant quant;
    bool exhaustive;       /* Kleene with a chain predicate: every valid subsequence (§5.3) */
    vpc_pterm *terms;      /* TERM: 1, OR/AND: 2 */
    uint32_t nterms;
    vpc_pterm *nots;       /* NOT items between the previous step and this one */
    uint32_t nnots;
} vpc_pstep;

/* A binding of a run: the event a term took (Kleene: the last one). */
typedef struct vpc_palias {
    vpc_sym *name;         /* NULL: a step without alias whose event bare names read */
    vpc_row *row;
    uint32_t step;
    bool kleene;
    uint32_t field0;       /* its first `alias_field` in the match row */
    bool *read;            /* per field of row: some expression reads it (NULL: none yet) */
    bool compact;          /* emit: the run keeps only the fields read (emit_pattern.c) */
} vpc_palias;

/* An aggregate over a Kleene binding read after the pattern: len(k),
 * sum(k.f), avg, min, max, first, last; kept per run as events are taken. */
typedef struct vpc_pagg {
    vpc_aggfn fn;          /* COUNT for len() */
    uint32_t alias;
    uint32_t field;        /* the alias row's field (not COUNT) */
    uint32_t mfield;       /* its field in the match row */
} vpc_pagg;

/* A bare name of a match row when several aliases may have taken the
 * run's last event (a final OR/AND, a final `*`/`?` that took nothing):
 * it reads the one that did. */
typedef struct vpc_pbare {
    int32_t *field;        /* per completer (vpc_pplan.completers): its field, -1: none */
    uint32_t mfield;       /* the match row's field `__name` */
} vpc_pbare;

/* vpc_rfield.part of a match row's bare name read through a vpc_pbare. */
#define VPC_PART_LAST (-2)

struct vpc_pplan {
    vpc_pstep *steps;
    uint32_t nsteps;
    vpc_pterm *trailing;   /* NOT items after the last step: need within */
    uint32_t ntrailing;
    vpc_pterm *nots;       /* .not(...) and `P and not E`: the whole run */
    uint32_t nnots;
    vpc_palias *aliases;
    uint32_t naliases;
    vpc_pagg *aggs;
    uint32_t naggs, capaggs;
    int64_t within;        /* ns; -1: unbounded */
    /* partitions: .partition_by / `partition by` (the field per input), or
     * the key extracted from `x == first.y` in every later term */
    bool partitioned;
    int32_t *pfield;       /* per input: field index of the partition key */
    bool keyed;            /* extracted key */
    uint32_t key_field;    /* ... the first step's field y */
    vpc_row *match;        /* the match row: st->in */
    int32_t completing;    /* the one completer, -1: none or several */
    int32_t *completers;   /* aliases that may take the last event of a match row, step order */
    uint32_t ncompleters;  /* several: runs record which one did (emit_pbind.c) */
    vpc_pbare *bares;      /* bare names read through a completer, pfield indexes these */
    uint32_t nbares, capbares;
    int32_t exhaustive;    /* the exhaustive step (at most one), -1: none */
    int64_t max_runs;      /* live runs per partition */
    /* .print/.log before the first step, with the filters before them, in
     * order: they observe the first step's events (nobserve 0: none) */
    vpc_opnode *observe;
    uint32_t nobserve;
    /* .watermark(out_of_order: d) / .allowed_lateness(L) (LANGUAGE.md §6) */
    bool watermark;
    int64_t out_of_order, lateness; /* ns */
};

struct vpc_stream {
    uint32_t id;
    vpc_sym *name;
    vpc_decl *decl;
    vpc_srckind src_kind;
    vpc_row *src_event;        /* EVENT */
    vpc_stream *src_stream;    /* STREAM */
    vpc_sinput *inputs;        /* MULTI, in list order; merge: one per distinct source */
    uint32_t ninputs;
    vpc_join *join;            /* join(), or NULL for merge() */
    vpc_row *in;               /* row layout it receives */
    vpc_row *out;              /* row layout it produces */
    vpc_opnode *ops;
    uint32_t nops;
    vpc_wplan *win;            /* windows / aggregation, or NULL */
    vpc_pplan *pat;            /* a pattern stream: inputs are its event types; in = match rows */
    vpc_stream **consumers;    /* streams reading this one, declaration order */
    uint32_t nconsumers, capconsumers;
    int state;                 /* check: 0 new, 1 in progress, 2 done */
};

typedef struct vpc_program {
    const vpc_source *main_src;
    vpc_row **rows;            /* every row layout, ids in order */
    uint32_t nrows, caprows;
    vpc_row **events;          /* input event types (subset of rows), sorted by name */
    uint32_t nevents;
    vpc_stream **streams;      /* declaration order */
    uint32_t nstreams;
    vpc_global **globals;      /* declaration order */
    uint32_t nglobals;
    vpc_load_step *load;       /* what runs at load, in source order */
    uint32_t nload;
    vpc_fn **fns;              /* declaration order */
    uint32_t nfns;
    uint32_t nops;
    bool *builtin_used;        /* by index in builtins.def: prototypes to emit */
    bool strict;               /* the program declares at least one event */
    vpc_stream **end_order;    /* end of input: topological, declaration order breaking ties */
    int64_t max_partitions;    /* keys per partitioned stream (config max_partitions) */
    int64_t max_window_rows;   /* rows held and distinct values per stream (config max_window_rows) */
    int64_t max_runs;          /* live pattern runs per partition (config max_runs) */
} vpc_program;

/* check.c: the last stage that reports user errors. NULL if any error. */
vpc_program *vpc_check(vpc_ctx *ctx, vpc_ast *ast, const vpc_source *main_src);

#endif /* VPC_IR_H */
