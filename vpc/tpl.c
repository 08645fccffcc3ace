/* tpl.c — template lookup and hole filling. */
#include <stdlib.h>
#include <string.h>

#include "tpl.h"

#include "embedded.inc"

const char *vpc_embedded_file(const char *name, size_t *len)
{
    for (size_t i = 0; i < sizeof vpc_embedded / sizeof vpc_embedded[0]; i++) {
        if (strcmp(vpc_embedded[i].name, name) == 0) {
            if (len) *len = vpc_embedded[i].len;
            return vpc_embedded[i].text;
        }
    }
    return NULL;
}

void vpc_tpl_render(vpc_cw *w, const char *name, vpc_tpl_hole_fn fill, void *ud)
{
    size_t len;
    const char *t = vpc_embedded_file(name, &len);
    if (!t) vpc_ice("template '%s' is not embedded", name);
    const char *p = t, *end = t + len;
    while (p < end) {
        const char *h = strstr(p, "@@");
        if (!h || h >= end) {
            vpc_cw_raw(w, p, (size_t)(end - p));
            break;
        }
        const char *he = strstr(h + 2, "@@");
        if (!he || he >= end) vpc_ice("template '%s': unterminated hole", name);
        vpc_cw_raw(w, p, (size_t)(h - p));
        char hole[64];
        size_t hn = (size_t)(he - (h + 2));
        if (hn == 0 || hn >= sizeof hole) vpc_ice("template '%s': bad hole", name);
        memcpy(hole, h + 2, hn);
        hole[hn] = 0;
        if (!fill(w, hole, ud)) vpc_ice("template '%s': unknown hole @@%s@@", name, hole);
        p = he + 2;
        /* a hole alone on its line fills whole lines: drop the template's newline */
        if (p < end && *p == '\n' && (h == t || h[-1] == '\n')) p++;
    }
}
