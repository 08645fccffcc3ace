/* cw.c — structured C writer (see cw.h). */
#include <stdio.h>
#include <string.h>

#include "cw.h"

void vpc_cw_init(vpc_cw *w, vpc_ctx *ctx, vpc_buf *out, const char *c_name, bool line_dirs)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->ctx = ctx;
    w->line = 1;
    w->c_name = c_name;
    w->line_dirs = line_dirs;
}

/* A #line to the .vpl is written only when code follows it. */
static void flush_linedir(vpc_cw *w)
{
    if (!w->dir_pending) return;
    w->dir_pending = false;
    vpc_buf_printf(w->out, "#line %u \"%s\"\n", w->pending_line, w->pending_file);
    w->line++;
    w->in_user_code = true;
}

static void put_indent(vpc_cw *w)
{
    flush_linedir(w);
    for (int i = 0; i < w->indent; i++) vpc_buf_puts(w->out, "    ");
}

static void vline(vpc_cw *w, const char *fmt, va_list ap, const char *tail)
{
    put_indent(w);
    vpc_buf_vprintf(w->out, fmt, ap);
    vpc_buf_puts(w->out, tail);
    vpc_buf_putc(w->out, '\n');
    w->line++;
}

void vpc_cw_line(vpc_cw *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(w, fmt, ap, "");
    va_end(ap);
}

void vpc_cw_open(vpc_cw *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(w, fmt, ap, " {");
    va_end(ap);
    w->indent++;
}

void vpc_cw_block(vpc_cw *w)
{
    vpc_cw_line(w, "{");
    w->indent++;
}

void vpc_cw_close(vpc_cw *w, const char *suffix)
{
    VPC_ASSERT(w->indent > 0);
    w->indent--;
    vpc_cw_line(w, "}%s", suffix ? suffix : "");
}

void vpc_cw_blank(vpc_cw *w)
{
    flush_linedir(w);
    vpc_buf_putc(w->out, '\n');
    w->line++;
}

void vpc_cw_comment(vpc_cw *w, const char *fmt, ...)
{
    vpc_buf tmp = {0};
    va_list ap;
    va_start(ap, fmt);
    vpc_buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    /* keep the comment closed and on one line */
    for (size_t i = 0; i < tmp.n; i++) {
        if (tmp.p[i] == '\n' || tmp.p[i] == '\r') tmp.p[i] = ' ';
        if (i + 1 < tmp.n && tmp.p[i] == '*' && tmp.p[i + 1] == '/') tmp.p[i + 1] = ' ';
    }
    vpc_cw_line(w, "/* %s */", vpc_buf_cstr(&tmp));
    vpc_buf_free(&tmp);
}

void vpc_cw_raw(vpc_cw *w, const char *text, size_t n)
{
    flush_linedir(w);
    vpc_buf_put(w->out, text, n);
    for (size_t i = 0; i < n; i++) w->line += text[i] == '\n';
}

void vpc_cw_linedir(vpc_cw *w, vpc_span at)
{
    if (!w->line_dirs || at.file >= w->ctx->nsources) return;
    const vpc_source *s = w->ctx->sources[at.file];
    uint32_t line, col;
    vpc_source_linecol(s, at.off, &line, &col);
    const char *base = strrchr(s->name, '/');
    base = base ? base + 1 : s->name;
    vpc_buf b = {0};
    vpc_cw_escape(&b, base, strlen(base));
    w->pending_file = vpc_arena_strdup(&w->ctx->perm, b.p, b.n);
    vpc_buf_free(&b);
    w->pending_line = line;
    if (!w->in_user_code) w->dir_pending = true;
    else if (w->pending_line != line) { /* already in user code: switch lines */
        w->in_user_code = false;
        w->dir_pending = true;
    }
}

void vpc_cw_linedir_end(vpc_cw *w)
{
    w->dir_pending = false;
    if (!w->in_user_code) return;
    w->in_user_code = false;
    /* the directive names the line after itself */
    vpc_buf_printf(w->out, "#line %u \"%s\"\n", w->line + 1, w->c_name);
    w->line++;
}

void vpc_cw_escape(vpc_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '"': vpc_buf_puts(b, "\\\""); break;
        case '\\': vpc_buf_puts(b, "\\\\"); break;
        case '\n': vpc_buf_puts(b, "\\n"); break;
        case '\t': vpc_buf_puts(b, "\\t"); break;
        case '\r': vpc_buf_puts(b, "\\r"); break;
        case '?': vpc_buf_puts(b, "\\?"); break; /* no trigraphs */
        default:
            if (c < 0x20 || c >= 0x7f) vpc_buf_printf(b, "\\%03o", c);
            else vpc_buf_putc(b, (char)c);
        }
    }
}

void vpc_cw_json_escape(vpc_buf *b, const char *p, size_t n)
{
    vpc_buf j = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '"': vpc_buf_puts(&j, "\\\""); break;
        case '\\': vpc_buf_puts(&j, "\\\\"); break;
        case '\b': vpc_buf_puts(&j, "\\b"); break;
        case '\f': vpc_buf_puts(&j, "\\f"); break;
        case '\n': vpc_buf_puts(&j, "\\n"); break;
        case '\r': vpc_buf_puts(&j, "\\r"); break;
        case '\t': vpc_buf_puts(&j, "\\t"); break;
        default:
            if (c < 0x20) vpc_buf_printf(&j, "\\u%04x", c);
            else vpc_buf_putc(&j, (char)c);
        }
    }
    vpc_cw_escape(b, j.p ? j.p : "", j.n);
    vpc_buf_free(&j);
}

void vpc_cw_snippet(vpc_ctx *ctx, vpc_span at, vpc_buf *b, size_t max)
{
    if (at.file >= ctx->nsources) return;
    const vpc_source *s = ctx->sources[at.file];
    size_t n = at.len;
    if (at.off + n > s->len) n = s->len - at.off;
    bool space = false;
    size_t written = 0;
    for (size_t i = 0; i < n && written < max; i++) {
        char c = s->text[at.off + i];
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = true;
            continue;
        }
        if (space && written) {
            vpc_buf_putc(b, ' ');
            written++;
        }
        space = false;
        vpc_buf_putc(b, c);
        written++;
    }
    if (written >= max) vpc_buf_puts(b, " ...");
}
