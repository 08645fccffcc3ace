/* input.h — splitting an input stream into lines (runtime-private).
 *
 * Large read(2) calls into one buffer, memchr for line ends, CRLF accepted,
 * a last line without '\n' still returned. A line longer than max_line bytes
 * is skipped without being held whole: only its line number is reported.
 */
#ifndef VP_INPUT_H
#define VP_INPUT_H

#include "rt.h"

typedef struct rt_reader {
    int fd;
    char *buf;
    size_t cap;
    size_t start;    /* unread data is buf[start, end) */
    size_t end;
    size_t scanned;  /* buf[start, scanned) holds no '\n' */
    size_t max_line;
    int64_t lineno;  /* lines returned or skipped so far */
    bool eof;
    bool skipping;   /* inside an over-long line */
    int err;         /* errno of a failed read */
    void (*before_read)(void *arg); /* e.g. flush output before blocking */
    void *arg;
} rt_reader;

enum rt_read_status {
    RT_RD_LINE,     /* *line, *n: the line without its terminator, NUL-terminated */
    RT_RD_TOO_LONG, /* a line longer than max_line was skipped */
    RT_RD_EOF,
    RT_RD_ERROR,    /* r->err */
};

/* buffer: initial buffer size, 0 for the default (1 MiB); it grows as
 * max_line requires. */
bool rt_reader_init(rt_reader *r, int fd, size_t max_line, size_t buffer);
void rt_reader_free(rt_reader *r);
/* *lineno: 1-based number of the line returned or skipped. */
int rt_reader_next(rt_reader *r, char **line, size_t *n, int64_t *lineno);

#endif /* VP_INPUT_H */
