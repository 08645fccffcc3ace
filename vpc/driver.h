/* driver.h — the pipeline as one call per stage group, shared by the CLI
 * and the tests: load + parse (following imports) + check, then emit. */
#ifndef VPC_DRIVER_H
#define VPC_DRIVER_H

#include "ir.h"

/* Loads `path` (or text, when non-NULL) and runs lex, parse, check.
 * Diagnostics are printed to `diag_out` (a FILE*). NULL on user errors. */
vpc_program *vpc_frontend(vpc_ctx *ctx, const char *path, const char *text, vpc_ast *ast, void *diag_out);
/* Generated file name for a .vpl path: its base name with .c. */
const char *vpc_c_name(vpc_ctx *ctx, const char *vpl_path);
/* C for a checked program. */
void vpc_generate(vpc_ctx *ctx, vpc_program *prog, const char *c_name, bool line_dirs, bool fast_path,
                  vpc_buf *out);

#endif /* VPC_DRIVER_H */
