/* test_keys.c — key encoding and key lookup: the byte layout every path
 * of vp_key_add must produce (warm buffer or growing, short or long
 * strings), lookups of short and long keys in partition tables, and the
 * spread of rt_hash over the bucket bits. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* The documented encoding of one string: 's' or 'j', the length as a
 * native int64, then the bytes. Written out independently of keyidx.c. */
static int64_t expect_str(char *out, char tag, const char *s, int64_t n)
{
    out[0] = tag;
    memcpy(out + 1, &n, sizeof n);
    memcpy(out + 9, s, (size_t)n);
    return 9 + n;
}

static int64_t expect_i64(char *out, char tag, int64_t v)
{
    out[0] = tag;
    memcpy(out + 1, &v, sizeof v);
    return 9;
}

/* Distinct text of every length, so a byte out of place shows. */
static void fill(char *s, int64_t n, int salt)
{
    for (int64_t i = 0; i < n; i++) s[i] = (char)('A' + (i * 7 + salt) % 26);
}

Test(keys, strings_of_every_length_encode_alike_in_fresh_and_warm_buffers)
{
    vp_key warm = {0};
    vp_key_add(&warm, vp_box_int(0)); /* allocates: later adds have room */
    for (int64_t n = 0; n <= 200; n++) { /* past the first and second buffer sizes */
        char s[200], want[209];
        fill(s, n, (int)n);
        int64_t wn = expect_str(want, 's', s, n);

        vp_key fresh = {0}; /* no buffer yet: the growing path */
        vp_key_add(&fresh, vp_box_str(vp_lit(s, n)));
        cr_assert_eq(fresh.n, wn, "length %lld", (long long)n);
        cr_assert(memcmp(fresh.p, want, (size_t)wn) == 0, "fresh bytes of length %lld", (long long)n);

        warm.n = 0;
        vp_key_add(&warm, vp_box_str(vp_lit(s, n)));
        cr_assert_eq(warm.n, wn, "length %lld", (long long)n);
        cr_assert(memcmp(warm.p, want, (size_t)wn) == 0, "warm bytes of length %lld", (long long)n);

        vp_val back = rt_key_first(warm.p, warm.n);
        cr_assert_eq(back.tag, VP_STR);
        cr_assert(vp_str_eq(back.u.s, vp_lit(s, n)));
        vp_key_free(&fresh);
    }
    vp_key_free(&warm);
}

Test(keys, scalars_encode_as_documented)
{
    vp_key k = {0};
    char want[128];
    int64_t wn = 0;
    vp_key_add(&k, vp_box_int(-5));
    wn += expect_i64(want + wn, 'i', -5);
    vp_key_add(&k, vp_box_float(3.0)); /* integral: the int 3 */
    wn += expect_i64(want + wn, 'i', 3);
    double f = 2.5;
    int64_t bits;
    memcpy(&bits, &f, sizeof bits);
    vp_key_add(&k, vp_box_float(f));
    wn += expect_i64(want + wn, 'f', bits);
    vp_key_add(&k, vp_box_ts(7));
    wn += expect_i64(want + wn, 't', 7);
    vp_key_add(&k, vp_box_dur(9));
    wn += expect_i64(want + wn, 'd', 9);
    vp_key_add(&k, vp_box_bool(true));
    want[wn++] = 'b';
    want[wn++] = 1;
    vp_key_add(&k, vp_null());
    want[wn++] = 'n';
    cr_assert_eq(k.n, wn);
    cr_assert(memcmp(k.p, want, (size_t)wn) == 0);
    vp_key_free(&k);
}

Test(keys, floats_outside_int64_or_not_integral_keep_their_bits)
{
    const double vals[] = {9223372036854775808.0, -9223372036854775808.0 * 2, 0.5, -1e300, 1.0 / 0.0};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        vp_key k = {0};
        vp_key_add(&k, vp_box_float(vals[i]));
        char want[16];
        int64_t bits;
        memcpy(&bits, &vals[i], sizeof bits);
        expect_i64(want, 'f', bits);
        cr_assert_eq(k.n, 9);
        cr_assert(memcmp(k.p, want, 9) == 0, "value %zu", i);
        vp_key_free(&k);
    }
    vp_key k = {0};
    vp_key_add(&k, vp_box_float(-9223372036854775808.0)); /* INT64_MIN is in range */
    char want[16];
    expect_i64(want, 'i', INT64_MIN);
    cr_assert(memcmp(k.p, want, 9) == 0);
    vp_key_free(&k);
}

Test(keys, buffer_grows_across_many_values_and_keeps_them_in_order)
{
    vp_key k = {0};
    enum { N = 300 };
    char s[40];
    for (int i = 0; i < N; i++) {
        fill(s, 5 + i % 30, i);
        vp_key_add(&k, vp_box_str(vp_lit(s, 5 + i % 30)));
        vp_key_add(&k, vp_box_int(i));
    }
    int64_t at = 0;
    for (int i = 0; i < N; i++) {
        vp_val v = rt_key_first(k.p + at, k.n - at);
        cr_assert_eq(v.tag, VP_STR, "value %d", i);
        fill(s, 5 + i % 30, i);
        cr_assert(vp_str_eq(v.u.s, vp_lit(s, 5 + i % 30)), "string %d", i);
        at += 9 + v.u.s.n;
        v = rt_key_first(k.p + at, k.n - at);
        cr_assert_eq(v.tag, VP_INT);
        cr_assert_eq(v.u.i, i);
        at += 9;
    }
    cr_assert_eq(at, k.n);
    cr_assert_geq(k.cap, k.n);
    vp_key_free(&k);
}

/* Keys of every length up to well past the inline compare, each also
 * with one byte changed at every position: all distinct, numbered in
 * order of first appearance, and found again with their own slots. */
Test(keys, table_tells_apart_keys_differing_in_any_one_byte)
{
    vp_tab *t = vp_tab_new(sizeof(int64_t), 1000000);
    vp_key k = {0};
    int64_t count = 0;
    for (int round = 0; round < 2; round++) {
        count = 0;
        for (int64_t n = 0; n <= 48; n++) {
            for (int64_t pos = -1; pos < n; pos++) {
                char s[64];
                fill(s, n, 3);
                if (pos >= 0) s[pos] ^= 0x20; /* one byte differs */
                k.n = 0;
                vp_key_add(&k, vp_box_str(vp_lit(s, n)));
                bool is_new;
                int64_t *slot = vp_tab_get(t, &k, &is_new);
                cr_assert_not_null(slot);
                cr_assert_eq(is_new, round == 0, "length %lld pos %lld", (long long)n, (long long)pos);
                if (is_new) *slot = count;
                cr_assert_eq(*slot, count, "length %lld pos %lld found slot %lld", (long long)n, (long long)pos,
                             (long long)*slot);
                cr_assert_eq(vp_tab_slot(t, (int32_t)count), slot);
                count++;
            }
        }
    }
    cr_expect_eq(vp_tab_count(t), count);
    vp_key_free(&k);
    vp_tab_free(t);
}

Test(keys, long_keys_of_several_values_are_found_after_growth)
{
    vp_tab *t = vp_tab_new(16, 100000);
    vp_key k = {0};
    enum { N = 3000 };
    char s[64];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++) {
            int len = snprintf(s, sizeof s, "a-rather-long-partition-key-%d", i);
            k.n = 0;
            vp_key_add(&k, vp_box_str(vp_lit(s, len)));
            vp_key_add(&k, vp_box_int(i % 3));
            bool is_new;
            int64_t *slot = vp_tab_get(t, &k, &is_new);
            cr_assert_not_null(slot);
            cr_assert_eq(is_new, round == 0);
            if (is_new) slot[0] = i;
            cr_assert_eq(slot[0], i);
            cr_assert_eq(vp_tab_find(t, &k), slot);
        }
    }
    cr_expect_eq(vp_tab_count(t), N);
    k.n = 0;
    vp_key_add(&k, vp_box_str(vp_lit("a-rather-long-partition-key-never-seen", 38)));
    cr_expect_null(vp_tab_find(t, &k));
    vp_key_free(&k);
    vp_tab_free(t);
}

/* How many of `buckets` (a power of two) the low hash bits of the keys
 * printf(fmt, 1..nkeys) land in. Random placement fills about
 * buckets * (1 - e^(-nkeys / buckets)). */
static int64_t buckets_hit(const char *fmt, int nkeys, int64_t buckets)
{
    char *hit = calloc((size_t)buckets, 1);
    vp_key k = {0};
    int64_t used = 0;
    for (int i = 1; i <= nkeys; i++) {
        char s[32];
        int len = snprintf(s, sizeof s, fmt, i);
        k.n = 0;
        vp_key_add(&k, vp_box_str(vp_lit(s, len)));
        uint64_t b = rt_hash(k.p, k.n) & (uint64_t)(buckets - 1);
        if (!hit[b]) used++;
        hit[b] = 1;
    }
    vp_key_free(&k);
    free(hit);
    return used;
}

Test(keys, hash_spreads_typical_keys_over_the_bucket_bits)
{
    cr_expect_geq(buckets_hit("S%03d", 100, 256), 70);         /* random: ~83 */
    cr_expect_geq(buckets_hit("S%03d", 100, 128), 45);         /* random: ~70 */
    cr_expect_geq(buckets_hit("user%d", 10000, 16384), 7000);  /* random: ~7480 */
    cr_expect_geq(buckets_hit("u%05d", 10000, 16384), 7000);
    cr_expect_geq(buckets_hit("%d", 100000, 262144), 80000);   /* random: ~83200 */
    cr_expect_geq(buckets_hit("k%08x", 50000, 65536), 34000);  /* random: ~35200 */
}

Test(keys, hash_depends_on_every_byte_and_the_length)
{
    char a[40], b[40];
    fill(a, 40, 1);
    for (int64_t n = 1; n <= 40; n++) {
        for (int64_t pos = 0; pos < n; pos++) {
            memcpy(b, a, (size_t)n);
            b[pos] ^= 1;
            cr_expect_neq(rt_hash(a, n), rt_hash(b, n), "length %lld pos %lld", (long long)n, (long long)pos);
        }
        cr_expect_neq(rt_hash(a, n), rt_hash(a, n - 1), "length %lld", (long long)n);
    }
}
