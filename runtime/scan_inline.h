/* scan_inline.h — the hot primitives of input scanning as static inline
 * functions, so the JSON scanner and the field converters compile them in
 * place (no call per string or number). The exported rt_* functions of
 * numparse.c and jstr.c are thin wrappers over these. Private to runtime/. */
#ifndef VP_SCAN_INLINE_H
#define VP_SCAN_INLINE_H

#include <string.h>

#include "rt.h"

static inline bool rt_is_digit(char c) { return c >= '0' && c <= '9'; }

static inline size_t rt_num_scan_i(const char *p, size_t n, bool *is_int)
{
    size_t i = 0;
    bool integral = true;
    if (i < n && p[i] == '-') i++;
    if (i >= n || !rt_is_digit(p[i])) return 0;
    if (p[i] == '0') {
        i++;
    } else {
        while (i < n && rt_is_digit(p[i])) i++;
    }
    if (i < n && p[i] == '.') {
        i++;
        if (i >= n || !rt_is_digit(p[i])) return 0;
        while (i < n && rt_is_digit(p[i])) i++;
        integral = false;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) i++;
        if (i >= n || !rt_is_digit(p[i])) return 0;
        while (i < n && rt_is_digit(p[i])) i++;
        integral = false;
    }
    if (is_int) *is_int = integral;
    return i;
}

static inline bool rt_parse_i64_i(const char *p, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && p[i] == '-') {
        neg = true;
        i++;
    }
    if (i >= n) return false;
    if (n - i <= 18) { /* cannot overflow: no per-digit range check */
        uint64_t u = 0;
        for (; i < n; i++) {
            unsigned d = (unsigned)(unsigned char)p[i] - '0';
            if (d > 9) return false;
            u = u * 10 + d;
        }
        *out = neg ? -(int64_t)u : (int64_t)u;
        return true;
    }
    /* accumulate negatively so that INT64_MIN is representable */
    int64_t v = 0;
    for (; i < n; i++) {
        if (!rt_is_digit(p[i])) return false;
        int d = p[i] - '0';
        if (v < (INT64_MIN + d) / 10) return false;
        v = v * 10 - d;
    }
    if (!neg) {
        if (v == INT64_MIN) return false;
        v = -v;
    }
    *out = v;
    return true;
}

/* Powers of ten exactly representable as doubles. */
static const double rt_exact_pow10[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Clinger's fast path: a mantissa below 2^53 scaled by an exact power of ten
 * is one correctly rounded operation. Returns false when it does not apply. */
static inline bool rt_parse_f64_fast(const char *p, size_t n, double *out)
{
    size_t i = 0;
    bool neg = p[0] == '-';
    if (neg) i++;
    uint64_t m = 0;
    int digits = 0;
    int64_t exp10 = 0;
    for (; i < n && rt_is_digit(p[i]); i++) {
        if (m == 0 && p[i] == '0') continue;
        if (digits >= 19) return false;
        m = m * 10 + (uint64_t)(p[i] - '0');
        digits++;
    }
    if (i < n && p[i] == '.') {
        for (i++; i < n && rt_is_digit(p[i]); i++) {
            if (m == 0 && p[i] == '0') {
                exp10--;
                continue;
            }
            if (digits >= 19) return false;
            m = m * 10 + (uint64_t)(p[i] - '0');
            digits++;
            exp10--;
        }
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (p[i] == '+' || p[i] == '-')) eneg = p[i++] == '-';
        int64_t e = 0;
        for (; i < n && rt_is_digit(p[i]); i++) {
            if (e > 100000) return false;
            e = e * 10 + (p[i] - '0');
        }
        exp10 += eneg ? -e : e;
    }
    if (m == 0) {
        *out = neg ? -0.0 : 0.0;
        return true;
    }
    if (m > ((uint64_t)1 << 53) || exp10 < -22 || exp10 > 22) return false;
    double d = (double)m;
    d = exp10 < 0 ? d / rt_exact_pow10[-exp10] : d * rt_exact_pow10[exp10];
    *out = neg ? -d : d;
    return true;
}

/* Bytes of w that are '"', '\\' or below 0x20 (nonzero when any is). The
 * carries of the subtraction may flag more bytes after a real one, so the
 * word is then rescanned byte by byte. */
static inline uint64_t rt_special_bytes(uint64_t w)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & high;
}

static inline int64_t rt_json_str_end_i(const char *p, size_t n, bool *esc, size_t *bad)
{
    bool has_esc = false;
    size_t i = 0;
    /* plain runs, eight bytes at a time */
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (rt_special_bytes(w)) break;
        i += 8;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"') {
            *esc = has_esc;
            return (int64_t)i;
        }
        if (c == '\\') {
            has_esc = true;
            i++; /* the escaped character cannot end the string */
            if (i < n && (unsigned char)p[i] < 0x20) {
                *bad = i;
                return -1;
            }
        } else if (c < 0x20) {
            *bad = i;
            return -1;
        }
    }
    *bad = n;
    return -1;
}

/* Parses an INT/FLOAT field's number once, at scan time, for vp_in_*. */
static inline void rt_field_parse_num(vp_field *f)
{
    f->has_num = 0;
    if (f->kind == VP_J_INT)
        f->has_num = rt_parse_i64_i(f->raw.p, (size_t)f->raw.n, &f->num.i);
    else if (f->kind == VP_J_FLOAT)
        f->has_num = rt_parse_f64_fast(f->raw.p, (size_t)f->raw.n, &f->num.f) ||
                     rt_parse_f64(f->raw.p, (size_t)f->raw.n, &f->num.f);
}

#endif /* VP_SCAN_INLINE_H */
