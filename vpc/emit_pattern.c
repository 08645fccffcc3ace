/* emit_pattern.c — pattern streams (LANGUAGE.md §5) as switch-based state
 * machines.
 *
 * A run is a pr_<S> record (runtime/runs.c keeps them): a vp_run header with
 * the position `pos` (next step) and `cnt` (events the Kleene step at pos
 * took), then the bindings b<a> (what the run keeps of its events, strings
 * owned by the run's arena: emit_pbind.c), their aggregates g<i> and
 * whether each is bound (k<a>).
 * For every input type T the stream reads, st_<S>_in<k> advances the clock,
 * confirms trailing NOTs whose deadline passed, drops expired runs, visits
 * the runs of the event's partition oldest first (visiting each with a
 * `switch (run->h.pos)` over the predicates of exactly the steps that can
 * take a T from there), and starts a new run through ps_<S>_<k>. A step that
 * takes an event goes through pa_<S>_<j>_<t>, then pf_<S> decides: complete
 * (a match row, the run ends), wait for a trailing NOT's deadline, emit and
 * keep going (final Kleene or optional steps), or nothing yet. Match rows
 * are built by pm_<S> and run through st_<S>, the stream's operators. */
#include <string.h>

#include "emit_pbind.h"

#define F(...) vpc_emit_fmt(E, __VA_ARGS__)
/* How a visit of a run ends (emit_visit). */
#define VISITED "goto visited;"

static bool kleene(const vpc_pstep *s) { return s->kind == VPC_PS_TERM && (s->quant == VPC_PQ_PLUS || s->quant == VPC_PQ_STAR); }
/* pm_'s parameter for the completing event, when it is not kept. */
static const char *completing_param(vpc_emitter *E, const vpc_pplan *p)
{
    int32_t a = vpc_pbind_completing(p);
    return a < 0 ? "" : F(", const %s *rl", p->aliases[a].row->cname);
}

static bool optional(const vpc_pstep *s) { return s->kind == VPC_PS_TERM && (s->quant == VPC_PQ_STAR || s->quant == VPC_PQ_OPT); }

/* Steps from..n-1 are all optional. */
static bool rest_optional(const vpc_pplan *p, uint32_t from)
{
    for (uint32_t j = from; j < p->nsteps; j++)
        if (!optional(&p->steps[j])) return false;
    return true;
}

/* The first mandatory step at or after `from` (nsteps when none). */
static uint32_t mandatory_from(const vpc_pplan *p, uint32_t from)
{
    uint32_t j = from;
    while (j < p->nsteps && optional(&p->steps[j])) j++;
    return j;
}

static bool term_reads(const vpc_pterm *t, uint32_t k) { return t->input == k; }

/* Can a row of input k change a live run (take a later step, or kill one)? */
static bool input_visits(const vpc_pplan *p, uint32_t k)
{
    for (uint32_t j = 0; j < p->nsteps; j++) {
        const vpc_pstep *s = &p->steps[j];
        for (uint32_t t = 0; t < s->nterms; t++)
            if (term_reads(&s->terms[t], k) && (j > 0 || kleene(s) || s->kind == VPC_PS_AND || optional(s)))
                return true;
        for (uint32_t t = 0; t < s->nnots; t++)
            if (term_reads(&s->nots[t], k)) return true;
    }
    for (uint32_t t = 0; t < p->ntrailing; t++)
        if (term_reads(&p->trailing[t], k)) return true;
    for (uint32_t t = 0; t < p->nnots; t++)
        if (term_reads(&p->nots[t], k)) return true;
    return false;
}

/* ---- state ---- */

void vpc_emit_pattern_state(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    const char *n = st->name->name;
    vpc_pbind_plan(st);
    bool owns = vpc_pbind_owns(st);
    vpc_cw_comment(w, "%s: a run of the pattern (a partial match)", n);
    vpc_cw_open(w, "typedef struct pr_%s", n);
    vpc_cw_line(w, "vp_run h;");
    vpc_pbind_decls(E, st);
    vpc_cw_close(w, F(" pr_%s;", n));
    if (p->exhaustive >= 0) {
        vpc_cw_line(w, "#define XMAX 64 /* candidates per run: one word of edges each */");
        vpc_cw_line(w, "#define XMATCH 10000 /* match rows per completion (LANGUAGE.md §5.3) */");
        vpc_cw_line(w, "static int32_t p_%s_cx, p_%s_cm; /* counters: candidates dropped, matches cut */", n, n);
    }
    vpc_cw_line(w, "static vp_runs *p_%s;", n);
    vpc_cw_line(w, "static int64_t p_%s_clock = INT64_MIN; /* the stream clock */", n);
    if (p->watermark) vpc_cw_line(w, "static int32_t p_%s_late; /* counter: late rows dropped */", n);
    vpc_cw_line(w, "static vp_key p_%s_key;", n);
    vpc_cw_line(w, "static pr_%s p_%s_none; /* nothing bound: predicates of a run about to start */", n, n);
    vpc_cw_comment(w, "%s: what a run record holds on the heap, freed at the end", n);
    vpc_cw_open(w, "static void pz_%s(void *record)", n);
    if (owns) {
        vpc_cw_line(w, "pr_%s *run = record;", n);
        vpc_cw_line(w, "vp_arena_free(&run->own);");
    } else {
        vpc_cw_line(w, "(void)record; /* nothing */");
    }
    if (p->exhaustive >= 0) {
        vpc_cw_line(w, "vp_vec_free(&run->xc);");
        vpc_cw_line(w, "vp_vec_free(&run->xa);");
    }
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* ---- per-step functions ---- */

static const char *term_fn(vpc_emitter *E, vpc_stream *st, const char *kind, uint32_t j, uint32_t t)
{
    return F("%s_%s_%u_%u", kind, st->name->name, j, t);
}

/* pt_: a term's conditions on candidate r0 with the run's bindings. */
/* The conditions of term t on r0 and `run`, each followed by `fail` when
 * false; the last one ANDed with guard (see emit_nots). */
static void emit_conds(vpc_emitter *E, vpc_pterm *t, const char *fail, const char *guard)
{
    E->row = "r0->";
    E->rowlayout = t->row;
    E->run = "run";
    for (uint32_t i = 0; i < t->nconds; i++) vpc_emit_user_test(E, t->conds[i], i + 1 == t->nconds ? guard : "", fail);
}

static void emit_pred(vpc_emitter *E, vpc_stream *st, vpc_pterm *t, const char *name)
{
    vpc_cw *w = E->w;
    vpc_cw_open(w, "static bool %s(vp_ctx *ctx, const pr_%s *run, const %s *r0)", name, st->name->name,
                t->row->cname);
    vpc_cw_line(w, "(void)ctx;");
    vpc_cw_line(w, "(void)run;");
    vpc_cw_line(w, "(void)r0;");
    emit_conds(E, t, "return false", "");
    vpc_cw_line(w, "return true;");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* In a visit: if step j's term t takes r0 (and guard holds), pa_ and
 * return. The conditions are written in place, not called: a visit is the
 * innermost loop, and the JIT does not inline. */
static void emit_try(vpc_emitter *E, vpc_stream *st, uint32_t j, uint32_t t, const char *guard)
{
    vpc_cw *w = E->w;
    vpc_pterm *term = &st->pat->steps[j].terms[t];
    if (!term->nconds) {
        if (*guard) vpc_cw_line(w, "if (true%s) { %s(ctx, run, r0); %s }", guard, term_fn(E, st, "pa", j, t), VISITED);
        else vpc_cw_line(w, "%s(ctx, run, r0); %s", term_fn(E, st, "pa", j, t), VISITED);
        return;
    }
    vpc_cw_open(w, "do");
    emit_conds(E, term, "break", guard);
    vpc_cw_line(w, "%s(ctx, run, r0);", term_fn(E, st, "pa", j, t));
    vpc_cw_line(w, VISITED);
    vpc_cw_close(w, " while (0);");
}

/* Updates the aggregates of binding a from its (owned) event at `src`
 * (a prefix such as "run->b0."). */
static void emit_agg_update(vpc_emitter *E, vpc_pplan *p, uint32_t a, const char *src)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < p->naggs; i++) {
        vpc_pagg *g = &p->aggs[i];
        if (g->alias != a) continue;
        if (g->fn == VPC_AGG_COUNT) {
            vpc_cw_line(w, "run->g%u++;", i);
            continue;
        }
        vpc_rfield *f = &p->aliases[a].row->fields[g->field];
        const char *v = F("%sf_%s", src, f->name->name);
        if (g->fn == VPC_AGG_FIRST || g->fn == VPC_AGG_LAST) {
            if (g->fn == VPC_AGG_FIRST) vpc_cw_open(w, "if (!run->g%u_set)", i);
            else vpc_cw_block(w);
            vpc_cw_line(w, "run->g%u = %s;", i, v);
            if (vpc_emit_has_null_flag(f->ty)) vpc_cw_line(w, "run->g%u_null = %sn_%s;", i, src, f->name->name);
            vpc_cw_line(w, "run->g%u_set = true;", i);
            vpc_cw_close(w, NULL);
            continue;
        }
        /* numeric aggregates skip null and non-numeric values */
        if (f->ty == VPC_TY_INT || f->ty == VPC_TY_FLOAT) {
            vpc_cw_open(w, "if (!%sn_%s)", src, f->name->name);
            vpc_cw_line(w, "double v = (double)%s;", v);
        } else if (f->ty == VPC_TY_DYN) {
            vpc_cw_open(w, "if (%s.tag == VP_INT || %s.tag == VP_FLOAT)", v, v);
            vpc_cw_line(w, "double v = %s.tag == VP_INT ? (double)%s.u.i : %s.u.f;", v, v, v);
        } else {
            continue;
        }
        switch (g->fn) {
        case VPC_AGG_SUM: vpc_cw_line(w, "run->g%u += v;", i); break;
        case VPC_AGG_AVG:
            vpc_cw_line(w, "run->g%u += v;", i);
            vpc_cw_line(w, "run->g%u_n++;", i);
            break;
        default:
            vpc_cw_line(w, "if (!run->g%u_has || v %s run->g%u) run->g%u = v;", i, g->fn == VPC_AGG_MIN ? "<" : ">",
                        i, i);
            vpc_cw_line(w, "run->g%u_has = true;", i);
            break;
        }
        vpc_cw_close(w, NULL);
    }
}

/* Is pf_ empty? When only the last step completes a run, in its pa_, and
 * no step is optional. */
static bool after_is_empty(const vpc_pplan *p) { return vpc_pbind_completing(p) >= 0; }

/* pa_: step j's term t takes r0: bind, move, then pf_ decides. */
static void emit_take(vpc_emitter *E, vpc_stream *st, uint32_t j, uint32_t t)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    vpc_pstep *s = &p->steps[j];
    vpc_pterm *term = &s->terms[t];
    const char *n = st->name->name;
    vpc_cw_open(w, "static void %s(vp_ctx *ctx, pr_%s *run, const %s *r0)", term_fn(E, st, "pa", j, t), n,
                term->row->cname);
    if (s->exhaustive) {
        vpc_cw_comment(w, "a new candidate: its edges from every earlier one (the chain predicate)");
        vpc_cw_open(w, "if (run->xc.n >= XMAX)");
        vpc_cw_line(w, "vp_count(ctx, p_%s_cx, 1);", n);
        vpc_cw_line(w, "return;");
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "%s *c = vp_vec_push(&run->xc, (int64_t)sizeof(%s), XMAX);", term->row->cname, term->row->cname);
        vpc_cw_line(w, "uint64_t *adj = vp_vec_push(&run->xa, (int64_t)sizeof(uint64_t), XMAX);");
        vpc_cw_line(w, "*c = *r0;");
        vpc_emit_own_row(E, term->row, "c->", "&run->own");
        vpc_cw_line(w, "*adj = 0;");
        vpc_cw_line(w, "int64_t m = run->xc.n - 1;");
        vpc_cw_line(w, "const %s *cs = (const %s *)run->xc.p;", term->row->cname, term->row->cname);
        vpc_cw_line(w, "uint64_t *as = (uint64_t *)run->xa.p;");
        vpc_cw_line(w, "for (int64_t i = 0; i < m; i++)");
        vpc_cw_line(w, "    if (px_%s(ctx, run, &cs[i], c)) as[i] |= (uint64_t)1 << m;", n);
        vpc_cw_line(w, "run->b%d = *c;", term->alias);
        vpc_cw_line(w, "run->k%d = true;", term->alias);
    } else if (term->alias >= 0) {
        uint32_t a = (uint32_t)term->alias;
        vpc_pbind_bind(E, st, a);
        emit_agg_update(E, p, a, vpc_pbind_prefix(E, p, a));
    }
    if (term->alias >= 0) vpc_pbind_took(E, st, (uint32_t)term->alias);
    if (j + 1 == p->nsteps && vpc_pbind_completing(p) >= 0) {
        vpc_cw_comment(w, "the run completes with r0, which the match row reads as it is");
        vpc_cw_line(w, "pm_%s(ctx, run, r0->time, r0);", n);
        vpc_cw_line(w, "vp_runs_kill(p_%s, &run->h);", n);
        vpc_cw_close(w, NULL);
        vpc_cw_blank(w);
        return;
    }
    if (kleene(s)) {
        vpc_cw_line(w, "if (run->h.pos == %u && run->h.cnt > 0) run->h.cnt++;", j);
        vpc_cw_line(w, "else run->h.pos = %u, run->h.cnt = 1;", j);
    } else if (s->kind == VPC_PS_AND) {
        vpc_cw_line(w, "run->h.mask |= %uu;", 1u << t);
        vpc_cw_line(w, "if (run->h.mask == 3u) run->h.pos = %u, run->h.cnt = 0, run->h.mask = 0;", j + 1);
        vpc_cw_line(w, "else run->h.pos = %u;", j);
    } else {
        vpc_cw_line(w, "run->h.pos = %u;", j + 1);
        vpc_cw_line(w, "run->h.cnt = 0;");
    }
    if (!after_is_empty(p)) vpc_cw_line(w, "pf_%s(ctx, run, r0->time);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* pf_: after a step took an event at time t. */
static void emit_after(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    const char *n = st->name->name;
    vpc_cw_comment(w, "%s: a run that took an event completes, waits for its deadline, emits and goes on, or waits",
                   n);
    vpc_cw_open(w, "static void pf_%s(vp_ctx *ctx, pr_%s *run, int64_t t)", n, n);
    if (after_is_empty(p)) {
        vpc_cw_line(w, "(void)ctx, (void)run, (void)t;");
        vpc_cw_close(w, NULL);
        vpc_cw_blank(w);
        return;
    }
    const vpc_pstep *last = &p->steps[p->nsteps - 1];
    bool single_last = last->kind == VPC_PS_TERM && last->quant == VPC_PQ_ONE;
    vpc_cw_open(w, "if (run->h.pos == %u)", p->nsteps);
    if (p->ntrailing) {
        /* after a last `?` the run may be waiting already */
        vpc_cw_line(w, "%svp_runs_wait(p_%s, &run->h, run->h.t0 + %lldLL); /* no NOT until then: a match */",
                    single_last ? "" : "if (!run->h.waiting) ", n, (long long)p->within);
    } else {
        vpc_cw_line(w, "pm_%s(ctx, run, t);", n);
        vpc_cw_line(w, "vp_runs_kill(p_%s, &run->h);", n);
    }
    vpc_cw_line(w, "return;");
    vpc_cw_close(w, NULL);
    vpc_cw_comment(w, "only optional steps left (or a repeating one): a match, and the run goes on");
    vpc_cw_line(w, "bool more = run->h.cnt > 0; /* the Kleene step at pos took an event */");
    vpc_cw_line(w, "bool emits = false;");
    vpc_cw_open(w, "switch (run->h.pos)");
    for (uint32_t j = 0; j < p->nsteps; j++) {
        bool fresh = rest_optional(p, j), going = rest_optional(p, j + 1) && kleene(&p->steps[j]);
        if (!fresh && !going) continue;
        vpc_cw_line(w, "case %u: emits = %s; break;", j,
                    fresh && going ? "true" : fresh ? "!more" : "more");
    }
    vpc_cw_line(w, "default: break;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "(void)more;");
    if (p->ntrailing) {
        vpc_cw_comment(w, "with a trailing NOT the run could complete: it waits for its deadline (LANGUAGE.md §5.4), "
                          "a repeating step still taking events");
        vpc_cw_line(w, "if (emits && !run->h.waiting) vp_runs_wait(p_%s, &run->h, run->h.t0 + %lldLL);", n,
                    (long long)p->within);
    } else {
        vpc_cw_line(w, "if (emits) pm_%s(ctx, run, t);", n);
    }
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* pm_: the match row of a run, at time t, through the stream's operators. */
static void emit_match(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    vpc_row *m = p->match;
    const char *n = st->name->name;
    vpc_cw_open(w, "static void %s_%s(vp_ctx *ctx, const pr_%s *run, int64_t t%s)", p->exhaustive >= 0 ? "pm1" : "pm",
                n, n, completing_param(E, p));
    vpc_cw_line(w, "%s m = {0};", m->cname);
    vpc_cw_line(w, "m.time = t;");
    if (vpc_pbind_reads_key(st)) vpc_cw_line(w, "const vp_val key = vp_runs_key(p_%s, run->h.part);", n);
    for (uint32_t i = 0; i < m->nfields; i++) {
        vpc_rfield *f = &m->fields[i];
        const char *fn = f->name->name;
        bool flag = vpc_emit_has_null_flag(f->ty);
        if (f->part >= 0 || f->part == VPC_PART_LAST) {
            vpc_cval c = f->part >= 0 ? vpc_pbind_field(E, st, (uint32_t)f->part, f->pfield)
                                      : vpc_pbind_bare(E, st, f->pfield, f->ty);
            if (c.ty == VPC_TY_NULL) { /* never read */
                if (flag) vpc_cw_line(w, "m.n_%s = true;", fn);
                else vpc_cw_line(w, "m.f_%s = vp_null();", fn);
            } else {
                vpc_cw_line(w, "m.f_%s = %s;", fn, c.v);
                if (flag) vpc_cw_line(w, "m.n_%s = %s;", fn, c.n);
            }
            continue;
        }
        uint32_t g = 0;
        while (g < p->naggs && p->aggs[g].mfield != i) g++;
        VPC_ASSERT(g < p->naggs);
        switch (p->aggs[g].fn) {
        case VPC_AGG_COUNT: vpc_cw_line(w, "m.f_%s = run->g%u;", fn, g); break;
        case VPC_AGG_SUM: vpc_cw_line(w, "m.f_%s = run->g%u;", fn, g); break;
        case VPC_AGG_AVG:
            vpc_cw_line(w, "m.f_%s = run->g%u_n ? run->g%u / (double)run->g%u_n : 0.0;", fn, g, g, g);
            vpc_cw_line(w, "m.n_%s = run->g%u_n == 0;", fn, g);
            break;
        case VPC_AGG_MIN:
        case VPC_AGG_MAX:
            vpc_cw_line(w, "m.f_%s = run->g%u;", fn, g);
            vpc_cw_line(w, "m.n_%s = !run->g%u_has;", fn, g);
            break;
        default:
            if (flag) {
                vpc_cw_line(w, "m.f_%s = run->g%u;", fn, g);
                vpc_cw_line(w, "m.n_%s = !run->g%u_set || run->g%u_null;", fn, g, g);
            } else {
                vpc_cw_line(w, "m.f_%s = run->g%u_set ? run->g%u : vp_null();", fn, g, g);
            }
            break;
        }
    }
    if (st->nconsumers) {
        vpc_cw_comment(w, "rows handed on keep their strings in scratch memory: the run's are recycled");
        vpc_emit_own_row(E, m, "m.", "NULL");
    }
    vpc_cw_line(w, "st_%s(ctx, &m);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* Kills the run when r0 (input k) matches a negation in nots[0..nn). */
/* guard: a condition ANDed in (without a branch of its own), or "". */
static void emit_nots(vpc_emitter *E, vpc_stream *st, vpc_pterm *nots, uint32_t nn, uint32_t k, const char *kind,
                      uint32_t j, const char *guard)
{
    for (uint32_t t = 0; t < nn; t++)
        if (term_reads(&nots[t], k))
            vpc_cw_line(E->w, "if (%s(ctx, run, r0)%s) { vp_runs_kill(p_%s, &run->h); %s }",
                        term_fn(E, st, kind, j, t), guard, st->name->name, VISITED);
}

/* The candidates of a run at `from` for a row of input k: the first
 * mandatory step, then the optional ones before it, nearest first. */
static void emit_candidates(vpc_emitter *E, vpc_stream *st, uint32_t from, uint32_t k, const char *guard)
{
    vpc_pplan *p = st->pat;
    uint32_t m = mandatory_from(p, from);
    uint32_t order[64], no = 0;
    if (m < p->nsteps) order[no++] = m;
    for (uint32_t j = from; j < m && no < 64; j++) order[no++] = j;
    for (uint32_t i = 0; i < no; i++) {
        vpc_pstep *s = &p->steps[order[i]];
        for (uint32_t t = 0; t < s->nterms; t++)
            if (term_reads(&s->terms[t], k)) emit_try(E, st, order[i], t, guard);
    }
}

/* The negations of the gaps a run at `from` crosses before its next
 * mandatory step; with none left, the run could complete, and the trailing
 * NOTs kill it too. */
static void emit_gap_nots(vpc_emitter *E, vpc_stream *st, uint32_t from, uint32_t k, const char *guard)
{
    vpc_pplan *p = st->pat;
    uint32_t m = mandatory_from(p, from);
    for (uint32_t j = from; j <= m && j < p->nsteps; j++)
        emit_nots(E, st, p->steps[j].nots, p->steps[j].nnots, k, "pn", j, guard);
    if (m == p->nsteps) emit_nots(E, st, p->trailing, p->ntrailing, k, "pz", 0, guard);
}

/* A Kleene-plus step j: until it has taken an event only its own term is
 * a candidate (after the NOTs of the gap before it); from then on the
 * steps after it come first. Whether it has taken one varies from run to
 * run, so the candidates test it without a branch of its own: a predicate
 * costs less than a mispredicted branch, and reads nothing unbound that
 * could fault (an unbound binding is null). */
static void emit_plus_visit(vpc_emitter *E, vpc_stream *st, uint32_t j, uint32_t k)
{
    vpc_cw *w = E->w;
    vpc_pstep *s = &st->pat->steps[j];
    vpc_cw_line(w, "bool more = run->h.cnt > 0; /* it took an event */");
    emit_nots(E, st, s->nots, s->nnots, k, "pn", j, " & !more");
    emit_gap_nots(E, st, j + 1, k, " & more");
    emit_candidates(E, st, j + 1, k, " & more");
    for (uint32_t t = 0; t < s->nterms; t++)
        if (term_reads(&s->terms[t], k)) emit_try(E, st, j, t, "");
    vpc_cw_line(w, VISITED);
}

/* The visit of one run by a row of input k (LANGUAGE.md §5.2 1b-1d), in
 * place in the walk (the JIT does not inline): it ends at `visited:`. */
static void emit_visit(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    vpc_cw_block(w);
    emit_nots(E, st, p->nots, p->nnots, k, "pg", 0, "");
    vpc_cw_open(w, "switch (run->h.pos)");
    for (uint32_t j = 0; j < p->nsteps; j++) {
        vpc_pstep *s = &p->steps[j];
        if (kleene(s) && s->quant == VPC_PQ_PLUS && !s->exhaustive) {
            vpc_cw_open(w, "case %u:", j);
            emit_plus_visit(E, st, j, k);
            vpc_cw_close(w, NULL);
            continue;
        }
        vpc_cw_line(w, "case %u:", j);
        w->indent++;
        if (kleene(s)) {
            vpc_cw_open(w, "if (run->h.cnt > 0)");
            emit_gap_nots(E, st, j + 1, k, "");
            emit_candidates(E, st, j + 1, k, "");
            for (uint32_t t = 0; t < s->nterms; t++)
                if (term_reads(&s->terms[t], k)) emit_try(E, st, j, t, "");
            vpc_cw_line(w, VISITED);
            vpc_cw_close(w, NULL);
        } else if (s->kind == VPC_PS_AND) {
            vpc_cw_open(w, "if (run->h.mask)");
            for (uint32_t t = 0; t < s->nterms; t++)
                if (term_reads(&s->terms[t], k))
                    vpc_cw_line(w, "if (!(run->h.mask & %uu) && %s(ctx, run, r0)) { %s(ctx, run, r0); %s }",
                                1u << t, term_fn(E, st, "pt", j, t), term_fn(E, st, "pa", j, t), VISITED);
            vpc_cw_line(w, VISITED);
            vpc_cw_close(w, NULL);
        }
        emit_gap_nots(E, st, j, k, "");
        emit_candidates(E, st, j, k, "");
        vpc_cw_line(w, VISITED);
        w->indent--;
    }
    vpc_cw_line(w, "default: /* waiting for the trailing NOT's deadline */");
    w->indent++;
    emit_nots(E, st, p->trailing, p->ntrailing, k, "pz", 0, "");
    vpc_cw_line(w, VISITED);
    w->indent--;
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "visited:");
}

/* The key of a row of input k into p_<S>_key; false when it has none. */
static bool emit_key(vpc_emitter *E, vpc_stream *st, uint32_t k, bool starting)
{
    vpc_pplan *p = st->pat;
    vpc_row *r = st->inputs[k].row;
    vpc_cval v;
    E->row = "r0->";
    E->rowlayout = r;
    if (p->partitioned) {
        vpc_rfield *f = &r->fields[p->pfield[k]];
        v = vpc_emit_has_null_flag(f->ty) ? (vpc_cval){f->ty, F("r0->f_%s", f->name->name), F("r0->n_%s", f->name->name)}
                                          : (vpc_cval){VPC_TY_DYN, F("r0->f_%s", f->name->name), NULL};
    } else if (starting) {
        vpc_rfield *f = &r->fields[p->key_field];
        v = vpc_emit_has_null_flag(f->ty) ? (vpc_cval){f->ty, F("r0->f_%s", f->name->name), F("r0->n_%s", f->name->name)}
                                          : (vpc_cval){VPC_TY_DYN, F("r0->f_%s", f->name->name), NULL};
    } else {
        vpc_expr *key = NULL;
        for (uint32_t j = 0; j < p->nsteps && !key; j++) {
            for (uint32_t t = 0; j > 0 && t < p->steps[j].nterms; t++)
                if (term_reads(&p->steps[j].terms[t], k)) key = p->steps[j].terms[t].key;
            for (uint32_t t = 0; t < p->steps[j].nnots && !key; t++)
                if (term_reads(&p->steps[j].nots[t], k)) key = p->steps[j].nots[t].key;
        }
        for (uint32_t t = 0; t < p->ntrailing && !key; t++)
            if (term_reads(&p->trailing[t], k)) key = p->trailing[t].key;
        for (uint32_t t = 0; t < p->nnots && !key; t++)
            if (term_reads(&p->nots[t], k)) key = p->nots[t].key;
        if (!key) return false;
        v = vpc_emit_expr(E, key);
    }
    vpc_cw_line(E->w, "p_%s_key.n = 0;", st->name->name);
    vpc_cw_line(E->w, "vp_key_add(&p_%s_key, %s);", st->name->name, vpc_emit_box(E, v));
    return true;
}

static const char *part_of(vpc_emitter *E, vpc_stream *st, uint32_t k, bool add, bool starting)
{
    vpc_pplan *p = st->pat;
    const char *n = st->name->name;
    if (!p->partitioned && !p->keyed) return F("vp_runs_part(p_%s, NULL, %s)", n, add ? "true" : "false");
    if (!emit_key(E, st, k, starting)) return "-1";
    return F("vp_runs_part(p_%s, &p_%s_key, %s)", n, n, add ? "true" : "false");
}

/* ps_: a row of input k that can begin the pattern starts one run. */
static void emit_start(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    const char *n = st->name->name;
    bool owns = vpc_pbind_owns(st);
    vpc_cw_open(w, "static void ps_%s_%u(vp_ctx *ctx, const %s *r0)", n, k, st->inputs[k].row->cname);
    vpc_cw_line(w, "const pr_%s *none = &p_%s_none;", n, n);
    uint32_t m = mandatory_from(p, 0);
    uint32_t order[64], no = 0;
    if (m < p->nsteps) order[no++] = m;
    for (uint32_t j = 0; j < m && no < 64; j++) order[no++] = j;
    for (uint32_t i = 0; i < no; i++) {
        vpc_pstep *s = &p->steps[order[i]];
        for (uint32_t t = 0; t < s->nterms; t++) {
            if (!term_reads(&s->terms[t], k)) continue;
            vpc_cw_open(w, "if (%s(ctx, none, r0))", term_fn(E, st, "pt", order[i], t));
            vpc_cw_line(w, "int32_t part = %s;", part_of(E, st, k, true, true));
            vpc_cw_line(w, "if (part < 0) return;");
            vpc_cw_line(w, "pr_%s *run = (pr_%s *)vp_runs_start(p_%s, part, r0->time);", n, n, n);
            vpc_cw_line(w, "vp_run h = run->h;");
            if (owns) vpc_cw_line(w, "vp_arena own = run->own;");
            if (p->exhaustive >= 0) vpc_cw_line(w, "vp_vec xc = run->xc, xa = run->xa;");
            vpc_cw_line(w, "*run = p_%s_none; /* nothing bound */", n);
            vpc_cw_line(w, "run->h = h;");
            if (owns) vpc_cw_line(w, "run->own = own;");
            if (p->exhaustive >= 0) {
                vpc_cw_line(w, "run->xc = xc, run->xa = xa;");
                vpc_cw_line(w, "run->xc.n = run->xa.n = 0;");
            }
            if (owns) vpc_cw_line(w, "vp_arena_clear(&run->own);");
            vpc_cw_line(w, "%s(ctx, run, r0);", term_fn(E, st, "pa", order[i], t));
            vpc_cw_line(w, "return;");
            vpc_cw_close(w, NULL);
        }
    }
    vpc_cw_line(w, "(void)none;");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* Do the operators before the first step observe rows of input k? */
static bool observed(const vpc_pplan *p, uint32_t k) { return p->nobserve && p->steps[0].terms[0].input == k; }

/* po_: the .where/.print/.log written before the first step, in order, on
 * a row of the first step's type (LANGUAGE.md §5.1). They are the operators
 * of a stream of those rows, emitted as any stream's are; a filter returns
 * from here only. */
static void emit_observers(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    vpc_pterm *first = &p->steps[0].terms[0];
    vpc_stream rows = *st;
    rows.ops = p->observe;
    rows.nops = p->nobserve;
    rows.nconsumers = 0;
    vpc_cw_comment(w, "%s: the operators before the first step observe its rows", st->name->name);
    vpc_cw_open(w, "static void po_%s(vp_ctx *ctx, const %s *r0)", st->name->name, first->row->cname);
    vpc_cw_line(w, "(void)ctx;");
    E->row = "r0->";
    E->rowlayout = first->row;
    E->run = NULL;
    vpc_emit_ops(E, &rows, 0, rows.nops);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

static bool input_starts(const vpc_pplan *p, uint32_t k)
{
    uint32_t m = mandatory_from(p, 0);
    for (uint32_t j = 0; j <= m && j < p->nsteps; j++)
        for (uint32_t t = 0; t < p->steps[j].nterms; t++)
            if (term_reads(&p->steps[j].terms[t], k)) return true;
    return false;
}

/* The walk of the runs of r0's partition, oldest first (LANGUAGE.md §5.2
 * step 1). Records that own heap memory move each live run to the front
 * as it is visited, swapping so that a dead record keeps its memory as a
 * spare; the others are compacted by the runtime after the walk, in
 * stretches, which costs the loop nothing per run. */
static void emit_walk(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    const char *n = st->name->name;
    bool owns = vpc_pbind_owns(st); /* an exhaustive step's candidates included */
    vpc_cw_comment(w, "the partition's records in order; the live ones move to the front");
    vpc_cw_line(w, "int32_t part = %s;", part_of(E, st, k, false, false));
    vpc_cw_line(w, "char *base;");
    vpc_cw_line(w, "int32_t nruns = vp_runs_walk(p_%s, part, &base);", n);
    vpc_cw_line(w, "pr_%s *runs = (pr_%s *)(void *)base%s;", n, n, owns ? ", *kept = runs" : "");
    vpc_cw_open(w, "for (pr_%s *run = runs, *end = runs + nruns; run < end; run++)", n);
    vpc_cw_line(w, "if (run->h.dead) continue;");
    if (p->ntrailing) {
        vpc_cw_line(w, "pc_%s(ctx, run->h.seq);", n);
        vpc_cw_line(w, "if (run->h.dead) continue;");
    }
    if (p->within >= 0)
        vpc_cw_line(w, "if (%sclock - run->h.t0 > %lldLL) { vp_runs_kill(p_%s, &run->h); continue; }",
                    p->ntrailing ? "!run->h.waiting && " : "", (long long)p->within, n);
    emit_visit(E, st, k);
    if (!owns) {
        vpc_cw_line(w, ";");
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "vp_runs_compact(p_%s, part);", n);
        return;
    }
    vpc_cw_line(w, "if (run->h.dead) continue;");
    vpc_cw_open(w, "if (run != kept) /* the dead record's heap memory stays behind, as a spare */");
    vpc_cw_line(w, "vp_arena own = kept->own;");
    if (p->exhaustive >= 0) vpc_cw_line(w, "vp_vec xc = kept->xc, xa = kept->xa;");
    vpc_cw_line(w, "*kept = *run;");
    vpc_cw_line(w, "run->own = own;");
    if (p->exhaustive >= 0) vpc_cw_line(w, "run->xc = xc, run->xa = xa;");
    vpc_cw_line(w, "run->h.dead = true;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "kept++;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "vp_runs_walked(p_%s, part, (int32_t)(kept - runs));", n);
}

static void emit_entry(vpc_emitter *E, vpc_stream *st, uint32_t k)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    const char *n = st->name->name;
    bool visits = input_visits(p, k), starts = input_starts(p, k);
    if (starts) emit_start(E, st, k);
    vpc_cw_comment(w, "%s: a %s row reaches the pattern", n, st->inputs[k].alias->name);
    vpc_cw_open(w, "static void %s(vp_ctx *ctx, const %s *r0)", vpc_emit_entry(E, st, k), st->inputs[k].row->cname);
    if (p->watermark) {
        vpc_cw_comment(w, ".watermark(): the clock trails the latest row time by %lld ns", (long long)p->out_of_order);
        vpc_cw_line(w, "int64_t wm = vp_sat_sub(r0->time, %lldLL);", (long long)p->out_of_order);
        vpc_cw_line(w, "if (wm > p_%s_clock) p_%s_clock = wm;", n, n);
    } else {
        vpc_cw_line(w, "if (r0->time > p_%s_clock) p_%s_clock = r0->time;", n, n);
    }
    vpc_cw_line(w, "int64_t clock = p_%s_clock;", n);
    if (p->watermark) {
        vpc_cw_comment(w, "older than the clock minus the allowed lateness: late");
        vpc_cw_open(w, "if (r0->time < vp_sat_sub(clock, %lldLL))", (long long)p->lateness);
        vpc_cw_line(w, "vp_count(ctx, p_%s_late, 1);", n);
        vpc_cw_line(w, "return;");
        vpc_cw_close(w, NULL);
    }
    if (observed(p, k))
        vpc_cw_line(w, "po_%s(ctx, r0); /* before the pattern sees the row: before its match rows */", n);
    if (p->ntrailing) vpc_cw_line(w, "vp_runs_due(p_%s, clock); /* confirmed as the runs are met */", n);
    if (p->within >= 0) {
        vpc_cw_comment(w, "expired runs, oldest created first (those behind a younger one go when visited)");
        vpc_cw_line(w, "for (vp_run *h; (h = vp_runs_oldest(p_%s)) && %sclock - h->t0 > %lldLL;)", n,
                    p->ntrailing ? "!h->waiting && " : "", (long long)p->within);
        vpc_cw_line(w, "    vp_runs_kill(p_%s, h);", n);
    }
    if (visits) emit_walk(E, st, k);
    if (p->ntrailing) vpc_cw_line(w, "pc_%s(ctx, INT64_MAX);", n);
    if (starts) vpc_cw_line(w, "ps_%s_%u(ctx, r0);", n, k);
    vpc_cw_line(w, "(void)clock;");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* pc_: runs waiting for a trailing NOT whose deadline the clock passed
 * (vp_runs_due) match, at their deadline (LANGUAGE.md §5.4), oldest first,
 * up to the run created as number `seq`: a walk confirms them in turn with
 * the runs it visits, as §5.2 step 1 meets every run in creation order. */
static void emit_confirm(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    vpc_cw_open(w, "static void pc_%s(vp_ctx *ctx, int64_t seq)", n);
    vpc_cw_line(w, "int64_t deadline;");
    vpc_cw_open(w, "for (vp_run *h; (h = vp_runs_next_due(p_%s, seq, &deadline));)", n);
    vpc_cw_line(w, "pm_%s(ctx, (pr_%s *)h, deadline);", n, n);
    vpc_cw_line(w, "vp_runs_kill(p_%s, h);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* px_: the chain predicate between candidates prev and next. */
static void emit_chain_pred(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    vpc_pterm *t = &p->steps[p->exhaustive].terms[0];
    const char *rn = t->row->cname;
    vpc_cw_open(w, "static bool px_%s(vp_ctx *ctx, const pr_%s *run, const %s *prev, const %s *r0)", st->name->name,
                st->name->name, rn, rn);
    vpc_cw_line(w, "(void)ctx;");
    vpc_cw_line(w, "(void)run;");
    vpc_cw_line(w, "(void)prev;");
    E->row = "r0->";
    E->rowlayout = t->row;
    E->run = "run";
    E->self_alias = t->alias;
    E->self_row = "prev->";
    for (uint32_t i = 0; i < t->nchain; i++) {
        vpc_cval c = vpc_emit_user_expr(E, t->chain[i]);
        vpc_cw_line(w, "if (!%s) return false;", vpc_emit_truth(E, c));
    }
    E->self_row = NULL;
    vpc_cw_line(w, "return true;");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* pm_ of a pattern with an exhaustive step: one match row per valid
 * subsequence of its candidates (consecutive pairs joined by an edge), in
 * lexicographic order of candidate index, at most XMATCH (the rest counted).
 * While the run is still in the step (a final step taking a candidate) only
 * the subsequences ending with the newest candidate. */
static void emit_enumerate(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    const char *n = st->name->name;
    vpc_pterm *t = &p->steps[p->exhaustive].terms[0];
    uint32_t a = (uint32_t)t->alias;
    const char *rn = t->row->cname;
    vpc_cw_comment(w, "%s: the subsequences of the exhaustive step, depth first", n);
    vpc_cw_open(w, "static void pw_%s(vp_ctx *ctx, pr_%s *run, int64_t t, int32_t *path, int32_t d, uint64_t reach, "
                   "int64_t end, int64_t *left)", n, n);
    vpc_cw_line(w, "const %s *cs = (const %s *)run->xc.p;", rn, rn);
    vpc_cw_line(w, "const uint64_t *as = (const uint64_t *)run->xa.p;");
    vpc_cw_line(w, "int32_t last = path[d - 1];");
    vpc_cw_open(w, "if (end < 0 || last == end)");
    vpc_cw_line(w, "if (*left <= 0) return;");
    vpc_cw_line(w, "(*left)--;");
    vpc_cw_line(w, "run->b%u = cs[last];", a);
    for (uint32_t i = 0; i < p->naggs; i++) {
        if (p->aggs[i].alias != a) continue;
        if (p->aggs[i].fn != VPC_AGG_FIRST && p->aggs[i].fn != VPC_AGG_LAST) vpc_cw_line(w, "run->g%u = 0;", i);
        if (p->aggs[i].fn == VPC_AGG_AVG) vpc_cw_line(w, "run->g%u_n = 0;", i);
        if (p->aggs[i].fn == VPC_AGG_MIN || p->aggs[i].fn == VPC_AGG_MAX) vpc_cw_line(w, "run->g%u_has = false;", i);
        if (p->aggs[i].fn == VPC_AGG_FIRST || p->aggs[i].fn == VPC_AGG_LAST) vpc_cw_line(w, "run->g%u_set = false;", i);
    }
    vpc_cw_open(w, "for (int32_t x = 0; x < d; x++)");
    vpc_cw_line(w, "const %s *e = &cs[path[x]];", rn);
    vpc_cw_line(w, "(void)e;");
    emit_agg_update(E, p, a, "e->");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "pm1_%s(ctx, run, t);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_open(w, "for (int32_t j = last + 1; j < (int32_t)run->xc.n && *left > 0; j++)");
    vpc_cw_open(w, "if ((as[last] >> j & 1) && (reach >> j & 1))");
    vpc_cw_line(w, "path[d] = j;");
    vpc_cw_line(w, "pw_%s(ctx, run, t, path, d + 1, reach, end, left);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);

    vpc_cw_open(w, "static void pm_%s(vp_ctx *ctx, pr_%s *run, int64_t t)", n, n);
    vpc_cw_line(w, "int64_t m = run->xc.n;");
    vpc_cw_open(w, "if (m == 0)");
    vpc_cw_line(w, "pm1_%s(ctx, run, t); /* the step took nothing */", n);
    vpc_cw_line(w, "return;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "const uint64_t *as = (const uint64_t *)run->xa.p;");
    if (p->ntrailing) /* the step is not final: the run is confirmed at its deadline */
        vpc_cw_line(w, "int64_t end = -1; /* every subsequence */");
    else vpc_cw_line(w, "int64_t end = run->h.pos == %d ? m - 1 : -1;", p->exhaustive);
    vpc_cw_comment(w, "the candidates that can reach `end`, and how many subsequences there are");
    vpc_cw_line(w, "uint64_t reach = m == 64 ? ~(uint64_t)0 : ((uint64_t)1 << m) - 1;");
    vpc_cw_line(w, "int64_t cnt[XMAX], total = 0;");
    vpc_cw_open(w, "if (end >= 0)");
    vpc_cw_line(w, "reach = (uint64_t)1 << end;");
    vpc_cw_line(w, "for (int64_t i = end - 1; i >= 0; i--)");
    vpc_cw_line(w, "    if (as[i] & reach) reach |= (uint64_t)1 << i;");
    vpc_cw_close(w, NULL);
    vpc_cw_open(w, "for (int64_t i = m - 1; i >= 0; i--)");
    vpc_cw_line(w, "cnt[i] = (end < 0 || i == end) ? 1 : 0;");
    vpc_cw_line(w, "for (int64_t j = i + 1; j < m; j++)");
    vpc_cw_line(w, "    if ((as[i] >> j & 1) && (reach >> j & 1)) cnt[i] = vp_sat_add(cnt[i], cnt[j]);");
    vpc_cw_line(w, "if (reach >> i & 1) total = vp_sat_add(total, cnt[i]);");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "%s keep = run->b%u;", rn, a);
    vpc_cw_line(w, "int32_t path[XMAX];");
    vpc_cw_line(w, "int64_t left = XMATCH;");
    vpc_cw_open(w, "for (int32_t s = 0; s < (int32_t)m && left > 0; s++)");
    vpc_cw_line(w, "if (!(reach >> s & 1)) continue;");
    vpc_cw_line(w, "path[0] = s;");
    vpc_cw_line(w, "pw_%s(ctx, run, t, path, 1, reach, end, &left);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "if (total > XMATCH) vp_count(ctx, p_%s_cm, total - XMATCH);", n);
    vpc_cw_line(w, "run->b%u = keep;", a);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

void vpc_emit_pattern_entries(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_pplan *p = st->pat;
    const char *n = st->name->name;
    vpc_emit_stream_comment(E, st);
    E->pat = p;
    E->depth = "0";
    vpc_cw_line(w, "static void pm_%s(vp_ctx *ctx, %spr_%s *run, int64_t t%s);", n, p->exhaustive >= 0 ? "" : "const ", n,
                completing_param(E, p));
    E->pat_stream = st;
    if (p->exhaustive >= 0) emit_chain_pred(E, st);
    vpc_cw_line(w, "static void pf_%s(vp_ctx *ctx, pr_%s *run, int64_t t);", n, n);
    for (uint32_t j = 0; j < p->nsteps; j++)
        for (uint32_t t = 0; t < p->steps[j].nterms; t++) {
            emit_pred(E, st, &p->steps[j].terms[t], term_fn(E, st, "pt", j, t));
            emit_take(E, st, j, t);
        }
    for (uint32_t j = 0; j < p->nsteps; j++)
        for (uint32_t t = 0; t < p->steps[j].nnots; t++) emit_pred(E, st, &p->steps[j].nots[t], term_fn(E, st, "pn", j, t));
    for (uint32_t t = 0; t < p->ntrailing; t++) emit_pred(E, st, &p->trailing[t], term_fn(E, st, "pz", 0, t));
    for (uint32_t t = 0; t < p->nnots; t++) emit_pred(E, st, &p->nots[t], term_fn(E, st, "pg", 0, t));
    emit_match(E, st);
    if (p->exhaustive >= 0) emit_enumerate(E, st);
    emit_after(E, st);
    if (p->ntrailing) emit_confirm(E, st);
    if (p->nobserve) emit_observers(E, st);
    for (uint32_t k = 0; k < st->ninputs; k++) emit_entry(E, st, k);
    E->pat = NULL;
    E->pat_stream = NULL;
    E->run = NULL;
}

void vpc_emit_pattern_init(vpc_emitter *E)
{
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        if (!st->pat) continue;
        vpc_cw_line(E->w, "p_%s = vp_runs_new(ctx, \"%s\", (int64_t)sizeof(pr_%s), %s, %s, %lldLL, %lldLL);",
                    st->name->name, st->name->name, st->name->name,
                    st->pat->partitioned || st->pat->keyed ? "true" : "false",
                    st->pat->within >= 0 ? "true" : "false", (long long)st->pat->max_runs,
                    (long long)E->prog->max_partitions);
        vpc_pbind_init(E, st);
        if (st->pat->watermark)
            vpc_cw_line(E->w, "p_%s_late = vp_counter(ctx, \"stream %s: late rows dropped\");", st->name->name,
                        st->name->name);
        if (st->pat->exhaustive >= 0) {
            vpc_cw_line(E->w, "p_%s_cx = vp_counter(ctx, \"stream %s: candidates dropped: exhaustive Kleene step limit (64 per run)\");",
                        st->name->name, st->name->name);
            vpc_cw_line(E->w, "p_%s_cm = vp_counter(ctx, \"stream %s: matches cut: limit per completion (10000)\");",
                        st->name->name, st->name->name);
        }
    }
}

void vpc_emit_pattern_end(vpc_emitter *E, vpc_stream *st)
{
    if (!st->pat->ntrailing) return;
    vpc_cw_line(E->w, "vp_runs_due(p_%s, INT64_MAX); /* trailing NOTs are confirmed */", st->name->name);
    vpc_cw_line(E->w, "pc_%s(ctx, INT64_MAX);", st->name->name);
}

void vpc_emit_pattern_fini(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        if (!st->pat) continue;
        const char *n = st->name->name;
        vpc_cw_line(w, "vp_runs_free(p_%s, pz_%s);", n, n);
        vpc_cw_line(w, "vp_key_free(&p_%s_key);", n);
    }
}
