/* str.c — growable text buffers and symbol interning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpc.h"

static void buf_reserve(vpc_buf *b, size_t extra)
{
    if (b->n + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + extra + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) vpc_ice("out of memory (buffer of %zu bytes)", cap);
    b->p = p;
    b->cap = cap;
}

void vpc_buf_put(vpc_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void vpc_buf_puts(vpc_buf *b, const char *s) { vpc_buf_put(b, s, strlen(s)); }
void vpc_buf_putc(vpc_buf *b, char c) { vpc_buf_put(b, &c, 1); }

void vpc_buf_vprintf(vpc_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) vpc_ice("bad format '%s'", fmt);
    buf_reserve(b, (size_t)n);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    b->n += (size_t)n;
}

void vpc_buf_printf(vpc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vpc_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *vpc_buf_cstr(vpc_buf *b)
{
    buf_reserve(b, 0);
    b->p[b->n] = 0;
    return b->p;
}

void vpc_buf_free(vpc_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

/* FNV-1a: stable across runs, so nothing depends on pointer values. */
static uint32_t hash_bytes(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

void vpc_symtab_init(vpc_symtab *t, vpc_arena *a)
{
    t->nslots = 256;
    t->count = 0;
    t->slots = calloc(t->nslots, sizeof *t->slots);
    if (!t->slots) vpc_ice("out of memory");
    t->arena = a;
}

void vpc_symtab_free(vpc_symtab *t)
{
    free(t->slots);
    t->slots = NULL;
}

static void symtab_grow(vpc_symtab *t)
{
    size_t n = t->nslots * 2;
    vpc_sym **s = calloc(n, sizeof *s);
    if (!s) vpc_ice("out of memory");
    for (size_t i = 0; i < t->nslots; i++) {
        for (vpc_sym *y = t->slots[i], *nx; y; y = nx) {
            nx = y->next;
            y->next = s[y->hash & (n - 1)];
            s[y->hash & (n - 1)] = y;
        }
    }
    free(t->slots);
    t->slots = s;
    t->nslots = n;
}

vpc_sym *vpc_intern(vpc_symtab *t, const char *p, size_t n)
{
    uint32_t h = hash_bytes(p, n);
    for (vpc_sym *y = t->slots[h & (t->nslots - 1)]; y; y = y->next)
        if (y->hash == h && y->len == n && memcmp(y->name, p, n) == 0) return y;
    if (t->count * 2 >= t->nslots) symtab_grow(t);
    vpc_sym *y = VPC_NEW(t->arena, vpc_sym);
    y->name = vpc_arena_strdup(t->arena, p, n);
    y->len = (uint32_t)n;
    y->hash = h;
    y->next = t->slots[h & (t->nslots - 1)];
    t->slots[h & (t->nslots - 1)] = y;
    t->count++;
    return y;
}

bool vpc_sym_is(const vpc_sym *s, const char *lit)
{
    return s && strcmp(s->name, lit) == 0;
}
