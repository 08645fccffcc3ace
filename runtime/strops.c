/* strops.c — typed string and number helpers called by generated code. */
#include <math.h>
#include <string.h>

#include "rt.h"

int32_t vp_str_cmp(vp_str a, vp_str b)
{
    int64_t n = a.n < b.n ? a.n : b.n;
    int c = n > 0 ? memcmp(a.p, b.p, (size_t)n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return a.n < b.n ? -1 : a.n > b.n;
}

bool vp_str_eq(vp_str a, vp_str b) { return a.n == b.n && (a.n <= 0 || memcmp(a.p, b.p, (size_t)a.n) == 0); }

bool vp_str_contains(vp_str hay, vp_str needle)
{
    if (needle.n <= 0) return true;
    if (hay.n < needle.n) return false;
    const char *p = hay.p, *end = hay.p + (hay.n - needle.n) + 1;
    while (p < end) {
        p = memchr(p, needle.p[0], (size_t)(end - p));
        if (!p) return false;
        if (memcmp(p, needle.p, (size_t)needle.n) == 0) return true;
        p++;
    }
    return false;
}

vp_str vp_str_concat(vp_ctx *ctx, vp_str a, vp_str b)
{
    if (b.n <= 0) return a;
    if (a.n <= 0) return b;
    char *p = vp_scratch(ctx, a.n + b.n);
    if (!p) return vp_lit("", 0); /* counted by vp_scratch */
    memcpy(p, a.p, (size_t)a.n);
    memcpy(p + a.n, b.p, (size_t)b.n);
    return vp_lit(p, a.n + b.n);
}

double vp_f_mod(double a, double b) { return fmod(a, b); }
double vp_f_pow(double a, double b) { return pow(a, b); }
double vp_f_sqrt(double a) { return sqrt(a); }

int64_t vp_i_pow(int64_t a, int64_t b)
{
    if (b < 0) {
        /* the truncated value of 1 / a^-b */
        if (a == 1) return 1;
        if (a == -1) return (b % 2) ? -1 : 1;
        return 0;
    }
    uint64_t base = (uint64_t)a, r = 1;
    while (b) {
        if (b & 1) r *= base;
        base *= base;
        b >>= 1;
    }
    return (int64_t)r;
}
