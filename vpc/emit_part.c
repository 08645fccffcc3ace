/* emit_part.c — partition ordinals carried by rows.
 *
 * A keyed table numbers its keys 0, 1, ... in order of first appearance.
 * Rows made under one key can carry that number, `part`, so that a later
 * table keyed by the same value finds its entry in a vector indexed by
 * part (`by_part`) and hashes a key only the first time it sees it:
 * - a keyed aggregate's rows carry the ordinal of their partition;
 * - a single-key join's rows carry the ordinal of their join key;
 * - a .select()/.emit() row carries its input row's part when it keeps a
 *   field holding the key (a plain field reference).
 * Only one operator makes the rows of a layout, so equal parts mean equal
 * keys (as `==` compares them) and different parts different keys.
 *
 * A partition key lives in its table's arena until the program ends, and
 * so do row fields holding it: rows that are kept or handed on need not
 * copy those strings. */
#include "emit.h"

bool vpc_emit_keyed_aggregate(const vpc_stream *st)
{
    const vpc_wplan *p = st->win;
    return p && p->nkeys == 1 && p->kind != VPC_W_NONE && p->aggregate_at >= 0;
}

bool vpc_emit_join_has_ord(const vpc_stream *st) { return st->join && st->join->nkeys == 1; }

/* The field of the current row that plain reference e reads, or -1. */
static int32_t field_read(const vpc_expr *e)
{
    const vpc_einfo *info = e->sema;
    if ((e->kind != VPC_E_NAME && e->kind != VPC_E_MEMBER) || !info || info->ref != VPC_REF_FIELD) return -1;
    return (int32_t)info->field;
}

/* Streams and join inputs reading event type r that would look up field f
 * of every event as their key; *first: how many of them do so before any
 * filter (a lookup they make for every event anyway). */
static uint32_t field_users(const vpc_emitter *E, const vpc_row *r, uint32_t f, uint32_t *first)
{
    uint32_t n = 0;
    *first = 0;
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        const vpc_stream *st = E->prog->streams[i];
        const vpc_wplan *p = st->win;
        if (st->src_kind == VPC_SK_EVENT && st->src_event == r && p && p->in == r && p->nkeys == 1 &&
            p->kind != VPC_W_NONE && p->kind != VPC_W_SESSION && p->keys[0].field == f) {
            n++;
            *first += p->window_at == 0;
        }
        for (uint32_t k = 0; k < st->ninputs; k++)
            if (st->inputs[k].event == r && vpc_emit_join_has_ord(st) && field_read(st->inputs[k].keys[0]) == (int32_t)f)
                n++;
    }
    return n;
}

int32_t vpc_emit_event_part_field(const vpc_emitter *E, const vpc_row *r)
{
    if (!r->event) return -1;
    for (uint32_t f = 0; f < r->nfields; f++) {
        uint32_t first, n = field_users(E, r, f, &first);
        if (n >= 2 && first >= 1) return (int32_t)f;
    }
    return -1;
}

typedef enum made_by { MADE_OTHER, MADE_EVENT, MADE_AGG, MADE_JOIN, MADE_PROJ } made_by;

/* The operator that makes the rows of layout r. */
static made_by maker(const vpc_emitter *E, const vpc_row *r, const vpc_stream **stp, const vpc_opnode **opp)
{
    if (r->event) return MADE_EVENT;
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        const vpc_stream *st = E->prog->streams[i];
        *stp = st;
        if (st->join && st->join->row == r) return MADE_JOIN;
        const vpc_wplan *p = st->win;
        if (p && p->aggregate_at >= 0 && st->ops[p->aggregate_at].out == r) return MADE_AGG;
        for (uint32_t j = 0; j < st->nops; j++) {
            const vpc_opnode *op = &st->ops[j];
            bool proj = op->kind == VPC_OPK_SELECT || (op->kind == VPC_OPK_EMIT && op->nitems);
            if (proj && op->out == r && op->in != r) {
                *opp = op;
                return MADE_PROJ;
            }
        }
    }
    return MADE_OTHER;
}

bool vpc_emit_part_key(const vpc_emitter *E, const vpc_row *r, uint32_t f)
{
    const vpc_stream *st = NULL;
    const vpc_opnode *op = NULL;
    switch (maker(E, r, &st, &op)) {
    case MADE_EVENT: return vpc_emit_event_part_field(E, r) == (int32_t)f;
    case MADE_AGG:
        return vpc_emit_keyed_aggregate(st) && f == 0 && st->win->keys[0].in_output &&
               r->fields[0].name == st->win->keys[0].name;
    case MADE_JOIN: {
        if (!vpc_emit_join_has_ord(st)) return false;
        const vpc_rfield *x = &r->fields[f];
        return field_read(st->inputs[x->part].keys[0]) == (int32_t)x->pfield;
    }
    case MADE_PROJ: {
        int32_t from = f < op->nitems ? field_read(op->items[f].value) : -1;
        return from >= 0 && vpc_emit_part_key(E, op->in, (uint32_t)from);
    }
    default: return false;
    }
}

bool vpc_emit_row_has_part(const vpc_emitter *E, const vpc_row *r)
{
    const vpc_stream *st = NULL;
    const vpc_opnode *op = NULL;
    switch (maker(E, r, &st, &op)) {
    case MADE_EVENT: return vpc_emit_event_part_field(E, r) >= 0;
    case MADE_AGG: return vpc_emit_keyed_aggregate(st);
    case MADE_JOIN: return vpc_emit_join_has_ord(st);
    case MADE_PROJ:
        for (uint32_t f = 0; f < r->nfields; f++)
            if (vpc_emit_part_key(E, r, f)) return true;
        return false;
    default: return false;
    }
}

bool vpc_emit_window_by_part(const vpc_emitter *E, const vpc_stream *st)
{
    const vpc_wplan *p = st->win;
    /* sessions look the key up before the partition (to drop late rows) */
    if (!p || p->nkeys != 1 || p->kind == VPC_W_NONE || p->kind == VPC_W_SESSION) return false;
    return vpc_emit_part_key(E, p->in, p->keys[0].field);
}

bool vpc_emit_join_by_part(const vpc_emitter *E, const vpc_stream *st, uint32_t k)
{
    if (!vpc_emit_join_has_ord(st)) return false;
    int32_t f = field_read(st->inputs[k].keys[0]);
    return f >= 0 && vpc_emit_part_key(E, st->inputs[k].row, (uint32_t)f);
}

bool vpc_emit_field_stable(const vpc_emitter *E, const vpc_row *r, uint32_t f)
{
    const vpc_stream *st = NULL;
    const vpc_opnode *op = NULL;
    switch (maker(E, r, &st, &op)) {
    case MADE_AGG: {
        const vpc_wplan *p = st->win;
        if (!p->nkeys || p->kind == VPC_W_NONE) return false; /* no table */
        uint32_t nout = 0; /* the keys in the row lead it */
        for (uint32_t k = 0; k < p->nkeys; k++) nout += p->keys[k].in_output;
        return f < nout;
    }
    case MADE_JOIN: {
        const vpc_rfield *x = &r->fields[f];
        return vpc_emit_field_stable(E, st->inputs[x->part].row, x->pfield);
    }
    case MADE_PROJ: {
        int32_t from = f < op->nitems ? field_read(op->items[f].value) : -1;
        return from >= 0 && r->fields[f].ty == op->in->fields[from].ty &&
               vpc_emit_field_stable(E, op->in, (uint32_t)from);
    }
    default: return false;
    }
}

/* ---- event rows: one lookup per event for every stream keyed by the field ---- */

static void for_part_events(vpc_emitter *E, void (*fn)(vpc_emitter *E, const vpc_row *r, const char *t))
{
    for (uint32_t i = 0; i < E->prog->nevents; i++) {
        const vpc_row *r = E->prog->events[i];
        if (r->consumed && vpc_emit_event_part_field(E, r) >= 0) fn(E, r, r->event->name);
    }
}

static void event_state(vpc_emitter *E, const vpc_row *r, const char *t)
{
    vpc_cw_comment(E->w, "%s: the numbers of its %s values, read by every stream keyed by it", t,
                   r->fields[vpc_emit_event_part_field(E, r)].name->name);
    vpc_cw_line(E->w, "static struct { vp_tab *tab; vp_key key; } kx_%s; /* slot: int32_t number */", t);
}

static void event_init(vpc_emitter *E, const vpc_row *r, const char *t)
{
    (void)r;
    /* a full table leaves part -1: the streams then hash the key themselves */
    vpc_cw_line(E->w, "kx_%s.tab = vp_tab_new((int64_t)sizeof(int32_t), %lldL);", t, (long long)E->prog->max_partitions);
}

static void event_fini(vpc_emitter *E, const vpc_row *r, const char *t)
{
    (void)r;
    vpc_cw_line(E->w, "vp_tab_free(kx_%s.tab);", t);
    vpc_cw_line(E->w, "vp_key_free(&kx_%s.key);", t);
}

void vpc_emit_event_parts_state(vpc_emitter *E) { for_part_events(E, event_state); }
void vpc_emit_event_parts_init(vpc_emitter *E) { for_part_events(E, event_init); }
void vpc_emit_event_parts_fini(vpc_emitter *E) { for_part_events(E, event_fini); }

void vpc_emit_event_part_lookup(vpc_emitter *E, const vpc_row *r)
{
    vpc_cw *w = E->w;
    int32_t f = vpc_emit_event_part_field(E, r);
    if (f < 0) return;
    const vpc_rfield *x = &r->fields[f];
    const char *t = r->event->name, *fn = x->name->name;
    vpc_cval v = {x->ty, vpc_emit_fmt(E, "ev->f_%s", fn), NULL};
    if (vpc_emit_has_null_flag(x->ty)) v.n = vpc_emit_fmt(E, "ev->n_%s", fn);
    else v.ty = VPC_TY_DYN;
    vpc_cw_line(w, "kx_%s.key.n = 0;", t);
    vpc_cw_line(w, "vp_key_add(&kx_%s.key, %s);", t, vpc_emit_box(E, v));
    vpc_cw_block(w);
    vpc_cw_line(w, "bool fresh;");
    vpc_cw_line(w, "int32_t *num = vp_tab_get(kx_%s.tab, &kx_%s.key, &fresh);", t, t);
    vpc_cw_line(w, "if (fresh) *num = (int32_t)vp_tab_count(kx_%s.tab) - 1;", t);
    vpc_cw_line(w, "ev->part = num ? *num : -1;");
    vpc_cw_close(w, NULL);
}

const char *vpc_emit_by_part_get(vpc_emitter *E, const char *slot, const char *vec, const char *part)
{
    return vpc_emit_fmt(E, "((uint64_t)(int64_t)%s < (uint64_t)%s.n ? ((%s **)%s.p)[%s] : NULL)", part, vec, slot, vec,
                        part);
}

void vpc_emit_by_part_set(vpc_emitter *E, const char *slot, const char *vec, const char *part, const char *s)
{
    /* at most one entry per key of the source's table: bounded like it */
    vpc_cw_open(E->w, "if (%s >= 0)", part);
    vpc_cw_line(E->w, "while (%s.n <= (int64_t)%s) *(%s **)vp_vec_push(&%s, (int64_t)sizeof(%s *), -1) = NULL;", vec,
                part, slot, vec, slot);
    vpc_cw_line(E->w, "((%s **)%s.p)[%s] = %s;", slot, vec, part, s);
    vpc_cw_close(E->w, NULL);
}
