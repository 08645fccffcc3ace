/* jrows.c — the rows a join() holds for one of its inputs (LANGUAGE.md
 * §4.6). Records are numbered from 1 in one array and recycled through a
 * free list, so steady state allocates nothing; each keeps its arena, whose
 * block a recycled record reuses. A key's rows form a list from the newest.
 *
 * Time windows drop a row once the join's clock has moved more than the
 * window past it. Every row is queued for that by its time: rows arriving in
 * time order go to a FIFO (O(1)), the few out of order to a heap. A row
 * dropped earlier (a later row of its key replaced it) leaves a stale entry,
 * recognised by its sequence number; a queue that fills is compacted, and
 * grows only when it stays over half full of live entries, so its room stays
 * under four times the most rows held (at least 16). */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static inline vp_jrow *rec(const vp_jrows *j, int32_t i)
{
    return (vp_jrow *)(j->recs + (int64_t)(i - 1) * j->size);
}

vp_jrows *vp_jrows_new(int64_t size)
{
    vp_jrows *j = calloc(1, sizeof *j);
    if (!j) rt_oom();
    j->size = (size + 15) & ~(int64_t)15;
    return j;
}

void *vp_jrows_at(const vp_jrows *j, int32_t i) { return i > 0 ? rec(j, i) : NULL; }

static void drop(vp_jrows *j, int32_t i)
{
    vp_jrow *r = rec(j, i);
    r->seq = 0;
    r->older = j->free;
    j->free = i;
}

int64_t vp_jrows_prune(vp_jrows *j, int32_t *top, int64_t t)
{
    int64_t n = 0;
    while (*top && rec(j, *top)->time <= t) {
        int32_t i = *top;
        *top = rec(j, i)->older;
        drop(j, i);
        n++;
    }
    return n;
}

/* ---- the expiry queue ---- */

static bool live(const vp_jrows *j, rt_jq_ent e) { return rec(j, e.row)->seq == e.seq; }

static void *grow_array(void *p, int64_t *cap, size_t elem)
{
    int64_t n = *cap ? *cap * 2 : 16;
    void *q = realloc(p, (size_t)n * elem);
    if (!q) rt_oom();
    *cap = n;
    return q;
}

/* Keeps the live entries of the FIFO, in order; grows it when they still
 * fill more than half. */
static void fifo_make_room(vp_jrows *j)
{
    int64_t mask = j->fcap - 1, w = 0;
    for (int64_t r = 0; r < j->fn; r++) {
        rt_jq_ent e = j->fifo[(j->fhead + r) & mask];
        if (live(j, e)) j->fifo[(j->fhead + w++) & mask] = e;
    }
    j->fn = w;
    if (j->fcap && 2 * j->fn <= j->fcap) return;
    int64_t old = j->fcap;
    rt_jq_ent *f = malloc((size_t)(old ? old * 2 : 16) * sizeof *f);
    if (!f) rt_oom();
    for (int64_t r = 0; r < j->fn; r++) f[r] = j->fifo[(j->fhead + r) & mask];
    free(j->fifo);
    j->fifo = f;
    j->fcap = old ? old * 2 : 16;
    j->fhead = 0;
}

static void sift_down(rt_jq_ent *h, int64_t n, int64_t i)
{
    rt_jq_ent e = h[i];
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && h[c + 1].time < h[c].time) c++;
        if (h[c].time >= e.time) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = e;
}

/* Keeps the live entries of the heap; grows it when they still fill more
 * than half. */
static void heap_make_room(vp_jrows *j)
{
    int64_t w = 0;
    for (int64_t r = 0; r < j->hn; r++)
        if (live(j, j->heap[r])) j->heap[w++] = j->heap[r];
    j->hn = w;
    for (int64_t i = j->hn / 2 - 1; i >= 0; i--) sift_down(j->heap, j->hn, i);
    if (!j->hcap || 2 * j->hn > j->hcap) j->heap = grow_array(j->heap, &j->hcap, sizeof *j->heap);
}

static void enqueue(vp_jrows *j, rt_jq_ent e)
{
    if (!j->fn || e.time >= j->fifo[(j->fhead + j->fn - 1) & (j->fcap - 1)].time) {
        if (j->fn == j->fcap) fifo_make_room(j);
        j->fifo[(j->fhead + j->fn++) & (j->fcap - 1)] = e;
        return;
    }
    if (j->hn == j->hcap) heap_make_room(j);
    int64_t i = j->hn++;
    while (i > 0 && j->heap[(i - 1) / 2].time > e.time) {
        j->heap[i] = j->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    j->heap[i] = e;
}

void *vp_jrows_push(vp_jrows *j, int32_t *top, int64_t t, bool expires)
{
    int32_t i = j->free;
    if (i) {
        j->free = rec(j, i)->older;
    } else {
        if (j->n == j->cap) {
            if (j->cap == INT32_MAX) rt_oom();
            int64_t cap = j->cap ? (int64_t)j->cap * 2 : 16;
            if (cap > INT32_MAX) cap = INT32_MAX;
            char *p = realloc(j->recs, (size_t)(cap * j->size));
            if (!p) rt_oom();
            memset(p + j->cap * j->size, 0, (size_t)((cap - j->cap) * j->size));
            j->recs = p;
            j->cap = (int32_t)cap;
        }
        i = ++j->n;
    }
    vp_jrow *r = rec(j, i);
    vp_arena_clear(&r->bytes);
    if (!++j->seq) j->seq = 1; /* 0 marks a free record */
    r->seq = j->seq;
    r->time = t;
    r->older = *top;
    r->top = top;
    *top = i;
    if (expires) enqueue(j, (rt_jq_ent){t, i, r->seq});
    return r;
}

/* The entry's row, if it is still held and older than lim, and the rows
 * of its key that arrived after it (they are older still): returns how many. */
static int64_t expire_entry(vp_jrows *j, rt_jq_ent e, int64_t lim)
{
    vp_jrow *r = rec(j, e.row);
    if (r->seq != e.seq || r->time >= lim) return 0;
    int32_t *top = r->top;
    int64_t n = 0;
    for (;;) {
        int32_t i = *top;
        *top = rec(j, i)->older;
        drop(j, i);
        n++;
        if (i == e.row) return n;
    }
}

int64_t vp_jrows_expire(vp_jrows *j, int64_t lim)
{
    int64_t n = 0;
    while (j->fn && j->fifo[j->fhead].time < lim) {
        rt_jq_ent e = j->fifo[j->fhead];
        j->fhead = (j->fhead + 1) & (j->fcap - 1);
        j->fn--;
        n += expire_entry(j, e, lim);
    }
    while (j->hn && j->heap[0].time < lim) {
        rt_jq_ent e = j->heap[0];
        j->heap[0] = j->heap[--j->hn];
        if (j->hn) sift_down(j->heap, j->hn, 0);
        n += expire_entry(j, e, lim);
    }
    return n;
}

void vp_jrows_free(vp_jrows *j)
{
    if (!j) return;
    for (int32_t i = 1; i <= j->n; i++) vp_arena_free(&rec(j, i)->bytes);
    free(j->recs);
    free(j->fifo);
    free(j->heap);
    free(j);
}
