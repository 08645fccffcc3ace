/* runs.c — the live runs of one pattern stream (LANGUAGE.md §5.2).
 *
 * A run is a fixed-size record the generated code defines (it starts with
 * vp_run). Each partition (one, or one per key: an explicit .partition_by,
 * or the equality the compiler extracted from the predicates) keeps its
 * runs' records themselves in one array, oldest first: the order §5.2
 * visits them in, so a visit reads memory front to back instead of
 * chasing pointers. A killed run stays in place, marked dead, until a walk
 * or a full array compacts the array stably; dead records then wait past
 * the end as spares that keep their string arenas, so steady state
 * allocates nothing. Partitions are found through a hash index that forgets
 * keys without runs, so short-lived keys cost nothing.
 *
 * Two orders span partitions: the expiry sweep takes the oldest created
 * live run of all, from a queue of (partition, creation number) in creation
 * order whose stale entries (runs gone) are skipped, and compacted away when
 * they outnumber the live runs; runs waiting for a trailing NOT (§5.4) are popped
 * by (deadline, creation) from a heap whose entries name a partition and a
 * creation number; entries of runs killed meanwhile are skipped when they
 * surface. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define PART_INLINE 24 /* key bytes kept in the partition record itself */

typedef struct rt_part {
    char *recs;           /* runs, oldest first: [first, n) listed; [0, first) and [n, nrec) spares */
    int32_t first, n, nrec, cap; /* the array is kept across reuse of the record */
    int32_t head;         /* records before it are dead */
    int64_t live;
    uint64_t hash;
    int64_t kn;           /* key bytes: in kin, or in kbig when longer */
    char kin[PART_INLINE];
    char *kbig;           /* kept across reuse of the record */
    int64_t kbigcap;
    int32_t free_next;    /* free list of partition records */
    bool used;            /* in the index (not on the free list) */
} rt_part;

typedef struct rt_made {
    int64_t seq;
    int32_t part;
} rt_made;

typedef struct rt_wait {
    int64_t deadline, seq;
    int32_t part;
} rt_wait;

struct vp_runs {
    vp_ctx *ctx;
    int64_t size;             /* bytes per record */
    char *tmp;                /* one record: compaction swaps through it */
    int64_t live, seq;
    int64_t max_per_part, max_parts;
    rt_part *parts;
    int32_t nparts, capparts, free_part, live_parts;
    int32_t *idx;             /* open addressing: partition numbers, -1 empty */
    int64_t idxcap;
    bool keyed;               /* partitions come from keys (else one partition) */
    rt_made *made;            /* swept: every run by creation, a ring from mhead */
    int64_t mhead, mn, mcap; /* mcap: 0 or a power of two */
    bool swept;               /* runs expire: vp_runs_oldest is used */
    rt_wait *heap;
    int64_t nheap, capheap;
    rt_wait *due;             /* taken from the heap, by creation; confirmed from duehead */
    int64_t ndue, duehead, capdue;
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

vp_runs *vp_runs_new(vp_ctx *ctx, const char *stream, int64_t size, bool keyed, bool swept, int64_t max_per_part,
                     int64_t max_parts)
{
    vp_runs *R = calloc(1, sizeof *R);
    if (!R) rt_oom();
    R->ctx = ctx;
    R->size = size;
    R->tmp = malloc((size_t)size);
    if (!R->tmp) rt_oom();
    R->free_part = -1;
    R->max_per_part = max_per_part;
    R->max_parts = max_parts;
    R->keyed = keyed;
    R->swept = swept;
    char name[256];
    snprintf(name, sizeof name, "stream %s: runs evicted: partition run limit (%lld) reached", stream,
             (long long)max_per_part);
    R->c_evicted = vp_counter(ctx, name);
    snprintf(name, sizeof name, "stream %s: runs not started: partition limit (%lld) reached", stream,
             (long long)max_parts);
    R->c_parts = vp_counter(ctx, name);
    return R;
}

int64_t vp_runs_live(const vp_runs *R) { return R->live; }

static vp_run *rec(const vp_runs *R, const rt_part *P, int32_t i) { return (vp_run *)(P->recs + i * R->size); }

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
    P->first = P->n = P->head = 0;
    P->live = 0;
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

vp_val vp_runs_key(const vp_runs *R, int32_t part)
{
    if (part < 0 || part >= R->nparts || !R->parts[part].used) return rt_key_first(NULL, 0);
    rt_part *P = &R->parts[part];
    return rt_key_first(part_key(P), P->kn);
}

/* A partition without live runs: its records all become spares, and a
 * keyed one leaves the index and is recycled. */
static void drop_part(vp_runs *R, int32_t p)
{
    rt_part *P = &R->parts[p];
    P->first = P->n = P->head = 0;
    if (!R->keyed) return;
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

/* ---- runs ---- */

/* Moves P's live records to the front of its array, in order; the dead
 * ones go behind them. */
static void compact(vp_runs *R, rt_part *P)
{
    int32_t j = 0;
    for (int32_t i = P->first; i < P->n; i++) {
        if (rec(R, P, i)->dead) continue;
        if (i != j) { /* swap: the dead record's arena lives on as a spare */
            memcpy(R->tmp, rec(R, P, j), (size_t)R->size);
            memcpy(rec(R, P, j), rec(R, P, i), (size_t)R->size);
            memcpy(rec(R, P, i), R->tmp, (size_t)R->size);
        }
        j++;
    }
    P->first = P->head = 0;
    P->n = j;
}

int32_t vp_runs_walk(vp_runs *R, int32_t part, char **base)
{
    if (part < 0) {
        *base = NULL;
        return 0;
    }
    rt_part *P = &R->parts[part];
    while (P->first < P->n && rec(R, P, P->first)->dead) P->first++; /* expired in front: no record moves */
    *base = (char *)rec(R, P, P->first);
    return P->n - P->first;
}

void vp_runs_walked(vp_runs *R, int32_t part, int32_t kept)
{
    if (part < 0) return;
    rt_part *P = &R->parts[part];
    if (P->live == 0) return; /* dropped during the walk */
    P->n = P->first + kept;
    P->head = P->first;
}

void vp_runs_compact(vp_runs *R, int32_t part)
{
    if (part < 0) return;
    rt_part *P = &R->parts[part];
    if (P->live == 0) return; /* dropped during the walk */
    int32_t n = P->n - P->first;
    if (P->live != n) { /* runs died: move each stretch of live ones down */
        char *b = (char *)rec(R, P, P->first);
        size_t size = (size_t)R->size;
        int32_t w = 0;
        for (int32_t i = 0; i < n;) {
            if (((vp_run *)(b + (size_t)i * size))->dead) {
                i++;
                continue;
            }
            int32_t j = i + 1;
            while (j < n && !((vp_run *)(b + (size_t)j * size))->dead) j++;
            if (w != i) memmove(b + (size_t)w * size, b + (size_t)i * size, (size_t)(j - i) * size);
            w += j - i;
            i = j;
        }
        P->n = P->first + w;
    }
    P->head = P->first;
}

/* The partition's oldest live run was killed: find the next one. */
static void advance_head(vp_runs *R, int32_t part)
{
    rt_part *P = &R->parts[part];
    while (P->head < P->n && rec(R, P, P->head)->dead) P->head++;
}

void vp_runs_kill(vp_runs *R, vp_run *r)
{
    if (r->dead) return;
    int32_t part = r->part;
    rt_part *P = &R->parts[part];
    r->dead = true;
    r->waiting = false;
    R->live--;
    if (--P->live == 0) {
        drop_part(R, part);
        return;
    }
    if (r == rec(R, P, P->head)) advance_head(R, part);
}

/* A record at the end of P's array for a new run (old contents kept for the
 * caller to reuse; a fresh one is zero). */
static vp_run *append(vp_runs *R, rt_part *P)
{
    if (P->n == P->nrec && P->n - P->live >= P->n / 2) compact(R, P); /* half dead: reuse, not grow */
    if (P->n == P->nrec) {
        if (P->nrec == P->cap) {
            int64_t cap = P->cap;
            P->recs = grow(P->recs, &cap, R->size, P->nrec + 1);
            P->cap = (int32_t)cap;
        }
        memset(rec(R, P, P->nrec), 0, (size_t)R->size);
        P->nrec++;
    }
    return rec(R, P, P->n++);
}

static vp_run *find(vp_runs *R, int32_t part, int64_t seq);

/* Queues a new run for the sweep. Entries of runs gone before reaching the
 * front are dropped in one pass once they outnumber the live runs, so the
 * queue stays within twice the live runs (plus a little). */
static void made(vp_runs *R, int32_t part, int64_t seq)
{
    if (R->mn > 2 * R->live + 1024) {
        int64_t j = 0;
        for (int64_t i = 0; i < R->mn; i++) {
            rt_made e = R->made[(R->mhead + i) & (R->mcap - 1)];
            if (find(R, e.part, e.seq)) R->made[(R->mhead + j++) & (R->mcap - 1)] = e;
        }
        R->mn = j;
    }
    if (R->mn == R->mcap) { /* unroll the ring into a bigger one */
        int64_t cap = R->mcap ? 2 * R->mcap : 1024;
        rt_made *m = malloc((size_t)cap * sizeof *m);
        if (!m) rt_oom();
        for (int64_t i = 0; i < R->mn; i++) m[i] = R->made[(R->mhead + i) & (R->mcap - 1)];
        free(R->made);
        R->made = m;
        R->mcap = cap;
        R->mhead = 0;
    }
    R->made[(R->mhead + R->mn++) & (R->mcap - 1)] = (rt_made){seq, part};
}

vp_run *vp_runs_start(vp_runs *R, int32_t part, int64_t t0)
{
    rt_part *P = &R->parts[part];
    if (P->live >= R->max_per_part) { /* the oldest run of the partition makes room */
        vp_count(R->ctx, R->c_evicted, 1);
        vp_run *old = rec(R, P, P->head);
        old->dead = true;
        old->waiting = false;
        P->live--;
        R->live--;
        advance_head(R, part);
    }
    vp_run *r = append(R, P);
    r->part = part;
    r->t0 = t0;
    r->seq = R->seq++;
    r->pos = r->cnt = 0;
    r->mask = 0;
    r->waiting = false;
    r->dead = false;
    if (P->live++ == 0) P->head = P->n - 1;
    R->live++;
    if (R->swept) made(R, part, r->seq);
    return r;
}

/* The live run made as number seq in partition part is the oldest of its
 * partition (the queue holds nothing older that is still live). */
static vp_run *oldest_of(vp_runs *R, rt_made e)
{
    rt_part *P = &R->parts[e.part];
    if (P->live == 0) return NULL;
    vp_run *r = rec(R, P, P->head);
    return r->seq == e.seq ? r : NULL;
}

vp_run *vp_runs_oldest(vp_runs *R)
{
    for (; R->mn; R->mhead = (R->mhead + 1) & (R->mcap - 1), R->mn--) {
        vp_run *r = oldest_of(R, R->made[R->mhead]);
        if (r) return r;
    }
    return NULL;
}

/* ---- runs waiting for a trailing NOT's deadline ---- */

static bool wait_before(rt_wait a, rt_wait b)
{
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
}

void vp_runs_wait(vp_runs *R, vp_run *r, int64_t deadline)
{
    r->waiting = true;
    R->heap = grow(R->heap, &R->capheap, (int64_t)sizeof *R->heap, R->nheap + 1);
    int64_t i = R->nheap++;
    rt_wait e = {deadline, r->seq, r->part};
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

/* The live run created as number seq in partition part, or NULL: records
 * are in creation order, so a binary search finds it. */
static vp_run *find(vp_runs *R, int32_t part, int64_t seq)
{
    rt_part *P = &R->parts[part];
    int32_t lo = P->head, hi = P->n;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (rec(R, P, mid)->seq < seq) lo = mid + 1;
        else hi = mid;
    }
    vp_run *r = lo < P->n ? rec(R, P, lo) : NULL;
    return r && r->seq == seq && !r->dead ? r : NULL;
}

static int by_seq(const void *a, const void *b)
{
    int64_t x = ((const rt_wait *)a)->seq, y = ((const rt_wait *)b)->seq;
    return (x > y) - (x < y);
}

void vp_runs_due(vp_runs *R, int64_t clock)
{
    while (R->nheap && R->heap[0].deadline < clock) {
        R->due = grow(R->due, &R->capdue, (int64_t)sizeof *R->due, R->ndue + 1);
        R->due[R->ndue++] = R->heap[0];
        heap_pop(R);
    }
    if (R->ndue - R->duehead > 1) qsort(R->due + R->duehead, (size_t)(R->ndue - R->duehead), sizeof *R->due, by_seq);
}

vp_run *vp_runs_next_due(vp_runs *R, int64_t seq, int64_t *deadline)
{
    while (R->duehead < R->ndue && R->due[R->duehead].seq <= seq) {
        rt_wait e = R->due[R->duehead++];
        vp_run *r = find(R, e.part, e.seq); /* gone (killed by a NOT): skipped */
        if (r && r->waiting) {
            *deadline = e.deadline;
            return r;
        }
    }
    if (R->duehead == R->ndue) R->duehead = R->ndue = 0;
    return NULL;
}

void vp_runs_free(vp_runs *R, void (*fini)(void *record))
{
    if (!R) return;
    for (int32_t p = 0; p < R->nparts; p++) {
        rt_part *P = &R->parts[p];
        for (int32_t i = 0; fini && i < P->nrec; i++) fini(rec(R, P, i));
        free(P->recs);
        free(P->kbig);
    }
    free(R->parts);
    free(R->idx);
    free(R->heap);
    free(R->due);
    free(R->made);
    free(R->tmp);
    free(R);
}
