/* backend_cc.c — AOT: writes the generated unit and the detector's main into
 * a temporary directory, runs the system C compiler and links libvprt.a
 * statically, so the binary needs nothing from the build tree. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "tpl.h"

#ifndef VPC_REL_LIBDIR
#define VPC_REL_LIBDIR "../lib"
#endif

static bool write_file(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(text, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    return ok;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* libvprt.a: $VPC_RUNTIME, then beside vpc (build tree), then the install
 * layout relative to vpc's own location. */
static bool find_runtime(vpc_buf *out)
{
    const char *env = getenv("VPC_RUNTIME");
    if (env && *env) {
        vpc_buf_puts(out, env);
        return is_file(vpc_buf_cstr(out));
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return false;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return false;
    *slash = 0;
    const char *rel[] = {"libvprt.a", VPC_REL_LIBDIR "/libvprt.a", "../lib/libvprt.a"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        out->n = 0;
        vpc_buf_printf(out, "%s/%s", exe, rel[i]);
        if (is_file(vpc_buf_cstr(out))) return true;
    }
    return false;
}

static void remove_dir(const char *dir, const char *const *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        vpc_buf p = {0};
        vpc_buf_printf(&p, "%s/%s", dir, files[i]);
        unlink(vpc_buf_cstr(&p));
        vpc_buf_free(&p);
    }
    rmdir(dir);
}

/* Runs argv, its output sent to our stderr; returns the exit status or -1. */
static int run(char **argv, bool verbose)
{
    if (verbose) {
        for (char **a = argv; *a; a++) fprintf(stderr, "%s%s", a == argv ? "" : " ", *a);
        fputc('\n', stderr);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "vpc: error: cannot run C compiler '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int vpc_backend_cc_build(const char *c_name, const char *c_text, const char *out_path, const vpc_cc_opts *o)
{
    vpc_buf rt = {0};
    if (o->runtime) vpc_buf_puts(&rt, o->runtime);
    if (o->runtime ? !is_file(vpc_buf_cstr(&rt)) : !find_runtime(&rt)) {
        fprintf(stderr, "vpc: error: runtime library libvprt.a not found (set VPC_RUNTIME or --runtime)\n");
        vpc_buf_free(&rt);
        return 1;
    }
    char *runtime = (char *)vpc_buf_cstr(&rt);
    const char *tmp = getenv("TMPDIR");
    vpc_buf dirb = {0};
    vpc_buf_printf(&dirb, "%s/vpc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *dir = (char *)vpc_buf_cstr(&dirb);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "vpc: error: cannot create a temporary directory: %s\n", strerror(errno));
        return 1;
    }
    vpc_buf unit = {0}, main_text = {0};
    vpc_backend_expand(c_name, c_text, &unit);
    size_t mlen;
    const char *mtpl = vpc_embedded_file("main_aot.c.tpl", &mlen);
    if (!mtpl) vpc_ice("main_aot.c.tpl is not embedded");
    vpc_backend_expand("vpc_main.c", mtpl, &main_text);
    vpc_buf ub = {0}, mb = {0};
    vpc_buf_printf(&ub, "%s/%s", dir, c_name);
    vpc_buf_printf(&mb, "%s/vpc_main.c", dir);
    char *upath = (char *)vpc_buf_cstr(&ub), *mpath = (char *)vpc_buf_cstr(&mb);
    const char *files[] = {c_name, "vpc_main.c"};
    if (!write_file(upath, unit.p, unit.n) || !write_file(mpath, main_text.p, main_text.n)) {
        fprintf(stderr, "vpc: error: cannot write to '%s': %s\n", dir, strerror(errno));
        remove_dir(dir, files, 2);
        return 1;
    }
    vpc_buf_free(&unit);
    vpc_buf_free(&main_text);

    const char *cc = o->cc ? o->cc : getenv("CC");
    if (!cc || !*cc) cc = "cc";
    char *argv[64];
    int argc = 0;
    char *ccdup = strdup(cc), *flags = o->cflags ? strdup(o->cflags) : NULL;
    for (char *t = strtok(ccdup, " "); t && argc < 8; t = strtok(NULL, " ")) argv[argc++] = t;
    argv[argc++] = "-O2";
    /* every a*b+c rounded twice, as libtcc does: the same bits on any CPU */
    argv[argc++] = "-ffp-contract=off";
    argv[argc++] = "-w"; /* generated code is checked by vpc; its warnings are noise */
    if (flags)
        for (char *t = strtok(flags, " "); t && argc < 40; t = strtok(NULL, " ")) argv[argc++] = t;
    argv[argc++] = "-o";
    argv[argc++] = (char *)out_path;
    argv[argc++] = upath;
    argv[argc++] = mpath;
    argv[argc++] = runtime;
    argv[argc++] = "-lm";
#ifdef VPC_CC_LINK_EXTRA
    argv[argc++] = VPC_CC_LINK_EXTRA;
#endif
    argv[argc] = NULL;
    int rc = run(argv, o->verbose);
    free(ccdup);
    free(flags);
    if (!o->keep) remove_dir(dir, files, 2);
    else fprintf(stderr, "vpc: generated sources kept in %s\n", dir);
    vpc_buf_free(&ub);
    vpc_buf_free(&mb);
    vpc_buf_free(&dirb);
    vpc_buf_free(&rt);
    if (rc == 127 || rc < 0) {
        fprintf(stderr, "vpc: error: the C compiler '%s' could not be run\n", cc);
        return 1;
    }
    if (rc != 0) {
        fprintf(stderr, "vpc: internal compiler error: the C compiler rejected the generated code "
                        "(rerun with --keep-c to inspect it)\n");
        return 70;
    }
    return 0;
}
