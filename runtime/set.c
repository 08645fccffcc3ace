/* set.c — sets of distinct values for count(distinct x), one per window:
 * cleared (not freed) when the window closes. */
#include <stdlib.h>

#include "rt.h"

typedef struct rt_set {
    rt_kidx idx;
    vp_key key; /* the value being looked up */
} rt_set;

int32_t vp_set_add(vp_set *s, vp_val v, bool room)
{
    if (!s->impl) {
        s->impl = calloc(1, sizeof(rt_set));
        if (!s->impl) rt_oom();
    }
    rt_set *r = s->impl;
    r->key.n = 0;
    vp_key_add(&r->key, v);
    bool is_new;
    if (rt_kidx_get(&r->idx, r->key.p, r->key.n, room, &is_new) < 0) return -1;
    if (!is_new) return 0;
    s->n++;
    return 1;
}

void vp_set_clear(vp_set *s)
{
    s->n = 0;
    if (s->impl) rt_kidx_clear(&((rt_set *)s->impl)->idx);
}

void vp_set_free(vp_set *s)
{
    rt_set *r = s->impl;
    if (r) {
        rt_kidx_free(&r->idx);
        vp_key_free(&r->key);
        free(r);
    }
    s->impl = NULL;
    s->n = 0;
}
