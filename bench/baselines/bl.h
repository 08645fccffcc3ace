/* bl.h — support shared by the hand-written baselines.
 *
 * A baseline is the program an engineer would write by hand to run one fixed
 * query as fast as possible, with no compiler in between. They share:
 *   - JSON Lines input through large read()s, lines handed out as slices;
 *   - a JSON object scanner: members in any order, strings with escapes,
 *     numbers parsed without strtod on the common path, zero-copy strings;
 *   - the event line decode (type, flat or nested "data" form, §7);
 *   - a key table from a value, by `==`, to a per-key payload;
 *   - an output writer for the canonical row format of LANGUAGE.md §8.
 * Hot paths are static inline so each baseline compiles them into its own
 * loop; rare paths (refill, escapes, slow number and float cases) live in bl.c.
 */
#ifndef BL_H
#define BL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct bl_out bl_out;

/* ---- Slices ---- */

typedef struct bl_str {
    const char *p;
    size_t n;
} bl_str;

static inline bool bl_str_eq(bl_str s, const char *lit, size_t n)
{
    return s.n == n && memcmp(s.p, lit, n) == 0;
}
#define BL_STR_EQ(s, lit) bl_str_eq((s), (lit), sizeof(lit) - 1)

/* ---- Command line: PROG [--input F] [--output F]; "-" or absent = stdio ---- */

void bl_args(int argc, char **argv, const char **in_path, const char **out_path);

/* ---- Input: one line at a time, as a slice of the read buffer ---- */

typedef struct bl_in {
    int fd;
    const char *path; /* for messages */
    char *buf;
    size_t cap, beg, end; /* unread bytes are buf[beg, end) */
    bool eof;
    uint64_t lineno; /* of the line last returned, 1-based */
    uint64_t nbad;   /* malformed lines reported */
    char *scratch;   /* for decoded strings: as large as the longest object line */
    size_t scratch_cap;
} bl_in;

void bl_in_open(bl_in *in, const char *path);
void bl_in_close(bl_in *in);
bool bl_in_refill_line(bl_in *in, bl_str *line);
/* "path:line: error: msg" on stderr (the first few), counted in nbad. */
void bl_in_bad(bl_in *in, const char *msg);

/* The next line without its '\n' (a '\r' before it is left to the JSON
 * scanner, which treats it as whitespace); false at end of input. The slice
 * is valid until the next call. */
static inline bool bl_in_line(bl_in *in, bl_str *line)
{
    char *p = in->buf + in->beg;
    char *nl = memchr(p, '\n', in->end - in->beg);
    if (!nl)
        return bl_in_refill_line(in, line);
    line->p = p;
    line->n = (size_t)(nl - p);
    in->beg = (size_t)(nl + 1 - in->buf);
    in->lineno++;
    return true;
}

/* Lines the input format ignores (§7): blank, or starting with '#' or "//".
 * *first gets the first non-blank byte. */
static inline bool bl_line_skip(bl_str line, const char **first)
{
    const char *p = line.p, *end = p + line.n;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    *first = p;
    return p == end || *p == '#' || (*p == '/' && p + 1 < end && p[1] == '/');
}

/* Reads the command line and opens both ends. */
void bl_open(int argc, char **argv, bl_in *in, bl_out *out);

/* ---- JSON values ---- */

enum bl_kind {
    BL_ABSENT = 0, /* member not in the input: reads as null */
    BL_NULL,
    BL_BOOL,
    BL_INT,    /* a JSON integer that fits int64 */
    BL_FLOAT,  /* any other number */
    BL_STR,    /* s: the decoded bytes */
    BL_ARRAY,  /* s: the raw JSON text */
    BL_OBJECT, /* s: the raw JSON text */
};

typedef struct bl_val {
    enum bl_kind kind;
    bool b;
    int64_t i;
    double f;
    bl_str s;
} bl_val;

/* Cursor over the members of one JSON object. Decoded strings (only those
 * with escapes need it) go to scratch, which must hold as many bytes as the
 * line: decoding never grows a string, and skipped values decode nothing. */
typedef struct bl_json {
    const char *p, *end;
    char *scratch;
    const char *err; /* first error; NULL while the text is valid */
    bool started;
} bl_json;

bool bl_obj_begin(bl_json *j, bl_str text, char *scratch);
const char *bl_str_slow(bl_json *j, const char *p, bl_str *out);
const char *bl_num_slow(const char *start, const char *p, bl_val *v);
const char *bl_compound(bl_json *j, const char *p, bl_val *v);

static inline bool bl_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline const char *bl_skip_ws(const char *p, const char *end)
{
    while (p < end && bl_is_ws(*p))
        p++;
    return p;
}

/* Bytes that end the fast string scan: '"', '\\' and controls (< 0x20). Eight
 * bytes are tested at once (SWAR, little-endian): the lowest flagged byte is
 * exact, which is the only one used. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "bl_str_scan assumes a little-endian target"
#endif
#define BL_ONES 0x0101010101010101ULL
#define BL_HIGH 0x8080808080808080ULL

static inline uint64_t bl_special8(uint64_t x)
{
    uint64_t q = x ^ (BL_ONES * '"'), b = x ^ (BL_ONES * '\\');
    return ((q - BL_ONES) & ~q & BL_HIGH) | ((b - BL_ONES) & ~b & BL_HIGH) |
           ((x - BL_ONES * 0x20) & ~x & BL_HIGH);
}

/* Index of the lowest flagged byte of a nonzero bl_special8 result. */
static inline unsigned bl_first_byte(uint64_t hit)
{
#if defined(__GNUC__) && !defined(__TINYC__)
    return (unsigned)__builtin_ctzll(hit) >> 3;
#else
    unsigned i = 0;
    for (; !(hit & 0x80); hit >>= 8)
        i++;
    return i;
#endif
}

/* p is just past the opening quote. Strings without escapes are returned as a
 * slice of the input; a backslash (or a control byte, an error) hands over
 * to bl_str_slow. */
static inline const char *bl_str_scan(bl_json *j, const char *p, bl_str *out)
{
    const char *s = p;
    for (; j->end - p >= 8; p += 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        uint64_t hit = bl_special8(x);
        if (hit) {
            p += bl_first_byte(hit);
            goto found;
        }
    }
    for (; p < j->end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\' || c < 0x20)
            goto found;
    }
    j->err = "unterminated string";
    return NULL;
found:
    if (*p != '"')
        return bl_str_slow(j, s, out);
    out->p = s;
    out->n = (size_t)(p - s);
    return p + 1;
}

static const double bl_pow10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline bool bl_digit(const char *p, const char *end)
{
    return p < end && (unsigned)(*p - '0') < 10;
}

/* A JSON number. Up to 19 significant digits are gathered in an integer;
 * when it and the power of ten are exact doubles (m <= 2^53, |e| <= 22) one
 * multiply or divide is correctly rounded (Clinger's fast path), so strtod is
 * needed only for long or extreme numbers. Returns NULL on bad syntax. */
static inline const char *bl_num_scan(const char *p, const char *end, bl_val *v)
{
    const char *start = p;
    bool neg = false, is_int = true, exact = true;
    uint64_t m = 0;
    int e = 0;

    if (p < end && *p == '-') {
        neg = true;
        p++;
    }
    if (!bl_digit(p, end))
        return NULL;
    if (*p == '0') {
        p++;
    } else {
        for (; bl_digit(p, end); p++) {
            if (m < 1000000000000000000ULL)
                m = m * 10 + (uint64_t)(*p - '0');
            else {
                e++;
                exact &= *p == '0';
            }
        }
    }
    if (p < end && *p == '.') {
        is_int = false;
        if (!bl_digit(++p, end))
            return NULL;
        for (; bl_digit(p, end); p++) {
            if (m < 1000000000000000000ULL) {
                m = m * 10 + (uint64_t)(*p - '0');
                e--;
            } else {
                exact &= *p == '0';
            }
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_int = false;
        p++;
        bool eneg = p < end && *p == '-';
        if (p < end && (*p == '-' || *p == '+'))
            p++;
        if (!bl_digit(p, end))
            return NULL;
        int x = 0;
        for (; bl_digit(p, end); p++)
            if (x < 100000) /* beyond any double: strtod gives 0 or inf */
                x = x * 10 + (*p - '0');
        e += eneg ? -x : x;
    }
    if (is_int) {
        if (e == 0 && m <= (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX)) {
            v->kind = BL_INT;
            v->i = neg ? (int64_t)(0 - m) : (int64_t)m;
            return p;
        }
        return bl_num_slow(start, p, v); /* too large for int64: a float */
    }
    if (!exact || m > (1ULL << 53) || e < -22 || e > 22)
        return bl_num_slow(start, p, v);
    double d = (double)m;
    d = e < 0 ? d / bl_pow10[-e] : d * bl_pow10[e];
    v->kind = BL_FLOAT;
    v->f = neg ? -d : d;
    return p;
}

/* Any JSON value at p (whitespace already skipped). NULL on error. */
static inline const char *bl_val_scan(bl_json *j, const char *p, bl_val *v)
{
    const char *end = j->end;
    if (p >= end) {
        j->err = "expected a value";
        return NULL;
    }
    switch (*p) {
    case '"':
        v->kind = BL_STR;
        return bl_str_scan(j, p + 1, &v->s);
    case '{':
    case '[':
        return bl_compound(j, p, v);
    case 't':
        if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
            v->kind = BL_BOOL;
            v->b = true;
            return p + 4;
        }
        break;
    case 'f':
        if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
            v->kind = BL_BOOL;
            v->b = false;
            return p + 5;
        }
        break;
    case 'n':
        if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
            v->kind = BL_NULL;
            return p + 4;
        }
        break;
    default: {
        const char *q = bl_num_scan(p, end, v);
        if (q)
            return q;
    }
    }
    j->err = "invalid value";
    return NULL;
}

/* Next member: 1 and (key, value), 0 after the closing '}', -1 on a syntax
 * error (j->err says which). */
static inline int bl_obj_next(bl_json *j, bl_str *key, bl_val *v)
{
    const char *p = j->p, *end = j->end;
    if (p < end && *p == '}') {
        j->p = bl_skip_ws(p + 1, end);
        if (j->p != end) {
            j->err = "text after the closing '}'";
            return -1;
        }
        return 0;
    }
    if (j->started) {
        if (p >= end || *p != ',') {
            j->err = p < end ? "expected ',' or '}'" : "unterminated object";
            return -1;
        }
        p = bl_skip_ws(p + 1, end);
    }
    j->started = true;
    if (p >= end || *p != '"') {
        j->err = "expected a member name";
        return -1;
    }
    if (!(p = bl_str_scan(j, p + 1, key)))
        return -1;
    p = bl_skip_ws(p, end);
    if (p >= end || *p != ':') {
        j->err = "expected ':'";
        return -1;
    }
    p = bl_skip_ws(p + 1, end);
    if (!(p = bl_val_scan(j, p, v)))
        return -1;
    j->p = bl_skip_ws(p, end);
    return 1;
}

/* ---- Event time (LANGUAGE.md §6), in ns since the epoch ---- */

/* A timestamp value: an int (ms), a float (ms, rounded to the ns) or an
 * ISO-8601 / RFC 3339 string. false for anything else or out of range. */
bool bl_time_slow(const bl_val *v, int64_t *ns);

static inline bool bl_val_time(const bl_val *v, int64_t *ns)
{
    if (v->kind == BL_INT && v->i <= INT64_MAX / 1000000 && v->i >= INT64_MIN / 1000000) {
        *ns = v->i * 1000000;
        return true;
    }
    return v->kind != BL_ABSENT && v->kind != BL_NULL && bl_time_slow(v, ns);
}

/* ---- Output: JSON Lines rows built in one large buffer ---- */

struct bl_out {
    int fd;
    const char *path;
    char *buf;
    size_t len, cap;
};

void bl_out_open(bl_out *o, const char *path);
void bl_out_close(bl_out *o); /* flushes; exits on a write error */
void bl_out_flush(bl_out *o);
void bl_out_str_slow(bl_out *o, bl_str s);
void bl_out_val(bl_out *o, const bl_val *v);
/* LANGUAGE.md §8 float form into out (at least 32 bytes); returns the length. */
size_t bl_fmt_double(char *out, double x);

/* A pointer to at least n free bytes (n <= 64 KiB). */
static inline char *bl_out_room(bl_out *o, size_t n)
{
    if (o->cap - o->len < n)
        bl_out_flush(o);
    return o->buf + o->len;
}

static inline void bl_out_raw(bl_out *o, const char *s, size_t n)
{
    memcpy(bl_out_room(o, n), s, n);
    o->len += n;
}
#define BL_OUT_LIT(o, lit) bl_out_raw((o), (lit), sizeof(lit) - 1)

/* A JSON string. Plain ASCII and raw UTF-8 are copied; anything that needs an
 * escape ('"', '\\', control bytes) goes through bl_out_str_slow. */
static inline void bl_out_str(bl_out *o, bl_str s)
{
    if (s.n > 4096) {
        bl_out_str_slow(o, s);
        return;
    }
    char *d = bl_out_room(o, s.n + 2);
    *d++ = '"';
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"' || c == '\\' || c < 0x20) {
            bl_out_str_slow(o, s);
            return;
        }
        d[i] = (char)c;
    }
    d[s.n] = '"';
    o->len += s.n + 2;
}

static inline void bl_out_double(bl_out *o, double x)
{
    o->len += bl_fmt_double(bl_out_room(o, 32), x);
}

/* ---- Events: one JSON object per line (LANGUAGE.md §7) ---- */

void bl_in_scratch_grow(bl_in *in, size_t n);

/* The next line that holds a JSON object, with in->scratch large enough to
 * decode it; ignored lines are skipped, others are reported. false at end. */
static inline bool bl_in_object(bl_in *in, bl_str *line)
{
    while (bl_in_line(in, line)) {
        const char *first;
        if (bl_line_skip(*line, &first))
            continue;
        if (*first != '{') {
            bl_in_bad(in, "not a JSON object (this program reads JSON Lines only)");
            continue;
        }
        if (line->n > in->scratch_cap)
            bl_in_scratch_grow(in, line->n);
        return true;
    }
    return false;
}

/* Stores one member of an event's field object into ev, if declared. */
typedef void bl_set_fn(void *ev, bl_str key, const bl_val *v);

/* The top level of an event line: its type ("event_type", else "type") in
 * *type, the "data" member (the nested form) in *data if it is an object,
 * and every other member handed to set. 1, or -1 for a malformed line
 * (reported). */
static inline int bl_event_top(bl_in *in, bl_str line, void *ev, bl_set_fn *set, bl_str *type,
                               bl_val *data)
{
    bl_json j;
    bl_str key, alt_type = {NULL, 0};
    bl_val v;
    int r;

    *type = (bl_str){NULL, 0};
    data->kind = BL_ABSENT;
    if (!bl_obj_begin(&j, line, in->scratch))
        goto bad;
    while ((r = bl_obj_next(&j, &key, &v)) > 0) {
        if (BL_STR_EQ(key, "event_type") && v.kind == BL_STR)
            *type = v.s;
        else if (BL_STR_EQ(key, "type") && v.kind == BL_STR)
            alt_type = v.s;
        else if (BL_STR_EQ(key, "data") && v.kind == BL_OBJECT)
            *data = v;
        else
            set(ev, key, &v);
    }
    if (r < 0)
        goto bad;
    if (!type->p)
        *type = alt_type;
    if (!type->p) {
        bl_in_bad(in, "no \"event_type\"");
        return -1;
    }
    return 1;
bad:
    bl_in_bad(in, j.err);
    return -1;
}

/* The members of the nested form's data object, each handed to set. false
 * for a malformed object (reported). */
static inline bool bl_event_fields(bl_in *in, bl_str text, void *ev, bl_set_fn *set)
{
    bl_json j;
    bl_str key;
    bl_val v;
    int r;

    if (!bl_obj_begin(&j, text, in->scratch))
        goto bad;
    while ((r = bl_obj_next(&j, &key, &v)) > 0)
        set(ev, key, &v);
    if (r == 0)
        return true;
bad:
    bl_in_bad(in, j.err);
    return false;
}

/* ---- Memory ---- */

void *bl_xcalloc(size_t n, size_t size); /* exit on failure */
void *bl_xrealloc(void *p, size_t size);

/* Compact JSON text (whitespace outside strings dropped) into d, which holds
 * at least s.n bytes; returns the length. */
size_t bl_compact_json(char *d, bl_str s);

/* ---- Keys: a table from a value (by `==`) to a payload block ----
 * Open addressing, linear probing. A key is a tag and bytes. Numbers follow
 * `==`: an integral float in int64 range is keyed as that int, so 1 and 1.0
 * are one key. Strings are keyed by their bytes ('s'), arrays and objects by
 * their compact text ('j'), null is a key. Each key owns a payload block of
 * a fixed size, zero when the key is added, right after its bl_key. */

typedef struct bl_key {
    char *key; /* owned bytes; NULL: free slot */
    size_t keyn;
    uint64_t hash;
    char tag;
} bl_key;

typedef struct bl_keys {
    char *slot;
    size_t mask, used; /* capacity - 1 (a power of two), keys */
    size_t stride;     /* bytes per slot: the bl_key and its payload */
} bl_keys;

/* cap: a power of two; size: the payload's bytes. */
void bl_keys_init(bl_keys *t, size_t cap, size_t size);
void bl_keys_free(bl_keys *t); /* the keys and slots; payloads are the caller's */
void bl_keys_grow(bl_keys *t);
/* The key of a value that is not a string: encode it, then look up. */
bl_key *bl_key_of_value(bl_keys *t, const bl_val *v);

static inline bl_key *bl_keys_at(const bl_keys *t, size_t i)
{
    return (bl_key *)(t->slot + i * t->stride);
}

static inline void *bl_key_data(bl_key *e)
{
    return e + 1;
}

static inline uint64_t bl_key_hash(char tag, const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n ^ (uint64_t)(unsigned char)tag << 56;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0x94d049bb133111ebULL;
    return h ^ h >> 29;
}

/* The entry of (tag, bytes), added if new (the bytes are copied: they may
 * live in the line). */
static inline bl_key *bl_key_get(bl_keys *t, char tag, const char *p, size_t n)
{
    uint64_t h = bl_key_hash(tag, p, n);
    for (;;) {
        for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
            bl_key *e = bl_keys_at(t, i);
            if (!e->key) {
                e->key = bl_xcalloc(1, n + 1); /* + 1: a key of no bytes is still non-NULL */
                memcpy(e->key, p, n);
                e->keyn = n;
                e->hash = h;
                e->tag = tag;
                if (++t->used * 2 <= t->mask + 1)
                    return e;
                bl_keys_grow(t);
                break; /* moved: look it up again */
            }
            if (e->hash == h && e->keyn == n && e->tag == tag && memcmp(e->key, p, n) == 0)
                return e;
        }
    }
}

/* The entry of any value; strings, the common case, inline. */
static inline bl_key *bl_key_val(bl_keys *t, const bl_val *v)
{
    return v->kind == BL_STR ? bl_key_get(t, 's', v->s.p, v->s.n) : bl_key_of_value(t, v);
}

#endif /* BL_H */
