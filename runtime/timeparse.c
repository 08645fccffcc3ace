/* timeparse.c — ISO-8601 / RFC 3339 instants and millisecond conversions
 * to nanoseconds since the epoch (UTC, proleptic Gregorian calendar).
 *
 * Accepted: YYYY-MM-DD, optionally followed by [T|t|space]HH:MM[:SS[.frac]]
 * and a zone Z, z, +HH:MM, +HHMM or +HH (no zone = UTC). Fraction digits
 * beyond nanoseconds are ignored.
 */
#include <math.h>

#include "rt.h"

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)

/* Days from 1970-01-01 to y-m-d (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int64_t m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[m - 1];
}

/* Reads exactly k digits at p[*i]. */
static bool digits(const char *p, size_t n, size_t *i, int k, int64_t *out)
{
    if (*i + (size_t)k > n) return false;
    int64_t v = 0;
    for (int j = 0; j < k; j++) {
        char c = p[*i + (size_t)j];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)k;
    *out = v;
    return true;
}

static bool expect(const char *p, size_t n, size_t *i, char c)
{
    if (*i >= n || p[*i] != c) return false;
    (*i)++;
    return true;
}

/* Zone suffix: Z, +HH:MM, +HHMM or +HH; *off_s is the offset east of UTC. */
static bool zone(const char *p, size_t n, size_t *i, int64_t *off_s)
{
    *off_s = 0;
    if (*i == n) return true;
    if (p[*i] == 'Z' || p[*i] == 'z') {
        (*i)++;
        return true;
    }
    if (p[*i] != '+' && p[*i] != '-') return false;
    int64_t sign = p[(*i)++] == '-' ? -1 : 1;
    int64_t hh, mm = 0;
    if (!digits(p, n, i, 2, &hh) || hh > 23) return false;
    if (*i < n) {
        if (p[*i] == ':') (*i)++;
        if (!digits(p, n, i, 2, &mm) || mm > 59) return false;
    }
    *off_s = sign * (hh * 3600 + mm * 60);
    return true;
}

bool rt_parse_iso8601(const char *p, size_t n, int64_t *ns)
{
    size_t i = 0;
    int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, frac = 0, off_s = 0;
    if (!digits(p, n, &i, 4, &y) || !expect(p, n, &i, '-') || !digits(p, n, &i, 2, &mo) ||
        !expect(p, n, &i, '-') || !digits(p, n, &i, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return false;
    if (i < n) {
        if (p[i] != 'T' && p[i] != 't' && p[i] != ' ') return false;
        i++;
        if (!digits(p, n, &i, 2, &h) || !expect(p, n, &i, ':') || !digits(p, n, &i, 2, &mi))
            return false;
        if (i < n && p[i] == ':') {
            i++;
            if (!digits(p, n, &i, 2, &s)) return false;
            if (i < n && (p[i] == '.' || p[i] == ',')) {
                i++;
                int nd = 0;
                for (; i < n && p[i] >= '0' && p[i] <= '9'; i++, nd++)
                    if (nd < 9) frac = frac * 10 + (p[i] - '0');
                if (nd == 0) return false;
                for (; nd < 9; nd++) frac *= 10;
            }
        }
        /* second 60 is a leap second: it reads as the next minute's first */
        if (h > 23 || mi > 59 || s > 60) return false;
        if (!zone(p, n, &i, &off_s)) return false;
    }
    if (i != n) return false;
    /* four-digit years keep the seconds far inside int64; ns may not fit */
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off_s;
    if (secs > (INT64_MAX - frac) / NS_PER_S || secs < INT64_MIN / NS_PER_S) return false;
    *ns = secs * NS_PER_S + frac;
    return true;
}

bool rt_ms_to_ns(int64_t ms, int64_t *ns)
{
    if (ms > INT64_MAX / NS_PER_MS || ms < INT64_MIN / NS_PER_MS) return false;
    *ns = ms * NS_PER_MS;
    return true;
}

bool rt_fms_to_ns(double ms, int64_t *ns)
{
    double v = round(ms * 1e6);
    /* the upper bound 2^63 itself does not fit; the lower bound -2^63 does */
    if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return false;
    *ns = (int64_t)v;
    return true;
}
