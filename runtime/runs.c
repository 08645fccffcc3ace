/* runs.c — the live runs of one pattern stream (LANGUAGE.md §5.2).
 *
 * A run is a fixed-size record the generated code defines (it starts with
 * vp_run); records live in chunks that never move and are recycled through
 * a free list, so steady state allocates nothing. Runs are kept:
 *   - per partition, oldest first (the order §5.2 visits them in); a
 *     partition is a key (explicit .partition_by, or the equality the
 *     compiler extracted from the predicates), found through a hash index
 *     that forgets keys without runs, so short-lived keys cost nothing;
 *   - all together by creation, for the expiry sweep;
 *   - in a heap by deadline while they wait for a trailing NOT (§5.4),
 *     popped in (deadline, creation) order; entries of runs killed or
 *     recycled meanwhile are skipped when they surface. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define CHUNK_RUNS 1024
#define PART_INLINE 24 /* key bytes kept in the partition record itself */

typedef struct rt_part {
    int32_t head, tail; /* oldest, newest run; -1 when empty */
    int64_t n;
    uint64_t hash;
    int64_t kn;         /* key bytes: in kin, or in kbig when longer */
    char kin[PART_INLINE];
    char *kbig;         /* kept across reuse of the record */
    int64_t kbigcap;
    int32_t free_next;  /* free list of partition records */
    bool used;          /* in the index (not on the free list) */
} rt_part;

typedef struct rt_wait {
    int64_t deadline, seq;
    int32_t id;
} rt_wait;

struct vp_runs {
    vp_ctx *ctx;
    int64_t size;             /* bytes per run */
    char **chunks;
    int32_t nchunks, capchunks;
    int32_t nslots;           /* records handed out so far */
    int32_t free_head;        /* recycled records */
    int32_t qhead, qtail;     /* every live run by creation */
    int64_t live, seq;
    int64_t max_per_part, max_parts;
    rt_part *parts;
    int32_t nparts, capparts, free_part, live_parts;
    int32_t *idx;             /* open addressing: partition numbers, -1 empty */
    int64_t idxcap;
    bool keyed;               /* partitions come from keys (else one partition) */
    rt_wait *heap;
    int64_t nheap, capheap;
    int32_t c_evicted, c_parts;
};

static void *grow(void *p, int64_t *cap, int64_t elem, int64_t need)
{
    if (need <= *cap) return p;
    int64_t c = *cap ? *cap * 2 : 16;
    while (c < need) c *= 2;
    void *q = realloc(p, (size_t)(c * elem));
    if (!q) rt_oom();
    *cap = c;
    return q;
}

vp_runs *vp_runs_new(vp_ctx *ctx, const char *stream, int64_t size, bool keyed, int64_t max_per_part,
                     int64_t max_parts)
{
    vp_runs *R = calloc(1, sizeof *R);
    if (!R) rt_oom();
    R->ctx = ctx;
    R->size = (size + 15) & ~(int64_t)15;
    R->free_head = R->qhead = R->qtail = -1;
    R->free_part = -1;
    R->max_per_part = max_per_part;
    R->max_parts = max_parts;
    R->keyed = keyed;
    char name[256];
    snprintf(name, sizeof name, "stream %s: runs evicted: partition run limit (%lld) reached", stream,
             (long long)max_per_part);
    R->c_evicted = vp_counter(ctx, name);
    snprintf(name, sizeof name, "stream %s: runs not started: partition limit (%lld) reached", stream,
             (long long)max_parts);
    R->c_parts = vp_counter(ctx, name);
    return R;
}

vp_run *vp_runs_slot(vp_runs *R, int32_t id)
{
    if (id < 0 || id >= R->nslots) return NULL;
    return (vp_run *)(R->chunks[id / CHUNK_RUNS] + (int64_t)(id % CHUNK_RUNS) * R->size);
}

int32_t vp_runs_nslots(const vp_runs *R) { return R->nslots; }
int64_t vp_runs_live(const vp_runs *R) { return R->live; }

/* ---- partitions ---- */

/* Not a stored pointer: the records move when the array grows. */
static char *part_key(rt_part *P) { return P->kn > PART_INLINE ? P->kbig : P->kin; }

static void idx_put(vp_runs *R, int32_t p)
{
    int64_t m = R->idxcap - 1;
    int64_t i = (int64_t)(R->parts[p].hash & (uint64_t)m);
    while (R->idx[i] >= 0) i = (i + 1) & m;
    R->idx[i] = p;
}

static void idx_grow(vp_runs *R)
{
    int64_t cap = R->idxcap ? R->idxcap * 2 : 64;
    free(R->idx);
    R->idx = malloc((size_t)cap * sizeof *R->idx);
    if (!R->idx) rt_oom();
    memset(R->idx, 0xff, (size_t)cap * sizeof *R->idx);
    R->idxcap = cap;
    for (int32_t p = 0; p < R->nparts; p++)
        if (R->parts[p].used) idx_put(R, p);
}

/* Removes slot i, shifting later entries of its probe chain back. */
static void idx_del(vp_runs *R, int64_t i)
{
    int64_t m = R->idxcap - 1;
    R->idx[i] = -1;
    for (int64_t j = (i + 1) & m; R->idx[j] >= 0; j = (j + 1) & m) {
        int32_t p = R->idx[j];
        int64_t home = (int64_t)(R->parts[p].hash & (uint64_t)m);
        /* p may move to i when i lies cyclically in [home, j) */
        bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            R->idx[i] = p;
            R->idx[j] = -1;
            i = j;
        }
    }
}

static int32_t new_part(vp_runs *R, const vp_key *k, uint64_t h)
{
    int32_t p;
    if (R->free_part >= 0) {
        p = R->free_part;
        R->free_part = R->parts[p].free_next;
    } else {
        int64_t cap = R->capparts;
        R->parts = grow(R->parts, &cap, (int64_t)sizeof *R->parts, R->nparts + 1);
        R->capparts = (int32_t)cap;
        p = R->nparts++;
        memset(&R->parts[p], 0, sizeof R->parts[p]);
    }
    rt_part *P = &R->parts[p];
    P->head = P->tail = -1;
    P->n = 0;
    P->used = true;
    P->hash = h;
    P->kn = k ? k->n : 0;
    if (P->kn > PART_INLINE) P->kbig = grow(P->kbig, &P->kbigcap, 1, P->kn);
    if (P->kn) memcpy(part_key(P), k->p, (size_t)P->kn);
    R->live_parts++;
    return p;
}

int32_t vp_runs_part(vp_runs *R, const vp_key *k, bool add)
{
    if (!R->keyed) {
        if (R->nparts == 0) {
            if (!add) return -1;
            new_part(R, NULL, 0);
        }
        return 0;
    }
    uint64_t h = rt_hash(k->p, k->n);
    if (R->idxcap) {
        int64_t m = R->idxcap - 1;
        for (int64_t i = (int64_t)(h & (uint64_t)m); R->idx[i] >= 0; i = (i + 1) & m) {
            rt_part *P = &R->parts[R->idx[i]];
            if (P->hash == h && P->kn == k->n && memcmp(part_key(P), k->p, (size_t)k->n) == 0) return R->idx[i];
        }
    }
    if (!add) return -1;
    if (R->live_parts >= R->max_parts) {
        vp_count(R->ctx, R->c_parts, 1);
        return -1;
    }
    if ((R->live_parts + 1) * 2 > R->idxcap) idx_grow(R);
    int32_t p = new_part(R, k, h);
    idx_put(R, p);
    return p;
}

/* A partition without runs leaves the index (keyed) and is recycled. */
static void drop_part(vp_runs *R, int32_t p)
{
    if (!R->keyed) return;
    rt_part *P = &R->parts[p];
    int64_t m = R->idxcap - 1;
    for (int64_t i = (int64_t)(P->hash & (uint64_t)m); R->idx[i] >= 0; i = (i + 1) & m)
        if (R->idx[i] == p) {
            idx_del(R, i);
            break;
        }
    P->used = false;
    P->free_next = R->free_part;
    R->free_part = p;
    R->live_parts--;
}

vp_run *vp_runs_first(vp_runs *R, int32_t part)
{
    return part < 0 ? NULL : vp_runs_slot(R, R->parts[part].head);
}

vp_run *vp_runs_next(vp_runs *R, const vp_run *r) { return vp_runs_slot(R, r->next); }

/* ---- runs ---- */

/* Takes r out of its partition and the creation queue, onto the free list. */
static void unlink_run(vp_runs *R, vp_run *r)
{
    rt_part *P = &R->parts[r->part];
    if (r->prev >= 0) vp_runs_slot(R, r->prev)->next = r->next;
    else P->head = r->next;
    if (r->next >= 0) vp_runs_slot(R, r->next)->prev = r->prev;
    else P->tail = r->prev;
    if (r->qprev >= 0) vp_runs_slot(R, r->qprev)->qnext = r->qnext;
    else R->qhead = r->qnext;
    if (r->qnext >= 0) vp_runs_slot(R, r->qnext)->qprev = r->qprev;
    else R->qtail = r->qprev;
    r->part = -1;
    r->waiting = false;
    r->qnext = R->free_head;
    R->free_head = r->id;
    R->live--;
    P->n--;
}

void vp_runs_kill(vp_runs *R, vp_run *r)
{
    int32_t part = r->part;
    if (part < 0) return;
    unlink_run(R, r);
    if (R->parts[part].n == 0) drop_part(R, part);
}

static vp_run *alloc_run(vp_runs *R)
{
    if (R->free_head >= 0) {
        vp_run *r = vp_runs_slot(R, R->free_head);
        R->free_head = r->qnext;
        return r;
    }
    if (R->nslots % CHUNK_RUNS == 0) {
        if (R->nslots == INT32_MAX - CHUNK_RUNS) rt_oom();
        int64_t cap = R->capchunks;
        R->chunks = grow(R->chunks, &cap, (int64_t)sizeof *R->chunks, R->nchunks + 1);
        R->capchunks = (int32_t)cap;
        R->chunks[R->nchunks] = calloc(CHUNK_RUNS, (size_t)R->size);
        if (!R->chunks[R->nchunks]) rt_oom();
        R->nchunks++;
    }
    int32_t id = R->nslots++;
    vp_run *r = vp_runs_slot(R, id);
    r->id = id;
    return r;
}

vp_run *vp_runs_start(vp_runs *R, int32_t part, int64_t t0)
{
    rt_part *P = &R->parts[part];
    if (P->n >= R->max_per_part) { /* the oldest run of the partition makes room */
        vp_count(R->ctx, R->c_evicted, 1);
        unlink_run(R, vp_runs_slot(R, P->head));
    }
    vp_run *r = alloc_run(R);
    P = &R->parts[part];
    r->part = part;
    r->prev = P->tail;
    r->next = -1;
    if (P->tail >= 0) vp_runs_slot(R, P->tail)->next = r->id;
    else P->head = r->id;
    P->tail = r->id;
    P->n++;
    r->qprev = R->qtail;
    r->qnext = -1;
    if (R->qtail >= 0) vp_runs_slot(R, R->qtail)->qnext = r->id;
    else R->qhead = r->id;
    R->qtail = r->id;
    r->t0 = t0;
    r->seq = R->seq++;
    r->pos = r->cnt = 0;
    r->mask = 0;
    r->waiting = false;
    R->live++;
    return r;
}

vp_run *vp_runs_oldest(vp_runs *R) { return vp_runs_slot(R, R->qhead); }

/* ---- runs waiting for a trailing NOT's deadline ---- */

static bool wait_before(rt_wait a, rt_wait b)
{
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
}

void vp_runs_wait(vp_runs *R, vp_run *r, int64_t deadline)
{
    r->waiting = true;
    r->deadline = deadline;
    R->heap = grow(R->heap, &R->capheap, (int64_t)sizeof *R->heap, R->nheap + 1);
    int64_t i = R->nheap++;
    rt_wait e = {deadline, r->seq, r->id};
    while (i > 0 && wait_before(e, R->heap[(i - 1) / 2])) {
        R->heap[i] = R->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    R->heap[i] = e;
}

static void heap_pop(vp_runs *R)
{
    rt_wait last = R->heap[--R->nheap];
    int64_t i = 0, n = R->nheap;
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && wait_before(R->heap[c + 1], R->heap[c])) c++;
        if (!wait_before(R->heap[c], last)) break;
        R->heap[i] = R->heap[c];
        i = c;
    }
    if (n) R->heap[i] = last;
}

vp_run *vp_runs_due(vp_runs *R, int64_t clock)
{
    while (R->nheap) {
        rt_wait top = R->heap[0];
        vp_run *r = vp_runs_slot(R, top.id);
        bool valid = r->part >= 0 && r->seq == top.seq && r->waiting;
        if (valid && top.deadline >= clock) return NULL;
        heap_pop(R);
        if (valid) return r;
    }
    return NULL;
}

void vp_runs_free(vp_runs *R)
{
    if (!R) return;
    for (int32_t i = 0; i < R->nchunks; i++) free(R->chunks[i]);
    free(R->chunks);
    for (int32_t p = 0; p < R->nparts; p++) free(R->parts[p].kbig);
    free(R->parts);
    free(R->idx);
    free(R->heap);
    free(R);
}
