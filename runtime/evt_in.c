/* evt_in.c — the .evt line parser (LANGUAGE.md §7).
 *
 *   [@<n>[ms|s|m] ]Type { name: value, ... }[;]    named fields
 *   [@<n>[ms|s|m] ]Type(value, ...)[;]             fields field_0, field_1, ...
 *   BATCH <ms>                                     offset of the following lines
 *
 * Values: true, false, null/nil, "..." or '...' (escapes \n \t \" \' \\,
 * any other escape kept as written), numbers, [arrays] and {maps} (stored as
 * canonical JSON text), and anything else up to the next ',' or closing
 * bracket as an unquoted string (trailing blanks dropped). A trailing ',' is
 * accepted in every list.
 */
#include <string.h>

#include "decode.h"
#include "scan_inline.h"

typedef struct es {
    const char *p;
    size_t n;
    size_t i; /* cursor */
    rt_dec *d;
    int depth;
} es;

static bool fail(es *s, const char *what)
{
    rt_dec_fail(s->d, VP_BAD_MALFORMED, s->i + 1, what);
    return false;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool is_ident(char c) { return is_ident_start(c) || is_digit(c); }

static void skip_blank(es *s)
{
    while (s->i < s->n && is_blank(s->p[s->i])) s->i++;
}

static bool peek(es *s, char c) { return s->i < s->n && s->p[s->i] == c; }

static void put(vp_w *w, const char *p, size_t n) { vp_w_raw(w, p, (int64_t)n); }

static vp_str ident(es *s)
{
    size_t start = s->i;
    if (s->i < s->n && is_ident_start(s->p[s->i]))
        while (s->i < s->n && is_ident(s->p[s->i])) s->i++;
    return vp_lit(s->p + start, (int64_t)(s->i - start));
}

/* A quoted string at s->i. Without escapes the text stays in the line;
 * otherwise it is decoded into w. */
static bool quoted(es *s, vp_w *w, vp_str *out)
{
    char q = s->p[s->i];
    size_t start = s->i + 1, j = start;
    bool esc = false;
    while (j < s->n && s->p[j] != q) {
        if (s->p[j] == '\\') {
            esc = true;
            j++;
        }
        j++;
    }
    if (j >= s->n) {
        s->i = s->n;
        return fail(s, "unterminated string");
    }
    s->i = j + 1;
    if (!esc) {
        *out = vp_lit(s->p + start, (int64_t)(j - start));
        return true;
    }
    if (!rt_w_reserve(w, j - start)) return fail(s, "out of memory");
    char *o = w->buf + w->len, *o0 = o;
    for (size_t k = start; k < j; k++) {
        char c = s->p[k];
        if (c == '\\') {
            char e = s->p[++k]; /* k < j: a backslash never ends the body */
            switch (e) {
            case 'n': *o++ = '\n'; break;
            case 't': *o++ = '\t'; break;
            case '"': case '\'': case '\\': *o++ = e; break;
            default: *o++ = '\\'; *o++ = e; break;
            }
        } else {
            *o++ = c;
        }
    }
    *out = vp_lit(o0, o - o0);
    w->len += (size_t)(o - o0);
    return true;
}

/* An unquoted value: up to the next ',' or closer, trailing blanks dropped. */
static vp_str bare(es *s, char closer)
{
    size_t start = s->i, j = s->i;
    while (j < s->n && s->p[j] != ',' && s->p[j] != closer) j++;
    s->i = j;
    while (j > start && is_blank(s->p[j - 1])) j--;
    return vp_lit(s->p + start, (int64_t)(j - start));
}

static bool word_is(vp_str t, const char *w)
{
    size_t n = strlen(w);
    return (size_t)t.n == n && memcmp(t.p, w, n) == 0;
}

static int32_t classify(vp_str t)
{
    if (word_is(t, "true")) return VP_J_TRUE;
    if (word_is(t, "false")) return VP_J_FALSE;
    if (word_is(t, "null") || word_is(t, "nil")) return VP_J_NULL;
    bool is_int;
    int64_t v;
    if (t.n <= RT_NUM_MAX && rt_num_scan(t.p, (size_t)t.n, &is_int) == (size_t)t.n)
        return (is_int && rt_parse_i64(t.p, (size_t)t.n, &v)) ? VP_J_INT : VP_J_FLOAT;
    return VP_J_STR;
}

static bool canon_value(es *s, char closer);

/* A list of canonical values up to close; s->i at the opening bracket. */
static bool canon_list(es *s, char close, bool map)
{
    rt_dec *d = s->d;
    put(&d->side, map ? "{" : "[", 1);
    s->i++;
    for (;;) {
        skip_blank(s);
        if (peek(s, close)) break;
        if (map) {
            vp_str key;
            if (peek(s, '"') || peek(s, '\'')) {
                d->tmp.len = 0;
                if (!quoted(s, &d->tmp, &key)) return false;
            } else {
                key = ident(s);
                if (key.n == 0) return fail(s, "expected a key");
            }
            vp_w_str(&d->side, key);
            skip_blank(s);
            if (!peek(s, ':')) return fail(s, "expected ':' after the key");
            s->i++;
            put(&d->side, ":", 1);
        }
        if (!canon_value(s, close)) return false;
        skip_blank(s);
        if (peek(s, ',')) {
            s->i++;
            skip_blank(s);
            if (!peek(s, close)) put(&d->side, ",", 1);
        } else if (!peek(s, close)) {
            return fail(s, map ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    s->i++;
    put(&d->side, map ? "}" : "]", 1);
    return true;
}

static bool canon_value(es *s, char closer)
{
    rt_dec *d = s->d;
    skip_blank(s);
    if (s->i >= s->n) return fail(s, "missing value");
    if (++s->depth > RT_MAX_DEPTH) return fail(s, "nesting too deep");
    bool ok = true;
    char c = s->p[s->i];
    if (c == '"' || c == '\'') {
        vp_str text;
        d->tmp.len = 0;
        ok = quoted(s, &d->tmp, &text);
        if (ok) vp_w_str(&d->side, text);
    } else if (c == '[' || c == '{') {
        ok = canon_list(s, c == '[' ? ']' : '}', c == '{');
    } else {
        vp_str t = bare(s, closer);
        int64_t v;
        double f;
        if (t.n == 0) return fail(s, "missing value");
        switch (classify(t)) {
        case VP_J_TRUE: put(&d->side, "true", 4); break;
        case VP_J_FALSE: put(&d->side, "false", 5); break;
        case VP_J_NULL: put(&d->side, "null", 4); break;
        case VP_J_INT: rt_parse_i64(t.p, (size_t)t.n, &v); vp_w_int(&d->side, v); break;
        case VP_J_FLOAT: rt_parse_f64(t.p, (size_t)t.n, &f); vp_w_float(&d->side, f); break;
        default: vp_w_str(&d->side, t); break;
        }
    }
    s->depth--;
    return ok;
}

static bool field_value(es *s, vp_field *f, char closer)
{
    skip_blank(s);
    if (s->i >= s->n) return fail(s, "missing value");
    char c = s->p[s->i];
    if (c == '"' || c == '\'') {
        f->kind = VP_J_STR;
        return quoted(s, &s->d->side, &f->raw);
    }
    if (c == '[' || c == '{') {
        vp_w *side = &s->d->side;
        size_t start = side->len;
        if (!canon_value(s, closer)) return false;
        f->kind = c == '[' ? VP_J_ARRAY : VP_J_OBJECT;
        f->raw = vp_lit(side->buf + start, (int64_t)(side->len - start));
        return true;
    }
    f->raw = bare(s, closer);
    if (f->raw.n == 0) return fail(s, "missing value");
    f->kind = classify(f->raw);
    rt_field_parse_num(f);
    return true;
}

static vp_field *new_field(es *s)
{
    rt_dec *d = s->d;
    if (d->nfields >= RT_MAX_FIELDS) {
        rt_dec_fail(d, VP_BAD_TOO_MANY_FIELDS, 0, "more than 256 fields");
        return NULL;
    }
    vp_field *f = &d->fields[d->nfields++];
    memset(f, 0, sizeof *f);
    return f;
}

/* After a value: ',' or the closer; returns 1 for more, 0 at the end. */
static int list_sep(es *s, char close)
{
    skip_blank(s);
    if (peek(s, ',')) {
        s->i++;
        skip_blank(s);
        if (!peek(s, close)) return 1;
    }
    if (peek(s, close)) {
        s->i++;
        return 0;
    }
    fail(s, close == '}' ? "expected ',' or '}'" : "expected ',' or ')'");
    return -1;
}

/* { name: value, ... } */
static bool named(es *s)
{
    s->i++;
    skip_blank(s);
    if (peek(s, '}')) {
        s->i++;
        return true;
    }
    for (;;) {
        vp_field *f = new_field(s);
        if (!f) return false;
        skip_blank(s);
        if (peek(s, '"') || peek(s, '\'')) {
            if (!quoted(s, &s->d->side, &f->key)) return false;
        } else {
            f->key = ident(s);
            if (f->key.n == 0) return fail(s, "expected a field name");
        }
        skip_blank(s);
        if (!peek(s, ':')) return fail(s, "expected ':' after the field name");
        s->i++;
        if (!field_value(s, f, '}')) return false;
        int more = list_sep(s, '}');
        if (more <= 0) return more == 0;
    }
}

/* ( value, ... ): fields field_0, field_1, ... */
static bool positional(es *s)
{
    vp_w *side = &s->d->side;
    s->i++;
    skip_blank(s);
    if (peek(s, ')')) {
        s->i++;
        return true;
    }
    for (int32_t k = 0;; k++) {
        vp_field *f = new_field(s);
        if (!f) return false;
        if (!rt_w_reserve(side, 32)) return fail(s, "out of memory");
        char *name = side->buf + side->len;
        memcpy(name, "field_", 6);
        int len = 6 + rt_fmt_int(name + 6, k);
        side->len += (size_t)len;
        f->key = vp_lit(name, len);
        if (!field_value(s, f, ')')) return false;
        int more = list_sep(s, ')');
        if (more <= 0) return more == 0;
    }
}

/* BATCH <ms>: true when the line is this directive (then *st is set). */
static bool batch_directive(es *s, int *st)
{
    if (s->n - s->i < 6 || memcmp(s->p + s->i, "BATCH", 5) != 0 || !is_blank(s->p[s->i + 5]))
        return false;
    size_t save = s->i;
    s->i += 5;
    skip_blank(s);
    if (!peek(s, '-') && !(s->i < s->n && is_digit(s->p[s->i]))) {
        s->i = save; /* an event type named BATCH */
        return false;
    }
    size_t start = s->i;
    while (s->i < s->n && !is_blank(s->p[s->i])) s->i++;
    int64_t ms;
    if (!rt_parse_i64(s->p + start, s->i - start, &ms)) {
        s->i = start;
        fail(s, "invalid BATCH offset");
        *st = RT_DEC_BAD;
        return true;
    }
    skip_blank(s);
    if (s->i != s->n) {
        fail(s, "unexpected text after the BATCH offset");
        *st = RT_DEC_BAD;
        return true;
    }
    s->d->has_batch = true;
    s->d->batch_ms = ms;
    *st = RT_DEC_NONE;
    return true;
}

/* @<n>[ms|s|m] before the event: the offset of this line. */
static bool offset_prefix(es *s)
{
    s->i++;
    size_t start = s->i;
    while (s->i < s->n && is_digit(s->p[s->i])) s->i++;
    int64_t n, unit = 1;
    if (s->i == start) return fail(s, "expected a number after '@'");
    if (!rt_parse_i64(s->p + start, s->i - start, &n)) return fail(s, "offset out of range");
    if (s->n - s->i >= 2 && memcmp(s->p + s->i, "ms", 2) == 0) {
        s->i += 2;
    } else if (peek(s, 's')) {
        unit = 1000;
        s->i++;
    } else if (peek(s, 'm')) {
        unit = 60000;
        s->i++;
    }
    if (s->i >= s->n || !is_blank(s->p[s->i])) return fail(s, "expected a blank after the offset");
    if (n > INT64_MAX / unit) return fail(s, "offset out of range");
    s->d->has_offset = true;
    s->d->offset_ms = n * unit;
    skip_blank(s);
    return true;
}

int rt_dec_evt(rt_dec *d, const char *p, size_t n, vp_event *ev)
{
    es s = {p, n, 0, d, 0};
    int st;
    d->nfields = 0;
    skip_blank(&s);
    if (batch_directive(&s, &st)) return st;
    if (peek(&s, '@') && !offset_prefix(&s)) return RT_DEC_BAD;
    vp_str type = ident(&s);
    if (type.n == 0) {
        fail(&s, "expected an event type");
        return RT_DEC_BAD;
    }
    skip_blank(&s);
    bool ok;
    if (peek(&s, '{')) {
        ok = named(&s);
    } else if (peek(&s, '(')) {
        ok = positional(&s);
    } else {
        fail(&s, "expected '{' or '(' after the event type");
        return RT_DEC_BAD;
    }
    if (!ok) return RT_DEC_BAD;
    skip_blank(&s);
    if (peek(&s, ';')) s.i++;
    skip_blank(&s);
    if (s.i != n) {
        fail(&s, "unexpected text after the event");
        return RT_DEC_BAD;
    }
    ev->type = type;
    ev->nfields = d->nfields;
    ev->fields = d->fields;
    return RT_DEC_EVENT;
}
