/* numparse.c — number text from input: JSON number syntax, overflow-checked
 * integers, and doubles (exact fast path, strtod otherwise). */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t rt_num_scan(const char *p, size_t n, bool *is_int)
{
    size_t i = 0;
    bool integral = true;
    if (i < n && p[i] == '-') i++;
    if (i >= n || !is_digit(p[i])) return 0;
    if (p[i] == '0') {
        i++;
    } else {
        while (i < n && is_digit(p[i])) i++;
    }
    if (i < n && p[i] == '.') {
        i++;
        if (i >= n || !is_digit(p[i])) return 0;
        while (i < n && is_digit(p[i])) i++;
        integral = false;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) i++;
        if (i >= n || !is_digit(p[i])) return 0;
        while (i < n && is_digit(p[i])) i++;
        integral = false;
    }
    if (is_int) *is_int = integral;
    return i;
}

bool rt_parse_i64(const char *p, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && p[i] == '-') {
        neg = true;
        i++;
    }
    if (i >= n) return false;
    /* accumulate negatively so that INT64_MIN is representable */
    int64_t v = 0;
    for (; i < n; i++) {
        if (!is_digit(p[i])) return false;
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
static const double exact_pow10[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Clinger's fast path: a mantissa below 2^53 scaled by an exact power of ten
 * is one correctly rounded operation. Returns false when it does not apply. */
static bool parse_fast(const char *p, size_t n, double *out)
{
    size_t i = 0;
    bool neg = p[0] == '-';
    if (neg) i++;
    uint64_t m = 0;
    int digits = 0;
    int64_t exp10 = 0;
    for (; i < n && is_digit(p[i]); i++) {
        if (m == 0 && p[i] == '0') continue;
        if (digits >= 19) return false;
        m = m * 10 + (uint64_t)(p[i] - '0');
        digits++;
    }
    if (i < n && p[i] == '.') {
        for (i++; i < n && is_digit(p[i]); i++) {
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
        for (; i < n && is_digit(p[i]); i++) {
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
    d = exp10 < 0 ? d / exact_pow10[-exp10] : d * exact_pow10[exp10];
    *out = neg ? -d : d;
    return true;
}

bool rt_parse_f64(const char *p, size_t n, double *out)
{
    if (n == 0 || n > RT_NUM_MAX || rt_num_scan(p, n, NULL) != n) return false;
    if (parse_fast(p, n, out)) return true;
    char buf[RT_NUM_MAX + 1];
    memcpy(buf, p, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return true;
}
