/* distinct.c — counted multisets of values for count(distinct x) over
 * sliding windows (vp.h, vp_bag): each value has an id, the number of rows
 * holding it (refs) and the number of those in the window being evaluated
 * (count); the distinct count is the number of values with count > 0. A
 * value no row holds is forgotten and its id reused.
 *
 * Values are keyed by their encoding (vp_key_add: 1 and 1.0 are one value)
 * in an open-addressing table of ids with backward-shift deletion. Short
 * encodings live in the node; longer ones in blocks recycled through free
 * lists by size class, so a steady state allocates nothing. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

enum { INLINE = 16, CLASSES = 40 };

typedef struct rt_bnode {
    uint64_t h;
    int64_t n;          /* bytes of the encoding */
    union {
        char in[INLINE]; /* n <= INLINE */
        char *out;       /* else: a block of size class cls */
    } k;
    int32_t refs, count;
    int32_t next_free;  /* free nodes: the next one, -1: none */
} rt_bnode;

typedef struct rt_bag {
    rt_bnode *node;
    int64_t nnode, capnode;
    int32_t free_node;   /* -1: none */
    int32_t *slot;       /* table of node ids, -1: empty */
    int64_t cap, live;   /* slots (a power of 2), values held */
    void *free_blk[CLASSES]; /* recycled blocks of 32 << class bytes */
    vp_arena blocks;
    vp_key key;          /* the value being looked up */
} rt_bag;

static const char *bytes_of(const rt_bnode *d) { return d->n <= INLINE ? d->k.in : d->k.out; }

static int size_class(int64_t n)
{
    int c = 0;
    while (((int64_t)32 << c) < n) c++;
    return c;
}

static char *block_get(rt_bag *b, int64_t n)
{
    int c = size_class(n);
    if (c >= CLASSES) rt_oom();
    void *p = b->free_blk[c];
    if (p) {
        memcpy(&b->free_blk[c], p, sizeof(void *));
        return p;
    }
    return rt_arena_alloc(&b->blocks, (size_t)32 << c);
}

static void block_put(rt_bag *b, char *p, int64_t n)
{
    int c = size_class(n);
    memcpy(p, &b->free_blk[c], sizeof(void *));
    b->free_blk[c] = p;
}

static void grow_table(rt_bag *b)
{
    int64_t cap = b->cap ? b->cap * 2 : 16;
    int32_t *s = malloc((size_t)cap * sizeof *s);
    if (!s) rt_oom();
    memset(s, 0xff, (size_t)cap * sizeof *s);
    for (int64_t i = 0; i < b->cap; i++) {
        if (b->slot[i] < 0) continue;
        int64_t j = (int64_t)(b->node[b->slot[i]].h & (uint64_t)(cap - 1));
        while (s[j] >= 0) j = (j + 1) & (cap - 1);
        s[j] = b->slot[i];
    }
    free(b->slot);
    b->slot = s;
    b->cap = cap;
}

static int32_t new_node(rt_bag *b)
{
    if (b->free_node >= 0) {
        int32_t id = b->free_node;
        b->free_node = b->node[id].next_free;
        return id;
    }
    if (b->nnode == b->capnode) {
        int64_t cap = b->capnode ? b->capnode * 2 : 16;
        if (cap > INT32_MAX) rt_oom();
        rt_bnode *n = realloc(b->node, (size_t)cap * sizeof *n);
        if (!n) rt_oom();
        b->node = n;
        b->capnode = cap;
    }
    return (int32_t)b->nnode++;
}

int32_t vp_bag_hold(vp_bag *bag, vp_val v, bool room, bool *fresh)
{
    *fresh = false;
    if (!bag->impl) {
        rt_bag *nb = calloc(1, sizeof *nb);
        if (!nb) rt_oom();
        nb->free_node = -1;
        bag->impl = nb;
    }
    rt_bag *b = bag->impl;
    b->key.n = 0;
    vp_key_add(&b->key, v);
    const char *p = b->key.p;
    int64_t n = b->key.n;
    uint64_t h = rt_hash(p, n);
    int64_t i = b->cap ? (int64_t)(h & (uint64_t)(b->cap - 1)) : 0;
    for (; b->cap && b->slot[i] >= 0; i = (i + 1) & (b->cap - 1)) {
        rt_bnode *d = &b->node[b->slot[i]];
        if (d->h == h && d->n == n && memcmp(bytes_of(d), p, (size_t)n) == 0) {
            d->refs++;
            return b->slot[i];
        }
    }
    if (!room) return -1;
    if ((b->live + 1) * 10 > b->cap * 7) {
        grow_table(b);
        i = (int64_t)(h & (uint64_t)(b->cap - 1));
        while (b->slot[i] >= 0) i = (i + 1) & (b->cap - 1);
    }
    int32_t id = new_node(b);
    rt_bnode *d = &b->node[id];
    d->h = h;
    d->n = n;
    d->refs = 1;
    d->count = 0;
    char *dst = n <= INLINE ? d->k.in : (d->k.out = block_get(b, n));
    memcpy(dst, p, (size_t)n);
    b->slot[i] = id;
    b->live++;
    *fresh = true;
    return id;
}

void vp_bag_count(vp_bag *bag, int32_t id, int32_t delta)
{
    rt_bnode *d = &((rt_bag *)bag->impl)->node[id];
    int32_t was = d->count;
    d->count += delta;
    bag->n += (d->count > 0) - (was > 0);
}

/* Removes node id's slot, moving later entries of its probe run back. */
static void unlink_slot(rt_bag *b, int32_t id)
{
    int64_t m = b->cap - 1;
    int64_t i = (int64_t)(b->node[id].h & (uint64_t)m);
    while (b->slot[i] != id) i = (i + 1) & m;
    for (int64_t j = (i + 1) & m; b->slot[j] >= 0; j = (j + 1) & m) {
        int64_t home = (int64_t)(b->node[b->slot[j]].h & (uint64_t)m);
        /* the entry at j may fill the hole at i unless its home lies in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays) continue;
        b->slot[i] = b->slot[j];
        i = j;
    }
    b->slot[i] = -1;
}

bool vp_bag_release(vp_bag *bag, int32_t id)
{
    rt_bag *b = bag->impl;
    rt_bnode *d = &b->node[id];
    if (--d->refs > 0) return false;
    unlink_slot(b, id);
    if (d->n > INLINE) block_put(b, d->k.out, d->n);
    d->next_free = b->free_node;
    b->free_node = id;
    b->live--;
    return true;
}

void vp_bag_free(vp_bag *bag)
{
    rt_bag *b = bag->impl;
    if (b) {
        free(b->node);
        free(b->slot);
        vp_arena_free(&b->blocks);
        vp_key_free(&b->key);
        free(b);
    }
    bag->impl = NULL;
    bag->n = 0;
}
