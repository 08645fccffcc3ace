/* diff.c — the row diff of the differential tests (diff.h). */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>

static const void *at(const void *rows, size_t size, int i) { return (const char *)rows + (size_t)i * size; }

void dt_diff(FILE *f, const dt_rows *d)
{
    int ne = d->ne, ng = d->ng;
    const void *e = d->exp, *g = d->got;
    uint16_t *l = (int64_t)(ne + 1) * (ng + 1) <= (1 << 24) ? calloc((size_t)(ne + 1) * (size_t)(ng + 1), 2) : NULL;
    if (!l) {
        for (int j = 0; j < ne; j++) d->print(f, "- ", at(e, d->size, j));
        for (int j = 0; j < ng; j++) d->print(f, "+ ", at(g, d->size, j));
        return;
    }
#define L(a, b) l[(size_t)(a) * (size_t)(ng + 1) + (size_t)(b)]
#define SAME(a, b) d->same(at(e, d->size, a), at(g, d->size, b))
    for (int a = ne - 1; a >= 0; a--)
        for (int b = ng - 1; b >= 0; b--)
            L(a, b) = SAME(a, b) ? (uint16_t)(L(a + 1, b + 1) + 1) : (L(a + 1, b) > L(a, b + 1) ? L(a + 1, b) : L(a, b + 1));
    int a = 0, b = 0;
    while (a < ne || b < ng) {
        if (a < ne && b < ng && SAME(a, b)) d->print(f, "  ", at(g, d->size, b)), a++, b++;
        else if (b == ng || (a < ne && L(a + 1, b) >= L(a, b + 1))) d->print(f, "- ", at(e, d->size, a++));
        else d->print(f, "+ ", at(g, d->size, b++));
    }
#undef SAME
#undef L
    free(l);
}
