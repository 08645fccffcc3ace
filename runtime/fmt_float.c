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

static int fmt_u64(char *buf, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

int rt_fmt_int(char *buf, int64_t v)
{
    if (v >= 0) return fmt_u64(buf, (uint64_t)v);
    buf[0] = '-';
    return 1 + fmt_u64(buf + 1, 0 - (uint64_t)v);
}

static bool round_trips(char *buf, int p, double v, int *len)
{
    *len = snprintf(buf, 32, "%.*g", p, v);
    return strtod(buf, NULL) == v;
}

/* Fast path for non-integral 1e-4 <= |v| < 1e15, where %g prints fixed
 * notation: the fewest decimals k such that r = round(|v|·10^k) < 1e15 and
 * r / 10^k == |v|. Both r and 10^k are exact doubles, so that division is
 * the correctly rounded value of the decimal r·10^-k: it reads back to v.
 * With at most 15 significant digits no shorter decimal reads back to the
 * same double (DBL_DIG), and v lies far closer to it than half a unit in
 * its last digit, so it is also what %.{p}g prints. Returns 0 otherwise. */
static int fmt_fixed(char *buf, double v)
{
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15)) return 0;
    double scale = 1.0;
    uint64_t pow10 = 1;
    for (int k = 1; k <= 19; k++) {
        scale *= 10.0;
        pow10 *= 10;
        double r = round(a * scale);
        if (r >= 1e15) return 0;
        if (r / scale != a) continue;
        uint64_t digits = (uint64_t)r;
        int n = 0;
        if (v < 0) buf[n++] = '-';
        n += fmt_u64(buf + n, digits / pow10);
        buf[n++] = '.';
        uint64_t frac = digits % pow10;
        for (int j = k - 1; j >= 0; j--) {
            buf[n + j] = (char)('0' + frac % 10);
            frac /= 10;
        }
        return n + k;
    }
    return 0;
}

/* The shortest precision that reads back. For normal doubles whose binade is
 * not at a power of two, DBL_DIG (15) significant digits always identify one
 * double, and %g drops trailing zeros: if p = 15 reads back its text is
 * already the shortest, else the answer is 16 or 17. Subnormals (fewer
 * digits of precision) and powers of two (asymmetric rounding interval) take
 * the plain search from p = 1. */
static int fmt_shortest(char *buf, double v)
{
    int len = 0;
    int exp2;
    double mant = frexp(v, &exp2);
    if (fabs(v) < DBL_MIN || fabs(mant) == 0.5) {
        for (int p = 1; p < 17; p++)
            if (round_trips(buf, p, v, &len)) return len;
        return snprintf(buf, 32, "%.17g", v);
    }
    if (round_trips(buf, 15, v, &len)) return len;
    if (round_trips(buf, 16, v, &len)) return len;
    return snprintf(buf, 32, "%.17g", v);
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
    n = fmt_fixed(buf, v);
    if (n) return n;
    n = fmt_shortest(buf, v);
    if (!memchr(buf, '.', (size_t)n) && !memchr(buf, 'e', (size_t)n)) {
        buf[n++] = '.';
        buf[n++] = '0';
    }
    return n;
}
