/* test_fmt_float.c — rt_fmt_float against the definition of LANGUAGE.md §8,
 * written out plainly with snprintf and strtod, over value families chosen
 * to reach every branch: random bit patterns, decimal-looking values and
 * their averages, powers of ten and two with their neighbours, exact ties,
 * the 1e15..1e17 switch to exponent notation, and the ends of the range;
 * and rt_fmt_int, which shares the digit writer, against printf. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* The definition: integral below 1e16 → digits + ".0"; else the shortest
 * %.{p}g that reads back, with ".0" when it has neither '.' nor 'e'. */
static void reference(double v, char *out)
{
    if (!isfinite(v)) {
        strcpy(out, "null");
        return;
    }
    if (fabs(v) < 1e16 && v == trunc(v)) {
        snprintf(out, 40, "%.0f.0", v);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(out, 40, "%.*g", p, v);
        if (strtod(out, NULL) == v) break;
    }
    if (!strchr(out, '.') && !strchr(out, 'e')) strcat(out, ".0");
}

/* v prints as the definition says. */
static void check(double v)
{
    char want[48], got[48];
    reference(v, want);
    int n = rt_fmt_float(got, v);
    cr_assert(n > 0 && n < 32, "length %d for %a", n, v);
    got[n] = '\0';
    cr_assert_str_eq(got, want, "%a (%.17g)", v, v);
}

static void check_both_signs(double v)
{
    check(v);
    check(-v);
}

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* uniform in [0, 1) with 53 random bits */
static double unit(void) { return (double)(next() >> 11) * 0x1p-53; }

/* v or -v, at random */
static double any_sign(double v) { return next() & 1 ? -v : v; }

static void check_neighbours(double v, int steps)
{
    double up = v, down = v;
    check_both_signs(v);
    for (int i = 0; i < steps; i++) {
        up = nextafter(up, INFINITY);
        down = nextafter(down, 0.0);
        check_both_signs(up);
        check_both_signs(down);
    }
}

Test(fmt_float, random_bit_patterns)
{
    for (int i = 0; i < 40000; i++) {
        uint64_t bits = next();
        double v;
        memcpy(&v, &bits, sizeof v);
        check(v);
    }
}

/* Any bit pattern whose magnitude lies where values usually are. */
Test(fmt_float, random_bits_in_everyday_range)
{
    for (int i = 0; i < 40000; i++) {
        double v = ldexp(1.0 + unit(), (int)(next() % 140) - 70);
        check(any_sign(v));
    }
}

/* Prices, their sums and averages, and moving averages of them. */
Test(fmt_float, decimal_looking_values_and_averages)
{
    double ema = 100.0;
    for (int i = 0; i < 40000; i++) {
        int64_t cents = (int64_t)(next() % 10000000);
        double price = (double)cents / 100.0;
        double scaled = (double)(next() % 1000000000000000000u) / pow(10.0, (double)(next() % 40));
        int n = 1 + (int)(next() % 7);
        double sum = 0;
        for (int k = 0; k < n; k++) sum += (double)(next() % 100000) / 1000.0;
        ema = 0.9 * ema + 0.1 * price;
        check(any_sign(price));
        check(any_sign(scaled));
        check(any_sign(sum / n));
        check(any_sign(ema));
    }
}

/* 10^k and its neighbours: the decimal exponent estimate, the rounding
 * carry into a new leading digit, and the %g fixed/exponent switch. */
Test(fmt_float, powers_of_ten_and_neighbours)
{
    for (int k = -30; k <= 30; k++) {
        char text[32];
        snprintf(text, sizeof text, "1e%d", k);
        check_neighbours(strtod(text, NULL), 40);
        snprintf(text, sizeof text, "9.5e%d", k);
        check_neighbours(strtod(text, NULL), 10);
        snprintf(text, sizeof text, "9.999999999999999e%d", k);
        check_neighbours(strtod(text, NULL), 10);
    }
}

/* Below a power of two the doubles are twice as dense: the rounding
 * interval is half as wide below as above. */
Test(fmt_float, powers_of_two_and_neighbours)
{
    for (int k = -1074; k <= 1023; k++) check_neighbours(ldexp(1.0, k), 3);
}

/* Doubles in [2^49, 2^51) with a fraction of odd eighths or quarters have
 * exactly 18 significant digits ending in 5: %.17g rounds that exact tie to
 * even (in [2^50, 2^51) that is the text printed; in [2^49, 2^50) 16 digits
 * already read back). Each value is confirmed to be a tie before it counts. */
Test(fmt_float, exact_ties_at_seventeen_digits)
{
    int ties = 0;
    for (int i = 0; i < 20000; i++) {
        double odd = (double)((next() & ((1ull << 52) - 1)) | 1ull << 52 | 1); /* [2^52, 2^53) */
        double v = ldexp(odd, i % 2 ? -3 : -2); /* odd eighths or odd quarters */
        char exact[64]; /* %g drops the trailing zeros: all digits of v */
        snprintf(exact, sizeof exact, "%.40g", v);
        size_t len = strlen(exact); /* 18 digits and the point */
        ties += !strchr(exact, 'e') && len == 19 && exact[len - 1] == '5';
        check_both_signs(v);
    }
    cr_assert_gt(ties, 15000, "only %d exact ties", ties);
}

/* Around 1e15..1e17: the integral rule stops at 1e16, %.16g switches to
 * exponent notation at 1e16 and %.17g at 1e17. */
Test(fmt_float, from_1e15_to_1e17)
{
    check_neighbours(1e15, 50);
    check_neighbours(1e16, 50);
    check_neighbours(1e17, 50);
    for (int i = 0; i < 30000; i++) check(any_sign(1e15 + unit() * 99e15));
}

/* The ends of the exact range and beyond: tiny, subnormal and huge. */
Test(fmt_float, tiny_and_huge)
{
    check_neighbours(DBL_MIN, 5);
    check_neighbours(DBL_MAX, 5);
    check_neighbours(DBL_TRUE_MIN, 5);
    check_neighbours(0.0, 5);
    for (int i = 0; i < 5000; i++) {
        int e2 = (int)(next() % 80);
        check(any_sign(ldexp(1.0 + unit(), -40 - e2)));   /* around 1e-12 .. 1e-36 */
        check(any_sign(ldexp(1.0 + unit(), 100 + e2)));   /* around 1e30 .. 1e54 */
        check(any_sign(ldexp(1.0 + unit(), -1074 + e2))); /* subnormal and just above */
        check(any_sign(ldexp(1.0 + unit(), 944 + e2)));   /* up to DBL_MAX */
    }
}

Test(fmt_float, not_finite_is_null)
{
    char buf[32];
    cr_assert_eq(rt_fmt_float(buf, NAN), 4);
    cr_assert_eq(memcmp(buf, "null", 4), 0);
    check(INFINITY);
    check(NAN);
}

/* A few written out, so a wrong reference cannot hide a wrong result. */
Test(fmt_float, known_texts)
{
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        {0.1, "0.1"},
        {-0.0, "-0.0"},
        {1e-5, "1e-05"},
        {1.5e-4, "0.00015"},
        {1e16, "1e+16"},
        {0.5, "0.5"},
        {1.0 / 3.0, "0.3333333333333333"},
        {2.0 / 3.0, "0.6666666666666666"},
        {100.0 / 7.0, "14.285714285714286"},
        {12345678901234568.0, "12345678901234568.0"},
        {0x1p49 + 0.125, "562949953421312.1"}, /* 16 digits read back */
        {0x1p49 + 0.375, "562949953421312.4"},
        {0x1p50 + 0.25, "1125899906842624.2"}, /* 17 digits: tie to even */
        {0x1p50 + 0.75, "1125899906842624.8"},
        {0.30000000000000004, "0.30000000000000004"},
        {0x1p60, "1.152921504606847e+18"},
        {123456789.125e20, "1.23456789125e+28"},
        {9.999999999999999e22, "1e+23"}, /* the same double */
        {-1.5e300, "-1.5e+300"},
        {1e23, "1e+23"},
        {5e-324, "5e-324"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        buf[rt_fmt_float(buf, cases[i].v)] = '\0';
        cr_assert_str_eq(buf, cases[i].text, "case %zu", i);
    }
}

/* Integers share the digit writer: every length, both signs, the extremes. */
Test(fmt_float, ints_match_printf)
{
    int64_t edge[] = {0, 1, 9, 10, 99, 100, INT64_MAX, INT64_MIN, INT64_MIN + 1};
    for (int i = 0; i < 20000; i++) {
        int64_t v = i < 9 ? edge[i] : (int64_t)(next() >> (next() % 64));
        if (i >= 9 && (i & 1)) v = -v;
        char want[32], got[32];
        snprintf(want, sizeof want, "%lld", (long long)v);
        int n = rt_fmt_int(got, v);
        got[n] = '\0';
        cr_assert_str_eq(got, want);
    }
}
