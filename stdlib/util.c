/* util.c — UTF-8 character stepping and index helpers for the builtins. */
#include "bi.h"

static bool cont(vp_str s, int64_t i) { return i < s.n && ((unsigned char)s.p[i] & 0xC0) == 0x80; }

int64_t bi_utf8_next(vp_str s, int64_t i)
{
    unsigned char b = (unsigned char)s.p[i];
    if (b < 0x80) return i + 1;
    int64_t k = (b >= 0xC2 && b <= 0xDF) ? 2 : (b >= 0xE0 && b <= 0xEF) ? 3 : (b >= 0xF0 && b <= 0xF4) ? 4 : 1;
    for (int64_t j = 1; j < k; j++)
        if (!cont(s, i + j)) return i + 1;
    return i + k;
}

int64_t bi_utf8_len(vp_str s)
{
    int64_t n = 0;
    for (int64_t i = 0; i < s.n; n++) {
        /* ASCII runs are the common case */
        if ((unsigned char)s.p[i] < 0x80)
            i++;
        else
            i = bi_utf8_next(s, i);
    }
    return n;
}

int64_t bi_utf8_offset(vp_str s, int64_t k)
{
    int64_t i = 0;
    for (; k > 0 && i < s.n; k--) i = bi_utf8_next(s, i);
    return i;
}

int64_t bi_index(int64_t i, int64_t len)
{
    if (i < 0) i = (i < -len) ? 0 : len + i;
    return i > len ? len : i;
}

int64_t bi_json_count(vp_ctx *ctx, vp_val v)
{
    vp_json_it it = {v.u.s, 0};
    int64_t n = 0;
    while (vp_json_next(ctx, &it, NULL, NULL)) n++;
    return n;
}
