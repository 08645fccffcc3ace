/* keyruns.h — the pending runs of a pattern without partition_by whose
 * later steps compare one field with the first event's (`X as x -> Y where
 * k == x.k`), filed under that key.
 *
 * Without partition_by a pattern has one partition (LANGUAGE.md §5.2), so
 * every run belongs to the same cap of KR_MAX live runs and "oldest" means
 * oldest over all keys. The pool therefore has exactly KR_MAX run slots,
 * allocated once: a new run when all are live evicts the oldest (counted).
 * Runs are linked twice, in creation order over all keys (expiry and
 * eviction take the front) and in creation order within their key (the
 * completing event walks only its key's runs). The key table is open
 * addressing over a fixed power of two >= 2 * KR_MAX slots with
 * backward-shift deletion, so a key disappears with its last run and keys
 * that are never seen again (order ids) cost nothing.
 *
 * A key is encoded as bl_keys does (a tag and bytes; 1 and 1.0 are one key,
 * null is a key), so equality is `==` (§3). Its bytes live in the slots of
 * its runs; the table compares with those of the key's oldest run.
 */
#ifndef KEYRUNS_H
#define KEYRUNS_H

#include "bl.h"

#include <math.h>
#include <stdlib.h>

#define KR_MAX 10000   /* live runs per partition (§5.2) */
#define KR_SLOTS 32768 /* key table: a power of two >= 2 * KR_MAX */
#define KR_NONE UINT32_MAX

/* A key as a tag and bytes. Strings point into the input line; numbers into
 * num; arrays and objects into the pool's compact-text buffer. */
typedef struct kr_enc {
    char tag;
    const char *p;
    size_t n;
    uint64_t hash;
    char num[8];
} kr_enc;

typedef struct kr_run {
    int64_t t0;            /* time of the first event */
    uint64_t hash;         /* of its key */
    uint32_t prev, next;   /* creation order over all keys; next links the free list */
    uint32_t knext;        /* creation order within the key */
    char tag;              /* the key: tag, bytes[0, keyn) */
    size_t keyn;
    char *bytes;           /* owned and reused: the key, then held values */
    size_t cap, used;
} kr_run;

typedef struct kr_key {
    uint32_t head, tail; /* the key's runs, oldest first; head == KR_NONE: a free slot */
} kr_key;

typedef struct kr_pool {
    kr_run run[KR_MAX];
    kr_key key[KR_SLOTS];
    uint32_t oldest, newest, free, live;
    uint64_t evicted; /* runs dropped by the cap */
    char *text;       /* compact text of an array or object key */
    size_t text_cap;
} kr_pool;

static inline void kr_init(kr_pool *p)
{
    memset(p, 0, sizeof *p);
    for (uint32_t i = 0; i < KR_MAX; i++)
        p->run[i].next = i + 1 < KR_MAX ? i + 1 : KR_NONE;
    for (uint32_t i = 0; i < KR_SLOTS; i++)
        p->key[i].head = KR_NONE;
    p->oldest = p->newest = KR_NONE;
}

static inline void kr_free(kr_pool *p)
{
    for (uint32_t i = 0; i < KR_MAX; i++)
        free(p->run[i].bytes);
    free(p->text);
}

/* ---- Keys ---- */

/* The key of a value, by `==`: integral floats in int64 range as ints. */
static inline void kr_encode(kr_pool *p, const bl_val *v, kr_enc *k)
{
    int64_t i;
    memset(k->num, 0, sizeof k->num);
    k->p = k->num;
    switch (v->kind) {
    case BL_ABSENT:
    case BL_NULL:
        k->tag = 'n';
        k->n = 0;
        break;
    case BL_BOOL:
        k->tag = 'b';
        k->num[0] = v->b;
        k->n = 1;
        break;
    case BL_INT:
        k->tag = 'i';
        memcpy(k->num, &v->i, 8);
        k->n = 8;
        break;
    case BL_FLOAT:
        k->n = 8;
        if (v->f >= -9223372036854775808.0 && v->f < 9223372036854775808.0 && v->f == trunc(v->f)) {
            k->tag = 'i';
            i = (int64_t)v->f;
            memcpy(k->num, &i, 8);
        } else {
            k->tag = 'f';
            memcpy(k->num, &v->f, 8);
        }
        break;
    case BL_STR:
        k->tag = 's';
        k->p = v->s.p;
        k->n = v->s.n;
        break;
    case BL_ARRAY:
    case BL_OBJECT:
        if (v->s.n > p->text_cap) {
            p->text_cap = v->s.n * 2;
            p->text = bl_xrealloc(p->text, p->text_cap);
        }
        k->tag = 'j';
        k->p = p->text;
        k->n = bl_compact_json(p->text, v->s);
        break;
    }
    k->hash = bl_key_hash(k->tag, k->p, k->n);
}

static inline bool kr_run_has_key(const kr_run *r, const kr_enc *k)
{
    return r->hash == k->hash && r->tag == k->tag && r->keyn == k->n && memcmp(r->bytes, k->p, k->n) == 0;
}

/* The table slot of a key, or KR_NONE. */
static inline uint32_t kr_find(const kr_pool *p, const kr_enc *k)
{
    for (uint32_t i = (uint32_t)k->hash & (KR_SLOTS - 1);; i = (i + 1) & (KR_SLOTS - 1)) {
        uint32_t h = p->key[i].head;
        if (h == KR_NONE)
            return KR_NONE;
        if (kr_run_has_key(&p->run[h], k))
            return i;
    }
}

/* Empties slot i, moving later entries of its probe chain back so that
 * lookups never meet a hole (no tombstones to clean up). */
static inline void kr_key_delete(kr_pool *p, uint32_t i)
{
    const uint32_t m = KR_SLOTS - 1;
    for (uint32_t j = (i + 1) & m;; j = (j + 1) & m) {
        if (p->key[j].head == KR_NONE)
            break;
        uint32_t home = (uint32_t)p->run[p->key[j].head].hash & m;
        /* j's entry may fill the hole at i unless its home lies in (i, j] */
        if (((j - home) & m) >= ((j - i) & m)) {
            p->key[i] = p->key[j];
            i = j;
        }
    }
    p->key[i].head = KR_NONE;
}

/* ---- Runs ---- */

/* Unlinks run r from the creation order and frees its slot. */
static inline void kr_release(kr_pool *p, uint32_t r)
{
    kr_run *x = &p->run[r];
    if (x->prev != KR_NONE)
        p->run[x->prev].next = x->next;
    else
        p->oldest = x->next;
    if (x->next != KR_NONE)
        p->run[x->next].prev = x->prev;
    else
        p->newest = x->prev;
    x->next = p->free;
    p->free = r;
    p->live--;
}

/* Drops the oldest run, which is also the oldest of its key. */
static inline void kr_drop_oldest(kr_pool *p)
{
    uint32_t r = p->oldest;
    uint32_t i = (uint32_t)p->run[r].hash & (KR_SLOTS - 1);
    while (p->key[i].head != r)
        i = (i + 1) & (KR_SLOTS - 1);
    p->key[i].head = p->run[r].knext;
    if (p->key[i].head == KR_NONE)
        kr_key_delete(p, i);
    kr_release(p, r);
}

/* clock - t0 > within, for clock >= t0 (the clock has seen t0), without
 * overflow. */
static inline bool kr_expired(int64_t clock, int64_t t0, int64_t within)
{
    return clock > t0 && (uint64_t)clock - (uint64_t)t0 > (uint64_t)within;
}

/* Discards the runs the clock has expired, oldest first. With input in time
 * order that is every expired run; out-of-order input can leave some behind
 * a younger one, and the completing event checks each run again. */
static inline void kr_expire(kr_pool *p, int64_t clock, int64_t within)
{
    while (p->oldest != KR_NONE && kr_expired(clock, p->run[p->oldest].t0, within))
        kr_drop_oldest(p);
}

/* Starts a run at t0 under key k with room for extra held bytes; evicts the
 * oldest run when KR_MAX are live. Returns the run's slot. */
static inline uint32_t kr_start(kr_pool *p, const kr_enc *k, int64_t t0, size_t extra)
{
    if (p->live == KR_MAX) {
        kr_drop_oldest(p);
        p->evicted++;
    }
    uint32_t r = p->free;
    kr_run *x = &p->run[r];
    p->free = x->next;
    p->live++;

    x->t0 = t0;
    x->hash = k->hash;
    x->tag = k->tag;
    x->keyn = k->n;
    if (!x->bytes || k->n + extra > x->cap) {
        x->cap = (k->n + extra) * 2 < 64 ? 64 : (k->n + extra) * 2;
        x->bytes = bl_xrealloc(x->bytes, x->cap);
    }
    memcpy(x->bytes, k->p, k->n);
    x->used = k->n;

    x->prev = p->newest;
    x->next = KR_NONE;
    x->knext = KR_NONE;
    if (p->newest != KR_NONE)
        p->run[p->newest].next = r;
    else
        p->oldest = r;
    p->newest = r;

    uint32_t i = (uint32_t)k->hash & (KR_SLOTS - 1);
    for (;; i = (i + 1) & (KR_SLOTS - 1)) {
        uint32_t h = p->key[i].head;
        if (h == KR_NONE) {
            p->key[i].head = p->key[i].tail = r;
            return r;
        }
        if (kr_run_has_key(&p->run[h], k)) {
            p->run[p->key[i].tail].knext = r;
            p->key[i].tail = r;
            return r;
        }
    }
}

/* A copy of v whose bytes, if any, live in run r (room was reserved by
 * kr_start). */
static inline bl_val kr_hold(kr_pool *p, uint32_t r, const bl_val *v)
{
    bl_val c = *v;
    if (v->kind == BL_STR || v->kind == BL_ARRAY || v->kind == BL_OBJECT) {
        kr_run *x = &p->run[r];
        memcpy(x->bytes + x->used, v->s.p, v->s.n);
        c.s.p = x->bytes + x->used;
        x->used += v->s.n;
    }
    return c;
}

/* Bytes kr_hold needs for v. */
static inline size_t kr_bytes(const bl_val *v)
{
    return v->kind == BL_STR || v->kind == BL_ARRAY || v->kind == BL_OBJECT ? v->s.n : 0;
}

/* Drops every run of key slot i, then the key. */
static inline void kr_drop_key(kr_pool *p, uint32_t i)
{
    for (uint32_t r = p->key[i].head; r != KR_NONE;) {
        uint32_t next = p->run[r].knext;
        kr_release(p, r);
        r = next;
    }
    kr_key_delete(p, i);
}

#endif /* KEYRUNS_H */
