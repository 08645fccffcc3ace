/* diff.h — a line diff of expected and produced rows for the differential
 * tests, whatever their row type: the caller says when two rows are equal
 * and how one is printed. */
#ifndef DIFFTOOL_DIFF_H
#define DIFFTOOL_DIFF_H

#include <stdbool.h>
#include <stdio.h>

typedef struct dt_rows {
    const void *exp, *got; /* arrays of ne and ng rows of `size` bytes */
    int ne, ng;
    size_t size;
    bool (*same)(const void *a, const void *b);
    void (*print)(FILE *f, const char *mark, const void *row);
} dt_rows;

/* Prints the rows of both sides on f, "- " expected only, "+ " produced
 * only, "  " common (longest common subsequence); both in full when they
 * are too long for the table. */
void dt_diff(FILE *f, const dt_rows *d);

#endif /* DIFFTOOL_DIFF_H */
