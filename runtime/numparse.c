/* numparse.c — number text from input: JSON number syntax, overflow-checked
 * integers, and doubles (exact fast path, strtod otherwise). */
#include <stdlib.h>
#include <string.h>

#include "scan_inline.h"

size_t rt_num_scan(const char *p, size_t n, bool *is_int) { return rt_num_scan_i(p, n, is_int); }

bool rt_parse_i64(const char *p, size_t n, int64_t *out) { return rt_parse_i64_i(p, n, out); }

bool rt_parse_f64(const char *p, size_t n, double *out)
{
    if (n == 0 || n > RT_NUM_MAX || rt_num_scan(p, n, NULL) != n) return false;
    if (rt_parse_f64_fast(p, n, out)) return true;
    char buf[RT_NUM_MAX + 1];
    memcpy(buf, p, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return true;
}
