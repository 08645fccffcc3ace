/* test_decoder.c — input decoding: JSON Lines and .evt scanners, event
 * time, field conversions, and the run loop end to end (vp_main). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"

#define MS INT64_C(1000000)

static rt_dec *d;
static vp_event ev;

static void setup(void) { d = rt_dec_new(); }
static void teardown(void) { rt_dec_free(d); }

TestSuite(json, .init = setup, .fini = teardown);
TestSuite(evt, .init = setup, .fini = teardown);
TestSuite(event_time, .init = setup, .fini = teardown);
TestSuite(lines, .init = setup, .fini = teardown);

static int decode(const char *line) { return rt_dec_line(d, line, strlen(line), 1, &ev); }

static bool str_is(vp_str s, const char *want)
{
    return (size_t)s.n == strlen(want) && memcmp(s.p, want, (size_t)s.n) == 0;
}

/* Field `name` of the decoded event; fails the test if absent. */
static const vp_field *field(const char *name)
{
    for (int32_t i = 0; i < ev.nfields; i++)
        if (str_is(ev.fields[i].key, name)) return &ev.fields[i];
    cr_assert_fail("no field '%s'", name);
    return NULL;
}

static void expect_field(const char *name, int32_t kind, const char *raw)
{
    const vp_field *f = field(name);
    cr_assert_eq(f->kind, kind, "field %s: kind %d", name, f->kind);
    cr_assert(str_is(f->raw, raw), "field %s: raw '%.*s', want '%s'", name, (int)f->raw.n, f->raw.p, raw);
}

static void expect_event(const char *line, const char *type, int32_t nfields)
{
    int st = decode(line);
    cr_assert_eq(st, RT_DEC_EVENT, "%s: status %d (%s)", line, st, d->msg);
    cr_assert(str_is(ev.type, type), "%s: type '%.*s'", line, (int)ev.type.n, ev.type.p);
    cr_assert_eq(ev.nfields, nfields, "%s: %d fields", line, ev.nfields);
}

static void expect_bad(const char *line, int32_t kind)
{
    int st = decode(line);
    cr_assert_eq(st, RT_DEC_BAD, "%s: accepted", line);
    cr_assert_eq(d->bad_kind, kind, "%s: kind %d (%s)", line, d->bad_kind, d->msg);
}

/* ---- JSON Lines ---- */

Test(json, flat_shape_fields_in_input_order)
{
    expect_event("{\"event_type\":\"Trade\",\"price\":1.5,\"sym\":\"A\",\"ts\":1700000000000}", "Trade", 3);
    cr_assert(str_is(ev.fields[0].key, "price"));
    cr_assert(str_is(ev.fields[1].key, "sym"));
    cr_assert(str_is(ev.fields[2].key, "ts"));
    expect_field("price", VP_J_FLOAT, "1.5");
    expect_field("sym", VP_J_STR, "A");
    expect_field("ts", VP_J_INT, "1700000000000");
}

Test(json, nested_shape_takes_data_members)
{
    expect_event("{\"event_type\":\"T\",\"timestamp\":\"2024-01-01T00:00:00Z\",\"source\":\"x\","
                 "\"data\":{\"a\":1,\"b\":\"x\"}}",
                 "T", 2);
    expect_field("a", VP_J_INT, "1");
    expect_field("b", VP_J_STR, "x");
    cr_assert_eq(ev.time, INT64_C(1704067200000) * MS);
}

Test(json, nested_shape_with_data_first)
{
    expect_event("{ \"data\" : { \"a\" : true } , \"event_type\" : \"T\" , \"extra\": [1] }", "T", 1);
    expect_field("a", VP_J_TRUE, "true");
}

Test(json, type_member_is_event_type_when_event_type_absent)
{
    expect_event("{\"type\":\"Temp\",\"x\":1}", "Temp", 1);
    expect_field("x", VP_J_INT, "1");
    expect_event("{\"x\":1,\"type\":\"Temp\",\"y\":2}", "Temp", 2);
    cr_assert(str_is(ev.fields[1].key, "y"));
}

Test(json, type_member_is_a_field_when_event_type_present)
{
    expect_event("{\"type\":\"temp\",\"event_type\":\"Reading\"}", "Reading", 1);
    expect_field("type", VP_J_STR, "temp");
}

Test(json, string_escapes_decoded)
{
    expect_event("{\"type\":\"T\",\"s\":\"a\\\"b\\\\c\\/d\\n\\t\\b\\f\\r\\u00e9\\ud83d\\ude00\"}", "T", 1);
    expect_field("s", VP_J_STR, "a\"b\\c/d\n\t\b\f\ré😀");
}

Test(json, escaped_key_and_type)
{
    expect_event("{\"event_type\":\"T\\u0041\",\"k\\u0041\":\"\\u0000\"}", "TA", 1);
    const vp_field *f = field("kA");
    cr_assert_eq(f->raw.n, 1);
    cr_assert_eq(f->raw.p[0], '\0');
}

Test(json, valid_utf8_of_every_length_accepted)
{
    expect_event("{\"type\":\"T\",\"s\":\"a\xc2\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"}", "T", 1);
    expect_field("s", VP_J_STR, "a©€😀\U0010FFFF");
    expect_bad("{\"type\":\"T\",\"s\":\"abcdefgh\x80\"}", VP_BAD_MALFORMED);
    cr_assert_str_eq(d->msg, "invalid UTF-8 at column 26");
}

Test(json, string_without_escapes_points_into_line)
{
    const char *line = "{\"type\":\"T\",\"s\":\"plain é\"}";
    expect_event(line, "T", 1);
    cr_assert(field("s")->raw.p > line && field("s")->raw.p < line + strlen(line));
}

Test(json, number_kinds)
{
    expect_event("{\"type\":\"T\",\"i\":-42,\"z\":0,\"f\":-0.5,\"e\":1e3,\"E\":2.5E-3,"
                 "\"min\":-9223372036854775808,\"max\":9223372036854775807,"
                 "\"over\":9223372036854775808,\"big\":12345678901234567890}",
                 "T", 9);
    expect_field("i", VP_J_INT, "-42");
    expect_field("z", VP_J_INT, "0");
    expect_field("f", VP_J_FLOAT, "-0.5");
    expect_field("e", VP_J_FLOAT, "1e3");
    expect_field("E", VP_J_FLOAT, "2.5E-3");
    expect_field("min", VP_J_INT, "-9223372036854775808");
    expect_field("max", VP_J_INT, "9223372036854775807");
    expect_field("over", VP_J_FLOAT, "9223372036854775808");
    expect_field("big", VP_J_FLOAT, "12345678901234567890");
}

Test(json, literals)
{
    expect_event("{\"type\":\"T\",\"t\":true,\"f\":false,\"n\":null}", "T", 3);
    expect_field("t", VP_J_TRUE, "true");
    expect_field("f", VP_J_FALSE, "false");
    expect_field("n", VP_J_NULL, "null");
}

Test(json, arrays_and_objects_canonical)
{
    expect_event("{\"type\":\"T\",\"a\":[1, 2.50, \"x\\u0041\\/\", true, null, {\"k\" : [ ]}, 1e2, -0, "
                 "1E400, \"\\u0001\\u007f\"],\"o\": {\"b\":\"é\\n\",\"a\":{}} }",
                 "T", 2);
    expect_field("a", VP_J_ARRAY, "[1,2.5,\"xA/\",true,null,{\"k\":[]},100.0,0,null,\"\\u0001\x7f\"]");
    expect_field("o", VP_J_OBJECT, "{\"b\":\"é\\n\",\"a\":{}}");
}

Test(json, duplicate_keys_all_kept)
{
    expect_event("{\"type\":\"T\",\"a\":1,\"a\":2}", "T", 2);
    cr_assert(str_is(ev.fields[1].raw, "2"));
}

Test(json, malformed_lines_rejected)
{
    static const char *bad[] = {
        "{\"type\":\"T\"} x",               /* trailing garbage */
        "{\"type\":\"T\",\"a\":\"abc}",     /* unterminated string */
        "{\"type\":\"T\",\"a\":\"\\x\"}",   /* bad escape */
        "{\"type\":\"T\",\"a\":\"\\u12\"}", /* short \u */
        "{\"type\":\"T\",\"a\":\"\\ud800\"}", /* lone surrogate */
        "{\"type\":\"T\",\"a\":\"\\udc00\"}",
        "{\"type\":\"T\",\"a\":\"\\ud800\\u0041\"}",
        "{\"type\":\"T\",\"a\":\"x\ty\"}",  /* raw control character */
        "{\"type\":\"T\",\"a\":01}",        /* leading zero */
        "{\"type\":\"T\",\"a\":1.}",
        "{\"type\":\"T\",\"a\":.5}",
        "{\"type\":\"T\",\"a\":-}",
        "{\"type\":\"T\",\"a\":1e}",
        "{\"type\":\"T\",\"a\":+1}",
        "{\"type\":\"T\",\"a\":tru}",
        "{\"type\":\"T\",\"a\":nulls}",
        "{\"a\":1}",                         /* missing event type */
        "{}",
        "{\"type\":5}",                      /* event type not a string */
        "{\"event_type\":5}",
        "{\"event_type\":\"\"}",
        "{\"type\":\"T\",\"data\":5}",       /* data not an object */
        "{\"type\":\"T\",\"data\":{},\"data\":{}}",
        "{\"type\":\"T\",}",                 /* trailing comma */
        "{\"type\":\"T\" \"a\":1}",          /* missing comma */
        "{\"type\" \"T\"}",                  /* missing colon */
        "{\"type\":\"T\",\"a\":[1,]}",
        "{\"type\":\"T\",\"a\":[1 2]}",
        "{\"type\":\"T\",\"a\":{\"k\"}}",
        "{\"type\":\"T\"",                   /* unterminated object */
        "{\"type\":\"T\",\"a\":",
        "{type:\"T\"}",
        "{\"type\":\"T\",\"a\":'x'}",
        "{\"type\":\"T\",\"a\":\"\xff\"}",     /* invalid UTF-8 */
        "{\"type\":\"T\",\"a\":\"\xc0\xaf\"}", /* overlong */
        "{\"type\":\"T\",\"a\":\"\xed\xa0\x80\"}", /* surrogate */
        "{\"type\":\"T\",\"a\":\"\xf4\x90\x80\x80\"}", /* above U+10FFFF */
        "{\"type\":\"T\",\"a\":\"\xe2\x82\"}", /* truncated */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_bad(bad[i], VP_BAD_MALFORMED);
}

Test(json, malformed_message_names_the_column)
{
    expect_bad("{\"type\":\"T\",\"a\":01}", VP_BAD_MALFORMED);
    cr_assert_str_eq(d->msg, "invalid number at column 17");
    expect_bad("{\"a\":1}", VP_BAD_MALFORMED);
    cr_assert_str_eq(d->msg, "missing event type");
}

Test(json, nesting_limit)
{
    char line[512] = "{\"type\":\"T\",\"a\":";
    size_t n = strlen(line);
    for (int i = 0; i < 100; i++) line[n++] = '[';
    for (int i = 0; i < 100; i++) line[n++] = ']';
    strcpy(line + n, "}");
    expect_bad(line, VP_BAD_MALFORMED);
    cr_assert(strstr(d->msg, "nesting too deep"));
}

/* A flat JSON line with n integer fields f0..f<n-1>. */
static char *wide_line(int n)
{
    char *line = malloc((size_t)n * 16 + 32);
    int k = sprintf(line, "{\"type\":\"T\"");
    for (int i = 0; i < n; i++) k += sprintf(line + k, ",\"f%d\":%d", i, i);
    strcpy(line + k, "}");
    return line;
}

Test(json, field_limit)
{
    char *ok = wide_line(RT_MAX_FIELDS), *over = wide_line(RT_MAX_FIELDS + 1), *far = wide_line(2000);
    expect_event(ok, "T", RT_MAX_FIELDS);
    expect_bad(over, VP_BAD_TOO_MANY_FIELDS);
    expect_bad(far, VP_BAD_TOO_MANY_FIELDS);
    free(ok);
    free(over);
    free(far);
}

Test(json, long_line_with_many_escapes_stays_consistent)
{
    /* decoded text outgrows the first reservation: the line is decoded again */
    size_t n = 20000;
    char *line = malloc(n * 8 + 64);
    size_t k = (size_t)sprintf(line, "{\"type\":\"T\",\"a\":[");
    for (size_t i = 0; i < n; i++) k += (size_t)sprintf(line + k, "%s1e15", i ? "," : "");
    k += (size_t)sprintf(line + k, "],\"s\":\"\\u00e9\"}");
    expect_event(line, "T", 2);
    expect_field("s", VP_J_STR, "é");
    const vp_field *a = field("a");
    cr_assert_eq(a->raw.n, (int64_t)(n * 19 + 1));
    cr_assert(memcmp(a->raw.p, "[1000000000000000.0,", 20) == 0);
    free(line);
}

/* ---- .evt ---- */

Test(evt, named_fields_and_value_forms)
{
    expect_event("Trade { sym: \"A\", price: 1.5, n: -3, ok: true, no: false, x: nil, y: null, "
                 "w: hello world , big: 99999999999999999999, e: 1e3 }",
                 "Trade", 10);
    expect_field("sym", VP_J_STR, "A");
    expect_field("price", VP_J_FLOAT, "1.5");
    expect_field("n", VP_J_INT, "-3");
    expect_field("ok", VP_J_TRUE, "true");
    expect_field("no", VP_J_FALSE, "false");
    expect_field("x", VP_J_NULL, "nil");
    expect_field("y", VP_J_NULL, "null");
    expect_field("w", VP_J_STR, "hello world");
    expect_field("big", VP_J_FLOAT, "99999999999999999999");
    expect_field("e", VP_J_FLOAT, "1e3");
}

Test(evt, positional_fields)
{
    expect_event("Tick(1, \"x\", 2.5, abc)", "Tick", 4);
    expect_field("field_0", VP_J_INT, "1");
    expect_field("field_1", VP_J_STR, "x");
    expect_field("field_2", VP_J_FLOAT, "2.5");
    expect_field("field_3", VP_J_STR, "abc");
    expect_event("Tick()", "Tick", 0);
}

Test(evt, empty_event_and_trailing_semicolon)
{
    expect_event("Empty {}", "Empty", 0);
    expect_event("  Empty{ } ;  ", "Empty", 0);
    expect_event("A { x: 1, };", "A", 1);
}

Test(evt, quoted_strings)
{
    expect_event("A { a: 'it\\'s', b: \"q\\\"\\n\\t\\\\\", c: \"a\\qb\", d: \"x, y}\", 'k k': 1 }", "A", 5);
    expect_field("a", VP_J_STR, "it's");
    expect_field("b", VP_J_STR, "q\"\n\t\\");
    expect_field("c", VP_J_STR, "a\\qb");
    expect_field("d", VP_J_STR, "x, y}");
    expect_field("k k", VP_J_INT, "1");
}

Test(evt, arrays_and_maps_canonical)
{
    expect_event("A { a: [1, 'b', c d, 2.50, true, nil, [ ], \"q\\\"\"], m: {k: 1, 'x y': [a]} }", "A", 2);
    expect_field("a", VP_J_ARRAY, "[1,\"b\",\"c d\",2.5,true,null,[],\"q\\\"\"]");
    expect_field("m", VP_J_OBJECT, "{\"k\":1,\"x y\":[\"a\"]}");
}

Test(evt, malformed_lines_rejected)
{
    static const char *bad[] = {
        "Trade {a 1}", "Trade", "Trade {a: 1", "Trade {a: \"x}", "@x A{}", "@5x A{}", "@5 ",
        "1abc {}", "Trade {a: 1} junk", "Trade {a: }", "Trade {: 1}", "A(1,,2)", "A { a: [1, }",
        "A { a: [1,,2] }", "BATCH 12x", "BATCH 5 6", "A { a: 1 } ; ;", "A {a: 'x' y}",
        "A { a: caf\xe9 }",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_bad(bad[i], VP_BAD_MALFORMED);
}

Test(evt, too_many_fields)
{
    char line[8192] = "A(";
    size_t n = 2;
    for (int i = 0; i <= RT_MAX_FIELDS; i++) n += (size_t)sprintf(line + n, "%d,", i);
    strcpy(line + n, ")");
    expect_bad(line, VP_BAD_TOO_MANY_FIELDS);
}

/* ---- event time ---- */

Test(event_time, ts_int_float_and_iso)
{
    expect_event("{\"type\":\"T\",\"ts\":1700000000000}", "T", 1);
    cr_assert_eq(ev.time, INT64_C(1700000000000) * MS);
    expect_event("{\"type\":\"T\",\"ts\":1.5}", "T", 1);
    cr_assert_eq(ev.time, 1500000);
    expect_event("{\"type\":\"T\",\"ts\":\"2024-02-29T12:34:56.789+02:00\"}", "T", 1);
    cr_assert_eq(ev.time, INT64_C(1709202896789) * MS);
    expect_event("{\"type\":\"T\",\"ts\":\"2026-01-23T10:00:00-05:30\"}", "T", 1);
    cr_assert_eq(ev.time, INT64_C(1769182200000) * MS);
    expect_event("{\"type\":\"T\",\"ts\":\"2024-01-01\"}", "T", 1);
    cr_assert_eq(ev.time, INT64_C(1704067200000) * MS);
    expect_event("{\"type\":\"T\",\"ts\":\"1969-12-31T23:59:59Z\"}", "T", 1);
    cr_assert_eq(ev.time, INT64_C(-1000) * MS);
    expect_event("{\"type\":\"T\",\"ts\":\"2000-03-01 00:00:00.5z\"}", "T", 1);
    cr_assert_eq(ev.time, INT64_C(951868800500) * MS);
}

Test(event_time, precedence_ts_timestamp_top_level)
{
    expect_event("{\"type\":\"T\",\"timestamp\":2000,\"ts\":1000}", "T", 2);
    cr_assert_eq(ev.time, 1000 * MS);
    expect_event("{\"type\":\"T\",\"timestamp\":2000,\"ts\":\"soon\"}", "T", 2);
    cr_assert_eq(ev.time, 2000 * MS);
    expect_event("{\"type\":\"T\",\"timestamp\":3000,\"data\":{\"timestamp\":4000}}", "T", 1);
    cr_assert_eq(ev.time, 4000 * MS);
    expect_event("{\"type\":\"T\",\"timestamp\":3000,\"data\":{\"x\":1}}", "T", 1);
    cr_assert_eq(ev.time, 3000 * MS);
}

Test(event_time, falls_back_to_previous_time)
{
    expect_event("{\"type\":\"T\"}", "T", 0);
    cr_assert_eq(ev.time, 0);
    expect_event("{\"type\":\"T\",\"ts\":5000}", "T", 1);
    expect_event("{\"type\":\"T\",\"ts\":\"2024-13-01T00:00:00Z\"}", "T", 1);
    cr_assert_eq(ev.time, 5000 * MS);
    expect_event("{\"type\":\"T\",\"ts\":true}", "T", 1);
    cr_assert_eq(ev.time, 5000 * MS);
    expect_event("T {}", "T", 0);
    cr_assert_eq(ev.time, 5000 * MS);
}

Test(event_time, evt_batch_and_offsets)
{
    cr_assert_eq(decode("BATCH 1000"), RT_DEC_NONE);
    expect_event("A {}", "A", 0);
    cr_assert_eq(ev.time, 1000 * MS);
    expect_event("@5s A {}", "A", 0);
    cr_assert_eq(ev.time, 5000 * MS);
    expect_event("@2m A {}", "A", 0);
    cr_assert_eq(ev.time, 120000 * MS);
    expect_event("@7 A {}", "A", 0);
    cr_assert_eq(ev.time, 7 * MS);
    expect_event("@9ms A(1)", "A", 1);
    cr_assert_eq(ev.time, 9 * MS);
    expect_event("A { ts: 42 }", "A", 1);
    cr_assert_eq(ev.time, 42 * MS);
    expect_event("A {}", "A", 0); /* BATCH still applies */
    cr_assert_eq(ev.time, 1000 * MS);
    cr_assert_eq(decode("BATCH -5"), RT_DEC_NONE);
    expect_event("A {}", "A", 0);
    cr_assert_eq(ev.time, -5 * MS);
}

Test(event_time, invalid_iso_strings)
{
    static const char *bad[] = {
        "2023-02-29", "2024-00-10", "2024-01-32", "2024-01-01T24:00:00Z", "2024-01-01T10:60:00Z",
        "2024-01-01T10:00:61Z", "2024-01-01T10:00:00+25:00", "2024-01-01T10:00:00.Z", "24-01-01",
        "2024-01-01T10", "2024-01-01T10:00:00 Z", "2024-01-01Z", "", "3000-01-01T00:00:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vp_field f = {vp_lit("ts", 2), vp_lit(bad[i], (int64_t)strlen(bad[i])), VP_J_STR};
        int64_t ns;
        cr_assert_eq(vp_in_ts(&f, &ns), -1, "%s accepted", bad[i]);
    }
}

/* ---- lines ---- */

Test(lines, blank_and_comment_lines_ignored)
{
    static const char *none[] = {"", "   ", "\t", "# comment", "   // comment", "//", "#"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        cr_assert_eq(decode(none[i]), RT_DEC_NONE, "'%s'", none[i]);
    expect_event("   {\"type\":\"T\"}  ", "T", 0);
    expect_event("\tA {}", "A", 0);
}

Test(lines, mixed_forms_in_one_input)
{
    expect_event("{\"type\":\"J\",\"ts\":10}", "J", 1);
    expect_event("E { a: 1 }", "E", 1);
    cr_assert_eq(ev.time, 10 * MS);
}

/* ---- field conversions ---- */

static vp_field F(int32_t kind, const char *raw) { return (vp_field){vp_lit("k", 1), vp_lit(raw, (int64_t)strlen(raw)), kind}; }

Test(in_field, int_accepts_only_ints)
{
    int64_t v = 0;
    vp_field i = F(VP_J_INT, "-12"), fl = F(VP_J_FLOAT, "1.5"), n = F(VP_J_NULL, "null"), s = F(VP_J_STR, "3");
    cr_assert_eq(vp_in_int(&i, &v), 1);
    cr_assert_eq(v, -12);
    cr_assert_eq(vp_in_int(&fl, &v), -1);
    cr_assert_eq(vp_in_int(&n, &v), 0);
    cr_assert_eq(vp_in_int(&s, &v), -1);
}

Test(in_field, float_accepts_ints_and_floats)
{
    double v = 0;
    vp_field i = F(VP_J_INT, "7"), fl = F(VP_J_FLOAT, "0.1"), big = F(VP_J_FLOAT, "12345678901234567890"),
             e = F(VP_J_FLOAT, "-2.5e-3"), b = F(VP_J_TRUE, "true"), n = F(VP_J_NULL, "null");
    cr_assert_eq(vp_in_float(&i, &v), 1);
    cr_assert_eq(v, 7.0);
    cr_assert_eq(vp_in_float(&fl, &v), 1);
    cr_assert_eq(v, 0.1);
    cr_assert_eq(vp_in_float(&big, &v), 1);
    cr_assert_eq(v, 12345678901234567890.0);
    cr_assert_eq(vp_in_float(&e, &v), 1);
    cr_assert_eq(v, -2.5e-3);
    cr_assert_eq(vp_in_float(&b, &v), -1);
    cr_assert_eq(vp_in_float(&n, &v), 0);
}

Test(in_field, float_parsing_is_correctly_rounded)
{
    static const char *texts[] = {"0.1", "3.14159", "1e22", "1e23", "123456789012345678", "2.2250738585072014e-308",
                                  "4.9e-324", "1.7976931348623157e308", "0.000001234", "9007199254740993",
                                  "100.25", "-0.0"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        vp_field f = F(VP_J_FLOAT, texts[i]);
        double v;
        cr_assert_eq(vp_in_float(&f, &v), 1);
        cr_assert_eq(memcmp(&v, &(double){strtod(texts[i], NULL)}, sizeof v), 0, "%s", texts[i]);
    }
}

Test(in_field, bool_str_dur)
{
    bool b = false;
    vp_str s;
    int64_t ns;
    vp_field t = F(VP_J_TRUE, "true"), f = F(VP_J_FALSE, "false"), str = F(VP_J_STR, "x"), i = F(VP_J_INT, "250"),
             n = F(VP_J_NULL, "null"), fl = F(VP_J_FLOAT, "2.5");
    cr_assert_eq(vp_in_bool(&t, &b), 1);
    cr_assert(b);
    cr_assert_eq(vp_in_bool(&f, &b), 1);
    cr_assert_not(b);
    cr_assert_eq(vp_in_bool(&str, &b), -1);
    cr_assert_eq(vp_in_bool(&n, &b), 0);
    cr_assert_eq(vp_in_str(&str, &s), 1);
    cr_assert(str_is(s, "x"));
    cr_assert_eq(vp_in_str(&i, &s), -1);
    cr_assert_eq(vp_in_str(&n, &s), 0);
    cr_assert_eq(vp_in_dur(&i, &ns), 1);
    cr_assert_eq(ns, 250 * MS);
    cr_assert_eq(vp_in_dur(&fl, &ns), -1);
    cr_assert_eq(vp_in_dur(&n, &ns), 0);
}

Test(in_field, ts_forms_and_overflow)
{
    int64_t ns;
    vp_field i = F(VP_J_INT, "1000"), fl = F(VP_J_FLOAT, "1.25"), s = F(VP_J_STR, "2024-01-01T00:00:00Z"),
             bad = F(VP_J_STR, "yesterday"), huge = F(VP_J_INT, "9223372036854775807"),
             hugef = F(VP_J_FLOAT, "1e300"), b = F(VP_J_TRUE, "true");
    cr_assert_eq(vp_in_ts(&i, &ns), 1);
    cr_assert_eq(ns, 1000 * MS);
    cr_assert_eq(vp_in_ts(&fl, &ns), 1);
    cr_assert_eq(ns, 1250000);
    cr_assert_eq(vp_in_ts(&s, &ns), 1);
    cr_assert_eq(ns, INT64_C(1704067200000) * MS);
    cr_assert_eq(vp_in_ts(&bad, &ns), -1);
    cr_assert_eq(vp_in_ts(&huge, &ns), -1);
    cr_assert_eq(vp_in_ts(&hugef, &ns), -1);
    cr_assert_eq(vp_in_ts(&b, &ns), -1);
}

Test(in_field, dyn_values_by_kind)
{
    vp_field i = F(VP_J_INT, "5"), fl = F(VP_J_FLOAT, "5.5"), s = F(VP_J_STR, "s"), t = F(VP_J_TRUE, "true"),
             n = F(VP_J_NULL, "null"), a = F(VP_J_ARRAY, "[1]"), o = F(VP_J_OBJECT, "{}");
    cr_assert_eq(vp_in_dyn(&i).tag, VP_INT);
    cr_assert_eq(vp_in_dyn(&i).u.i, 5);
    cr_assert_eq(vp_in_dyn(&fl).tag, VP_FLOAT);
    cr_assert_eq(vp_in_dyn(&fl).u.f, 5.5);
    cr_assert_eq(vp_in_dyn(&s).tag, VP_STR);
    cr_assert_eq(vp_in_dyn(&t).tag, VP_BOOL);
    cr_assert(vp_in_dyn(&t).u.b);
    cr_assert_eq(vp_in_dyn(&n).tag, VP_NULL);
    cr_assert_eq(vp_in_dyn(&a).tag, VP_JSON);
    cr_assert(str_is(vp_in_dyn(&a).u.s, "[1]"));
    cr_assert_eq(vp_in_dyn(&o).tag, VP_JSON);
}

/* ---- the run loop, end to end ---- */

static void on_event(vp_ctx *ctx, const vp_event *e)
{
    if (str_is(e->type, "Bad")) {
        vp_bad_input(ctx, VP_BAD_UNKNOWN_TYPE, e, "no stream reads 'Bad'");
        return;
    }
    if (str_is(e->type, "Big")) { /* beyond the per-input scratch bound */
        if (!vp_scratch(ctx, 40 << 20) || !vp_scratch(ctx, 40 << 20)) return;
    }
    if (str_is(e->type, "Mid")) { /* within the bound, every time */
        if (!vp_scratch(ctx, 40 << 20)) vp_w_raw(vp_out(ctx), "lost ", 5);
    }
    vp_count(ctx, vp_counter(ctx, "events seen"), 1);
    vp_w *w = vp_out(ctx);
    vp_w_raw(w, "{\"stream\":", 10);
    vp_w_str(w, e->type);
    vp_w_fields(w, e);
    vp_w_raw(w, ",\"t\":", 5);
    vp_w_ms(w, e->time);
    vp_w_raw(w, "}", 1);
    vp_w_end(w);
}

static void on_end(vp_ctx *ctx)
{
    vp_w_raw(vp_out(ctx), "end", 3);
    vp_w_end(vp_out(ctx));
}

static const vp_query_desc query = {
    .abi_version = VP_ABI_VERSION,
    .program = "test.vpl",
    .source_hash = "0",
    .on_event = on_event,
    .on_end = on_end,
};

static char in_path[64], out_path[64];

static void write_file(const char *path, const char *text, size_t n)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(text, 1, n, fp), n);
    fclose(fp);
}

static char *read_file(const char *path)
{
    static char buf[1 << 16];
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* Runs vp_main over input with extra options; returns its exit status. */
static int run(const char *input, size_t n, const char *opt1, const char *opt2)
{
    strcpy(in_path, "/tmp/vprt_in_XXXXXX");
    strcpy(out_path, "/tmp/vprt_out_XXXXXX");
    close(mkstemp(in_path));
    close(mkstemp(out_path));
    write_file(in_path, input, n);
    char *argv[] = {"detector", "--input", in_path, "--output", out_path, (char *)opt1, (char *)opt2, NULL};
    int argc = 5 + (opt1 != NULL) + (opt2 != NULL);
    return vp_main(argc, argv, &query);
}

static void cleanup(void)
{
    unlink(in_path);
    unlink(out_path);
}

TestSuite(run, .init = cr_redirect_stderr, .fini = cleanup);

Test(run, writes_each_event_through_the_query)
{
    const char *in = "# events\n{\"type\":\"A\",\"x\":1.50,\"ts\":1000}\n\nBATCH 2000\nB { s: \"q\" }\r\n"
                     "C(true)";
    cr_assert_eq(run(in, strlen(in), NULL, NULL), 0);
    cr_assert_str_eq(read_file(out_path), "{\"stream\":\"A\",\"x\":1.5,\"ts\":1000,\"t\":1000}\n"
                                          "{\"stream\":\"B\",\"s\":\"q\",\"t\":2000}\n"
                                          "{\"stream\":\"C\",\"field_0\":true,\"t\":2000}\nend\n");
    fflush(stderr);
    cr_assert_stderr_eq_str("vprt: 3 events read, 3 processed, 0 skipped\nvprt: events seen: 3\n");
}

Test(run, counts_bad_input_and_reports_first_of_each_kind)
{
    const char *in = "A {}\n{\"type\":\"A\",\"x\":01}\nB {x: }\nBad {}\nBad {}\nA {}\n";
    cr_assert_eq(run(in, strlen(in), "--stats", NULL), 0);
    cr_assert_str_eq(read_file(out_path), "{\"stream\":\"A\",\"t\":0}\n{\"stream\":\"A\",\"t\":0}\nend\n");
    fflush(stderr);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:2: error: malformed line: invalid number at column 17\n"
             "%s:4: error: unknown event type: no stream reads 'Bad'\n"
             "vprt: 6 events read, 2 processed, 4 skipped (malformed: 2, unknown event type: 2)\n"
             "vprt: events seen: 2\n",
             in_path, in_path);
    /* the --stats timing line follows; compare up to it */
    FILE *err = cr_get_redirected_stderr();
    char got[1024];
    size_t n = fread(got, 1, sizeof got - 1, err);
    got[n] = '\0';
    cr_assert(strncmp(got, want, strlen(want)) == 0, "stderr:\n%s", got);
    cr_assert(strstr(got + strlen(want), " events/s\n"), "stderr:\n%s", got);
}

Test(run, quiet_keeps_only_the_summary)
{
    const char *in = "A {\nA {}\n";
    cr_assert_eq(run(in, strlen(in), "--quiet", NULL), 0);
    fflush(stderr);
    cr_assert_stderr_eq_str("vprt: 2 events read, 1 processed, 1 skipped (malformed: 1)\n"
                            "vprt: events seen: 1\n");
}

Test(run, strict_stops_after_first_bad_line_with_status_1)
{
    const char *in = "A {}\nBad {}\nA {}\n";
    cr_assert_eq(run(in, strlen(in), "--strict", "--quiet"), 1);
    cr_assert_str_eq(read_file(out_path), "{\"stream\":\"A\",\"t\":0}\n");
}

Test(run, skips_over_long_lines)
{
    /* line 2 is longer than the reader's buffer; line 4 ends the input */
    size_t big = 3u << 20;
    char *in = malloc(big + 256);
    size_t n = (size_t)sprintf(in, "A {x: 1}\n");
    memset(in + n, 'x', big);
    n += big;
    n += (size_t)sprintf(in + n, "\nA {x: 2}\nA {x: \"%0100d\"}", 0);
    cr_assert_eq(run(in, n, "--max-line", "100"), 0);
    cr_assert_str_eq(read_file(out_path), "{\"stream\":\"A\",\"x\":1,\"t\":0}\n{\"stream\":\"A\",\"x\":2,\"t\":0}\nend\n");
    fflush(stderr);
    char want[512];
    snprintf(want, sizeof want,
             "%s:2: error: line too long: longer than 100 bytes\n"
             "vprt: 4 events read, 2 processed, 2 skipped (line too long: 2)\n"
             "vprt: events seen: 2\n",
             in_path);
    cr_assert_stderr_eq_str(want);
    free(in);
}

Test(run, line_of_exactly_max_line_bytes_is_kept)
{
    const char *in = "A {x: 12345}\r\nA {x: 123456}\n"; /* 12 and 13 bytes */
    cr_assert_eq(run(in, strlen(in), "--max-line", "12"), 0);
    cr_assert_str_eq(read_file(out_path), "{\"stream\":\"A\",\"x\":12345,\"t\":0}\nend\n");
}

Test(run, scratch_memory_is_reset_after_each_event)
{
    const char *in = "Mid {}\nMid {}\nMid {}\nBig {}\n";
    cr_assert_eq(run(in, strlen(in), NULL, NULL), 0);
    cr_assert_str_eq(read_file(out_path), "{\"stream\":\"Mid\",\"t\":0}\n{\"stream\":\"Mid\",\"t\":0}\n"
                                          "{\"stream\":\"Mid\",\"t\":0}\nend\n");
    fflush(stderr);
    cr_assert_stderr_eq_str("vprt: 4 events read, 4 processed, 0 skipped\n"
                            "vprt: events seen: 3\nvprt: scratch memory exhausted: 1\n");
}

Test(run, usage_and_open_errors_exit_2)
{
    char *unknown[] = {"detector", "--bogus", NULL};
    cr_assert_eq(vp_main(2, unknown, &query), 2);
    char *missing[] = {"detector", "--input", "/nonexistent/events.jsonl", NULL};
    cr_assert_eq(vp_main(3, missing, &query), 2);
    char *noval[] = {"detector", "--input", NULL};
    cr_assert_eq(vp_main(2, noval, &query), 2);
    char *badmax[] = {"detector", "--max-line", "0", NULL};
    cr_assert_eq(vp_main(3, badmax, &query), 2);
    vp_query_desc old = query;
    old.abi_version = VP_ABI_VERSION + 1;
    char *plain[] = {"detector", NULL};
    cr_assert_eq(vp_main(1, plain, &old), 2);
    fflush(stderr);
    FILE *err = cr_get_redirected_stderr();
    char got[4096];
    got[fread(got, 1, sizeof got - 1, err)] = '\0';
    cr_assert(strstr(got, "detector: unknown option '--bogus'\nusage: detector [options]\n"), "%s", got);
    cr_assert(strstr(got, "vprt: cannot open input '/nonexistent/events.jsonl': "), "%s", got);
    cr_assert(strstr(got, "ABI version 2, this runtime needs 1"), "%s", got);
}

Test(run, help_exits_0, .init = cr_redirect_stdout)
{
    char *argv[] = {"detector", "--help", NULL};
    cr_assert_eq(vp_main(2, argv, &query), 0);
    fflush(stdout);
    FILE *out = cr_get_redirected_stdout();
    char got[2048];
    got[fread(got, 1, sizeof got - 1, out)] = '\0';
    cr_assert(strstr(got, "usage: detector [options]\n"));
    cr_assert(strstr(got, "--max-line BYTES"));
}

Test(run, output_write_error_exits_1)
{
    if (access("/dev/full", W_OK) != 0) cr_skip_test("no /dev/full");
    strcpy(in_path, "/tmp/vprt_in_XXXXXX");
    close(mkstemp(in_path));
    write_file(in_path, "A {}\n", 5);
    char *argv[] = {"detector", "--input", in_path, "--output", "/dev/full", NULL};
    cr_assert_eq(vp_main(5, argv, &query), 1);
    fflush(stderr);
    FILE *err = cr_get_redirected_stderr();
    char got[1024];
    got[fread(got, 1, sizeof got - 1, err)] = '\0';
    cr_assert(strstr(got, "vprt: error writing output: "), "%s", got);
}
