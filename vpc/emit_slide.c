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
 * Without a watermark every row held is before the end of the window closing
 * next, so the whole queue is that window. A row older than a newer run
 * already held (out of order) starts a run of its own; when its panes leave,
 * the queue is compacted in one pass. Runs per partition are bounded
 * (max_runs); an out-of-order row past the bound is dropped and counted. */
#include "emit.h"

#define F(...) vpc_emit_fmt(E, __VA_ARGS__)

static bool is_time(const vpc_wplan *p) { return p->kind == VPC_W_TIME; }

void vpc_emit_slide_types(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    vpc_cw_comment(w, "stream %s: consecutive rows of one pane", n);
    vpc_cw_open(w, "typedef struct run_%s", n);
    vpc_cw_line(w, "int64_t pane; /* pane number: %s / %lld */", is_time(st->win) ? "time" : "(row - 1)",
                (long long)st->win->pane);
    vpc_cw_line(w, "wa_%s agg; /* its rows */", n);
    vpc_cw_line(w, "wa_%s sfx; /* front runs: its rows and those of newer front runs */", n);
    vpc_cw_close(w, F(" run_%s;", n));
}

void vpc_emit_slide_fields(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    vpc_cw_line(w, "vp_runq runs; /* run_%s, oldest first, at most %lld */", n, (long long)st->win->max_runs);
    vpc_cw_line(w, "int64_t nf; /* the oldest nf runs are the front */");
    vpc_cw_line(w, "wa_%s back; /* the rows of the other runs */", n);
    if (is_time(st->win)) {
        vpc_cw_line(w, "int64_t pmax; /* the latest pane that started a run */");
        vpc_cw_line(w, "int64_t stray_min; /* the earliest pane of a run behind a later one (out of order) */");
        vpc_cw_line(w, "int64_t jnext; /* the first window not yet holding rows */");
    }
}

void vpc_emit_slide_init(vpc_emitter *E, vpc_stream *st, const char *s)
{
    if (!is_time(st->win)) return;
    vpc_cw_line(E->w, "%spmax = %sjnext = INT64_MIN;", s, s);
    vpc_cw_line(E->w, "%sstray_min = INT64_MAX;", s);
}

static const char *run_at(vpc_emitter *E, const char *n, const char *i)
{
    return F("((run_%s *)vp_runq_at(&s->runs, (int64_t)sizeof(run_%s), %s))", n, n, i);
}

/* wcat_<S>, wreset_<S>, wflip_<S>, wcompact_<S>, wevict_<S>, wemit_<S>. */
void vpc_emit_slide_fns(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    vpc_cw_line(w, "static const wa_%s wempty_%s; /* no rows */", n, n);
    vpc_cw_blank(w);

    vpc_cw_comment(w, "%s: *o = the rows of *l, then those of *r", n);
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

    if (is_time(p)) {
        vpc_cw_comment(w, "%s: runs before pane lo leave from anywhere in the queue, the others keep their order", n);
        vpc_cw_open(w, "static void wcompact_%s(ws_%s *s, int64_t lo)", n, n);
        vpc_cw_line(w, "int64_t kept = 0, top = INT64_MIN;");
        vpc_cw_line(w, "s->stray_min = INT64_MAX;");
        vpc_cw_open(w, "for (int64_t i = 0; i < s->runs.n; i++)");
        vpc_cw_line(w, "run_%s *r = %s;", n, run_at(E, n, "i"));
        vpc_cw_line(w, "if (r->pane < lo) continue;");
        vpc_cw_line(w, "if (r->pane < top && r->pane < s->stray_min) s->stray_min = r->pane;");
        vpc_cw_line(w, "if (r->pane > top) top = r->pane;");
        vpc_cw_open(w, "if (kept < i)");
        vpc_cw_comment(w, "swapped, not copied: each slot keeps owning its own memory");
        vpc_cw_line(w, "run_%s *k = %s;", n, run_at(E, n, "kept"));
        vpc_cw_line(w, "run_%s t = *k;", n);
        vpc_cw_line(w, "*k = *r;");
        vpc_cw_line(w, "*r = t;");
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
    vpc_cw_line(w, "vp_runq_pop(&s->runs);");
    vpc_cw_line(w, "s->nf--;");
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
    vpc_cw_line(w, "wevict_%s(s, lo);", n);
    vpc_cw_line(w, "wa_%s all;", n);
    vpc_cw_line(w, "wcat_%s(&all, s->nf ? &%s->sfx : &wempty_%s, &s->back);", n, run_at(E, n, "0"), n);
    vpc_cw_line(w, "const wa_%s *win = &all;", n);
    if (!p->nkeys) vpc_cw_line(w, "(void)s;");
    vpc_emit_agg_row(E, st);
    vpc_cw_comment(w, "the panes of no later window leave now");
    vpc_cw_line(w, "wevict_%s(s, lo + %lldL);", n, (long long)step);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* Adds the current row to window state `s`, which the caller declared: to
 * its pane's run and to `back`; time windows: the windows it opens are
 * registered for closing. */
void vpc_emit_slide_add(vpc_emitter *E, vpc_stream *st, vpc_cval *args)
{
    vpc_cw *w = E->w;
    vpc_wplan *p = st->win;
    const char *n = st->name->name;
    if (is_time(p)) vpc_cw_line(w, "int64_t pane = vp_floor_div(%stime, %lldL);", E->row, (long long)p->pane);
    else vpc_cw_line(w, "int64_t pane = (s->count - 1) / %lldL;", (long long)p->pane);
    vpc_cw_line(w, "run_%s *run = s->runs.n > s->nf ? %s : NULL;", n, run_at(E, n, "s->runs.n - 1"));
    vpc_cw_open(w, "if (!run || run->pane != pane)");
    if (is_time(p)) {
        vpc_cw_open(w, "if (s->runs.n >= %lldL)", (long long)p->max_runs);
        vpc_cw_line(w, "vp_count(ctx, w_%s.c_runs, 1);", n);
        vpc_cw_line(w, "return;");
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "if (pane < s->pmax && pane < s->stray_min) s->stray_min = pane;");
        vpc_cw_line(w, "if (pane > s->pmax) s->pmax = pane;");
    }
    vpc_cw_line(w, "run = vp_runq_push(&s->runs, (int64_t)sizeof(run_%s));", n);
    vpc_cw_line(w, "run->pane = pane;");
    vpc_cw_line(w, "wreset_%s(&run->agg);", n);
    vpc_cw_close(w, NULL);
    const char *into[] = {"&run->agg", "&s->back"};
    for (int k = 0; k < 2; k++) {
        vpc_cw_block(w);
        vpc_cw_line(w, "wa_%s *win = %s;", n, into[k]);
        vpc_emit_agg_update(E, st, args);
        vpc_cw_line(w, "win->rows++;");
        vpc_cw_close(w, NULL);
    }
    if (!is_time(p)) return;
    vpc_cw_comment(w, "windows holding their first row: they close in wclose_%s", n);
    vpc_cw_open(w, "for (int64_t j = jlo > s->jnext ? jlo : s->jnext; j <= jhi; j++)");
    vpc_cw_line(w, "int64_t k = vp_floor_mod(j, %u);", p->nwin);
    vpc_cw_line(w, "*(int32_t *)vp_vec_push(&w_%s.open[k], (int64_t)sizeof(int32_t), -1) = s->ord;", n);
    vpc_cw_line(w, "w_%s.end[k] = vp_time_window_end(j, %lldL, %lldL);", n, (long long)p->size, (long long)p->slide);
    vpc_cw_line(w, "w_%s.j[k] = j;", n);
    vpc_cw_line(w, "if (w_%s.end[k] < w_%s.first_end) w_%s.first_end = w_%s.end[k];", n, n, n, n);
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "if (jhi >= s->jnext) s->jnext = jhi + 1;");
}

void vpc_emit_slide_free(vpc_emitter *E, vpc_stream *st)
{
    vpc_cw *w = E->w;
    const char *n = st->name->name;
    vpc_cw_open(w, "for (int64_t k = 0; k < s->runs.cap; k++)");
    vpc_cw_line(w, "run_%s *run = vp_runq_slot(&s->runs, (int64_t)sizeof(run_%s), k);", n, n);
    vpc_emit_agg_free(E, st->win, "(&run->agg)");
    vpc_cw_line(w, "(void)run;");
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "vp_runq_free(&s->runs);");
    vpc_emit_agg_free(E, st->win, "(&s->back)");
}
