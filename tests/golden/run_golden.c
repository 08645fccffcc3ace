/* run_golden.c — runs one golden case folder through vpc, JIT and AOT.
 *
 *   run_golden <vpc> <case-dir>
 *
 * A case folder holds q.vpl (examples: <folder>.vpl) and either
 *   - input.jsonl or input.evt, expected.jsonl (program output) and, when
 *     present, expected.err (stderr of the run): a run case, executed by
 *     `vpc run` (libtcc) and by a binary from `vpc build`, each of which must
 *     match the expectation byte for byte; or
 *   - expected.err alone: an error case, `vpc check` must print exactly it.
 * Optional files: `args` (extra detector arguments, one line) and `status`
 * (expected exit status, default 0 for run cases and 1 for error cases).
 * VPC_UPDATE_GOLDEN=1 rewrites the expectations from the JIT run.
 * Failures print a unified diff. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    size_t r;
    while (p && (r = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2) {
            cap *= 2;
            p = realloc(p, cap);
        }
    }
    fclose(f);
    if (!p) return NULL;
    p[n] = 0;
    if (len) *len = n;
    return p;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Runs argv in dir with stdout/stderr to files; returns the exit status. */
static int run_in(const char *dir, char **argv, const char *out, const char *err)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (chdir(dir) != 0) _exit(126);
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fi = open("/dev/null", O_RDONLY);
        if (fo < 0 || fe < 0 || fi < 0) _exit(126);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

static bool same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = read_file(a, &na), *y = read_file(b, &nb);
    bool same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static void show_diff(const char *expected, const char *actual)
{
    char *argv[] = {"/usr/bin/diff", "-u", (char *)expected, (char *)actual, NULL};
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(1, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
}

static bool copy_file(const char *from, const char *to)
{
    size_t n;
    char *p = read_file(from, &n);
    if (!p) return false;
    FILE *f = fopen(to, "wb");
    bool ok = f && fwrite(p, 1, n, f) == n;
    if (f) ok = (fclose(f) == 0) && ok;
    free(p);
    return ok;
}

static int check_one(const char *what, const char *expected, const char *actual, bool update)
{
    if (update) return copy_file(actual, expected) ? 0 : 1;
    if (same_file(expected, actual)) return 0;
    printf("FAIL %s: output differs from %s\n", what, expected);
    show_diff(expected, actual);
    return 1;
}

/* Splits the `args` file (one line, space-separated) into argv slots. */
static int read_args(const char *path, char **out, int max)
{
    char *text = read_file(path, NULL);
    if (!text) return 0;
    int n = 0;
    for (char *t = strtok(text, " \t\r\n"); t && n < max; t = strtok(NULL, " \t\r\n")) out[n++] = t;
    return n; /* text is kept alive for the process lifetime */
}

static int expected_status(const char *dir, int dflt)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/status", dir);
    char *s = read_file(p, NULL);
    if (!s) return dflt;
    int v = atoi(s);
    free(s);
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: run_golden <vpc> <case-dir>\n");
        return 2;
    }
    char vpc[4096], dir[4096];
    if (!realpath(argv[1], vpc) || !realpath(argv[2], dir)) {
        fprintf(stderr, "run_golden: bad path: %s\n", strerror(errno));
        return 2;
    }
    bool update = getenv("VPC_UPDATE_GOLDEN") && !strcmp(getenv("VPC_UPDATE_GOLDEN"), "1");
    char tmp[] = "/tmp/vpc-golden-XXXXXX";
    if (!mkdtemp(tmp)) return 2;
    char p_err[4200], p_out[4200], a_out[4200], a_err[4200], bin[4200], input[4200], args_path[4200];
    snprintf(p_err, sizeof p_err, "%s/expected.err", dir);
    snprintf(p_out, sizeof p_out, "%s/expected.jsonl", dir);
    snprintf(args_path, sizeof args_path, "%s/args", dir);
    /* the program: q.vpl, or <folder>.vpl for examples */
    char prog[4200];
    snprintf(prog, sizeof prog, "%s/q.vpl", dir);
    const char *slash = strrchr(dir, '/');
    char *prog_name = "q.vpl";
    if (!exists(prog)) {
        static char name[4200];
        snprintf(name, sizeof name, "%s.vpl", slash ? slash + 1 : dir);
        prog_name = name;
    }
    const char *in_name = NULL;
    static const char *const inputs[] = {"input.jsonl", "input.evt", "events.jsonl", "events.evt"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0] && !in_name; i++) {
        snprintf(input, sizeof input, "%s/%s", dir, inputs[i]);
        if (exists(input)) in_name = inputs[i];
    }
    int failures = 0;

    if (!in_name) { /* error case: diagnostics only */
        snprintf(a_out, sizeof a_out, "%s/check.out", tmp);
        snprintf(a_err, sizeof a_err, "%s/check.err", tmp);
        char *cargv[] = {vpc, "check", prog_name, NULL};
        int rc = run_in(dir, cargv, a_out, a_err);
        int want = expected_status(dir, 1);
        if (rc != want && !update) {
            printf("FAIL check: exit status %d, expected %d\n", rc, want);
            failures++;
        }
        failures += check_one("check (diagnostics)", p_err, a_err, update);
    } else {
        char *extra[32];
        int nextra = read_args(args_path, extra, 32);
        int want = expected_status(dir, 0);
        /* JIT */
        char *jargv[48] = {vpc, "run", "-w", prog_name, "--input", (char *)in_name};
        int n = 6;
        for (int i = 0; i < nextra; i++) jargv[n++] = extra[i];
        jargv[n] = NULL;
        snprintf(a_out, sizeof a_out, "%s/jit.out", tmp);
        snprintf(a_err, sizeof a_err, "%s/jit.err", tmp);
        int rc = run_in(dir, jargv, a_out, a_err);
        if (rc != want && !update) {
            printf("FAIL jit: exit status %d, expected %d\n", rc, want);
            char *e = read_file(a_err, NULL);
            if (e) printf("%s", e);
            free(e);
            failures++;
        }
        failures += check_one("jit (stdout)", p_out, a_out, update);
        struct stat st;
        bool has_err = stat(a_err, &st) == 0 && st.st_size > 0;
        if (update) {
            if (has_err) copy_file(a_err, p_err);
            else unlink(p_err);
        } else if (exists(p_err)) {
            failures += check_one("jit (stderr)", p_err, a_err, false);
        } else if (has_err) {
            printf("FAIL jit: unexpected stderr (add expected.err if it is right):\n");
            char *e = read_file(a_err, NULL);
            if (e) printf("%s", e);
            free(e);
            failures++;
        }
        /* AOT */
        snprintf(bin, sizeof bin, "%s/detector", tmp);
        char *bargv[] = {vpc, "build", "-w", prog_name, "-o", bin, NULL};
        snprintf(a_out, sizeof a_out, "%s/build.out", tmp);
        snprintf(a_err, sizeof a_err, "%s/build.err", tmp);
        rc = run_in(dir, bargv, a_out, a_err);
        if (rc != 0) {
            printf("FAIL aot: vpc build exited %d\n", rc);
            char *e = read_file(a_err, NULL);
            if (e) printf("%s", e);
            free(e);
            failures++;
        } else {
            char *aargv[48] = {bin, "--input", (char *)in_name};
            n = 3;
            for (int i = 0; i < nextra; i++) aargv[n++] = extra[i];
            aargv[n] = NULL;
            snprintf(a_out, sizeof a_out, "%s/aot.out", tmp);
            snprintf(a_err, sizeof a_err, "%s/aot.err", tmp);
            rc = run_in(dir, aargv, a_out, a_err);
            if (rc != want) {
                printf("FAIL aot: exit status %d, expected %d\n", rc, want);
                failures++;
            }
            failures += check_one("aot (stdout)", p_out, a_out, false);
            bool aot_err = stat(a_err, &st) == 0 && st.st_size > 0;
            if (exists(p_err)) failures += check_one("aot (stderr)", p_err, a_err, false);
            else if (aot_err) {
                printf("FAIL aot: unexpected stderr\n");
                failures++;
            }
        }
    }
    /* clean the temporary folder */
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "run_golden: could not remove %s\n", tmp);
    if (failures) {
        printf("%s: %d check(s) failed\n", dir, failures);
        return 1;
    }
    printf("%s: ok\n", dir);
    return 0;
}
