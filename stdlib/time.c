/* time.c — time builtins (LANGUAGE.md §9): timestamp(), to_millis() and the
 * UTC calendar fields of a timestamp (proleptic Gregorian, computed here
 * rather than with localtime/gmtime so that results never depend on the
 * host). */
#include <math.h>

#include "bi.h"

#define NEED(n)                                \
    do {                                       \
        if (argc < (n) || !argv) return vp_null(); \
    } while (0)

#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S INT64_C(1000000000)

/* timestamp(x): int or float ms since the epoch, or an ISO-8601 string. */
vp_val vp_b_timestamp(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    vp_val x = argv[0];
    if (x.tag == VP_TS) return x;
    if (x.tag == VP_INT) {
        if (x.u.i > INT64_MAX / NS_PER_MS || x.u.i < INT64_MIN / NS_PER_MS) return vp_null();
        return vp_box_ts(x.u.i * NS_PER_MS);
    }
    if (x.tag == VP_FLOAT) {
        double ns = round(x.u.f * 1e6);
        if (!(ns >= -9223372036854775808.0 && ns < 9223372036854775808.0)) return vp_null();
        return vp_box_ts((int64_t)ns);
    }
    if (x.tag == VP_STR) {
        /* the runtime's input conversion parses ISO-8601 text */
        vp_field f = {.key = vp_lit("", 0), .raw = x.u.s, .kind = VP_J_STR};
        int64_t ns;
        return vp_in_ts(&f, &ns) == 1 ? vp_box_ts(ns) : vp_null();
    }
    return vp_null();
}

vp_val vp_b_to_millis(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    vp_val x = argv[0];
    if (x.tag != VP_TS && x.tag != VP_DUR) return vp_null();
    return vp_box_int(x.u.i / NS_PER_MS);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Calendar date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

enum part { YEAR, MONTH, DAY, HOUR, MINUTE, SECOND };

static vp_val part_of(int32_t argc, const vp_val *argv, enum part part)
{
    NEED(1);
    if (argv[0].tag != VP_TS) return vp_null();
    int64_t secs = floor_div(argv[0].u.i, NS_PER_S);
    int64_t days = floor_div(secs, 86400);
    int64_t sod = secs - days * 86400;
    int64_t y, m, d;
    switch (part) {
    case HOUR: return vp_box_int(sod / 3600);
    case MINUTE: return vp_box_int(sod / 60 % 60);
    case SECOND: return vp_box_int(sod % 60);
    default: break;
    }
    civil_from_days(days, &y, &m, &d);
    return vp_box_int(part == YEAR ? y : part == MONTH ? m : d);
}

vp_val vp_b_year(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return part_of(argc, argv, YEAR); }
vp_val vp_b_month(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return part_of(argc, argv, MONTH); }
vp_val vp_b_day(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return part_of(argc, argv, DAY); }
vp_val vp_b_hour(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return part_of(argc, argv, HOUR); }
vp_val vp_b_minute(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return part_of(argc, argv, MINUTE); }
vp_val vp_b_second(vp_ctx *ctx, int32_t argc, const vp_val *argv) { return part_of(argc, argv, SECOND); }
