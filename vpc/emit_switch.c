/* emit_switch.c — the generated matcher for member and type names:
 *     switch (len) { case N: if (vp_mem_eq(p, "name", N)) { ... } break; ... }
 * one place for the decoders, the dispatch and the fast path. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"

typedef struct named {
    vpc_sym *name;
    size_t index;
} named;

static int named_cmp(const void *a, const void *b)
{
    const named *x = a, *y = b;
    if (x->name->len != y->name->len) return x->name->len < y->name->len ? -1 : 1;
    return strcmp(x->name->name, y->name->name);
}

void vpc_emit_name_switch(vpc_emitter *E, const char *len_expr, const char *ptr_expr, vpc_sym *const *names,
                          size_t n, vpc_case_fn body, void *ud)
{
    vpc_cw *w = E->w;
    named *sorted = malloc((n + 1) * sizeof *sorted);
    if (!sorted) vpc_ice("out of memory");
    for (size_t i = 0; i < n; i++) sorted[i] = (named){names[i], i};
    if (n) qsort(sorted, n, sizeof *sorted, named_cmp);
    vpc_cw_open(w, "switch (%s)", len_expr);
    for (size_t j = 0; j < n;) {
        uint32_t len = sorted[j].name->len;
        vpc_cw_line(w, "case %u:", len);
        w->indent++;
        for (; j < n && sorted[j].name->len == len; j++) {
            vpc_buf lit = {0};
            vpc_cw_escape(&lit, sorted[j].name->name, len);
            vpc_cw_open(w, "if (vp_mem_eq(%s, \"%s\", %u))", ptr_expr, vpc_buf_cstr(&lit), len);
            vpc_buf_free(&lit);
            body(E, sorted[j].index, ud);
            vpc_cw_close(w, NULL);
        }
        vpc_cw_line(w, "break;");
        w->indent--;
    }
    vpc_cw_line(w, "default:");
    vpc_cw_line(w, "    break;");
    vpc_cw_close(w, NULL);
    free(sorted);
}
