/* keyidx.c — keys as bytes and an open-addressing index over them, shared
 * by the partition table (tab.c) and distinct sets (set.c).
 *
 * Encoding: one tag byte, then the payload. Numbers follow `==`: a float
 * with an integral value in int64 range is encoded as that int, so 1 and
 * 1.0 are one key. Strings and JSON texts carry their length, so the
 * encoding of several values in a row is unambiguous. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static void put(vp_key *k, const void *p, int64_t n)
{
    if (k->n + n > k->cap) {
        int64_t cap = k->cap ? k->cap * 2 : 64;
        while (cap < k->n + n) cap *= 2;
        char *q = realloc(k->p, (size_t)cap);
        if (!q) rt_oom();
        k->p = q;
        k->cap = cap;
    }
    if (n) memcpy(k->p + k->n, p, (size_t)n);
    k->n += n;
}

static void put_tag_i64(vp_key *k, char tag, int64_t v)
{
    put(k, &tag, 1);
    put(k, &v, sizeof v);
}

void vp_key_add(vp_key *k, vp_val v)
{
    switch (v.tag) {
    case VP_BOOL: {
        char b[2] = {'b', v.u.b ? 1 : 0};
        put(k, b, 2);
        return;
    }
    case VP_INT: put_tag_i64(k, 'i', v.u.i); return;
    case VP_FLOAT: {
        double f = v.u.f;
        if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 && f == trunc(f)) {
            put_tag_i64(k, 'i', (int64_t)f);
        } else {
            int64_t bits;
            memcpy(&bits, &f, sizeof bits);
            put_tag_i64(k, 'f', bits);
        }
        return;
    }
    case VP_STR:
    case VP_JSON:
        put_tag_i64(k, v.tag == VP_STR ? 's' : 'j', v.u.s.n);
        put(k, v.u.s.p, v.u.s.n);
        return;
    case VP_TS: put_tag_i64(k, 't', v.u.i); return;
    case VP_DUR: put_tag_i64(k, 'd', v.u.i); return;
    default: put(k, "n", 1); return; /* null */
    }
}

/* The first value of encoded key bytes p[0..n): the inverse of
 * vp_key_add, except that an integral float comes back as an int. */
vp_val rt_key_first(const char *p, int64_t n)
{
    vp_val v;
    memset(&v, 0, sizeof v);
    v.tag = VP_NULL;
    if (n < 1) return v;
    int64_t i = 0;
    if (p[0] == 'b' && n >= 2) {
        v.tag = VP_BOOL;
        v.u.b = p[1] != 0;
        return v;
    }
    if (n < 9) return v;
    memcpy(&i, p + 1, sizeof i);
    switch (p[0]) {
    case 'i': v.tag = VP_INT; v.u.i = i; break;
    case 't': v.tag = VP_TS; v.u.i = i; break;
    case 'd': v.tag = VP_DUR; v.u.i = i; break;
    case 'f': v.tag = VP_FLOAT; memcpy(&v.u.f, &i, sizeof i); break;
    case 's':
    case 'j':
        if (i < 0 || i > n - 9) break;
        v.tag = p[0] == 's' ? VP_STR : VP_JSON;
        v.u.s.p = p + 9;
        v.u.s.n = i;
        break;
    default: break;
    }
    return v;
}

void vp_key_free(vp_key *k)
{
    free(k->p);
    k->p = NULL;
    k->n = k->cap = 0;
}

uint64_t rt_hash(const char *p, int64_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, p, (size_t)n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

static void rehash(rt_kidx *x, int64_t cap)
{
    rt_kent *e = calloc((size_t)cap, sizeof *e);
    if (!e) rt_oom();
    for (int64_t i = 0; i < x->cap; i++) {
        if (!x->e[i].p) continue;
        int64_t j = (int64_t)(x->e[i].h & (uint64_t)(cap - 1));
        while (e[j].p) j = (j + 1) & (cap - 1);
        e[j] = x->e[i];
    }
    free(x->e);
    x->e = e;
    x->cap = cap;
}

int32_t rt_kidx_get(rt_kidx *x, const char *p, int64_t n, bool add, bool *is_new)
{
    *is_new = false;
    uint64_t h = rt_hash(p, n);
    if (x->cap) {
        for (int64_t i = (int64_t)(h & (uint64_t)(x->cap - 1));; i = (i + 1) & (x->cap - 1)) {
            rt_kent *e = &x->e[i];
            if (!e->p) break;
            if (e->h == h && e->n == n && memcmp(e->p, p, (size_t)n) == 0) return e->ord;
        }
    }
    if (!add || x->n >= INT32_MAX) return -1;
    if ((x->n + 1) * 10 > x->cap * 7) rehash(x, x->cap ? x->cap * 2 : 16);
    int64_t i = (int64_t)(h & (uint64_t)(x->cap - 1));
    while (x->e[i].p) i = (i + 1) & (x->cap - 1);
    char *copy = rt_arena_alloc(&x->bytes, (size_t)n);
    memcpy(copy, p, (size_t)n);
    x->e[i] = (rt_kent){h, copy, n, (int32_t)x->n};
    *is_new = true;
    return (int32_t)x->n++;
}

/* Indexes larger than this are released when cleared. */
#define KIDX_KEEP 4096

void rt_kidx_clear(rt_kidx *x)
{
    if (x->cap > KIDX_KEEP) {
        free(x->e);
        x->e = NULL;
        x->cap = 0;
    } else if (x->cap) {
        memset(x->e, 0, (size_t)x->cap * sizeof *x->e);
    }
    x->n = 0;
    vp_arena_clear(&x->bytes);
}

void rt_kidx_free(rt_kidx *x)
{
    free(x->e);
    x->e = NULL;
    x->cap = x->n = 0;
    vp_arena_free(&x->bytes);
}
