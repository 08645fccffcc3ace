/* math.c — numeric builtins (LANGUAGE.md §9). Results are int when every
 * argument is int (where the result type is NUM), float otherwise; floor,
 * ceil and round give ints (null when the result is outside int64). */
#include <math.h>

#include "bi.h"

#define NEED(n)                                \
    do {                                       \
        if (argc < (n) || !argv) return vp_null(); \
    } while (0)

static vp_val unary_float(int32_t argc, const vp_val *argv, double (*fn)(double))
{
    NEED(1);
    return bi_is_num(argv[0]) ? vp_box_float(fn(bi_f(argv[0]))) : vp_null();
}

vp_val vp_b_sqrt(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return unary_float(argc, argv, sqrt); }
vp_val vp_b_log(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return unary_float(argc, argv, log); }
vp_val vp_b_log10(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return unary_float(argc, argv, log10); }
vp_val vp_b_exp(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return unary_float(argc, argv, exp); }
vp_val vp_b_sin(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return unary_float(argc, argv, sin); }
vp_val vp_b_cos(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return unary_float(argc, argv, cos); }
vp_val vp_b_tan(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return unary_float(argc, argv, tan); }

vp_val vp_b_abs(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    vp_val x = argv[0];
    if (x.tag == VP_INT) return vp_box_int(x.u.i < 0 ? vp_i_wrap_neg(x.u.i) : x.u.i);
    if (x.tag == VP_FLOAT) return vp_box_float(fabs(x.u.f));
    return vp_null();
}

/* An integral double as an int, null when it does not fit (or is NaN). */
static vp_val int_of(double r)
{
    if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return vp_null();
    return vp_box_int((int64_t)r);
}

static vp_val to_int_by(int32_t argc, const vp_val *argv, double (*fn)(double))
{
    NEED(1);
    if (argv[0].tag == VP_INT) return argv[0];
    if (argv[0].tag == VP_FLOAT) return int_of(fn(argv[0].u.f));
    return vp_null();
}

vp_val vp_b_floor(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return to_int_by(argc, argv, floor); }
vp_val vp_b_ceil(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return to_int_by(argc, argv, ceil); }
/* C round(): half away from zero */
vp_val vp_b_round(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return to_int_by(argc, argv, round); }

vp_val vp_b_pow(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(2);
    vp_val x = argv[0], y = argv[1];
    if (!bi_is_num(x) || !bi_is_num(y)) return vp_null();
    if (x.tag == VP_INT && y.tag == VP_INT && y.u.i >= 0) return vp_box_int(vp_i_pow(x.u.i, y.u.i));
    return vp_box_float(pow(bi_f(x), bi_f(y)));
}

/* Whether b should replace best (want < 0: minimum, > 0: maximum). */
static bool better(vp_val b, vp_val best, int want)
{
    return vp_dyn_cmp(want < 0 ? VP_OP_LT : VP_OP_GT, b, best);
}

static bool comparable(vp_val a, vp_val b)
{
    if (bi_is_num(a) && bi_is_num(b)) return true;
    return a.tag == b.tag && (a.tag == VP_STR || a.tag == VP_TS || a.tag == VP_DUR);
}

/* min/max of an array: numbers if it has any (int when all are), else
 * strings; other elements (and NaN) are skipped. */
static vp_val pick_in_array(vp_ctx *ctx, vp_val arr, int want)
{
    if (!bi_is_array(arr)) return vp_null();
    vp_json_it it = {arr.u.s, 0};
    vp_val e, num = vp_null(), str = vp_null();
    bool all_int = true;
    while (vp_json_next(ctx, &it, NULL, &e)) {
        if (bi_is_num(e)) {
            if (e.tag == VP_FLOAT && isnan(e.u.f)) continue;
            all_int &= e.tag == VP_INT;
            if (num.tag == VP_NULL || better(e, num, want)) num = e;
        } else if (e.tag == VP_STR) {
            if (str.tag == VP_NULL || better(e, str, want)) str = e;
        }
    }
    if (num.tag == VP_NULL) return str;
    return all_int ? num : vp_box_float(bi_f(num));
}

static vp_val pick(vp_ctx *ctx, int32_t argc, const vp_val *argv, int want)
{
    NEED(1);
    if (argc == 1) return pick_in_array(ctx, argv[0], want);
    vp_val a = argv[0], b = argv[1];
    if (!comparable(a, b)) return vp_null();
    vp_val r = better(b, a, want) ? b : a;
    if (bi_is_num(a) && !(a.tag == VP_INT && b.tag == VP_INT)) return vp_box_float(bi_f(r));
    return r;
}

vp_val vp_b_min(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return pick(ctx, argc, argv, -1); }
vp_val vp_b_max(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return pick(ctx, argc, argv, 1); }

/* clamp(x, lo, hi): null when lo > hi. */
vp_val vp_b_clamp(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(3);
    vp_val x = argv[0], lo = argv[1], hi = argv[2];
    if (!bi_is_num(x) || !bi_is_num(lo) || !bi_is_num(hi) || vp_dyn_cmp(VP_OP_GT, lo, hi))
        return vp_null();
    vp_val r = vp_dyn_cmp(VP_OP_LT, x, lo) ? lo : vp_dyn_cmp(VP_OP_GT, x, hi) ? hi : x;
    bool ints = x.tag == VP_INT && lo.tag == VP_INT && hi.tag == VP_INT;
    return ints ? r : vp_box_float(bi_f(r));
}
