/* emit_pbind.c — how a pattern run keeps its bindings.
 *
 * Runs are walked for every event of their partition, so a run record
 * keeps as little as it can:
 * - a compact binding keeps only the fields some expression reads,
 *   flattened (b<a>_f_x), wide values first and flags last;
 * - a field equal to the partition key (the .partition_by field, or the
 *   first step's side of an extracted key) is read from the key;
 * - the event of a last step that completes the run at once is never
 *   kept: the match row reads it from the event itself;
 * - without strings or candidates to own, a run has no arena at all.
 * When match rows leave the stream whole every field is kept. */
#include "emit_pbind.h"

#define F(...) vpc_emit_fmt(E, __VA_ARGS__)

/* Do match rows leave the stream whole (no named .emit/.select after only
 * filters)? Then every field of every binding may be read downstream. */
static bool match_escapes(const vpc_stream *st)
{
    for (uint32_t i = 0; i < st->nops; i++) {
        const vpc_opnode *op = &st->ops[i];
        switch (op->kind) {
        case VPC_OPK_WHERE:
        case VPC_OPK_LIMIT: continue;
        case VPC_OPK_EMIT:
        case VPC_OPK_SELECT: return op->out == op->in;
        default: return true;
        }
    }
    return true;
}

/* The exhaustive step's binding is a whole candidate row. */
static bool can_compact(const vpc_stream *st, uint32_t a)
{
    const vpc_pplan *p = st->pat;
    const vpc_palias *al = &p->aliases[a];
    if (!al->row || al->row->implicit) return false;
    if (p->exhaustive >= 0 && p->steps[p->exhaustive].terms[0].alias == (int32_t)a) return false;
    return !match_escapes(st);
}

void vpc_pbind_plan(vpc_stream *st)
{
    for (uint32_t a = 0; a < st->pat->naliases; a++) st->pat->aliases[a].compact = can_compact(st, a);
}

static bool compact(const vpc_pplan *p, uint32_t a) { return p->aliases[a].compact; }

/* Is field fi of alias a read at all? */
static bool read(const vpc_pplan *p, uint32_t a, uint32_t fi)
{
    const vpc_palias *al = &p->aliases[a];
    return !compact(p, a) || (al->read && al->read[fi]);
}

int32_t vpc_pbind_completing(const vpc_pplan *p)
{
    if (p->nsteps == 0 || p->exhaustive >= 0 || p->ntrailing) return -1;
    const vpc_pstep *s = &p->steps[p->nsteps - 1];
    if (s->kind != VPC_PS_TERM || s->quant != VPC_PQ_ONE || s->nterms != 1) return -1;
    return s->terms[0].alias;
}

/* The input whose rows alias a binds. */
static int32_t alias_input(const vpc_pplan *p, uint32_t a)
{
    for (uint32_t j = 0; j < p->nsteps; j++)
        for (uint32_t t = 0; t < p->steps[j].nterms; t++)
            if (p->steps[j].terms[t].alias == (int32_t)a) return (int32_t)p->steps[j].terms[t].input;
    return -1;
}

/* Field fi of alias a always equals its run's partition key: every event a
 * run takes is of the run's partition, and the key keeps these types
 * exactly. A Kleene aggregate keeps its own copy, so it must not point
 * into the key. */
static bool from_key(const vpc_pplan *p, uint32_t a, uint32_t fi)
{
    const vpc_palias *al = &p->aliases[a];
    if (!compact(p, a)) return false;
    switch (al->row->fields[fi].ty) {
    case VPC_TY_STR:
    case VPC_TY_INT:
    case VPC_TY_BOOL:
    case VPC_TY_TS:
    case VPC_TY_DUR: break;
    default: return false;
    }
    for (uint32_t i = 0; i < p->naggs; i++)
        if (p->aggs[i].alias == a && p->aggs[i].fn != VPC_AGG_COUNT && p->aggs[i].field == fi) return false;
    int32_t k = alias_input(p, a);
    if (k < 0) return false;
    if (p->partitioned) return p->pfield[k] == (int32_t)fi;
    const vpc_pstep *s0 = &p->steps[0];
    return p->keyed && al->step == 0 && s0->kind == VPC_PS_TERM && s0->quant == VPC_PQ_ONE && s0->nterms == 1 &&
           fi == p->key_field;
}

/* Is field fi of alias a a member of the run record? */
static bool stored(const vpc_pplan *p, uint32_t a, uint32_t fi)
{
    return read(p, a, fi) && !from_key(p, a, fi) && vpc_pbind_completing(p) != (int32_t)a;
}

const char *vpc_pbind_prefix(vpc_emitter *E, const vpc_pplan *p, uint32_t a)
{
    return F("run->b%u%s", a, compact(p, a) ? "_" : ".");
}

bool vpc_pbind_owns(const vpc_stream *st)
{
    const vpc_pplan *p = st->pat;
    if (p->exhaustive >= 0) return true;
    for (uint32_t a = 0; a < p->naliases; a++) {
        const vpc_palias *al = &p->aliases[a];
        if (!al->row || vpc_pbind_completing(p) == (int32_t)a) continue;
        if (!compact(p, a)) return true;
        for (uint32_t i = 0; i < al->row->nfields; i++) {
            vpc_ty ty = al->row->fields[i].ty;
            if (stored(p, a, i) && (ty == VPC_TY_STR || !vpc_emit_has_null_flag(ty))) return true;
        }
    }
    return false;
}

/* ---- the record ---- */

static void agg_fields(vpc_emitter *E, vpc_pplan *p)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < p->naggs; i++) {
        vpc_pagg *g = &p->aggs[i];
        vpc_palias *al = &p->aliases[g->alias];
        const char *what = al->name->name;
        switch (g->fn) {
        case VPC_AGG_COUNT: vpc_cw_line(w, "int64_t g%u; /* len(%s) */", i, what); break;
        case VPC_AGG_SUM: vpc_cw_line(w, "double g%u; /* sum over %s */", i, what); break;
        case VPC_AGG_AVG:
            vpc_cw_line(w, "double g%u; /* avg over %s */", i, what);
            vpc_cw_line(w, "int64_t g%u_n;", i);
            break;
        case VPC_AGG_MIN:
        case VPC_AGG_MAX:
            vpc_cw_line(w, "double g%u; /* %s over %s */", i, g->fn == VPC_AGG_MIN ? "min" : "max", what);
            vpc_cw_line(w, "bool g%u_has;", i);
            break;
        default: { /* first, last */
            vpc_ty ty = al->row->fields[g->field].ty;
            vpc_cw_line(w, "%s g%u; /* %s over %s */", vpc_emit_ctype(ty), i,
                        g->fn == VPC_AGG_FIRST ? "first" : "last", what);
            if (vpc_emit_has_null_flag(ty)) vpc_cw_line(w, "bool g%u_null;", i);
            vpc_cw_line(w, "bool g%u_set;", i);
            break;
        }
        }
    }
}

/* Compact fields of one width class: wide values (pass 0) or flags (pass 1). */
static void compact_fields(vpc_emitter *E, vpc_pplan *p, int pass)
{
    vpc_cw *w = E->w;
    int32_t done = vpc_pbind_completing(p);
    for (uint32_t a = 0; a < p->naliases; a++) {
        vpc_palias *al = &p->aliases[a];
        if ((int32_t)a == done) continue;
        if (pass) vpc_cw_line(w, "bool k%u; /* %s is bound */", a, al->name ? al->name->name : "the last step");
        if (!compact(p, a)) continue;
        for (uint32_t i = 0; i < al->row->nfields; i++) {
            vpc_rfield *f = &al->row->fields[i];
            if (!stored(p, a, i)) continue;
            bool narrow = f->ty == VPC_TY_BOOL;
            if (narrow == (pass == 1)) vpc_cw_line(w, "%s b%u_f_%s;", vpc_emit_ctype(f->ty), a, f->name->name);
            if (pass == 1 && vpc_emit_has_null_flag(f->ty)) vpc_cw_line(w, "bool b%u_n_%s;", a, f->name->name);
        }
    }
}

void vpc_pbind_decls(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    int32_t done = vpc_pbind_completing(p);
    for (uint32_t a = 0; a < p->naliases; a++) {
        vpc_palias *al = &p->aliases[a];
        if (compact(p, a) || (int32_t)a == done) continue;
        vpc_cw_line(w, "%s b%u; /* %s%s */", al->row->cname, a, al->name ? al->name->name : "the last step",
                    al->kleene ? ": its last event" : "");
    }
    compact_fields(E, p, 0);
    if (p->exhaustive >= 0) {
        vpc_cw_line(w, "vp_vec xc; /* the exhaustive step's candidates, in arrival order */");
        vpc_cw_line(w, "vp_vec xa; /* per candidate: bit j set when candidate j may follow it */");
    }
    agg_fields(E, p);
    compact_fields(E, p, 1);
    if (p->nbares) vpc_cw_line(w, "uint8_t lt; /* the completer that took the last event (bare names) */");
    if (vpc_pbind_owns(st))
        vpc_cw_line(w, "vp_arena own; /* strings of the bound events (last: a visit rarely needs it) */");
}

void vpc_pbind_bind(vpc_emitter *E, vpc_stream *st, uint32_t a)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    vpc_row *row = p->aliases[a].row;
    if (vpc_pbind_completing(p) == (int32_t)a) return;
    vpc_cw_line(w, "run->k%u = true;", a);
    if (!compact(p, a)) {
        vpc_cw_line(w, "run->b%u = *r0;", a);
        vpc_emit_own_row(E, row, F("run->b%u.", a), "&run->own");
        return;
    }
    for (uint32_t i = 0; i < row->nfields; i++) {
        const char *f = row->fields[i].name->name;
        vpc_ty ty = row->fields[i].ty;
        if (!stored(p, a, i)) continue;
        if (ty == VPC_TY_STR)
            vpc_cw_line(w, "run->b%u_f_%s = r0->n_%s ? r0->f_%s : vp_own_str(ctx, &run->own, r0->f_%s);", a, f, f, f, f);
        else if (!vpc_emit_has_null_flag(ty))
            vpc_cw_line(w, "run->b%u_f_%s = vp_own_val(ctx, &run->own, r0->f_%s);", a, f, f);
        else if (ty == VPC_TY_FLOAT)
            vpc_cw_line(w, "run->b%u_f_%s = r0->n_%s ? vp_nan() : r0->f_%s;", a, f, f, f);
        else
            vpc_cw_line(w, "run->b%u_f_%s = r0->f_%s;", a, f, f);
        if (vpc_emit_has_null_flag(ty)) vpc_cw_line(w, "run->b%u_n_%s = r0->n_%s;", a, f, f);
    }
}

void vpc_pbind_took(vpc_emitter *E, vpc_stream *st, uint32_t a)
{
    const vpc_pplan *p = st->pat;
    if (!p->nbares) return;
    for (uint32_t c = 0; c < p->ncompleters; c++)
        if (p->completers[c] == (int32_t)a) vpc_cw_line(E->w, "run->lt = %u;", a);
}

/* A compact binding's null flags are set while it is unbound, so that
 * reading a field tests one flag, and its floats are NaN while null, so
 * that an ordered comparison tests none: whether a run has bound an
 * alias yet varies from run to run, and a branch on it mispredicts. */
void vpc_pbind_init(vpc_emitter *E, vpc_stream *st)
{
    vpc_pplan *p = st->pat;
    for (uint32_t a = 0; a < p->naliases; a++) {
        vpc_palias *al = &p->aliases[a];
        if (!compact(p, a)) continue;
        for (uint32_t i = 0; i < al->row->nfields; i++) {
            const char *x = al->row->fields[i].name->name;
            vpc_ty ty = al->row->fields[i].ty;
            if (!stored(p, a, i) || !vpc_emit_has_null_flag(ty)) continue;
            vpc_cw_line(E->w, "p_%s_none.b%u_n_%s = true;", st->name->name, a, x);
            if (ty == VPC_TY_FLOAT) vpc_cw_line(E->w, "p_%s_none.b%u_f_%s = vp_nan();", st->name->name, a, x);
        }
    }
}

/* ---- reading a binding ---- */

static const char *zero_of(vpc_ty ty)
{
    switch (ty) {
    case VPC_TY_STR: return "((vp_str){0})";
    case VPC_TY_BOOL: return "false";
    case VPC_TY_FLOAT: return "0.0";
    default: return "0";
    }
}

static const char *key_member(vpc_ty ty)
{
    switch (ty) {
    case VPC_TY_STR: return "s";
    case VPC_TY_BOOL: return "b";
    default: return "i";
    }
}

/* Field fi of alias a of the run `run`; rl: the completing event, if known. */
static vpc_cval binding(vpc_emitter *E, vpc_stream *st, const char *run, const char *rl, uint32_t a, uint32_t fi)
{
    vpc_pplan *p = st->pat;
    vpc_rfield *f = &p->aliases[a].row->fields[fi];
    const char *x = f->name->name;
    bool flag = vpc_emit_has_null_flag(f->ty);
    vpc_cval c = {0};
    if (vpc_pbind_completing(p) == (int32_t)a) {
        if (rl) return flag ? (vpc_cval){f->ty, F("%s->f_%s", rl, x), F("%s->n_%s", rl, x)}
                            : (vpc_cval){VPC_TY_DYN, F("%s->f_%s", rl, x), NULL};
        /* before the run completes the alias is unbound */
        c = flag ? (vpc_cval){f->ty, zero_of(f->ty), "true"} : (vpc_cval){VPC_TY_DYN, "vp_null()", NULL};
        c.unbound = "true";
        return c;
    }
    const char *k = F("%s->k%u", run, a);
    const char *b = F("%s->b%u%s", run, a, compact(p, a) ? "_" : ".");
    if (from_key(p, a, fi)) {
        const char *key = rl ? "key" : F("vp_runs_key(p_%s, %s->h.part)", st->name->name, run);
        c = (vpc_cval){f->ty, F("%s.u.%s", key, key_member(f->ty)), F("(!%s || %s.tag == VP_NULL)", k, key)};
    } else if (!flag) {
        c = (vpc_cval){VPC_TY_DYN, F("(%s ? %sf_%s : vp_null())", k, b, x), NULL};
    } else if (compact(p, a)) { /* null while unbound */
        c = (vpc_cval){f->ty, F("%sf_%s", b, x), F("%sn_%s", b, x), f->ty == VPC_TY_FLOAT};
    } else {
        c = (vpc_cval){f->ty, F("%sf_%s", b, x), F("(!%s || %sn_%s)", k, b, x)};
    }
    c.unbound = F("!%s", k);
    return c;
}

bool vpc_pbind_reads_key(const vpc_stream *st)
{
    const vpc_pplan *p = st->pat;
    const vpc_row *m = p->match;
    for (uint32_t i = 0; i < m->nfields; i++) {
        const vpc_rfield *f = &m->fields[i];
        if (f->part >= 0 && read(p, (uint32_t)f->part, f->pfield) && from_key(p, (uint32_t)f->part, f->pfield))
            return true;
    }
    for (uint32_t b = 0; b < p->nbares; b++)
        for (uint32_t c = 0; c < p->ncompleters; c++) {
            int32_t fi = p->bares[b].field[c];
            if (fi >= 0 && from_key(p, (uint32_t)p->completers[c], (uint32_t)fi)) return true;
        }
    return false;
}

vpc_cval vpc_pbind_field(vpc_emitter *E, vpc_stream *st, uint32_t a, uint32_t fi)
{
    if (!read(st->pat, a, fi)) return (vpc_cval){VPC_TY_NULL, "vp_null()", "true"};
    return binding(E, st, "run", "rl", a, fi);
}

vpc_cval vpc_pbind_bare(vpc_emitter *E, vpc_stream *st, uint32_t b, vpc_ty ty)
{
    const vpc_pplan *p = st->pat;
    const vpc_pbare *bare = &p->bares[b];
    bool flag = vpc_emit_has_null_flag(ty);
    const char *v = flag ? zero_of(ty) : "vp_null()", *n = "true";
    for (uint32_t c = p->ncompleters; c-- > 0;) {
        if (bare->field[c] < 0) continue;
        uint32_t a = (uint32_t)p->completers[c];
        vpc_cval x = vpc_pbind_field(E, st, a, (uint32_t)bare->field[c]);
        const char *is = F("run->lt == %u", a);
        v = F("(%s ? %s : %s)", is, vpc_emit_as(E, x, ty), v);
        if (flag) n = F("(%s ? %s : %s)", is, vpc_emit_isnull(E, x), n);
    }
    return (vpc_cval){ty, v, flag ? n : NULL};
}

vpc_cval vpc_emit_binding(vpc_emitter *E, uint32_t alias, uint32_t field)
{
    VPC_ASSERT(E->pat && E->run && E->pat_stream);
    vpc_rfield *f = &E->pat->aliases[alias].row->fields[field];
    if (E->self_row && (int32_t)alias == E->self_alias) { /* the previous element: always there */
        const char *v = F("%sf_%s", E->self_row, f->name->name);
        if (!vpc_emit_has_null_flag(f->ty)) return (vpc_cval){VPC_TY_DYN, v, NULL};
        return (vpc_cval){f->ty, v, F("%sn_%s", E->self_row, f->name->name)};
    }
    return binding(E, E->pat_stream, E->run, NULL, alias, field);
}
