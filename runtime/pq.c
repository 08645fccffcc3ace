/* pq.c — open sessions by expiry: an indexed binary min-heap of partition
 * numbers ordered by (time, partition number); a partition's time can move
 * in place. Equal times come out in order of first appearance. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

typedef struct pq_ent {
    int64_t time;
    int32_t ord;
} pq_ent;

struct vp_pq {
    pq_ent *heap;
    int64_t n, cap;
    int32_t *pos; /* heap index of each partition, -1 when absent */
    int64_t npos;
};

static bool before(pq_ent a, pq_ent b) { return a.time < b.time || (a.time == b.time && a.ord < b.ord); }

static void place(vp_pq *q, int64_t i, pq_ent e)
{
    q->heap[i] = e;
    q->pos[e.ord] = (int32_t)i;
}

static void sift_up(vp_pq *q, int64_t i)
{
    pq_ent e = q->heap[i];
    while (i > 0 && before(e, q->heap[(i - 1) / 2])) {
        place(q, i, q->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    place(q, i, e);
}

static void sift_down(vp_pq *q, int64_t i)
{
    pq_ent e = q->heap[i];
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= q->n) break;
        if (c + 1 < q->n && before(q->heap[c + 1], q->heap[c])) c++;
        if (!before(q->heap[c], e)) break;
        place(q, i, q->heap[c]);
        i = c;
    }
    place(q, i, e);
}

vp_pq *vp_pq_new(void)
{
    vp_pq *q = calloc(1, sizeof *q);
    if (!q) rt_oom();
    return q;
}

void vp_pq_set(vp_pq *q, int32_t ord, int64_t time)
{
    if (ord < 0) return;
    if (ord >= q->npos) {
        int64_t n = q->npos ? q->npos : 16;
        while (n <= ord) n *= 2;
        int32_t *pos = realloc(q->pos, (size_t)n * sizeof *pos);
        if (!pos) rt_oom();
        memset(pos + q->npos, 0xff, (size_t)(n - q->npos) * sizeof *pos); /* -1 */
        q->pos = pos;
        q->npos = n;
    }
    int64_t i = q->pos[ord];
    if (i < 0) {
        if (q->n == q->cap) {
            int64_t cap = q->cap ? q->cap * 2 : 16;
            pq_ent *h = realloc(q->heap, (size_t)cap * sizeof *h);
            if (!h) rt_oom();
            q->heap = h;
            q->cap = cap;
        }
        i = q->n++;
        place(q, i, (pq_ent){time, ord});
        sift_up(q, i);
        return;
    }
    int64_t old = q->heap[i].time;
    q->heap[i].time = time;
    if (time < old) sift_up(q, i);
    else sift_down(q, i);
}

bool vp_pq_top(const vp_pq *q, int32_t *ord, int64_t *time)
{
    if (!q->n) return false;
    *ord = q->heap[0].ord;
    *time = q->heap[0].time;
    return true;
}

void vp_pq_pop(vp_pq *q)
{
    if (!q->n) return;
    q->pos[q->heap[0].ord] = -1;
    if (--q->n) {
        place(q, 0, q->heap[q->n]);
        sift_down(q, 0);
    }
}

void vp_pq_free(vp_pq *q)
{
    if (!q) return;
    free(q->heap);
    free(q->pos);
    free(q);
}
