/* backend.c — what both backends share: the header expansion. */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "tpl.h"

void vpc_backend_expand(const char *c_name, const char *c_text, vpc_buf *out)
{
    static const char inc[] = "#include \"vp.h\"\n";
    const char *at = strstr(c_text, inc);
    if (!at) vpc_ice("generated unit does not include vp.h");
    size_t hlen;
    const char *h = vpc_embedded_file("vp.h", &hlen);
    if (!h) vpc_ice("vp.h is not embedded");
    uint32_t line = 1;
    for (const char *p = c_text; p < at; p++) line += *p == '\n';
    vpc_buf_put(out, c_text, (size_t)(at - c_text));
    vpc_buf_puts(out, "#line 1 \"vp.h\"\n");
    vpc_buf_put(out, h, hlen);
    if (hlen && h[hlen - 1] != '\n') vpc_buf_putc(out, '\n');
    vpc_buf_printf(out, "#line %u \"%s\"\n", line + 1, c_name);
    vpc_buf_puts(out, at + sizeof inc - 1);
}

#ifndef VPC_WITH_TCC
int vpc_backend_tcc_run(const char *c_name, const char *c_text, int argc, char **argv, double *tcc_ns,
                        double stats_t0_ms)
{
    fprintf(stderr, "vpc: error: this vpc was built without the libtcc backend; use `vpc build`\n");
    return 2;
}
#endif
