/* runq.c — the runs a sliding window keeps per partition: a growable ring
 * of fixed-size elements, oldest first (vp.h has the inline accessors). */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Doubles the capacity, oldest element moved to slot 0. Called when every
 * slot is live, so no slot's memory is left behind. */
static void grow(vp_runq *q, int64_t elem)
{
    int64_t cap = q->cap ? q->cap * 2 : 4;
    char *p = calloc((size_t)cap, (size_t)elem);
    if (!p) rt_oom();
    for (int64_t i = 0; i < q->n; i++) memcpy(p + i * elem, vp_runq_at(q, elem, i), (size_t)elem);
    free(q->p);
    q->p = p;
    q->cap = cap;
    q->head = 0;
}

void *vp_runq_push(vp_runq *q, int64_t elem)
{
    if (q->n == q->cap) grow(q, elem);
    q->n++;
    return vp_runq_at(q, elem, q->n - 1);
}

void vp_runq_free(vp_runq *q)
{
    free(q->p);
    memset(q, 0, sizeof *q);
}
