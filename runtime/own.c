/* own.c — memory owned by operator state: arenas of blocks that never move,
 * and copies of strings, values and raw events into them (or into the
 * current input's scratch memory, for rows handed on). */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define ARENA_FIRST ((size_t)64) /* many arenas hold one short string (pattern runs) */
#define ARENA_KEEP ((size_t)64 << 10) /* a cleared arena keeps one block up to this size */
#define ALIGN 16

struct vp_blk {
    vp_blk *next; /* older, smaller blocks */
    size_t size;
    max_align_t mem[];
};

_Noreturn void rt_oom(void)
{
    fputs("vprt: out of memory\n", stderr);
    exit(2);
}

void *rt_arena_alloc(vp_arena *a, size_t n)
{
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (!a->head || a->head->size - (size_t)a->used < need) {
        size_t size = a->head ? a->head->size * 2 : ARENA_FIRST;
        while (size < need) size *= 2;
        vp_blk *b = malloc(sizeof *b + size);
        if (!b) rt_oom();
        b->next = a->head;
        b->size = size;
        a->spread = a->head != NULL || size > ARENA_KEEP;
        a->head = b;
        a->used = 0;
    }
    void *p = (char *)a->head->mem + a->used;
    a->used += (int64_t)need;
    return p;
}

static void free_chain(vp_blk *b)
{
    while (b) {
        vp_blk *next = b->next;
        free(b);
        b = next;
    }
}

void vp_arena_clear(vp_arena *a)
{
    a->used = 0;
    /* the common case touches only the arena itself, not its block: clearing
     * many small arenas (join rows, windows) stays out of the cache */
    if (!a->spread) return;
    a->spread = 0;
    free_chain(a->head->next);
    a->head->next = NULL;
    if (a->head->size > ARENA_KEEP) {
        free(a->head);
        a->head = NULL;
    }
    a->used = 0;
}

void vp_arena_free(vp_arena *a)
{
    free_chain(a->head);
    a->head = NULL;
    a->used = 0;
    a->spread = 0;
}

/* n bytes from arena a, or from scratch memory when a is NULL (NULL when
 * the input's scratch memory is exhausted; counted there). */
static void *own_alloc(vp_ctx *ctx, vp_arena *a, size_t n)
{
    return a ? rt_arena_alloc(a, n) : vp_scratch(ctx, (int64_t)n);
}

vp_str vp_own_str(vp_ctx *ctx, vp_arena *a, vp_str s)
{
    if (s.n <= 0) return vp_lit("", 0);
    char *p = own_alloc(ctx, a, (size_t)s.n);
    if (!p) return vp_lit("", 0);
    memcpy(p, s.p, (size_t)s.n);
    return vp_lit(p, s.n);
}

vp_val vp_own_val(vp_ctx *ctx, vp_arena *a, vp_val v)
{
    if (v.tag == VP_STR || v.tag == VP_JSON) v.u.s = vp_own_str(ctx, a, v.u.s);
    return v;
}

const vp_event *vp_own_event(vp_ctx *ctx, vp_arena *a, const vp_event *ev)
{
    if (!ev) return NULL;
    /* one block: the event, its fields, then every byte they point to */
    size_t nf = ev->nfields > 0 ? (size_t)ev->nfields : 0;
    size_t bytes = (size_t)(ev->type.n > 0 ? ev->type.n : 0);
    for (size_t i = 0; i < nf; i++)
        bytes += (size_t)(ev->fields[i].key.n > 0 ? ev->fields[i].key.n : 0) +
                 (size_t)(ev->fields[i].raw.n > 0 ? ev->fields[i].raw.n : 0);
    size_t head = sizeof(vp_event) + nf * sizeof(vp_field);
    char *mem = own_alloc(ctx, a, head + bytes);
    if (!mem) { /* scratch memory exhausted (counted): an event without fields */
        static const vp_event none;
        return &none;
    }
    vp_event *copy = (vp_event *)mem;
    vp_field *fields = (vp_field *)(mem + sizeof(vp_event));
    char *p = mem + head;
    *copy = *ev;
    copy->fields = fields;
#define COPY_STR(dst, src)                                                                         \
    do {                                                                                           \
        (dst) = (src);                                                                             \
        if ((src).n > 0) {                                                                         \
            memcpy(p, (src).p, (size_t)(src).n);                                                   \
            (dst).p = p;                                                                           \
            p += (src).n;                                                                          \
        }                                                                                          \
    } while (0)
    COPY_STR(copy->type, ev->type);
    for (size_t i = 0; i < nf; i++) {
        fields[i] = ev->fields[i];
        COPY_STR(fields[i].key, ev->fields[i].key);
        COPY_STR(fields[i].raw, ev->fields[i].raw);
    }
#undef COPY_STR
    return copy;
}
