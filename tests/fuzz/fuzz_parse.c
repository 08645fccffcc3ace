/* fuzz_parse.c — libFuzzer target for the front end and the C emitter:
 * arbitrary bytes go through the lexer, the parser, the AST dump, the checker
 * and, when the program is valid, the emitter. Any crash, sanitizer report,
 * hang, leak or internal compiler error (exit 70) is a bug. Diagnostics are
 * printed to /dev/null so that their rendering is exercised too. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    vpc_ctx ctx;
    vpc_ctx_init(&ctx);
    vpc_ast ast = {0};
    vpc_program *prog = vpc_frontend(&ctx, "fuzz.vpl", text, &ast, sink);
    vpc_buf out = {0};
    vpc_ast_dump(&ast, &out);
    if (prog) {
        out.n = 0;
        vpc_generate(&ctx, prog, "fuzz.c", true, true, &out);
    }
    vpc_buf_free(&out);
    vpc_ctx_free(&ctx);
    free(text);
    return 0;
}
