/* arena.c — region allocator: blocks are chained and freed together. */
#include <stdlib.h>
#include <string.h>

#include "vpc.h"

struct vpc_arena_block {
    vpc_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_BLOCK = 64 * 1024 };

void *vpc_arena_alloc(vpc_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    vpc_arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b) vpc_ice("out of memory (arena block of %zu bytes)", cap);
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
        a->total += cap;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *vpc_arena_strdup(vpc_arena *a, const char *p, size_t n)
{
    char *s = vpc_arena_alloc(a, n + 1);
    if (n) memcpy(s, p, n);
    s[n] = 0;
    return s;
}

void vpc_arena_free(vpc_arena *a)
{
    for (vpc_arena_block *b = a->head, *nx; b; b = nx) {
        nx = b->next;
        free(b);
    }
    a->head = NULL;
    a->total = 0;
}
