/* vec.c — growable arrays of fixed-size elements (window rows, lists of
 * open windows, the queue of rows for dependent streams), and sorting. */
#include <stdlib.h>

#include "rt.h"

/* Arrays of more elements and bytes than this are released when cleared:
 * memory taken by one burst does not stay taken, and a few wide elements
 * are kept. */
#define VEC_KEEP_ELEMS 64
#define VEC_KEEP_BYTES ((int64_t)64 << 10)

void *vp_vec_push(vp_vec *v, int64_t elem, int64_t max)
{
    if (max >= 0 && v->n >= max) return NULL;
    if (v->n == v->cap) {
        int64_t cap = v->cap ? v->cap * 2 : 16;
        if (max >= 0 && cap > max) cap = max;
        void *p = realloc(v->p, (size_t)(cap * elem));
        if (!p) rt_oom();
        v->p = p;
        v->cap = cap;
    }
    return (char *)v->p + v->n++ * elem;
}

void vp_vec_clear(vp_vec *v, int64_t elem)
{
    v->n = 0;
    if (v->cap > VEC_KEEP_ELEMS && v->cap * elem > VEC_KEEP_BYTES) vp_vec_free(v);
}

void vp_vec_free(vp_vec *v)
{
    free(v->p);
    v->p = NULL;
    v->n = v->cap = 0;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

void vp_sort_i32(int32_t *a, int64_t n)
{
    if (n > 1) qsort(a, (size_t)n, sizeof *a, cmp_i32);
}
