/* json_in.c — the JSON Lines scanner (LANGUAGE.md §7): one pass over the
 * line, no document tree.
 *
 * Shapes: nested {"event_type":"T","timestamp":...,"data":{...}} (a "data"
 * member, which must be an object, makes the line nested: its members are
 * the fields; other top-level members are ignored except "timestamp", kept
 * for event time) or flat (every member except event_type is a field). When
 * event_type is absent the top-level "type" member is the event type and is
 * not a field. Duplicate keys are all kept, in input order (a consumer that
 * assigns by name sees the last); for event_type the last one counts.
 *
 * The line is valid UTF-8 (checked before). Values: strings are decoded (into the side buffer only when they have
 * escapes); numbers keep their text; arrays and objects become canonical
 * JSON text in the side buffer (no whitespace, strings re-escaped as in
 * output, integers re-printed, other numbers in canonical float form).
 */
#include <string.h>

#include "decode.h"
#include "scan_inline.h"

typedef struct js {
    const char *p;
    size_t n;
    size_t i; /* cursor */
    rt_dec *d;
    int depth;
} js;

static bool fail(js *s, const char *what)
{
    rt_dec_fail(s->d, VP_BAD_MALFORMED, s->i + 1, what);
    return false;
}

static void skip_ws(js *s)
{
    while (s->i < s->n) {
        char c = s->p[s->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        s->i++;
    }
}

static bool peek(js *s, char c) { return s->i < s->n && s->p[s->i] == c; }

static void put(vp_w *w, const char *p, size_t n) { vp_w_raw(w, p, (int64_t)n); }

/* Finds the string body at s->i (the opening quote). */
static bool string_body(js *s, vp_str *body, bool *esc)
{
    size_t bad = 0;
    size_t start = s->i + 1;
    int64_t e = rt_json_str_end_i(s->p + start, s->n - start, esc, &bad);
    if (e < 0) {
        s->i = start + bad;
        return fail(s, s->i >= s->n ? "unterminated string" : "control character in string");
    }
    *body = vp_lit(s->p + start, e);
    return true;
}

/* Decodes the body into w; the result points into w's buffer. */
static bool decode_into(js *s, vp_w *w, vp_str body, vp_str *out)
{
    size_t bad;
    if (!rt_w_reserve(w, (size_t)body.n)) return fail(s, "out of memory");
    int64_t m = rt_json_unescape(body.p, (size_t)body.n, w->buf + w->len, &bad);
    if (m < 0) {
        s->i = (size_t)(body.p - s->p) + bad;
        return fail(s, "invalid escape sequence");
    }
    *out = vp_lit(w->buf + w->len, m);
    w->len += (size_t)m;
    return true;
}

/* A string at s->i: its decoded text, in the line when it has no escapes. */
static bool string_value(js *s, vp_str *out)
{
    vp_str body;
    bool esc;
    if (!string_body(s, &body, &esc)) return false;
    if (!esc)
        *out = body;
    else if (!decode_into(s, &s->d->side, body, out))
        return false;
    s->i += (size_t)body.n + 2;
    return true;
}

static bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A number at s->i: INT when integral and within int64, FLOAT otherwise. */
static bool number(js *s, int32_t *kind, vp_str *raw)
{
    bool is_int;
    size_t len = rt_num_scan_i(s->p + s->i, s->n - s->i, &is_int);
    size_t end = s->i + len;
    if (len == 0 || (end < s->n && (is_alnum(s->p[end]) || s->p[end] == '.' ||
                                    s->p[end] == '+' || s->p[end] == '-')))
        return fail(s, "invalid number");
    if (len > RT_NUM_MAX) return fail(s, "number too long");
    int64_t v;
    /* up to 18 digits always fit in int64 */
    size_t digits = len - (s->p[s->i] == '-');
    *kind = (is_int && (digits <= 18 || rt_parse_i64_i(s->p + s->i, len, &v))) ? VP_J_INT : VP_J_FLOAT;
    *raw = vp_lit(s->p + s->i, (int64_t)len);
    s->i = end;
    return true;
}

/* true, false or null at s->i. */
static bool literal(js *s, int32_t *kind, vp_str *raw)
{
    static const struct { const char *text; size_t n; int32_t kind; } lits[] = {
        {"true", 4, VP_J_TRUE}, {"false", 5, VP_J_FALSE}, {"null", 4, VP_J_NULL},
    };
    for (size_t k = 0; k < 3; k++) {
        size_t n = lits[k].n;
        if (s->n - s->i >= n && memcmp(s->p + s->i, lits[k].text, n) == 0 &&
            (s->i + n == s->n || !is_alnum(s->p[s->i + n]))) {
            *kind = lits[k].kind;
            *raw = vp_lit(s->p + s->i, (int64_t)n);
            s->i += n;
            return true;
        }
    }
    char c = s->p[s->i];
    return fail(s, (c == 't' || c == 'f' || c == 'n') ? "invalid literal" : "expected a value");
}

static bool canon_value(js *s);

static bool canon_string(js *s)
{
    vp_w *side = &s->d->side;
    vp_str body, text;
    bool esc;
    if (!string_body(s, &body, &esc)) return false;
    if (!esc) {
        /* no escapes means no quote, backslash or control byte inside */
        put(side, "\"", 1);
        put(side, body.p, (size_t)body.n);
        put(side, "\"", 1);
    } else {
        s->d->tmp.len = 0;
        if (!decode_into(s, &s->d->tmp, body, &text)) return false;
        vp_w_str(side, text);
    }
    s->i += (size_t)body.n + 2;
    return true;
}

static bool canon_number(js *s)
{
    int32_t kind;
    vp_str raw;
    int64_t v;
    double d;
    if (!number(s, &kind, &raw)) return false;
    if (kind == VP_J_INT && rt_parse_i64_i(raw.p, (size_t)raw.n, &v))
        vp_w_int(&s->d->side, v);
    else if (rt_parse_f64(raw.p, (size_t)raw.n, &d))
        vp_w_float(&s->d->side, d);
    return true;
}

static bool canon_array(js *s)
{
    vp_w *side = &s->d->side;
    put(side, "[", 1);
    s->i++;
    skip_ws(s);
    if (peek(s, ']')) {
        s->i++;
        put(side, "]", 1);
        return true;
    }
    for (;;) {
        skip_ws(s);
        if (!canon_value(s)) return false;
        skip_ws(s);
        if (peek(s, ',')) {
            s->i++;
            put(side, ",", 1);
        } else if (peek(s, ']')) {
            s->i++;
            put(side, "]", 1);
            return true;
        } else {
            return fail(s, "expected ',' or ']' in array");
        }
    }
}

static bool canon_object(js *s)
{
    vp_w *side = &s->d->side;
    put(side, "{", 1);
    s->i++;
    skip_ws(s);
    if (peek(s, '}')) {
        s->i++;
        put(side, "}", 1);
        return true;
    }
    for (;;) {
        skip_ws(s);
        if (!peek(s, '"')) return fail(s, "expected a member name");
        if (!canon_string(s)) return false;
        skip_ws(s);
        if (!peek(s, ':')) return fail(s, "expected ':' after member name");
        s->i++;
        put(side, ":", 1);
        skip_ws(s);
        if (!canon_value(s)) return false;
        skip_ws(s);
        if (peek(s, ',')) {
            s->i++;
            put(side, ",", 1);
        } else if (peek(s, '}')) {
            s->i++;
            put(side, "}", 1);
            return true;
        } else {
            return fail(s, "expected ',' or '}' in object");
        }
    }
}

static bool canon_value(js *s)
{
    if (s->i >= s->n) return fail(s, "missing value");
    if (++s->depth > RT_MAX_DEPTH) return fail(s, "nesting too deep");
    bool ok;
    char c = s->p[s->i];
    if (c == '"') {
        ok = canon_string(s);
    } else if (c == '[') {
        ok = canon_array(s);
    } else if (c == '{') {
        ok = canon_object(s);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        ok = canon_number(s);
    } else {
        int32_t kind;
        vp_str raw;
        ok = literal(s, &kind, &raw);
        if (ok) put(&s->d->side, raw.p, (size_t)raw.n);
    }
    s->depth--;
    return ok;
}

/* A member's value as a field. */
static bool field_value(js *s, vp_field *f)
{
    if (s->i >= s->n) return fail(s, "missing value");
    char c = s->p[s->i];
    if (c == '"') {
        f->kind = VP_J_STR;
        return string_value(s, &f->raw);
    }
    if (c == '[' || c == '{') {
        vp_w *side = &s->d->side;
        size_t start = side->len;
        if (!canon_value(s)) return false;
        f->kind = c == '[' ? VP_J_ARRAY : VP_J_OBJECT;
        f->raw = vp_lit(side->buf + start, (int64_t)(side->len - start));
        return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        if (!number(s, &f->kind, &f->raw)) return false;
        rt_field_parse_num(f);
        return true;
    }
    return literal(s, &f->kind, &f->raw);
}

static vp_field *new_field(js *s)
{
    rt_dec *d = s->d;
    if (d->nfields >= RT_SCAN_SLOTS) {
        rt_dec_fail(d, VP_BAD_TOO_MANY_FIELDS, 0, "more than 256 fields");
        return NULL;
    }
    vp_field *f = &d->fields[d->nfields++];
    memset(f, 0, sizeof *f);
    return f;
}

/* "name": — the member name and its colon. */
static bool member_name(js *s, vp_str *key)
{
    skip_ws(s);
    if (!peek(s, '"')) return fail(s, "expected a member name");
    if (!string_value(s, key)) return false;
    skip_ws(s);
    if (!peek(s, ':')) return fail(s, "expected ':' after member name");
    s->i++;
    skip_ws(s);
    return true;
}

/* After a member: ',' (more follow, returns 1) or '}' (end, returns 0). */
static int member_sep(js *s)
{
    skip_ws(s);
    if (peek(s, ',')) {
        s->i++;
        return 1;
    }
    if (peek(s, '}')) {
        s->i++;
        return 0;
    }
    fail(s, "expected ',' or '}' in object");
    return -1;
}

/* The members of the nested form's data object: every one is a field. */
static bool data_members(js *s)
{
    s->i++;
    skip_ws(s);
    if (peek(s, '}')) {
        s->i++;
        return true;
    }
    for (;;) {
        vp_field *f = new_field(s);
        if (!f || !member_name(s, &f->key) || !field_value(s, f)) return false;
        int more = member_sep(s);
        if (more <= 0) return more == 0;
    }
}

static bool key_is(vp_str k, const char *name, size_t n)
{
    return (size_t)k.n == n && memcmp(k.p, name, n) == 0;
}

/* Where the top-level members were found while scanning. */
typedef struct top {
    vp_str event_type;
    bool has_event_type;
    int32_t type_at, ts_at; /* field slots, -1 if absent */
    int32_t data_from, data_to;
} top;

static bool top_member(js *s, top *t)
{
    vp_str key;
    if (!member_name(s, &key)) return false;
    if (key_is(key, "event_type", 10)) {
        if (!peek(s, '"')) return fail(s, "event_type must be a string");
        t->has_event_type = true;
        return string_value(s, &t->event_type);
    }
    if (key_is(key, "data", 4)) {
        if (t->data_from >= 0) return fail(s, "duplicate data member");
        if (!peek(s, '{')) return fail(s, "data must be an object");
        t->data_from = s->d->nfields;
        s->depth = 1;
        bool ok = data_members(s);
        s->depth = 0;
        t->data_to = s->d->nfields;
        return ok;
    }
    vp_field *f = new_field(s);
    if (!f) return false;
    f->key = key;
    if (key_is(key, "type", 4)) t->type_at = s->d->nfields - 1;
    if (key_is(key, "timestamp", 9)) t->ts_at = s->d->nfields - 1;
    return field_value(s, f);
}

/* Keeps only the fields of the line's shape. */
static int shape_fields(js *s, top *t, vp_event *ev)
{
    rt_dec *d = s->d;
    vp_str type = t->event_type;
    if (!t->has_event_type) {
        if (t->type_at < 0) return rt_dec_fail(d, VP_BAD_MALFORMED, 0, "missing event type");
        if (d->fields[t->type_at].kind != VP_J_STR)
            return rt_dec_fail(d, VP_BAD_MALFORMED, 0, "event type must be a string");
        type = d->fields[t->type_at].raw;
    }
    if (type.n == 0) return rt_dec_fail(d, VP_BAD_MALFORMED, 0, "empty event type");
    if (t->data_from >= 0) {
        if (t->ts_at >= 0) {
            d->top_ts = d->fields[t->ts_at];
            d->has_top_ts = true;
        }
        d->nfields = t->data_to - t->data_from;
        memmove(d->fields, d->fields + t->data_from, (size_t)d->nfields * sizeof d->fields[0]);
    } else if (!t->has_event_type) {
        int32_t k = t->type_at;
        memmove(d->fields + k, d->fields + k + 1, (size_t)(d->nfields - k - 1) * sizeof d->fields[0]);
        d->nfields--;
    }
    if (d->nfields > RT_MAX_FIELDS)
        return rt_dec_fail(d, VP_BAD_TOO_MANY_FIELDS, 0, "more than 256 fields");
    ev->type = type;
    ev->nfields = d->nfields;
    ev->fields = d->fields;
    return RT_DEC_EVENT;
}

int rt_dec_json(rt_dec *d, const char *p, size_t n, vp_event *ev)
{
    js s = {p, n, 0, d, 0};
    top t = {.type_at = -1, .ts_at = -1, .data_from = -1, .data_to = -1};
    d->nfields = 0;
    skip_ws(&s);
    if (!peek(&s, '{')) {
        fail(&s, "expected a JSON object");
        return RT_DEC_BAD;
    }
    s.i++;
    skip_ws(&s);
    if (peek(&s, '}')) {
        s.i++;
    } else {
        for (;;) {
            if (!top_member(&s, &t)) return RT_DEC_BAD;
            int more = member_sep(&s);
            if (more < 0) return RT_DEC_BAD;
            if (more == 0) break;
        }
    }
    skip_ws(&s);
    if (s.i != n) {
        fail(&s, "unexpected text after the JSON object");
        return RT_DEC_BAD;
    }
    return shape_fields(&s, &t, ev);
}
