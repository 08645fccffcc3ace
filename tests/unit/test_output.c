/* test_output.c — the writers and the canonical output form (LANGUAGE.md §8). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static vp_w w;

static void setup(void) { rt_w_init_heap(&w, 0); }
static void teardown(void) { rt_w_free(&w); }

TestSuite(output, .init = setup, .fini = teardown);

/* What has been written so far, as a C string. */
static const char *text(void)
{
    rt_w_reserve(&w, 1);
    w.buf[w.len] = '\0';
    return w.buf;
}

static vp_str S(const char *s) { return vp_lit(s, (int64_t)strlen(s)); }

/* Parameters are copied into the test process: text is held inline. */
struct float_case {
    double v;
    char text[32];
};

ParameterizedTestParameters(output, float_canonical_form)
{
    static struct float_case cases[] = {
        {150.0, "150.0"},
        {-3.0, "-3.0"},
        {-0.0, "-0.0"},
        {0.0, "0.0"},
        {0.1, "0.1"},
        {1100.0 / 9.0, "122.22222222222223"},
        {1e-07, "1e-07"},
        {1e16, "1e+16"},
        {123456789012345.0, "123456789012345.0"},
        {9999999999999998.0, "9999999999999998.0"},
        {12345678901234568.0, "12345678901234568.0"},
        {5e-324, "5e-324"},
        {DBL_MAX, "1.7976931348623157e+308"},
        {-DBL_MAX, "-1.7976931348623157e+308"},
        {DBL_MIN, "2.2250738585072014e-308"},
        {NAN, "null"},
        {INFINITY, "null"},
        {-INFINITY, "null"},
        {0.30000000000000004, "0.30000000000000004"},
        {100.5, "100.5"},
        {0.5, "0.5"},
        {1.0 / 3.0, "0.3333333333333333"},
        {1152921504606846976.0, "1.152921504606847e+18"},
        {1e23, "1e+23"},
        {1e-05, "1e-05"},
        {0.0001, "0.0001"},
        {-1.5e300, "-1.5e+300"},
        {123456.789, "123456.789"},
    };
    return cr_make_param_array(struct float_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct float_case *c, output, float_canonical_form)
{
    vp_w_float(&w, c->v);
    cr_assert_str_eq(text(), c->text, "%.17g", c->v);
}

/* The reference: the plain search over every precision. */
static void shortest_by_search(double v, char *buf)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, 40, "%.*g", p, v);
        if (strtod(buf, NULL) == v) break;
    }
    if (!strchr(buf, '.') && !strchr(buf, 'e')) strcat(buf, ".0");
}

Test(output, float_shortest_matches_exhaustive_search)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        if (i % 3 == 0) {
            memcpy(&v, &x, sizeof v); /* any bit pattern */
        } else if (i % 3 == 1) {
            v = (double)(int64_t)(x % 2000000) / 100.0; /* prices with cents */
        } else {
            /* up to 17 digits, any scale around the fixed-notation range */
            v = (double)(x % 100000000000000000u) / pow(10.0, (double)(x >> 58));
        }
        if (!isfinite(v) || (fabs(v) < 1e16 && v == trunc(v))) continue;
        char want[40], got[32];
        shortest_by_search(v, want);
        got[rt_fmt_float(got, v)] = '\0';
        cr_assert_str_eq(got, want, "%a", v);
    }
}

Test(output, ints_in_decimal)
{
    vp_w_int(&w, 0);
    vp_w_raw(&w, " ", 1);
    vp_w_int(&w, -1);
    vp_w_raw(&w, " ", 1);
    vp_w_int(&w, INT64_MAX);
    vp_w_raw(&w, " ", 1);
    vp_w_int(&w, INT64_MIN);
    cr_assert_str_eq(text(), "0 -1 9223372036854775807 -9223372036854775808");
}

Test(output, string_escapes_quotes_and_backslash)
{
    vp_w_str(&w, S("a\"b\\c/d"));
    cr_assert_str_eq(text(), "\"a\\\"b\\\\c/d\"");
}

Test(output, string_escapes_control_characters)
{
    vp_w_str(&w, vp_lit("\b\f\n\r\t\x01\x1f\0x", 9));
    cr_assert_str_eq(text(), "\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u0000x\"");
}

Test(output, string_keeps_del_and_utf8_raw)
{
    vp_w_str(&w, S("\x7f é 😀"));
    cr_assert_str_eq(text(), "\"\x7f é 😀\"");
}

Test(output, empty_string_and_raw_string)
{
    vp_w_str(&w, vp_lit(NULL, 0));
    vp_w_str_raw(&w, S("a\"b"));
    cr_assert_str_eq(text(), "\"\"a\"b");
}

Test(output, ms_truncates_toward_zero)
{
    vp_w_ms(&w, 1999999);
    vp_w_raw(&w, " ", 1);
    vp_w_ms(&w, -1500000);
    vp_w_raw(&w, " ", 1);
    vp_w_ms(&w, -999999);
    vp_w_raw(&w, " ", 1);
    vp_w_ms(&w, INT64_C(1700000000000000000));
    cr_assert_str_eq(text(), "1 -1 0 1700000000000");
}

Test(output, values_as_json)
{
    vp_val json = {.tag = VP_JSON, .u.s = S("[1,\"a\"]")};
    vp_val vals[] = {vp_null(), vp_box_bool(true), vp_box_int(-7), vp_box_float(2.5),
                     vp_box_str(S("q\"")), vp_box_ts(INT64_C(1500000000)), vp_box_dur(-2500000), json};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        vp_w_val(&w, vals[i]);
        vp_w_raw(&w, ";", 1);
    }
    cr_assert_str_eq(text(), "null;true;-7;2.5;\"q\\\"\";1500;-2;[1,\"a\"];");
}

Test(output, raw_values_leave_strings_unquoted)
{
    vp_w_val_raw(&w, vp_box_str(S("q\"")));
    vp_w_val_raw(&w, vp_box_float(1.0));
    vp_w_val_raw(&w, vp_box_bool(false));
    cr_assert_str_eq(text(), "q\"1.0false");
}

Test(output, fields_in_input_order_with_stream_renamed)
{
    vp_field f[] = {
        {S("stream"), S("s1"), VP_J_STR},
        {S("n"), S("-0"), VP_J_INT},
        {S("f"), S("1E2"), VP_J_FLOAT},
        {S("g"), S("0.10"), VP_J_FLOAT},
        {S("big"), S("12345678901234567890"), VP_J_FLOAT},
        {S("s"), S("a\nb"), VP_J_STR},
        {S("a"), S("[1,{\"k\":null}]"), VP_J_ARRAY},
        {S("o"), S("{}"), VP_J_OBJECT},
        {S("t"), S("true"), VP_J_TRUE},
        {S("u"), S("false"), VP_J_FALSE},
        {S("z"), S("null"), VP_J_NULL},
        {S("k\"ey"), S("1"), VP_J_INT},
    };
    vp_event ev = {.type = S("T"), .nfields = 12, .fields = f};
    vp_w_fields(&w, &ev);
    cr_assert_str_eq(text(), ",\"_stream\":\"s1\",\"n\":0,\"f\":100.0,\"g\":0.1,"
                             "\"big\":1.2345678901234567e+19,\"s\":\"a\\nb\","
                             "\"a\":[1,{\"k\":null}],\"o\":{},\"t\":true,\"u\":false,\"z\":null,"
                             "\"k\\\"ey\":1");
}

Test(output, end_appends_newline)
{
    vp_w_raw(&w, "{}", 2);
    vp_w_end(&w);
    cr_assert_str_eq(text(), "{}\n");
}

Test(file_writer, buffers_and_flushes_everything)
{
    FILE *fp = tmpfile();
    cr_assert_not_null(fp);
    vp_w fw;
    rt_w_init_file(&fw, fp, 64);
    for (int i = 0; i < 1000; i++) {
        vp_w_int(&fw, i);
        vp_w_end(&fw);
    }
    char big[300];
    memset(big, 'x', sizeof big);
    vp_w_raw(&fw, big, sizeof big); /* larger than the buffer */
    cr_assert(rt_w_flush(&fw));
    rewind(fp);
    char line[400];
    for (int i = 0; i < 1000; i++) {
        cr_assert_not_null(fgets(line, sizeof line, fp));
        cr_assert_eq(atoi(line), i);
    }
    cr_assert_eq(fread(line, 1, sizeof line, fp), sizeof big);
    rt_w_free(&fw);
    fclose(fp);
}

Test(file_writer, reports_write_errors)
{
    FILE *fp = fopen("/dev/full", "w");
    if (!fp) cr_skip_test("no /dev/full");
    vp_w fw;
    rt_w_init_file(&fw, fp, 64);
    for (int i = 0; i < 100; i++) vp_w_raw(&fw, "0123456789", 10);
    cr_assert_not(rt_w_flush(&fw));
    cr_assert(fw.failed);
    rt_w_free(&fw);
    fclose(fp);
}

Test(line_writer, writes_one_line_at_end)
{
    FILE *fp = tmpfile();
    vp_w lw;
    rt_w_init_line(&lw, fp);
    vp_w_raw(&lw, "warn: ", 6);
    vp_w_int(&lw, 3);
    cr_assert_eq(ftell(fp), 0);
    vp_w_end(&lw);
    fflush(fp);
    cr_assert_eq(ftell(fp), 8);
    rt_w_free(&lw);
    fclose(fp);
}

Test(buf_writer, builds_text_in_scratch_memory)
{
    vp_ctx *ctx = rt_ctx_new(NULL, "t");
    vp_w *b = vp_w_buf(ctx);
    for (int i = 0; i < 100; i++) vp_w_str(b, S("abc"));
    vp_str t = vp_w_text(b);
    cr_assert_eq(t.n, 500);
    cr_assert(memcmp(t.p, "\"abc\"\"abc\"", 10) == 0);
    vp_str empty = vp_w_text(vp_w_buf(ctx));
    cr_assert_not_null(empty.p);
    cr_assert_eq(empty.n, 0);
    rt_ctx_free(ctx);
}

Test(buf_writer, gives_null_text_when_scratch_runs_out)
{
    vp_ctx *ctx = rt_ctx_new(NULL, "t");
    cr_assert_not_null(vp_scratch(ctx, (int64_t)RT_SCRATCH_LIMIT - 64));
    vp_w *b = vp_w_buf(ctx);
    char chunk[1024] = {0};
    for (int i = 0; i < 8; i++) vp_w_raw(b, chunk, sizeof chunk);
    cr_assert_null(vp_w_text(b).p);
    rt_ctx_free(ctx);
}
