/* bl.c — the rare paths of bl.h: buffer refills, escaped strings, numbers
 * strtod must handle, nested values, the float format, and the command line. */
#define _POSIX_C_SOURCE 200809L
#include "bl.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define IN_CHUNK (1u << 20)  /* bytes per read(); the buffer grows only for longer lines */
#define OUT_CHUNK (1u << 20) /* bytes per write() */
#define MAX_DEPTH 64         /* nesting accepted inside skipped values */
#define MAX_REPORTS 20       /* malformed lines printed; the rest are only counted */

static void die(const char *what, const char *path)
{
    fprintf(stderr, "%s: %s\n", path ? path : what, strerror(errno));
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        die("malloc", NULL);
    return p;
}

/* ---- Command line ---- */

void bl_args(int argc, char **argv, const char **in_path, const char **out_path)
{
    *in_path = *out_path = "-";
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--input") == 0)
            *in_path = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--output") == 0)
            *out_path = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--input FILE] [--output FILE]\n", argv[0]);
            exit(2);
        }
    }
}

void bl_open(int argc, char **argv, bl_in *in, bl_out *out)
{
    const char *in_path, *out_path;
    bl_args(argc, argv, &in_path, &out_path);
    bl_in_open(in, in_path);
    bl_out_open(out, out_path);
}

/* ---- Input ---- */

void bl_in_open(bl_in *in, const char *path)
{
    memset(in, 0, sizeof *in);
    in->path = strcmp(path, "-") == 0 ? "<stdin>" : path;
    in->fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
    if (in->fd < 0)
        die("open", path);
    in->cap = IN_CHUNK;
    in->buf = xmalloc(in->cap);
    in->scratch_cap = 1 << 16;
    in->scratch = xmalloc(in->scratch_cap);
}

void bl_in_scratch_grow(bl_in *in, size_t n)
{
    free(in->scratch);
    in->scratch_cap = n;
    in->scratch = xmalloc(n);
}

void bl_in_close(bl_in *in)
{
    if (in->fd > 0)
        close(in->fd);
    free(in->buf);
    free(in->scratch);
    if (in->nbad > MAX_REPORTS)
        fprintf(stderr, "%s: %llu malformed lines skipped\n", in->path,
                (unsigned long long)in->nbad);
}

/* Slow path of bl_in_line: no '\n' in the unread bytes. Move them to the
 * front, read more (growing the buffer only when one line fills it), and
 * retry; at end of input a last line without '\n' is still a line. */
bool bl_in_refill_line(bl_in *in, bl_str *line)
{
    for (;;) {
        size_t have = in->end - in->beg;
        if (in->eof) {
            if (have == 0)
                return false;
            line->p = in->buf + in->beg;
            line->n = have;
            in->beg = in->end;
            in->lineno++;
            return true;
        }
        memmove(in->buf, in->buf + in->beg, have);
        in->beg = 0;
        in->end = have;
        if (in->cap - have < IN_CHUNK / 2) {
            in->cap *= 2;
            if (!(in->buf = realloc(in->buf, in->cap)))
                die("realloc", NULL);
        }
        ssize_t got = read(in->fd, in->buf + in->end, in->cap - in->end);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            die("read", in->path);
        }
        if (got == 0)
            in->eof = true;
        in->end += (size_t)got;
        if (memchr(in->buf + have, '\n', (size_t)got))
            return bl_in_line(in, line);
    }
}

void bl_in_bad(bl_in *in, const char *msg)
{
    if (++in->nbad <= MAX_REPORTS)
        fprintf(stderr, "%s:%llu: error: %s\n", in->path, (unsigned long long)in->lineno, msg);
}

/* ---- JSON scanning: rare paths ---- */

bool bl_obj_begin(bl_json *j, bl_str text, char *scratch)
{
    const char *p = bl_skip_ws(text.p, text.p + text.n);
    j->end = text.p + text.n;
    j->scratch = scratch;
    j->err = NULL;
    j->started = false;
    if (p >= j->end || *p != '{') {
        j->err = "expected a JSON object";
        return false;
    }
    j->p = bl_skip_ws(p + 1, j->end);
    return true;
}

static int hex4(const char *p, const char *end)
{
    int v = 0;
    if (end - p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static char *put_utf8(char *d, unsigned cp)
{
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xc0 | cp >> 6);
        *d++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xe0 | cp >> 12);
        *d++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *d++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *d++ = (char)(0xf0 | cp >> 18);
        *d++ = (char)(0x80 | (cp >> 12 & 0x3f));
        *d++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *d++ = (char)(0x80 | (cp & 0x3f));
    }
    return d;
}

/* Decode a string with escapes into scratch. p is just past the opening
 * quote. A surrogate pair becomes one code point; a lone surrogate has no
 * UTF-8 form and becomes U+FFFD. Every escape is at least as long as the
 * bytes it decodes to, so scratch never needs more than the line. */
const char *bl_str_slow(bl_json *j, const char *p, bl_str *out)
{
    char *d = j->scratch;
    out->p = d;
    while (p < j->end) {
        unsigned char c = (unsigned char)*p++;
        if (c == '"') {
            out->n = (size_t)(d - out->p);
            j->scratch = d;
            return p;
        }
        if (c < 0x20) {
            j->err = "control character in string";
            return NULL;
        }
        if (c != '\\') {
            *d++ = (char)c;
            continue;
        }
        if (p >= j->end)
            break;
        switch (*p++) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '/': *d++ = '/'; break;
        case 'b': *d++ = '\b'; break;
        case 'f': *d++ = '\f'; break;
        case 'n': *d++ = '\n'; break;
        case 'r': *d++ = '\r'; break;
        case 't': *d++ = '\t'; break;
        case 'u': {
            int u = hex4(p, j->end);
            if (u < 0) {
                j->err = "bad \\u escape";
                return NULL;
            }
            p += 4;
            unsigned cp = (unsigned)u;
            if (cp >= 0xd800 && cp < 0xdc00 && j->end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                int lo = hex4(p + 2, j->end);
                if (lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned)lo - 0xdc00);
                    p += 6;
                }
            }
            if (cp >= 0xd800 && cp < 0xe000)
                cp = 0xfffd;
            d = put_utf8(d, cp);
            break;
        }
        default:
            j->err = "bad escape in string";
            return NULL;
        }
    }
    j->err = "unterminated string";
    return NULL;
}

/* Numbers bl_num_scan cannot convert exactly by itself: strtod on a
 * NUL-terminated copy (JSON syntax was already checked). */
const char *bl_num_slow(const char *start, const char *p, bl_val *v)
{
    char small[64];
    size_t n = (size_t)(p - start);
    char *s = n < sizeof small ? small : xmalloc(n + 1);
    memcpy(s, start, n);
    s[n] = '\0';
    v->kind = BL_FLOAT;
    v->f = strtod(s, NULL);
    if (s != small)
        free(s);
    return p;
}

/* Validate one value without decoding it (so skipping uses no scratch). */
static const char *skip_value(bl_json *j, const char *p, int depth);

static const char *skip_str(bl_json *j, const char *p)
{
    while (p < j->end) {
        unsigned char c = (unsigned char)*p++;
        if (c == '"')
            return p;
        if (c < 0x20)
            break;
        if (c == '\\') {
            if (p >= j->end)
                break;
            char e = *p++;
            if (e == 'u') {
                if (hex4(p, j->end) < 0)
                    break;
                p += 4;
            } else if (!strchr("\"\\/bfnrt", e) || e == '\0') {
                break;
            }
        }
    }
    j->err = "bad string";
    return NULL;
}

static const char *skip_value(bl_json *j, const char *p, int depth)
{
    const char *end = j->end;
    bl_val v;
    if (p >= end) {
        j->err = "expected a value";
        return NULL;
    }
    if (*p == '"')
        return skip_str(j, p + 1);
    if (*p != '{' && *p != '[')
        return bl_val_scan(j, p, &v); /* number or literal: no scratch */
    if (depth >= MAX_DEPTH) {
        j->err = "nested too deeply";
        return NULL;
    }
    char close = *p == '{' ? '}' : ']';
    p = bl_skip_ws(p + 1, end);
    if (p < end && *p == close)
        return p + 1;
    for (;;) {
        if (close == '}') {
            if (p >= end || *p != '"' || !(p = skip_str(j, p + 1)))
                goto bad;
            p = bl_skip_ws(p, end);
            if (p >= end || *p != ':')
                goto bad;
            p = bl_skip_ws(p + 1, end);
        }
        if (!(p = skip_value(j, p, depth + 1)))
            return NULL;
        p = bl_skip_ws(p, end);
        if (p < end && *p == close)
            return p + 1;
        if (p >= end || *p != ',')
            goto bad;
        p = bl_skip_ws(p + 1, end);
    }
bad:
    if (!j->err)
        j->err = close == '}' ? "bad object" : "bad array";
    return NULL;
}

const char *bl_compound(bl_json *j, const char *p, bl_val *v)
{
    const char *q = skip_value(j, p, 0);
    if (!q)
        return NULL;
    v->kind = *p == '{' ? BL_OBJECT : BL_ARRAY;
    v->s.p = p;
    v->s.n = (size_t)(q - p);
    return q;
}

/* ---- Event time: the slow forms ---- */

static bool time_digits(const char *p, size_t n, size_t *i, int k, int64_t *out)
{
    if (*i + (size_t)k > n)
        return false;
    int64_t v = 0;
    for (int j = 0; j < k; j++) {
        char c = p[*i + (size_t)j];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)k;
    *out = v;
    return true;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* YYYY-MM-DD, then optionally [T|t| ]HH:MM[:SS[(.|,)frac]] and a zone (Z, z,
 * +HH:MM, +HHMM, +HH; none = UTC). Fraction digits past the ns are ignored;
 * second 60 reads as the next minute's first. */
static bool parse_iso8601(const char *p, size_t n, int64_t *ns)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t i = 0;
    int64_t y, mo, d, h = 0, mi = 0, s = 0, frac = 0, off = 0;
    if (!time_digits(p, n, &i, 4, &y) || i >= n || p[i++] != '-' || !time_digits(p, n, &i, 2, &mo) ||
        i >= n || p[i++] != '-' || !time_digits(p, n, &i, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap))
        return false;
    if (i < n) {
        if (p[i] != 'T' && p[i] != 't' && p[i] != ' ')
            return false;
        i++;
        if (!time_digits(p, n, &i, 2, &h) || i >= n || p[i++] != ':' || !time_digits(p, n, &i, 2, &mi))
            return false;
        if (i < n && p[i] == ':') {
            i++;
            if (!time_digits(p, n, &i, 2, &s))
                return false;
            if (i < n && (p[i] == '.' || p[i] == ',')) {
                int nd = 0;
                for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++, nd++)
                    if (nd < 9)
                        frac = frac * 10 + (p[i] - '0');
                if (nd == 0)
                    return false;
                for (; nd < 9; nd++)
                    frac *= 10;
            }
        }
        if (h > 23 || mi > 59 || s > 60)
            return false;
        if (i < n) {
            if (p[i] == 'Z' || p[i] == 'z') {
                i++;
            } else if (p[i] == '+' || p[i] == '-') {
                int64_t sign = p[i++] == '-' ? -1 : 1, oh, om = 0;
                if (!time_digits(p, n, &i, 2, &oh) || oh > 23)
                    return false;
                if (i < n) {
                    if (p[i] == ':')
                        i++;
                    if (!time_digits(p, n, &i, 2, &om) || om > 59)
                        return false;
                }
                off = sign * (oh * 3600 + om * 60);
            } else {
                return false;
            }
        }
    }
    if (i != n)
        return false;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
    if (secs > (INT64_MAX - frac) / 1000000000 || secs < INT64_MIN / 1000000000)
        return false;
    *ns = secs * 1000000000 + frac;
    return true;
}

bool bl_time_slow(const bl_val *v, int64_t *ns)
{
    switch (v->kind) {
    case BL_FLOAT: {
        double x = round(v->f * 1e6);
        if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
            return false;
        *ns = (int64_t)x;
        return true;
    }
    case BL_STR: return parse_iso8601(v->s.p, v->s.n, ns);
    default: return false;
    }
}

/* ---- Output ---- */

void bl_out_open(bl_out *o, const char *path)
{
    o->path = strcmp(path, "-") == 0 ? "<stdout>" : path;
    o->fd = strcmp(path, "-") == 0 ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (o->fd < 0)
        die("open", path);
    o->cap = OUT_CHUNK;
    o->len = 0;
    o->buf = xmalloc(o->cap);
}

void bl_out_flush(bl_out *o)
{
    size_t off = 0;
    while (off < o->len) {
        ssize_t n = write(o->fd, o->buf + off, o->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("write", o->path);
        off += (size_t)n;
    }
    o->len = 0;
}

void bl_out_close(bl_out *o)
{
    bl_out_flush(o);
    if (o->fd > 1 && close(o->fd) != 0)
        die("close", o->path);
    free(o->buf);
}

/* JSON string with escapes (§8): the short forms where JSON has one, other
 * control bytes as \u00xx; bytes >= 0x80 (UTF-8) are copied raw. Written in
 * pieces so a string of any length fits the buffer. */
void bl_out_str_slow(bl_out *o, bl_str s)
{
    static const char hex[] = "0123456789abcdef";
    bl_out_raw(o, "\"", 1);
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        char *d = bl_out_room(o, 6);
        size_t n = 2;
        d[0] = '\\';
        switch (c) {
        case '"': d[1] = '"'; break;
        case '\\': d[1] = '\\'; break;
        case '\b': d[1] = 'b'; break;
        case '\f': d[1] = 'f'; break;
        case '\n': d[1] = 'n'; break;
        case '\r': d[1] = 'r'; break;
        case '\t': d[1] = 't'; break;
        default:
            if (c < 0x20) {
                memcpy(d + 1, "u00", 3);
                d[4] = hex[c >> 4];
                d[5] = hex[c & 15];
                n = 6;
            } else {
                d[0] = (char)c;
                n = 1;
            }
        }
        o->len += n;
    }
    bl_out_raw(o, "\"", 1);
}

/* A JSON array or object, written compactly: whitespace outside strings is
 * dropped, everything else is copied as it was in the input. */
static void out_compact(bl_out *o, bl_str s)
{
    bool in_str = false;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (in_str) {
            if (c == '\\' && i + 1 < s.n)
                bl_out_raw(o, &s.p[i++], 1);
            else if (c == '"')
                in_str = false;
        } else if (bl_is_ws(c)) {
            continue;
        } else if (c == '"') {
            in_str = true;
        }
        bl_out_raw(o, &s.p[i], 1);
    }
}

void bl_out_val(bl_out *o, const bl_val *v)
{
    switch (v->kind) {
    case BL_ABSENT:
    case BL_NULL: BL_OUT_LIT(o, "null"); break;
    case BL_BOOL:
        if (v->b)
            BL_OUT_LIT(o, "true");
        else
            BL_OUT_LIT(o, "false");
        break;
    case BL_INT: {
        char tmp[24];
        int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v->i);
        bl_out_raw(o, tmp, (size_t)n);
        break;
    }
    case BL_FLOAT: bl_out_double(o, v->f); break;
    case BL_STR: bl_out_str(o, v->s); break;
    case BL_ARRAY:
    case BL_OBJECT: out_compact(o, v->s); break;
    }
}

/* ---- The §8 float form ----
 * Integral and |x| < 1e16: the digits plus ".0". Otherwise the shortest
 * "%.{p}g", p = 1..17, that reads back as x, plus ".0" if it has no '.' or 'e'.
 *
 * Calling snprintf and strtod up to 17 times per number would cost more than
 * the rest of a row, so the common case is decided with integer arithmetic:
 * a double has at most one decimal of <= 15 significant digits that reads
 * back as it (DBL_DIG = 15: such decimals survive decimal -> double ->
 * decimal, so two of them cannot share a double). Scale x to a 15-digit
 * integer m, round, and check m * 10^k == x exactly — exact because m and
 * 10^|k| <= 10^22 are doubles, so the one multiply or divide is correctly
 * rounded. If it holds, m without its trailing zeros is the shortest digit
 * string, which is what %.{p}g prints; if not (16-17 digits needed, or x
 * outside the table's range), the definition itself is run. */

static size_t fmt_by_definition(char *out, double x)
{
    int n = 0;
    /* For normal doubles not at a power of two, 15 significant digits
     * identify one double and %g drops trailing zeros: if p = 15 reads back
     * its text is already the shortest, else the answer is 16 or 17.
     * Subnormals and powers of two search from p = 1. */
    int exp2;
    double mant = frexp(x, &exp2);
    int first = (fabs(x) < DBL_MIN || fabs(mant) == 0.5) ? 1 : 15;
    for (int p = first; p <= 17; p++) {
        n = snprintf(out, 32, "%.*g", p, x);
        if (strtod(out, NULL) == x)
            break;
    }
    if (!memchr(out, '.', (size_t)n) && !memchr(out, 'e', (size_t)n)) {
        memcpy(out + n, ".0", 2);
        n += 2;
    }
    return (size_t)n;
}

static size_t put_u64(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

size_t bl_fmt_double(char *out, double x)
{
    if (!isfinite(x)) {
        memcpy(out, "null", 4);
        return 4;
    }
    double a = fabs(x);
    char *o = out;
    if (signbit(x))
        *o++ = '-';
    if (a < 1e16 && a == (double)(int64_t)a) {
        o += put_u64(o, (uint64_t)a);
        memcpy(o, ".0", 2);
        return (size_t)(o + 2 - out);
    }

    /* s: the power of ten that puts the leading digit at 10^14, first
     * estimated from the binary exponent (log10(2) ~ 0.30103), then fixed up. */
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    double l10 = ((int)(bits >> 52) - 1023) * 0.30102999566398120;
    int tries = 0, s = 14 - (int)floor(l10);
    double y;
    for (;;) {
        if (s < -22 || s > 22 || ++tries > 3)
            return fmt_by_definition(out, x);
        y = s >= 0 ? a * bl_pow10[s] : a / bl_pow10[-s];
        if (y >= 1e15)
            s--;
        else if (y < 1e14)
            s++;
        else
            break;
    }
    uint64_t m = (uint64_t)(y + 0.5); /* y < 2^50: adding 0.5 is exact */
    if (m == 1000000000000000ULL) {   /* rounded up to the next power of ten */
        m /= 10;
        if (--s < -22)
            return fmt_by_definition(out, x);
    }
    double back = s >= 0 ? (double)m / bl_pow10[s] : (double)m * bl_pow10[-s];
    if (back != a)
        return fmt_by_definition(out, x);

    int ndig = 15, e10 = 14 - s; /* value = d.ddd * 10^e10 */
    while (m % 10 == 0) {
        m /= 10;
        ndig--;
    }
    char dig[16];
    put_u64(dig, m);

    /* %g: fixed notation when -4 <= exponent < precision, else d.ddde+XX. */
    if (e10 >= -4 && e10 < ndig) {
        if (e10 < 0) {
            *o++ = '0';
            *o++ = '.';
            for (int i = -1; i > e10; i--)
                *o++ = '0';
            memcpy(o, dig, (size_t)ndig);
            o += ndig;
        } else {
            memcpy(o, dig, (size_t)e10 + 1);
            o += e10 + 1;
            if (ndig > e10 + 1) {
                *o++ = '.';
                memcpy(o, dig + e10 + 1, (size_t)(ndig - e10 - 1));
                o += ndig - e10 - 1;
            } else { /* integral: only reachable for |x| >= 1e16, kept for the rule */
                memcpy(o, ".0", 2);
                o += 2;
            }
        }
    } else {
        *o++ = dig[0];
        if (ndig > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)ndig - 1);
            o += ndig - 1;
        }
        *o++ = 'e';
        *o++ = e10 < 0 ? '-' : '+';
        int ae = e10 < 0 ? -e10 : e10;
        if (ae < 10)
            *o++ = '0';
        o += put_u64(o, (uint64_t)ae);
    }
    return (size_t)(o - out);
}

/* ---- Memory ---- */

void *bl_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p)
        die("calloc", NULL);
    return p;
}

void *bl_xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p)
        die("realloc", NULL);
    return p;
}

size_t bl_compact_json(char *d, bl_str s)
{
    size_t n = 0;
    bool in_str = false;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (in_str) {
            if (c == '\\' && i + 1 < s.n)
                d[n++] = s.p[i++];
            else if (c == '"')
                in_str = false;
        } else if (bl_is_ws(c)) {
            continue;
        } else if (c == '"') {
            in_str = true;
        }
        d[n++] = s.p[i];
    }
    return n;
}

/* ---- Keys ---- */

void bl_keys_init(bl_keys *t, size_t cap, size_t size)
{
    t->stride = (sizeof(bl_key) + size + 15) & ~(size_t)15;
    t->slot = bl_xcalloc(cap, t->stride);
    t->mask = cap - 1;
    t->used = 0;
}

void bl_keys_free(bl_keys *t)
{
    for (size_t i = 0; i <= t->mask; i++)
        free(bl_keys_at(t, i)->key);
    free(t->slot);
}

void bl_keys_grow(bl_keys *t)
{
    size_t cap = (t->mask + 1) * 2;
    char *s = bl_xcalloc(cap, t->stride);
    for (size_t i = 0; i <= t->mask; i++) {
        bl_key *e = bl_keys_at(t, i);
        if (!e->key)
            continue;
        size_t k = e->hash & (cap - 1);
        while (((bl_key *)(s + k * t->stride))->key)
            k = (k + 1) & (cap - 1);
        memcpy(s + k * t->stride, e, t->stride);
    }
    free(t->slot);
    t->slot = s;
    t->mask = cap - 1;
}

bl_key *bl_key_of_value(bl_keys *t, const bl_val *v)
{
    char num[8] = {0};
    int64_t i;
    switch (v->kind) {
    case BL_ABSENT:
    case BL_NULL: return bl_key_get(t, 'n', num, 0);
    case BL_BOOL: num[0] = v->b; return bl_key_get(t, 'b', num, 1);
    case BL_FLOAT:
        if (!(v->f >= -9223372036854775808.0 && v->f < 9223372036854775808.0 && v->f == trunc(v->f))) {
            memcpy(num, &v->f, 8);
            return bl_key_get(t, 'f', num, 8);
        }
        i = (int64_t)v->f;
        memcpy(num, &i, 8);
        return bl_key_get(t, 'i', num, 8);
    case BL_INT: memcpy(num, &v->i, 8); return bl_key_get(t, 'i', num, 8);
    case BL_STR: return bl_key_get(t, 's', v->s.p, v->s.n);
    case BL_ARRAY:
    case BL_OBJECT: break;
    }
    char *text = bl_xcalloc(1, v->s.n);
    bl_key *e = bl_key_get(t, 'j', text, bl_compact_json(text, v->s));
    free(text);
    return e;
}
