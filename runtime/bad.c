/* bad.c — bad input accounting, named counters and the run summary.
 *
 * The first bad input of each kind is reported on stderr as
 *     <input>:<line>: error: <kind text>: <message>
 * (<input> is the --input path or "<stdin>"); later ones are only counted.
 * An input line with any report is skipped. An unknown event type is
 * reported with its name: <input>:<line>: error: unknown event type 'T'.
 *
 * A declared field given a value of another type is not bad input: the
 * event is kept, the field reads as null (LANGUAGE.md §3). The first of each
 * (event type, field) is reported as
 *     <input>:<line>: warning: event 'T' field 'f': expected <type>, got <what> (read as null; reported once)
 * and every one is counted.
 *
 * Summary (stderr, when there was bad input, a wrong-typed field, a non-zero
 * counter, or --stats):
 *     vprt: <R> events read, <P> processed, <S> skipped[ (<kind>: <n>, ...)]
 *     vprt: wrong-typed fields: <n>      when non-zero
 *     vprt: <counter name>: <n>          one line per non-zero counter
 *     vprt: <secs> s, <rate> events/s    --stats only
 * where the parenthesised list names every kind seen, in enum vp_bad_kind
 * order, with the short names: malformed, unknown event type, line too long,
 * too many fields.
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static const char *const kind_text[VP_BAD__COUNT] = {
    [VP_BAD_MALFORMED] = "malformed line",
    [VP_BAD_UNKNOWN_TYPE] = "unknown event type",
    [VP_BAD_TOO_LONG] = "line too long",
    [VP_BAD_TOO_MANY_FIELDS] = "too many fields",
};

static const char *const kind_short[VP_BAD__COUNT] = {
    [VP_BAD_MALFORMED] = "malformed",
    [VP_BAD_UNKNOWN_TYPE] = "unknown event type",
    [VP_BAD_TOO_LONG] = "line too long",
    [VP_BAD_TOO_MANY_FIELDS] = "too many fields",
};

const char *rt_bad_kind_text(int32_t kind)
{
    return (kind >= 0 && kind < VP_BAD__COUNT) ? kind_text[kind] : kind_text[VP_BAD_MALFORMED];
}

void rt_input_begin(vp_ctx *ctx, int64_t line)
{
    ctx->cur_line = line;
    ctx->in_input = true;
    ctx->input_skipped = false;
    ctx->events_read++;
}

void rt_input_end(vp_ctx *ctx) { ctx->in_input = false; }

/* One report line of n bytes (snprintf's result) in buf, with one fwrite:
 * lines stay whole when stderr is shared. A cut line keeps its newline. */
static void put_report(char *buf, size_t size, int n)
{
    if (n < 0) return;
    if ((size_t)n >= size) {
        n = (int)size - 1;
        buf[n - 1] = '\n';
    }
    fwrite(buf, 1, (size_t)n, stderr);
}

void vp_bad_input(vp_ctx *ctx, int32_t kind, const vp_event *ev, const char *msg)
{
    if (!ctx) return;
    if (kind < 0 || kind >= VP_BAD__COUNT) kind = VP_BAD_MALFORMED;
    ctx->bad[kind]++;
    if (ctx->in_input && !ctx->input_skipped) {
        ctx->input_skipped = true;
        ctx->events_skipped++;
    }
    if (ctx->strict) ctx->stop = true;
    if (ctx->bad[kind] != 1 || ctx->quiet) return;
    int64_t line = ev ? ev->line : ctx->cur_line;
    bool has_msg = msg && *msg;
    char buf[512];
    int n;
    if (kind == VP_BAD_UNKNOWN_TYPE && ev && !has_msg)
        n = snprintf(buf, sizeof buf, "%s:%lld: error: %s '%.*s'\n", ctx->input_name, (long long)line,
                     kind_text[kind], (int)(ev->type.n > 128 ? 128 : ev->type.n), ev->type.p);
    else
        n = snprintf(buf, sizeof buf, "%s:%lld: error: %s%s%s\n", ctx->input_name, (long long)line,
                     kind_text[kind], has_msg ? ": " : "", has_msg ? msg : "");
    put_report(buf, sizeof buf, n);
}

/* The declared type names, for enum vp_tag VP_INT ... VP_DUR and enum vp_want. */
static const char *const want_name[] = {
    [VP_INT] = "int", [VP_FLOAT] = "float", [VP_BOOL] = "bool",
    [VP_STR] = "str", [VP_TS] = "timestamp", [VP_DUR] = "duration",
    [VP_WANT_ARRAY] = "array", [VP_WANT_TUPLE] = "tuple (an array)", [VP_WANT_MAP] = "map",
};

static bool integral_text(vp_str s)
{
    for (int64_t i = 0; i < s.n; i++)
        if (s.p[i] == '.' || s.p[i] == 'e' || s.p[i] == 'E') return false;
    return true;
}

/* What a refused input value is. A number or string of a kind the type
 * takes (infield.c) was refused for its value, which the words say. */
static const char *got_name(const vp_field *f, int32_t want)
{
    bool numeric = want == VP_INT || want == VP_FLOAT || want == VP_TS || want == VP_DUR; /* they take ints */
    switch (f->kind) {
    case VP_J_TRUE:
    case VP_J_FALSE: return "bool";
    case VP_J_INT: return numeric ? "int out of range" : "int";
    case VP_J_FLOAT:
        if (integral_text(f->raw)) return numeric ? "int out of range" : "int"; /* beyond int64 */
        return want == VP_FLOAT || want == VP_TS ? "float out of range" : "float";
    case VP_J_STR: return want == VP_TS ? "str not in ISO-8601 form" : "str";
    case VP_J_ARRAY: return "array";
    case VP_J_OBJECT: return "map";
    default: return "null";
    }
}

void vp_in_wrong_type(vp_ctx *ctx, const vp_event *ev, const vp_field *f, int32_t want, bool *warned)
{
    if (!ctx || !ev || !f) return;
    ctx->wrong_typed++;
    if (*warned || ctx->quiet) return;
    *warned = true;
    if ((want < VP_BOOL || want > VP_DUR) && (want < VP_WANT_ARRAY || want > VP_WANT_MAP)) want = VP_NULL;
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "%s:%lld: warning: event '%.*s' field '%.*s': expected %s, got %s (read as null; reported once)\n",
                     ctx->input_name, (long long)ev->line, (int)(ev->type.n > 128 ? 128 : ev->type.n), ev->type.p,
                     (int)(f->key.n > 128 ? 128 : f->key.n), f->key.p, want ? want_name[want] : "?",
                     got_name(f, want));
    put_report(buf, sizeof buf, n);
}

int32_t vp_counter(vp_ctx *ctx, const char *name)
{
    if (!ctx || !name) return -1;
    for (int32_t i = 0; i < ctx->ncounters; i++)
        if (strcmp(ctx->counters[i].name, name) == 0) return i;
    if (ctx->ncounters >= RT_MAX_COUNTERS) return -1;
    if (!ctx->counters) {
        ctx->counters = calloc(RT_MAX_COUNTERS, sizeof *ctx->counters);
        if (!ctx->counters) return -1;
    }
    char *copy = malloc(strlen(name) + 1);
    if (!copy) return -1;
    strcpy(copy, name);
    ctx->counters[ctx->ncounters].name = copy;
    ctx->counters[ctx->ncounters].value = 0;
    return ctx->ncounters++;
}

void vp_count(vp_ctx *ctx, int32_t id, int64_t n)
{
    if (!ctx || id < 0 || id >= ctx->ncounters) return;
    ctx->counters[id].value = vp_i_wrap_add(ctx->counters[id].value, n);
}

void rt_print_summary(vp_ctx *ctx, FILE *fp, bool stats, double seconds)
{
    int64_t nbad = 0;
    bool counted = false;
    for (int k = 0; k < VP_BAD__COUNT; k++) nbad += ctx->bad[k];
    for (int32_t i = 0; i < ctx->ncounters; i++) counted |= ctx->counters[i].value != 0;
    if (!stats && nbad == 0 && ctx->wrong_typed == 0 && !counted) return;

    fprintf(fp, "vprt: %lld events read, %lld processed, %lld skipped",
            (long long)ctx->events_read, (long long)(ctx->events_read - ctx->events_skipped),
            (long long)ctx->events_skipped);
    const char *sep = " (";
    for (int k = 0; k < VP_BAD__COUNT; k++) {
        if (!ctx->bad[k]) continue;
        fprintf(fp, "%s%s: %lld", sep, kind_short[k], (long long)ctx->bad[k]);
        sep = ", ";
    }
    fputs(nbad ? ")\n" : "\n", fp);
    if (ctx->wrong_typed) fprintf(fp, "vprt: wrong-typed fields: %lld\n", (long long)ctx->wrong_typed);
    for (int32_t i = 0; i < ctx->ncounters; i++)
        if (ctx->counters[i].value)
            fprintf(fp, "vprt: %s: %lld\n", ctx->counters[i].name, (long long)ctx->counters[i].value);
    if (stats) {
        double rate = seconds > 0 ? (double)ctx->events_read / seconds : 0.0;
        fprintf(fp, "vprt: %.3f s, %.0f events/s\n", seconds, rate);
    }
}
