/* rt.c — the detector's command line and run loop.
 *
 *   <detector> [--input FILE] [--output FILE] [--strict] [--stats] [--quiet]
 *              [--max-line BYTES] [-h|--help]
 *
 * Each input line is decoded and handed to q->on_event; scratch memory is
 * reset after each. At end of input q->on_end runs (not after a --strict
 * stop), then q->fini; output is flushed and the summary printed (bad.c).
 * Exit status: 0 ok; 1 stopped by --strict, or output could not be
 * written; 2 usage error, ABI mismatch, input could not be opened or read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "input.h"

#define DEFAULT_MAX_LINE ((int64_t)1 << 20)
#define LIMIT_MAX_LINE ((int64_t)1 << 40)

typedef struct rt_opts {
    const char *input;  /* NULL or "-": stdin */
    const char *output; /* NULL or "-": stdout */
    bool strict, stats, quiet;
    int64_t max_line;
} rt_opts;

static void usage(FILE *fp, const char *prog, const vp_query_desc *q)
{
    fprintf(fp,
            "usage: %s [options]\n"
            "Runs the compiled VarpulisQL program %s over JSON Lines and .evt input.\n"
            "  --input FILE      read events from FILE ('-' or none: standard input)\n"
            "  --output FILE     write results to FILE (default: standard output)\n"
            "  --strict          stop at the first bad input line (exit status 1)\n"
            "  --stats           print the run summary, time and throughput to stderr\n"
            "  --quiet           do not report bad input lines or wrong-typed fields (the summary counts them)\n"
            "  --max-line BYTES  skip input lines longer than BYTES (default %lld)\n"
            "  -h, --help        show this help\n",
            prog, q->program ? q->program : "", (long long)DEFAULT_MAX_LINE);
}

/* The value of option `name` given as "--name VALUE" or "--name=VALUE". */
static bool opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) return false;
    if (a[n] == '=') {
        *val = a + n + 1;
        return true;
    }
    if (a[n] != '\0') return false;
    *val = (*i + 1 < argc) ? argv[++*i] : NULL;
    return true;
}

static bool file_arg(const char *prog, const char *opt, const char *v, const vp_query_desc *q)
{
    if (v && *v) return true;
    fprintf(stderr, "%s: option '%s' needs a file name\n", prog, opt);
    usage(stderr, prog, q);
    return false;
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, const vp_query_desc *q, rt_opts *o)
{
    const char *prog = argc > 0 && argv[0] ? argv[0] : "detector";
    const char *v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout, prog, q);
            return 0;
        } else if (strcmp(a, "--strict") == 0) {
            o->strict = true;
        } else if (strcmp(a, "--stats") == 0) {
            o->stats = true;
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (opt_value(argc, argv, &i, "--input", &v)) {
            if (!file_arg(prog, a, v, q)) return 2;
            o->input = v;
        } else if (opt_value(argc, argv, &i, "--output", &v)) {
            if (!file_arg(prog, a, v, q)) return 2;
            o->output = v;
        } else if (opt_value(argc, argv, &i, "--max-line", &v)) {
            char *end = NULL;
            errno = 0;
            long long n = v ? strtoll(v, &end, 10) : 0;
            if (!v || !*v || *end || errno || n <= 0 || n > LIMIT_MAX_LINE) {
                fprintf(stderr, "%s: --max-line needs a byte count between 1 and %lld\n", prog,
                        (long long)LIMIT_MAX_LINE);
                usage(stderr, prog, q);
                return 2;
            }
            o->max_line = n;
        } else {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, a);
            usage(stderr, prog, q);
            return 2;
        }
    }
    return -1;
}

static void flush_output(void *arg) { rt_w_flush(arg); }

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One input line: decode, then run the query on it or account for it. */
static void run_line(vp_ctx *ctx, rt_dec *d, const char *line, size_t n, int64_t lineno)
{
    /* the program's own fast path first: it declines without side effects */
    if (ctx->q->on_line && n && line[0] == '{') {
        rt_input_begin(ctx, lineno);
        if (ctx->q->on_line(ctx, line, (int64_t)n, lineno)) {
            rt_input_end(ctx);
            rt_scratch_reset(ctx);
            return;
        }
        ctx->events_read--;
        rt_input_end(ctx);
    }
    vp_event ev;
    int st = rt_dec_line(d, line, n, lineno, &ev);
    if (st == RT_DEC_NONE) return;
    rt_input_begin(ctx, lineno);
    if (st == RT_DEC_BAD)
        vp_bad_input(ctx, d->bad_kind, &ev, d->msg);
    else if (ctx->q->on_event)
        ctx->q->on_event(ctx, &ev);
    rt_input_end(ctx);
    rt_scratch_reset(ctx);
}

/* Reads the whole input; returns 0, or 2 on a read error. */
static int run_input(vp_ctx *ctx, int fd, int64_t max_line)
{
    rt_reader r;
    rt_dec *d = rt_dec_new();
    ctx->dec = d;
    if (!d || !rt_reader_init(&r, fd, (size_t)max_line, 0)) {
        fprintf(stderr, "vprt: out of memory\n");
        rt_dec_free(d);
        return 2;
    }
    /* results reach a live consumer before the detector waits for input */
    r.before_read = flush_output;
    r.arg = &ctx->out;
    int status = 0;
    while (!ctx->stop) {
        char *line;
        size_t n;
        int64_t lineno;
        int st = rt_reader_next(&r, &line, &n, &lineno);
        if (st == RT_RD_EOF) break;
        if (st == RT_RD_ERROR) {
            fprintf(stderr, "vprt: error reading %s: %s\n", ctx->input_name, strerror(r.err));
            status = 2;
            break;
        }
        if (st == RT_RD_TOO_LONG) {
            vp_event ev = {.type = vp_lit("", 0), .line = lineno};
            char msg[64];
            snprintf(msg, sizeof msg, "longer than %lld bytes", (long long)max_line);
            rt_input_begin(ctx, lineno);
            vp_bad_input(ctx, VP_BAD_TOO_LONG, &ev, msg);
            rt_input_end(ctx);
            continue;
        }
        run_line(ctx, d, line, n, lineno);
    }
    rt_reader_free(&r);
    rt_dec_free(d);
    return status;
}

static int open_files(const rt_opts *o, int *fd, FILE **out)
{
    *fd = 0;
    *out = stdout;
    if (o->input && strcmp(o->input, "-") != 0) {
        *fd = open(o->input, O_RDONLY);
        if (*fd < 0) {
            fprintf(stderr, "vprt: cannot open input '%s': %s\n", o->input, strerror(errno));
            return 2;
        }
    }
    if (o->output && strcmp(o->output, "-") != 0) {
        *out = fopen(o->output, "w");
        if (!*out) {
            fprintf(stderr, "vprt: cannot open output '%s': %s\n", o->output, strerror(errno));
            if (*fd > 0) close(*fd);
            return 2;
        }
    }
    return 0;
}

int vp_main(int argc, char **argv, const vp_query_desc *q)
{
    if (!q || q->abi_version != VP_ABI_VERSION) {
        fprintf(stderr, "vprt: compiled program has ABI version %d, this runtime needs %d\n",
                q ? (int)q->abi_version : -1, VP_ABI_VERSION);
        return 2;
    }
    rt_opts o = {.max_line = DEFAULT_MAX_LINE};
    int status = parse_args(argc, argv, q, &o);
    if (status >= 0) return status;
    int fd;
    FILE *out;
    if (open_files(&o, &fd, &out)) return 2;
    bool stdin_input = !o.input || strcmp(o.input, "-") == 0;

    double t0 = now_seconds();
    vp_ctx *ctx = rt_ctx_new(out, stdin_input ? "<stdin>" : o.input);
    if (!ctx) {
        fprintf(stderr, "vprt: out of memory\n");
        return 2;
    }
    ctx->q = q;
    ctx->strict = o.strict;
    ctx->quiet = o.quiet;

    if (q->init) q->init(ctx);
    rt_scratch_pin(ctx); /* values computed at load (global strings) live for the whole run */
    status = run_input(ctx, fd, o.max_line);
    if (!ctx->stop && status == 0 && q->on_end) q->on_end(ctx);
    rt_scratch_reset(ctx);
    if (q->fini) q->fini(ctx);

    if (ctx->stop && status == 0) status = 1;
    if (!rt_w_flush(&ctx->out)) {
        fprintf(stderr, "vprt: error writing output: %s\n", strerror(ctx->out.err));
        if (status == 0) status = 1;
    }
    if (out != stdout && fclose(out) != 0 && status == 0) {
        fprintf(stderr, "vprt: error writing output: %s\n", strerror(errno));
        status = 1;
    }
    if (fd > 0) close(fd);
    rt_print_summary(ctx, stderr, o.stats, now_seconds() - t0);
    rt_ctx_free(ctx);
    return status;
}
