/* fmt_float.c — canonical number text (LANGUAGE.md §8), on the output hot path.
 *
 * Floats: integral values below 1e16 print as integer digits plus ".0";
 * others as the shortest "%.{p}g" (p = 1..17) that reads back to the same
 * double, with ".0" appended when it has neither '.' nor 'e'; NaN and
 * infinities as null.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static const uint64_t POW10[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
    10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
    100000000000ull, 1000000000000ull, 10000000000000ull,
    100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
};

static const char DIGIT_PAIRS[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* v < 10^n as exactly n decimal digits, two at a time from the end (half
 * the divisions of one at a time). */
static void put_digits(char *buf, uint64_t v, int n)
{
    char *p = buf + n;
    for (; n >= 2; n -= 2, v /= 100) {
        p -= 2;
        memcpy(p, DIGIT_PAIRS + 2 * (v % 100), 2);
    }
    if (n) p[-1] = (char)('0' + v);
}

static int fmt_u64(char *buf, uint64_t v)
{
    int n = 1;
    while (n < 20 && v >= POW10[n]) n++;
    put_digits(buf, v, n);
    return n;
}

int rt_fmt_int(char *buf, int64_t v)
{
    if (v >= 0) return fmt_u64(buf, (uint64_t)v);
    buf[0] = '-';
    return 1 + fmt_u64(buf + 1, 0 - (uint64_t)v);
}

/* ---- exact path --------------------------------------------------------
 * Why it is exact: a finite normal double is x = m·2^e with m < 2^53, and
 * x·10^q = m·2^(e+q)·5^q is the fraction num/den below, where den and
 * num = m·ulp are products of powers of 2 and 5. Within the range scale()
 * accepts, every such number is below 2^126, so the quotient, the remainder
 * and each comparison are plain integer arithmetic with nothing rounded:
 *  - %.{p}g prints x·10^(p-1-E) (E = exponent of the leading digit) rounded
 *    to nearest, ties to even, from the exact binary value (glibc);
 *  - strtod reads a decimal back to x exactly when it lies inside x's
 *    rounding interval, or on its edge when m is even (ties to even).
 * Values outside that range (|x| below about 1e-15 or above about 1e47,
 * subnormals) take the snprintf/strtod search further down. */

typedef unsigned __int128 u128;

static const uint64_t POW5[28] = {
    1ull, 5ull, 25ull, 125ull,
    625ull, 3125ull, 15625ull, 78125ull,
    390625ull, 1953125ull, 9765625ull, 48828125ull,
    244140625ull, 1220703125ull, 6103515625ull, 30517578125ull,
    152587890625ull, 762939453125ull, 3814697265625ull, 19073486328125ull,
    95367431640625ull, 476837158203125ull, 2384185791015625ull, 11920928955078125ull,
    59604644775390625ull, 298023223876953125ull, 1490116119384765625ull, 7450580596923828125ull,
};

static u128 pow5(int k) /* k <= 54 */
{
    if (k < 28) return POW5[k];
    return (u128)POW5[27] * POW5[k - 27];
}

/* x·10^q = num/den exactly, and ulp(x)·10^q = ulp/den. den_shift >= 0 when
 * den is the power of two 2^den_shift (a shift instead of a division). */
struct fraction {
    u128 num, den, ulp;
    int den_shift;
};

/* False when some part would not fit below 2^126 (5^k < 2^(7k/3)). */
static inline bool scale(uint64_t m, int e, int q, struct fraction *f)
{
    int twos = e + q; /* 2^e·10^q = 2^twos·5^q */
    int up2 = twos > 0 ? twos : 0, down2 = twos < 0 ? -twos : 0;
    int up5 = q > 0 ? q : 0, down5 = q < 0 ? -q : 0;
    if (53 + up2 + (7 * up5 + 2) / 3 > 126 || down2 + (7 * down5 + 2) / 3 > 126)
        return false;
    f->ulp = pow5(up5) << up2;
    f->den = pow5(down5) << down2;
    f->num = (u128)m * f->ulp;
    f->den_shift = down5 == 0 ? down2 : -1;
    return true;
}

/* A p-digit rounding of x: digits·10^(exp10 - p + 1). */
struct rounding {
    uint64_t digits; /* may be 10^p when rounding carried */
    u128 err;        /* |digits·den - num|: the distance to x, times den */
    bool above;      /* digits > x */
};

/* num/den to nearest, ties to even: the digits %.{p}g prints. */
static struct rounding round_fraction(const struct fraction *f)
{
    u128 quo, rem;
    if (f->den_shift >= 0) {
        quo = f->num >> f->den_shift;
        rem = f->num & (f->den - 1);
    } else {
        quo = f->num / f->den;
        rem = f->num % f->den;
    }
    struct rounding r = {(uint64_t)quo, rem, false};
    u128 twice = 2 * rem;
    if (twice > f->den || (twice == f->den && (quo & 1))) {
        r.digits++;
        r.err = f->den - rem;
        r.above = true;
    }
    return r;
}

/* Does strtod read the rounding back to x? The interval around x reaches
 * half an ulp each way, but only a quarter below a power of two (the
 * doubles below are twice as dense); its edges belong to x when m is even. */
static bool reads_back(const struct fraction *f, const struct rounding *r, uint64_t m)
{
    u128 twice = 2 * r->err;
    if (m == 1ull << 52 && !r->above) return 2 * twice <= f->ulp;
    return twice < f->ulp || (twice == f->ulp && (m & 1) == 0);
}

/* The exponent of x's leading digit, floor(log10 x). */
static bool decimal_exponent(uint64_t m, int e, int *exp10)
{
    /* x >= 2^(e+52) >= 10^guess, and x < 2^(e+53) < 10^(guess+2); 78913/2^18
     * is log10(2) to within 4e-8, exact enough for |e| < 1100 (arithmetic
     * shift: floor for negative values). */
    int guess = ((e + 52) * 78913) >> 18;
    struct fraction f;
    if (!scale(m, e, -(guess + 1), &f)) return false;
    *exp10 = f.num >= f.den ? guess + 1 : guess; /* x >= 10^(guess+1)? */
    return true;
}

static int put_zeros(char *buf, int n)
{
    memset(buf, '0', (size_t)(n > 0 ? n : 0));
    return n > 0 ? n : 0;
}

/* digits·10^(exp10 - p + 1) as %.{p}g writes it, then ".0" if it has
 * neither '.' nor 'e' (LANGUAGE.md §8). */
static int write_g(char *buf, bool negative, uint64_t digits, int exp10, int p)
{
    if (digits == POW10[p]) { /* 9.99…5 rounded up to 10.0… */
        digits = POW10[p - 1];
        exp10++;
    }
    int nd = p;
    for (; digits % 10 == 0; nd--) digits /= 10; /* %g drops trailing zeros */
    char d[20];
    put_digits(d, digits, nd);
    int n = 0;
    if (negative) buf[n++] = '-';
    if (exp10 < -4 || exp10 >= p) { /* d.ddde±XX */
        buf[n++] = d[0];
        if (nd > 1) {
            buf[n++] = '.';
            memcpy(buf + n, d + 1, (size_t)nd - 1);
            n += nd - 1;
        }
        buf[n++] = 'e';
        buf[n++] = exp10 < 0 ? '-' : '+';
        int ax = exp10 < 0 ? -exp10 : exp10;
        if (ax < 10) buf[n++] = '0';
        return n + fmt_u64(buf + n, (uint64_t)ax);
    }
    if (exp10 < 0) { /* 0.000ddd */
        buf[n++] = '0';
        buf[n++] = '.';
        n += put_zeros(buf + n, -exp10 - 1);
        memcpy(buf + n, d, (size_t)nd);
        return n + nd;
    }
    int whole = exp10 + 1; /* digits before the point */
    int head = nd < whole ? nd : whole;
    memcpy(buf + n, d, (size_t)head);
    n += head;
    n += put_zeros(buf + n, whole - nd);
    buf[n++] = '.';
    if (nd > whole) {
        memcpy(buf + n, d + whole, (size_t)(nd - whole));
        return n + nd - whole;
    }
    buf[n++] = '0';
    return n;
}

/* The canonical text of a finite non-zero v by exact arithmetic, or 0 when
 * v is outside the exact range. DBL_DIG (15) significant digits identify a
 * normal double, and %g drops trailing zeros: if p = 15 reads back, its text
 * is already the shortest; otherwise the answer is 16 or 17 digits, and 17
 * always reads back. */
static int fmt_exact(char *buf, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff);
    if (biased == 0) return 0; /* subnormal: fewer digits of precision */
    uint64_t m = (bits & ((1ull << 52) - 1)) | 1ull << 52;
    int e = biased - 1075;
    int exp10;
    if (!decimal_exponent(m, e, &exp10)) return 0;
    for (int p = 15; p <= 17; p++) {
        struct fraction f;
        if (!scale(m, e, p - 1 - exp10, &f)) return 0;
        struct rounding r = round_fraction(&f);
        if (p == 17 || reads_back(&f, &r, m))
            return write_g(buf, signbit(v), r.digits, exp10, p);
    }
    return 0; /* not reached */
}

/* ---- fallback: the definition, by snprintf and strtod ------------------ */

static bool round_trips(char *buf, int p, double v, int *len)
{
    *len = snprintf(buf, 32, "%.*g", p, v);
    return strtod(buf, NULL) == v;
}

/* The shortest precision that reads back, searched from p = 1: for
 * subnormals and the far ends of the range. */
static int fmt_search(char *buf, double v)
{
    int len = 0;
    int p = 1;
    while (p < 17 && !round_trips(buf, p, v, &len)) p++;
    if (p == 17) len = snprintf(buf, 32, "%.17g", v);
    if (!memchr(buf, '.', (size_t)len) && !memchr(buf, 'e', (size_t)len)) {
        buf[len++] = '.';
        buf[len++] = '0';
    }
    return len;
}

int rt_fmt_float(char *buf, double v)
{
    if (!isfinite(v)) {
        memcpy(buf, "null", 4);
        return 4;
    }
    int n = 0;
    if (fabs(v) < 1e16 && v == trunc(v)) {
        if (signbit(v)) buf[n++] = '-';
        n += fmt_u64(buf + n, (uint64_t)fabs(v));
        buf[n++] = '.';
        buf[n++] = '0';
        return n;
    }
    n = fmt_exact(buf, v);
    return n ? n : fmt_search(buf, v);
}
