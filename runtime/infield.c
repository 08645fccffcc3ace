/* infield.c — input field values to C values for declared fields.
 * Each returns 1 when a value was stored, 0 for null, -1 for a wrong type. */
#include "scan_inline.h"

/* The scanner parsed numbers once (has_num); fields built elsewhere are
 * parsed from their text. */
static bool int_of(const vp_field *f, int64_t *out)
{
    if (f->has_num) {
        *out = f->num.i;
        return true;
    }
    return rt_parse_i64_i(f->raw.p, (size_t)f->raw.n, out);
}

static bool float_of(const vp_field *f, double *out)
{
    if (f->has_num) {
        *out = f->num.f;
        return true;
    }
    return rt_parse_f64_fast(f->raw.p, (size_t)f->raw.n, out) || rt_parse_f64(f->raw.p, (size_t)f->raw.n, out);
}

int vp_in_int(const vp_field *f, int64_t *out)
{
    if (f->kind == VP_J_NULL) return 0;
    if (f->kind != VP_J_INT) return -1;
    return int_of(f, out) ? 1 : -1;
}

int vp_in_float(const vp_field *f, double *out)
{
    int64_t i;
    switch (f->kind) {
    case VP_J_NULL: return 0;
    case VP_J_INT:
        if (!int_of(f, &i)) return -1;
        *out = (double)i;
        return 1;
    case VP_J_FLOAT: return float_of(f, out) ? 1 : -1;
    default: return -1;
    }
}

int vp_in_bool(const vp_field *f, bool *out)
{
    switch (f->kind) {
    case VP_J_NULL: return 0;
    case VP_J_TRUE: *out = true; return 1;
    case VP_J_FALSE: *out = false; return 1;
    default: return -1;
    }
}

int vp_in_str(const vp_field *f, vp_str *out)
{
    if (f->kind == VP_J_NULL) return 0;
    if (f->kind != VP_J_STR) return -1;
    *out = f->raw;
    return 1;
}

int vp_in_ts(const vp_field *f, int64_t *out)
{
    int64_t ms;
    double fms;
    switch (f->kind) {
    case VP_J_NULL: return 0;
    case VP_J_INT: return int_of(f, &ms) && rt_ms_to_ns(ms, out) ? 1 : -1;
    case VP_J_FLOAT: return float_of(f, &fms) && rt_fms_to_ns(fms, out) ? 1 : -1;
    case VP_J_STR: return rt_parse_iso8601(f->raw.p, (size_t)f->raw.n, out) ? 1 : -1;
    default: return -1;
    }
}

int vp_in_dur(const vp_field *f, int64_t *out)
{
    int64_t ms;
    if (f->kind == VP_J_NULL) return 0;
    if (f->kind != VP_J_INT) return -1;
    return int_of(f, &ms) && rt_ms_to_ns(ms, out) ? 1 : -1;
}

vp_val vp_in_dyn(const vp_field *f)
{
    vp_val v = vp_null();
    switch (f->kind) {
    case VP_J_TRUE: return vp_box_bool(true);
    case VP_J_FALSE: return vp_box_bool(false);
    case VP_J_INT:
        if (int_of(f, &v.u.i)) v.tag = VP_INT;
        return v;
    case VP_J_FLOAT:
        if (float_of(f, &v.u.f)) v.tag = VP_FLOAT;
        return v;
    case VP_J_STR: return vp_box_str(f->raw);
    case VP_J_ARRAY:
    case VP_J_OBJECT:
        v.tag = VP_JSON;
        v.u.s = f->raw;
        return v;
    default: return v;
    }
}

int vp_in_json(const vp_field *f, int32_t jkind, vp_val *out)
{
    *out = vp_null();
    if (f->kind == VP_J_NULL) return 0;
    if (f->kind != jkind) return -1;
    *out = vp_in_dyn(f);
    return 1;
}
