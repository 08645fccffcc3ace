/* driver.c — runs the stages in order and stops between them on errors. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "emit.h"
#include "parse.h"

enum { MAX_IMPORT_DEPTH = 32 };

static void append_decl(vpc_ctx *ctx, vpc_ast *ast, uint32_t *cap, vpc_decl *d)
{
    if (ast->ndecls == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        vpc_decl **n = VPC_NEW_N(&ctx->ast, vpc_decl *, *cap);
        if (ast->ndecls) memcpy(n, ast->decls, ast->ndecls * sizeof *n);
        ast->decls = n;
    }
    ast->decls[ast->ndecls++] = d;
}

static bool already_loaded(vpc_ctx *ctx, const char *path)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(path, a)) return false;
    for (uint32_t i = 0; i < ctx->nsources; i++)
        if (realpath(ctx->sources[i]->name, b) && !strcmp(a, b)) return true;
    return false;
}

/* Parses src; each `import "p"` is replaced by the declarations of p
 * (relative to the importing file, each file once). */
static void parse_with_imports(vpc_ctx *ctx, const vpc_source *src, vpc_ast *out, uint32_t *cap, int depth)
{
    vpc_ast one = {0};
    vpc_parse(ctx, src, &one);
    for (uint32_t i = 0; i < one.ndecls; i++) {
        vpc_decl *d = one.decls[i];
        if (d->kind != VPC_D_IMPORT) {
            append_decl(ctx, out, cap, d);
            continue;
        }
        vpc_buf path = {0};
        const char *slash = strrchr(src->name, '/');
        if (d->u.import_path.n && d->u.import_path.p[0] != '/' && slash)
            vpc_buf_put(&path, src->name, (size_t)(slash - src->name) + 1);
        vpc_buf_put(&path, d->u.import_path.p, d->u.import_path.n);
        const char *p = vpc_buf_cstr(&path);
        if (depth >= MAX_IMPORT_DEPTH) {
            vpc_error(ctx, d->span, "imports nested too deeply");
        } else if (!already_loaded(ctx, p)) {
            FILE *f = fopen(p, "rb");
            if (!f) {
                vpc_error(ctx, d->span, "cannot open imported file '%s'", p);
            } else {
                fclose(f);
                vpc_source *s = vpc_source_load(ctx, p);
                if (s) parse_with_imports(ctx, s, out, cap, depth + 1);
            }
        }
        vpc_buf_free(&path);
    }
}

vpc_program *vpc_frontend(vpc_ctx *ctx, const char *path, const char *text, vpc_ast *ast, void *diag_out)
{
    const vpc_source *src = text ? vpc_source_from_text(ctx, path, text, strlen(text))
                                 : vpc_source_load(ctx, path);
    if (!src) return NULL;
    uint32_t cap = 0;
    parse_with_imports(ctx, src, ast, &cap, 0);
    if (ctx->nerr) {
        vpc_diag_flush(ctx, diag_out);
        return NULL;
    }
    vpc_program *prog = vpc_check(ctx, ast, src);
    vpc_diag_flush(ctx, diag_out);
    return ctx->nerr ? NULL : prog;
}

const char *vpc_c_name(vpc_ctx *ctx, const char *vpl_path)
{
    const char *base = strrchr(vpl_path, '/');
    base = base ? base + 1 : vpl_path;
    size_t n = strlen(base);
    if (n > 4 && !strcmp(base + n - 4, ".vpl")) n -= 4;
    vpc_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        char c = base[i];
        /* keep the name plain: it appears in #line directives and file names */
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '-' || c == '.';
        vpc_buf_putc(&b, ok ? c : '_');
    }
    if (!b.n) vpc_buf_puts(&b, "query");
    vpc_buf_puts(&b, ".c");
    const char *s = vpc_arena_strdup(&ctx->perm, b.p, b.n);
    vpc_buf_free(&b);
    return s;
}

void vpc_generate(vpc_ctx *ctx, vpc_program *prog, const char *c_name, bool line_dirs, bool fast_path,
                  vpc_buf *out)
{
    vpc_emit_opts o = {c_name, line_dirs, !fast_path};
    vpc_emit(ctx, prog, &o, out);
}
