/* str.c — string builtins (LANGUAGE.md §9). Lengths and indices count
 * characters (UTF-8 code points); case mapping covers ASCII letters only.
 * New strings live in scratch memory. */
#include <string.h>

#include "bi.h"

#define NEED(n)                                \
    do {                                       \
        if (argc < (n) || !argv) return vp_null(); \
    } while (0)

static bool both_str(vp_val a, vp_val b) { return a.tag == VP_STR && b.tag == VP_STR; }

vp_val vp_b_len(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    if (argv[0].tag == VP_STR) return vp_box_int(bi_utf8_len(argv[0].u.s));
    if (argv[0].tag == VP_JSON) return vp_box_int(bi_json_count(ctx, argv[0]));
    return vp_null();
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

vp_val vp_b_trim(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    if (argv[0].tag != VP_STR) return vp_null();
    vp_str s = argv[0].u.s;
    int64_t a = 0, b = s.n;
    while (a < b && is_space(s.p[a])) a++;
    while (b > a && is_space(s.p[b - 1])) b--;
    return vp_box_str(vp_lit(s.p + a, b - a));
}

static vp_val map_case(vp_ctx *ctx, int32_t argc, const vp_val *argv, char from, char to)
{
    NEED(1);
    if (argv[0].tag != VP_STR) return vp_null();
    vp_str s = argv[0].u.s;
    int64_t first = 0;
    while (first < s.n && !(s.p[first] >= from && s.p[first] <= from + 25)) first++;
    if (first == s.n) return argv[0]; /* nothing to change: no copy */
    char *p = vp_scratch(ctx, s.n);
    if (!p) return vp_null();
    memcpy(p, s.p, (size_t)s.n);
    for (int64_t i = first; i < s.n; i++)
        if (p[i] >= from && p[i] <= from + 25) p[i] = (char)(p[i] - from + to);
    return vp_box_str(vp_lit(p, s.n));
}

vp_val vp_b_upper(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return map_case(ctx, argc, argv, 'a', 'A'); }
vp_val vp_b_lower(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return map_case(ctx, argc, argv, 'A', 'a'); }

/* contains(s, sub) on strings; contains(a, v) on arrays (map: key). */
vp_val vp_b_contains(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(2);
    if (both_str(argv[0], argv[1])) return vp_box_bool(vp_str_contains(argv[0].u.s, argv[1].u.s));
    if (argv[0].tag == VP_JSON) return vp_box_bool(vp_dyn_in(argv[1], argv[0]));
    return vp_null();
}

vp_val vp_b_starts_with(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(2);
    if (!both_str(argv[0], argv[1])) return vp_null();
    vp_str s = argv[0].u.s, x = argv[1].u.s;
    return vp_box_bool(x.n <= s.n && (x.n == 0 || memcmp(s.p, x.p, (size_t)x.n) == 0));
}

vp_val vp_b_ends_with(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(2);
    if (!both_str(argv[0], argv[1])) return vp_null();
    vp_str s = argv[0].u.s, x = argv[1].u.s;
    return vp_box_bool(x.n <= s.n && (x.n == 0 || memcmp(s.p + s.n - x.n, x.p, (size_t)x.n) == 0));
}

/* Byte index of the next occurrence of x in s at or after i, or -1. */
static int64_t find(vp_str s, vp_str x, int64_t i)
{
    for (; i + x.n <= s.n; i++) {
        const char *p = memchr(s.p + i, x.p[0], (size_t)(s.n - x.n - i + 1));
        if (!p) return -1;
        i = p - s.p;
        if (memcmp(p, x.p, (size_t)x.n) == 0) return i;
    }
    return -1;
}

/* replace(s, old, new): every occurrence, left to right. */
vp_val vp_b_replace(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(3);
    if (!both_str(argv[0], argv[1]) || argv[2].tag != VP_STR) return vp_null();
    vp_str s = argv[0].u.s, old = argv[1].u.s, new = argv[2].u.s;
    if (old.n == 0) return argv[0];
    int64_t count = 0;
    for (int64_t i = find(s, old, 0); i >= 0; i = find(s, old, i + old.n)) count++;
    if (count == 0) return argv[0];
    int64_t n = s.n + count * (new.n - old.n);
    char *p = vp_scratch(ctx, n);
    if (!p) return vp_null();
    int64_t o = 0, from = 0;
    for (int64_t i = find(s, old, 0); i >= 0; i = find(s, old, from)) {
        memcpy(p + o, s.p + from, (size_t)(i - from));
        o += i - from;
        if (new.n) memcpy(p + o, new.p, (size_t)new.n);
        o += new.n;
        from = i + old.n;
    }
    memcpy(p + o, s.p + from, (size_t)(s.n - from));
    return vp_box_str(vp_lit(p, n));
}

/* split(s, sep): an array of strings; an empty sep splits characters. */
vp_val vp_b_split(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(2);
    if (!both_str(argv[0], argv[1])) return vp_null();
    vp_str s = argv[0].u.s, sep = argv[1].u.s;
    vp_w *w = vp_w_buf(ctx);
    vp_w_raw(w, "[", 1);
    if (sep.n == 0) {
        for (int64_t i = 0, next; i < s.n; i = next) {
            next = bi_utf8_next(s, i);
            if (i) vp_w_raw(w, ",", 1);
            vp_w_str(w, vp_lit(s.p + i, next - i));
        }
    } else {
        int64_t from = 0;
        for (int64_t i = find(s, sep, 0); i >= 0; i = find(s, sep, from)) {
            vp_w_str(w, vp_lit(s.p + from, i - from));
            vp_w_raw(w, ",", 1);
            from = i + sep.n;
        }
        vp_w_str(w, vp_lit(s.p + from, s.n - from));
    }
    vp_w_raw(w, "]", 1);
    return bi_json(vp_w_text(w));
}

/* join(arr, sep): strings as they are, other elements as JSON text. */
vp_val vp_b_join(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(2);
    if (!bi_is_array(argv[0]) || argv[1].tag != VP_STR) return vp_null();
    vp_w *w = vp_w_buf(ctx);
    vp_json_it it = {argv[0].u.s, 0};
    vp_val e;
    for (bool first = true; vp_json_next(ctx, &it, NULL, &e); first = false) {
        if (!first) vp_w_str_raw(w, argv[1].u.s);
        vp_w_val_raw(w, e);
    }
    return bi_str(vp_w_text(w));
}

/* substring(s, start[, end]): character indices, negative from the end,
 * clamped; empty when start >= end. */
vp_val vp_b_substring(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(2);
    if (argv[0].tag != VP_STR || argv[1].tag != VP_INT) return vp_null();
    if (argc >= 3 && argv[2].tag != VP_INT) return vp_null();
    vp_str s = argv[0].u.s;
    int64_t len = bi_utf8_len(s);
    int64_t a = bi_index(argv[1].u.i, len);
    int64_t b = argc >= 3 ? bi_index(argv[2].u.i, len) : len;
    if (a >= b) return vp_box_str(vp_lit("", 0));
    int64_t from = bi_utf8_offset(s, a);
    int64_t to = from + bi_utf8_offset(vp_lit(s.p + from, s.n - from), b - a);
    return vp_box_str(vp_lit(s.p + from, to - from));
}

/* concat(a, ...): each argument as to_string gives it; null if one is null. */
vp_val vp_b_concat(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    for (int32_t i = 0; i < argc; i++)
        if (argv[i].tag == VP_NULL) return vp_null();
    if (argc == 1 && argv[0].tag == VP_STR) return argv[0];
    vp_w *w = vp_w_buf(ctx);
    for (int32_t i = 0; i < argc; i++) vp_w_val_raw(w, argv[i]);
    return bi_str(vp_w_text(w));
}

static vp_val reverse_str(vp_ctx *ctx, vp_str s)
{
    char *p = vp_scratch(ctx, s.n);
    if (!p) return vp_null();
    for (int64_t i = 0, next; i < s.n; i = next) {
        next = bi_utf8_next(s, i);
        memcpy(p + (s.n - next), s.p + i, (size_t)(next - i));
    }
    return vp_box_str(vp_lit(p, s.n));
}

static vp_val reverse_array(vp_ctx *ctx, vp_val arr)
{
    int64_t n = bi_json_count(ctx, arr);
    vp_val *elems = vp_scratch(ctx, n * (int64_t)sizeof *elems);
    if (!elems) return vp_null();
    vp_json_it it = {arr.u.s, 0};
    int64_t got = 0;
    while (got < n && vp_json_next(ctx, &it, NULL, &elems[got])) got++;
    n = got;
    vp_w *w = vp_w_buf(ctx);
    vp_w_raw(w, "[", 1);
    for (int64_t k = n - 1; k >= 0; k--) {
        vp_w_val(w, elems[k]);
        if (k) vp_w_raw(w, ",", 1);
    }
    vp_w_raw(w, "]", 1);
    return bi_json(vp_w_text(w));
}

/* reverse(s) reverses characters; reverse(a) reverses elements. */
vp_val vp_b_reverse(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    if (argv[0].tag == VP_STR) return reverse_str(ctx, argv[0].u.s);
    if (bi_is_array(argv[0])) return reverse_array(ctx, argv[0]);
    return vp_null();
}
