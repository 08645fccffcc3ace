/* ref.c — the reference matcher: LANGUAGE.md §5.2-§5.6 followed literally,
 * for small inputs, with no concern for speed.
 *
 * A run is a struct holding, per step, the indices of the events it bound;
 * runs live in one array in creation order. Exhaustive Kleene steps keep
 * their candidates and enumerate the valid subsequences by plain recursion
 * when the run completes. Each match becomes an output row through the
 * program's .where and .emit.
 *
 * Points LANGUAGE.md leaves open are marked "reading:". */
#include <string.h>

#include "pd.h"

typedef struct {
    bool alive;
    bool waiting; /* trailing NOT: the run could complete, waiting for t0 + W */
    int64_t t0;   /* ms */
    val key;      /* partition: id of the first event */
    int at;       /* the step that consumed an event last */
    int last;     /* the event consumed last */
    int n[MAX_STEPS];
    int ev[MAX_STEPS][MAX_EVENTS];
} run;

/* What expressions see: the bound events of each step (a Kleene alias reads
 * its last one), the candidate or completing event, and for a chain
 * predicate the previous element of the step's own alias. */
typedef struct {
    const event *ev;
    int n[MAX_STEPS];
    const int *seq[MAX_STEPS];
    int cur;  /* bare names; -1: none */
    int own;  /* step whose alias means `prev`; -1: none */
    int prev;
} scope;

typedef struct {
    const shape *s;
    const event *ev;
    output *out;
    run runs[MAX_EVENTS]; /* an event starts at most one run */
    int nruns;
    int64_t clock;
} model;

/* ---- values as the stream sees them ---- */

/* Absent fields read null; a declared `v: float?` turns ints into floats
 * (LANGUAGE.md §3, ingestion). */
static val field_of(const shape *s, const event *e, int f)
{
    val v = e->f[f];
    if (v.tag == V_MISSING) return v_null();
    if (f == F_V && s->declared && s->v_float && v.tag == V_INT) return v_flt((double)v.i);
    return v;
}

/* `==` of §3: numbers numerically, null equals null only. */
static bool v_eq(val a, val b)
{
    if (is_num(a) && is_num(b)) return num(a) == num(b);
    return a.tag == b.tag && (a.tag != V_BOOL || a.i == b.i);
}

static bool compare(cmpop op, val a, val b)
{
    switch (op) {
    case OP_EQ: return v_eq(a, b);
    case OP_NE: return !v_eq(a, b);
    default: break;
    }
    if (!is_num(a) || !is_num(b)) return false; /* ordering with null: false */
    double x = num(a), y = num(b);
    switch (op) {
    case OP_LT: return x < y;
    case OP_LE: return x <= y;
    case OP_GT: return x > y;
    default: return x >= y;
    }
}

static bool truth(const shape *s, const scope *sc, int x);

static val eval(const shape *s, const scope *sc, int x)
{
    const expr *e = &s->pool[x];
    switch (e->k) {
    case X_FIELD: return sc->cur < 0 ? (val){.tag = V_UNBOUND} : field_of(s, &sc->ev[sc->cur], e->field);
    case X_ALIAS:
        if (e->alias == sc->own) return field_of(s, &sc->ev[sc->prev], e->field);
        if (sc->n[e->alias] == 0) return (val){.tag = V_UNBOUND};
        return field_of(s, &sc->ev[sc->seq[e->alias][sc->n[e->alias] - 1]], e->field);
    case X_LIT: return e->lit;
    case X_LEN: return v_int(sc->n[e->alias]);
    default: return (val){.tag = V_BOOL, .i = truth(s, sc, x)};
    }
}

/* §5.3: a comparison reading an alias the run has not bound is false.
 * reading: this holds for == and != too, and also in .where on match rows
 * (the generator only writes orderings of such aliases there, where
 * "unbound reads null" gives the same result). */
static bool truth(const shape *s, const scope *sc, int x)
{
    const expr *e = &s->pool[x];
    switch (e->k) {
    case X_CMP: {
        val a = eval(s, sc, e->l), b = eval(s, sc, e->r);
        if (a.tag == V_UNBOUND || b.tag == V_UNBOUND) return false;
        return compare(e->op, a, b);
    }
    case X_AND: return truth(s, sc, e->l) && truth(s, sc, e->r);
    case X_OR: return truth(s, sc, e->l) || truth(s, sc, e->r);
    case X_NOT: return !truth(s, sc, e->l);
    default: {
        val v = eval(s, sc, x);
        return v.tag == V_BOOL && v.i;
    }
    }
}

/* ---- matching one event ---- */

static scope scope_of(const model *m, const run *r, int cur)
{
    scope sc = {.ev = m->ev, .cur = cur, .own = -1, .prev = -1};
    for (int k = 0; k < MAX_STEPS; k++) {
        sc.n[k] = r ? r->n[k] : 0;
        sc.seq[k] = r ? r->ev[k] : NULL;
    }
    return sc;
}

static bool optional(quant q) { return q == Q_STAR || q == Q_OPT; }
static bool kleene(quant q) { return q == Q_PLUS || q == Q_STAR; }

/* Steps from..last are all optional (none: true). */
static bool rest_optional(const shape *s, int from)
{
    for (int k = from; k < s->nsteps; k++)
        if (!optional(s->steps[k].q)) return false;
    return true;
}

/* Event j of step k's type satisfying the step's where, with the run's
 * bindings. Conjuncts reading the step's own alias are left out: an
 * exhaustive step takes every candidate and checks them in pairs when the
 * run completes (§5.3). The .where before the first -> filters the first
 * step (§5.1). */
static bool accepts(const model *m, const run *r, int k, int j)
{
    const shape *s = m->s;
    const step *st = &s->steps[k];
    if (m->ev[j].type != st->type) return false;
    scope sc = scope_of(m, r, j);
    for (int c = 0; c < st->nconj; c++)
        if (!st->own[c] && !truth(s, &sc, st->conj[c])) return false;
    return k > 0 || s->kind != K_SEQ || s->first_filter < 0 || truth(s, &sc, s->first_filter);
}

static bool negated(const model *m, const run *r, const negation *neg, int nneg, int j)
{
    scope sc = scope_of(m, r, j);
    for (int q = 0; q < nneg; q++)
        if (m->ev[j].type == neg[q].type && (neg[q].cond < 0 || truth(m->s, &sc, neg[q].cond))) return true;
    return false;
}

/* ---- match rows ---- */

static val agg(const shape *s, const scope *sc, const emit_item *it)
{
    int n = sc->n[it->alias], nnum = 0;
    const int *seq = sc->seq[it->alias];
    if (it->k == E_FIRST || it->k == E_LAST)
        return n == 0 ? v_null() : field_of(s, &sc->ev[seq[it->k == E_FIRST ? 0 : n - 1]], F_V);
    double sum = 0, lo = 0, hi = 0;
    for (int q = 0; q < n; q++) {
        val v = field_of(s, &sc->ev[seq[q]], F_V);
        if (!is_num(v)) continue;
        double x = num(v);
        lo = nnum == 0 || x < lo ? x : lo;
        hi = nnum == 0 || x > hi ? x : hi;
        sum += x;
        nnum++;
    }
    switch (it->k) {
    case E_SUM: return v_flt(sum);
    case E_AVG: return nnum ? v_flt(sum / nnum) : v_null();
    case E_MIN: return nnum ? v_flt(lo) : v_null();
    default: return nnum ? v_flt(hi) : v_null();
    }
}

static void add_field(outrow *o, const char *name, val v)
{
    snprintf(o->name[o->nf], sizeof o->name[0], "%s", name);
    o->v[o->nf++] = v.tag == V_UNBOUND ? v_null() : v;
}

/* One match: through .where, then one output row. `t` is the match time.
 * reading: sum/avg/min/max/first/last of a Kleene alias's field aggregate
 * over its accepted events exactly as in .aggregate (§4.4): sum is a float,
 * 0.0 over no number; avg/min/max floats, null over no number; first/last
 * the value on the first/last event. A bare .emit() passes alias_id and
 * alias_v for every alias in step order, null when unbound. */
static void match_row(model *m, const scope *sc, int64_t t)
{
    const shape *s = m->s;
    if (s->post_where >= 0 && !truth(s, sc, s->post_where)) return;
    if (m->out->n == MAX_OUT) {
        fprintf(stderr, "pattern_diff: more than %d reference rows\n", MAX_OUT);
        return;
    }
    outrow *o = &m->out->rows[m->out->n++];
    o->nf = 0; /* "stream":"M" is implied */
    if (s->bare_emit) {
        for (int k = 0; k < s->nsteps; k++) {
            if (!s->steps[k].alias) continue;
            for (int f = 0; f < NFIELDS; f++) {
                char name[16];
                snprintf(name, sizeof name, "%c_%s", s->steps[k].alias, field_name[f]);
                int n = sc->n[k];
                add_field(o, name, n ? field_of(s, &sc->ev[sc->seq[k][n - 1]], f) : v_null());
            }
        }
        return;
    }
    for (int q = 0; q < s->nemit; q++) {
        const emit_item *it = &s->emit[q];
        if (it->k == E_VALUE) add_field(o, it->name, eval(s, sc, it->x));
        else if (it->k == E_NOW) add_field(o, it->name, v_int(t));
        else add_field(o, it->name, agg(s, sc, it));
    }
}

/* Subsequences of the candidates of exhaustive step x whose consecutive
 * pairs satisfy the whole predicate, in lexicographic order of candidate
 * index (depth first, the path itself before its extensions). */
typedef struct {
    model *m;
    const run *r;
    int x;
    int cur;
    int64_t t;
    bool only_last; /* only those ending with the newest candidate */
    int path[MAX_EVENTS];
    int count;
} subseq;

static bool pair_ok(const subseq *q, int prev, int next)
{
    const shape *s = q->m->s;
    const step *st = &s->steps[q->x];
    scope sc = scope_of(q->m, q->r, next);
    sc.own = q->x;
    sc.prev = prev;
    for (int c = 0; c < st->nconj; c++)
        if (!truth(s, &sc, st->conj[c])) return false;
    return true;
}

static void enumerate(subseq *q, int len)
{
    const run *r = q->r;
    int top = q->path[len - 1];
    if (!q->only_last || top == r->n[q->x] - 1) {
        if (q->count == SUBSEQ_CAP) {
            q->m->out->capped++;
        } else {
            int evs[MAX_EVENTS];
            for (int i = 0; i < len; i++) evs[i] = r->ev[q->x][q->path[i]];
            scope sc = scope_of(q->m, r, q->cur);
            sc.n[q->x] = len;
            sc.seq[q->x] = evs;
            match_row(q->m, &sc, q->t);
            q->count++;
        }
    }
    for (int i = top + 1; i < r->n[q->x]; i++) {
        if (!pair_ok(q, r->ev[q->x][top], r->ev[q->x][i])) continue;
        q->path[len] = i;
        enumerate(q, len + 1);
    }
}

/* The run completes (or emits through a final Kleene or optional step):
 * one row, or one per valid subsequence of its exhaustive step. */
static void complete(model *m, const run *r, int cur, int64_t t)
{
    int x = exhaustive_step(m->s);
    if (x < 0 || r->n[x] == 0) {
        scope sc = scope_of(m, r, cur);
        match_row(m, &sc, t);
        return;
    }
    /* a final exhaustive step emits at each new candidate the valid
     * subsequences ending with it */
    subseq q = {.m = m, .r = r, .x = x, .cur = cur, .t = t, .only_last = x == m->s->nsteps - 1 && !m->s->ntrail};
    for (int i = 0; i < r->n[x]; i++) {
        q.path[0] = i;
        enumerate(&q, 1);
    }
}

/* Step k consumes event j (§5.2 c). */
static void consume(model *m, run *r, int k, int j)
{
    const shape *s = m->s;
    int last = s->nsteps - 1;
    r->ev[k][r->n[k]++] = j;
    r->at = k;
    r->last = j;
    if (s->ntrail) {
        /* reading (docs/patterns.md): with a trailing NOT no step is final;
         * once every later step is optional the run could complete, and it
         * waits for t0 + W (a Kleene step still taking events) */
        if (rest_optional(s, k + 1)) r->waiting = true;
        return;
    }
    if (k == last) {
        complete(m, r, j, m->ev[j].ts);
        if (!kleene(s->steps[k].q)) r->alive = false; /* a final Kleene step keeps the run */
    } else if (k == last - 1 && optional(s->steps[last].q)) {
        complete(m, r, j, m->ev[j].ts); /* the final * or ? step is reached */
    }
}

static void advance_seq(model *m, run *r, int j)
{
    const shape *s = m->s;
    if (negated(m, r, s->neg, s->nneg, j)) {
        r->alive = false;
        return;
    }
    /* a run that could complete is killed by a trailing NOT, checked
     * before it takes anything more */
    if (r->waiting && negated(m, r, s->trail, s->ntrail, j)) {
        r->alive = false;
        return;
    }
    /* NOT items in the gap to the next step (the generator puts none next
     * to an optional step) */
    const step *gap = &s->steps[r->at + 1 < s->nsteps ? r->at + 1 : r->at];
    if (r->at + 1 < s->nsteps && negated(m, r, gap->nots, gap->nnot, j)) {
        r->alive = false;
        return;
    }
    /* (i) the nearest mandatory step, then the skipped optional ones,
     * nearest first; (ii) the current Kleene step again */
    int next[MAX_STEPS], nn = 0, mand = r->at + 1;
    while (mand < s->nsteps && optional(s->steps[mand].q)) mand++;
    if (mand < s->nsteps) next[nn++] = mand;
    for (int k = r->at + 1; k < mand; k++) next[nn++] = k;
    for (int q = 0; q < nn; q++) {
        if (accepts(m, r, next[q], j)) {
            consume(m, r, next[q], j);
            return;
        }
    }
    if (kleene(s->steps[r->at].q) && accepts(m, r, r->at, j)) consume(m, r, r->at, j);
}

/* A AND B: the run waits for the operand it did not start with (§5.5). */
static void advance_and(model *m, run *r, int j)
{
    if (negated(m, r, m->s->neg, m->s->nneg, j)) {
        r->alive = false;
        return;
    }
    int other = 1 - r->at;
    if (!accepts(m, r, other, j)) return;
    r->ev[other][r->n[other]++] = j;
    complete(m, r, j, m->ev[j].ts);
    r->alive = false;
}

/* Step 2 of §5.2: a new run where event j can begin the pattern. */
static void start(model *m, int j)
{
    const shape *s = m->s;
    for (int k = 0; k < (s->kind == K_SEQ ? 1 : 2); k++) {
        if (!accepts(m, NULL, k, j)) continue;
        run *r = &m->runs[m->nruns++];
        memset(r, 0, sizeof *r);
        r->alive = true;
        r->t0 = m->ev[j].ts;
        r->key = field_of(s, &m->ev[j], F_ID);
        if (s->kind == K_SEQ) {
            consume(m, r, 0, j);
        } else {
            r->ev[k][r->n[k]++] = j;
            r->at = k;
            if (s->kind != K_AND) { /* OR, XOR: complete on either operand */
                complete(m, r, j, m->ev[j].ts);
                r->alive = false;
            }
        }
        return;
    }
}

/* Rows of the pattern's step and negation types reach it; others are not
 * even seen by its clock (§6). */
static bool reaches(const shape *s, int type)
{
    for (int k = 0; k < s->nsteps; k++) {
        if (s->steps[k].type == type) return true;
        for (int q = 0; q < s->steps[k].nnot; q++)
            if (s->steps[k].nots[q].type == type) return true;
    }
    for (int q = 0; q < s->ntrail; q++)
        if (s->trail[q].type == type) return true;
    for (int q = 0; q < s->nneg; q++)
        if (s->neg[q].type == type) return true;
    return false;
}

static bool same_key(val a, val b) { return a.tag == b.tag && (a.tag != V_INT || a.i == b.i); }

/* A run whose window has passed: discarded, or confirmed when it waits on a
 * trailing NOT (§5.4: it completes then, at time t0 + W, with one row per
 * valid subsequence of an exhaustive step; bare names read the event of
 * its last positive step). */
static void expire(model *m, run *r)
{
    if (r->waiting) complete(m, r, r->last, r->t0 + m->s->within);
    r->alive = false;
}

void ref_run(const shape *s, const event *ev, int n, output *out)
{
    static model m;
    m.s = s;
    m.ev = ev;
    m.out = out;
    m.nruns = 0;
    m.clock = INT64_MIN;
    out->n = out->capped = 0;
    for (int j = 0; j < n; j++) {
        if (!reaches(s, ev[j].type)) continue;
        /* §6: with .watermark the clock trails the latest time by the
         * tolerance, and rows older than the clock minus the allowed
         * lateness are dropped before the pattern sees them */
        int64_t t = s->watermark ? ev[j].ts - s->ooo : ev[j].ts;
        if (t > m.clock) m.clock = t;
        if (s->watermark && ev[j].ts < m.clock - s->late) continue;
        val key = field_of(s, &ev[j], F_ID);
        /* §5.2 step 1. reading: the clock is shared by every partition
         * (§6), so runs of all partitions expire here, in creation order;
         * only those of the event's partition go on to steps b and c.
         * Expiry is monotonic, so this is only visible for trailing-NOT
         * runs, which are thus confirmed in creation order. */
        for (int q = 0; q < m.nruns; q++) {
            run *r = &m.runs[q];
            if (!r->alive) continue;
            if (s->within && m.clock - r->t0 > s->within) {
                expire(&m, r);
                continue;
            }
            if (s->partitioned && !same_key(r->key, key)) continue;
            if (s->kind == K_SEQ) advance_seq(&m, r, j);
            else advance_and(&m, r, j);
        }
        start(&m, j);
    }
    /* end of input: the clock goes to +inf; trailing NOTs are confirmed,
     * other runs discarded */
    for (int q = 0; q < m.nruns; q++)
        if (m.runs[q].alive && m.runs[q].waiting) expire(&m, &m.runs[q]);
}
