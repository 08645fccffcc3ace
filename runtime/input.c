/* input.c — the line reader (see input.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"

#define READ_BUFFER ((size_t)1 << 20)

bool rt_reader_init(rt_reader *r, int fd, size_t max_line, size_t buffer)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->max_line = max_line;
    r->cap = buffer == 0 ? READ_BUFFER : buffer < 16 ? 16 : buffer;
    r->buf = malloc(r->cap);
    return r->buf != NULL;
}

void rt_reader_free(rt_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

/* Appends what read(2) gives to buf[end, cap - 1); one byte stays free for
 * the NUL after a last line. Returns -1 on error. */
static int fill(rt_reader *r)
{
    if (r->before_read) r->before_read(r->arg);
    for (;;) {
        ssize_t k = read(r->fd, r->buf + r->end, r->cap - 1 - r->end);
        if (k > 0) {
            r->end += (size_t)k;
            return 1;
        }
        if (k == 0) {
            r->eof = true;
            return 0;
        }
        if (errno != EINTR) {
            r->err = errno;
            return -1;
        }
    }
}

/* Hands out buf[start, start + len) as a line (CR dropped) and moves past
 * `consumed` bytes. */
static int take_line(rt_reader *r, size_t len, size_t consumed, char **line, size_t *n,
                     int64_t *lineno)
{
    char *p = r->buf + r->start;
    r->start += consumed;
    r->scanned = r->start;
    *lineno = ++r->lineno;
    if (len > 0 && p[len - 1] == '\r') len--;
    if (len > r->max_line) return RT_RD_TOO_LONG;
    p[len] = '\0';
    *line = p;
    *n = len;
    return RT_RD_LINE;
}

/* Room for more input: the partial line moves to the front, and the buffer
 * grows (up to what max_line needs) when the line fills it. */
static bool make_room(rt_reader *r)
{
    size_t pending = r->end - r->start;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, pending);
        r->scanned -= r->start;
        r->start = 0;
        r->end = pending;
    }
    if (r->end < r->cap - 1) return true;
    /* max_line bytes, a CR, one byte to see past them, and the NUL */
    size_t want = r->max_line + 3;
    size_t cap = r->cap * 2 < want ? r->cap * 2 : want;
    char *p = realloc(r->buf, cap);
    if (!p) {
        r->err = ENOMEM;
        return false;
    }
    r->buf = p;
    r->cap = cap;
    return true;
}

/* Inside an over-long line: drop input up to its '\n'. */
static int skip_long(rt_reader *r, int64_t *lineno)
{
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        if (nl || r->eof) {
            r->start = r->scanned = nl ? (size_t)(nl - r->buf) + 1 : r->end;
            r->skipping = false;
            *lineno = r->lineno;
            return RT_RD_TOO_LONG;
        }
        r->start = r->end = r->scanned = 0;
        if (fill(r) < 0) return RT_RD_ERROR;
    }
}

int rt_reader_next(rt_reader *r, char **line, size_t *n, int64_t *lineno)
{
    for (;;) {
        if (r->skipping) return skip_long(r, lineno);
        char *nl = memchr(r->buf + r->scanned, '\n', r->end - r->scanned);
        if (nl) {
            size_t len = (size_t)(nl - (r->buf + r->start));
            return take_line(r, len, len + 1, line, n, lineno);
        }
        r->scanned = r->end;
        size_t pending = r->end - r->start;
        if (r->eof) {
            if (pending == 0) return RT_RD_EOF;
            return take_line(r, pending, pending, line, n, lineno);
        }
        if (pending > r->max_line + 1) { /* longer than allowed even with a CR */
            r->lineno++;
            r->skipping = true;
            r->start = r->end = r->scanned = 0;
            continue;
        }
        if (!make_room(r) || fill(r) < 0) return RT_RD_ERROR;
    }
}
