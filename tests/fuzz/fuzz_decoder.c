/* fuzz_decoder.c — libFuzzer target: arbitrary bytes through the line
 * reader, the JSON Lines and .evt scanners, every field conversion, the
 * readers of array/map text, and vp_w_fields into a memory sink.
 *
 * The input's size picks the reader's buffer size and line limit, so that
 * buffer compaction, growth and over-long line skipping are all reached
 * with small inputs (and seed files stay plain text).
 *
 * Checks beyond memory safety: the reader agrees with a plain split of the
 * input, and (built with jansson) every output line and every canonical
 * array/map text is valid JSON. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "builtins.h"
#include "decode.h"
#include "input.h"

#ifdef VP_FUZZ_JANSSON
#include <jansson.h>

static void expect_json(const char *p, size_t n)
{
    /* jansson cannot hold NUL in member names: no verdict then */
    for (size_t i = 0; i + 6 <= n; i++)
        if (memcmp(p + i, "\\u0000", 6) == 0) return;
    json_error_t err;
    json_t *j = json_loadb(p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!j) abort();
    json_decref(j);
}
#else
static void expect_json(const char *p, size_t n) { (void)p, (void)n; }
#endif

static rt_dec *dec;
static vp_ctx *ctx;
static vp_w sink;
static int fd = -1;

static void init(void)
{
    dec = rt_dec_new();
    ctx = rt_ctx_new(NULL, "fuzz");
    rt_w_init_heap(&sink, 0);
    fd = memfd_create("fuzz_decoder", 0);
    if (!dec || !ctx || fd < 0) abort();
}

/* Walks an array or map, and looks members up, as generated code would. */
static void walk_json(vp_val v)
{
    vp_json_it it = {v.u.s, 0};
    vp_str key;
    vp_val e;
    for (int k = 0; k < 64 && vp_json_next(ctx, &it, &key, &e); k++) {
        vp_w_val(&sink, e);
        if (key.p) (void)vp_dyn_member(v, key);
        (void)vp_dyn_in(e, v);
    }
    vp_val args[2] = {v, vp_box_int(-1)};
    vp_w_val(&sink, vp_b_get(ctx, 2, args));
    vp_w_val(&sink, vp_b_reverse(ctx, 1, args));
    vp_w_val(&sink, vp_b_max(ctx, 1, args));
}

static void convert_fields(const vp_event *ev)
{
    for (int32_t i = 0; i < ev->nfields; i++) {
        const vp_field *f = &ev->fields[i];
        int64_t n;
        double x;
        bool b;
        vp_str s;
        (void)vp_in_int(f, &n);
        (void)vp_in_float(f, &x);
        (void)vp_in_bool(f, &b);
        (void)vp_in_str(f, &s);
        (void)vp_in_ts(f, &n);
        (void)vp_in_dur(f, &n);
        vp_val v = vp_in_dyn(f);
        vp_w_val(&sink, v);
        if (v.tag == VP_JSON) {
            expect_json(v.u.s.p, (size_t)v.u.s.n);
            walk_json(v);
        }
        if (v.tag == VP_STR) {
            vp_val args[3] = {v, vp_box_int(1), vp_box_int(-1)};
            vp_w_val(&sink, vp_b_substring(ctx, 3, args));
            vp_w_val(&sink, vp_b_timestamp(ctx, 1, args));
            vp_w_val(&sink, vp_b_to_float(ctx, 1, args));
        }
    }
    /* an output line as generated code writes it */
    sink.len = 0;
    vp_w_raw(&sink, "{\"stream\":", 10);
    vp_w_str(&sink, ev->type);
    vp_w_fields(&sink, ev);
    vp_w_raw(&sink, "}", 1);
    expect_json(sink.buf, sink.len);
    vp_w_end(&sink);
}

/* The reader must agree with a plain split of the whole input on '\n'
 * (one trailing '\r' dropped; lines over max_line reported as too long). */
typedef struct naive {
    const uint8_t *data;
    size_t size, pos;
    int64_t lineno;
} naive;

static void expect_next(naive *nv, size_t max_line, int st, const char *line, size_t n, int64_t lineno)
{
    if (nv->pos >= nv->size) {
        if (st != RT_RD_EOF) abort();
        return;
    }
    const uint8_t *nl = memchr(nv->data + nv->pos, '\n', nv->size - nv->pos);
    size_t end = nl ? (size_t)(nl - nv->data) : nv->size;
    size_t len = end - nv->pos;
    if (len > 0 && nv->data[end - 1] == '\r') len--;
    nv->lineno++;
    if (lineno != nv->lineno) abort();
    if (len > max_line) {
        if (st != RT_RD_TOO_LONG) abort();
    } else if (st != RT_RD_LINE || n != len || memcmp(line, nv->data + nv->pos, len) != 0) {
        abort();
    }
    nv->pos = end + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dec) init();
    size_t buffer = 16 + size % 61;
    size_t max_line = size % 3 == 0 ? 40 : 4096;
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size) ||
        lseek(fd, 0, SEEK_SET) != 0)
        abort();
    dec->prev_time = 0;
    dec->has_batch = false;

    rt_reader r;
    if (!rt_reader_init(&r, fd, max_line, buffer)) abort();
    naive nv = {data, size, 0, 0};
    char *line = NULL;
    size_t n = 0;
    int64_t lineno = 0;
    int st;
    do {
        st = rt_reader_next(&r, &line, &n, &lineno);
        if (st == RT_RD_ERROR) abort();
        expect_next(&nv, max_line, st, line, n, lineno);
        if (st != RT_RD_LINE) continue;
        if (line[n] != '\0') abort(); /* lines are NUL-terminated */
        vp_event ev;
        if (rt_dec_line(dec, line, n, lineno, &ev) == RT_DEC_EVENT) convert_fields(&ev);
        rt_scratch_reset(ctx);
        sink.len = 0;
    } while (st != RT_RD_EOF);
    rt_reader_free(&r);
    return 0;
}
