/* backend_tcc.c — JIT with libtcc, in memory: the runtime is linked into vpc
 * and its symbols (vp_abi.def, builtins.def) are handed to tcc. The only
 * file of vpc that includes libtcc.h or runtime headers. */
#include <libtcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "builtins.h"
#include "vp.h"

typedef struct tcc_sym {
    const char *name;
    const void *addr;
} tcc_sym;

static const tcc_sym runtime_syms[] = {
#define VP_ABI(name) {#name, (const void *)&name},
#include "vp_abi.def"
#undef VP_ABI
#define VP_BUILTIN(n, mi, ma, r, sym) {#sym, (const void *)&sym},
#include "builtins.def"
#undef VP_BUILTIN
    /* tcc lowers struct copies and initializers to these */
    {"memcpy", (const void *)&memcpy},
    {"memmove", (const void *)&memmove},
    {"memset", (const void *)&memset},
};

typedef struct tcc_errors {
    vpc_buf text;
} tcc_errors;

static void on_error(void *opaque, const char *msg)
{
    tcc_errors *e = opaque;
    vpc_buf_printf(&e->text, "%s\n", msg);
}

bool vpc_backend_tcc_available(void) { return true; }

/* ---- VPC_PERF_MAP: name the JIT's code for `perf report` ---- */

typedef struct jit_syms {
    tcc_sym *v;
    size_t n, cap;
} jit_syms;

static bool from_runtime(const void *addr)
{
    for (size_t i = 0; i < sizeof runtime_syms / sizeof runtime_syms[0]; i++)
        if (runtime_syms[i].addr == addr) return true;
    return false;
}

static void collect_sym(void *ctx, const char *name, const void *addr)
{
    jit_syms *js = ctx;
    if (!addr || from_runtime(addr)) return;
    if (js->n == js->cap) {
        js->cap = js->cap ? 2 * js->cap : 256;
        js->v = realloc(js->v, js->cap * sizeof *js->v);
        if (!js->v) vpc_ice("out of memory");
    }
    js->v[js->n++] = (tcc_sym){name, addr};
}

static int by_addr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const tcc_sym *)a)->addr, y = (uintptr_t)((const tcc_sym *)b)->addr;
    return (x > y) - (x < y);
}

/* perf's convention for JIT code: /tmp/perf-<pid>.map, "start size name"
 * per line; a symbol's size is the distance to the next one. */
static void write_perf_map(TCCState *s)
{
    jit_syms js = {0};
    tcc_list_symbols(s, &js, collect_sym);
    qsort(js.v, js.n, sizeof *js.v, by_addr);
    char path[64];
    snprintf(path, sizeof path, "/tmp/perf-%ld.map", (long)getpid());
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "vpc: cannot write %s\n", path);
    } else {
        for (size_t i = 0; i < js.n; i++) {
            uintptr_t a = (uintptr_t)js.v[i].addr;
            uintptr_t next = i + 1 < js.n ? (uintptr_t)js.v[i + 1].addr : a + 4096;
            fprintf(f, "%lx %lx %s\n", (unsigned long)a, (unsigned long)(next - a), js.v[i].name);
        }
        fclose(f);
    }
    free(js.v);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int vpc_backend_tcc_run(const char *c_name, const char *c_text, int argc, char **argv, double *tcc_ns,
                        double stats_t0_ms)
{
    double t0 = now_ns();
    vpc_buf text = {0};
    vpc_backend_expand(c_name, c_text, &text);
    TCCState *s = tcc_new();
    if (!s) vpc_ice("libtcc: cannot create a compiler state");
    tcc_errors errs = {0};
    tcc_set_error_func(s, &errs, on_error);
    /* no files at all: vp.h is spliced in, the runtime is vpc itself */
    tcc_set_options(s, "-nostdinc -nostdlib");
    tcc_define_symbol(s, "VP_NO_STDINC", "1");
    tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
    if (tcc_compile_string(s, vpc_buf_cstr(&text)) < 0)
        vpc_ice("libtcc rejected the generated C:\n%s", errs.text.p ? errs.text.p : "");
    for (size_t i = 0; i < sizeof runtime_syms / sizeof runtime_syms[0]; i++)
        tcc_add_symbol(s, runtime_syms[i].name, runtime_syms[i].addr);
    if (tcc_relocate(s, TCC_RELOCATE_AUTO) < 0)
        vpc_ice("libtcc could not link the generated C:\n%s", errs.text.p ? errs.text.p : "");
    const vp_query_desc *q = tcc_get_symbol(s, "vp_query");
    if (!q) vpc_ice("generated C has no vp_query");
    if (getenv("VPC_PERF_MAP")) write_perf_map(s);
    vpc_buf_free(&text);
    vpc_buf_free(&errs.text);
    double t1 = now_ns();
    if (tcc_ns) *tcc_ns = t1 - t0;
    if (stats_t0_ms >= 0)
        fprintf(stderr, "vpc: compiled in %.2f ms (libtcc %.2f ms)\n", t1 / 1e6 - stats_t0_ms, (t1 - t0) / 1e6);
    int rc = vp_main(argc, argv, q);
    tcc_delete(s);
    return rc;
}
