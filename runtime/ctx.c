/* ctx.c — creation and release of a run context. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define OUT_BUFFER ((size_t)256 << 10)

/* Functions without a ctx parameter (vp_dyn_member, vp_dyn_in) decode
 * escaped strings into the scratch memory of the thread's newest context. */
static _Thread_local vp_ctx *active;

vp_ctx *rt_ctx_new(FILE *out, const char *input_name)
{
    vp_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return NULL;
    ctx->input_name = input_name ? input_name : "<stdin>";
    if (out)
        rt_w_init_file(&ctx->out, out, OUT_BUFFER);
    else
        rt_w_init_heap(&ctx->out, 0);
    rt_w_init_line(&ctx->err, stderr);
    ctx->scratch.exhausted_id = -1;
    active = ctx;
    return ctx;
}

void rt_ctx_free(vp_ctx *ctx)
{
    if (!ctx) return;
    if (active == ctx) active = NULL;
    rt_w_free(&ctx->out);
    rt_w_free(&ctx->err);
    rt_scratch_free(&ctx->scratch);
    for (int32_t i = 0; i < ctx->ncounters; i++) free(ctx->counters[i].name);
    free(ctx->counters);
    free(ctx);
}

vp_ctx *rt_ctx_active(void) { return active; }

vp_w *vp_out(vp_ctx *ctx) { return &ctx->out; }
vp_w *vp_err(vp_ctx *ctx) { return &ctx->err; }
