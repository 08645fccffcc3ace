/* tab.c — partition tables: a state slot per key, numbered in order of
 * first appearance. Slots live in chunks that never move (chunk c holds
 * CHUNK0 << c slots), so generated code may keep pointers to them. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define CHUNK0 64
#define NCHUNKS 32 /* CHUNK0 * (2^32 - 1) slots: more than INT32_MAX */

struct vp_tab {
    rt_kidx idx;
    int64_t slot; /* bytes per slot */
    int64_t max;  /* keys */
    char *chunks[NCHUNKS];
};

vp_tab *vp_tab_new(int64_t slot, int64_t max_keys)
{
    vp_tab *t = calloc(1, sizeof *t);
    if (!t) rt_oom();
    t->slot = (slot + 15) & ~(int64_t)15;
    t->max = max_keys < INT32_MAX ? max_keys : INT32_MAX;
    return t;
}

static RT_COLD char *new_chunk(vp_tab *t, int c)
{
    t->chunks[c] = calloc((size_t)CHUNK0 << c, (size_t)t->slot);
    if (!t->chunks[c]) rt_oom();
    return t->chunks[c];
}

/* Chunk c holds ordinals [CHUNK0 * (2^c - 1), CHUNK0 * (2^(c+1) - 1)). */
static inline char *slot_at(vp_tab *t, int64_t ord, bool create)
{
    uint64_t q = (uint64_t)ord / CHUNK0 + 1;
    int c = 63 - __builtin_clzll(q);
    int64_t i = ord - (int64_t)CHUNK0 * (((int64_t)1 << c) - 1);
    char *chunk = t->chunks[c];
    if (!chunk) {
        if (!create) return NULL;
        chunk = new_chunk(t, c);
    }
    return chunk + i * t->slot;
}

void *vp_tab_get(vp_tab *t, const vp_key *k, bool *is_new)
{
    int32_t ord = rt_kidx_get(&t->idx, k->p, k->n, t->idx.n < t->max, is_new);
    return ord < 0 ? NULL : slot_at(t, ord, true);
}

void *vp_tab_find(vp_tab *t, const vp_key *k)
{
    bool is_new;
    int32_t ord = rt_kidx_get(&t->idx, k->p, k->n, false, &is_new);
    return ord < 0 ? NULL : slot_at(t, ord, false);
}

void *vp_tab_slot(vp_tab *t, int32_t ord)
{
    return (ord >= 0 && ord < t->idx.n) ? slot_at(t, ord, false) : NULL;
}

int64_t vp_tab_count(const vp_tab *t) { return t->idx.n; }

void vp_tab_free(vp_tab *t)
{
    if (!t) return;
    for (int c = 0; c < NCHUNKS; c++) free(t->chunks[c]);
    rt_kidx_free(&t->idx);
    free(t);
}
