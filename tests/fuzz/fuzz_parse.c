/* fuzz_parse.c — libFuzzer target for the front end: arbitrary bytes go
 * through the lexer, the parser and the AST dump. Any crash, sanitizer
 * report, hang or leak is a bug. (Diagnostics are collected, not printed:
 * printing belongs to diag.c.) */
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vpc_ctx ctx;
    vpc_ctx_init(&ctx);
    vpc_source *src = vpc_source_from_text(&ctx, "fuzz.vpl", (const char *)data, size);
    vpc_ast ast = {0};
    vpc_parse(&ctx, src, &ast);
    vpc_buf out = {0};
    vpc_ast_dump(&ast, &out);
    vpc_buf_free(&out);
    vpc_ctx_free(&ctx);
    return 0;
}
