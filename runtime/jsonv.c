/* jsonv.c — reading arrays and maps held as JSON text (VP_JSON values).
 *
 * The runtime writes them canonically (no whitespace), but the readers skip
 * whitespace and stop quietly at anything malformed, so any text is safe.
 */
#include <string.h>

#include "rt.h"

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int64_t skip_ws(vp_str t, int64_t i)
{
    while (i < t.n && is_ws(t.p[i])) i++;
    return i;
}

/* Index just past the string whose opening quote is at i, or -1. */
static int64_t string_end(vp_str t, int64_t i)
{
    bool esc;
    size_t bad;
    int64_t e = rt_json_str_end(t.p + i + 1, (size_t)(t.n - i - 1), &esc, &bad);
    return e < 0 ? -1 : i + e + 2;
}

/* Index just past the value starting at i (scalars end before the next
 * ',', ']' or '}' at depth 0), or -1 when brackets do not balance. */
static int64_t value_end(vp_str t, int64_t i)
{
    int64_t depth = 0;
    while (i < t.n) {
        char c = t.p[i];
        if (c == '"') {
            i = string_end(t, i);
            if (i < 0) return -1;
            if (depth == 0) return i;
        } else if (c == '[' || c == '{') {
            depth++;
            i++;
        } else if (c == ']' || c == '}') {
            if (depth == 0) return i;
            i++;
            if (--depth == 0) return i;
        } else if (c == ',' && depth == 0) {
            return i;
        } else {
            i++;
        }
    }
    return depth == 0 ? i : -1;
}

bool rt_jv_next(vp_str text, int64_t *pos, vp_str *key, vp_str *val)
{
    if (!text.p || text.n < 2 || *pos < 0 || *pos >= text.n) return false;
    char open = text.p[0];
    if (open != '[' && open != '{') return false;
    char close = open == '[' ? ']' : '}';
    int64_t i = *pos;
    if (i == 0) {
        i = skip_ws(text, 1);
        if (i >= text.n || text.p[i] == close) goto done;
    } else {
        i = skip_ws(text, i);
        if (i >= text.n || text.p[i] != ',') goto done;
        i = skip_ws(text, i + 1);
    }
    *key = vp_lit(NULL, 0);
    if (open == '{') {
        if (i >= text.n || text.p[i] != '"') goto done;
        int64_t e = string_end(text, i);
        if (e < 0) goto done;
        *key = vp_lit(text.p + i + 1, e - i - 2);
        i = skip_ws(text, e);
        if (i >= text.n || text.p[i] != ':') goto done;
        i = skip_ws(text, i + 1);
    }
    int64_t end = value_end(text, i);
    if (end <= i) goto done;
    *pos = end;
    while (end > i && is_ws(text.p[end - 1])) end--;
    *val = vp_lit(text.p + i, end - i);
    return true;
done:
    *pos = text.n;
    return false;
}

vp_str rt_jv_unescape(vp_ctx *ctx, vp_str body)
{
    if (body.n <= 0 || !memchr(body.p, '\\', (size_t)body.n)) return body;
    if (!ctx) ctx = rt_ctx_active();
    char *out = vp_scratch(ctx, body.n);
    size_t bad;
    int64_t n = out ? rt_json_unescape(body.p, (size_t)body.n, out, &bad) : -1;
    return n < 0 ? vp_lit(NULL, 0) : vp_lit(out, n);
}

static bool is_word(vp_str v, const char *w, int64_t n) { return v.n == n && memcmp(v.p, w, (size_t)n) == 0; }

vp_val rt_jv_decode(vp_ctx *ctx, vp_str v)
{
    vp_val r = vp_null();
    if (!v.p || v.n <= 0) return r;
    char c = v.p[0];
    if (c == '"') {
        if (v.n < 2 || string_end(v, 0) != v.n) return r;
        vp_str s = rt_jv_unescape(ctx, vp_lit(v.p + 1, v.n - 2));
        return s.p ? vp_box_str(s) : r;
    }
    if (c == '[' || c == '{') {
        r.tag = VP_JSON;
        r.u.s = v;
        return r;
    }
    if (is_word(v, "true", 4)) return vp_box_bool(true);
    if (is_word(v, "false", 5)) return vp_box_bool(false);
    bool is_int;
    if (rt_num_scan(v.p, (size_t)v.n, &is_int) != (size_t)v.n) return r;
    int64_t i;
    double d;
    if (is_int && rt_parse_i64(v.p, (size_t)v.n, &i)) return vp_box_int(i);
    if (rt_parse_f64(v.p, (size_t)v.n, &d)) return vp_box_float(d);
    return r;
}

bool vp_json_next(vp_ctx *ctx, vp_json_it *it, vp_str *key, vp_val *val)
{
    vp_str k, v;
    if (!it || !rt_jv_next(it->text, &it->pos, &k, &v)) return false;
    if (key) *key = k.p ? rt_jv_unescape(ctx, k) : k;
    if (val) *val = rt_jv_decode(ctx, v);
    return true;
}
