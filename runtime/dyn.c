/* dyn.c — operators on dynamically typed values (LANGUAGE.md §3).
 *
 * int∘int -> int (wrapping), any float -> float; / and % by zero -> null;
 * int ** int (exponent >= 0) -> int, else float; str + str concatenates;
 * timestamp - timestamp -> duration, timestamp ± duration -> timestamp,
 * duration ± duration, duration * number, duration / number. A null operand
 * or a type mismatch gives null (for comparisons: false).
 */
#include <math.h>
#include <string.h>

#include "rt.h"

static bool is_num(vp_val v) { return v.tag == VP_INT || v.tag == VP_FLOAT; }
static double as_f(vp_val v) { return v.tag == VP_INT ? (double)v.u.i : v.u.f; }

/* -1, 0, 1, or 2 when unordered (NaN): exact for any int/float pair. */
static int cmp_int_float(int64_t i, double f)
{
    if (isnan(f)) return 2;
    if (f >= 9223372036854775808.0) return -1;
    if (f < -9223372036854775808.0) return 1;
    double t = trunc(f);
    int64_t ti = (int64_t)t;
    if (i != ti) return i < ti ? -1 : 1;
    double frac = f - t;
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

/* Ordering of two numbers, 2 when unordered. */
static int cmp_num(vp_val a, vp_val b)
{
    if (a.tag == VP_INT && b.tag == VP_INT) return a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
    if (a.tag == VP_INT) return cmp_int_float(a.u.i, b.u.f);
    if (b.tag == VP_INT) {
        int c = cmp_int_float(b.u.i, a.u.f);
        return c == 2 ? 2 : -c;
    }
    if (a.u.f < b.u.f) return -1;
    if (a.u.f > b.u.f) return 1;
    return a.u.f == b.u.f ? 0 : 2;
}

static vp_val num_result(int64_t tag, int64_t i, double f)
{
    return tag == VP_INT ? vp_box_int(i) : vp_box_float(f);
}

static vp_val arith_num(int32_t op, vp_val a, vp_val b)
{
    bool ints = a.tag == VP_INT && b.tag == VP_INT;
    int64_t x = a.u.i, y = b.u.i;
    double fx = as_f(a), fy = as_f(b);
    int64_t tag = ints ? VP_INT : VP_FLOAT;
    switch (op) {
    case VP_OP_ADD: return num_result(tag, vp_i_wrap_add(x, y), fx + fy);
    case VP_OP_SUB: return num_result(tag, vp_i_wrap_sub(x, y), fx - fy);
    case VP_OP_MUL: return num_result(tag, vp_i_wrap_mul(x, y), fx * fy);
    case VP_OP_DIV:
        if (ints ? y == 0 : fy == 0.0) return vp_null();
        return ints ? vp_box_int(vp_i_div(x, y)) : vp_box_float(fx / fy);
    case VP_OP_MOD:
        if (ints ? y == 0 : fy == 0.0) return vp_null();
        return ints ? vp_box_int(vp_i_mod(x, y)) : vp_box_float(fmod(fx, fy));
    case VP_OP_POW:
        if (ints && y >= 0) return vp_box_int(vp_i_pow(x, y));
        return vp_box_float(pow(fx, fy));
    case VP_OP_SHL: return ints ? vp_box_int(vp_i_shl(x, y)) : vp_null();
    case VP_OP_SHR: return ints ? vp_box_int(vp_i_shr(x, y)) : vp_null();
    case VP_OP_BAND: return ints ? vp_box_int(x & y) : vp_null();
    case VP_OP_BOR: return ints ? vp_box_int(x | y) : vp_null();
    case VP_OP_BXOR: return ints ? vp_box_int(x ^ y) : vp_null();
    default: return vp_null();
    }
}

/* A duration scaled by a number; null when the result does not fit. */
static vp_val dur_scale(int64_t ns, vp_val k, bool divide)
{
    if (k.tag == VP_INT) {
        if (divide) return k.u.i == 0 ? vp_null() : vp_box_dur(vp_i_div(ns, k.u.i));
        return vp_box_dur(vp_i_wrap_mul(ns, k.u.i));
    }
    if (divide && k.u.f == 0.0) return vp_null();
    double r = divide ? (double)ns / k.u.f : (double)ns * k.u.f;
    if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return vp_null();
    return vp_box_dur((int64_t)r);
}

/* Operators with a timestamp or duration operand. */
static vp_val arith_time(int32_t op, vp_val a, vp_val b)
{
    int64_t ta = a.tag, tb = b.tag;
    if (op == VP_OP_ADD) {
        if (ta == VP_TS && tb == VP_DUR) return vp_box_ts(vp_i_wrap_add(a.u.i, b.u.i));
        if (ta == VP_DUR && tb == VP_TS) return vp_box_ts(vp_i_wrap_add(a.u.i, b.u.i));
        if (ta == VP_DUR && tb == VP_DUR) return vp_box_dur(vp_i_wrap_add(a.u.i, b.u.i));
    } else if (op == VP_OP_SUB) {
        if (ta == VP_TS && tb == VP_TS) return vp_box_dur(vp_i_wrap_sub(a.u.i, b.u.i));
        if (ta == VP_TS && tb == VP_DUR) return vp_box_ts(vp_i_wrap_sub(a.u.i, b.u.i));
        if (ta == VP_DUR && tb == VP_DUR) return vp_box_dur(vp_i_wrap_sub(a.u.i, b.u.i));
    } else if (op == VP_OP_MUL) {
        if (ta == VP_DUR && is_num(b)) return dur_scale(a.u.i, b, false);
        if (is_num(a) && tb == VP_DUR) return dur_scale(b.u.i, a, false);
    } else if (op == VP_OP_DIV) {
        if (ta == VP_DUR && is_num(b)) return dur_scale(a.u.i, b, true);
    }
    return vp_null();
}

vp_val vp_dyn_arith(vp_ctx *ctx, int32_t op, vp_val a, vp_val b)
{
    if (op >= VP_OP_LT && op <= VP_OP_GE) return vp_box_bool(vp_dyn_cmp(op, a, b));
    if (a.tag == VP_NULL || b.tag == VP_NULL) return vp_null();
    if (is_num(a) && is_num(b)) return arith_num(op, a, b);
    if (op == VP_OP_ADD && a.tag == VP_STR && b.tag == VP_STR) {
        return vp_box_str(vp_str_concat(ctx, a.u.s, b.u.s));
    }
    return arith_time(op, a, b);
}

bool vp_dyn_cmp(int32_t op, vp_val a, vp_val b)
{
    int c;
    if (is_num(a) && is_num(b))
        c = cmp_num(a, b);
    else if (a.tag == VP_STR && b.tag == VP_STR)
        c = vp_str_cmp(a.u.s, b.u.s);
    else if ((a.tag == VP_TS || a.tag == VP_DUR) && a.tag == b.tag)
        c = a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
    else
        return false;
    switch (op) {
    case VP_OP_LT: return c == -1;
    case VP_OP_LE: return c == -1 || c == 0;
    case VP_OP_GT: return c == 1;
    case VP_OP_GE: return c == 1 || c == 0;
    default: return false;
    }
}

bool vp_dyn_eq(vp_val a, vp_val b)
{
    if (is_num(a) && is_num(b)) return cmp_num(a, b) == 0;
    if (a.tag != b.tag) return false;
    switch (a.tag) {
    case VP_NULL: return true;
    case VP_BOOL: return a.u.b == b.u.b;
    case VP_STR:
    case VP_JSON: return vp_str_eq(a.u.s, b.u.s);
    case VP_TS:
    case VP_DUR: return a.u.i == b.u.i;
    default: return false;
    }
}

vp_val vp_dyn_neg(vp_val a)
{
    switch (a.tag) {
    case VP_INT: return vp_box_int(vp_i_wrap_neg(a.u.i));
    case VP_FLOAT: return vp_box_float(-a.u.f);
    case VP_DUR: return vp_box_dur(vp_i_wrap_neg(a.u.i));
    default: return vp_null();
    }
}

vp_val vp_dyn_bitnot(vp_val a) { return a.tag == VP_INT ? vp_box_int(~a.u.i) : vp_null(); }

bool vp_dyn_in(vp_val a, vp_val b)
{
    if (b.tag == VP_STR) return a.tag == VP_STR && vp_str_contains(b.u.s, a.u.s);
    if (b.tag != VP_JSON || b.u.s.n < 2) return false;
    vp_ctx *ctx = rt_ctx_active();
    bool is_map = b.u.s.p[0] == '{';
    vp_json_it it = {b.u.s, 0};
    vp_str key;
    vp_val elem;
    while (vp_json_next(ctx, &it, &key, is_map ? NULL : &elem)) {
        if (is_map ? (a.tag == VP_STR && key.p && vp_str_eq(key, a.u.s)) : vp_dyn_eq(a, elem))
            return true;
    }
    return false;
}

vp_val vp_dyn_member(vp_val m, vp_str key)
{
    if (m.tag != VP_JSON || m.u.s.n < 2 || m.u.s.p[0] != '{') return vp_null();
    vp_ctx *ctx = rt_ctx_active();
    vp_json_it it = {m.u.s, 0};
    vp_str k, raw, found = {NULL, 0};
    /* duplicate keys: the last one counts */
    while (rt_jv_next(it.text, &it.pos, &k, &raw)) {
        vp_str name = rt_jv_unescape(ctx, k);
        if (name.p && vp_str_eq(name, key)) found = raw;
    }
    return found.p ? rt_jv_decode(ctx, found) : vp_null();
}
