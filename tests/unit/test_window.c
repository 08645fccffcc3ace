/* test_window.c — the runtime state behind windows, aggregates and
 * partition_by: key encoding, partition tables, distinct sets, arenas,
 * owned copies, growable arrays, window arithmetic and session order. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static vp_str S(const char *s) { return vp_lit(s, (int64_t)strlen(s)); }

/* The encoding of one value, as a fresh heap copy of the key bytes. */
static vp_key key_of(vp_val v)
{
    vp_key k = {0};
    vp_key_add(&k, v);
    return k;
}

static bool same_key(vp_val a, vp_val b)
{
    vp_key x = key_of(a), y = key_of(b);
    bool same = x.n == y.n && memcmp(x.p, y.p, (size_t)x.n) == 0;
    vp_key_free(&x);
    vp_key_free(&y);
    return same;
}

Test(window, key_numbers_compare_like_eq)
{
    cr_expect(same_key(vp_box_int(1), vp_box_float(1.0)));
    cr_expect(same_key(vp_box_float(0.0), vp_box_float(-0.0)));
    cr_expect(!same_key(vp_box_int(1), vp_box_float(1.5)));
    cr_expect(!same_key(vp_box_int(1), vp_box_str(S("1"))));
    cr_expect(!same_key(vp_box_int(1), vp_box_ts(1)));
    cr_expect(same_key(vp_null(), vp_null()));
    cr_expect(!same_key(vp_null(), vp_box_str(S(""))));
    /* 2^63 does not fit an int: kept as a float */
    cr_expect(!same_key(vp_box_float(9223372036854775808.0), vp_box_int(INT64_MAX)));
}

Test(window, key_of_several_values_is_unambiguous)
{
    vp_key a = {0}, b = {0};
    vp_key_add(&a, vp_box_str(S("ab")));
    vp_key_add(&a, vp_box_str(S("c")));
    vp_key_add(&b, vp_box_str(S("a")));
    vp_key_add(&b, vp_box_str(S("bc")));
    cr_expect(a.n != b.n || memcmp(a.p, b.p, (size_t)a.n) != 0);
    vp_key_free(&a);
    vp_key_free(&b);
}

Test(window, table_numbers_keys_in_order_of_first_appearance)
{
    vp_tab *t = vp_tab_new(24, 100000);
    vp_key k = {0};
    enum { N = 5000 };
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++) {
            k.n = 0;
            vp_key_add(&k, vp_box_int(i * 7919));
            bool is_new;
            int64_t *slot = vp_tab_get(t, &k, &is_new);
            cr_assert_not_null(slot);
            cr_assert_eq(is_new, round == 0);
            if (is_new) slot[0] = i;
            cr_assert_eq(slot[0], i, "key %d found the slot of %lld", i, (long long)slot[0]);
            cr_assert_eq(vp_tab_slot(t, i), slot, "slot %d moved", i);
        }
    }
    cr_expect_eq(vp_tab_count(t), N);
    cr_expect_null(vp_tab_slot(t, N));
    vp_key_free(&k);
    vp_tab_free(t);
}

Test(window, table_refuses_new_keys_beyond_its_bound)
{
    vp_tab *t = vp_tab_new(8, 3);
    vp_key k = {0};
    bool is_new;
    for (int i = 0; i < 3; i++) {
        k.n = 0;
        vp_key_add(&k, vp_box_int(i));
        cr_assert_not_null(vp_tab_get(t, &k, &is_new));
    }
    k.n = 0;
    vp_key_add(&k, vp_box_int(99));
    cr_expect_null(vp_tab_find(t, &k));
    cr_expect_null(vp_tab_get(t, &k, &is_new));
    k.n = 0;
    vp_key_add(&k, vp_box_int(1)); /* known keys are still found */
    cr_expect_not_null(vp_tab_get(t, &k, &is_new));
    cr_expect(!is_new);
    cr_expect_eq(vp_tab_find(t, &k), vp_tab_slot(t, 1));
    vp_key_free(&k);
    vp_tab_free(t);
}

Test(window, distinct_set_counts_values_once_and_clears)
{
    vp_set s = {0};
    cr_expect_eq(vp_set_add(&s, vp_box_str(S("a")), true), 1);
    cr_expect_eq(vp_set_add(&s, vp_box_str(S("b")), true), 1);
    cr_expect_eq(vp_set_add(&s, vp_box_str(S("a")), true), 0);
    cr_expect_eq(vp_set_add(&s, vp_box_int(2), true), 1);
    cr_expect_eq(vp_set_add(&s, vp_box_float(2.0), true), 0);
    cr_expect_eq(vp_set_add(&s, vp_box_int(3), false), -1);
    cr_expect_eq(vp_set_add(&s, vp_box_int(2), false), 0);
    cr_expect_eq(s.n, 3);
    vp_set_clear(&s);
    cr_expect_eq(s.n, 0);
    cr_expect_eq(vp_set_add(&s, vp_box_str(S("a")), true), 1);
    for (int i = 0; i < 10000; i++) vp_set_add(&s, vp_box_int(i), true);
    cr_expect_eq(s.n, 10001);
    vp_set_clear(&s); /* a large index is released */
    cr_expect_eq(vp_set_add(&s, vp_box_int(1), true), 1);
    vp_set_free(&s);
}

Test(window, arena_copies_survive_growth_and_clear_keeps_memory)
{
    vp_arena a = {0};
    vp_str first = vp_own_str(NULL, &a, S("first"));
    char big[1000];
    memset(big, 'x', sizeof big);
    for (int i = 0; i < 200; i++) vp_own_str(NULL, &a, vp_lit(big, sizeof big));
    cr_expect(vp_str_eq(first, S("first")));
    vp_arena_clear(&a);
    cr_expect_null(a.head, "a block over the kept size is released");
    vp_own_str(NULL, &a, S("small"));
    vp_blk *head = a.head;
    vp_arena_clear(&a);
    cr_expect_eq(a.head, head, "a small block is kept for reuse");
    vp_arena_free(&a);
}

Test(window, owned_values_and_events_are_deep_copies)
{
    vp_arena a = {0};
    char text[] = "hello";
    vp_val v = vp_own_val(NULL, &a, vp_box_str(vp_lit(text, 5)));
    text[0] = 'j';
    cr_expect(vp_str_eq(v.u.s, S("hello")));
    cr_expect_eq(vp_own_val(NULL, &a, vp_box_int(7)).u.i, 7);

    char key[] = "price", raw[] = "1.5", type[] = "Tick";
    vp_field f = {.key = vp_lit(key, 5), .raw = vp_lit(raw, 3), .kind = VP_J_FLOAT};
    vp_event ev = {.type = vp_lit(type, 4), .time = 42, .line = 3, .nfields = 1, .fields = &f};
    const vp_event *c = vp_own_event(NULL, &a, &ev);
    memset(key, 0, sizeof key);
    memset(raw, 0, sizeof raw);
    memset(type, 0, sizeof type);
    cr_expect(vp_str_eq(c->type, S("Tick")));
    cr_expect_eq(c->time, 42);
    cr_expect_eq(c->nfields, 1);
    cr_expect(vp_str_eq(c->fields[0].key, S("price")));
    cr_expect(vp_str_eq(c->fields[0].raw, S("1.5")));
    cr_expect_eq(c->fields[0].kind, VP_J_FLOAT);
    vp_arena_free(&a);
}

Test(window, vec_push_respects_its_bound)
{
    vp_vec v = {0};
    for (int i = 0; i < 100; i++) {
        int32_t *p = vp_vec_push(&v, sizeof(int32_t), 100);
        cr_assert_not_null(p);
        *p = 99 - i;
    }
    cr_expect_null(vp_vec_push(&v, sizeof(int32_t), 100));
    vp_sort_i32(v.p, v.n);
    for (int i = 0; i < 100; i++) cr_expect_eq(((int32_t *)v.p)[i], i);
    vp_vec_clear(&v, sizeof(int32_t));
    cr_expect_eq(v.n, 0);
    vp_vec_free(&v);
}

Test(window, time_windows_are_epoch_aligned)
{
    int64_t lo, hi;
    /* tumbling: one window [i*d, (i+1)*d) */
    cr_expect_eq(vp_time_windows(0, 10, 10, INT64_MIN, &lo, &hi), 1);
    cr_expect(lo == 0 && hi == 0);
    cr_expect_eq(vp_time_windows(10, 10, 10, INT64_MIN, &lo, &hi), 1);
    cr_expect(lo == 1 && hi == 1, "a time on the boundary opens the next window");
    cr_expect_eq(vp_time_windows(-1, 10, 10, INT64_MIN, &lo, &hi), 1);
    cr_expect(lo == -1 && hi == -1);
    cr_expect_eq(vp_time_window_end(-1, 10, 10), 0);
    cr_expect_eq(vp_time_window_end(3, 10, 10), 40);
    /* the clock has reached the end of 5's window: late */
    cr_expect_eq(vp_time_windows(5, 10, 10, 10, &lo, &hi), -1);
    cr_expect_eq(vp_time_windows(5, 10, 10, 9, &lo, &hi), 1);
}

Test(window, sliding_windows_hold_a_time_in_every_window_covering_it)
{
    int64_t lo, hi;
    /* windows [j*5, j*5 + 15): 12 is in j = 0, 1, 2 */
    cr_expect_eq(vp_time_windows(12, 15, 5, INT64_MIN, &lo, &hi), 1);
    cr_expect(lo == 0 && hi == 2, "%lld..%lld", (long long)lo, (long long)hi);
    /* clock 15 closed window 0 ([0, 15)) */
    cr_expect_eq(vp_time_windows(12, 15, 5, 15, &lo, &hi), 1);
    cr_expect(lo == 1 && hi == 2);
    cr_expect_eq(vp_time_windows(12, 15, 5, 25, &lo, &hi), -1);
    /* windows [j*10, j*10 + 4): 5 falls between two */
    cr_expect_eq(vp_time_windows(5, 4, 10, INT64_MIN, &lo, &hi), 0);
    cr_expect_eq(vp_time_window_end(INT64_MAX / 5, 15, 5), INT64_MAX);
}

Test(window, count_windows_start_every_slide_rows)
{
    int64_t lo, hi;
    /* plain: windows of 3 rows */
    cr_expect(vp_count_windows(1, 3, 3, &lo, &hi) && lo == 1 && hi == 1);
    cr_expect(vp_count_windows(3, 3, 3, &lo, &hi) && lo == 1 && hi == 1);
    cr_expect(vp_count_windows(4, 3, 3, &lo, &hi) && lo == 2 && hi == 2);
    cr_expect_eq(vp_count_window_last(2, 3, 3), 6);
    /* 3 rows, a new window every row: row 3 is in windows 1..3, and ends 1 */
    cr_expect(vp_count_windows(3, 3, 1, &lo, &hi) && lo == 1 && hi == 3);
    cr_expect_eq(vp_count_window_last(1, 3, 1), 3);
    cr_expect(vp_count_windows(1, 3, 1, &lo, &hi) && lo == 1 && hi == 1);
    /* 2 rows every 3: rows 1 and 4 are in none */
    cr_expect(!vp_count_windows(1, 2, 3, &lo, &hi));
    cr_expect(vp_count_windows(2, 2, 3, &lo, &hi) && lo == 1 && hi == 1);
    cr_expect(!vp_count_windows(4, 2, 3, &lo, &hi));
    cr_expect_eq(vp_count_window_last(2, 2, 3), 6);
}

Test(window, sessions_come_out_by_expiry_then_partition)
{
    vp_pq *q = vp_pq_new();
    vp_pq_set(q, 3, 50);
    vp_pq_set(q, 1, 70);
    vp_pq_set(q, 2, 50);
    vp_pq_set(q, 0, 90);
    vp_pq_set(q, 1, 40); /* moved earlier */
    vp_pq_set(q, 0, 60);
    static const int32_t want_ord[] = {1, 2, 3, 0};
    static const int64_t want_time[] = {40, 50, 50, 60};
    for (int i = 0; i < 4; i++) {
        int32_t ord;
        int64_t t;
        cr_assert(vp_pq_top(q, &ord, &t));
        cr_expect_eq(ord, want_ord[i]);
        cr_expect_eq(t, want_time[i]);
        vp_pq_pop(q);
    }
    int32_t ord;
    int64_t t;
    cr_expect(!vp_pq_top(q, &ord, &t));
    vp_pq_set(q, 2, 5); /* a popped partition may come back */
    cr_expect(vp_pq_top(q, &ord, &t) && ord == 2 && t == 5);
    vp_pq_free(q);
}
