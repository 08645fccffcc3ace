/* decode.h — input line decoding (runtime-private; used by rt.c, tests and
 * the fuzzer): line classification, the JSON Lines and .evt scanners, and
 * event time (LANGUAGE.md §6, §7).
 *
 * Nothing is allocated per line: fields live in a fixed array and decoded
 * text in a side buffer that only grows. String fields without escapes, and
 * number texts, point into the line itself, so an event is valid until the
 * line buffer and the decoder move on to the next line.
 */
#ifndef VP_DECODE_H
#define VP_DECODE_H

#include "rt.h"

#define RT_MAX_FIELDS 256              /* per event; more is VP_BAD_TOO_MANY_FIELDS */
#define RT_SCAN_SLOTS (2 * RT_MAX_FIELDS) /* JSON: top-level members and data members */
#define RT_MAX_DEPTH 64                /* array/object nesting */

typedef struct rt_dec {
    vp_field fields[RT_SCAN_SLOTS];
    int32_t nfields;
    vp_w side;         /* decoded strings and canonical JSON of the current line */
    vp_w tmp;          /* one decoded string on its way to canonical form */
    vp_field top_ts;   /* JSON nested form: the top-level "timestamp" member */
    bool has_top_ts;
    bool is_evt;       /* the line was .evt */
    bool has_offset;   /* .evt: the line had an @ offset */
    int64_t offset_ms;
    bool has_batch;    /* .evt: a BATCH directive was seen */
    int64_t batch_ms;
    int64_t prev_time; /* ns; event time of the previous event */
    int32_t bad_kind;  /* enum vp_bad_kind of a rejected line */
    char msg[160];     /* why it was rejected */
} rt_dec;

enum rt_dec_status {
    RT_DEC_EVENT, /* *ev is an event */
    RT_DEC_NONE,  /* blank line, comment or directive */
    RT_DEC_BAD,   /* rejected: d->bad_kind, d->msg */
};

rt_dec *rt_dec_new(void);
void rt_dec_free(rt_dec *d);

/* Decodes one line (without its line terminator) into *ev, event time
 * included. Lines must be valid UTF-8 (else VP_BAD_MALFORMED), so all text
 * the runtime writes is too. */
int rt_dec_line(rt_dec *d, const char *p, size_t n, int64_t line, vp_event *ev);

/* The scanners (called by rt_dec_line with the side buffer prepared): fill
 * d->fields, d->nfields and ev->type. p is the whole line. */
int rt_dec_json(rt_dec *d, const char *p, size_t n, vp_event *ev);
int rt_dec_evt(rt_dec *d, const char *p, size_t n, vp_event *ev);

/* Rejects the current line: sets d->bad_kind and d->msg; returns RT_DEC_BAD. */
int rt_dec_fail(rt_dec *d, int32_t kind, size_t column, const char *what);

#endif /* VP_DECODE_H */
