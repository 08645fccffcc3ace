/* emit_slide.c — overlapping windows that aggregate (vpc_wplan.panes):
 * O(1) amortized per row however many windows a row is in.
 *
 * Time is cut into panes of g = gcd(size, slide) (epoch aligned; count
 * windows: g rows), so a window is a run of size/g consecutive panes. Each
 * partition keeps, in arrival order, runs of consecutive rows of one pane,
 * each with its partial aggregate wa_<S> (emit_agg.c), in a queue run_<S>
 * evaluated as two stacks: the older runs ("front", nf of them) carry the
 * partial of themselves and every newer front run (sfx), the newer ones are
 * summed up in `back`. A row is folded into the newest run and into `back`;
 * a window's aggregate is the oldest front sfx then `back`; runs before
 * the window leave from the front, and when the front is empty the back
 * becomes the front in one pass over its runs. Each run is combined O(1)
 * times in all, so rows and window closes cost O(1) amortized, and the
 * partials keep arrival order (first, last, ema).
 *
 * The queue always holds exactly the rows of the window closing next (and
 * rows before it, which leave before it is evaluated). Without a watermark
 * no row can be past its end. With one (.watermark(out_of_order: d)) rows
 * up to d past it are kept aside in a second queue, `later`, and join the
 * window queue, in arrival order, when the window closing next has moved
 * far enough. When an aggregate keeps row order, rows are numbered as they
 * arrive and a run never spans rows that went elsewhere, so a run that
 * joins behind rows that arrived after it (out of order) only needs the
 * queue put back in arrival order once.
 *
 * count(distinct x) keeps one counted multiset per partition (vp_bag):
 * every row held holds its value, the rows of the window queue count it;
 * the distinct count is the number of values counted. Each run lists its
 * rows' value ids so they can be released when it leaves.
 *
 * A row older than a newer run of its queue (out of order) starts a run of
 * its own when an aggregate keeps row order (ema). When none does (first
 * and last partials carry the arrival numbers of their first and last rows
 * and combine by those, vpc_emit_agg_tagged), it joins the run its pane has
 * in the back of the window queue (or in `later`), found in O(1) through a
 * ring indexed by pane (`own`, made on the partition's first out-of-order
 * row), and starts a run only when
 * its pane has none there: a pane then has at most one run in the front,
 * one in the back and one in `later`. A run behind a later pane leaves by
 * compacting the queue in one pass when its pane leaves; compacting also
 * merges each pane's runs into one. Runs per partition are bounded
 * (max_runs); an out-of-order row past the bound is dropped and counted,
 * which without ema no row of an open window reaches. */
#include <string.h>

#include "emit.h"

#define F(...) vpc_emit_fmt(E, __VA_ARGS__)

static bool is_time(const vpc_wplan *p) { return p->kind == VPC_W_TIME; }
/* The clock trails the latest row: rows may be past the window closing next. */
static bool lagging(const vpc_wplan *p) { return is_time(p) && p->out_of_order > 0; }

/* Every aggregate combines partials in any order (all but ema; first and
 * last by the arrival numbers they carry): an out-of-order row joins a run
 * its pane already has. */
static bool any_order(const vpc_wplan *p)
{
    if (!is_time(p)) return false;
    for (uint32_t i = 0; i < p->naggs; i++)
        if (p->aggs[i].fn == VPC_AGG_EMA) return false;
    return true;
}

/* With a watermark, unless any order will do: runs are numbered by arrival
 * and the window queue is put back in that order. */
static bool arrival_order(const vpc_wplan *p) { return lagging(p) && !any_order(p); }

/* Entries of the ring that finds the run of a pane (any_order): a power of
 * two past the panes one partition can hold at once, those of the open
 * windows and those a watermark keeps, so they never share an entry. Past
 * the cap, panes that share one may start more runs (the bound applies). */
static int64_t own_size(const vpc_wplan *p)
{
    const int64_t cap = (int64_t)1 << 16;
    int64_t lag = lagging(p) ? p->out_of_order / p->pane + 2 : 0;
    int64_t span = p->npanes >= cap || lag >= cap ? cap : p->npanes + p->slide / p->pane + 2 + lag;
    int64_t n = 16;
    while (n < span && n < cap) n *= 2;
    return n;
}

static uint32_t ndistinct(const vpc_wplan *p)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->naggs; i++) n += p->aggs[i].fn == VPC_AGG_DISTINCT;
    return n;
}

/* Bytes of one row's value ids in run_<S>.ids. */
static const char *ids_elem(vpc_emitter *E, const vpc_wplan *p)
{
    return F("(int64_t)sizeof(int32_t) * %uL", ndistinct(p));
}

void vpc_emit_slide_types(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_comment(w, "stream %s: consecutive rows of one pane", n);
    vpc_cw_open(w, "typedef struct run_%s", n);
    vpc_cw_line(w, "int64_t pane; /* pane number: %s / %lld */", is_time(p) ? "time" : "(row - 1)",
                (long long)p->pane);
    if (arrival_order(p)) vpc_cw_line(w, "int64_t seq, last; /* arrival numbers of its first and last rows */");
    vpc_cw_line(w, "wa_%s agg; /* its rows */", n);
    vpc_cw_line(w, "wa_%s sfx; /* front runs: its rows and those of newer front runs */", n);
    if (ndistinct(p))
        vpc_cw_line(w, "vp_vec ids; /* per row, %u int32_t: its value's id in each count(distinct) bag, -1: none */",
                    ndistinct(p));
    vpc_cw_close(w, F(" run_%s;", n));
}

void vpc_emit_slide_fields(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_line(w, "vp_runq runs; /* run_%s of the window closing next, oldest first, with later ones at most %lld */",
                n, (long long)p->max_runs);
    vpc_cw_line(w, "int64_t nf; /* the oldest nf runs are the front */");
    vpc_cw_line(w, "wa_%s back; /* the rows of the other runs */", n);
    if (is_time(p)) {
        vpc_cw_line(w, "int64_t pmax; /* the latest pane that started a run */");
        vpc_cw_line(w, "int64_t stray_min; /* the earliest pane of a run behind a later one (out of order) */");
        vpc_cw_line(w, "int64_t jnext; /* the first window not yet holding rows */");
    }
    if (lagging(p)) {
        vpc_cw_line(w, "vp_runq later; /* run_%s past the end of the window closing next, in arrival order */", n);
        vpc_cw_line(w, "int64_t lmax, later_stray; /* the same as pmax and stray_min, for later */");
        vpc_cw_line(w, "int64_t hi; /* the first pane past the window closing next, or earlier */");
        vpc_cw_line(w, "int64_t jfirst; /* the first window registered, unless closed */");
    }
    if (arrival_order(p)) {
        vpc_cw_line(w, "int64_t seq; /* rows received */");
        vpc_cw_line(w, "bool unsorted; /* runs are out of arrival order */");
    }
    if (vpc_emit_agg_tagged(p)) vpc_cw_line(w, "int64_t seq; /* rows received: the arrival number of the latest */");
    if (any_order(p)) {
        vpc_cw_line(w, "vp_vec own; /* int64_t, made on the first row out of order: per pane mod %lld, where its"
                       " newest run is (gone + index in runs%s) */", (long long)own_size(p),
                    lagging(p) ? ", lgone + index in later" : "");
        vpc_cw_line(w, "int64_t gone; /* runs that left runs from the front */");
        if (lagging(p)) vpc_cw_line(w, "int64_t lgone; /* and later */");
    }
    for (uint32_t i = 0; i < p->naggs; i++)
        if (p->aggs[i].fn == VPC_AGG_DISTINCT)
            vpc_cw_line(w, "vp_bag a%u_bag; /* values of aggregate %u held by rows; counted: in runs */", i, i);
}

void vpc_emit_slide_init(vpc_emitter *E, vpc_stream *st, const char *s)
{
    if (!is_time(st->win)) return;
    vpc_cw_line(E->w, "%spmax = %sjnext = INT64_MIN;", s, s);
    vpc_cw_line(E->w, "%sstray_min = INT64_MAX;", s);
    if (!lagging(st->win)) return;
    vpc_cw_line(E->w, "%slmax = %shi = %sjfirst = INT64_MIN;", s, s, s);
    vpc_cw_line(E->w, "%slater_stray = INT64_MAX;", s);
}

static const char *run_in(vpc_emitter *E, const char *n, const char *q, const char *i)
{
    return F("((run_%s *)vp_runq_at(&s->%s, (int64_t)sizeof(run_%s), %s))", n, q, n, i);
}

static const char *run_at(vpc_emitter *E, const char *n, const char *i) { return run_in(E, n, "runs", i); }

/* Swaps *a and *b (run_<S> pointers): each slot keeps owning its own memory. */
static void swap_runs(vpc_emitter *E, const char *n, const char *a, const char *b)
{
    vpc_cw_line(E->w, "run_%s t = *%s;", n, a);
    vpc_cw_line(E->w, "*%s = *%s;", a, b);
    vpc_cw_line(E->w, "*%s = t;", b);
}

/* wdrop_<S> (rows leave) and, with a watermark, wcount_<S> (rows join the window). */
static void emit_distinct_fns(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_comment(w, "%s: the rows of run r leave: their values are uncounted (counted: they were in the window)"
                      " and released", n);
    vpc_cw_open(w, "static void wdrop_%s(ws_%s *s, run_%s *r, bool counted)", n, n, n);
    vpc_cw_open(w, "for (int64_t i = 0; i < r->ids.n; i++)");
    vpc_cw_line(w, "const int32_t *id = (const int32_t *)r->ids.p + i * %uL;", ndistinct(p));
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->naggs; i++) {
        if (p->aggs[i].fn != VPC_AGG_DISTINCT) continue;
        vpc_cw_open(w, "if (id[%u] >= 0)", k);
        vpc_cw_line(w, "if (counted) vp_bag_count(&s->a%u_bag, id[%u], -1);", i, k);
        vpc_cw_line(w, "if (vp_bag_release(&s->a%u_bag, id[%u])) w_%s.held--;", i, k, n);
        vpc_cw_close(w, NULL);
        k++;
    }
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "vp_vec_clear(&r->ids, %s);", ids_elem(E, p));
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
    if (!lagging(p)) return;
    vpc_cw_comment(w, "%s: the rows of run r join the window: their values are counted", n);
    vpc_cw_open(w, "static void wcount_%s(ws_%s *s, const run_%s *r)", n, n, n);
    vpc_cw_open(w, "for (int64_t i = 0; i < r->ids.n; i++)");
    vpc_cw_line(w, "const int32_t *id = (const int32_t *)r->ids.p + i * %uL;", ndistinct(p));
    k = 0;
    for (uint32_t i = 0; i < p->naggs; i++)
        if (p->aggs[i].fn == VPC_AGG_DISTINCT) {
            vpc_cw_line(w, "if (id[%u] >= 0) vp_bag_count(&s->a%u_bag, id[%u], 1);", k, i, k);
            k++;
        }
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* any_order: run `pos` (gone or lgone + its index) is now the newest run of
 * pane `pane` (C expressions), once the ring is made. */
static void emit_own_set(vpc_emitter *E, const vpc_wplan *p, const char *pane, const char *pos)
{
    if (!any_order(p)) return;
    vpc_cw_line(E->w, "if (s->own.n) ((int64_t *)s->own.p)[(uint64_t)%s & %lldU] = %s;", pane,
                (long long)own_size(p) - 1, pos);
}

/* into->agg takes the rows of r->agg. A first/last value of r's that wins
 * points into r's arena: the arenas trade places, so that r can leave. */
static void emit_merge_values(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    bool owns = false;
    for (uint32_t i = 0; i < p->naggs; i++) owns |= vpc_emit_agg_owns_bytes(&p->aggs[i]);
    if (!owns) {
        vpc_cw_line(w, "wcat_%s(&into->agg, &into->agg, &r->agg);", n);
        return;
    }
    /* as wcat_<S> decides (vpc_emit_agg_tagged: any_order with first/last) */
    vpc_cw_line(w, "bool r_first = r->agg.rows && (!into->agg.rows || r->agg.seq0 < into->agg.seq0);");
    vpc_cw_line(w, "bool r_last = r->agg.rows && (!into->agg.rows || r->agg.seq1 > into->agg.seq1);");
    vpc_cw_line(w, "wcat_%s(&into->agg, &into->agg, &r->agg);", n);
    for (uint32_t i = 0; i < p->naggs; i++) {
        if (!vpc_emit_agg_owns_bytes(&p->aggs[i])) continue;
        vpc_cw_open(w, "if (%s)", p->aggs[i].fn == VPC_AGG_FIRST ? "r_first" : "r_last");
        vpc_cw_line(w, "vp_arena t = into->agg.a%u_own;", i);
        vpc_cw_line(w, "into->agg.a%u_own = r->agg.a%u_own;", i, i);
        vpc_cw_line(w, "r->agg.a%u_own = t;", i);
        vpc_cw_close(w, NULL);
    }
}

/* any_order: wown_<S>, wfind_<S>, wmerge_<S>. */
static void emit_own_fns(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    long long mask = (long long)own_size(p) - 1;
    vpc_cw_comment(w, "%s: the ring of runs by pane, made on the first row out of order: every run held enters it", n);
    vpc_cw_open(w, "static void wown_%s(ws_%s *s)", n, n);
    vpc_cw_line(w, "for (int64_t i = 0; i <= %lldL; i++) *(int64_t *)vp_vec_push(&s->own, (int64_t)sizeof(int64_t), -1)"
                   " = -1;", mask);
    vpc_cw_line(w, "int64_t *own = s->own.p;");
    vpc_cw_line(w, "for (int64_t i = 0; i < s->runs.n; i++) own[(uint64_t)%s->pane & %lldU] = s->gone + i;",
                run_at(E, n, "i"), mask);
    if (lagging(p))
        vpc_cw_line(w, "for (int64_t i = 0; i < s->later.n; i++) own[(uint64_t)%s->pane & %lldU] = s->lgone + i;",
                    run_in(E, n, "later", "i"), mask);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);

    vpc_cw_comment(w, "%s: the run of the pane that can take a row in any order: in the back of the window queue"
                      " (now)%s; NULL: none", n, lagging(p) ? " or in later" : "");
    vpc_cw_open(w, "static run_%s *wfind_%s(ws_%s *s, int64_t pane, bool now)", n, n, n);
    vpc_cw_line(w, "if (!s->own.n) wown_%s(s);", n);
    vpc_cw_line(w, "int64_t at = ((const int64_t *)s->own.p)[(uint64_t)pane & %lldU];", mask);
    vpc_cw_line(w, "run_%s *r = NULL;", n);
    vpc_cw_line(w, "if (now && at - s->gone >= s->nf && at - s->gone < s->runs.n) r = %s;",
                run_at(E, n, "at - s->gone"));
    if (lagging(p))
        vpc_cw_line(w, "if (!now && at - s->lgone >= 0 && at - s->lgone < s->later.n) r = %s;",
                    run_in(E, n, "later", "at - s->lgone"));
    vpc_cw_comment(w, "an entry left behind points elsewhere");
    vpc_cw_line(w, "return r && r->pane == pane ? r : NULL;");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);

    vpc_cw_comment(w, "%s: the rows of run r join run into, of the same pane", n);
    vpc_cw_open(w, "static void wmerge_%s(run_%s *into, run_%s *r)", n, n, n);
    emit_merge_values(E, st);
    if (ndistinct(p)) {
        vpc_cw_open(w, "for (int64_t i = 0; i < r->ids.n; i++)");
        vpc_cw_line(w, "int32_t *to = vp_vec_push(&into->ids, %s, -1);", ids_elem(E, p));
        vpc_cw_line(w, "const int32_t *id = (const int32_t *)r->ids.p + i * %uL;", ndistinct(p));
        vpc_cw_line(w, "for (int k = 0; k < %u; k++) to[k] = id[k];", ndistinct(p));
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "vp_vec_clear(&r->ids, %s);", ids_elem(E, p));
    }
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* With a watermark: wmove_<S>, wjoin_<S>, wsort_<S> (arrival order only). */
static void emit_later_fns(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    const char *later0 = run_in(E, n, "later", "0");
    vpc_cw_comment(w, "%s: later run r joins the window queue, as its newest run", n);
    vpc_cw_open(w, "static void wmove_%s(ws_%s *s, run_%s *r)", n, n, n);
    vpc_cw_line(w, "run_%s *m = vp_runq_push(&s->runs, (int64_t)sizeof(run_%s));", n, n);
    swap_runs(E, n, "m", "r");
    emit_own_set(E, p, "m->pane", "s->gone + s->runs.n - 1");
    if (arrival_order(p))
        vpc_cw_line(w, "if (s->runs.n > 1 && %s->last > m->seq) s->unsorted = true;", run_at(E, n, "s->runs.n - 2"));
    vpc_cw_line(w, "if (m->pane < s->pmax && m->pane < s->stray_min) s->stray_min = m->pane;");
    vpc_cw_line(w, "if (m->pane > s->pmax) s->pmax = m->pane;");
    vpc_cw_line(w, "wcat_%s(&s->back, &s->back, &m->agg);", n);
    if (ndistinct(p)) vpc_cw_line(w, "wcount_%s(s, m);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);

    vpc_cw_comment(w, "%s: the window closing next ends before pane hi: later runs before it join it", n);
    vpc_cw_open(w, "static void wjoin_%s(ws_%s *s, int64_t hi)", n, n);
    vpc_cw_line(w, "if (hi > s->hi) s->hi = hi;");
    vpc_cw_open(w, "if (s->later_stray >= s->hi)");
    vpc_cw_comment(w, "in pane order: from the front");
    vpc_cw_open(w, "while (s->later.n && %s->pane < s->hi)", later0);
    vpc_cw_line(w, "wmove_%s(s, %s);", n, later0);
    vpc_cw_line(w, "vp_runq_pop(&s->later);");
    if (any_order(p)) vpc_cw_line(w, "s->lgone++;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "return;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "int64_t kept = 0, top = INT64_MIN;");
    vpc_cw_line(w, "s->later_stray = INT64_MAX;");
    vpc_cw_open(w, "for (int64_t i = 0; i < s->later.n; i++)");
    vpc_cw_line(w, "run_%s *r = %s;", n, run_in(E, n, "later", "i"));
    vpc_cw_open(w, "if (r->pane < s->hi)");
    vpc_cw_line(w, "wmove_%s(s, r);", n);
    vpc_cw_line(w, "continue;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "if (r->pane < top && r->pane < s->later_stray) s->later_stray = r->pane;");
    vpc_cw_line(w, "if (r->pane > top) top = r->pane;");
    emit_own_set(E, p, "r->pane", "s->lgone + kept");
    vpc_cw_open(w, "if (kept < i)");
    vpc_cw_line(w, "run_%s *k = %s;", n, run_in(E, n, "later", "kept"));
    swap_runs(E, n, "k", "r");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "kept++;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "while (s->later.n > kept) vp_runq_drop_newest(&s->later);");
    vpc_cw_line(w, "s->lmax = top;");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
    if (!arrival_order(p)) return;

    vpc_cw_comment(w, "%s: runs back in arrival order (an insertion sort: runs joined late are few and near)", n);
    vpc_cw_open(w, "static void wsort_%s(ws_%s *s)", n, n);
    vpc_cw_open(w, "for (int64_t i = 1; i < s->runs.n; i++)");
    vpc_cw_open(w, "for (int64_t k = i; k > 0; k--)");
    vpc_cw_line(w, "run_%s *a = %s, *b = %s;", n, run_at(E, n, "k - 1"), run_at(E, n, "k"));
    vpc_cw_line(w, "if (a->seq < b->seq) break;");
    swap_runs(E, n, "a", "b");
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_comment(w, "which runs are behind a later pane has changed");
    vpc_cw_line(w, "int64_t top = INT64_MIN;");
    vpc_cw_line(w, "s->stray_min = INT64_MAX;");
    vpc_cw_open(w, "for (int64_t i = 0; i < s->runs.n; i++)");
    vpc_cw_line(w, "const run_%s *r = %s;", n, run_at(E, n, "i"));
    vpc_cw_line(w, "if (r->pane < top && r->pane < s->stray_min) s->stray_min = r->pane;");
    vpc_cw_line(w, "if (r->pane > top) top = r->pane;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "s->unsorted = false;");
    vpc_cw_line(w, "wflip_%s(s);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* wcat_<S>, wreset_<S>, wflip_<S>, wcompact_<S>, wevict_<S>, wemit_<S>. */
void vpc_emit_slide_fns(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_line(w, "static const wa_%s wempty_%s; /* no rows */", n, n);
    vpc_cw_blank(w);

    vpc_cw_comment(w, "%s: *o = the rows of *l, then those of *r (o may be l)", n);
    vpc_cw_open(w, "static void wcat_%s(wa_%s *o, const wa_%s *l, const wa_%s *r)", n, n, n, n);
    vpc_emit_agg_combine(E, st);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);

    vpc_cw_comment(w, "%s: *win back to no rows", n);
    vpc_cw_open(w, "static void wreset_%s(wa_%s *win)", n, n);
    vpc_emit_agg_reset(E, st);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);

    vpc_cw_comment(w, "%s: every run becomes a front run", n);
    vpc_cw_open(w, "static void wflip_%s(ws_%s *s)", n, n);
    vpc_cw_line(w, "const wa_%s *later = &wempty_%s;", n, n);
    vpc_cw_open(w, "for (int64_t i = s->runs.n - 1; i >= 0; i--)");
    vpc_cw_line(w, "run_%s *r = %s;", n, run_at(E, n, "i"));
    vpc_cw_line(w, "wcat_%s(&r->sfx, &r->agg, later);", n);
    vpc_cw_line(w, "later = &r->sfx;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "s->nf = s->runs.n;");
    vpc_cw_line(w, "wreset_%s(&s->back);", n);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);

    if (ndistinct(p)) emit_distinct_fns(E, st);
    if (any_order(p)) emit_own_fns(E, st);
    if (lagging(p)) emit_later_fns(E, st);

    if (is_time(p)) {
        vpc_cw_comment(w, "%s: runs before pane lo leave from anywhere in the queue, the others keep their order", n);
        vpc_cw_open(w, "static void wcompact_%s(ws_%s *s, int64_t lo)", n, n);
        vpc_cw_line(w, "int64_t kept = 0, top = INT64_MIN;");
        vpc_cw_line(w, "s->stray_min = INT64_MAX;");
        vpc_cw_open(w, "for (int64_t i = 0; i < s->runs.n; i++)");
        vpc_cw_line(w, "run_%s *r = %s;", n, run_at(E, n, "i"));
        if (ndistinct(p)) {
            vpc_cw_open(w, "if (r->pane < lo)");
            vpc_cw_line(w, "wdrop_%s(s, r, true);", n);
            vpc_cw_line(w, "continue;");
            vpc_cw_close(w, NULL);
        } else {
            vpc_cw_line(w, "if (r->pane < lo) continue;");
        }
        if (any_order(p)) {
            vpc_cw_comment(w, "a pane's runs become one: the first one kept, which the ring points to");
            vpc_cw_line(w, "int64_t *own = s->own.n ? &((int64_t *)s->own.p)[(uint64_t)r->pane & %lldU] : NULL;",
                        (long long)own_size(p) - 1);
            vpc_cw_open(w, "if (own && *own - s->gone >= 0 && *own - s->gone < kept && %s->pane == r->pane)",
                        run_at(E, n, "*own - s->gone"));
            vpc_cw_line(w, "wmerge_%s(%s, r);", n, run_at(E, n, "*own - s->gone"));
            vpc_cw_line(w, "continue;");
            vpc_cw_close(w, NULL);
            vpc_cw_line(w, "if (own) *own = s->gone + kept;");
        }
        vpc_cw_line(w, "if (r->pane < top && r->pane < s->stray_min) s->stray_min = r->pane;");
        vpc_cw_line(w, "if (r->pane > top) top = r->pane;");
        vpc_cw_open(w, "if (kept < i)");
        vpc_cw_line(w, "run_%s *k = %s;", n, run_at(E, n, "kept"));
        swap_runs(E, n, "k", "r");
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "kept++;");
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "while (s->runs.n > kept) vp_runq_drop_newest(&s->runs);");
        vpc_cw_line(w, "wflip_%s(s);", n);
        vpc_cw_close(w, NULL);
        vpc_cw_blank(w);
    }

    vpc_cw_comment(w, "%s: the runs before pane lo are in no open window any more", n);
    vpc_cw_open(w, "static void wevict_%s(ws_%s *s, int64_t lo)", n, n);
    if (is_time(p)) {
        vpc_cw_open(w, "if (s->stray_min < lo)");
        vpc_cw_line(w, "wcompact_%s(s, lo);", n);
        vpc_cw_line(w, "return;");
        vpc_cw_close(w, NULL);
    }
    vpc_cw_open(w, "while (s->runs.n && %s->pane < lo)", run_at(E, n, "0"));
    vpc_cw_line(w, "if (!s->nf) wflip_%s(s);", n);
    if (ndistinct(p)) vpc_cw_line(w, "wdrop_%s(s, %s, true);", n, run_at(E, n, "0"));
    vpc_cw_line(w, "vp_runq_pop(&s->runs);");
    vpc_cw_line(w, "s->nf--;");
    if (any_order(p)) vpc_cw_line(w, "s->gone++;");
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);

    int64_t step = p->slide / p->pane; /* panes per slide */
    vpc_cw_comment(w, "%s: window j, all of the queue once the panes before it have left, yields its aggregate row"
                      " at time t", n);
    vpc_cw_open(w, "static void wemit_%s(vp_ctx *ctx, ws_%s *s, int64_t j, int64_t t)", n, n);
    if (is_time(p)) vpc_cw_line(w, "int64_t lo = j * %lldL; /* its first pane */", (long long)step);
    else
        vpc_cw_line(w, "int64_t lo = (vp_count_window_last(j, %lldL, %lldL) - %lldL) / %lldL; /* its first pane */",
                    (long long)p->size, (long long)p->slide, (long long)p->size, (long long)p->pane);
    if (lagging(p)) vpc_cw_line(w, "wjoin_%s(s, lo + %lldL);", n, (long long)p->npanes);
    vpc_cw_line(w, "wevict_%s(s, lo);", n);
    if (arrival_order(p)) vpc_cw_line(w, "if (s->unsorted) wsort_%s(s);", n);
    vpc_cw_line(w, "wa_%s all;", n);
    vpc_cw_line(w, "wcat_%s(&all, s->nf ? &%s->sfx : &wempty_%s, &s->back);", n, run_at(E, n, "0"), n);
    vpc_cw_line(w, "const wa_%s *win = &all;", n);
    if (!p->nkeys && !ndistinct(p)) vpc_cw_line(w, "(void)s;");
    if (lagging(p)) vpc_cw_open(w, "if (all.rows) /* windows registered between two others may hold none */");
    vpc_emit_agg_row(E, st);
    if (lagging(p)) vpc_cw_close(w, NULL);
    vpc_cw_comment(w, "the panes of no later window leave now");
    vpc_cw_line(w, "wevict_%s(s, lo + %lldL);", n, (long long)step);
    if (lagging(p)) {
        vpc_cw_comment(w, "the next window may close: its later rows join it now, ahead of rows still to come");
        vpc_cw_line(w, "wjoin_%s(s, lo + %lldL);", n, (long long)(step + p->npanes));
    }
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* The row's count(distinct) values: held in the partition's bags, listed in
 * `run`, counted when `counted` (a C expression). */
static void emit_hold_values(vpc_emitter *E, vpc_stream *st, vpc_cval *args, const char *counted)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_line(w, "int32_t *id = vp_vec_push(&run->ids, %s, -1);", ids_elem(E, p));
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->naggs; i++) {
        if (p->aggs[i].fn != VPC_AGG_DISTINCT) continue;
        vpc_cval v = args[i];
        vpc_cw_line(w, "id[%u] = -1;", k);
        if (v.ty != VPC_TY_NULL) {
            vpc_cw_open(w, "if (!%s)", vpc_emit_isnull(E, v));
            v.n = NULL; /* not null here */
            vpc_cw_line(w, "bool fresh;");
            vpc_cw_line(w, "id[%u] = vp_bag_hold(&s->a%u_bag, %s, w_%s.held < %lldL, &fresh);", k, i,
                        vpc_emit_box(E, v), n, (long long)E->prog->max_window_rows);
            vpc_cw_line(w, "if (fresh) w_%s.held++;", n);
            vpc_cw_line(w, "else if (id[%u] < 0) vp_count(ctx, w_%s.c_rows, 1);", k, n);
            vpc_cw_line(w, "if (id[%u] >= 0 && %s) vp_bag_count(&s->a%u_bag, id[%u], 1);", k, counted, i, k);
            vpc_cw_close(w, NULL);
        }
        k++;
    }
}

/* The row, the latest to arrive (arrival number s->seq), joins partial
 * *win: its arrival number is *win's last, and its first when alone. */
static void emit_fold_into(vpc_emitter *E, vpc_stream *st, vpc_cval *args)
{
    vpc_emit_agg_update(E, st, args);
    if (vpc_emit_agg_tagged(st->win)) {
        vpc_cw_line(E->w, "if (!win->rows) win->seq0 = s->seq;");
        vpc_cw_line(E->w, "win->seq1 = s->seq;");
    }
    vpc_cw_line(E->w, "win->rows++;");
}

/* Folds the row into `run` and, when `to_back` (a C expression), `back`. */
static void emit_fold(vpc_emitter *E, vpc_stream *st, vpc_cval *args, const char *to_back)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    if (vpc_emit_agg_tagged(st->win)) vpc_cw_line(w, "s->seq++;");
    vpc_cw_block(w);
    vpc_cw_line(w, "wa_%s *win = &run->agg;", n);
    emit_fold_into(E, st, args);
    vpc_cw_close(w, NULL);
    if (to_back) vpc_cw_open(w, "if (%s)", to_back);
    else vpc_cw_block(w);
    vpc_cw_line(w, "wa_%s *win = &s->back;", n);
    emit_fold_into(E, st, args);
    vpc_cw_close(w, NULL);
    if (ndistinct(st->win)) {
        vpc_cw_block(w);
        emit_hold_values(E, st, args, to_back ? to_back : "true");
        vpc_cw_close(w, NULL);
    }
}

/* A new run of pane `pane` for the row, newest in queue `q` (ws_<S>
 * member), or the row is dropped: time windows bound the runs. */
static void emit_new_run(vpc_emitter *E, vpc_stream *st, const char *q, const char *top, const char *stray)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    if (is_time(p)) {
        vpc_cw_open(w, "if (s->runs.n%s >= %lldL)", lagging(p) ? " + s->later.n" : "", (long long)p->max_runs);
        vpc_cw_line(w, "vp_count(ctx, w_%s.c_runs, 1);", n);
        vpc_cw_line(w, "return;");
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "if (pane < s->%s && pane < s->%s) s->%s = pane;", top, stray, stray);
        vpc_cw_line(w, "if (pane > s->%s) s->%s = pane;", top, top);
    }
    vpc_cw_line(w, "run = vp_runq_push(&s->%s, (int64_t)sizeof(run_%s));", q, n);
    vpc_cw_line(w, "run->pane = pane;");
    emit_own_set(E, p, "pane", F("s->%s + s->%s.n - 1", strcmp(q, "runs") ? "lgone" : "gone", q));
    if (arrival_order(p)) vpc_cw_line(w, "run->seq = s->seq + 1;");
    vpc_cw_line(w, "wreset_%s(&run->agg);", n);
    if (ndistinct(p)) vpc_cw_line(w, "vp_vec_clear(&run->ids, %s);", ids_elem(E, p));
}

/* any_order: when `run`, the newest of the row's queue, is of another pane,
 * the run its pane has there takes the row, if any. `top`: the latest pane
 * of that queue; a row before it is out of order (and makes the ring). */
static void emit_find_run(vpc_emitter *E, vpc_stream *st, const char *top, const char *now)
{
    vpc_cw_comment(E->w, "any order will do: the row joins the run its pane has, if any");
    vpc_cw_line(E->w, "if ((!run || run->pane != pane) && (pane < %s || s->own.n)) run = wfind_%s(s, pane, %s);", top,
                st->name->name, now);
}

/* Registers windows from ... to (C expressions) of partition `s` for closing. */
static void emit_register(vpc_emitter *E, vpc_stream *st, const char *from, const char *to)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_open(w, "for (int64_t j = %s; j <= %s; j++)", from, to);
    vpc_cw_line(w, "int64_t k = vp_floor_mod(j, %u);", p->nwin);
    vpc_cw_line(w, "*(int32_t *)vp_vec_push(&w_%s.open[k], (int64_t)sizeof(int32_t), -1) = s->ord;", n);
    vpc_cw_line(w, "w_%s.end[k] = vp_time_window_end(j, %lldL, %lldL);", n, (long long)p->size, (long long)p->slide);
    vpc_cw_line(w, "w_%s.j[k] = j;", n);
    vpc_cw_line(w, "if (w_%s.end[k] < w_%s.first_end) w_%s.first_end = w_%s.end[k];", n, n, n, n);
    vpc_cw_close(w, NULL);
}

/* Adds the current row to window state `s`, which the caller declared: to
 * its pane's run and to `back` (with a watermark: to a later run when past
 * the window closing next); time windows: the windows it opens are
 * registered for closing. */
void vpc_emit_slide_add(vpc_emitter *E, vpc_stream *st, vpc_cval *args)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    if (is_time(p)) vpc_cw_line(w, "int64_t pane = vp_floor_div(%stime, %lldL);", E->row, (long long)p->pane);
    else vpc_cw_line(w, "int64_t pane = (s->count - 1) / %lldL;", (long long)p->pane);
    if (lagging(p)) {
        int64_t step = p->slide / p->pane;
        vpc_cw_line(w, "int64_t jopen = vp_floor_div(vp_sat_sub(w_%s.clock, %lldL), %lldL) + 1; /* the first window"
                       " still open */", n, (long long)p->size, (long long)p->slide);
        vpc_cw_comment(w, "nothing held: the window closing next is that one at the earliest");
        vpc_cw_line(w, "if (!s->runs.n && !s->later.n && jopen * %lldL + %lldL > s->hi) s->hi = jopen * %lldL + %lldL;",
                    (long long)step, (long long)p->npanes, (long long)step, (long long)p->npanes);
        vpc_cw_line(w, "bool now = pane < s->hi; /* in the window closing next */");
        vpc_cw_line(w, "run_%s *run = now ? (s->runs.n > s->nf ? %s : NULL) : (s->later.n ? %s : NULL);", n,
                    run_at(E, n, "s->runs.n - 1"), run_in(E, n, "later", "s->later.n - 1"));
        if (arrival_order(p)) {
            vpc_cw_comment(w, "a run holds consecutive rows only");
            vpc_cw_open(w, "if (!run || run->pane != pane || run->last != s->seq)");
        } else {
            emit_find_run(E, st, "(now ? s->pmax : s->lmax)", "now");
            vpc_cw_open(w, "if (!run || run->pane != pane)");
        }
        vpc_cw_open(w, "if (now)");
        emit_new_run(E, st, "runs", "pmax", "stray_min");
        vpc_cw_close(w, NULL);
        vpc_cw_open(w, "else");
        emit_new_run(E, st, "later", "lmax", "later_stray");
        vpc_cw_close(w, NULL);
        vpc_cw_close(w, NULL);
        if (arrival_order(p)) vpc_cw_line(w, "run->last = ++s->seq;");
        emit_fold(E, st, args, "now");
    } else {
        vpc_cw_line(w, "run_%s *run = s->runs.n > s->nf ? %s : NULL;", n, run_at(E, n, "s->runs.n - 1"));
        if (any_order(p)) emit_find_run(E, st, "s->pmax", "true");
        vpc_cw_open(w, "if (!run || run->pane != pane)");
        emit_new_run(E, st, "runs", "pmax", "stray_min");
        vpc_cw_close(w, NULL);
        emit_fold(E, st, args, NULL);
    }
    if (!is_time(p)) return;
    if (!lagging(p)) {
        vpc_cw_comment(w, "windows holding their first row: they close in wclose_%s", n);
        emit_register(E, st, "jlo > s->jnext ? jlo : s->jnext", "jhi");
        vpc_cw_line(w, "if (jhi >= s->jnext) s->jnext = jhi + 1;");
        return;
    }
    vpc_cw_comment(w, "the windows registered and open, jfirst ... jnext - 1, grow to hold the row's (those between"
                      " two others may hold no row)");
    vpc_cw_line(w, "int64_t first = s->jfirst > jopen ? s->jfirst : jopen;");
    vpc_cw_open(w, "if (first >= s->jnext)");
    emit_register(E, st, "jlo", "jhi");
    vpc_cw_line(w, "s->jfirst = jlo;");
    vpc_cw_line(w, "s->jnext = jhi + 1;");
    vpc_cw_close(w, NULL);
    vpc_cw_open(w, "else");
    emit_register(E, st, "jlo", "first - 1");
    emit_register(E, st, "s->jnext", "jhi");
    vpc_cw_line(w, "s->jfirst = jlo < first ? jlo : first;");
    vpc_cw_line(w, "if (jhi >= s->jnext) s->jnext = jhi + 1;");
    vpc_cw_close(w, NULL);
}

/* The memory of every slot of queue q. */
static void emit_free_queue(vpc_emitter *E, vpc_stream *st, const char *q)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    vpc_cw_open(w, "for (int64_t k = 0; k < s->%s.cap; k++)", q);
    vpc_cw_line(w, "run_%s *run = vp_runq_slot(&s->%s, (int64_t)sizeof(run_%s), k);", n, q, n);
    vpc_emit_agg_free(E, st->win, "(&run->agg)");
    if (ndistinct(st->win)) vpc_cw_line(w, "vp_vec_free(&run->ids);");
    vpc_cw_line(w, "(void)run;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "vp_runq_free(&s->%s);", q);
}

void vpc_emit_slide_free(vpc_emitter *E, vpc_stream *st)
{
    vpc_wplan *p = st->win;
    emit_free_queue(E, st, "runs");
    if (lagging(p)) emit_free_queue(E, st, "later");
    if (any_order(p)) vpc_cw_line(E->w, "vp_vec_free(&s->own);");
    vpc_emit_agg_free(E, p, "(&s->back)");
    for (uint32_t i = 0; i < p->naggs; i++)
        if (p->aggs[i].fn == VPC_AGG_DISTINCT) vpc_cw_line(E->w, "vp_bag_free(&s->a%u_bag);", i);
}
