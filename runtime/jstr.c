/* jstr.c — JSON string bodies: finding their end and decoding escapes
 * (\uXXXX and surrogate pairs become UTF-8). Shared by the input scanner
 * and the readers of canonical array/map text. */
#include <string.h>

#include "scan_inline.h"

int64_t rt_json_str_end(const char *p, size_t n, bool *esc, size_t *bad)
{
    return rt_json_str_end_i(p, n, esc, bad);
}

static int hex4(const char *p, size_t n, size_t i)
{
    if (i + 4 > n) return -1;
    int v = 0;
    for (size_t j = i; j < i + 4; j++) {
        char c = p[j];
        int d = (c >= '0' && c <= '9') ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
              : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

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

/* Decodes the \u escape at p[i] (i at the 'u'); *i moves past it. */
static bool unicode_escape(const char *p, size_t n, size_t *i, uint32_t *cp)
{
    int hi = hex4(p, n, *i + 1);
    if (hi < 0) return false;
    *i += 5;
    if (hi >= 0xDC00 && hi <= 0xDFFF) return false; /* lone low surrogate */
    if (hi < 0xD800 || hi > 0xDBFF) {
        *cp = (uint32_t)hi;
        return true;
    }
    if (*i + 1 >= n || p[*i] != '\\' || p[*i + 1] != 'u') return false;
    int lo = hex4(p, n, *i + 2);
    if (lo < 0xDC00 || lo > 0xDFFF) return false;
    *i += 6;
    *cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
    return true;
}

int64_t rt_json_unescape(const char *p, size_t n, char *out, size_t *bad)
{
    size_t o = 0;
    size_t i = 0;
    while (i < n) {
        char c = p[i];
        if (c != '\\') {
            out[o++] = c;
            i++;
            continue;
        }
        size_t at = i;
        if (++i >= n) {
            *bad = at;
            return -1;
        }
        char e = p[i];
        switch (e) {
        case '"': case '\\': case '/': out[o++] = e; i++; break;
        case 'b': out[o++] = '\b'; i++; break;
        case 'f': out[o++] = '\f'; i++; break;
        case 'n': out[o++] = '\n'; i++; break;
        case 'r': out[o++] = '\r'; i++; break;
        case 't': out[o++] = '\t'; i++; break;
        case 'u': {
            uint32_t cp;
            if (!unicode_escape(p, n, &i, &cp)) {
                *bad = at;
                return -1;
            }
            /* at most 4 bytes from at least 6 of input: never outgrows n */
            o += put_utf8(out + o, cp);
            break;
        }
        default:
            *bad = at;
            return -1;
        }
    }
    return (int64_t)o;
}
