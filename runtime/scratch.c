/* scratch.c — per-input scratch memory: a bump allocator over a chain of
 * blocks kept across inputs, so the steady state allocates nothing. Each
 * input may use RT_SCRATCH_LIMIT bytes; beyond that vp_scratch returns NULL
 * and counts it. */
#include <stddef.h>
#include <stdlib.h>

#include "rt.h"

#define FIRST_BLOCK ((size_t)64 << 10)
#define ALIGN 16

struct rt_block {
    rt_block *next;
    size_t size;
    max_align_t mem[]; /* aligned for any object */
};

static rt_block *block_new(size_t size)
{
    rt_block *b = malloc(sizeof *b + size);
    if (!b) return NULL;
    b->next = NULL;
    b->size = size;
    return b;
}

void *vp_scratch(vp_ctx *ctx, int64_t n)
{
    if (!ctx || n < 0) return NULL;
    rt_scratch *s = &ctx->scratch;
    size_t need = ((size_t)(n ? n : 1) + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if ((uint64_t)n > RT_SCRATCH_LIMIT || need > RT_SCRATCH_LIMIT - s->total) {
        if (s->exhausted_id < 0) s->exhausted_id = vp_counter(ctx, "scratch memory exhausted");
        vp_count(ctx, s->exhausted_id, 1);
        return NULL;
    }
    /* find a block with room: the current one, a kept later one, or a new one */
    while (s->cur && s->cur->size - s->used < need) {
        if (!s->cur->next) break;
        s->cur = s->cur->next;
        s->used = 0;
    }
    if (!s->cur || s->cur->size - s->used < need) {
        size_t size = s->cur ? s->cur->size * 2 : FIRST_BLOCK;
        if (size < need) size = need;
        rt_block *b = block_new(size);
        if (!b) return NULL;
        if (s->cur)
            s->cur->next = b;
        else
            s->first = b;
        s->cur = b;
        s->used = 0;
    }
    void *p = (char *)s->cur->mem + s->used;
    s->used += need;
    s->total += need;
    return p;
}

void rt_scratch_reset(vp_ctx *ctx)
{
    rt_scratch *s = &ctx->scratch;
    s->cur = s->pin_block ? s->pin_block : s->first;
    s->used = s->pin_block ? s->pin_used : 0;
    s->total = 0;
}

void rt_scratch_pin(vp_ctx *ctx)
{
    rt_scratch *s = &ctx->scratch;
    s->pin_block = s->cur;
    s->pin_used = s->used;
    s->total = 0;
}

void rt_scratch_free(rt_scratch *s)
{
    rt_block *b = s->first;
    while (b) {
        rt_block *next = b->next;
        free(b);
        b = next;
    }
    s->first = s->cur = s->pin_block = NULL;
    s->used = s->total = s->pin_used = 0;
}
