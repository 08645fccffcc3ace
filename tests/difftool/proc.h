/* proc.h — what the randomized differential tests share: running a
 * program with its output captured in files of one scratch directory. */
#ifndef DIFFTOOL_PROC_H
#define DIFFTOOL_PROC_H

#include <stdbool.h>
#include <stdio.h>

/* Runs argv[0] with stdout to `out` and stderr to `err`; its exit status,
 * 128 + the signal when killed, or -1 when it could not be started. */
int dt_run(char **argv, const char *out, const char *err);
/* Copies a file's bytes to `to` (nothing when it cannot be read). */
void dt_cat(FILE *to, const char *path);
/* A new scratch directory /tmp/<prefix>.XXXXXX; false (reported) on failure. */
bool dt_mkdir(const char *prefix);
/* `name` inside the scratch directory (one of 8 rotating buffers). */
char *dt_path(const char *name);
void dt_rmdir(void);

#endif /* DIFFTOOL_PROC_H */
