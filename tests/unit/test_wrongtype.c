/* test_wrongtype.c — declared fields given values of another type
 * (LANGUAGE.md §3): the conversion refuses them, the field reads as null,
 * the first of each field is warned about and every one is counted. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static vp_ctx *ctx;

static void setup(void)
{
    ctx = rt_ctx_new(NULL, "in.jsonl");
    cr_redirect_stderr();
}
static void teardown(void) { rt_ctx_free(ctx); }

TestSuite(wrong_type, .init = setup, .fini = teardown);

static vp_str S(const char *s) { return vp_lit(s, (int64_t)strlen(s)); }

static vp_field F(const char *key, int32_t kind, const char *raw)
{
    vp_field f = {0};
    f.key = S(key);
    f.raw = S(raw);
    f.kind = kind;
    return f;
}

static vp_event E(const char *type, int64_t line)
{
    vp_event e = {0};
    e.type = S(type);
    e.line = line;
    return e;
}

/* What generated decoders do with a refused value. */
static void refused(const vp_event *e, const vp_field *f, int32_t want, bool *warned)
{
    vp_in_wrong_type(ctx, e, f, want, warned);
}

Test(wrong_type, warned_once_per_flag_counted_every_time)
{
    bool warned[2] = {false, false};
    vp_event e3 = E("Tick", 3), e4 = E("Tick", 4);
    vp_field price = F("price", VP_J_STR, "high"), again = F("price", VP_J_TRUE, "true"),
             id = F("id", VP_J_FLOAT, "1.5");
    double x;
    int64_t i;
    cr_assert_eq(vp_in_float(&price, &x), -1);
    refused(&e3, &price, VP_FLOAT, &warned[0]);
    refused(&e4, &again, VP_FLOAT, &warned[0]);
    cr_assert_eq(vp_in_int(&id, &i), -1);
    refused(&e4, &id, VP_INT, &warned[1]);
    cr_assert(warned[0] && warned[1]);
    cr_assert_eq(ctx->wrong_typed, 3);
    cr_assert_eq(ctx->events_skipped, 0, "the event is kept");
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "in.jsonl:3: warning: event 'Tick' field 'price': expected float, got str (read as null; reported once)\n"
        "in.jsonl:4: warning: event 'Tick' field 'id': expected int, got float (read as null; reported once)\n");
}

Test(wrong_type, words_for_refused_values)
{
    struct {
        int32_t kind;
        const char *raw;
        int32_t want;
    } cases[] = {
        {VP_J_INT, "99999999999999999", VP_TS},     /* ms beyond the ns range */
        {VP_J_FLOAT, "99999999999999999999", VP_INT}, /* beyond int64 */
        {VP_J_STR, "yesterday", VP_TS},
        {VP_J_ARRAY, "[1]", VP_DUR},
        {VP_J_OBJECT, "{}", VP_STR},
        {VP_J_INT, "1", VP_BOOL},
    };
    bool warned[6] = {false};
    vp_event e = E("T", 1);
    for (size_t k = 0; k < 6; k++) {
        vp_field f = F("f", cases[k].kind, cases[k].raw);
        refused(&e, &f, cases[k].want, &warned[k]);
    }
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "in.jsonl:1: warning: event 'T' field 'f': expected timestamp, got int out of range (read as null; reported once)\n"
        "in.jsonl:1: warning: event 'T' field 'f': expected int, got int out of range (read as null; reported once)\n"
        "in.jsonl:1: warning: event 'T' field 'f': expected timestamp, got str not in ISO-8601 form (read as null; reported once)\n"
        "in.jsonl:1: warning: event 'T' field 'f': expected duration, got array (read as null; reported once)\n"
        "in.jsonl:1: warning: event 'T' field 'f': expected str, got map (read as null; reported once)\n"
        "in.jsonl:1: warning: event 'T' field 'f': expected bool, got int (read as null; reported once)\n");
}

/* [T], {K: V} and tuple fields take an array or an object, whatever its
 * elements; any other value is refused and the field is null. */
Test(wrong_type, arrays_maps_and_tuples_take_their_kind_only)
{
    vp_field arr = F("a", VP_J_ARRAY, "[1,\"x\"]"), obj = F("m", VP_J_OBJECT, "{\"k\":1}"),
             text = F("a", VP_J_STR, "[1]"), num = F("a", VP_J_INT, "1"), nul = F("a", VP_J_NULL, "null");
    vp_val v;
    cr_assert_eq(vp_in_json(&arr, VP_J_ARRAY, &v), 1);
    cr_assert_eq(v.tag, VP_JSON);
    cr_assert(v.u.s.n == 7 && !memcmp(v.u.s.p, "[1,\"x\"]", 7), "kept as it is, elements unchecked");
    cr_assert_eq(vp_in_json(&obj, VP_J_OBJECT, &v), 1);
    cr_assert_eq(v.tag, VP_JSON);
    cr_assert_eq(vp_in_json(&obj, VP_J_ARRAY, &v), -1);
    cr_assert_eq(v.tag, VP_NULL);
    cr_assert_eq(vp_in_json(&arr, VP_J_OBJECT, &v), -1);
    cr_assert_eq(v.tag, VP_NULL);
    cr_assert_eq(vp_in_json(&text, VP_J_ARRAY, &v), -1, "a string that reads like an array is a string");
    cr_assert_eq(vp_in_json(&num, VP_J_OBJECT, &v), -1);
    cr_assert_eq(vp_in_json(&nul, VP_J_ARRAY, &v), 0, "null is no wrong type");
    cr_assert_eq(v.tag, VP_NULL);
}

Test(wrong_type, words_for_arrays_maps_and_tuples)
{
    bool warned[3] = {false};
    vp_event e = E("T", 2);
    vp_field num = F("f", VP_J_INT, "1"), arr = F("g", VP_J_ARRAY, "[1]"), str = F("h", VP_J_STR, "x");
    refused(&e, &num, VP_WANT_ARRAY, &warned[0]);
    refused(&e, &arr, VP_WANT_MAP, &warned[1]);
    refused(&e, &str, VP_WANT_TUPLE, &warned[2]);
    cr_assert_eq(ctx->wrong_typed, 3);
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "in.jsonl:2: warning: event 'T' field 'f': expected array, got int (read as null; reported once)\n"
        "in.jsonl:2: warning: event 'T' field 'g': expected map, got array (read as null; reported once)\n"
        "in.jsonl:2: warning: event 'T' field 'h': expected tuple (an array), got str (read as null; reported once)\n");
}

Test(wrong_type, quiet_counts_without_a_report)
{
    bool warned = false;
    ctx->quiet = true;
    vp_event e = E("T", 1);
    vp_field f = F("f", VP_J_STR, "x");
    refused(&e, &f, VP_INT, &warned);
    refused(&e, &f, VP_INT, &warned);
    cr_assert_eq(ctx->wrong_typed, 2);
    fflush(stderr);
    cr_assert_stderr_eq_str("");
}

/* The summary of a run: the events count as processed, the fields apart. */
static char *summary(bool stats)
{
    char *text = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&text, &n);
    cr_assert_not_null(fp);
    rt_print_summary(ctx, fp, stats, 0.0);
    fclose(fp);
    return text;
}

Test(wrong_type, summary_line)
{
    bool warned = false;
    vp_event e = E("T", 1);
    vp_field f = F("f", VP_J_STR, "x");
    char *quiet_run = summary(false);
    cr_assert_str_empty(quiet_run, "nothing to summarize yet");
    free(quiet_run);
    rt_input_begin(ctx, 1);
    refused(&e, &f, VP_INT, &warned);
    rt_input_end(ctx);
    rt_input_begin(ctx, 2);
    refused(&e, &f, VP_INT, &warned);
    rt_input_end(ctx);
    char *text = summary(false);
    cr_assert_str_eq(text, "vprt: 2 events read, 2 processed, 0 skipped\n"
                           "vprt: wrong-typed fields: 2\n");
    free(text);
}
