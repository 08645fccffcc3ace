/* bi.h — helpers shared by the builtin families (stdlib-private). */
#ifndef VP_BI_H
#define VP_BI_H

#include "builtins.h"

static inline bool bi_is_num(vp_val v) { return v.tag == VP_INT || v.tag == VP_FLOAT; }
static inline double bi_f(vp_val v) { return v.tag == VP_INT ? (double)v.u.i : v.u.f; }
static inline bool bi_is_array(vp_val v) { return v.tag == VP_JSON && v.u.s.n > 0 && v.u.s.p[0] == '['; }
static inline bool bi_is_map(vp_val v) { return v.tag == VP_JSON && v.u.s.n > 0 && v.u.s.p[0] == '{'; }

static inline vp_val bi_json(vp_str s)
{
    vp_val v = vp_null();
    if (!s.p) return v; /* scratch memory ran out */
    v.tag = VP_JSON;
    v.u.s = s;
    return v;
}

/* A string built in scratch memory, or null if it ran out. */
static inline vp_val bi_str(vp_str s) { return s.p ? vp_box_str(s) : vp_null(); }

/* UTF-8: characters are code points; a byte that does not start a valid
 * sequence counts as one character, so any bytes can be measured and cut. */
int64_t bi_utf8_next(vp_str s, int64_t i);      /* byte index of the next character */
int64_t bi_utf8_len(vp_str s);                  /* number of characters */
int64_t bi_utf8_offset(vp_str s, int64_t k);    /* byte index of character k (k <= len) */

/* A character index from the end when negative, clamped to [0, len]. */
int64_t bi_index(int64_t i, int64_t len);

/* Number of elements of an array / members of a map. */
int64_t bi_json_count(vp_ctx *ctx, vp_val v);

#endif /* VP_BI_H */
