/* coll.c — array and map builtins: first, last, get (LANGUAGE.md §9).
 * Arrays and maps are VP_JSON values; negative indices count from the end. */
#include "bi.h"

#define NEED(n)                                \
    do {                                       \
        if (argc < (n) || !argv) return vp_null(); \
    } while (0)

/* Element k (0-based) of an array, null when out of range. */
static vp_val element(vp_ctx *ctx, vp_val arr, int64_t k)
{
    vp_json_it it = {arr.u.s, 0};
    vp_val e;
    for (int64_t i = 0; vp_json_next(ctx, &it, NULL, i == k ? &e : NULL); i++)
        if (i == k) return e;
    return vp_null();
}

vp_val vp_b_first(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    return bi_is_array(argv[0]) ? element(ctx, argv[0], 0) : vp_null();
}

vp_val vp_b_last(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(1);
    if (!bi_is_array(argv[0])) return vp_null();
    int64_t n = bi_json_count(ctx, argv[0]);
    return n ? element(ctx, argv[0], n - 1) : vp_null();
}

/* get(a, i) on arrays; get(m, key) on maps (duplicate keys: the last). */
vp_val vp_b_get(vp_ctx *ctx, int32_t argc, const vp_val *argv)
{
    NEED(2);
    vp_val c = argv[0], k = argv[1];
    if (bi_is_array(c) && k.tag == VP_INT) {
        int64_t i = k.u.i;
        if (i < 0) {
            int64_t n = bi_json_count(ctx, c);
            if (i < -n) return vp_null();
            i += n;
        }
        return element(ctx, c, i);
    }
    if (bi_is_map(c) && k.tag == VP_STR) {
        vp_json_it it = {c.u.s, 0};
        vp_str key;
        vp_val v, found = vp_null();
        while (vp_json_next(ctx, &it, &key, &v))
            if (key.p && vp_str_eq(key, k.u.s)) found = v;
        return found;
    }
    return vp_null();
}
