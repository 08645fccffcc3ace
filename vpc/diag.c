/* diag.c — diagnostics: collected per stage, printed in source order in the
 * GNU form  file:line:col: error: msg  with the source line and a caret. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpc.h"

void vpc_ctx_init(vpc_ctx *c)
{
    memset(c, 0, sizeof *c);
    vpc_symtab_init(&c->syms, &c->perm);
}

void vpc_ctx_free(vpc_ctx *c)
{
    vpc_symtab_free(&c->syms);
    free(c->sources);
    free(c->diags);
    vpc_arena_free(&c->ast);
    vpc_arena_free(&c->ir);
    vpc_arena_free(&c->perm);
}

static void add(vpc_ctx *c, vpc_sev sev, vpc_span at, const char *wname, const char *fmt,
                va_list ap)
{
    if (sev == VPC_SEV_WARNING && c->no_warnings) return;
    if (sev == VPC_SEV_WARNING && c->werror) sev = VPC_SEV_ERROR;
    vpc_buf b = {0};
    vpc_buf_vprintf(&b, fmt, ap);
    if (c->ndiags == c->capdiags) {
        c->capdiags = c->capdiags ? c->capdiags * 2 : 16;
        c->diags = realloc(c->diags, c->capdiags * sizeof *c->diags);
        if (!c->diags) vpc_ice("out of memory");
    }
    vpc_diag *d = &c->diags[c->ndiags];
    d->sev = sev;
    d->span = at;
    d->msg = vpc_arena_strdup(&c->perm, b.p, b.n);
    d->wname = wname;
    d->seq = c->ndiags++;
    vpc_buf_free(&b);
    if (sev == VPC_SEV_ERROR) c->nerr++;
    else if (sev == VPC_SEV_WARNING) c->nwarn++;
}

void vpc_error(vpc_ctx *c, vpc_span at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(c, VPC_SEV_ERROR, at, NULL, fmt, ap);
    va_end(ap);
}

void vpc_warn(vpc_ctx *c, vpc_span at, const char *wname, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(c, VPC_SEV_WARNING, at, wname, fmt, ap);
    va_end(ap);
}

void vpc_note(vpc_ctx *c, vpc_span at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(c, VPC_SEV_NOTE, at, NULL, fmt, ap);
    va_end(ap);
}

static int diag_cmp(const void *pa, const void *pb)
{
    const vpc_diag *a = pa, *b = pb;
    if (a->span.file != b->span.file) return a->span.file < b->span.file ? -1 : 1;
    if (a->span.off != b->span.off) return a->span.off < b->span.off ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void print_one(vpc_ctx *c, FILE *f, const vpc_diag *d)
{
    static const char *const sev[] = {"error", "warning", "note"};
    if (d->span.file >= c->nsources) {
        fprintf(f, "vpc: %s: %s\n", sev[d->sev], d->msg);
        return;
    }
    const vpc_source *s = c->sources[d->span.file];
    uint32_t off = d->span.off > s->len ? s->len : d->span.off;
    uint32_t line, col;
    vpc_source_linecol(s, off, &line, &col);
    fprintf(f, "%s:%u:%u: %s: %s", s->name, line, col, sev[d->sev], d->msg);
    if (d->wname) fprintf(f, " [-W%s]", d->wname);
    fputc('\n', f);
    /* the source line verbatim, then the caret under the span (same tabs) */
    const char *ls = s->text + s->lines[line - 1];
    const char *le = ls;
    while (*le && *le != '\n' && *le != '\r') le++;
    fprintf(f, "    %.*s\n    ", (int)(le - ls), ls);
    for (const char *p = ls; p < s->text + off && p < le; p++) fputc(*p == '\t' ? '\t' : ' ', f);
    fputc('^', f);
    uint32_t len = d->span.len;
    uint32_t end = (uint32_t)(le - s->text); /* the caret stays on the printed line */
    len = off >= end ? 0 : (off + len > end ? end - off : len);
    for (uint32_t i = 1; i < len; i++) fputc('~', f);
    fputc('\n', f);
}

void vpc_diag_flush(vpc_ctx *c, void *file)
{
    FILE *f = file;
    if (c->ndiags) qsort(c->diags, c->ndiags, sizeof *c->diags, diag_cmp);
    for (uint32_t i = 0; i < c->ndiags; i++) print_one(c, f, &c->diags[i]);
    c->ndiags = 0;
    fflush(f);
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

const char *vpc_suggest(const char *name, const char *const *cands, size_t ncands)
{
    size_t limit = strlen(name) <= 3 ? 1 : strlen(name) <= 6 ? 2 : 3;
    const char *best = NULL;
    size_t bestd = limit + 1;
    for (size_t i = 0; i < ncands; i++) {
        if (!cands[i] || strcmp(cands[i], name) == 0) continue;
        size_t d = edit_distance(name, cands[i]);
        if (d < bestd) {
            bestd = d;
            best = cands[i];
        }
    }
    return best;
}

_Noreturn void vpc_ice_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "vpc: internal compiler error at %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(70);
}
