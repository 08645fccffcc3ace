/* lex.c — the lexer (LANGUAGE.md §1). Two layers:
 *   raw scanning: comments, words, literals and punctuation, each token with
 *   its span; errors are reported and the offending text skipped;
 *   layout: line breaks and indentation become NEWLINE, INDENT and DEDENT
 *   tokens, decided from one raw token of lookahead. The text is never
 *   rewritten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

static const char *const tok_names[] = {
#define VPC_TOK(name, spelling) spelling,
#include "tok.def"
#undef VPC_TOK
};

const char *vpc_tok_name(vpc_tok_kind k)
{
    return (unsigned)k < VPC_T__COUNT ? tok_names[k] : "?";
}

vpc_span vpc_lex_template_body(const vpc_lexer *lx)
{
    return lx->template_body;
}

/* ---------------------------------------------------------------------------
 * characters and helpers */

enum { END = -1 };
#define MAX_BLOCKS (sizeof ((vpc_lexer *)0)->ind_header / sizeof ((vpc_lexer *)0)->ind_header[0])

static int at(const vpc_lexer *lx, uint32_t i)
{
    return i < lx->src->len ? (unsigned char)lx->src->text[i] : END;
}
static int cur(const vpc_lexer *lx) { return at(lx, lx->pos); }
static int peek(const vpc_lexer *lx, uint32_t k) { return at(lx, lx->pos + k); }

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_ident_start(int c) { return is_alpha(c) || c == '_'; }
static bool is_ident_char(int c) { return is_ident_start(c) || is_digit(c); }
static bool is_blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

static vpc_span span_at(const vpc_lexer *lx, uint32_t off, uint32_t len)
{
    vpc_span s = {off, len, lx->file};
    return s;
}

static vpc_tok make(const vpc_lexer *lx, vpc_tok_kind k, uint32_t start)
{
    vpc_tok t;
    memset(&t, 0, sizeof t);
    t.kind = k;
    t.span = span_at(lx, start, lx->pos - start);
    return t;
}

static bool text_is(const vpc_lexer *lx, uint32_t off, uint32_t len, const char *w)
{
    return strlen(w) == len && memcmp(lx->src->text + off, w, len) == 0;
}

static bool text_in(const vpc_lexer *lx, uint32_t off, uint32_t len, const char *const *words)
{
    for (; *words; words++)
        if (text_is(lx, off, len, *words)) return true;
    return false;
}

static void lex_error(vpc_lexer *lx, uint32_t off, uint32_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void lex_error(vpc_lexer *lx, uint32_t off, uint32_t len, const char *fmt, ...)
{
    vpc_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    vpc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    vpc_error(lx->ctx, span_at(lx, off, len), "%s", vpc_buf_cstr(&b));
    vpc_buf_free(&b);
    lx->error_seen = true;
}

/* Visual column (0-based) of an offset: tabs advance to the next multiple of 4. */
static uint32_t column_of(const vpc_lexer *lx, uint32_t off)
{
    uint32_t ls = off;
    while (ls > 0 && lx->src->text[ls - 1] != '\n') ls--;
    uint32_t col = 0;
    for (uint32_t i = ls; i < off; i++) col = lx->src->text[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    return col;
}

/* The first character after `off` that is not a space or tab. */
static int next_nonblank(const vpc_lexer *lx, uint32_t off)
{
    while (at(lx, off) == ' ' || at(lx, off) == '\t') off++;
    return at(lx, off);
}

/* ---------------------------------------------------------------------------
 * blanks and comments */

/* comment -> '#' ... | '//' ...   (to end of line, newline not consumed) */
static void skip_line_comment(vpc_lexer *lx)
{
    while (cur(lx) != END && cur(lx) != '\n') lx->pos++;
}

/* comment -> '/' '*' ... '*' '/'   (not nested); true if it spans a line break */
static bool skip_block_comment(vpc_lexer *lx)
{
    uint32_t start = lx->pos;
    bool nl = false;
    lx->pos += 2;
    for (;;) {
        int c = cur(lx);
        if (c == END) {
            lex_error(lx, start, 2, "unterminated block comment");
            return nl;
        }
        if (c == '*' && peek(lx, 1) == '/') {
            lx->pos += 2;
            return nl;
        }
        nl |= c == '\n';
        lx->pos++;
    }
}

/* Skips blanks, line breaks and comments; true when a line break was crossed. */
static bool skip_blank(vpc_lexer *lx)
{
    bool nl = false;
    for (;;) {
        int c = cur(lx);
        if (is_blank(c)) {
            lx->pos++;
        } else if (c == '\n') {
            nl = true;
            lx->pos++;
        } else if (c == '#' || (c == '/' && peek(lx, 1) == '/')) {
            skip_line_comment(lx);
        } else if (c == '/' && peek(lx, 1) == '*') {
            nl |= skip_block_comment(lx);
        } else {
            return nl;
        }
    }
}

/* ---------------------------------------------------------------------------
 * words */

static const struct { const char *word; vpc_tok_kind kind; } reserved[] = {
    {"and", VPC_T_AND},   {"or", VPC_T_OR},       {"not", VPC_T_NOT},     {"xor", VPC_T_XOR},
    {"in", VPC_T_IN},     {"is", VPC_T_IS},       {"true", VPC_T_TRUE},   {"false", VPC_T_FALSE},
    {"null", VPC_T_NULL}, {"if", VPC_T_IF},       {"then", VPC_T_THEN},   {"else", VPC_T_ELSE},
};

/* word -> [A-Za-z_][A-Za-z0-9_]*   (reserved words get their own kind,
 * except right after '.' or '?.' where every word is a member name) */
static vpc_tok scan_word(vpc_lexer *lx)
{
    uint32_t start = lx->pos;
    while (is_ident_char(cur(lx))) lx->pos++;
    vpc_tok t = make(lx, VPC_T_IDENT, start);
    t.v.sym = vpc_intern(&lx->ctx->syms, lx->src->text + start, lx->pos - start);
    bool member = lx->have_last && (lx->last.kind == VPC_T_DOT || lx->last.kind == VPC_T_QDOT);
    if (member) return t;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (text_is(lx, start, lx->pos - start, reserved[i].word)) t.kind = reserved[i].kind;
    return t;
}

/* ---------------------------------------------------------------------------
 * numbers and durations */

static const struct { const char *unit; int64_t ns; } short_units[] = {
    {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000},
    {"m", 60000000000}, {"h", 3600000000000}, {"d", 86400000000000},
};

static const struct { const char *unit; int64_t ns; } long_units[] = {
    {"nanosecond", 1}, {"nanoseconds", 1},
    {"microsecond", 1000}, {"microseconds", 1000},
    {"millisecond", 1000000}, {"milliseconds", 1000000},
    {"second", 1000000000}, {"seconds", 1000000000},
    {"minute", 60000000000}, {"minutes", 60000000000},
    {"hour", 3600000000000}, {"hours", 3600000000000},
    {"day", 86400000000000}, {"days", 86400000000000},
};

static int64_t short_unit(const vpc_lexer *lx, uint32_t off, uint32_t len)
{
    for (size_t i = 0; i < sizeof short_units / sizeof short_units[0]; i++)
        if (text_is(lx, off, len, short_units[i].unit)) return short_units[i].ns;
    return 0;
}

static int64_t long_unit(const vpc_lexer *lx, uint32_t off, uint32_t len)
{
    for (size_t i = 0; i < sizeof long_units / sizeof long_units[0]; i++)
        if (text_is(lx, off, len, long_units[i].unit)) return long_units[i].ns;
    return 0;
}

/* A bad suffix after a number: a word that looks like a unit (starts with a
 * unit letter, letters only) is an unknown unit, anything else an invalid
 * duration. */
static void bad_suffix(vpc_lexer *lx, uint32_t start, uint32_t suffix)
{
    uint32_t n = lx->pos - suffix;
    bool letters = true;
    for (uint32_t i = suffix; i < lx->pos; i++) letters &= is_alpha(at(lx, i));
    if (letters && strchr("nusmhd", at(lx, suffix)))
        lex_error(lx, suffix, n, "unknown time unit '%.*s'", (int)n, lx->src->text + suffix);
    else
        lex_error(lx, start, lx->pos - start, "invalid duration '%.*s'", (int)(lx->pos - start),
                  lx->src->text + start);
}

static vpc_tok duration(vpc_lexer *lx, uint32_t start, uint64_t value, bool overflow, int64_t unit)
{
    vpc_tok t = make(lx, VPC_T_DURATION, start);
    if (overflow || value > (uint64_t)(INT64_MAX / unit)) {
        lex_error(lx, start, lx->pos - start, "duration literal out of range");
        return t;
    }
    t.v.i = (int64_t)value * unit;
    return t;
}

/* Seed form: int, blanks on the same line, then a long unit word. */
static bool long_duration(vpc_lexer *lx, uint32_t start, uint64_t value, bool overflow, vpc_tok *out)
{
    uint32_t w = lx->pos;
    while (at(lx, w) == ' ' || at(lx, w) == '\t') w++;
    if (w == lx->pos || !is_ident_start(at(lx, w))) return false;
    uint32_t e = w;
    while (is_ident_char(at(lx, e))) e++;
    int64_t unit = long_unit(lx, w, e - w);
    if (!unit) return false;
    lx->pos = e;
    *out = duration(lx, start, value, overflow, unit);
    return true;
}

static vpc_tok scan_float(vpc_lexer *lx, uint32_t start)
{
    if (cur(lx) == '.') {
        lx->pos++;
        while (is_digit(cur(lx))) lx->pos++;
    }
    if (cur(lx) == 'e' || cur(lx) == 'E') {
        lx->pos += (peek(lx, 1) == '+' || peek(lx, 1) == '-') ? 2 : 1;
        while (is_digit(cur(lx))) lx->pos++;
    }
    uint32_t n = lx->pos - start;
    char small[64];
    char *buf = n < sizeof small ? small : vpc_arena_alloc(&lx->ctx->ast, n + 1);
    memcpy(buf, lx->src->text + start, n);
    buf[n] = 0;
    vpc_tok t = make(lx, VPC_T_FLOAT, start);
    t.v.f = strtod(buf, NULL);
    if (is_ident_char(cur(lx))) { /* 1.5h: durations take integers only */
        while (is_ident_char(cur(lx))) lx->pos++;
        lex_error(lx, start, lx->pos - start, "invalid duration '%.*s'", (int)(lx->pos - start),
                  lx->src->text + start);
        t = make(lx, VPC_T_DURATION, start);
    }
    return t;
}

static bool starts_exponent(const vpc_lexer *lx)
{
    if (cur(lx) != 'e' && cur(lx) != 'E') return false;
    int c = peek(lx, 1);
    return is_digit(c) || ((c == '+' || c == '-') && is_digit(peek(lx, 2)));
}

/* number -> digits                      int (int64)
 *         | digits '.' digits [exp]     float   (also digits exp)
 *         | digits unit                 duration: ns us ms s m h d
 *         | digits blanks longunit      duration, seed form: 5 minutes */
static vpc_tok scan_number(vpc_lexer *lx)
{
    uint32_t start = lx->pos;
    uint64_t v = 0;
    bool overflow = false;
    while (is_digit(cur(lx))) {
        unsigned d = (unsigned)(cur(lx) - '0');
        if (v > ((uint64_t)INT64_MAX - d) / 10) overflow = true;
        else v = v * 10 + d;
        lx->pos++;
    }
    if ((cur(lx) == '.' && is_digit(peek(lx, 1))) || starts_exponent(lx)) return scan_float(lx, start);
    if (is_ident_start(cur(lx))) {
        uint32_t suffix = lx->pos;
        while (is_ident_char(cur(lx))) lx->pos++;
        int64_t unit = short_unit(lx, suffix, lx->pos - suffix);
        if (unit) return duration(lx, start, v, overflow, unit);
        bad_suffix(lx, start, suffix);
        return make(lx, VPC_T_DURATION, start);
    }
    vpc_tok t;
    if (long_duration(lx, start, v, overflow, &t)) return t;
    t = make(lx, VPC_T_INT, start);
    if (overflow) lex_error(lx, start, lx->pos - start, "integer literal out of range");
    else t.v.i = (int64_t)v;
    return t;
}

/* ---------------------------------------------------------------------------
 * strings */

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hex_value(int c)
{
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* escape -> '\u{' hex{1,6} '}'   at i (the backslash); returns the next
 * index, writes the UTF-8 bytes, or reports an invalid escape. */
static uint32_t unicode_escape(vpc_lexer *lx, uint32_t i, uint32_t end, char *out, size_t *n)
{
    uint32_t j = i + 2;
    uint32_t cp = 0;
    int digits = 0;
    bool ok = j < end && at(lx, j) == '{';
    if (ok) {
        for (j++; j < end && hex_value(at(lx, j)) >= 0 && digits < 7; j++, digits++)
            cp = cp * 16 + (uint32_t)hex_value(at(lx, j));
        ok = digits >= 1 && digits <= 6 && j < end && at(lx, j) == '}' && cp <= 0x10FFFF &&
             !(cp >= 0xD800 && cp <= 0xDFFF);
        if (j < end && at(lx, j) == '}') j++;
    }
    if (!ok) {
        lex_error(lx, i, j - i, "invalid escape sequence");
        return j;
    }
    *n += put_utf8(out + *n, cp);
    return j;
}

/* The byte of a one-character escape (\n \t \r \0 \\ \" \'), else -1. */
static int simple_escape(int e)
{
    switch (e) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '0': return 0;
    case '\\': return '\\';
    case '"': return '"';
    case '\'': return '\'';
    default: return -1;
    }
}

/* Decodes the escapes of [beg, end) into the AST arena. The result is never
 * longer than the source text. */
static vpc_str decode_string(vpc_lexer *lx, uint32_t beg, uint32_t end)
{
    char *out = vpc_arena_alloc(&lx->ctx->ast, end - beg + 1);
    size_t n = 0;
    uint32_t i = beg;
    while (i < end) {
        int c = at(lx, i);
        if (c != '\\') {
            out[n++] = (char)c;
            i++;
            continue;
        }
        int e = i + 1 < end ? at(lx, i + 1) : END;
        int simple = simple_escape(e);
        if (e == 'u') {
            i = unicode_escape(lx, i, end, out, &n);
        } else if (simple >= 0) {
            out[n++] = (char)simple;
            i += 2;
        } else {
            uint32_t len = e == END ? 1 : 2;
            lex_error(lx, i, len, "invalid escape sequence");
            i += len;
        }
    }
    vpc_str s = {out, n};
    return s;
}

/* string -> '"' chars '"' | "'" chars "'"   (no raw line breaks) */
static vpc_tok scan_string(vpc_lexer *lx)
{
    uint32_t start = lx->pos;
    int q = cur(lx);
    uint32_t beg = start + 1, p = beg;
    bool escapes = false;
    for (;;) {
        int c = at(lx, p);
        if (c == END || c == '\n' || c == q) break;
        if (c == '\\') {
            escapes = true;
            if (at(lx, p + 1) != END && at(lx, p + 1) != '\n') p++;
        }
        p++;
    }
    bool closed = at(lx, p) == q;
    uint32_t end = p;
    lx->pos = closed ? p + 1 : p;
    vpc_tok t = make(lx, VPC_T_STRING, start);
    if (!closed) {
        uint32_t len = end - start;
        while (len > 1 && at(lx, start + len - 1) == '\r') len--;
        lex_error(lx, start, len, "unterminated string literal");
    }
    if (escapes) {
        t.v.s = decode_string(lx, beg, end);
    } else {
        t.v.s.p = lx->src->text + beg;
        t.v.s.n = end - beg;
    }
    return t;
}

/* ---------------------------------------------------------------------------
 * timestamps */

static bool digits(const vpc_lexer *lx, uint32_t *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        int c = at(lx, *p + (uint32_t)i);
        if (!is_digit(c)) return false;
        v = v * 10 + (c - '0');
    }
    *p += (uint32_t)n;
    *out = v;
    return true;
}

static bool expect_char(const vpc_lexer *lx, uint32_t *p, int c)
{
    if (at(lx, *p) != c) return false;
    (*p)++;
    return true;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

typedef struct civil {
    int y, mo, d, h, mi, s;
    int64_t frac_ns;
    int offset_min; /* east of UTC */
} civil;

/* time -> 'T' HH ':' MM ':' SS ['.' digits] ['Z' | ('+'|'-') HH ':' MM] */
static bool parse_time(const vpc_lexer *lx, uint32_t *p, civil *c)
{
    if (!(expect_char(lx, p, 'T') && digits(lx, p, 2, &c->h) && expect_char(lx, p, ':') &&
          digits(lx, p, 2, &c->mi) && expect_char(lx, p, ':') && digits(lx, p, 2, &c->s)))
        return false;
    if (at(lx, *p) == '.' && is_digit(at(lx, *p + 1))) {
        int64_t scale = 100000000;
        for ((*p)++; is_digit(at(lx, *p)); (*p)++, scale /= 10) c->frac_ns += (at(lx, *p) - '0') * scale;
    }
    if (expect_char(lx, p, 'Z')) return true;
    int sign = at(lx, *p);
    if (sign == '+' || sign == '-') {
        uint32_t q = *p + 1;
        int oh, om;
        if (digits(lx, &q, 2, &oh) && expect_char(lx, &q, ':') && digits(lx, &q, 2, &om)) {
            if (oh > 23 || om > 59) return false;
            c->offset_min = (sign == '+' ? 1 : -1) * (oh * 60 + om);
            *p = q;
        }
    }
    return true;
}

static bool civil_valid(const civil *c)
{
    return c->mo >= 1 && c->mo <= 12 && c->d >= 1 && c->d <= days_in_month(c->y, c->mo) &&
           c->h < 24 && c->mi < 60 && c->s < 60;
}

/* timestamp -> '@' YYYY '-' MM '-' DD [time]   -> ns since the epoch, UTC */
static vpc_tok scan_timestamp(vpc_lexer *lx)
{
    uint32_t start = lx->pos, p = start + 1;
    civil c;
    memset(&c, 0, sizeof c);
    bool ok = digits(lx, &p, 4, &c.y) && expect_char(lx, &p, '-') && digits(lx, &p, 2, &c.mo) &&
              expect_char(lx, &p, '-') && digits(lx, &p, 2, &c.d);
    if (ok && at(lx, p) == 'T') ok = parse_time(lx, &p, &c);
    ok = ok && !is_ident_char(at(lx, p)) && civil_valid(&c);
    if (!ok) {
        p = start + 1;
        while (is_ident_char(at(lx, p)) || at(lx, p) == '-' || at(lx, p) == ':' ||
               (at(lx, p) == '.' && is_digit(at(lx, p + 1))))
            p++;
        lx->pos = p;
        lex_error(lx, start, p - start, "invalid timestamp literal '%.*s'", (int)(p - start),
                  lx->src->text + start);
        return make(lx, VPC_T_TIMESTAMP, start);
    }
    lx->pos = p;
    vpc_tok t = make(lx, VPC_T_TIMESTAMP, start);
    int64_t secs = days_from_civil(c.y, c.mo, c.d) * 86400 + c.h * 3600 + c.mi * 60 + c.s -
                   (int64_t)c.offset_min * 60;
    int64_t ns;
    if (__builtin_mul_overflow(secs, (int64_t)1000000000, &ns) ||
        __builtin_add_overflow(ns, c.frac_ns, &ns)) {
        lex_error(lx, start, p - start, "timestamp literal out of range");
        return t;
    }
    t.v.i = ns;
    return t;
}

/* ---------------------------------------------------------------------------
 * punctuation */

static void unexpected_char(vpc_lexer *lx)
{
    uint32_t start = lx->pos;
    int c = cur(lx);
    if (c >= 0x20 && c < 0x7F) {
        lx->pos++;
        lex_error(lx, start, 1, "unexpected character '%c'", c);
        return;
    }
    uint32_t cp = (uint32_t)c, more = 0;
    if (c >= 0xC2 && c <= 0xDF) cp = c & 0x1F, more = 1;
    else if (c >= 0xE0 && c <= 0xEF) cp = c & 0x0F, more = 2;
    else if (c >= 0xF0 && c <= 0xF4) cp = c & 0x07, more = 3;
    lx->pos++;
    if (c >= 0x80 && more == 0) {
        lex_error(lx, start, 1, "invalid UTF-8 byte 0x%02X", (unsigned)c);
        return;
    }
    for (; more > 0 && (cur(lx) & 0xC0) == 0x80 && cur(lx) != END; more--, lx->pos++)
        cp = (cp << 6) | (uint32_t)(cur(lx) & 0x3F);
    if (more) lex_error(lx, start, lx->pos - start, "invalid UTF-8 sequence");
    else lex_error(lx, start, lx->pos - start, "unexpected character U+%04X", (unsigned)cp);
}

/* The punctuation token at pos (longest match); VPC_T__COUNT when none. */
static vpc_tok_kind punct(const vpc_lexer *lx, uint32_t *len)
{
    int c = cur(lx), n = peek(lx, 1);
    *len = 1;
#define TWO(ch, k2, k1) (n == (ch) ? (*len = 2, (k2)) : (k1))
    switch (c) {
    case '(': return VPC_T_LPAREN;
    case ')': return VPC_T_RPAREN;
    case '[': return VPC_T_LBRACKET;
    case ']': return VPC_T_RBRACKET;
    case '{': return VPC_T_LBRACE;
    case '}': return VPC_T_RBRACE;
    case ',': return VPC_T_COMMA;
    case ';': return VPC_T_SEMI;
    case '+': return VPC_T_PLUS;
    case '/': return VPC_T_SLASH;
    case '%': return VPC_T_PERCENT;
    case '~': return VPC_T_TILDE;
    case '&': return VPC_T_AMP;
    case '^': return VPC_T_CARET;
    case '|': return VPC_T_PIPE;
    case ':': return TWO('=', VPC_T_COLONEQ, VPC_T_COLON);
    case '-': return TWO('>', VPC_T_ARROW, VPC_T_MINUS);
    case '!': return TWO('=', VPC_T_NE, VPC_T_BANG);
    case '*': return TWO('*', VPC_T_STARSTAR, VPC_T_STAR);
    case '=':
        if (n == '>') return *len = 2, VPC_T_FATARROW;
        return TWO('=', VPC_T_EQ, VPC_T_ASSIGN);
    case '<':
        if (n == '<') return *len = 2, VPC_T_SHL;
        return TWO('=', VPC_T_LE, VPC_T_LT);
    case '>':
        if (n == '>') return *len = 2, VPC_T_SHR;
        return TWO('=', VPC_T_GE, VPC_T_GT);
    case '?':
        if (n == '.') return *len = 2, VPC_T_QDOT;
        return TWO('?', VPC_T_QQ, VPC_T_QUESTION);
    case '.':
        if (n != '.') return VPC_T_DOT;
        if (peek(lx, 2) == '=') return *len = 3, VPC_T_DOTDOTEQ;
        return *len = 2, VPC_T_DOTDOT;
    default: return VPC_T__COUNT;
    }
#undef TWO
}

/* Scans one raw token at pos (blanks already skipped). False when the text
 * there was reported and skipped, so the caller scans again. */
static bool scan_token(vpc_lexer *lx, vpc_tok *out)
{
    uint32_t start = lx->pos;
    int c = cur(lx);
    if (c == END) {
        *out = make(lx, VPC_T_EOF, start);
        return true;
    }
    if (is_ident_start(c)) *out = scan_word(lx);
    else if (is_digit(c)) *out = scan_number(lx);
    else if (c == '"' || c == '\'') *out = scan_string(lx);
    else if (c == '@') *out = scan_timestamp(lx);
    else {
        uint32_t len;
        vpc_tok_kind k = punct(lx, &len);
        if (k == VPC_T__COUNT) {
            unexpected_char(lx);
            return false;
        }
        lx->pos += len;
        *out = make(lx, k, start);
        if (k == VPC_T_LPAREN || k == VPC_T_LBRACKET || k == VPC_T_LBRACE) lx->depth++;
        if ((k == VPC_T_RPAREN || k == VPC_T_RBRACKET || k == VPC_T_RBRACE) && lx->depth > 0)
            lx->depth--;
    }
    return true;
}

/* ---------------------------------------------------------------------------
 * layout */

static const char *const header_words[] = {"event", "fn", "elif", "while", "config", NULL};
static const char *const leading_words[] = {"where", "as", "within", "partition", NULL};
static const char *const let_words[] = {"let", "var", "const", NULL};
static const char *const decl_words[] = {"event", "stream", "fn", "pattern", "const", "let", "var",
                                          "type", "config", "connector", "context", "import", NULL};

static bool tok_word_in(const vpc_lexer *lx, const vpc_tok *t, const char *const *words)
{
    return t->kind == VPC_T_IDENT && text_in(lx, t->span.off, t->span.len, words);
}

/* A line ending with one of these continues on the next line. */
static bool continues_after(vpc_tok_kind k)
{
    switch (k) {
    case VPC_T_PLUS: case VPC_T_MINUS: case VPC_T_STAR: case VPC_T_SLASH: case VPC_T_PERCENT:
    case VPC_T_STARSTAR: case VPC_T_SHL: case VPC_T_SHR: case VPC_T_AMP: case VPC_T_CARET:
    case VPC_T_PIPE: case VPC_T_EQ: case VPC_T_NE: case VPC_T_LT: case VPC_T_LE: case VPC_T_GT:
    case VPC_T_GE: case VPC_T_AND: case VPC_T_OR: case VPC_T_XOR: case VPC_T_IN: case VPC_T_IS:
    case VPC_T_QQ: case VPC_T_DOTDOT: case VPC_T_DOTDOTEQ: case VPC_T_COMMA: case VPC_T_ASSIGN:
    case VPC_T_COLONEQ: case VPC_T_ARROW: case VPC_T_FATARROW: case VPC_T_DOT: case VPC_T_QDOT:
        return true;
    default:
        return false;
    }
}

static bool is_layout(vpc_tok_kind k)
{
    return k == VPC_T_NEWLINE || k == VPC_T_INDENT || k == VPC_T_DEDENT;
}

/* Does the physical line starting with t continue the previous one?
 * Yes when it starts with '.', '->', or where/as/within/partition (unless
 * followed by ':', i.e. a field or key of that name), or when the previous
 * line ended with a binary operator, ',', '=', '->' or '=>' (unless this
 * line starts a declaration at the left margin). */
static bool continues_line(const vpc_lexer *lx, const vpc_tok *t)
{
    if (!lx->have_last || is_layout(lx->last.kind)) return false;
    if (t->kind == VPC_T_DOT || t->kind == VPC_T_ARROW) return true;
    if (tok_word_in(lx, t, leading_words) && next_nonblank(lx, t->span.off + t->span.len) != ':')
        return true;
    if (!continues_after(lx->last.kind)) return false;
    return !(tok_word_in(lx, t, decl_words) && column_of(lx, t->span.off) == 0);
}

/* Is the current logical line (ending with ':') a block header? */
static bool line_is_header(const vpc_lexer *lx)
{
    if (lx->line_first_kind == VPC_T_IF || lx->line_first_kind == VPC_T_ELSE) return true;
    if (lx->line_first_kind != VPC_T_IDENT || !lx->line_first_sym) return false;
    const char *w = lx->line_first_sym->name;
    for (const char *const *h = header_words; *h; h++)
        if (strcmp(w, *h) == 0) return true;
    return strcmp(w, "for") == 0 && lx->nind > 0; /* top-level `for` is a template */
}

static void open_block(vpc_lexer *lx, uint32_t col, const vpc_tok *t)
{
    if ((size_t)lx->nind == MAX_BLOCKS) {
        lex_error(lx, t->span.off, t->span.len, "too many nested blocks");
        return;
    }
    lx->ind_header[lx->nind] = lx->line_first_col;
    lx->ind_body[lx->nind] = col;
    lx->nind++;
    lx->pending_indent = true;
}

static void close_blocks(vpc_lexer *lx, uint32_t col, const vpc_tok *t)
{
    while (lx->nind > 0 && col <= lx->ind_header[lx->nind - 1]) {
        lx->nind--;
        lx->pending_dedents++;
    }
    if (lx->nind > 0 && col < lx->ind_body[lx->nind - 1])
        lex_error(lx, t->span.off, t->span.len, "inconsistent indentation");
}

/* t starts a physical line outside brackets: queue NEWLINE, INDENT or
 * DEDENTs unless the line continues the previous one. */
static void line_layout(vpc_lexer *lx, const vpc_tok *t)
{
    bool header = lx->have_last && lx->last.kind == VPC_T_COLON && line_is_header(lx);
    bool after_template = lx->after_template;
    lx->after_template = false;
    if (!header && !after_template && continues_line(lx, t)) return;
    uint32_t col = column_of(lx, t->span.off);
    if (lx->have_last) {
        lx->pending_newline = true;
        lx->newline_off = lx->last.span.off + lx->last.span.len;
    }
    if (header && col > lx->line_first_col) open_block(lx, col, t);
    else close_blocks(lx, col, t);
    lx->line_first_col = col;
    lx->line_first_kind = t->kind;
    lx->line_first_sym = t->kind == VPC_T_IDENT ? t->v.sym : NULL;
}

/* Inside brackets, a declaration keyword at the left margin followed by a
 * name (a string after import, '{' after config) means a bracket was left
 * open: layout resumes so the parser can report it and recover at this
 * declaration. Not for the two legal cases: `stream S ...` items of
 * merge(/join( and `let x = ...` items of a lambda block. */
static bool margin_declaration(vpc_lexer *lx, const vpc_tok *t)
{
    if (t->kind != VPC_T_IDENT || column_of(lx, t->span.off) != 0) return false;
    vpc_tok_kind k = lx->last.kind;
    bool merge_item = text_is(lx, t->span.off, t->span.len, "stream") &&
                      (k == VPC_T_LPAREN || k == VPC_T_COMMA);
    bool lambda_let = text_in(lx, t->span.off, t->span.len, let_words) &&
                      (k == VPC_T_LBRACE || k == VPC_T_SEMI);
    if (merge_item || lambda_let) return false;
    int c = next_nonblank(lx, t->span.off + t->span.len);
    bool config = t->span.len >= 6 &&
                  memcmp(lx->src->text + t->span.off + t->span.len - 6, "config", 6) == 0;
    bool import = text_is(lx, t->span.off, t->span.len, "import");
    bool ok = (tok_word_in(lx, t, decl_words) && is_ident_start(c)) ||
              (import && (c == '"' || c == '\'')) || (config && c == '{');
    if (ok) lx->depth = 0;
    return ok;
}

/* At end of input: NEWLINE if a line is open (and not continued by a
 * trailing operator), then every DEDENT, then EOF. */
static void end_layout(vpc_lexer *lx, int depth)
{
    if (depth > 0) return;
    if (lx->have_last && !is_layout(lx->last.kind) && !continues_after(lx->last.kind)) {
        lx->pending_newline = true;
        lx->newline_off = lx->last.span.off + lx->last.span.len;
    }
    lx->pending_dedents += lx->nind;
    lx->nind = 0;
}

/* ---------------------------------------------------------------------------
 * top-level `for` templates: the body is skipped at the raw level */

static bool rest_of_line_blank(const vpc_lexer *lx)
{
    uint32_t p = lx->pos;
    while (is_blank(at(lx, p))) p++;
    int c = at(lx, p);
    return c == END || c == '\n' || c == '#' || (c == '/' && at(lx, p + 1) == '/');
}

static bool template_header_ends(const vpc_lexer *lx)
{
    return lx->have_last && lx->last.kind == VPC_T_COLON && lx->depth == 0 && lx->nind == 0 &&
           lx->line_first_kind == VPC_T_IDENT && vpc_sym_is(lx->line_first_sym, "for") &&
           rest_of_line_blank(lx);
}

/* template body -> the following lines indented deeper than the header
 * (blank and comment-only lines included) */
static void skip_template_body(vpc_lexer *lx)
{
    uint32_t header_col = lx->line_first_col;
    while (cur(lx) != END && cur(lx) != '\n') lx->pos++;
    uint32_t body_start = cur(lx) == '\n' ? lx->pos + 1 : lx->pos, body_end = body_start;
    while (cur(lx) == '\n') {
        uint32_t ls = lx->pos + 1, p = ls, col = 0;
        for (; is_blank(at(lx, p)); p++) col = at(lx, p) == '\t' ? (col / 4 + 1) * 4 : col + 1;
        int c = at(lx, p);
        if (c == END || c == '\n') {
            lx->pos = p;
            continue;
        }
        bool comment = c == '#' || (c == '/' && at(lx, p + 1) == '/');
        if (!comment && col <= header_col) {
            lx->pos = ls;
            break;
        }
        while (at(lx, p) != END && at(lx, p) != '\n') p++;
        if (!comment) body_end = p;
        lx->pos = p;
    }
    lx->template_body = span_at(lx, body_start, body_end - body_start);
    lx->force_bol = true;
    lx->after_template = true;
}

/* ---------------------------------------------------------------------------
 * driver */

/* Scans the next raw token into `ahead` and queues the layout tokens that
 * come before it. */
static void read_ahead(vpc_lexer *lx)
{
    if (template_header_ends(lx)) skip_template_body(lx);
    int depth = lx->depth;
    bool nl = lx->force_bol || !lx->have_last;
    lx->force_bol = false;
    vpc_tok t;
    for (;;) {
        nl |= skip_blank(lx);
        if (scan_token(lx, &t)) break;
    }
    t.bol = nl && t.kind != VPC_T_EOF;
    lx->ahead = t;
    lx->have_ahead = true;
    if (t.kind == VPC_T_EOF) {
        end_layout(lx, depth);
        return;
    }
    if (nl && (depth == 0 || margin_declaration(lx, &t))) line_layout(lx, &t);
}

static vpc_tok layout_token(vpc_lexer *lx, vpc_tok_kind k, uint32_t off)
{
    vpc_tok t;
    memset(&t, 0, sizeof t);
    t.kind = k;
    t.span = span_at(lx, off, 0);
    lx->last = t;
    lx->have_last = true;
    return t;
}

vpc_tok vpc_lex_next(vpc_lexer *lx)
{
    if (!lx->have_ahead && !lx->at_eof) read_ahead(lx);
    if (lx->pending_newline) {
        lx->pending_newline = false;
        return layout_token(lx, VPC_T_NEWLINE, lx->newline_off);
    }
    if (lx->pending_dedents > 0) {
        lx->pending_dedents--;
        return layout_token(lx, VPC_T_DEDENT, lx->ahead.span.off);
    }
    if (lx->pending_indent) {
        lx->pending_indent = false;
        return layout_token(lx, VPC_T_INDENT, lx->ahead.span.off);
    }
    if (lx->have_ahead) {
        lx->have_ahead = false;
        lx->at_eof = lx->ahead.kind == VPC_T_EOF;
        lx->last = lx->ahead;
        lx->have_last = true;
        return lx->ahead;
    }
    return layout_token(lx, VPC_T_EOF, lx->src->len);
}

void vpc_lex_init(vpc_lexer *lx, vpc_ctx *ctx, const vpc_source *src)
{
    memset(lx, 0, sizeof *lx);
    lx->ctx = ctx;
    lx->src = src;
    lx->file = vpc_source_index(ctx, src);
    if (src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0) lx->pos = 3;
}
