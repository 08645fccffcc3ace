/* emit.c — the C emitter's driver: one translation unit per program,
 * rendered through templates/query.c.tpl. Deterministic: the same program
 * always yields byte-identical C. */
#include <string.h>

#include "emit.h"
#include "tpl.h"

static uint64_t fnv1a64(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

typedef struct fill_ctx {
    vpc_emitter *E;
    const char *source; /* escaped base name of the .vpl */
    char hash[17];
} fill_ctx;

static void emit_builtin_protos(vpc_emitter *E)
{
    bool any = false;
    for (int i = 0; i < vpc_nbuiltins; i++) {
        if (!E->prog->builtin_used[i]) continue;
        /* aliases share a symbol: declare it once */
        bool seen = false;
        for (int j = 0; j < i; j++)
            seen |= E->prog->builtin_used[j] && !strcmp(vpc_builtins[j].csym, vpc_builtins[i].csym);
        if (seen) continue;
        vpc_cw_line(E->w, "vp_val %s(vp_ctx *ctx, int32_t argc, const vp_val *argv);", vpc_builtins[i].csym);
        any = true;
    }
    if (!any) vpc_cw_comment(E->w, "none");
}

static bool fill(vpc_cw *w, const char *hole, void *ud)
{
    fill_ctx *F = ud;
    vpc_emitter *E = F->E;
    if (!strcmp(hole, "VERSION")) vpc_cw_raw(w, VPC_VERSION, strlen(VPC_VERSION));
    else if (!strcmp(hole, "SOURCE")) vpc_cw_raw(w, F->source, strlen(F->source));
    else if (!strcmp(hole, "HASH")) vpc_cw_raw(w, F->hash, 16);
    else if (!strcmp(hole, "BUILTINS")) emit_builtin_protos(E);
    else if (!strcmp(hole, "ROWS")) vpc_emit_row_structs(E);
    else if (!strcmp(hole, "STATE")) {
        vpc_emit_globals_decl(E);
        vpc_emit_state_init(E);
    } else if (!strcmp(hole, "PROTOS")) {
        vpc_emit_fn_protos(E);
        vpc_emit_stream_protos(E);
    } else if (!strcmp(hole, "FUNCTIONS")) vpc_emit_fns(E);
    else if (!strcmp(hole, "QUEUE")) vpc_emit_queue(E);
    else if (!strcmp(hole, "DECODERS")) vpc_emit_decoders(E);
    else if (!strcmp(hole, "STREAMS")) vpc_emit_streams(E);
    else if (!strcmp(hole, "DISPATCH")) vpc_emit_dispatch(E);
    else if (!strcmp(hole, "FAST")) {
        if (E->fast_path) vpc_emit_fast_path(E);
        else vpc_cw_comment(w, "fast path disabled (--no-fast-path)");
    } else if (!strcmp(hole, "ON_LINE")) {
        const char *f = E->fast_path && vpc_emit_has_fast_path(E) ? "Q_ON_LINE" : "0";
        vpc_cw_raw(w, f, strlen(f));
    }
    else if (!strcmp(hole, "INIT")) {
        w->indent = 1;
        if (E->has_queue) vpc_cw_line(w, "q_dropped = vp_counter(ctx, \"rows dropped: dependent-stream queue full\");");
        vpc_emit_globals_init(E);
        vpc_emit_event_parts_init(E);
        vpc_emit_window_init(E);
        vpc_emit_source_init(E);
        vpc_emit_pattern_init(E);
        w->indent = 0;
    } else if (!strcmp(hole, "ON_END")) {
        w->indent = 1;
        vpc_emit_window_end(E);
        w->indent = 0;
    } else if (!strcmp(hole, "FINI")) {
        w->indent = 1;
        vpc_emit_event_parts_fini(E);
        vpc_emit_window_fini(E);
        vpc_emit_source_fini(E);
        vpc_emit_pattern_fini(E);
        if (E->has_queue) vpc_cw_line(w, "vp_vec_free(&q_items);");
        w->indent = 0;
    } else return false;
    return true;
}

void vpc_emit(vpc_ctx *ctx, vpc_program *prog, const vpc_emit_opts *opts, vpc_buf *out)
{
    vpc_cw w;
    vpc_cw_init(&w, ctx, out, opts->c_name, opts->line_dirs);
    vpc_emitter E = {0};
    E.ctx = ctx;
    E.prog = prog;
    E.w = &w;
    E.depth = "0";
    E.fast_path = !opts->no_fast_path;
    for (uint32_t i = 0; i < prog->nstreams; i++) E.has_queue |= prog->streams[i]->nconsumers > 0;
    fill_ctx F = {0};
    F.E = &E;
    const vpc_source *src = prog->main_src;
    const char *base = strrchr(src->name, '/');
    base = base ? base + 1 : src->name;
    vpc_buf esc = {0};
    vpc_cw_escape(&esc, base, strlen(base));
    /* the name also sits inside a C comment: keep it from closing one */
    for (size_t i = 0; i + 1 < esc.n; i++)
        if (esc.p[i] == '*' && esc.p[i + 1] == '/') esc.p[i] = '_';
    F.source = vpc_arena_strdup(&ctx->ir, esc.p ? esc.p : "", esc.n);
    vpc_buf_free(&esc);
    static const char hex[] = "0123456789abcdef";
    uint64_t h = fnv1a64(src->text, src->len);
    for (int i = 15; i >= 0; i--, h >>= 4) F.hash[i] = hex[h & 15];
    vpc_tpl_render(&w, "query.c.tpl", fill, &F);
}
