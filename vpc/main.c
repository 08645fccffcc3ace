/* main.c — vpc's command line: argv -> options -> the pipeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ast.h"
#include "backend.h"
#include "driver.h"
#include "lex.h"

enum { EXIT_USER = 1, EXIT_USAGE = 2 };

typedef enum { CMD_BUILD, CMD_RUN, CMD_CHECK, CMD_EMIT_C, CMD_DUMP } vpc_cmd;

typedef struct cli {
    vpc_cmd cmd;
    const char *input;
    const char *output;
    const char *dump;
    bool stats;
    bool line_dirs;
    bool fast_path;
    bool werror, no_warn;
    vpc_cc_opts cc;
    int run_argc;        /* detector arguments (run): any given before the */
    char **run_argv;     /* program file, then every argument after it */
    char *pre_argv[16];
    int pre_argc;
} cli;

/* Detector options `vpc run` also accepts before the program file. */
static int detector_option_arity(const char *a)
{
    if (!strcmp(a, "--input") || !strcmp(a, "--output") || !strcmp(a, "--max-line")) return 1;
    if (!strcmp(a, "--strict") || !strcmp(a, "--quiet")) return 0;
    if (!strncmp(a, "--input=", 8) || !strncmp(a, "--output=", 9) || !strncmp(a, "--max-line=", 11)) return 0;
    return -1;
}

static const char usage_main[] =
    "usage: vpc <file.vpl> -o <binary> [options]   build a native detector\n"
    "       vpc build <file.vpl> -o <binary>        the same\n"
    "       vpc run <file.vpl> [detector options]   compile in memory (libtcc) and run\n"
    "       vpc --jit <file.vpl> [detector options] the same\n"
    "       vpc check <file.vpl>                    report diagnostics only\n"
    "       vpc --emit-c <file.vpl> [-o file.c]     print the generated C\n"
    "       vpc --dump=tokens|ast|c <file.vpl>      print one stage's output\n"
    "\n"
    "Compiler options:\n"
    "  -o FILE           output file (binary for build, C for --emit-c)\n"
    "  --stats           print compile timings on stderr\n"
    "  --no-line-dirs    no #line directives in the generated C\n"
    "  --no-fast-path    no one-pass decoder of plain JSON lines (all lines take the\n"
    "                    runtime's full scanner; results are the same)\n"
    "  -Werror           treat warnings as errors\n"
    "  -w                no warnings\n"
    "  --cc CMD          C compiler for build (default $CC, else cc)\n"
    "  --cflags FLAGS    extra C compiler flags for build (e.g. \"-march=native\")\n"
    "  --runtime PATH    libvprt.a to link (default: found next to vpc)\n"
    "  --keep-c          keep the generated sources of a build\n"
    "  -v                print the C compiler command\n"
    "  -h, --help        this help; `vpc <command> --help` for one command\n"
    "  --version         print the version\n"
    "\n"
    "Detector options (vpc run, and every built binary):\n"
    "  --input FILE      events to read, JSON Lines or .evt (default: stdin)\n"
    "  --output FILE     where results go, JSON Lines (default: stdout)\n"
    "  --strict          stop at the first bad input line (exit status 1)\n"
    "  --stats           print the run summary and throughput on stderr\n"
    "  --quiet           do not report bad input lines (still counted)\n"
    "\n"
    "Exit status: 0 ok, 1 errors in the program (or --strict stop), 2 usage,\n"
    "70 internal compiler error.\n";

static const char usage_run[] =
    "usage: vpc run <file.vpl> [detector options]\n"
    "       vpc --jit <file.vpl> [detector options]\n"
    "\n"
    "Compiles the program in memory with libtcc and runs it: events from --input\n"
    "(default stdin; JSON Lines or .evt, detected per line), results as JSON Lines\n"
    "on --output (default stdout).\n"
    "\n"
    "Detector options: --input FILE, --output FILE, --strict, --stats, --quiet,\n"
    "--max-line BYTES. With --stats vpc also prints its compile time.\n";

static const char usage_build[] =
    "usage: vpc build <file.vpl> -o <binary> [--cc CMD] [--cflags FLAGS] [--runtime PATH] [--keep-c] [-v]\n"
    "       vpc <file.vpl> -o <binary>\n"
    "\n"
    "Compiles the program to C and builds a standalone detector with the system\n"
    "C compiler, linked statically against libvprt.a. Run `<binary> --help` for\n"
    "its options.\n";

static const char usage_check[] =
    "usage: vpc check <file.vpl> [-Werror] [-w]\n"
    "\n"
    "Reports every error and warning as file:line:col with the source line and a\n"
    "caret. Exit status 0 when the program is valid, 1 otherwise.\n";

static const char usage_emit[] =
    "usage: vpc --emit-c <file.vpl> [-o file.c] [--no-line-dirs]\n"
    "       vpc --dump=tokens|ast|c <file.vpl>\n"
    "\n"
    "Prints the generated C (or one stage's output) for review. The same program\n"
    "always gives byte-identical output.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vpc: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'vpc --help'.\n");
    return EXIT_USAGE;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Parses argv into c; returns -1 to go on, else an exit status. */
static int parse_cli(int argc, char **argv, cli *c)
{
    memset(c, 0, sizeof *c);
    c->cmd = CMD_BUILD;
    c->line_dirs = true;
    c->fast_path = true;
    int i = 1;
    const char *help = usage_main;
    if (i < argc) {
        const char *a = argv[i];
        if (!strcmp(a, "build")) { c->cmd = CMD_BUILD; help = usage_build; i++; }
        else if (!strcmp(a, "run")) { c->cmd = CMD_RUN; help = usage_run; i++; }
        else if (!strcmp(a, "check")) { c->cmd = CMD_CHECK; help = usage_check; i++; }
        else if (!strcmp(a, "emit-c")) { c->cmd = CMD_EMIT_C; help = usage_emit; i++; }
    }
    for (; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("vpc %s\n", VPC_VERSION);
            return 0;
        } else if (!strcmp(a, "--jit")) {
            c->cmd = CMD_RUN;
            help = usage_run;
        } else if (!strcmp(a, "--emit-c")) {
            c->cmd = CMD_EMIT_C;
            help = usage_emit;
        } else if (!strncmp(a, "--dump=", 7)) {
            c->cmd = CMD_DUMP;
            c->dump = a + 7;
            if (strcmp(c->dump, "tokens") && strcmp(c->dump, "ast") && strcmp(c->dump, "c"))
                return usage_error("unknown stage '%s' for --dump (tokens, ast, c)", c->dump);
        } else if (!strcmp(a, "-o")) {
            if (!has_next) return usage_error("%s needs a file name", a);
            c->output = argv[++i];
        } else if (!strcmp(a, "--stats")) {
            c->stats = true;
        } else if (!strcmp(a, "--no-line-dirs")) {
            c->line_dirs = false;
        } else if (!strcmp(a, "--no-fast-path")) {
            c->fast_path = false;
        } else if (!strcmp(a, "-Werror")) {
            c->werror = true;
        } else if (!strcmp(a, "-w")) {
            c->no_warn = true;
        } else if (!strcmp(a, "--cc") || !strcmp(a, "--cflags") || !strcmp(a, "--runtime")) {
            if (!has_next) return usage_error("%s needs a value", a);
            const char **dst = !strcmp(a, "--cc") ? &c->cc.cc : !strcmp(a, "--cflags") ? &c->cc.cflags : &c->cc.runtime;
            *dst = argv[++i];
        } else if (!strcmp(a, "--keep-c")) {
            c->cc.keep = true;
        } else if (!strcmp(a, "-v")) {
            c->cc.verbose = true;
        } else if (c->cmd == CMD_RUN && detector_option_arity(a) >= 0 && c->pre_argc < 14) {
            int k = detector_option_arity(a);
            if (k && !has_next) return usage_error("%s needs a value", a);
            c->pre_argv[c->pre_argc++] = (char *)a;
            if (k) c->pre_argv[c->pre_argc++] = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (!c->input) {
            c->input = a;
            if (c->cmd == CMD_RUN) { /* the rest belongs to the detector */
                c->run_argc = argc - i - 1;
                c->run_argv = argv + i + 1;
                break;
            }
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
    }
    if (!c->input) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    if (c->cmd == CMD_BUILD && !c->output) return usage_error("building '%s' needs -o <binary>", c->input);
    return -1;
}

static int dump_tokens(vpc_ctx *ctx, const char *path)
{
    vpc_source *src = vpc_source_load(ctx, path);
    if (!src) return EXIT_USER;
    vpc_lexer lx;
    vpc_lex_init(&lx, ctx, src);
    for (;;) {
        vpc_tok t = vpc_lex_next(&lx);
        uint32_t line, col;
        vpc_source_linecol(src, t.span.off, &line, &col);
        printf("%u:%u %s '%.*s'\n", line, col, vpc_tok_name(t.kind), (int)t.span.len, src->text + t.span.off);
        if (t.kind == VPC_T_EOF) break;
    }
    vpc_diag_flush(ctx, stderr);
    return ctx->nerr ? EXIT_USER : 0;
}

static bool write_text(const char *path, const char *text, size_t n)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "vpc: error: cannot write '%s'\n", path);
        return false;
    }
    bool ok = fwrite(text, 1, n, f) == n;
    if (path) ok = (fclose(f) == 0) && ok;
    else ok = (fflush(f) == 0) && ok;
    return ok;
}

int main(int argc, char **argv)
{
    double t0 = now_ms();
    cli c;
    int rc = parse_cli(argc, argv, &c);
    if (rc >= 0) return rc;
    vpc_ctx ctx;
    vpc_ctx_init(&ctx);
    ctx.werror = c.werror;
    ctx.no_warnings = c.no_warn;
    if (c.cmd == CMD_DUMP && !strcmp(c.dump, "tokens")) {
        rc = dump_tokens(&ctx, c.input);
        vpc_ctx_free(&ctx);
        return rc;
    }
    vpc_ast ast = {0};
    vpc_program *prog = vpc_frontend(&ctx, c.input, NULL, &ast, stderr);
    if (c.cmd == CMD_DUMP && !strcmp(c.dump, "ast") && ast.ndecls) {
        vpc_buf b = {0};
        vpc_ast_dump(&ast, &b);
        write_text(NULL, b.p ? b.p : "", b.n);
        vpc_buf_free(&b);
        vpc_ctx_free(&ctx);
        return prog ? 0 : EXIT_USER;
    }
    if (!prog) {
        vpc_ctx_free(&ctx);
        return EXIT_USER;
    }
    if (c.cmd == CMD_CHECK) {
        vpc_ctx_free(&ctx);
        return 0;
    }
    const char *c_name = vpc_c_name(&ctx, c.input);
    vpc_buf code = {0};
    vpc_generate(&ctx, prog, c_name, c.line_dirs, c.fast_path, &code);
    double t_emit = now_ms();
    switch (c.cmd) {
    case CMD_EMIT_C:
    case CMD_DUMP:
        rc = write_text(c.output, code.p, code.n) ? 0 : EXIT_USER;
        break;
    case CMD_BUILD:
        rc = vpc_backend_cc_build(c_name, code.p, c.output, &c.cc);
        if (c.stats)
            fprintf(stderr, "vpc: front end + C generation %.2f ms, C compiler %.2f ms\n", t_emit - t0,
                    now_ms() - t_emit);
        break;
    case CMD_RUN: {
        for (int i = 0; i < c.run_argc; i++) c.stats |= !strcmp(c.run_argv[i], "--stats");
        char **argv2 = calloc((size_t)(c.pre_argc + c.run_argc) + 2, sizeof *argv2);
        if (!argv2) vpc_ice("out of memory");
        int n2 = 0;
        argv2[n2++] = (char *)c.input;
        for (int i = 0; i < c.pre_argc; i++) argv2[n2++] = c.pre_argv[i];
        for (int i = 0; i < c.run_argc; i++) argv2[n2++] = c.run_argv[i];
        double tcc_ns = 0;
        /* compile time is reported before the run starts */
        rc = vpc_backend_tcc_run(c_name, code.p, n2, argv2, &tcc_ns, c.stats ? t0 : -1.0);
        free(argv2);
        break;
    }
    case CMD_CHECK:
        break;
    }
    vpc_buf_free(&code);
    vpc_ctx_free(&ctx);
    return rc;
}
