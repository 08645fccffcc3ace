/* tpl.h — templates/ *.c.tpl: ordinary C with @@NAME@@ holes, embedded in vpc
 * at build time. Holes are dumb slots; an unknown or unfilled hole is an ICE. */
#ifndef VPC_TPL_H
#define VPC_TPL_H

#include "cw.h"

/* Fills hole `name` by writing to w; returns false if the name is unknown. */
typedef bool (*vpc_tpl_hole_fn)(vpc_cw *w, const char *name, void *ud);

/* The embedded file's text (templates and vp.h), or NULL. */
const char *vpc_embedded_file(const char *name, size_t *len);
/* Writes template `name`, calling fill for each hole in order. */
void vpc_tpl_render(vpc_cw *w, const char *name, vpc_tpl_hole_fn fill, void *ud);

#endif /* VPC_TPL_H */
