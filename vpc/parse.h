/* parse.h — recursive descent + precedence climbing over vpc_lex_next.
 * Syntax only. On an error: report, resync at the next declaration, go on. */
#ifndef VPC_PARSE_H
#define VPC_PARSE_H

#include "ast.h"

/* Parses one source into decls appended to `ast` (arena: ctx->ast).
 * Returns false if any syntax error was reported. Imports are not followed
 * here (the driver does that with D_IMPORT). */
bool vpc_parse(vpc_ctx *ctx, const vpc_source *src, vpc_ast *ast);

#endif /* VPC_PARSE_H */
