/* vp.h — the only header generated code includes: the stable C ABI of libvprt.
 *
 * Everything here is plain data, fixed-width integers, doubles and
 * pointer + length pairs, so that libtcc and the system compiler agree on it.
 * Every function generated code may call is listed in vp_abi.def.
 */
#ifndef VP_H
#define VP_H

#ifdef VP_NO_STDINC
/* The in-memory JIT compiles without system headers (x86_64/aarch64 LP64). */
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long int64_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef unsigned long size_t;
#define NULL ((void *)0)
#define INT64_MAX 9223372036854775807L
#define INT64_MIN (-INT64_MAX - 1)
#define bool _Bool
#define true 1
#define false 0
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#define VP_ABI_VERSION 1

typedef struct vp_ctx vp_ctx; /* opaque run context */

/* A string view: not NUL-terminated; valid until the current input is done. */
typedef struct vp_str {
    const char *p;
    int64_t n;
} vp_str;

/* Dynamically typed value, for fields of implicit event types. */
enum vp_tag {
    VP_NULL = 0,
    VP_BOOL,
    VP_INT,
    VP_FLOAT,
    VP_STR,
    VP_TS,   /* i: ns since the epoch */
    VP_DUR,  /* i: ns */
    VP_JSON, /* s: canonical JSON text of an array or map */
};

typedef struct vp_val {
    int64_t tag;
    union {
        bool b;
        int64_t i;
        double f;
        vp_str s;
    } u;
} vp_val;

/* One member of an input event, as scanned by the runtime (values undecoded). */
enum vp_jkind {
    VP_J_NULL = 0,
    VP_J_TRUE,
    VP_J_FALSE,
    VP_J_INT,    /* raw: decimal digits, fits int64 */
    VP_J_FLOAT,  /* raw: number text (also ints too large for int64) */
    VP_J_STR,    /* raw: the unescaped string content */
    VP_J_ARRAY,  /* raw: canonical JSON text */
    VP_J_OBJECT, /* raw: canonical JSON text */
};

typedef struct vp_field {
    vp_str key; /* unescaped member name */
    vp_str raw;
    int32_t kind;    /* enum vp_jkind */
    int32_t has_num; /* INT/FLOAT: num holds the value, parsed once by the scanner */
    union {
        int64_t i;
        double f;
    } num;
} vp_field;

/* One input event: its type, event time and fields in input order. */
typedef struct vp_event {
    vp_str type;
    int64_t time; /* ns since the epoch (LANGUAGE.md §6) */
    int64_t line; /* 1-based input line number */
    int32_t nfields;
    const vp_field *fields;
} vp_event;

/* What a compiled program exports; the runtime rejects other ABI versions. */
typedef struct vp_query_desc {
    int32_t abi_version;
    const char *program;     /* source file name, for messages */
    const char *source_hash; /* hex digest of the source text */
    void (*init)(vp_ctx *ctx);
    void (*on_event)(vp_ctx *ctx, const vp_event *ev);
    void (*on_end)(vp_ctx *ctx); /* end of input: flush */
    void (*fini)(vp_ctx *ctx);
    /* Optional fast path: decodes and runs one input line by itself and
     * returns 1, or returns 0 without side effects and the runtime scans the
     * line and calls on_event. */
    int (*on_line)(vp_ctx *ctx, const char *p, int64_t n, int64_t line);
} vp_query_desc;

/* ---- Entry point: the detector's command line (also used by `vpc run`). ---- */
int vp_main(int argc, char **argv, const vp_query_desc *q);

/* ---- Input field conversion for declared fields ----
 * Return 1 when a value was stored, 0 when the input value is null,
 * -1 when the input value has the wrong type. */
int vp_in_int(const vp_field *f, int64_t *out);
int vp_in_float(const vp_field *f, double *out); /* ints are accepted */
int vp_in_bool(const vp_field *f, bool *out);
int vp_in_str(const vp_field *f, vp_str *out);
int vp_in_ts(const vp_field *f, int64_t *out);  /* int/float ms or ISO-8601 string */
int vp_in_dur(const vp_field *f, int64_t *out); /* int ms */
vp_val vp_in_dyn(const vp_field *f);            /* any value, dynamically typed */
/* An array, map or tuple field: jkind VP_J_ARRAY or VP_J_OBJECT is stored
 * as vp_in_dyn stores it (elements unchecked); *out is null otherwise. */
int vp_in_json(const vp_field *f, int32_t jkind, vp_val *out);
/* The declared types vp_in_wrong_type names past enum vp_tag. */
enum vp_want { VP_WANT_ARRAY = 16, VP_WANT_TUPLE, VP_WANT_MAP };
/* A declared field whose input value the conversion refused (-1): the event
 * is kept and the field reads as null. Counted for the run summary; the
 * first of each (event type, field) is reported on stderr, *warned noting
 * that it was. want: the field's type, enum vp_tag (VP_INT ... VP_DUR) or
 * enum vp_want. */
void vp_in_wrong_type(vp_ctx *ctx, const vp_event *ev, const vp_field *f, int32_t want, bool *warned);

/* ---- Fast path support (on_line) ---- */
/* A number in ms (jkind VP_J_INT: i, VP_J_FLOAT: f) to ns, as vp_in_ts
 * converts it: 1, or -1 when out of range. */
int vp_ms_to_ns(int32_t jkind, int64_t i, double f, int64_t *out);
/* The event time of a line on_line decoded: ns when known (from its ts or
 * timestamp member), else the previous event's time. */
int64_t vp_line_time(vp_ctx *ctx, bool known, int64_t ns);

/* ---- Bad input: counted, reported once per kind, run stops under --strict ---- */
enum vp_bad_kind {
    VP_BAD_MALFORMED = 0,
    VP_BAD_UNKNOWN_TYPE,
    VP_BAD_TOO_LONG,
    VP_BAD_TOO_MANY_FIELDS,
    VP_BAD__COUNT
};
void vp_bad_input(vp_ctx *ctx, int32_t kind, const vp_event *ev, const char *msg);

/* ---- Counters (bounded buffers, drops): shown in the run summary ---- */
int32_t vp_counter(vp_ctx *ctx, const char *name);
void vp_count(vp_ctx *ctx, int32_t id, int64_t n);

/* ---- Scratch memory: valid until the current input is fully processed.
 * Returns NULL (and counts it) when the per-input bound is exceeded. ---- */
void *vp_scratch(vp_ctx *ctx, int64_t n);

/* ---- Writers: program output (stdout/file) and stderr lines ---- */
typedef struct vp_w vp_w;
vp_w *vp_out(vp_ctx *ctx); /* JSON Lines output */
vp_w *vp_err(vp_ctx *ctx); /* one stderr line, written at vp_w_end */
void vp_w_raw(vp_w *w, const char *s, int64_t n);
void vp_w_int(vp_w *w, int64_t v);
void vp_w_float(vp_w *w, double v);    /* LANGUAGE.md §8 canonical form */
void vp_w_bool(vp_w *w, bool v);
void vp_w_null(vp_w *w);
void vp_w_str(vp_w *w, vp_str s);      /* JSON-quoted */
void vp_w_str_raw(vp_w *w, vp_str s);  /* unquoted, as is */
void vp_w_ms(vp_w *w, int64_t ns);     /* timestamp/duration as integer ms */
void vp_w_val(vp_w *w, vp_val v);      /* JSON form of any value */
void vp_w_val_raw(vp_w *w, vp_val v);  /* strings unquoted, the rest as vp_w_val */
void vp_w_fields(vp_w *w, const vp_event *ev); /* ,"k":v for every input field */
void vp_w_end(vp_w *w);                /* ends the line */
/* A writer into scratch memory, for building strings, arrays and maps;
 * vp_w_text gives what was written ({NULL, 0} if scratch memory ran out). */
vp_w *vp_w_buf(vp_ctx *ctx);
vp_str vp_w_text(vp_w *w);

/* ---- Arrays and maps (VP_JSON: canonical JSON text) ----
 * Start with pos = 0; each call yields the next array element (key {NULL, 0})
 * or map member; false at the end or when text is not an array or map.
 * Strings with escapes are decoded into ctx's scratch memory. */
typedef struct vp_json_it {
    vp_str text;
    int64_t pos;
} vp_json_it;
bool vp_json_next(vp_ctx *ctx, vp_json_it *it, vp_str *key, vp_val *val);

/* ---- Dynamic values ---- */
enum vp_op {
    VP_OP_ADD = 0,
    VP_OP_SUB,
    VP_OP_MUL,
    VP_OP_DIV,
    VP_OP_MOD,
    VP_OP_POW,
    VP_OP_SHL,
    VP_OP_SHR,
    VP_OP_BAND,
    VP_OP_BOR,
    VP_OP_BXOR,
    VP_OP_LT,
    VP_OP_LE,
    VP_OP_GT,
    VP_OP_GE,
};
vp_val vp_dyn_arith(vp_ctx *ctx, int32_t op, vp_val a, vp_val b); /* + - * / % ** << >> & | ^ */
bool vp_dyn_cmp(int32_t op, vp_val a, vp_val b); /* < <= > >=: false on null or mismatch */
bool vp_dyn_eq(vp_val a, vp_val b);              /* null == null; 1 == 1.0 */
vp_val vp_dyn_neg(vp_val a);
vp_val vp_dyn_bitnot(vp_val a);
bool vp_dyn_in(vp_val a, vp_val b);              /* substring, array member, map key */
vp_val vp_dyn_member(vp_val m, vp_str key);      /* map member, null otherwise */

/* ---- Typed helpers that need the runtime ---- */
int32_t vp_str_cmp(vp_str a, vp_str b);          /* bytewise, <0 / 0 / >0 */
bool vp_str_eq(vp_str a, vp_str b);
bool vp_str_contains(vp_str hay, vp_str needle);
vp_str vp_str_concat(vp_ctx *ctx, vp_str a, vp_str b);
double vp_f_mod(double a, double b);
double vp_f_pow(double a, double b);
double vp_f_sqrt(double a);
int64_t vp_i_pow(int64_t a, int64_t b);          /* b >= 0; wraps */

/* ---- Window and partition state (LANGUAGE.md §4.3-4.4) ----
 * Memory that outlives one input belongs to an operator's state; running
 * out of memory stops the run ("vprt: out of memory", exit status 2). */

/* A growable array of fixed-size elements. */
typedef struct vp_vec {
    void *p;
    int64_t n, cap;
} vp_vec;
/* Room for one more element at the end (n grows by one); NULL when n has
 * reached max (max < 0: no bound). The array may move. */
void *vp_vec_push(vp_vec *v, int64_t elem, int64_t max);
void vp_vec_clear(vp_vec *v, int64_t elem); /* n = 0; large arrays are released */
void vp_vec_free(vp_vec *v);
void vp_sort_i32(int32_t *a, int64_t n);    /* ascending */

/* Owned bytes for strings kept across inputs: a chain of blocks that never
 * move, so copies stay valid until vp_arena_clear. */
typedef struct vp_blk vp_blk;
typedef struct vp_arena {
    vp_blk *head;
    int64_t used;   /* bytes used in head */
    int32_t spread; /* head has older blocks or is over the size a clear keeps */
} vp_arena;
void vp_arena_clear(vp_arena *a); /* keeps one block of moderate size */
void vp_arena_free(vp_arena *a);
/* Copies into arena a, or with a == NULL into the current input's scratch
 * memory (strings of rows handed on). Values without bytes are returned as
 * they are. */
vp_str vp_own_str(vp_ctx *ctx, vp_arena *a, vp_str s);
vp_val vp_own_val(vp_ctx *ctx, vp_arena *a, vp_val v);
const vp_event *vp_own_event(vp_ctx *ctx, vp_arena *a, const vp_event *ev);

/* A key: values encoded as bytes, numbers compared as `==` does (1 and 1.0
 * are one key), null a key of its own. Start with n = 0. */
typedef struct vp_key {
    char *p;
    int64_t n, cap;
} vp_key;
void vp_key_add(vp_key *k, vp_val v);
void vp_key_free(vp_key *k);

/* Partition table: one zeroed state slot of `slot` bytes per key, numbered
 * 0, 1, ... in order of first appearance; slots never move. */
typedef struct vp_tab vp_tab;
vp_tab *vp_tab_new(int64_t slot, int64_t max_keys);
/* The key's slot; a new key gets a new slot (*is_new), or NULL when the
 * table already holds max_keys keys. */
void *vp_tab_get(vp_tab *t, const vp_key *k, bool *is_new);
void *vp_tab_find(vp_tab *t, const vp_key *k); /* NULL when the key is new */
void *vp_tab_slot(vp_tab *t, int32_t ord);
int64_t vp_tab_count(const vp_tab *t);
void vp_tab_free(vp_tab *t);

/* A set of distinct values (count(distinct x)); n is its size. */
typedef struct vp_set {
    void *impl;
    int64_t n;
} vp_set;
/* 1 when v was added, 0 when already present, -1 when new but !room. */
int32_t vp_set_add(vp_set *s, vp_val v, bool room);
void vp_set_clear(vp_set *s);
void vp_set_free(vp_set *s);

/* A counted multiset of values (count(distinct x) over sliding windows,
 * distinct.c): a value has an id while rows hold it; `count` says how many
 * of those are in the window being evaluated, n is the number of values
 * with a count > 0. */
typedef struct vp_bag {
    void *impl;
    int64_t n;
} vp_bag;
/* The id of v, held by one more row; a value not held yet gets an id
 * (*fresh) unless !room: then -1. */
int32_t vp_bag_hold(vp_bag *b, vp_val v, bool room, bool *fresh);
void vp_bag_count(vp_bag *b, int32_t id, int32_t delta); /* a row in (+1) or out of (-1) the window */
bool vp_bag_release(vp_bag *b, int32_t id);              /* true when no row holds the value any more */
void vp_bag_free(vp_bag *b);

/* Open sessions by expiry: partitions ordered by (time, partition number),
 * each at most once. */
typedef struct vp_pq vp_pq;
vp_pq *vp_pq_new(void);
void vp_pq_set(vp_pq *q, int32_t ord, int64_t time); /* adds ord or moves it */
bool vp_pq_top(const vp_pq *q, int32_t *ord, int64_t *time); /* false when empty */
void vp_pq_pop(vp_pq *q);
void vp_pq_free(vp_pq *q);

/* The runs a sliding window keeps per partition (runq.c): a queue of
 * fixed-size elements, oldest first, in a ring whose slots are reused in
 * place, so memory a slot owns (an arena) outlives its run and serves the
 * next. The caller bounds n. */
typedef struct vp_runq {
    char *p;
    int64_t head, n, cap; /* oldest element at slot head; n live elements */
} vp_runq;
/* Room for a new newest element; the array may move while it grows (new
 * slots are zeroed). */
void *vp_runq_push(vp_runq *q, int64_t elem);
void vp_runq_free(vp_runq *q);
static inline void *vp_runq_slot(const vp_runq *q, int64_t elem, int64_t s) { return q->p + s * elem; }
static inline void *vp_runq_at(const vp_runq *q, int64_t elem, int64_t i) /* i-th oldest */
{
    int64_t s = q->head + i;
    return q->p + (s >= q->cap ? s - q->cap : s) * elem;
}
static inline void vp_runq_pop(vp_runq *q) /* drops the oldest */
{
    q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
    q->n--;
}
static inline void vp_runq_drop_newest(vp_runq *q) { q->n--; }

/* The rows a join() holds for one input (jrows.c). Generated code defines
 * its record with a vp_jrow first; records are numbered from 1 and
 * recycled. A key keeps its rows as a list from the newest, *top (0: none);
 * the caller prunes before it pushes, so times fall from the oldest to the
 * newest and the oldest row of a key expires last. */
typedef struct vp_jrow {
    int64_t time;
    int32_t older;   /* the key's row before this one, 0: none */
    uint32_t seq;    /* 0 while the record is free */
    int32_t *top;    /* the key's list (in a vp_tab slot: it never moves) */
    vp_arena bytes;  /* the row's strings; reused with the record */
} vp_jrow;
typedef struct vp_jrows vp_jrows;
vp_jrows *vp_jrows_new(int64_t size);
/* Drops the key's newest rows while their time is <= t; returns how many. */
int64_t vp_jrows_prune(vp_jrows *j, int32_t *top, int64_t t);
/* A new newest row of the key at time t, its arena cleared; with expires, it
 * is dropped by the first vp_jrows_expire past it. The array of records may
 * move: a record's address holds until the next push. */
void *vp_jrows_push(vp_jrows *j, int32_t *top, int64_t t, bool expires);
void *vp_jrows_at(const vp_jrows *j, int32_t i); /* NULL for 0 */
/* Drops every row with a time < lim; returns how many. */
int64_t vp_jrows_expire(vp_jrows *j, int64_t lim);
void vp_jrows_free(vp_jrows *j);

/* ---- Pattern runs (LANGUAGE.md §5.2) ----
 * The live runs of one pattern stream. Generated code defines its run record
 * with a vp_run first. Each partition (one, or one per key) keeps its
 * records in one array, oldest first, walked front to back; a record moves
 * only when its partition's array is compacted or grown (vp_runs_start, a
 * walk). The oldest run of all is found for expiry, and runs waiting for a
 * trailing NOT by deadline. */
typedef struct vp_run { /* 32 bytes: runs are walked, keep them dense */
    int64_t t0;            /* time of the run's first event */
    int64_t seq;           /* creation number */
    int32_t part;          /* partition */
    int32_t cnt;           /* events the Kleene step at pos took */
    uint32_t mask;         /* AND step: operands taken */
    int16_t pos;           /* next step */
    bool waiting;          /* a trailing NOT waits for its deadline */
    bool dead;             /* killed: skipped by walks until its record is reused */
} vp_run;
typedef struct vp_runs vp_runs;
/* Records of `size` bytes; keyed: partitions by key (else a single one);
 * swept: runs expire, and vp_runs_oldest finds the oldest. At most
 * max_per_part runs per partition (the oldest makes room, counted) and
 * max_parts partitions (a run of a new key beyond is not started, counted). */
vp_runs *vp_runs_new(vp_ctx *ctx, const char *stream, int64_t size, bool keyed, bool swept, int64_t max_per_part,
                     int64_t max_parts);
int32_t vp_runs_part(vp_runs *R, const vp_key *k, bool add); /* -1: absent, or no room */
/* The key of a live run's partition, decoded (a float key that is an
 * integer reads as an int; null when there is no such partition). Bindings
 * equal to the key are read from it instead of being kept in each run. */
vp_val vp_runs_key(const vp_runs *R, int32_t part);
/* The records of partition `part` (none when part < 0), oldest first, from
 * *base, `size` bytes apart; their number is returned. A walk visits them
 * in order and moves each run still live after its visit to the front
 * (swapping records, so dead ones keep theirs as spares), then reports how
 * many it kept: those are the partition's runs, in the same order. Runs
 * killed during the walk have dead set; vp_runs_start must not be called
 * on the partition before vp_runs_walked. */
int32_t vp_runs_walk(vp_runs *R, int32_t part, char **base);
void vp_runs_walked(vp_runs *R, int32_t part, int32_t kept);
/* Instead of vp_runs_walked, after a walk that moved nothing: drops the
 * dead records, keeping the order (for records that own no memory: the
 * dead ones' bytes are overwritten). */
void vp_runs_compact(vp_runs *R, int32_t part);
/* A new newest run of the partition: a recycled record (the caller resets
 * it, keeping what it reuses, such as an arena) or a zeroed one. */
vp_run *vp_runs_start(vp_runs *R, int32_t part, int64_t t0);
void vp_runs_kill(vp_runs *R, vp_run *r);
vp_run *vp_runs_oldest(vp_runs *R); /* swept: first created of the live runs, or NULL */
void vp_runs_wait(vp_runs *R, vp_run *r, int64_t deadline);
/* Waiting runs are confirmed in creation order, like the other runs an
 * event meets (LANGUAGE.md §5.2 step 1): vp_runs_due takes those whose
 * deadline is before clock; vp_runs_next_due then returns them, oldest
 * first, up to the run created as number `seq` (the next one a walk
 * visits; INT64_MAX: all), and NULL when there are no more. */
void vp_runs_due(vp_runs *R, int64_t clock);
vp_run *vp_runs_next_due(vp_runs *R, int64_t seq, int64_t *deadline);
int64_t vp_runs_live(const vp_runs *R);
void vp_runs_free(vp_runs *R, void (*fini)(void *record)); /* fini: every record ever used */

/* ---- Builtins (stdlib/builtins.def): null on wrong-typed arguments ---- */
typedef vp_val (*vp_builtin_fn)(vp_ctx *ctx, int32_t argc, const vp_val *argv);

/* ---- Inline helpers (no symbols) ---- */
static inline vp_val vp_null(void) { vp_val v; v.tag = VP_NULL; v.u.i = 0; return v; }
/* A quiet NaN: float bindings of pattern runs hold it while null, so that
 * an ordered comparison with them is false without testing a flag. */
static inline double vp_nan(void)
{
    union { uint64_t u; double d; } x;
    x.u = 0x7ff8000000000000ull;
    return x.d;
}
static inline vp_val vp_box_bool(bool b) { vp_val v = vp_null(); v.tag = VP_BOOL; v.u.b = b; return v; }
static inline vp_val vp_box_int(int64_t i) { vp_val v; v.tag = VP_INT; v.u.i = i; return v; }
static inline vp_val vp_box_float(double f) { vp_val v; v.tag = VP_FLOAT; v.u.f = f; return v; }
static inline vp_val vp_box_str(vp_str s) { vp_val v; v.tag = VP_STR; v.u.s = s; return v; }
static inline vp_val vp_box_ts(int64_t ns) { vp_val v; v.tag = VP_TS; v.u.i = ns; return v; }
static inline vp_val vp_box_dur(int64_t ns) { vp_val v; v.tag = VP_DUR; v.u.i = ns; return v; }
static inline bool vp_is_true(vp_val v) { return v.tag == VP_BOOL && v.u.b; }
static inline vp_str vp_lit(const char *p, int64_t n) { vp_str s; s.p = p; s.n = n; return s; }
static inline bool vp_mem_eq(const char *a, const char *b, int64_t n)
{
#if defined(__GNUC__) && !defined(__TINYC__)
    return __builtin_memcmp(a, b, (size_t)n) == 0; /* a few word compares for a literal */
#else
    for (int64_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
#endif
}

/* int / and % per LANGUAGE.md §3: truncating, wraps on INT64_MIN / -1. */
static inline int64_t vp_i_div(int64_t a, int64_t b)
{
    return (b == -1) ? (int64_t)(0 - (uint64_t)a) : a / b;
}
static inline int64_t vp_i_mod(int64_t a, int64_t b) { return (b == -1) ? 0 : a % b; }
static inline int64_t vp_i_wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static inline int64_t vp_i_wrap_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static inline int64_t vp_i_wrap_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static inline int64_t vp_i_wrap_neg(int64_t a) { return (int64_t)(0 - (uint64_t)a); }
static inline int64_t vp_i_shl(int64_t a, int64_t b) { return (b < 0 || b > 63) ? 0 : (int64_t)((uint64_t)a << b); }
static inline int64_t vp_i_shr(int64_t a, int64_t b) { return (b < 0 || b > 63) ? (a < 0 ? -1 : 0) : (a >> b); }

/* ---- Window arithmetic (LANGUAGE.md §4.3); sizes and slides are > 0 ---- */
static inline int64_t vp_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}
static inline int64_t vp_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}
/* a + b and a - b for b >= 0, saturating */
static inline int64_t vp_sat_add(int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; }
static inline int64_t vp_sat_sub(int64_t a, int64_t b) { return a < INT64_MIN + b ? INT64_MIN : a - b; }

/* Time windows [j*s, j*s + d): the windows holding time t whose end is
 * after clock are j = *lo ... *hi. Returns 1, or 0 when t is in no window
 * (s > d leaves gaps), or -1 when every window of t has closed (late). */
static inline int vp_time_windows(int64_t t, int64_t d, int64_t s, int64_t clock, int64_t *lo, int64_t *hi)
{
    int64_t h = vp_floor_div(t, s);
    int64_t l = vp_floor_div(vp_sat_sub(t, d), s) + 1;
    if (l > h) return 0;
    int64_t open = vp_floor_div(vp_sat_sub(clock, d), s) + 1; /* the first window ending after clock */
    if (h < open) return -1;
    *lo = l > open ? l : open;
    *hi = h;
    return 1;
}

/* The end of time window j (saturated). */
static inline int64_t vp_time_window_end(int64_t j, int64_t d, int64_t s)
{
    if (j > 0 && j > (INT64_MAX - d) / s) return INT64_MAX;
    if (j < 0 && j < INT64_MIN / s) return INT64_MIN;
    return vp_sat_add(j * s, d);
}

/* Count windows of n rows, a new one every k rows: window m >= 1 holds rows
 * last(m) - n + 1 ... last(m) of a partition, last(m) = max(n, k) + (m-1)*k.
 * Row c (from 1) is in windows *lo ... *hi; 0 when in none. */
static inline int64_t vp_count_window_last(int64_t m, int64_t n, int64_t k)
{
    return (n > k ? n : k) + (m - 1) * k;
}
static inline int vp_count_windows(int64_t c, int64_t n, int64_t k, int64_t *lo, int64_t *hi)
{
    int64_t first = n > k ? n : k;
    int64_t l = vp_floor_div(c - first + k - 1, k) + 1;
    *lo = l > 1 ? l : 1;
    *hi = vp_floor_div(c + n - first - 1, k) + 1;
    return *lo <= *hi;
}

/* ---- Fast-path JSON reading for generated on_line decoders ----
 * They accept only the plain form: ASCII strings without escapes, integers
 * and decimals without exponent, true/false/null. Anything else makes them
 * return false, and the line goes to the runtime's full scanner, which then
 * decides (and reports bad input) exactly as for any other line. */
typedef struct vp_jr {
    const char *p, *end;
} vp_jr;

#if defined(__GNUC__) && !defined(__TINYC__)
#define VP_HOT_INLINE static inline __attribute__((always_inline))
#else
#define VP_HOT_INLINE static inline
#endif

static inline void vp_jr_ws(vp_jr *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n')) r->p++;
}

static inline bool vp_jr_ch(vp_jr *r, char c)
{
    vp_jr_ws(r);
    if (r->p < r->end && *r->p == c) {
        r->p++;
        return true;
    }
    return false;
}

/* After a value: whitespace, ',' or '}' must follow. */
static inline bool vp_jr_ends_value(const vp_jr *r)
{
    if (r->p >= r->end) return true;
    char c = *r->p;
    return c == ',' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The first of 8 bytes (little-endian word x) that ends a plain string:
 * '"', '\\', a control byte or one outside ASCII (0x7f and up); 8 if none.
 * Each test flags its lowest hit exactly (a borrow only flags bytes above
 * it), so the lowest flag of all is a true one. */
#if defined(__GNUC__) && !defined(__TINYC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define VP_JR_WORDS 1
static inline unsigned vp_jr_stop8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\'), d = x ^ (ones * 0x7f);
    uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((d - ones) & ~d) | ((x - ones * 0x20) & ~x) | x;
    hit &= high;
    return hit ? (unsigned)__builtin_ctzll(hit) >> 3 : 8;
}
#endif

VP_HOT_INLINE bool vp_jr_str(vp_jr *r, vp_str *out)
{
    vp_jr_ws(r);
    if (r->p >= r->end || *r->p != '"') return false;
    const char *s = ++r->p;
#ifdef VP_JR_WORDS
    while (r->end - r->p >= 8) { /* eight bytes at a time */
        uint64_t x;
        __builtin_memcpy(&x, r->p, 8);
        unsigned i = vp_jr_stop8(x);
        r->p += i;
        if (i < 8) break;
    }
#endif
    while (r->p < r->end) {
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            out->p = s;
            out->n = r->p - s;
            r->p++;
            return true;
        }
        if (c < 0x20 || c >= 0x7f || c == '\\') return false;
        r->p++;
    }
    return false;
}

static inline bool vp_jr_word(vp_jr *r, const char *w, int64_t n)
{
    vp_jr_ws(r);
    if (r->end - r->p < n || !vp_mem_eq(r->p, w, n)) return false;
    r->p += n;
    return vp_jr_ends_value(r);
}

/* A number: 1 with an int in *i, 2 with a float in *f, 0 when not plain
 * (exponent, more digits than the exact fast conversion allows). The float is
 * the correctly rounded value, the same the full scanner computes. */
VP_HOT_INLINE int vp_jr_num(vp_jr *r, int64_t *i, double *f)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    vp_jr_ws(r);
    const char *p = r->p, *e = r->end;
    bool neg = false;
    if (p < e && *p == '-') {
        neg = true;
        p++;
    }
    if (p >= e || *p < '0' || *p > '9') return 0;
    uint64_t m = 0;
    int nd = 0, frac = 0;
    if (*p == '0') {
        p++;
        if (p < e && *p >= '0' && *p <= '9') return 0; /* leading zero: not JSON */
    } else {
        for (; p < e && *p >= '0' && *p <= '9'; p++, nd++) {
            if (nd == 18) return 0;
            m = m * 10 + (uint64_t)(*p - '0');
        }
    }
    bool is_float = false;
    if (p < e && *p == '.') {
        is_float = true;
        p++;
        if (p >= e || *p < '0' || *p > '9') return 0;
        for (; p < e && *p >= '0' && *p <= '9'; p++, nd++, frac++) {
            if (nd == 18 || frac == 22) return 0;
            m = m * 10 + (uint64_t)(*p - '0');
        }
    }
    r->p = p;
    if (!vp_jr_ends_value(r)) return 0;
    if (!is_float) {
        *i = neg ? (int64_t)(0 - m) : (int64_t)m;
        return 1;
    }
    if (m > ((uint64_t)1 << 53)) return 0;
    double d = (double)(int64_t)m / pow10[frac]; /* m < 2^53: exact */
    *f = neg ? -d : d;
    return 2;
}

/* Skips a plain value of a member the program does not read. */
static inline bool vp_jr_skip(vp_jr *r)
{
    vp_str s;
    int64_t i;
    double f;
    vp_jr_ws(r);
    if (r->p >= r->end) return false;
    char c = *r->p;
    if (c == '"') return vp_jr_str(r, &s);
    if (c == 't') return vp_jr_word(r, "true", 4);
    if (c == 'f') return vp_jr_word(r, "false", 5);
    if (c == 'n') return vp_jr_word(r, "null", 4);
    return vp_jr_num(r, &i, &f) != 0;
}

#endif /* VP_H */
