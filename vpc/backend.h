/* backend.h — C text to running code: libtcc in memory, or the system C
 * compiler to a standalone binary. Both receive the same text. */
#ifndef VPC_BACKEND_H
#define VPC_BACKEND_H

#include "vpc.h"

/* The generated unit with `#include "vp.h"` replaced by the embedded header,
 * so no file is needed to compile it. */
void vpc_backend_expand(const char *c_name, const char *c_text, vpc_buf *out);

/* JIT: compiles in memory and runs the detector command line (argv[0] is
 * the program name). Returns the run's exit status; 70 on a C compile error
 * (an internal error). tcc_ns receives libtcc's time; when stats_t0_ms >= 0
 * (a CLOCK_MONOTONIC reading taken when vpc started) the source-to-code-ready
 * time is printed on stderr before the run. */
int vpc_backend_tcc_run(const char *c_name, const char *c_text, int argc, char **argv, double *tcc_ns,
                        double stats_t0_ms);
bool vpc_backend_tcc_available(void);

typedef struct vpc_cc_opts {
    const char *cc;        /* compiler command; default $CC, else "cc" */
    const char *cflags;    /* extra flags, split on spaces */
    const char *runtime;   /* path of libvprt.a; default: found next to vpc */
    bool keep;             /* keep the temporary directory */
    bool verbose;          /* print the compiler command */
} vpc_cc_opts;

/* AOT: builds an executable at out_path. Returns 0, or 1 with a message on
 * stderr (no compiler, no runtime library), or 70 on a C compile error. */
int vpc_backend_cc_build(const char *c_name, const char *c_text, const char *out_path, const vpc_cc_opts *o);

#endif /* VPC_BACKEND_H */
