/* peakrss — run a command and report its wall time and peak resident memory.
 *
 *   peakrss [-o FILE] [--] COMMAND [ARG...]
 *
 * Prints one line, to FILE (overwritten) or else to stderr:
 *   wall_s=0.412345 maxrss_kib=3712 status=0
 * status is the command's exit status, or 128 + the signal that killed it;
 * peakrss itself exits with that status (127 if the command cannot run).
 *
 * The peak RSS comes from wait4()'s rusage, so it belongs to this one child
 * (and what it waited for), not to the shell that runs the benchmark. The
 * clock is CLOCK_MONOTONIC, read around fork and wait only.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int usage(void)
{
    fprintf(stderr, "usage: peakrss [-o FILE] [--] COMMAND [ARG...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *report = NULL;
    int i = 1;

    if (i + 1 < argc && strcmp(argv[i], "-o") == 0) {
        report = argv[i + 1];
        i += 2;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        return usage();

    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("peakrss: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[i], &argv[i]);
        fprintf(stderr, "peakrss: %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }

    int wstatus;
    struct rusage ru;
    while (wait4(pid, &wstatus, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("peakrss: wait4");
            return 127;
        }
    }
    double wall = now() - t0;

    int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
               : WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus)
                                      : 127;

    FILE *f = report ? fopen(report, "w") : stderr;
    if (!f) {
        fprintf(stderr, "peakrss: %s: %s\n", report, strerror(errno));
        return 127;
    }
    /* ru_maxrss is in KiB on Linux */
    fprintf(f, "wall_s=%.6f maxrss_kib=%ld status=%d\n", wall, ru.ru_maxrss, status);
    if (f != stderr && fclose(f) != 0) {
        perror("peakrss: write");
        return 127;
    }
    return status;
}
