/* utf8.c — UTF-8 validation of input lines (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), so that every string the runtime
 * writes is valid UTF-8 and valid JSON. */
#include <string.h>

#include "rt.h"

/* Length of the valid sequence at p[i], 0 if invalid. */
static size_t sequence(const unsigned char *p, size_t n, size_t i)
{
    unsigned char b = p[i];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0) lo = 0xA0; /* overlong */
        if (b == 0xED) hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0) lo = 0x90; /* overlong */
        if (b == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if ((p[i + k] & 0xC0) != 0x80) return 0;
    return len;
}

bool rt_utf8_valid(const char *text, size_t n, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    while (i < n) {
        /* ASCII runs, eight bytes at a time */
        while (i + 8 <= n) {
            uint64_t word;
            memcpy(&word, p + i, 8);
            if (word & UINT64_C(0x8080808080808080)) break;
            i += 8;
        }
        while (i < n && p[i] < 0x80) i++;
        if (i == n) break;
        size_t len = sequence(p, n, i);
        if (!len) {
            *bad = i;
            return false;
        }
        i += len;
    }
    return true;
}
