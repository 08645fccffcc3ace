/* rt.h — libvprt internals shared by the runtime's own files (and its tests).
 * Generated code never sees this header; it includes only vp.h. */
#ifndef VP_RT_H
#define VP_RT_H

#include <stdio.h>

#include "vp.h"

/* Rare paths kept out of line, so that the common path around them saves
 * no registers and makes no call. */
#if defined(__GNUC__)
#define RT_COLD __attribute__((cold, noinline))
#define RT_NOINLINE __attribute__((noinline))
#else
#define RT_COLD
#define RT_NOINLINE
#endif

/* ---- writers (out.c) ---- */
enum rt_wkind {
    RT_W_FILE,    /* program output: buffered, written when full and at the end */
    RT_W_LINE,    /* stderr: one line, written with one fwrite at vp_w_end */
    RT_W_HEAP,    /* memory grown with realloc (decoder buffers, tests, fuzzing) */
    RT_W_SCRATCH, /* memory grown in scratch memory (vp_w_buf) */
};

struct vp_w {
    char *buf;
    size_t len;
    size_t cap;
    int32_t kind;  /* enum rt_wkind */
    bool failed;   /* a write or an allocation failed; later bytes are dropped */
    int err;       /* errno of the failed write */
    FILE *fp;      /* RT_W_FILE, RT_W_LINE */
    vp_ctx *ctx;   /* RT_W_SCRATCH */
};

void rt_w_init_file(vp_w *w, FILE *fp, size_t cap);
void rt_w_init_line(vp_w *w, FILE *fp);
void rt_w_init_heap(vp_w *w, size_t cap);
void rt_w_free(vp_w *w);
bool rt_w_flush(vp_w *w);              /* RT_W_FILE: write out; false on error */
bool rt_w_reserve(vp_w *w, size_t n);  /* memory writers: room for n more bytes */

/* ---- scratch memory (scratch.c): a bump allocator reset after each input ---- */
#define RT_SCRATCH_LIMIT ((size_t)64 << 20) /* per input */
typedef struct rt_block rt_block;
typedef struct rt_scratch {
    rt_block *first;
    rt_block *cur;
    size_t used;  /* bytes used in cur */
    size_t total; /* bytes handed out since the last reset */
    int32_t exhausted_id; /* counter id, -1 until first needed */
    rt_block *pin_block;  /* memory before this point (in this block) is kept: */
    size_t pin_used;      /* what the program's load made (global strings) */
} rt_scratch;
void rt_scratch_reset(vp_ctx *ctx); /* back to the pin (or empty) */
void rt_scratch_pin(vp_ctx *ctx);   /* keep everything allocated so far for the run */
void rt_scratch_free(rt_scratch *s);

/* ---- counters and bad input accounting (bad.c) ---- */
typedef struct rt_counter {
    char *name;
    int64_t value;
} rt_counter;
#define RT_MAX_COUNTERS 1024

/* ---- the run context ---- */
struct rt_dec;
struct vp_ctx {
    const vp_query_desc *q;
    struct rt_dec *dec;     /* the input decoder (event time of fast-path lines) */
    const char *input_name; /* the --input path, or "<stdin>" */
    bool strict;
    bool quiet;
    bool stop;          /* --strict: stop after the current input */
    vp_w out;
    vp_w err;
    rt_scratch scratch;
    /* bad input */
    int64_t bad[VP_BAD__COUNT];
    int64_t events_read;
    int64_t events_skipped;
    int64_t cur_line;   /* line of the input being processed */
    bool in_input;      /* between rt_input_begin and rt_input_end */
    bool input_skipped; /* the current input is already counted as skipped */
    int64_t wrong_typed; /* declared fields read as null for a wrong-typed value */
    rt_counter *counters;
    int32_t ncounters;
};

/* ctx.c: a context writing program output to out (NULL: no program output
 * file; output then goes to a growable memory buffer, for tests). The newest
 * context of a thread is its active one (rt_ctx_active). */
vp_ctx *rt_ctx_new(FILE *out, const char *input_name);
void rt_ctx_free(vp_ctx *ctx);
vp_ctx *rt_ctx_active(void);

/* bad.c */
void rt_input_begin(vp_ctx *ctx, int64_t line); /* one input line is an event */
void rt_input_end(vp_ctx *ctx);
void rt_print_summary(vp_ctx *ctx, FILE *fp, bool stats, double seconds);
const char *rt_bad_kind_text(int32_t kind);

/* ---- number text (numparse.c, fmt_float.c) ---- */
#define RT_NUM_MAX 256 /* longest number text accepted in input */
size_t rt_num_scan(const char *p, size_t n, bool *is_int); /* JSON number length, 0 if none */
bool rt_parse_i64(const char *p, size_t n, int64_t *out);  /* whole text, overflow-checked */
bool rt_parse_f64(const char *p, size_t n, double *out);   /* whole text, JSON number syntax */
int rt_fmt_int(char *buf, int64_t v);                      /* buf >= 24 bytes; returns length */
int rt_fmt_float(char *buf, double v);                     /* buf >= 32 bytes; LANGUAGE.md §8 */

/* ---- time (timeparse.c) ---- */
bool rt_parse_iso8601(const char *p, size_t n, int64_t *ns);
bool rt_ms_to_ns(int64_t ms, int64_t *ns);   /* false on overflow */
bool rt_fms_to_ns(double ms, int64_t *ns);   /* rounds; false if not representable */

/* ---- UTF-8 (utf8.c) ---- */
bool rt_utf8_valid(const char *p, size_t n, size_t *bad); /* *bad: first invalid byte */

/* ---- JSON string bodies (jstr.c) ---- */
/* Scans the body of a string whose opening quote precedes p: returns the
 * index of the closing quote, or -1 if unterminated or holding a raw
 * control character (*bad = its index). *esc tells whether it has escapes. */
int64_t rt_json_str_end(const char *p, size_t n, bool *esc, size_t *bad);
/* Decodes escapes of a string body into out (room for n bytes suffices).
 * Returns the decoded length, or -1 with *bad = index of the bad escape. */
int64_t rt_json_unescape(const char *p, size_t n, char *out, size_t *bad);

/* ---- canonical JSON values (jsonv.c) ---- */
/* Next element/member of the array or map in text, as raw slices: key is the
 * escaped key body (no quotes), val the value's text. */
bool rt_jv_next(vp_str text, int64_t *pos, vp_str *key, vp_str *val);
vp_val rt_jv_decode(vp_ctx *ctx, vp_str val); /* one value's text -> vp_val */
vp_str rt_jv_unescape(vp_ctx *ctx, vp_str body); /* string body -> text */

/* ---- operator state memory (own.c, keyidx.c) ---- */
_Noreturn void rt_oom(void); /* "vprt: out of memory", exit status 2 */
void *rt_arena_alloc(vp_arena *a, size_t n); /* 16-byte aligned, never NULL */
uint64_t rt_hash(const char *p, int64_t n);
vp_val rt_key_first(const char *p, int64_t n); /* keyidx.c */

/* An open-addressing index of encoded keys (copied into its own arena),
 * numbered 0, 1, ... in order of insertion. */
typedef struct rt_kent {
    uint64_t h;
    const char *p; /* NULL: empty entry */
    int64_t n;
    int32_t ord;
} rt_kent;
typedef struct rt_kidx {
    rt_kent *e;
    int64_t cap, n;
    vp_arena bytes;
} rt_kidx;
/* The key's number; a missing key is added when add is true (*is_new),
 * else -1. */
int32_t rt_kidx_get(rt_kidx *x, const char *p, int64_t n, bool add, bool *is_new);
void rt_kidx_clear(rt_kidx *x);
void rt_kidx_free(rt_kidx *x);

/* ---- rows a join holds (jrows.c) ---- */
typedef struct rt_jq_ent { /* a row queued for expiry */
    int64_t time;
    int32_t row;
    uint32_t seq; /* stale once the row's seq differs */
} rt_jq_ent;
struct vp_jrows {
    char *recs;              /* record i at recs + (i - 1) * size */
    int64_t size;            /* bytes per record */
    int32_t n, cap;          /* records made, room for */
    int32_t free;            /* first free record, linked through `older`; 0: none */
    uint32_t seq;            /* last sequence number given */
    rt_jq_ent *fifo;         /* ring: entries in time order */
    int64_t fhead, fn, fcap; /* fcap: a power of two */
    rt_jq_ent *heap;         /* min-heap by time: rows that arrived out of order */
    int64_t hn, hcap;
};

#endif /* VP_RT_H */
