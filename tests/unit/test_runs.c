/* test_runs.c — the live runs of a pattern (runtime/runs.c): walks in
 * creation order with runs killed and records moved on the way, the oldest
 * run of all, partitions dropped and found again, the run and partition
 * limits, and deadlines, against a plain list of every run. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

typedef struct rec {
    vp_run h;
    int64_t id;   /* the run's number in the model: must travel with the record */
    int64_t *buf; /* heap memory a record keeps (freed by fini) */
} rec;

typedef struct model {
    int key;
    int64_t seq, t0, deadline;
    bool live, waiting;
} model;

#define NKEYS 40
#define NOPS 40000
#define MAX_PER_PART 12
#define MAX_PARTS 25

static uint64_t rng = 7;
static int64_t rnd(int64_t n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int64_t)((rng >> 33) % (uint64_t)n);
}

static int64_t freed;
static void fini(void *record)
{
    rec *r = record;
    if (r->buf) freed++;
    free(r->buf);
}

static void set_key(vp_key *k, int key)
{
    k->n = 0;
    vp_key_add(k, vp_box_int(key));
}

/* A walk keeps runs[i] (live after its visit): it moves to the front as
 * generated code moves it, the dead record there keeping its memory. */
static void keep(rec *runs, int32_t i, int32_t *kept)
{
    if (i != *kept) {
        int64_t *buf = runs[*kept].buf;
        runs[*kept] = runs[i];
        runs[i].buf = buf;
        runs[i].h.dead = true;
    }
    (*kept)++;
}

/* The model's live runs of key, oldest first. */
static int64_t live_of(const model *all, int64_t n, int key, int64_t *out)
{
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        if (all[i].live && all[i].key == key) out[m++] = i;
    return m;
}

static int64_t oldest_live(const model *all, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (all[i].live) return i;
    return -1;
}

Test(runs, match_a_list_of_every_run)
{
    vp_ctx *ctx = rt_ctx_new(NULL, "t");
    vp_runs *R = vp_runs_new(ctx, "S", (int64_t)sizeof(rec), true, true, MAX_PER_PART, MAX_PARTS);
    model *all = calloc(NOPS, sizeof *all);
    int64_t *want = calloc(NOPS, sizeof *want);
    int64_t n = 0, evicted = 0, refused = 0, allocated = 0;
    vp_key k = {0};
    for (int64_t op = 0; op < NOPS; op++) {
        int key = (int)(rnd(10) < 6 ? rnd(3) : rnd(NKEYS)); /* a few hot keys reach the run limit */
        int64_t r = rnd(100);
        set_key(&k, key);
        if (r < 40) { /* start a run */
            int64_t nlive = live_of(all, n, key, want);
            int32_t part = vp_runs_part(R, &k, true);
            int nparts = 0;
            for (int q = 0; q < NKEYS; q++) nparts += live_of(all, n, q, want + nlive) > 0;
            if (nlive == 0 && nparts >= MAX_PARTS) {
                cr_assert_lt(part, 0, "op %lld: a partition beyond the limit", (long long)op);
                refused++;
                continue;
            }
            cr_assert_geq(part, 0, "op %lld: no partition", (long long)op);
            if (nlive >= MAX_PER_PART) {
                all[want[0]].live = all[want[0]].waiting = false;
                evicted++;
            }
            rec *e = (rec *)vp_runs_start(R, part, op);
            cr_assert(!e->h.dead && e->h.t0 == op && e->h.part == part);
            if (!e->buf) e->buf = malloc(sizeof *e->buf), allocated++;
            e->id = n;
            *e->buf = n;
            all[n] = (model){key, e->h.seq, op, 0, true, false};
            n++;
        } else if (r < 80) { /* walk: every live run of the key, oldest first; kill some, keep the rest */
            int64_t m = live_of(all, n, key, want);
            char *base;
            int32_t part = vp_runs_part(R, &k, false);
            cr_assert_eq(part < 0, m == 0, "op %lld: partition of a key with %lld runs", (long long)op, (long long)m);
            int32_t nr = vp_runs_walk(R, part, &base), kept = 0, seen = 0;
            rec *runs = (rec *)(void *)base;
            for (int32_t i = 0; i < nr; i++) {
                rec *e = &runs[i];
                if (e->h.dead) continue;
                cr_assert_lt(seen, m, "op %lld: more runs than the model", (long long)op);
                cr_assert_eq(e->id, want[seen], "op %lld: run %d is %lld, not %lld", (long long)op, seen,
                             (long long)e->id, (long long)want[seen]);
                cr_assert_eq(*e->buf, e->id);
                seen++;
                if (rnd(4) == 0) {
                    vp_runs_kill(R, &e->h);
                    all[e->id].live = all[e->id].waiting = false;
                    continue;
                }
                keep(runs, i, &kept);
            }
            cr_assert_eq(seen, m, "op %lld: walked %d of %lld runs", (long long)op, seen, (long long)m);
            vp_runs_walked(R, part, kept);
        } else if (r < 90) { /* the expiry sweep: the oldest run of all */
            int64_t want_id = oldest_live(all, n);
            vp_run *h = vp_runs_oldest(R);
            cr_assert_eq(h == NULL, want_id < 0, "op %lld: oldest", (long long)op);
            if (!h) continue;
            cr_assert_eq(((rec *)h)->id, want_id, "op %lld: oldest is %lld, not %lld", (long long)op,
                         (long long)((rec *)h)->id, (long long)want_id);
            if (!h->waiting) {
                vp_runs_kill(R, h);
                all[want_id].live = false;
            }
        } else if (r < 96) { /* a live run waits for a deadline */
            int64_t m = live_of(all, n, key, want);
            if (!m) continue;
            int64_t id = want[rnd(m)];
            if (all[id].waiting) continue;
            int32_t part = vp_runs_part(R, &k, false);
            char *base;
            int32_t nr = vp_runs_walk(R, part, &base), kept = 0;
            rec *runs = (rec *)(void *)base;
            for (int32_t i = 0; i < nr; i++) {
                if (runs[i].h.dead) continue;
                if (runs[i].id == id) {
                    int64_t deadline = op + rnd(50);
                    vp_runs_wait(R, &runs[i].h, deadline);
                    all[id].waiting = true;
                    all[id].deadline = deadline;
                }
                keep(runs, i, &kept);
            }
            vp_runs_walked(R, part, kept);
        } else { /* deadlines before the clock: creation order, first up to a bound, then the rest */
            int64_t clock = op;
            vp_runs_due(R, clock);
            int64_t bound = n ? all[rnd(n)].seq : -1;
            for (int pass = 0; pass < 2; pass++) {
                int64_t upto = pass ? INT64_MAX : bound;
                for (;;) {
                    int64_t best = -1;
                    for (int64_t i = 0; i < n && best < 0; i++)
                        if (all[i].live && all[i].waiting && all[i].deadline < clock && all[i].seq <= upto) best = i;
                    int64_t deadline = -1;
                    vp_run *h = vp_runs_next_due(R, upto, &deadline);
                    cr_assert_eq(h == NULL, best < 0, "op %lld: due %lld, want %lld", (long long)op,
                                 h ? (long long)((rec *)h)->id : -1LL, (long long)best);
                    if (!h) break;
                    cr_assert_eq(((rec *)h)->id, best, "op %lld: due %lld, not %lld", (long long)op,
                                 (long long)((rec *)h)->id, (long long)best);
                    cr_assert_eq(deadline, all[best].deadline);
                    vp_runs_kill(R, h);
                    all[best].live = all[best].waiting = false;
                }
            }
        }
        int64_t live = 0;
        for (int64_t i = 0; i < n; i++) live += all[i].live;
        cr_assert_eq(vp_runs_live(R), live, "op %lld: live", (long long)op);
    }
    cr_assert_gt(evicted, 0, "the run limit was never reached");
    cr_assert_gt(refused, 0, "the partition limit was never reached");
    vp_runs_free(R, fini);
    cr_assert_eq(freed, allocated, "every record's memory is handed to fini once");
    vp_key_free(&k);
    free(all);
    free(want);
    rt_ctx_free(ctx);
}
