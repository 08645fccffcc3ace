/* test_jrows.c — the rows a join holds (runtime/jrows.c): pruning, expiry
 * through the FIFO and the heap of rows out of order, recycling, and the
 * bound on the expiry queues, against a plain list of every row. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

typedef struct rec {
    vp_jrow h;
    int64_t id;
} rec;

#define NKEYS 50
#define NOPS 50000

typedef struct naive {
    int key;
    int64_t time, id;
    bool held;
} naive;

static uint64_t rng = 42;
static int64_t rnd(int64_t n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int64_t)((rng >> 33) % (uint64_t)n);
}

Test(jrows, matches_a_list_of_every_row)
{
    vp_jrows *j = vp_jrows_new((int64_t)sizeof(rec));
    int32_t top[NKEYS] = {0};
    naive *all = calloc(NOPS, sizeof *all);
    int64_t n = 0, held = 0, most = 0, clock = 0;
    const int64_t window = 400;
    for (int64_t op = 0; op < NOPS; op++) {
        int key = (int)(rnd(10) < 8 ? rnd(5) : rnd(NKEYS)); /* a few hot keys */
        int64_t r = rnd(1000), t;
        if (r < 700) t = clock + rnd(3);               /* in order, with ties */
        else if (r < 900) t = clock - rnd(window / 2); /* out of order: to the heap */
        else if (r < 998) t = clock - rnd(2 * window); /* some too late to be held */
        else t = clock + window + rnd(window);         /* a gap: everything expires */
        if (t > clock) clock = t;
        int64_t lim = clock - window;
        int64_t expired = 0;
        for (int64_t i = 0; i < n; i++)
            if (all[i].held && all[i].time < lim) all[i].held = false, expired++;
        cr_assert_eq(vp_jrows_expire(j, lim), expired, "op %lld: expired", (long long)op);
        held -= expired;
        int64_t pruned = 0;
        for (int64_t i = 0; i < n; i++)
            if (all[i].held && all[i].key == key && all[i].time <= t) all[i].held = false, pruned++;
        cr_assert_eq(vp_jrows_prune(j, &top[key], t), pruned, "op %lld: pruned", (long long)op);
        held -= pruned;
        if (t >= lim) {
            rec *e = vp_jrows_push(j, &top[key], t, true);
            e->id = op;
            all[n++] = (naive){key, t, op, true};
            held++;
        }
        if (held > most) most = held;
        /* every key's newest row held */
        for (int k = 0; k < NKEYS; k++) {
            int64_t want = -1;
            for (int64_t i = n - 1; i >= 0 && want < 0; i--)
                if (all[i].held && all[i].key == k) want = all[i].id;
            rec *got = vp_jrows_at(j, top[k]);
            cr_assert_eq(got ? got->id : -1, want, "op %lld: key %d", (long long)op, k);
        }
        cr_assert(j->fcap <= 16 || j->fcap < 4 * most, "fifo room %lld for %lld rows", (long long)j->fcap,
                  (long long)most);
        cr_assert(j->hcap <= 16 || j->hcap < 4 * most, "heap room %lld for %lld rows", (long long)j->hcap,
                  (long long)most);
        if (n == NOPS) break;
        /* forget rows no longer held, so the scans stay short */
        if (op % 1000 == 999) {
            int64_t w = 0;
            for (int64_t i = 0; i < n; i++)
                if (all[i].held) all[w++] = all[i];
            n = w;
        }
    }
    cr_expect(j->n <= most, "records %d for at most %lld rows held", j->n, (long long)most);
    vp_jrows_free(j);
    free(all);
}

Test(jrows, records_are_recycled_with_their_arena)
{
    vp_jrows *j = vp_jrows_new((int64_t)sizeof(rec));
    int32_t top = 0;
    for (int i = 0; i < 1000; i++) {
        vp_jrows_prune(j, &top, INT64_MAX);
        rec *e = vp_jrows_push(j, &top, i, false);
        char *p = rt_arena_alloc(&e->h.bytes, 100);
        memset(p, 'x', 100);
        cr_assert_eq(e->h.bytes.used, 112, "the arena starts empty");
    }
    cr_expect_eq(j->n, 1, "one record serves every row");
    cr_expect_eq(j->fn + j->hn, 0, "rows that do not expire are not queued");
    vp_jrows_free(j);
}
