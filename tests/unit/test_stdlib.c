/* test_stdlib.c — the builtin functions (LANGUAGE.md §9) and the dynamic
 * value operators they share with generated code (§3). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "builtins.h"
#include "rt.h"

/* Table values. Case tables are walked inside one test per family:
 * parameterized tests would copy the string pointers into another process. */
#define N {.tag = VP_NULL}
#define B(x) {.tag = VP_BOOL, .u.b = (x)}
#define I(x) {.tag = VP_INT, .u.i = (x)}
#define F(x) {.tag = VP_FLOAT, .u.f = (x)}
#define S(x) {.tag = VP_STR, .u.s = {(x), sizeof(x) - 1}}
#define J(x) {.tag = VP_JSON, .u.s = {(x), sizeof(x) - 1}}
#define TS(x) {.tag = VP_TS, .u.i = (x)}
#define DUR(x) {.tag = VP_DUR, .u.i = (x)}

#define MS INT64_C(1000000)

struct bcase {
    const char *what;
    vp_builtin_fn fn;
    int32_t argc;
    vp_val argv[4];
    vp_val want;
};

static vp_ctx *ctx;

static void setup(void) { ctx = rt_ctx_new(NULL, "test"); }
static void teardown(void) { rt_ctx_free(ctx); }

TestSuite(stdlib, .init = setup, .fini = teardown);
TestSuite(dyn, .init = setup, .fini = teardown);

static bool same(vp_val a, vp_val b)
{
    if (a.tag != b.tag) return false;
    switch (a.tag) {
    case VP_NULL: return true;
    case VP_BOOL: return a.u.b == b.u.b;
    case VP_FLOAT: return (isnan(a.u.f) && isnan(b.u.f)) || memcmp(&a.u.f, &b.u.f, sizeof a.u.f) == 0;
    case VP_STR:
    case VP_JSON: return vp_str_eq(a.u.s, b.u.s);
    default: return a.u.i == b.u.i;
    }
}

static const char *show(vp_val v)
{
    static char buf[4][256];
    static int k;
    char *out = buf[k++ % 4];
    switch (v.tag) {
    case VP_NULL: return "null";
    case VP_BOOL: return v.u.b ? "true" : "false";
    case VP_INT: snprintf(out, 256, "int %lld", (long long)v.u.i); break;
    case VP_FLOAT: snprintf(out, 256, "float %.17g", v.u.f); break;
    case VP_STR: snprintf(out, 256, "str '%.*s'", (int)v.u.s.n, v.u.s.p); break;
    case VP_JSON: snprintf(out, 256, "json %.*s", (int)v.u.s.n, v.u.s.p); break;
    case VP_TS: snprintf(out, 256, "ts %lld", (long long)v.u.i); break;
    case VP_DUR: snprintf(out, 256, "dur %lld", (long long)v.u.i); break;
    default: return "?";
    }
    return out;
}

static void run_table(const struct bcase *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        vp_val got = c[i].fn(ctx, c[i].argc, c[i].argv);
        cr_expect(same(got, c[i].want), "%s: got %s, want %s", c[i].what, show(got), show(c[i].want));
    }
}

#define RUN(table) run_table(table, sizeof table / sizeof table[0])

Test(stdlib, math_family)
{
    const struct bcase t[] = {
        {"abs(-3)", vp_b_abs, 1, {I(-3)}, I(3)},
        {"abs(-2.5)", vp_b_abs, 1, {F(-2.5)}, F(2.5)},
        {"abs(INT64_MIN) wraps", vp_b_abs, 1, {I(INT64_MIN)}, I(INT64_MIN)},
        {"abs('x')", vp_b_abs, 1, {S("x")}, N},
        {"abs(null)", vp_b_abs, 1, {N}, N},
        {"sqrt(16)", vp_b_sqrt, 1, {I(16)}, F(4.0)},
        {"sqrt(2.25)", vp_b_sqrt, 1, {F(2.25)}, F(1.5)},
        {"sqrt('a')", vp_b_sqrt, 1, {S("a")}, N},
        {"floor(2.7)", vp_b_floor, 1, {F(2.7)}, I(2)},
        {"floor(-2.5)", vp_b_floor, 1, {F(-2.5)}, I(-3)},
        {"floor(5)", vp_b_floor, 1, {I(5)}, I(5)},
        {"floor(1e300)", vp_b_floor, 1, {F(1e300)}, N},
        {"floor(nan)", vp_b_floor, 1, {F(NAN)}, N},
        {"floor(true)", vp_b_floor, 1, {B(true)}, N},
        {"ceil(2.1)", vp_b_ceil, 1, {F(2.1)}, I(3)},
        {"ceil(-2.1)", vp_b_ceil, 1, {F(-2.1)}, I(-2)},
        {"round(2.5)", vp_b_round, 1, {F(2.5)}, I(3)},
        {"round(-2.5)", vp_b_round, 1, {F(-2.5)}, I(-3)},
        {"round(2.4)", vp_b_round, 1, {F(2.4)}, I(2)},
        {"round(inf)", vp_b_round, 1, {F(INFINITY)}, N},
        {"round(-2^63)", vp_b_round, 1, {F(-9223372036854775808.0)}, I(INT64_MIN)},
        {"round(2^63)", vp_b_round, 1, {F(9223372036854775808.0)}, N},
        {"pow(2, 10)", vp_b_pow, 2, {I(2), I(10)}, I(1024)},
        {"pow(2, -1)", vp_b_pow, 2, {I(2), I(-1)}, F(0.5)},
        {"pow(2.0, 3)", vp_b_pow, 2, {F(2.0), I(3)}, F(8.0)},
        {"pow(2, 64) wraps", vp_b_pow, 2, {I(2), I(64)}, I(0)},
        {"pow('a', 1)", vp_b_pow, 2, {S("a"), I(1)}, N},
        {"log(1)", vp_b_log, 1, {I(1)}, F(0.0)},
        {"log10(1000)", vp_b_log10, 1, {I(1000)}, F(3.0)},
        {"exp(0)", vp_b_exp, 1, {I(0)}, F(1.0)},
        {"sin(0)", vp_b_sin, 1, {F(0.0)}, F(0.0)},
        {"cos(0)", vp_b_cos, 1, {I(0)}, F(1.0)},
        {"tan(0)", vp_b_tan, 1, {I(0)}, F(0.0)},
        {"log(null)", vp_b_log, 1, {N}, N},
        {"min(3, 5)", vp_b_min, 2, {I(3), I(5)}, I(3)},
        {"min(3, 2.5)", vp_b_min, 2, {I(3), F(2.5)}, F(2.5)},
        {"min(2, 2.5) is float", vp_b_min, 2, {I(2), F(2.5)}, F(2.0)},
        {"max(1, 2)", vp_b_max, 2, {I(1), I(2)}, I(2)},
        {"min('b', 'a')", vp_b_min, 2, {S("b"), S("a")}, S("a")},
        {"max(ts, ts)", vp_b_max, 2, {TS(1), TS(2)}, TS(2)},
        {"min(1, 'a')", vp_b_min, 2, {I(1), S("a")}, N},
        {"min(null, 1)", vp_b_min, 2, {N, I(1)}, N},
        {"min([3,1.5,2])", vp_b_min, 1, {J("[3,1.5,2]")}, F(1.5)},
        {"max([3,1,2])", vp_b_max, 1, {J("[3,1,2]")}, I(3)},
        {"max([1,2.5]) mixed", vp_b_max, 1, {J("[1,2.5,\"x\"]")}, F(2.5)},
        {"max(strings)", vp_b_max, 1, {J("[\"b\",\"c\",\"a\"]")}, S("c")},
        {"min([])", vp_b_min, 1, {J("[]")}, N},
        {"min({...})", vp_b_min, 1, {J("{\"a\":1}")}, N},
        {"min(5)", vp_b_min, 1, {I(5)}, N},
        {"clamp(5, 0, 3)", vp_b_clamp, 3, {I(5), I(0), I(3)}, I(3)},
        {"clamp(-1, 0, 3)", vp_b_clamp, 3, {I(-1), I(0), I(3)}, I(0)},
        {"clamp(2, 0, 3)", vp_b_clamp, 3, {I(2), I(0), I(3)}, I(2)},
        {"clamp(2.5, 0, 3)", vp_b_clamp, 3, {F(2.5), I(0), I(3)}, F(2.5)},
        {"clamp(5, 0, 3.5)", vp_b_clamp, 3, {I(5), I(0), F(3.5)}, F(3.5)},
        {"clamp(1, 3, 0)", vp_b_clamp, 3, {I(1), I(3), I(0)}, N},
        {"clamp('a', 0, 1)", vp_b_clamp, 3, {S("a"), I(0), I(1)}, N},
        {"abs() without args", vp_b_abs, 0, {N}, N},
    };
    RUN(t);
}

Test(stdlib, string_family)
{
    const struct bcase t[] = {
        {"len('héllo')", vp_b_len, 1, {S("héllo")}, I(5)},
        {"len('😀a')", vp_b_len, 1, {S("😀a")}, I(2)},
        {"len('')", vp_b_len, 1, {S("")}, I(0)},
        {"len(invalid utf-8)", vp_b_len, 1, {S("\xff\xfe\xe2\x82")}, I(4)},
        {"len(array)", vp_b_len, 1, {J("[1,[2,3],\"a,b\"]")}, I(3)},
        {"len(map)", vp_b_len, 1, {J("{\"a\":1,\"b\":{}}")}, I(2)},
        {"len(5)", vp_b_len, 1, {I(5)}, N},
        {"trim", vp_b_trim, 1, {S("  a b \t\n")}, S("a b")},
        {"trim(1)", vp_b_trim, 1, {I(1)}, N},
        {"upper", vp_b_upper, 1, {S("abcé1")}, S("ABCé1")},
        {"lower", vp_b_lower, 1, {S("ABC-Z")}, S("abc-z")},
        {"upper(null)", vp_b_upper, 1, {N}, N},
        {"contains substring", vp_b_contains, 2, {S("hello"), S("ell")}, B(true)},
        {"contains empty", vp_b_contains, 2, {S("hello"), S("")}, B(true)},
        {"contains absent", vp_b_contains, 2, {S("a"), S("b")}, B(false)},
        {"contains array member", vp_b_contains, 2, {J("[1,2]"), F(2.0)}, B(true)},
        {"contains array string", vp_b_contains, 2, {J("[\"a\\\"\"]"), S("a\"")}, B(true)},
        {"contains array absent", vp_b_contains, 2, {J("[\"a\"]"), S("b")}, B(false)},
        {"contains map key", vp_b_contains, 2, {J("{\"k\":1}"), S("k")}, B(true)},
        {"contains(1, 1)", vp_b_contains, 2, {I(1), I(1)}, N},
        {"starts_with", vp_b_starts_with, 2, {S("hello"), S("he")}, B(true)},
        {"starts_with longer", vp_b_starts_with, 2, {S("he"), S("hello")}, B(false)},
        {"ends_with", vp_b_ends_with, 2, {S("hello"), S("lo")}, B(true)},
        {"ends_with longer", vp_b_ends_with, 2, {S("lo"), S("hello")}, B(false)},
        {"starts_with(1, 'a')", vp_b_starts_with, 2, {I(1), S("a")}, N},
        {"replace all", vp_b_replace, 3, {S("a-b-c"), S("-"), S("+")}, S("a+b+c")},
        {"replace non-overlapping", vp_b_replace, 3, {S("aaa"), S("aa"), S("b")}, S("ba")},
        {"replace empty old", vp_b_replace, 3, {S("abc"), S(""), S("x")}, S("abc")},
        {"replace utf-8", vp_b_replace, 3, {S("héé"), S("é"), S("e")}, S("hee")},
        {"replace by longer", vp_b_replace, 3, {S("a.b"), S("."), S("::")}, S("a::b")},
        {"replace(..., 1)", vp_b_replace, 3, {S("x"), S("y"), I(1)}, N},
        {"split", vp_b_split, 2, {S("a,b,,c"), S(",")}, J("[\"a\",\"b\",\"\",\"c\"]")},
        {"split characters", vp_b_split, 2, {S("héy"), S("")}, J("[\"h\",\"é\",\"y\"]")},
        {"split empty", vp_b_split, 2, {S(""), S(",")}, J("[\"\"]")},
        {"split escapes", vp_b_split, 2, {S("a\"b|c"), S("|")}, J("[\"a\\\"b\",\"c\"]")},
        {"split(1, ',')", vp_b_split, 2, {I(1), S(",")}, N},
        {"join", vp_b_join, 2, {J("[\"a\",1,2.5,null,true,[1]]"), S("-")}, S("a-1-2.5-null-true-[1]")},
        {"join empty", vp_b_join, 2, {J("[]"), S(",")}, S("")},
        {"join decodes", vp_b_join, 2, {J("[\"x\\ny\"]"), S(",")}, S("x\ny")},
        {"join('a', ',')", vp_b_join, 2, {S("a"), S(",")}, N},
        {"substring(s, 1, 3)", vp_b_substring, 3, {S("héllo"), I(1), I(3)}, S("él")},
        {"substring(s, -3)", vp_b_substring, 2, {S("héllo"), I(-3)}, S("llo")},
        {"substring(s, 2)", vp_b_substring, 2, {S("hello"), I(2)}, S("llo")},
        {"substring start > end", vp_b_substring, 3, {S("hello"), I(3), I(1)}, S("")},
        {"substring clamped", vp_b_substring, 3, {S("hello"), I(-100), I(100)}, S("hello")},
        {"substring(s, 1, -1)", vp_b_substring, 3, {S("h😀llo"), I(1), I(-1)}, S("😀ll")},
        {"substring float index", vp_b_substring, 2, {S("hello"), F(1.0)}, N},
        {"concat", vp_b_concat, 4, {S("a"), I(1), F(2.5), B(true)}, S("a12.5true")},
        {"concat float", vp_b_concat, 2, {S("x="), F(3.0)}, S("x=3.0")},
        {"concat null", vp_b_concat, 2, {S("a"), N}, N},
        {"concat one", vp_b_concat, 1, {S("x")}, S("x")},
        {"reverse string", vp_b_reverse, 1, {S("héllo")}, S("olléh")},
        {"reverse emoji", vp_b_reverse, 1, {S("😀a")}, S("a😀")},
        {"reverse array", vp_b_reverse, 1, {J("[1,\"a\\n\",[2],1.5]")}, J("[1.5,[2],\"a\\n\",1]")},
        {"reverse empty array", vp_b_reverse, 1, {J("[]")}, J("[]")},
        {"reverse(1)", vp_b_reverse, 1, {I(1)}, N},
    };
    RUN(t);
}

Test(stdlib, collection_family)
{
    const struct bcase t[] = {
        {"first", vp_b_first, 1, {J("[1,2]")}, I(1)},
        {"first nested", vp_b_first, 1, {J("[[1,2],3]")}, J("[1,2]")},
        {"last", vp_b_last, 1, {J("[1,2,\"z\"]")}, S("z")},
        {"first([])", vp_b_first, 1, {J("[]")}, N},
        {"last([])", vp_b_last, 1, {J("[]")}, N},
        {"first('ab')", vp_b_first, 1, {S("ab")}, N},
        {"get(a, 1)", vp_b_get, 2, {J("[10,20,30]"), I(1)}, I(20)},
        {"get(a, -1)", vp_b_get, 2, {J("[10,20,30]"), I(-1)}, I(30)},
        {"get(a, 3)", vp_b_get, 2, {J("[10,20,30]"), I(3)}, N},
        {"get(a, -4)", vp_b_get, 2, {J("[10,20,30]"), I(-4)}, N},
        {"get(a, 'x')", vp_b_get, 2, {J("[10]"), S("x")}, N},
        {"get(m, key)", vp_b_get, 2, {J("{\"a\":1,\"b\":\"x\\ny\"}"), S("b")}, S("x\ny")},
        {"get(m, absent)", vp_b_get, 2, {J("{\"a\":1}"), S("zz")}, N},
        {"get(m, escaped key)", vp_b_get, 2, {J("{\"a\\\"b\":true}"), S("a\"b")}, B(true)},
        {"get(m, duplicate)", vp_b_get, 2, {J("{\"a\":1,\"a\":2}"), S("a")}, I(2)},
        {"get(m, 0)", vp_b_get, 2, {J("{\"a\":1}"), I(0)}, N},
        {"get(null, 0)", vp_b_get, 2, {N, I(0)}, N},
        {"get(junk, 0)", vp_b_get, 2, {J("[1,\"x"), I(1)}, N},
    };
    RUN(t);
}

Test(stdlib, conversion_family)
{
    const struct bcase t[] = {
        {"to_string str", vp_b_to_string, 1, {S("a")}, S("a")},
        {"to_string int", vp_b_to_string, 1, {I(-12)}, S("-12")},
        {"to_string 1.0", vp_b_to_string, 1, {F(1.0)}, S("1.0")},
        {"to_string 0.1", vp_b_to_string, 1, {F(0.1)}, S("0.1")},
        {"to_string bool", vp_b_to_string, 1, {B(true)}, S("true")},
        {"to_string null", vp_b_to_string, 1, {N}, N},
        {"to_string nan", vp_b_to_string, 1, {F(NAN)}, N},
        {"to_string ts", vp_b_to_string, 1, {TS(1500000000)}, S("1500")},
        {"to_string dur", vp_b_to_string, 1, {DUR(-2500000)}, S("-2")},
        {"to_string array", vp_b_to_string, 1, {J("[1]")}, S("[1]")},
        {"to_int(3.9)", vp_b_to_int, 1, {F(3.9)}, I(3)},
        {"to_int(-3.9)", vp_b_to_int, 1, {F(-3.9)}, I(-3)},
        {"to_int('42')", vp_b_to_int, 1, {S("42")}, I(42)},
        {"to_int(' -7 ')", vp_b_to_int, 1, {S(" -7 ")}, I(-7)},
        {"to_int('+7')", vp_b_to_int, 1, {S("+7")}, I(7)},
        {"to_int('3.9')", vp_b_to_int, 1, {S("3.9")}, I(3)},
        {"to_int('1e3')", vp_b_to_int, 1, {S("1e3")}, I(1000)},
        {"to_int('abc')", vp_b_to_int, 1, {S("abc")}, N},
        {"to_int('')", vp_b_to_int, 1, {S("")}, N},
        {"to_int('12x')", vp_b_to_int, 1, {S("12x")}, N},
        {"to_int(true)", vp_b_to_int, 1, {B(true)}, I(1)},
        {"to_int(1e300)", vp_b_to_int, 1, {F(1e300)}, N},
        {"to_int(int64 max)", vp_b_to_int, 1, {S("9223372036854775807")}, I(INT64_MAX)},
        {"to_int(over int64)", vp_b_to_int, 1, {S("9223372036854775808")}, N},
        {"to_int(null)", vp_b_to_int, 1, {N}, N},
        {"to_int(array)", vp_b_to_int, 1, {J("[1]")}, N},
        {"to_float(2)", vp_b_to_float, 1, {I(2)}, F(2.0)},
        {"to_float('2.5')", vp_b_to_float, 1, {S("2.5")}, F(2.5)},
        {"to_float('.5')", vp_b_to_float, 1, {S(".5")}, F(0.5)},
        {"to_float('x')", vp_b_to_float, 1, {S("x")}, N},
        {"to_float('inf')", vp_b_to_float, 1, {S("inf")}, N},
        {"to_float('0x10')", vp_b_to_float, 1, {S("0x10")}, N},
        {"to_float(false)", vp_b_to_float, 1, {B(false)}, F(0.0)},
        {"to_float(ts)", vp_b_to_float, 1, {TS(1)}, N},
        {"type_of int", vp_b_type_of, 1, {I(1)}, S("int")},
        {"type_of float", vp_b_type_of, 1, {F(1)}, S("float")},
        {"type_of string", vp_b_type_of, 1, {S("")}, S("string")},
        {"type_of bool", vp_b_type_of, 1, {B(false)}, S("bool")},
        {"type_of array", vp_b_type_of, 1, {J("[]")}, S("array")},
        {"type_of map", vp_b_type_of, 1, {J("{}")}, S("map")},
        {"type_of null", vp_b_type_of, 1, {N}, S("null")},
        {"type_of timestamp", vp_b_type_of, 1, {TS(0)}, S("timestamp")},
        {"type_of duration", vp_b_type_of, 1, {DUR(0)}, S("duration")},
        {"is_null", vp_b_is_null, 1, {N}, B(true)},
        {"is_null(0)", vp_b_is_null, 1, {I(0)}, B(false)},
        {"is_int", vp_b_is_int, 1, {I(1)}, B(true)},
        {"is_int(1.0)", vp_b_is_int, 1, {F(1.0)}, B(false)},
        {"is_float", vp_b_is_float, 1, {F(1.0)}, B(true)},
        {"is_string", vp_b_is_string, 1, {S("")}, B(true)},
        {"is_bool", vp_b_is_bool, 1, {B(false)}, B(true)},
        {"is_array", vp_b_is_array, 1, {J("[]")}, B(true)},
        {"is_array(map)", vp_b_is_array, 1, {J("{}")}, B(false)},
        {"is_map", vp_b_is_map, 1, {J("{}")}, B(true)},
        {"coalesce", vp_b_coalesce, 4, {N, N, I(3), I(4)}, I(3)},
        {"coalesce(null)", vp_b_coalesce, 1, {N}, N},
        {"if_null(null, 5)", vp_b_if_null, 2, {N, I(5)}, I(5)},
        {"if_null(1, 5)", vp_b_if_null, 2, {I(1), I(5)}, I(1)},
    };
    RUN(t);
}

/* 2024-02-29T12:34:56.789Z */
#define LEAP_DAY_NS (INT64_C(1709210096789) * MS)

Test(stdlib, time_family)
{
    const struct bcase t[] = {
        {"timestamp(ms)", vp_b_timestamp, 1, {I(1700000000000)}, TS(INT64_C(1700000000000) * MS)},
        {"timestamp(float ms)", vp_b_timestamp, 1, {F(1.5)}, TS(1500000)},
        {"timestamp(iso)", vp_b_timestamp, 1, {S("2024-01-01T00:00:00Z")}, TS(INT64_C(1704067200000) * MS)},
        {"timestamp(ts)", vp_b_timestamp, 1, {TS(5)}, TS(5)},
        {"timestamp('nope')", vp_b_timestamp, 1, {S("nope")}, N},
        {"timestamp(overflow)", vp_b_timestamp, 1, {I(INT64_MAX)}, N},
        {"timestamp(true)", vp_b_timestamp, 1, {B(true)}, N},
        {"to_millis(ts)", vp_b_to_millis, 1, {TS(1999999)}, I(1)},
        {"to_millis(dur)", vp_b_to_millis, 1, {DUR(-1500000)}, I(-1)},
        {"to_millis(5)", vp_b_to_millis, 1, {I(5)}, N},
        {"year", vp_b_year, 1, {TS(LEAP_DAY_NS)}, I(2024)},
        {"month", vp_b_month, 1, {TS(LEAP_DAY_NS)}, I(2)},
        {"day", vp_b_day, 1, {TS(LEAP_DAY_NS)}, I(29)},
        {"hour", vp_b_hour, 1, {TS(LEAP_DAY_NS)}, I(12)},
        {"minute", vp_b_minute, 1, {TS(LEAP_DAY_NS)}, I(34)},
        {"second", vp_b_second, 1, {TS(LEAP_DAY_NS)}, I(56)},
        {"year before epoch", vp_b_year, 1, {TS(-1)}, I(1969)},
        {"month before epoch", vp_b_month, 1, {TS(-1)}, I(12)},
        {"day before epoch", vp_b_day, 1, {TS(-1)}, I(31)},
        {"hour before epoch", vp_b_hour, 1, {TS(-1)}, I(23)},
        {"second before epoch", vp_b_second, 1, {TS(-1)}, I(59)},
        {"day after leap february", vp_b_day, 1, {TS(INT64_C(951868800000) * MS)}, I(1)},
        {"month after leap february", vp_b_month, 1, {TS(INT64_C(951868800000) * MS)}, I(3)},
        {"year('x')", vp_b_year, 1, {S("x")}, N},
        {"hour(int)", vp_b_hour, 1, {I(0)}, N},
    };
    RUN(t);
}

Test(stdlib, results_live_in_scratch_memory)
{
    vp_val s = S("abc");
    vp_val up = vp_b_upper(ctx, 1, &s);
    cr_assert_neq(up.u.s.p, s.u.s.p);
    vp_val lower = S("abc1");
    cr_assert_eq(vp_b_lower(ctx, 1, &lower).u.s.p, lower.u.s.p); /* unchanged: no copy */
}

/* ---- dynamic operators ---- */

struct dcase {
    const char *what;
    int32_t op;
    vp_val a, b, want;
};

Test(dyn, arithmetic)
{
    const struct dcase t[] = {
        {"1 + 2", VP_OP_ADD, I(1), I(2), I(3)},
        {"max + 1 wraps", VP_OP_ADD, I(INT64_MAX), I(1), I(INT64_MIN)},
        {"1 + 0.5", VP_OP_ADD, I(1), F(0.5), F(1.5)},
        {"'a' + 'b'", VP_OP_ADD, S("a"), S("b"), S("ab")},
        {"'a' + 1", VP_OP_ADD, S("a"), I(1), N},
        {"null + 1", VP_OP_ADD, N, I(1), N},
        {"7 - 10", VP_OP_SUB, I(7), I(10), I(-3)},
        {"3 * 2.5", VP_OP_MUL, I(3), F(2.5), F(7.5)},
        {"7 / 2", VP_OP_DIV, I(7), I(2), I(3)},
        {"-7 / 2", VP_OP_DIV, I(-7), I(2), I(-3)},
        {"min / -1", VP_OP_DIV, I(INT64_MIN), I(-1), I(INT64_MIN)},
        {"7 / 0", VP_OP_DIV, I(7), I(0), N},
        {"7.0 / 0.0", VP_OP_DIV, F(7.0), F(0.0), N},
        {"7 / 2.0", VP_OP_DIV, I(7), F(2.0), F(3.5)},
        {"-7 % 3", VP_OP_MOD, I(-7), I(3), I(-1)},
        {"7 % -3", VP_OP_MOD, I(7), I(-3), I(1)},
        {"7 % 0", VP_OP_MOD, I(7), I(0), N},
        {"7.5 % 2", VP_OP_MOD, F(7.5), I(2), F(1.5)},
        {"2 ** 10", VP_OP_POW, I(2), I(10), I(1024)},
        {"2 ** -1", VP_OP_POW, I(2), I(-1), F(0.5)},
        {"2.0 ** 2", VP_OP_POW, F(2.0), I(2), F(4.0)},
        {"1 << 4", VP_OP_SHL, I(1), I(4), I(16)},
        {"1 << 64", VP_OP_SHL, I(1), I(64), I(0)},
        {"-16 >> 2", VP_OP_SHR, I(-16), I(2), I(-4)},
        {"6 & 3", VP_OP_BAND, I(6), I(3), I(2)},
        {"6 | 3", VP_OP_BOR, I(6), I(3), I(7)},
        {"6 ^ 3", VP_OP_BXOR, I(6), I(3), I(5)},
        {"1.0 & 1", VP_OP_BAND, F(1.0), I(1), N},
        {"ts - ts", VP_OP_SUB, TS(5000), TS(2000), DUR(3000)},
        {"ts + dur", VP_OP_ADD, TS(5000), DUR(1000), TS(6000)},
        {"dur + ts", VP_OP_ADD, DUR(1000), TS(5000), TS(6000)},
        {"ts - dur", VP_OP_SUB, TS(5000), DUR(1000), TS(4000)},
        {"dur + dur", VP_OP_ADD, DUR(1), DUR(2), DUR(3)},
        {"dur * 3", VP_OP_MUL, DUR(1000), I(3), DUR(3000)},
        {"2.5 * dur", VP_OP_MUL, F(2.5), DUR(1000), DUR(2500)},
        {"dur / 4", VP_OP_DIV, DUR(1000), I(4), DUR(250)},
        {"dur / 0", VP_OP_DIV, DUR(1000), I(0), N},
        {"ts + ts", VP_OP_ADD, TS(1), TS(1), N},
        {"1 < 2 via arith", VP_OP_LT, I(1), I(2), B(true)},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        vp_val got = vp_dyn_arith(ctx, t[i].op, t[i].a, t[i].b);
        cr_expect(same(got, t[i].want), "%s: got %s, want %s", t[i].what, show(got), show(t[i].want));
    }
}

Test(dyn, comparisons)
{
    vp_val one = I(1), onef = F(1.0), two = I(2), half = F(1.5), nan = F(NAN), a = S("a"), ab = S("ab"),
           null = N, big = I(9007199254740993), bigf = F(9007199254740992.0);
    cr_assert(vp_dyn_cmp(VP_OP_LT, one, two));
    cr_assert(vp_dyn_cmp(VP_OP_LE, one, onef));
    cr_assert(vp_dyn_cmp(VP_OP_GT, two, half));
    cr_assert(vp_dyn_cmp(VP_OP_GE, half, one));
    cr_assert(vp_dyn_cmp(VP_OP_GT, big, bigf), "int/float compare is exact");
    cr_assert_not(vp_dyn_cmp(VP_OP_LT, one, nan));
    cr_assert_not(vp_dyn_cmp(VP_OP_GE, one, nan));
    cr_assert(vp_dyn_cmp(VP_OP_LT, a, ab));
    cr_assert_not(vp_dyn_cmp(VP_OP_LT, null, one));
    cr_assert_not(vp_dyn_cmp(VP_OP_LT, one, a));
    cr_assert(vp_dyn_cmp(VP_OP_LT, (vp_val)TS(1), (vp_val)TS(2)));
    cr_assert_not(vp_dyn_cmp(VP_OP_LT, (vp_val)TS(1), (vp_val)DUR(2)));
}

Test(dyn, equality)
{
    cr_assert(vp_dyn_eq((vp_val)N, (vp_val)N));
    cr_assert(vp_dyn_eq((vp_val)I(1), (vp_val)F(1.0)));
    cr_assert_not(vp_dyn_eq((vp_val)I(9007199254740993), (vp_val)F(9007199254740992.0)));
    cr_assert(vp_dyn_eq((vp_val)S("x"), (vp_val)S("x")));
    cr_assert_not(vp_dyn_eq((vp_val)S("x"), (vp_val)S("y")));
    cr_assert(vp_dyn_eq((vp_val)B(true), (vp_val)B(true)));
    cr_assert(vp_dyn_eq((vp_val)J("[1]"), (vp_val)J("[1]")));
    cr_assert_not(vp_dyn_eq((vp_val)N, (vp_val)I(0)));
    cr_assert_not(vp_dyn_eq((vp_val)TS(1), (vp_val)DUR(1)));
    cr_assert_not(vp_dyn_eq((vp_val)F(NAN), (vp_val)F(NAN)));
}

Test(dyn, negation_membership_and_members)
{
    cr_assert(same(vp_dyn_neg((vp_val)I(INT64_MIN)), (vp_val)I(INT64_MIN)));
    cr_assert(same(vp_dyn_neg((vp_val)F(2.5)), (vp_val)F(-2.5)));
    cr_assert(same(vp_dyn_neg((vp_val)DUR(5)), (vp_val)DUR(-5)));
    cr_assert(same(vp_dyn_neg((vp_val)S("x")), (vp_val)N));
    cr_assert(same(vp_dyn_bitnot((vp_val)I(0)), (vp_val)I(-1)));
    cr_assert(same(vp_dyn_bitnot((vp_val)F(0)), (vp_val)N));
    cr_assert(vp_dyn_in((vp_val)S("ell"), (vp_val)S("hello")));
    cr_assert(vp_dyn_in((vp_val)I(2), (vp_val)J("[1, 2.0 ,3]")));
    cr_assert(vp_dyn_in((vp_val)S("é\n"), (vp_val)J("[\"\\u00e9\\n\"]")));
    cr_assert(vp_dyn_in((vp_val)S("k"), (vp_val)J("{\"k\":null}")));
    cr_assert_not(vp_dyn_in((vp_val)S("v"), (vp_val)J("{\"k\":\"v\"}")));
    cr_assert_not(vp_dyn_in((vp_val)I(1), (vp_val)I(1)));
    cr_assert(same(vp_dyn_member((vp_val)J("{\"a\":{\"b\":[1]},\"s\":\"x\\ty\"}"), vp_lit("a", 1)),
                   (vp_val)J("{\"b\":[1]}")));
    cr_assert(same(vp_dyn_member((vp_val)J("{\"s\":\"x\\ty\"}"), vp_lit("s", 1)), (vp_val)S("x\ty")));
    cr_assert(same(vp_dyn_member((vp_val)J("{\"a\":1}"), vp_lit("b", 1)), (vp_val)N));
    cr_assert(same(vp_dyn_member((vp_val)J("[1]"), vp_lit("a", 1)), (vp_val)N));
}

Test(dyn, string_helpers)
{
    cr_assert_lt(vp_str_cmp(vp_lit("a", 1), vp_lit("ab", 2)), 0);
    cr_assert_gt(vp_str_cmp(vp_lit("b", 1), vp_lit("ab", 2)), 0);
    cr_assert_eq(vp_str_cmp(vp_lit(NULL, 0), vp_lit("", 0)), 0);
    cr_assert(vp_str_contains(vp_lit("abcabd", 6), vp_lit("abd", 3)));
    cr_assert_not(vp_str_contains(vp_lit("ab", 2), vp_lit("abc", 3)));
    vp_str c = vp_str_concat(ctx, vp_lit("ab", 2), vp_lit("cd", 2));
    cr_assert(vp_str_eq(c, vp_lit("abcd", 4)));
    cr_assert_eq(vp_i_pow(3, 4), 81);
    cr_assert_eq(vp_i_pow(-2, 3), -8);
    cr_assert_eq(vp_i_pow(5, 0), 1);
    cr_assert_eq(vp_f_mod(7.5, 2.0), 1.5);
    cr_assert_eq(vp_f_pow(2.0, 0.5), sqrt(2.0));
}

Test(dyn, json_iteration)
{
    static const char map[] = "{\"a\\\"\":[1,{\"x\":2}],\"b\":\"c\\u00e9\",\"n\":null}";
    vp_json_it it = {vp_lit(map, sizeof map - 1), 0};
    vp_str key;
    vp_val v;
    cr_assert(vp_json_next(ctx, &it, &key, &v));
    cr_assert(vp_str_eq(key, vp_lit("a\"", 2)));
    cr_assert(same(v, (vp_val)J("[1,{\"x\":2}]")));
    cr_assert(vp_json_next(ctx, &it, &key, &v));
    cr_assert(same(v, (vp_val)S("cé")));
    cr_assert(vp_json_next(ctx, &it, &key, &v));
    cr_assert(same(v, (vp_val)N));
    cr_assert_not(vp_json_next(ctx, &it, &key, &v));
    cr_assert_not(vp_json_next(ctx, &it, &key, &v));
    vp_json_it junk = {vp_lit("x[1]", 4), 0};
    cr_assert_not(vp_json_next(ctx, &junk, &key, &v));
}
