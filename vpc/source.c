/* source.c — loads program text and builds the line table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpc.h"

enum { VPC_MAX_SOURCE = 64 << 20 };

vpc_source *vpc_source_from_text(vpc_ctx *c, const char *name, const char *text, size_t n)
{
    if (n > UINT32_MAX - 1) n = UINT32_MAX - 1;
    vpc_source *s = VPC_NEW(&c->perm, vpc_source);
    s->name = vpc_arena_strdup(&c->perm, name, strlen(name));
    s->text = vpc_arena_strdup(&c->perm, text, n);
    s->len = (uint32_t)n;
    uint32_t nl = 1;
    for (size_t i = 0; i < n; i++) nl += text[i] == '\n';
    s->lines = VPC_NEW_N(&c->perm, uint32_t, nl);
    s->nlines = 0;
    s->lines[s->nlines++] = 0;
    for (uint32_t i = 0; i < s->len; i++)
        if (s->text[i] == '\n') s->lines[s->nlines++] = i + 1;
    if (c->nsources == c->capsources) {
        c->capsources = c->capsources ? c->capsources * 2 : 8;
        c->sources = realloc(c->sources, c->capsources * sizeof *c->sources);
        if (!c->sources) vpc_ice("out of memory");
    }
    c->sources[c->nsources++] = s;
    return s;
}

vpc_source *vpc_source_load(vpc_ctx *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "vpc: error: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    vpc_buf b = {0};
    char chunk[65536];
    size_t n;
    bool too_big = false;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        vpc_buf_put(&b, chunk, n);
        if (b.n > VPC_MAX_SOURCE) { /* also stops endless files such as /dev/zero */
            too_big = true;
            break;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad || too_big) {
        if (too_big) fprintf(stderr, "vpc: error: '%s' is larger than %d MiB\n", path, VPC_MAX_SOURCE >> 20);
        else fprintf(stderr, "vpc: error: cannot read '%s'\n", path);
        vpc_buf_free(&b);
        return NULL;
    }
    vpc_source *s = vpc_source_from_text(c, path, b.p ? b.p : "", b.n);
    vpc_buf_free(&b);
    return s;
}

uint32_t vpc_source_index(vpc_ctx *c, const vpc_source *s)
{
    for (uint32_t i = 0; i < c->nsources; i++)
        if (c->sources[i] == s) return i;
    vpc_ice("source not registered");
}

void vpc_source_linecol(const vpc_source *s, uint32_t off, uint32_t *line, uint32_t *col)
{
    uint32_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (s->lines[mid] <= off) lo = mid;
        else hi = mid;
    }
    *line = lo + 1;
    *col = off - s->lines[lo] + 1;
}
