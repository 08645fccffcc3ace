/* keyidx.c — keys as bytes and an open-addressing index over them, shared
 * by the partition table (tab.c) and distinct sets (set.c).
 *
 * Encoding: one tag byte, then the payload. Numbers follow `==`: a float
 * with an integral value in int64 range is encoded as that int, so 1 and
 * 1.0 are one key. Strings and JSON texts carry their length, so the
 * encoding of several values in a row is unambiguous.
 *
 * Every event looks a key up, and typical keys are one short string (13 to
 * 21 encoded bytes), so the hot path reads, copies and compares bytes with
 * whole-word loads instead of calls to memcpy/memcmp of a variable size. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Unaligned loads and stores of fixed size: one instruction each once
 * compiled (memcpy of a constant size is the portable way to say so). */
static inline uint64_t load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}
static inline uint32_t load32(const char *p)
{
    uint32_t w;
    memcpy(&w, p, sizeof w);
    return w;
}
static inline void store64(char *p, uint64_t w) { memcpy(p, &w, sizeof w); }
static inline void store32(char *p, uint32_t w) { memcpy(p, &w, sizeof w); }

/* dst[0..n) = src[0..n) for n <= 16: two possibly overlapping words
 * (both read before either is written), or single bytes below 4. */
static inline void copy_short(char *dst, const char *src, int64_t n)
{
    if (n >= 8) {
        uint64_t a = load64(src), b = load64(src + n - 8);
        store64(dst, a);
        store64(dst + n - 8, b);
    } else if (n >= 4) {
        uint32_t a = load32(src), b = load32(src + n - 4);
        store32(dst, a);
        store32(dst + n - 4, b);
    } else {
        for (int64_t i = 0; i < n; i++) dst[i] = src[i];
    }
}

/* Keys up to this many bytes (one string of up to 15 bytes, or two
 * numbers) are compared inline: three words cover them. */
#define SHORT_KEY 24

/* a[0..n) == b[0..n) for n <= SHORT_KEY, without branching per word: the
 * words at 0, (n - 8) / 2 and n - 8 cover 8 to 24 bytes. */
static inline bool same_short(const char *a, const char *b, int64_t n)
{
    if (n >= 8) {
        int64_t mid = (n - 8) >> 1;
        return ((load64(a) ^ load64(b)) | (load64(a + mid) ^ load64(b + mid)) |
                (load64(a + n - 8) ^ load64(b + n - 8))) == 0;
    }
    if (n >= 4) return ((load32(a) ^ load32(b)) | (load32(a + n - 4) ^ load32(b + n - 4))) == 0;
    for (int64_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

/* Room for `need` more bytes; the buffer doubles, so appends stay
 * amortized O(1) and a warm key buffer never reallocates. */
static RT_COLD void grow(vp_key *k, int64_t need)
{
    if (need > INT64_MAX / 2 - k->n) rt_oom();
    int64_t cap = k->cap ? k->cap * 2 : 64;
    while (cap < k->n + need) cap *= 2;
    char *q = realloc(k->p, (size_t)cap);
    if (!q) rt_oom();
    k->p = q;
    k->cap = cap;
}

static inline void put_tag_i64(char *q, char tag, int64_t v)
{
    q[0] = tag;
    memcpy(q + 1, &v, sizeof v);
}

/* The tag and the payload word of a value without bytes (9 bytes), or
 * its one byte (null) or two (bool); returns how many. */
static inline int64_t put_scalar(char *q, vp_val v)
{
    switch (v.tag) {
    case VP_BOOL:
        q[0] = 'b';
        q[1] = v.u.b ? 1 : 0;
        return 2;
    case VP_INT: put_tag_i64(q, 'i', v.u.i); return 9;
    case VP_FLOAT: {
        double f = v.u.f;
        /* In range the cast is exact and truncates, so it round-trips iff f
         * is integral (NaN fails the range test; -0.0 becomes 0 like 0.0). */
        if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 && (double)(int64_t)f == f) {
            put_tag_i64(q, 'i', (int64_t)f);
        } else {
            int64_t bits;
            memcpy(&bits, &f, sizeof bits);
            put_tag_i64(q, 'f', bits);
        }
        return 9;
    }
    case VP_TS: put_tag_i64(q, 't', v.u.i); return 9;
    case VP_DUR: put_tag_i64(q, 'd', v.u.i); return 9;
    default: q[0] = 'n'; return 1; /* null */
    }
}

/* A value takes at most 9 bytes (tag + length or payload) plus the bytes
 * of a string. The general case: grows the buffer if needed. */
static RT_NOINLINE void add_slow(vp_key *k, vp_val v)
{
    bool has_bytes = v.tag == VP_STR || v.tag == VP_JSON;
    int64_t n = has_bytes ? v.u.s.n : 0;
    if (n > k->cap - k->n - 9) grow(k, 9 + n);
    char *q = k->p + k->n;
    if (!has_bytes) {
        k->n += put_scalar(q, v);
        return;
    }
    put_tag_i64(q, v.tag == VP_STR ? 's' : 'j', n);
    if (n) memcpy(q + 9, v.u.s.p, (size_t)n);
    k->n += 9 + n;
}

/* The common case, a warm buffer with room and a short string or no
 * string, makes no call (the rest is a tail call). */
void vp_key_add(vp_key *k, vp_val v)
{
    int64_t room = k->cap - k->n;
    if (v.tag == VP_STR || v.tag == VP_JSON) {
        int64_t n = v.u.s.n;
        if (n > 16 || room < 9 + 16) { /* one test of room for any short string */
            add_slow(k, v);
            return;
        }
        char *q = k->p + k->n;
        put_tag_i64(q, v.tag == VP_STR ? 's' : 'j', n);
        copy_short(q + 9, v.u.s.p, n);
        k->n += 9 + n;
    } else if (room >= 9) {
        k->n += put_scalar(k->p + k->n, v);
    } else {
        add_slow(k, v);
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

#define MIX1 0xff51afd7ed558ccdull
#define MIX2 0xc4ceb9fe1a85ec53ull

/* Word at a time; the last word of a key of 8 bytes or more is its last 8
 * bytes (overlapping the one before), shorter keys are read as two 4-byte
 * halves or three single bytes that together cover every byte. Which bytes
 * were read twice depends on n alone, and n is mixed in first, so keys of
 * one length hash from all their bytes. murmur3's fmix64 finish spreads
 * every input bit over the low bits that pick the bucket (a cheaper
 * finish left "S001".."S100" crowded in a few buckets). Hashes live only
 * in memory (nothing stores them), so the function may change freely. */
static inline uint64_t hash_bytes(const char *p, int64_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
    uint64_t last;
    if (n > 8) {
        const char *end = p + n - 8;
        do {
            h = (h ^ load64(p)) * MIX1;
            h ^= h >> 32;
            p += 8;
        } while (p < end);
        last = load64(end);
    } else if (n == 8) {
        last = load64(p);
    } else if (n >= 4) {
        last = (uint64_t)load32(p) << 32 | load32(p + n - 4);
    } else if (n > 0) {
        last = (uint64_t)(unsigned char)p[0] << 16 | (uint64_t)(unsigned char)p[n >> 1] << 8 |
               (unsigned char)p[n - 1];
    } else {
        last = 0;
    }
    h ^= last;
    h ^= h >> 33;
    h *= MIX1;
    h ^= h >> 33;
    h *= MIX2;
    return h ^ (h >> 33);
}

uint64_t rt_hash(const char *p, int64_t n) { return hash_bytes(p, n); }

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

/* Adds the key whose probe ended on the free entry i. Kept out of line
 * so that a lookup of a known key saves no registers and makes no call. */
static RT_COLD int32_t insert(rt_kidx *x, const char *p, int64_t n, uint64_t h, int64_t i, bool *is_new)
{
    if (x->n >= INT32_MAX) return -1;
    if ((x->n + 1) * 10 > x->cap * 7) {
        rehash(x, x->cap ? x->cap * 2 : 16);
        i = (int64_t)(h & (uint64_t)(x->cap - 1));
        while (x->e[i].p) i = (i + 1) & (x->cap - 1);
    }
    char *copy = rt_arena_alloc(&x->bytes, (size_t)n);
    if (n) memcpy(copy, p, (size_t)n);
    x->e[i] = (rt_kent){h, copy, n, (int32_t)x->n};
    *is_new = true;
    return (int32_t)x->n++;
}

/* The probe, for short keys (a constant after inlining) or any key; it
 * ends on the key's entry or on the free entry where it belongs. */
static inline int32_t lookup(rt_kidx *x, const char *p, int64_t n, bool add, bool *is_new, bool short_key)
{
    uint64_t h = hash_bytes(p, n);
    int64_t i = 0;
    if (x->cap) {
        int64_t mask = x->cap - 1;
        for (i = (int64_t)(h & (uint64_t)mask); x->e[i].p; i = (i + 1) & mask) {
            const rt_kent *e = &x->e[i];
            if (e->h == h && e->n == n &&
                (short_key ? same_short(e->p, p, n) : memcmp(e->p, p, (size_t)n) == 0))
                return e->ord;
        }
    }
    return add ? insert(x, p, n, h, i, is_new) : -1;
}

/* Separate, so that the memcmp call costs short keys nothing. */
static RT_NOINLINE int32_t lookup_long(rt_kidx *x, const char *p, int64_t n, bool add, bool *is_new)
{
    return lookup(x, p, n, add, is_new, false);
}

int32_t rt_kidx_get(rt_kidx *x, const char *p, int64_t n, bool add, bool *is_new)
{
    *is_new = false;
    if (n > SHORT_KEY) return lookup_long(x, p, n, add, is_new);
    return lookup(x, p, n, add, is_new, true);
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
