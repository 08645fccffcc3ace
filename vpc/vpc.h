/* vpc.h — types shared by every stage of the compiler: spans, strings,
 * interned symbols, arenas, growable buffers, and the compile context. */
#ifndef VPC_H
#define VPC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VPC_VERSION "0.1.0"

/* ---- spans: byte offsets into one loaded source ---- */
typedef struct vpc_span {
    uint32_t off; /* byte offset of the first byte */
    uint32_t len; /* length in bytes (0 allowed) */
    uint32_t file; /* index into vpc_ctx.sources */
} vpc_span;

/* ---- string slices ---- */
typedef struct vpc_str {
    const char *p;
    size_t n;
} vpc_str;
#define VPC_STR_ARG(s) (int)(s).n, (s).p

/* ---- arenas: one per lifetime; nothing inside is freed alone ---- */
typedef struct vpc_arena_block vpc_arena_block;
typedef struct vpc_arena {
    vpc_arena_block *head;
    size_t total;
} vpc_arena;

void *vpc_arena_alloc(vpc_arena *a, size_t n); /* zeroed, 16-byte aligned */
char *vpc_arena_strdup(vpc_arena *a, const char *p, size_t n); /* NUL-terminated */
void vpc_arena_free(vpc_arena *a);
#define VPC_NEW(a, T) ((T *)vpc_arena_alloc((a), sizeof(T)))
#define VPC_NEW_N(a, T, n) ((T *)vpc_arena_alloc((a), sizeof(T) * (size_t)(n)))

/* ---- growable text buffer (heap; owner frees) ---- */
typedef struct vpc_buf {
    char *p;
    size_t n, cap;
} vpc_buf;

void vpc_buf_put(vpc_buf *b, const char *s, size_t n);
void vpc_buf_puts(vpc_buf *b, const char *s);
void vpc_buf_putc(vpc_buf *b, char c);
void vpc_buf_printf(vpc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vpc_buf_vprintf(vpc_buf *b, const char *fmt, va_list ap);
const char *vpc_buf_cstr(vpc_buf *b); /* NUL-terminates, returns p */
void vpc_buf_free(vpc_buf *b);

/* ---- interned symbols: equal names are the same pointer ---- */
typedef struct vpc_sym {
    const char *name; /* NUL-terminated */
    uint32_t len;
    uint32_t hash;
    struct vpc_sym *next;
} vpc_sym;

typedef struct vpc_symtab {
    vpc_sym **slots;
    size_t nslots, count;
    vpc_arena *arena;
} vpc_symtab;

void vpc_symtab_init(vpc_symtab *t, vpc_arena *a);
void vpc_symtab_free(vpc_symtab *t);
vpc_sym *vpc_intern(vpc_symtab *t, const char *p, size_t n);
bool vpc_sym_is(const vpc_sym *s, const char *lit); /* compare with a C string */

/* ---- sources ---- */
typedef struct vpc_source {
    const char *name; /* path as given (shown in diagnostics) */
    const char *text; /* NUL-terminated; immutable */
    uint32_t len;
    uint32_t *lines; /* byte offset of each line start */
    uint32_t nlines;
} vpc_source;

/* ---- diagnostics ---- */
typedef enum vpc_sev { VPC_SEV_ERROR, VPC_SEV_WARNING, VPC_SEV_NOTE } vpc_sev;

typedef struct vpc_diag {
    vpc_sev sev;
    vpc_span span;
    const char *msg;   /* full message, hint included */
    const char *wname; /* warning name without -W, or NULL */
    uint32_t seq;      /* report order, to keep sorting stable */
} vpc_diag;

/* ---- the compile context ---- */
typedef struct vpc_ctx {
    vpc_arena perm;   /* sources, symbols, diagnostics: the whole run */
    vpc_arena ast;    /* AST */
    vpc_arena ir;     /* checked program and IR */
    vpc_symtab syms;

    vpc_source **sources;
    uint32_t nsources, capsources;

    vpc_diag *diags;
    uint32_t ndiags, capdiags;
    uint32_t nerr, nwarn;
    bool werror;       /* treat warnings as errors */
    bool no_warnings;
    bool color;
} vpc_ctx;

void vpc_ctx_init(vpc_ctx *c);
void vpc_ctx_free(vpc_ctx *c);

/* source.c */
/* Loads a file; NULL (and an error on stderr) when it can't be read. */
vpc_source *vpc_source_load(vpc_ctx *c, const char *path);
/* Registers in-memory text (tests, stdin); the text is copied. */
vpc_source *vpc_source_from_text(vpc_ctx *c, const char *name, const char *text, size_t n);
uint32_t vpc_source_index(vpc_ctx *c, const vpc_source *s);
/* 1-based line and byte column of an offset. */
void vpc_source_linecol(const vpc_source *s, uint32_t off, uint32_t *line, uint32_t *col);

/* diag.c: collected, then printed sorted by position with vpc_diag_flush. */
void vpc_error(vpc_ctx *c, vpc_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void vpc_warn(vpc_ctx *c, vpc_span at, const char *wname, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void vpc_note(vpc_ctx *c, vpc_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prints (to f) and clears the collected diagnostics, in source order. */
void vpc_diag_flush(vpc_ctx *c, void *file /* FILE* */);
/* The closest of `cands` to `name` within a small edit distance, or NULL. */
const char *vpc_suggest(const char *name, const char *const *cands, size_t ncands);

/* Internal compiler errors: vpc's own file:line, exit 70. */
_Noreturn void vpc_ice_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define vpc_ice(...) vpc_ice_at(__FILE__, __LINE__, __VA_ARGS__)
#define VPC_ASSERT(e) ((e) ? (void)0 : vpc_ice_at(__FILE__, __LINE__, "assertion failed: %s", #e))

static inline vpc_span vpc_span_join(vpc_span a, vpc_span b)
{
    if (a.file != b.file || b.off + b.len < a.off) return a;
    vpc_span s = a;
    s.len = (b.off + b.len) - a.off;
    return s;
}

#endif /* VPC_H */
