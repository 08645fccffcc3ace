/* ring.c — bounded queues of fixed-size elements (rows a join holds per
 * key), oldest first. A full ring reuses its oldest slot, so steady state
 * allocates nothing. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

void *vp_ring_slot(const vp_ring *r, int64_t elem, int64_t s) { return r->p + s * elem; }

void *vp_ring_at(const vp_ring *r, int64_t elem, int64_t i)
{
    int64_t s = r->head + i;
    if (s >= r->cap) s -= r->cap;
    return r->p + s * elem;
}

/* Doubles the capacity (up to max), oldest element moved to slot 0. */
static void grow(vp_ring *r, int64_t elem, int64_t max)
{
    int64_t cap = r->cap ? r->cap * 2 : 4;
    if (cap > max) cap = max;
    char *p = calloc((size_t)cap, (size_t)elem);
    if (!p) rt_oom();
    for (int64_t i = 0; i < r->n; i++) memcpy(p + i * elem, vp_ring_at(r, elem, i), (size_t)elem);
    free(r->p);
    r->p = p;
    r->cap = cap;
    r->head = 0;
}

void *vp_ring_push(vp_ring *r, int64_t elem, int64_t max)
{
    if (r->n >= max) { /* full: the oldest slot becomes the newest */
        void *s = vp_ring_at(r, elem, 0);
        r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
        return s;
    }
    if (r->n == r->cap) grow(r, elem, max);
    r->n++;
    return vp_ring_at(r, elem, r->n - 1);
}

void vp_ring_pop(vp_ring *r)
{
    if (!r->n) return;
    r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
    r->n--;
}

void vp_ring_drop_newest(vp_ring *r)
{
    if (r->n) r->n--;
}

void vp_ring_free(vp_ring *r)
{
    free(r->p);
    memset(r, 0, sizeof *r);
}
