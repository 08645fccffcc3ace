/* test_emit.c — the C emitter: deterministic text, only ABI symbols, one
 * decoder per consumed type, #line mapping back to the program. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "tpl.h"

static const char *const programs[] = {
    "event StockTick:\n    symbol: str\n    price: float\n    volume: int\n\n"
    "stream HighPrice = StockTick\n    .where(price > 150.0)\n    .emit(symbol: symbol, price: price)\n",

    "const LIMIT = 10\nfn f(x: float) -> str:\n    if x > 1.0:\n        return upper(\"big\")\n    \"small\"\n"
    "stream A = T.where(v > LIMIT).emit(k: f(v), n: now(), s: concat(name, \"!\"))\n"
    "stream B = A.select(k, z: len(k)).emit()\n",

    "event Trade:\n    symbol: str\n    price: float\n    volume: int\n\n"
    "stream V = Trade.partition_by(symbol).window(1m).aggregate(n: count(), d: count(distinct price),\n"
    "    s: sum(price * volume), a: avg(price), lo: min(price), hi: max(price), sd: stddev(price),\n"
    "    f: first(symbol), l: last(symbol), e: ema(price, 5), c: count(volume)).having(n > 1).emit()\n"
    "stream W = V.window(10).emit()\n"
    "stream X = Trade.aggregate(n: count(), f: first(symbol))\n",

    "stream B = Click.window(1s).emit()\nstream C = Click.partition_by(user).window(2).emit()\n",
};

/* Compiles one program text to C; fails the test on diagnostics. */
static char *compile(const char *text)
{
    vpc_ctx ctx;
    vpc_ctx_init(&ctx);
    vpc_ast ast = {0};
    char *diag = NULL;
    size_t dlen = 0;
    FILE *d = open_memstream(&diag, &dlen);
    vpc_program *p = vpc_frontend(&ctx, "prog.vpl", text, &ast, d);
    fclose(d);
    cr_assert_not_null(p, "diagnostics: %s", diag);
    free(diag);
    vpc_buf out = {0};
    vpc_generate(&ctx, p, "prog.c", true, true, &out);
    char *s = strdup(vpc_buf_cstr(&out));
    vpc_buf_free(&out);
    vpc_ctx_free(&ctx);
    return s;
}

Test(emit, same_program_gives_identical_c)
{
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        char *a = compile(programs[i]);
        char *b = compile(programs[i]);
        cr_expect_str_eq(a, b, "program %zu emitted different C twice", i);
        free(a);
        free(b);
    }
}

/* A function generated code may call: listed in vp_abi.def or builtins.def
 * (the JIT hands exactly these to libtcc), or a static inline helper of vp.h. */
static bool allowed(const char *name, size_t n)
{
    static const char *const abi[] = {
#define VP_ABI(x) #x,
#include "vp_abi.def"
#undef VP_ABI
#define VP_BUILTIN(nm, mi, ma, r, sym) #sym,
#include "builtins.def"
#undef VP_BUILTIN
    };
    for (size_t i = 0; i < sizeof abi / sizeof abi[0]; i++)
        if (strlen(abi[i]) == n && !strncmp(abi[i], name, n)) return true;
    size_t hlen;
    const char *h = vpc_embedded_file("vp.h", &hlen);
    static const char *const markers[] = {"\nstatic inline ", "\nVP_HOT_INLINE "};
    for (size_t m = 0; m < 2; m++) {
        for (const char *p = h; (p = strstr(p, markers[m])) != NULL; p++) {
            const char *paren = strchr(p, '(');
            const char *nm = paren;
            while (nm > p && nm[-1] != ' ' && nm[-1] != '*') nm--;
            if ((size_t)(paren - nm) == n && !strncmp(nm, name, n)) return true;
        }
    }
    return false;
}

Test(emit, generated_code_uses_only_listed_runtime_symbols)
{
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        char *c = compile(programs[i]);
        for (const char *p = c; (p = strstr(p, "vp_")) != NULL;) {
            bool word_start = p == c || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z') ||
                                          (p[-1] >= '0' && p[-1] <= '9') || p[-1] == '_');
            size_t n = 0;
            while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_') n++;
            if (word_start && p[n] == '(')
                cr_expect(allowed(p, n), "unlisted runtime function '%.*s' in emitted C", (int)n, p);
            p += n;
        }
        free(c);
    }
}

Test(emit, one_decoder_per_consumed_type)
{
    char *c = compile("event A:\n    x: int\nevent B:\n    y: int\nevent Unused:\n    z: int\n"
                      "stream S1 = A.emit(x: x)\nstream S2 = A.where(x > 1).emit()\nstream S3 = B.emit()\n");
    cr_expect_not_null(strstr(c, "static void dec_A("));
    cr_expect_not_null(strstr(c, "static void dec_B("));
    cr_expect_null(strstr(c, "dec_Unused("), "a type no stream reads needs no decoder");
    /* the fused handler runs both streams of A, in declaration order */
    const char *h = strstr(c, "static void run_A(");
    cr_assert_not_null(h);
    const char *s1 = strstr(h, "st_S1(ctx, ev);"), *s2 = strstr(h, "st_S2(ctx, ev);");
    cr_expect(s1 && s2 && s1 < s2);
    free(c);
}

Test(emit, line_directives_point_at_the_program)
{
    char *c = compile(programs[0]);
    cr_expect_not_null(strstr(c, "#line 7 \"prog.vpl\""), "the .where() condition is on line 7");
    /* every #line back to the C file names the line that follows it */
    int line = 1;
    for (const char *p = c; *p; p++) {
        if (*p != '\n') continue;
        line++;
        unsigned want;
        char file[64];
        if (sscanf(p + 1, "#line %u \"%63[^\"]\"", &want, file) == 2 && !strcmp(file, "prog.c"))
            cr_expect_eq(want, (unsigned)line + 1);
    }
    free(c);
}

Test(emit, no_line_directives_when_disabled)
{
    vpc_ctx ctx;
    vpc_ctx_init(&ctx);
    vpc_ast ast = {0};
    vpc_program *p = vpc_frontend(&ctx, "prog.vpl", programs[0], &ast, stderr);
    cr_assert_not_null(p);
    vpc_buf out = {0};
    vpc_generate(&ctx, p, "prog.c", false, true, &out);
    cr_expect_null(strstr(vpc_buf_cstr(&out), "#line"));
    vpc_buf_free(&out);
    vpc_ctx_free(&ctx);
}

Test(emit, time_windows_close_at_end_sources_first)
{
    char *c = compile("stream Late = Early.window(1m).aggregate(n: count())\n"
                      "stream Early = T.window(10s).emit()\n");
    const char *end = strstr(c, "static void q_on_end(");
    cr_assert_not_null(end);
    const char *early = strstr(end, "wclose_Early(ctx, true);"), *late = strstr(end, "wclose_Late(ctx, true);");
    const char *drain = strstr(end, "q_drain(ctx);");
    cr_expect(early && late && drain && early < drain && drain < late,
              "Early closes and its rows reach Late before Late closes");
    free(c);
}
