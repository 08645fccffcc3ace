/* conv.c — conversion and type builtins (LANGUAGE.md §9).
 *
 * to_string: strings as they are, numbers in output form (floats canonical),
 * bools "true"/"false", timestamps and durations as milliseconds, arrays and
 * maps as JSON text; null (and NaN/infinity) give null.
 * to_int / to_float: from numbers, bools (1/0) and numeric strings (blanks
 * around allowed); to_int truncates toward zero; null otherwise.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bi.h"

#define NEED(n)                                \
    do {                                       \
        if (argc < (n) || !argv) return vp_null(); \
    } while (0)

#define MAX_NUMBER_TEXT 512

vp_val vp_b_to_string(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    vp_val x = argv[0];
    if (x.tag == VP_STR) return x;
    if (x.tag == VP_NULL || (x.tag == VP_FLOAT && !isfinite(x.u.f))) return vp_null();
    if (x.tag == VP_JSON) return vp_box_str(x.u.s);
    vp_w *w = vp_w_buf(ctx);
    vp_w_val(w, x);
    return bi_str(vp_w_text(w));
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* A number in s: [+-]digits[.digits][e[+-]digits] (or .digits), blanks
 * around allowed. Integers within int64 come back as *i with *is_int. */
static bool parse_number(vp_str s, bool *is_int, int64_t *i, double *f)
{
    int64_t a = 0, b = s.n;
    while (a < b && is_space(s.p[a])) a++;
    while (b > a && is_space(s.p[b - 1])) b--;
    if (b - a <= 0 || b - a > MAX_NUMBER_TEXT) return false;
    char buf[MAX_NUMBER_TEXT + 1];
    memcpy(buf, s.p + a, (size_t)(b - a));
    buf[b - a] = '\0';
    const char *p = buf;
    if (*p == '+' || *p == '-') p++;
    int digits = 0;
    bool integral = true;
    while (is_digit(*p)) p++, digits++;
    if (*p == '.') {
        p++;
        integral = false;
        while (is_digit(*p)) p++, digits++;
    }
    if (digits == 0) return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        integral = false;
        if (*p == '+' || *p == '-') p++;
        if (!is_digit(*p)) return false;
        while (is_digit(*p)) p++;
    }
    if (*p) return false;
    *f = strtod(buf, NULL);
    *is_int = false;
    if (integral) {
        errno = 0;
        long long v = strtoll(buf, NULL, 10);
        /* beyond int64 the double stands instead */
        if (errno != ERANGE) {
            *is_int = true;
            *i = v;
        }
    }
    return true;
}

/* A finite double truncated toward zero, null outside int64. */
static vp_val trunc_int(double f)
{
    double t = trunc(f);
    if (!(t >= -9223372036854775808.0 && t < 9223372036854775808.0)) return vp_null();
    return vp_box_int((int64_t)t);
}

vp_val vp_b_to_int(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    vp_val x = argv[0];
    bool is_int;
    int64_t i;
    double f;
    switch (x.tag) {
    case VP_INT: return x;
    case VP_FLOAT: return trunc_int(x.u.f);
    case VP_BOOL: return vp_box_int(x.u.b ? 1 : 0);
    case VP_STR:
        if (!parse_number(x.u.s, &is_int, &i, &f)) return vp_null();
        return is_int ? vp_box_int(i) : trunc_int(f);
    default: return vp_null();
    }
}

vp_val vp_b_to_float(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    vp_val x = argv[0];
    bool is_int;
    int64_t i;
    double f;
    switch (x.tag) {
    case VP_INT: return vp_box_float((double)x.u.i);
    case VP_FLOAT: return x;
    case VP_BOOL: return vp_box_float(x.u.b ? 1.0 : 0.0);
    case VP_STR:
        if (!parse_number(x.u.s, &is_int, &i, &f)) return vp_null();
        return vp_box_float(is_int ? (double)i : f);
    default: return vp_null();
    }
}

static vp_val name(const char *s) { return vp_box_str(vp_lit(s, (int64_t)strlen(s))); }

vp_val vp_b_type_of(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    switch (argv[0].tag) {
    case VP_NULL: return name("null");
    case VP_BOOL: return name("bool");
    case VP_INT: return name("int");
    case VP_FLOAT: return name("float");
    case VP_STR: return name("string");
    case VP_TS: return name("timestamp");
    case VP_DUR: return name("duration");
    case VP_JSON: return name(bi_is_map(argv[0]) ? "map" : "array");
    default: return vp_null();
    }
}

static vp_val is_tag(int32_t argc, const vp_val *argv, int64_t tag)
{
    NEED(1);
    return vp_box_bool(argv[0].tag == tag);
}

vp_val vp_b_is_null(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return is_tag(argc, argv, VP_NULL); }
vp_val vp_b_is_int(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return is_tag(argc, argv, VP_INT); }
vp_val vp_b_is_float(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return is_tag(argc, argv, VP_FLOAT); }
vp_val vp_b_is_string(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return is_tag(argc, argv, VP_STR); }
vp_val vp_b_is_bool(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return is_tag(argc, argv, VP_BOOL); }

vp_val vp_b_is_array(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    return vp_box_bool(bi_is_array(argv[0]));
}

vp_val vp_b_is_map(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    return vp_box_bool(bi_is_map(argv[0]));
}

vp_val vp_b_coalesce(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    for (int32_t i = 0; argv && i < argc; i++)
        if (argv[i].tag != VP_NULL) return argv[i];
    return vp_null();
}

vp_val vp_b_if_null(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(2);
    return argv[0].tag == VP_NULL ? argv[1] : argv[0];
}
