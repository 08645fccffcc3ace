/* cw.h — the C writer: every emitter writes through it, so indentation,
 * braces, comments and #line bookkeeping live in one place. */
#ifndef VPC_CW_H
#define VPC_CW_H

#include "vpc.h"

typedef struct vpc_cw {
    vpc_buf *out;
    vpc_ctx *ctx;
    int indent;            /* levels of 4 spaces */
    uint32_t line;         /* 1-based number of the line being written */
    const char *c_name;    /* name of the generated file, for #line back */
    bool line_dirs;        /* emit #line directives */
    bool in_user_code;     /* a #line to the .vpl is in force */
    bool dir_pending;      /* a #line to the .vpl waits for the next line */
    uint32_t pending_line;
    const char *pending_file;
} vpc_cw;

void vpc_cw_init(vpc_cw *w, vpc_ctx *ctx, vpc_buf *out, const char *c_name, bool line_dirs);
void vpc_cw_line(vpc_cw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vpc_cw_open(vpc_cw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3))); /* "... {" */
void vpc_cw_block(vpc_cw *w); /* a bare "{" */
void vpc_cw_close(vpc_cw *w, const char *suffix); /* "}" + suffix (e.g. ";") */
void vpc_cw_blank(vpc_cw *w);
void vpc_cw_comment(vpc_cw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vpc_cw_raw(vpc_cw *w, const char *text, size_t n); /* verbatim text, lines counted */
/* #line to the .vpl before user code; vpc_cw_linedir_end returns to the .c. */
void vpc_cw_linedir(vpc_cw *w, vpc_span at);
void vpc_cw_linedir_end(vpc_cw *w);

/* C string literal for bytes (escaped; no surrounding quotes). */
void vpc_cw_escape(vpc_buf *b, const char *p, size_t n);
/* JSON-escaped then C-escaped text, as it appears inside an output line. */
void vpc_cw_json_escape(vpc_buf *b, const char *p, size_t n);
/* The source text of a span, on one line, safe inside a C comment. */
void vpc_cw_snippet(vpc_ctx *ctx, vpc_span at, vpc_buf *b, size_t max);

#endif /* VPC_CW_H */
