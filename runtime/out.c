/* out.c — writers: buffered program output, stderr lines, memory buffers,
 * and the JSON text of values (LANGUAGE.md §8). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

void rt_w_init_file(vp_w *w, FILE *fp, size_t cap)
{
    memset(w, 0, sizeof *w);
    w->kind = RT_W_FILE;
    w->fp = fp;
    w->buf = malloc(cap);
    w->cap = w->buf ? cap : 0;
}

void rt_w_init_line(vp_w *w, FILE *fp)
{
    memset(w, 0, sizeof *w);
    w->kind = RT_W_LINE;
    w->fp = fp;
}

void rt_w_init_heap(vp_w *w, size_t cap)
{
    memset(w, 0, sizeof *w);
    w->kind = RT_W_HEAP;
    if (cap) rt_w_reserve(w, cap);
}

void rt_w_free(vp_w *w)
{
    if (w->kind != RT_W_SCRATCH) free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

static bool write_all(vp_w *w, const char *p, size_t n)
{
    if (w->failed) return false;
    if (n && fwrite(p, 1, n, w->fp) != n) {
        w->failed = true;
        w->err = errno;
        return false;
    }
    return true;
}

bool rt_w_flush(vp_w *w)
{
    if (w->kind == RT_W_FILE && w->fp) {
        write_all(w, w->buf, w->len);
        w->len = 0;
        if (!w->failed && fflush(w->fp) != 0) {
            w->failed = true;
            w->err = errno;
        }
    }
    return !w->failed;
}

bool rt_w_reserve(vp_w *w, size_t n)
{
    if (w->cap - w->len >= n) return true;
    if (w->failed || w->kind == RT_W_FILE) return false;
    size_t cap = w->cap ? w->cap : 256;
    while (cap - w->len < n) {
        if (cap > SIZE_MAX / 2) return false;
        cap *= 2;
    }
    char *p;
    if (w->kind == RT_W_SCRATCH) {
        p = (cap > INT64_MAX) ? NULL : vp_scratch(w->ctx, (int64_t)cap);
        if (p && w->len) memcpy(p, w->buf, w->len);
    } else {
        p = realloc(w->buf, cap);
    }
    if (!p) {
        w->failed = true;
        w->err = ENOMEM;
        return false;
    }
    w->buf = p;
    w->cap = cap;
    return true;
}

/* Slow path of vp_w_raw: the bytes do not fit in the free space. */
static void raw_slow(vp_w *w, const char *s, size_t n)
{
    if (w->kind == RT_W_FILE) {
        if (!write_all(w, w->buf, w->len)) {
            w->len = 0;
            return;
        }
        w->len = 0;
        if (n >= w->cap) {
            write_all(w, s, n);
            return;
        }
    } else if (!rt_w_reserve(w, n)) {
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

void vp_w_raw(vp_w *w, const char *s, int64_t n)
{
    if (n <= 0) return;
    if (w->cap - w->len >= (uint64_t)n) {
        memcpy(w->buf + w->len, s, (size_t)n);
        w->len += (size_t)n;
        return;
    }
    raw_slow(w, s, (size_t)n);
}

static void put(vp_w *w, const char *s, size_t n) { vp_w_raw(w, s, (int64_t)n); }

void vp_w_int(vp_w *w, int64_t v)
{
    char buf[24];
    put(w, buf, (size_t)rt_fmt_int(buf, v));
}

void vp_w_float(vp_w *w, double v)
{
    char buf[32];
    put(w, buf, (size_t)rt_fmt_float(buf, v));
}

void vp_w_bool(vp_w *w, bool v) { v ? put(w, "true", 4) : put(w, "false", 5); }
void vp_w_null(vp_w *w) { put(w, "null", 4); }

/* JSON escape of each byte: 0 = written as is, 'u' = \u00xx, else \<c>. */
static const char escape_of[256] = {
    ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
    ['"'] = '"', ['\\'] = '\\',
    [0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u', [0x05] = 'u',
    [0x06] = 'u', [0x07] = 'u', [0x0B] = 'u', [0x0E] = 'u', [0x0F] = 'u', [0x10] = 'u',
    [0x11] = 'u', [0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u', [0x16] = 'u',
    [0x17] = 'u', [0x18] = 'u', [0x19] = 'u', [0x1A] = 'u', [0x1B] = 'u', [0x1C] = 'u',
    [0x1D] = 'u', [0x1E] = 'u', [0x1F] = 'u',
};

void vp_w_str(vp_w *w, vp_str s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s.p;
    int64_t run = 0; /* start of the pending run of plain bytes */
    put(w, "\"", 1);
    for (int64_t i = 0; i < s.n; i++) {
        char e = escape_of[p[i]];
        if (!e) continue;
        vp_w_raw(w, s.p + run, i - run);
        run = i + 1;
        if (e == 'u') {
            char u[6] = {'\\', 'u', '0', '0', hex[p[i] >> 4], hex[p[i] & 15]};
            put(w, u, 6);
        } else {
            char esc[2] = {'\\', e};
            put(w, esc, 2);
        }
    }
    if (s.n > run) vp_w_raw(w, s.p + run, s.n - run);
    put(w, "\"", 1);
}

void vp_w_str_raw(vp_w *w, vp_str s) { vp_w_raw(w, s.p, s.n); }

void vp_w_ms(vp_w *w, int64_t ns) { vp_w_int(w, ns / 1000000); }

void vp_w_val(vp_w *w, vp_val v)
{
    switch (v.tag) {
    case VP_BOOL: vp_w_bool(w, v.u.b); break;
    case VP_INT: vp_w_int(w, v.u.i); break;
    case VP_FLOAT: vp_w_float(w, v.u.f); break;
    case VP_STR: vp_w_str(w, v.u.s); break;
    case VP_TS:
    case VP_DUR: vp_w_ms(w, v.u.i); break;
    case VP_JSON: v.u.s.n > 0 ? vp_w_raw(w, v.u.s.p, v.u.s.n) : vp_w_null(w); break;
    default: vp_w_null(w); break;
    }
}

void vp_w_val_raw(vp_w *w, vp_val v)
{
    if (v.tag == VP_STR)
        vp_w_str_raw(w, v.u.s);
    else
        vp_w_val(w, v);
}

/* One input field's value, re-printed in canonical form. */
static void field_value(vp_w *w, const vp_field *f)
{
    int64_t i;
    double d;
    switch (f->kind) {
    case VP_J_TRUE: vp_w_bool(w, true); break;
    case VP_J_FALSE: vp_w_bool(w, false); break;
    case VP_J_INT:
        if (rt_parse_i64(f->raw.p, (size_t)f->raw.n, &i))
            vp_w_int(w, i);
        else
            vp_w_null(w);
        break;
    case VP_J_FLOAT:
        if (rt_parse_f64(f->raw.p, (size_t)f->raw.n, &d))
            vp_w_float(w, d);
        else
            vp_w_null(w);
        break;
    case VP_J_STR: vp_w_str(w, f->raw); break;
    case VP_J_ARRAY:
    case VP_J_OBJECT:
        f->raw.n > 0 ? vp_w_raw(w, f->raw.p, f->raw.n) : vp_w_null(w);
        break;
    default: vp_w_null(w); break;
    }
}

void vp_w_fields(vp_w *w, const vp_event *ev)
{
    for (int32_t k = 0; k < ev->nfields; k++) {
        const vp_field *f = &ev->fields[k];
        put(w, ",", 1);
        /* "stream" is the output's own first member */
        if (f->key.n == 6 && memcmp(f->key.p, "stream", 6) == 0)
            put(w, "\"_stream\"", 9);
        else
            vp_w_str(w, f->key);
        put(w, ":", 1);
        field_value(w, f);
    }
}

void vp_w_end(vp_w *w)
{
    put(w, "\n", 1);
    if (w->kind == RT_W_LINE) {
        write_all(w, w->buf, w->len);
        w->len = 0;
        w->failed = false; /* a lost stderr line does not silence later ones */
    }
}

vp_w *vp_w_buf(vp_ctx *ctx)
{
    /* out of scratch memory: a writer that drops everything */
    static _Thread_local vp_w exhausted = {.kind = RT_W_SCRATCH, .failed = true};
    vp_w *w = vp_scratch(ctx, (int64_t)sizeof *w);
    if (!w) return &exhausted;
    memset(w, 0, sizeof *w);
    w->kind = RT_W_SCRATCH;
    w->ctx = ctx;
    return w;
}

vp_str vp_w_text(vp_w *w)
{
    if (!w || w->failed) return vp_lit(NULL, 0);
    return vp_lit(w->len ? w->buf : "", (int64_t)w->len);
}
