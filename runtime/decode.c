/* decode.c — one input line to one event: line classification (blank,
 * comment, JSON, .evt), the side buffer's life cycle, and event time
 * (LANGUAGE.md §6). */
#include <stdlib.h>
#include <string.h>

#include "decode.h"

rt_dec *rt_dec_new(void)
{
    rt_dec *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    rt_w_init_heap(&d->side, (size_t)64 << 10);
    rt_w_init_heap(&d->tmp, (size_t)4 << 10);
    return d;
}

void rt_dec_free(rt_dec *d)
{
    if (!d) return;
    rt_w_free(&d->side);
    rt_w_free(&d->tmp);
    free(d);
}

int rt_dec_fail(rt_dec *d, int32_t kind, size_t column, const char *what)
{
    d->bad_kind = kind;
    if (column)
        snprintf(d->msg, sizeof d->msg, "%s at column %zu", what, column);
    else
        snprintf(d->msg, sizeof d->msg, "%s", what);
    return RT_DEC_BAD;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* The last field named name, or NULL. */
static const vp_field *find_field(const vp_event *ev, const char *name, size_t n)
{
    for (int32_t k = ev->nfields - 1; k >= 0; k--) {
        const vp_field *f = &ev->fields[k];
        if ((size_t)f->key.n == n && memcmp(f->key.p, name, n) == 0) return f;
    }
    return NULL;
}

static bool time_of(const vp_field *f, int64_t *ns) { return f && vp_in_ts(f, ns) == 1; }

/* The first that applies: payload ts, payload timestamp, top-level
 * timestamp (nested JSON), the .evt offset (@, else BATCH), the previous
 * event's time. */
static int64_t event_time(const rt_dec *d, const vp_event *ev)
{
    int64_t t;
    if (time_of(find_field(ev, "ts", 2), &t)) return t;
    if (time_of(find_field(ev, "timestamp", 9), &t)) return t;
    if (d->has_top_ts && time_of(&d->top_ts, &t)) return t;
    if (d->is_evt) {
        if (d->has_offset && rt_ms_to_ns(d->offset_ms, &t)) return t;
        if (!d->has_offset && d->has_batch && rt_ms_to_ns(d->batch_ms, &t)) return t;
    }
    return d->prev_time;
}

int rt_dec_line(rt_dec *d, const char *p, size_t n, int64_t line, vp_event *ev)
{
    ev->type = vp_lit("", 0);
    ev->time = d->prev_time;
    ev->line = line;
    ev->nfields = 0;
    ev->fields = d->fields;
    size_t i = 0;
    while (i < n && is_blank(p[i])) i++;
    if (i == n || p[i] == '#' || (p[i] == '/' && i + 1 < n && p[i + 1] == '/')) return RT_DEC_NONE;

    size_t bad;
    if (!rt_utf8_valid(p + i, n - i, &bad)) return rt_dec_fail(d, VP_BAD_MALFORMED, i + bad + 1, "invalid UTF-8");
    bool json = p[i] == '{';
    d->side.failed = d->tmp.failed = false;
    d->side.len = 0;
    /* decoded text rarely outgrows twice the line; reserving it up front
     * makes the second pass below rare */
    if (!rt_w_reserve(&d->side, 2 * n + 1024) || !d->tmp.buf)
        return rt_dec_fail(d, VP_BAD_MALFORMED, 0, "out of memory");
    int st;
    for (;;) {
        const char *base = d->side.buf;
        d->side.len = 0;
        d->has_top_ts = false;
        d->is_evt = !json;
        d->has_offset = false;
        st = json ? rt_dec_json(d, p, n, ev) : rt_dec_evt(d, p, n, ev);
        /* fields may point into the side buffer: if it moved, they are
         * stale, so decode again; it now has room, so it stays put */
        if (d->side.buf == base) break;
    }
    if (d->side.failed || d->tmp.failed) return rt_dec_fail(d, VP_BAD_MALFORMED, 0, "out of memory");
    if (st != RT_DEC_EVENT) return st;
    ev->time = event_time(d, ev);
    d->prev_time = ev->time;
    return RT_DEC_EVENT;
}

int vp_ms_to_ns(int32_t jkind, int64_t i, double f, int64_t *out)
{
    if (jkind == VP_J_INT) return rt_ms_to_ns(i, out) ? 1 : -1;
    if (jkind == VP_J_FLOAT) return rt_fms_to_ns(f, out) ? 1 : -1;
    return -1;
}

int64_t vp_line_time(vp_ctx *ctx, bool known, int64_t ns)
{
    rt_dec *d = ctx->dec;
    if (!d) return known ? ns : 0;
    if (known) d->prev_time = ns;
    return d->prev_time;
}
