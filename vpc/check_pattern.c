/* check_pattern.c — pattern streams (LANGUAGE.md §5): the chain form
 * (`A as a -> B where ... as b`, also `all A as a -> ...`), `sequence(a: A,
 * b: B ...)` sources, named patterns (`pattern P = SEQ(...)`) and
 * `.pattern(name: <pattern>)` on a stream become one vpc_pplan: positive
 * steps with the NOT items of the gap before each, whole-run negations,
 * bindings, the partition (explicit, or the key extracted from
 * `x == first.y` equalities), and the match row the stream's later
 * operators read. Names in step predicates and on match rows resolve
 * through the hooks at the end of this file (called from check_expr.c). */
#include <string.h>

#include "check.h"

#define MAX_ITEMS 64
#define MAX_NOTS 32

/* An item as written: a positive or NOT step; OR/AND with two terms. */
typedef struct raw_item {
    vpc_pskind kind;
    bool negated;
    vpc_pquant quant;
    vpc_step *terms[2];
    uint32_t nterms;
    vpc_span span;
} raw_item;

typedef struct pbuild {
    vpc_sbuilder *B;
    vpc_checker *C;
    vpc_pplan *plan;
    raw_item items[MAX_ITEMS];
    uint32_t nitems;
    vpc_step *nots[MAX_NOTS]; /* .not(...), `P and not E` */
    uint32_t nnots;
    vpc_expr *pre[MAX_NOTS];  /* filters before the first step */
    uint32_t npre;
    vpc_link *before[MAX_NOTS]; /* filters and observers before the first step, in order */
    uint32_t nbefore;
    bool observes;            /* ... some of them .print or .log */
    vpc_expr *partition;      /* the partition field (a name), or NULL */
    bool ok;
} pbuild;

static vpc_pquant quant_of(vpc_quant q)
{
    switch (q) {
    case VPC_Q_PLUS: return VPC_PQ_PLUS;
    case VPC_Q_STAR: return VPC_PQ_STAR;
    case VPC_Q_OPT: return VPC_PQ_OPT;
    default: return VPC_PQ_ONE;
    }
}

static raw_item *new_item(pbuild *P, vpc_span at)
{
    if (P->nitems == MAX_ITEMS) {
        vpc_error(P->C->ctx, at, "too many pattern steps (limit %d)", MAX_ITEMS);
        P->ok = false;
        return NULL;
    }
    raw_item *it = &P->items[P->nitems++];
    memset(it, 0, sizeof *it);
    it->span = at;
    return it;
}

static void add_step(pbuild *P, vpc_step *s)
{
    raw_item *it = new_item(P, s->span);
    if (!it) return;
    it->kind = VPC_PS_TERM;
    it->negated = s->negated;
    it->quant = quant_of(s->quant);
    it->terms[0] = s;
    it->nterms = 1;
}

static void add_not(pbuild *P, vpc_step *s)
{
    if (P->nnots == MAX_NOTS) {
        vpc_error(P->C->ctx, s->span, "too many negations (limit %d)", MAX_NOTS);
        P->ok = false;
        return;
    }
    P->nots[P->nnots++] = s;
}

/* `within` takes a duration literal. */
static void set_within(pbuild *P, vpc_expr *e)
{
    if (!e || e->kind != VPC_E_DUR || e->u.i <= 0) {
        vpc_error(P->C->ctx, e ? e->span : (vpc_span){0}, "within expects a positive duration (e.g. 30s)");
        P->ok = false;
        return;
    }
    P->plan->within = e->u.i;
}

/* Pattern-wide operators anywhere in the chain: .within, .not, .partition_by. */
static bool pattern_op(pbuild *P, vpc_link *l)
{
    vpc_ctx *ctx = P->C->ctx;
    const char *name = l->op->name;
    if (!strcmp(name, "within")) {
        if (l->nargs != 1 || l->args[0].name) vpc_error(ctx, l->span, ".within() expects one duration");
        else set_within(P, l->args[0].value);
        return true;
    }
    if (!strcmp(name, "not")) {
        if (!l->not_term) vpc_error(ctx, l->span, ".not() expects an event type, optionally with where");
        else add_not(P, l->not_term);
        return true;
    }
    if (!strcmp(name, "partition_by")) {
        if (l->nargs != 1 || l->args[0].name || l->args[0].value->kind != VPC_E_NAME)
            vpc_error(ctx, l->span, "a pattern's .partition_by() takes one field name");
        else P->partition = l->args[0].value;
        return true;
    }
    return false;
}

static bool is_filter(const char *name) { return !strcmp(name, "where") || !strcmp(name, "filter"); }
static bool is_observer(const char *name) { return !strcmp(name, "print") || !strcmp(name, "log"); }

/* A filter or an observer written before the first step: it filters or
 * observes the first step's events (LANGUAGE.md §5.1). */
static void pre_filter(pbuild *P, vpc_link *l, const char *before)
{
    const char *name = l->op->name;
    bool filter = is_filter(name) && l->nargs == 1 && !l->args[0].name;
    if ((filter || is_observer(name)) && P->nbefore < MAX_NOTS) {
        if (filter) P->pre[P->npre++] = l->args[0].value;
        P->observes |= !filter;
        P->before[P->nbefore++] = l;
        return;
    }
    if (!strcmp(name, "tap")) /* as on any stream */
        vpc_error(P->C->ctx, l->op_span, ".tap() is not supported yet");
    else if (is_filter(name) && !filter)
        vpc_error(P->C->ctx, l->span, ".%s() expects one condition", name);
    else if (filter || is_observer(name))
        vpc_error(P->C->ctx, l->op_span, "too many operators before %s (limit %d)", before, MAX_NOTS);
    else
        vpc_error(P->C->ctx, l->op_span, ".%s() before %s is not supported (only .where, .filter, .print, .log, "
                  ".within, .not and .partition_by)", name, before);
    P->ok = false;
}

/* A pattern expression given to .pattern(): `name: <pattern>`, or a map of
 * one such item; NULL when the argument is something else (a lambda). */
static vpc_expr *pattern_arg(const vpc_link *l)
{
    if (l->kind != VPC_L_OP || !vpc_sym_is(l->op, "pattern")) return NULL;
    for (uint32_t i = 0; i < l->nargs; i++) {
        vpc_expr *v = l->args[i].value;
        if (v->kind == VPC_E_PATTERN) return v;
        for (uint32_t k = 0; v->kind == VPC_E_MAP && k < v->u.map.nitems; k++)
            if (v->u.map.values[k]->kind == VPC_E_PATTERN) return v->u.map.values[k];
    }
    return NULL;
}

/* The single `name: <pattern>` of .pattern(): anything else beside it is an error. */
static vpc_pat *the_pattern(pbuild *P, vpc_link *l)
{
    vpc_expr *v = l->nargs == 1 ? l->args[0].value : NULL;
    if (v && v->kind == VPC_E_MAP && v->u.map.nitems == 1) v = v->u.map.values[0];
    if (!v || v->kind != VPC_E_PATTERN) {
        vpc_error(P->C->ctx, l->span, ".pattern() takes one pattern: .pattern(name: A as a -> B as b)");
        P->ok = false;
        return NULL;
    }
    return v->u.pattern;
}

/* The first step written as a source: `A as a`, `all A as a`. */
static void add_source_step(pbuild *P, vpc_source_expr *src)
{
    vpc_step *first = VPC_NEW(&P->C->ctx->ir, vpc_step);
    first->span = src->span;
    first->type = src->name;
    first->type_span = src->name_span;
    first->quant = src->all ? VPC_Q_PLUS : VPC_Q_ONE;
    first->alias = src->alias;
    first->alias_span = src->alias_span;
    add_step(P, first);
}

/* sequence(a: A where c, b: B ...): the steps `A where c as a -> B as b ...`. */
static void add_sequence_steps(pbuild *P, vpc_source_expr *src)
{
    if (!src->nsteps) {
        vpc_error(P->C->ctx, src->span, "sequence() needs at least one step (name: Type)");
        P->ok = false;
    }
    for (uint32_t i = 0; i < src->nsteps; i++) {
        vpc_step *s = &src->steps[i];
        if (s->negated) {
            vpc_error(P->C->ctx, s->span, "a sequence() item binds an event: write the negation as .not(...)");
            P->ok = false;
            continue;
        }
        add_step(P, s);
    }
}

/* Chain form: the source is the first step (sequence(): all of them);
 * links up to the first `->` filter the first step; later operators (other
 * than the pattern-wide ones) apply to match rows and stay in *chain. A
 * one-step `all A as a` has no `->`: its match-row operators begin at the
 * first operator that is not a filter. */
static void gather_chain(pbuild *P, vpc_source_expr *src, vpc_stream_body *chain)
{
    vpc_ctx *ctx = P->C->ctx;
    bool stepped = src->kind == VPC_SRC_SEQUENCE, steps_follow = false;
    if (stepped) add_sequence_steps(P, src);
    else add_source_step(P, src);
    for (uint32_t i = 0; i < chain->nlinks; i++) steps_follow |= chain->links[i].kind == VPC_L_STEP;
    vpc_link *post = VPC_NEW_N(&ctx->ir, vpc_link, chain->nlinks + 1);
    uint32_t npost = 0;
    for (uint32_t i = 0; i < chain->nlinks; i++) {
        vpc_link *l = &chain->links[i];
        if (l->kind == VPC_L_STEP) {
            stepped = true;
            add_step(P, &l->step);
            continue;
        }
        if (pattern_op(P, l)) continue;
        if (!stepped && !steps_follow && !is_filter(l->op->name)) stepped = true;
        if (pattern_arg(l)) {
            vpc_error(ctx, l->op_span, "a stream has one pattern: .pattern() cannot be combined with '->' steps");
            P->ok = false;
        } else if (stepped) {
            post[npost++] = *l;
        } else {
            pre_filter(P, l, "the first '->'");
        }
    }
    chain->links = post;
    chain->nlinks = npost;
}

/* A named pattern's expression, flattened into items. */
static void flatten(pbuild *P, vpc_pat *p, bool top)
{
    vpc_ctx *ctx = P->C->ctx;
    switch (p->kind) {
    case VPC_P_STEP:
        add_step(P, &p->step);
        return;
    case VPC_P_SEQ:
        for (uint32_t i = 0; i < p->nitems; i++) flatten(P, p->items[i], false);
        return;
    case VPC_P_AND_NOT:
        if (!top) break;
        flatten(P, p->items[0], true);
        add_not(P, &p->step);
        return;
    case VPC_P_AND:
    case VPC_P_OR:
    case VPC_P_XOR: {
        vpc_pat *a = p->items[0], *b = p->items[1];
        if (a->kind != VPC_P_STEP || b->kind != VPC_P_STEP) {
            vpc_error(ctx, p->span, "AND, OR and XOR take single-event terms (Name [where c] [as a])");
            P->ok = false;
            return;
        }
        raw_item *it = new_item(P, p->span);
        if (!it) return;
        it->kind = p->kind == VPC_P_AND ? VPC_PS_AND : VPC_PS_OR;
        it->quant = VPC_PQ_ONE;
        it->terms[0] = &a->step;
        it->terms[1] = &b->step;
        it->nterms = 2;
        for (int k = 0; k < 2; k++)
            if (it->terms[k]->quant != VPC_Q_ONE || it->terms[k]->negated) {
                vpc_error(ctx, it->terms[k]->span, "AND, OR and XOR operands cannot be negated or repeated");
                P->ok = false;
            }
        return;
    }
    }
    vpc_error(ctx, p->span, "'and not' applies to a whole pattern only");
    P->ok = false;
}

static void gather_named(pbuild *P, vpc_decl *d, vpc_stream_body *chain)
{
    flatten(P, d->u.pattern.pat, true);
    if (d->u.pattern.within) set_within(P, d->u.pattern.within);
    if (d->u.pattern.partition) {
        if (d->u.pattern.partition->kind != VPC_E_NAME) {
            vpc_error(P->C->ctx, d->u.pattern.partition->span, "'partition by' takes one field name");
            P->ok = false;
        } else {
            P->partition = d->u.pattern.partition;
        }
    }
    vpc_link *post = VPC_NEW_N(&P->C->ctx->ir, vpc_link, chain->nlinks + 1);
    uint32_t npost = 0;
    for (uint32_t i = 0; i < chain->nlinks; i++) {
        vpc_link *l = &chain->links[i];
        if (l->kind == VPC_L_STEP) {
            vpc_error(P->C->ctx, l->span, "'->' cannot follow a named pattern");
            P->ok = false;
        } else if (!pattern_op(P, l)) {
            post[npost++] = *l;
        }
    }
    chain->links = post;
    chain->nlinks = npost;
}

/* Is `type` the type of one of the pattern's terms (positive or NOT)? */
static bool pattern_reads(const pbuild *P, const vpc_sym *type)
{
    for (uint32_t i = 0; i < P->nitems; i++)
        for (uint32_t k = 0; k < P->items[i].nterms; k++)
            if (P->items[i].terms[k]->type == type) return true;
    for (uint32_t i = 0; i < P->nnots; i++)
        if (P->nots[i]->type == type) return true;
    return false;
}

/* `Source ... .pattern(name: <pattern>) ...`: a pattern stream over the
 * expression's types, the source being one of them. Filters before
 * .pattern() filter the first step's events (as before a first `->`), so
 * they need the source to be the first step's type. */
static void gather_dot_pattern(pbuild *P, vpc_source_expr *src, vpc_stream_body *chain)
{
    vpc_ctx *ctx = P->C->ctx;
    uint32_t at = 0;
    while (!pattern_arg(&chain->links[at])) at++;
    vpc_pat *pat = the_pattern(P, &chain->links[at]);
    if (!pat) return;
    for (uint32_t i = 0; i < chain->nlinks; i++)
        if (chain->links[i].kind == VPC_L_STEP) {
            vpc_error(ctx, chain->links[i].span, "a stream has one pattern: '->' steps cannot be combined with "
                      ".pattern(); write the steps inside it");
            P->ok = false;
            return;
        }
    flatten(P, pat, true);
    if (src->kind != VPC_SRC_NAME || src->all || src->call || src->alias) {
        vpc_error(ctx, src->span, "the source of .pattern() is one of its event types, without 'all' or 'as'");
        P->ok = false;
        return;
    }
    if (P->ok && !pattern_reads(P, src->name)) {
        vpc_error(ctx, src->name_span, "'%s' is not an event type of the pattern in .pattern(): the source must be "
                  "one of them", src->name->name);
        P->ok = false;
    }
    bool first_is_source = P->nitems && P->items[0].nterms == 1 && P->items[0].terms[0]->type == src->name;
    vpc_link *post = VPC_NEW_N(&ctx->ir, vpc_link, chain->nlinks + 1);
    uint32_t npost = 0;
    for (uint32_t i = 0; i < chain->nlinks; i++) {
        vpc_link *l = &chain->links[i];
        if (i == at) continue;
        if (pattern_op(P, l)) {
            /* pattern-wide, wherever it stands */
        } else if (pattern_arg(l)) {
            vpc_error(ctx, l->op_span, "a stream has one pattern: a second .pattern() is not allowed");
            P->ok = false;
        } else if (i > at) {
            post[npost++] = *l;
        } else if (!first_is_source && (is_filter(l->op->name) || is_observer(l->op->name))) {
            vpc_error(ctx, l->op_span, ".%s() before .pattern() %s the first step's events: the source must "
                      "be the first step's type", l->op->name, is_filter(l->op->name) ? "filters" : "observes");
            P->ok = false;
        } else {
            pre_filter(P, l, ".pattern()");
        }
    }
    chain->links = post;
    chain->nlinks = npost;
}

/* ---- terms ---- */

static uint32_t input_of(pbuild *P, vpc_step *s, vpc_row **row)
{
    vpc_stream *st = P->B->st;
    for (uint32_t k = 0; k < st->ninputs; k++)
        if (st->inputs[k].alias == s->type) {
            *row = st->inputs[k].row;
            return k;
        }
    vpc_row *ev;
    vpc_stream *up;
    if (!vpc_check_source_name(P->C, st, s->type, s->type_span, &ev, &up)) {
        P->ok = false;
        *row = NULL;
        return 0;
    }
    vpc_sinput *n = VPC_NEW_N(&P->C->ctx->ir, vpc_sinput, st->ninputs + 1);
    if (st->ninputs) memcpy(n, st->inputs, st->ninputs * sizeof *n);
    st->inputs = n;
    vpc_sinput *in = &n[st->ninputs];
    in->row = up ? up->out : ev;
    in->event = ev;
    in->stream = up;
    in->alias = s->type;
    in->span = s->type_span;
    *row = in->row;
    return st->ninputs++;
}

/* Does e read alias `a` (as a.f)? */
static bool mentions(const vpc_expr *e, const vpc_sym *a)
{
    if (!e) return false;
    switch (e->kind) {
    case VPC_E_MEMBER:
        if (e->u.member.obj->kind == VPC_E_NAME && e->u.member.obj->u.name == a) return true;
        return mentions(e->u.member.obj, a);
    case VPC_E_CALL:
        for (uint32_t i = 0; i < e->u.call.nargs; i++)
            if (mentions(e->u.call.args[i].value, a)) return true;
        return mentions(e->u.call.callee, a);
    case VPC_E_UNARY: return mentions(e->u.unary.operand, a);
    case VPC_E_BINARY: return mentions(e->u.binary.lhs, a) || mentions(e->u.binary.rhs, a);
    case VPC_E_IS: return mentions(e->u.is.operand, a);
    case VPC_E_COND:
        return mentions(e->u.cond.cond, a) || mentions(e->u.cond.then, a) || mentions(e->u.cond.els, a);
    default: return false;
    }
}

typedef struct cbuf {
    vpc_expr *v[MAX_ITEMS];
    uint32_t n;
} cbuf;

static void conjuncts(cbuf *b, vpc_expr *e)
{
    if (!e) return;
    if (e->kind == VPC_E_BINARY && e->u.binary.op == VPC_OP_AND) {
        conjuncts(b, e->u.binary.lhs);
        conjuncts(b, e->u.binary.rhs);
    } else if (b->n < MAX_ITEMS) {
        b->v[b->n++] = e;
    }
}

static vpc_expr **copy_exprs(vpc_checker *C, vpc_expr *const *v, uint32_t n)
{
    vpc_expr **out = VPC_NEW_N(&C->ctx->ir, vpc_expr *, n ? n : 1);
    if (n) memcpy(out, v, n * sizeof *out);
    return out;
}

/* A term's conditions, checked with the bindings of steps before `step`
 * visible (and its own alias when it repeats). */
static void check_term(pbuild *P, vpc_pterm *t, vpc_step *s, uint32_t step, bool kleene, bool first)
{
    vpc_checker *C = P->C;
    vpc_pplan *plan = P->plan;
    t->span = s->span;
    t->input = input_of(P, s, &t->row);
    if (!t->row) return;
    if (t->alias >= 0) plan->aliases[t->alias].row = t->row; /* its own alias: the previous event */
    cbuf all = {0}, conds = {0}, chain = {0};
    if (first)
        for (uint32_t i = 0; i < P->npre; i++) conjuncts(&all, P->pre[i]);
    conjuncts(&all, s->where);
    for (uint32_t i = 0; i < all.n; i++) {
        if (kleene && s->alias && mentions(all.v[i], s->alias)) chain.v[chain.n++] = all.v[i];
        else conds.v[conds.n++] = all.v[i];
    }
    vpc_scope S = {0};
    S.row = t->row;
    S.row_what = t->row->event ? "the candidate event" : "the candidate row";
    S.pat = plan;
    S.pat_step = step;
    S.pat_self = kleene ? t->alias : -1;
    for (uint32_t i = 0; i < all.n; i++) vpc_check_cond(C, &S, all.v[i]);
    t->conds = copy_exprs(C, conds.v, conds.n);
    t->nconds = conds.n;
    t->chain = copy_exprs(C, chain.v, chain.n);
    t->nchain = chain.n;
}

static int32_t add_alias(pbuild *P, vpc_step *s, uint32_t step, bool kleene)
{
    vpc_pplan *plan = P->plan;
    for (uint32_t i = 0; s->alias && i < plan->naliases; i++)
        if (plan->aliases[i].name == s->alias) {
            vpc_error(P->C->ctx, s->alias_span, "alias '%s' is already bound by an earlier step", s->alias->name);
            P->ok = false;
            return -1;
        }
    vpc_palias *a = &plan->aliases[plan->naliases];
    a->name = s->alias;
    a->step = step;
    a->kleene = kleene;
    return (int32_t)plan->naliases++;
}

/* The first item whose event may be the last a match row took (§5.6: bare
 * names read it): the last step, and before a final `*`/`?` step the one
 * whose event reaches it. None (nitems) with a trailing NOT: such a match
 * completes on the clock. */
static uint32_t first_completer(const pbuild *P)
{
    uint32_t c = P->nitems - 1;
    if (P->items[c].negated) return P->nitems;
    for (;;) {
        const raw_item *it = &P->items[c];
        if (it->kind != VPC_PS_TERM || (it->quant != VPC_PQ_STAR && it->quant != VPC_PQ_OPT)) return c;
        uint32_t prev = c;
        while (prev > 0 && P->items[prev - 1].negated) prev--;
        if (prev == 0) return c;
        c = prev - 1;
    }
}

/* The steps, their bindings and their NOT gaps, from the items. */
static void build_steps(pbuild *P)
{
    vpc_ctx *ctx = P->C->ctx;
    vpc_pplan *plan = P->plan;
    plan->steps = VPC_NEW_N(&ctx->ir, vpc_pstep, P->nitems + 1);
    plan->aliases = VPC_NEW_N(&ctx->ir, vpc_palias, 2 * P->nitems + 1);
    if (P->items[0].negated) {
        vpc_error(ctx, P->items[0].span, "a pattern cannot begin with a NOT item");
        P->ok = false;
        return;
    }
    /* bindings first: every aliased term, and the terms bare names may read */
    uint32_t step = 0, from = first_completer(P);
    int32_t *slot = VPC_NEW_N(&ctx->ir, int32_t, 2 * P->nitems + 2);
    plan->completers = VPC_NEW_N(&ctx->ir, int32_t, 2 * P->nitems + 1);
    for (uint32_t i = 0; i < P->nitems; i++) {
        raw_item *it = &P->items[i];
        for (uint32_t k = 0; k < it->nterms; k++) {
            vpc_step *s = it->terms[k];
            bool completes = !it->negated && i >= from;
            slot[2 * i + k] = -1;
            if (it->negated) {
                if (s->alias) vpc_error(ctx, s->alias_span, "a NOT item binds no event: remove 'as %s'",
                                        s->alias->name);
                if (it->quant != VPC_PQ_ONE) vpc_error(ctx, s->span, "a NOT item cannot repeat");
                continue;
            }
            if (s->alias || completes)
                slot[2 * i + k] = add_alias(P, s, step, it->quant == VPC_PQ_PLUS || it->quant == VPC_PQ_STAR);
            if (completes && slot[2 * i + k] >= 0) plan->completers[plan->ncompleters++] = slot[2 * i + k];
        }
        step += !it->negated;
    }
    plan->completing = plan->ncompleters == 1 ? plan->completers[0] : -1;
    /* then the steps and their predicates, in order */
    vpc_pterm gap[MAX_ITEMS];
    uint32_t ngap = 0;
    for (uint32_t i = 0; i < P->nitems; i++) {
        raw_item *it = &P->items[i];
        uint32_t sidx = plan->nsteps;
        if (it->negated) {
            vpc_pterm *t = &gap[ngap++];
            memset(t, 0, sizeof *t);
            t->alias = -1;
            check_term(P, t, it->terms[0], sidx, false, false);
            continue;
        }
        vpc_pstep *ps = &plan->steps[plan->nsteps++];
        ps->kind = it->kind;
        ps->quant = it->quant;
        ps->nterms = it->nterms;
        ps->terms = VPC_NEW_N(&ctx->ir, vpc_pterm, it->nterms);
        bool kleene = it->quant == VPC_PQ_PLUS || it->quant == VPC_PQ_STAR;
        for (uint32_t k = 0; k < it->nterms; k++) {
            ps->terms[k].alias = slot[2 * i + k];
            check_term(P, &ps->terms[k], it->terms[k], sidx, kleene, sidx == 0);
            if (!ps->terms[k].nchain) continue;
            if (plan->exhaustive >= 0) {
                vpc_error(ctx, ps->terms[k].chain[0]->span,
                          "only one Kleene step of a pattern can have a chain predicate (on its own alias)");
                P->ok = false;
            }
            ps->exhaustive = true;
            plan->exhaustive = (int32_t)sidx;
        }
        ps->nots = VPC_NEW_N(&ctx->ir, vpc_pterm, ngap ? ngap : 1);
        memcpy(ps->nots, gap, ngap * sizeof *gap);
        ps->nnots = ngap;
        ngap = 0;
    }
    plan->trailing = VPC_NEW_N(&ctx->ir, vpc_pterm, ngap ? ngap : 1);
    memcpy(plan->trailing, gap, ngap * sizeof *gap);
    plan->ntrailing = ngap;
    /* after a repeated, optional, AND or OR step too: the run waits for its
     * deadline from the moment it could complete (emit_pattern.c) */
    if (ngap && plan->within < 0) {
        vpc_error(ctx, P->items[P->nitems - 1].span, "a trailing NOT needs within");
        P->ok = false;
    }
    plan->nots = VPC_NEW_N(&ctx->ir, vpc_pterm, P->nnots ? P->nnots : 1);
    for (uint32_t i = 0; i < P->nnots; i++) {
        plan->nots[i].alias = -1;
        check_term(P, &plan->nots[i], P->nots[i], plan->nsteps, false, false);
    }
    plan->nnots = P->nnots;
}

/* The filters and observers before the first step, up to the last
 * observer, become operators on the first step's rows (plan->observe).
 * The filters are checked already, as conditions of the first step. */
static void build_observers(pbuild *P)
{
    vpc_checker *C = P->C;
    vpc_pplan *plan = P->plan;
    if (!P->observes) return;
    vpc_pterm *first = &plan->steps[0].terms[0];
    vpc_sym *alias = first->alias >= 0 ? plan->aliases[first->alias].name : NULL;
    bool kleene = plan->steps[0].quant != VPC_PQ_ONE;
    vpc_sbuilder *B = VPC_NEW(&C->ctx->ir, vpc_sbuilder);
    B->C = C;
    B->st = P->B->st;
    B->row = first->row;
    B->row_what = first->row->event ? "the first step's event" : "the first step's row";
    B->alias = kleene ? NULL : alias; /* `a.f` is the event's own field */
    uint32_t last = P->nbefore;
    while (!is_observer(P->before[last - 1]->op->name)) last--;
    for (uint32_t i = 0; i < last; i++) {
        vpc_link *l = P->before[i];
        if (!is_filter(l->op->name)) {
            vpc_check_link(B, l);
            continue;
        }
        if (kleene && alias && mentions(l->args[0].value, alias)) {
            vpc_error(C->ctx, l->args[0].value->span, "a filter before .%s() cannot read the repeating step's "
                      "alias '%s' (its previous event)", P->before[last - 1]->op->name, alias->name);
            P->ok = false;
            continue;
        }
        vpc_opnode *op = vpc_check_add_op(B, VPC_OPK_WHERE, l);
        if (op) op->cond = l->args[0].value;
    }
    plan->observe = VPC_NEW_N(&C->ctx->ir, vpc_opnode, B->nops ? B->nops : 1);
    memcpy(plan->observe, B->ops, B->nops * sizeof *B->ops);
    plan->nobserve = B->nops;
}

/* ---- partitions ---- */

static void explicit_partition(pbuild *P)
{
    vpc_stream *st = P->B->st;
    vpc_pplan *plan = P->plan;
    plan->partitioned = true;
    plan->pfield = VPC_NEW_N(&P->C->ctx->ir, int32_t, st->ninputs + 1);
    vpc_sym *f = P->partition->u.name;
    for (uint32_t k = 0; k < st->ninputs; k++) {
        int i = vpc_row_field(P->C, st->inputs[k].row, f, P->partition->span);
        if (i < 0) {
            vpc_error(P->C->ctx, P->partition->span, "partition field '%s' is not a field of '%s'", f->name,
                      st->inputs[k].alias->name);
            P->ok = false;
        }
        plan->pfield[k] = i;
    }
}

/* `x == a.y` (either order) with a the first step's binding and x not
 * reading any binding: the candidate side, and y in *field. */
static vpc_expr *key_side(pbuild *P, vpc_expr *c, uint32_t *field)
{
    if (c->kind != VPC_E_BINARY || c->u.binary.op != VPC_OP_EQ) return NULL;
    vpc_expr *sides[2] = {c->u.binary.lhs, c->u.binary.rhs};
    for (int k = 0; k < 2; k++) {
        vpc_einfo *bi = sides[k]->sema;
        vpc_einfo *oi = sides[1 - k]->sema;
        if (!bi || bi->ref != VPC_REF_BINDING || bi->alias != 0 || sides[k]->kind != VPC_E_MEMBER) continue;
        if (!oi || oi->ref != VPC_REF_FIELD || sides[1 - k]->kind != VPC_E_NAME) continue;
        *field = bi->field;
        return sides[1 - k];
    }
    return NULL;
}

/* Finds t's key conjunct. Every term of one input must read the same
 * field as key (ikey[input], -1 until known): an event is looked up once. */
static bool term_key(pbuild *P, vpc_pterm *t, bool *have, uint32_t *field, int32_t *ikey)
{
    for (uint32_t i = 0; i < t->nconds; i++) {
        uint32_t f;
        vpc_expr *x = key_side(P, t->conds[i], &f);
        if (!x || (*have && f != *field)) continue;
        int32_t xf = (int32_t)((vpc_einfo *)x->sema)->field;
        if (ikey[t->input] >= 0 && ikey[t->input] != xf) continue;
        ikey[t->input] = xf;
        *have = true;
        *field = f;
        t->key = x;
        return true;
    }
    return false;
}

/* Without .partition_by: when every later term and every negation requires
 * `x == first.y` for one field y, runs are indexed by first.y and an event
 * visits only the runs of its x (the result is the same: the others cannot
 * match it or be killed by it). */
static void extract_key(pbuild *P)
{
    vpc_pplan *plan = P->plan;
    vpc_pstep *s0 = &plan->steps[0];
    if (plan->nsteps < 2 || s0->kind != VPC_PS_TERM || s0->quant != VPC_PQ_ONE || s0->terms[0].alias != 0 ||
        !plan->aliases[0].name)
        return;
    bool have = false;
    uint32_t field = 0;
    int32_t *ikey = VPC_NEW_N(&P->C->ctx->ir, int32_t, P->B->st->ninputs + 1);
    for (uint32_t k = 0; k < P->B->st->ninputs; k++) ikey[k] = -1;
    for (uint32_t i = 0; i < plan->nsteps; i++) {
        vpc_pstep *s = &plan->steps[i];
        for (uint32_t k = 0; i > 0 && k < s->nterms; k++)
            if (!term_key(P, &s->terms[k], &have, &field, ikey)) return;
        for (uint32_t k = 0; k < s->nnots; k++)
            if (!term_key(P, &s->nots[k], &have, &field, ikey)) return;
    }
    for (uint32_t k = 0; k < plan->ntrailing; k++)
        if (!term_key(P, &plan->trailing[k], &have, &field, ikey)) return;
    for (uint32_t k = 0; k < plan->nnots; k++)
        if (!term_key(P, &plan->nots[k], &have, &field, ikey)) return;
    plan->keyed = have;
    plan->key_field = field;
}

/* ---- the match row ---- */

static vpc_rfield *match_field(vpc_checker *C, vpc_row *m, const char *name, vpc_ty ty, vpc_span at)
{
    vpc_sym *s = vpc_intern(&C->ctx->syms, name, strlen(name));
    for (uint32_t i = 0; i < m->nfields; i++)
        if (m->fields[i].name == s) return &m->fields[i];
    return vpc_row_add(C, m, s, ty == VPC_TY_NULL ? VPC_TY_DYN : ty, at);
}

/* `alias_field` for field fi of binding a. */
static int binding_field(vpc_checker *C, vpc_pplan *plan, uint32_t a, uint32_t fi)
{
    vpc_palias *al = &plan->aliases[a];
    vpc_rfield *src = &al->row->fields[fi];
    vpc_buf nb = {0};
    if (al->name) vpc_buf_printf(&nb, "%s_%s", al->name->name, src->name->name);
    else vpc_buf_printf(&nb, "__%s", src->name->name);
    vpc_rfield *f = match_field(C, plan->match, vpc_buf_cstr(&nb), src->ty, src->span);
    vpc_buf_free(&nb);
    f->qualified = !al->name; /* bare names of the completing event are not passed on */
    f->part = (int32_t)a;
    f->pfield = fi;
    return (int)(f - plan->match->fields);
}

static void build_match_row(pbuild *P)
{
    vpc_checker *C = P->C;
    vpc_pplan *plan = P->plan;
    vpc_buf nb = {0};
    vpc_buf_printf(&nb, "row_%s_match", P->B->st->name->name);
    plan->match = vpc_check_new_row(C, vpc_arena_strdup(&C->ctx->ir, nb.p, nb.n), P->B->st->decl->span);
    vpc_buf_free(&nb);
    plan->match->pattern = plan;
    for (uint32_t a = 0; a < plan->naliases; a++) {
        vpc_palias *al = &plan->aliases[a];
        al->field0 = plan->match->nfields;
        if (!al->name || !al->row) continue;
        for (uint32_t i = 0; i < al->row->nfields; i++) binding_field(C, plan, a, i);
    }
}

static bool has_pattern_arg(const vpc_stream_body *body)
{
    for (uint32_t i = 0; i < body->nlinks; i++)
        if (pattern_arg(&body->links[i])) return true;
    return false;
}

bool vpc_check_is_pattern(vpc_checker *C, vpc_stream *st)
{
    vpc_stream_body *body = &st->decl->u.stream.body;
    vpc_source_expr *src = body->source;
    if (src->kind == VPC_SRC_SEQUENCE || has_pattern_arg(body)) return true;
    if (src->kind != VPC_SRC_NAME) return false;
    if (src->all || vpc_check_lookup(C, src->name, VPC_D_PATTERN)) return true;
    for (uint32_t i = 0; i < body->nlinks; i++)
        if (body->links[i].kind == VPC_L_STEP) return true;
    return false;
}

bool vpc_check_pattern(vpc_sbuilder *B, vpc_stream_body *chain)
{
    vpc_checker *C = B->C;
    vpc_stream *st = B->st;
    vpc_source_expr *src = st->decl->u.stream.body.source;
    pbuild *P = VPC_NEW(&C->ctx->ir, pbuild);
    P->B = B;
    P->C = C;
    P->ok = true;
    P->plan = VPC_NEW(&C->ctx->ir, vpc_pplan);
    P->plan->within = -1;
    P->plan->exhaustive = -1;
    P->plan->max_runs = C->prog->max_runs;
    vpc_decl *named = src->kind == VPC_SRC_NAME ? vpc_check_lookup(C, src->name, VPC_D_PATTERN) : NULL;
    if (has_pattern_arg(chain)) {
        gather_dot_pattern(P, src, chain);
    } else if (named) {
        if (src->alias) vpc_error(C->ctx, src->alias_span, "a named pattern takes no alias");
        gather_named(P, named, chain);
    } else {
        gather_chain(P, src, chain);
    }
    if (P->ok && !P->nitems) vpc_error(C->ctx, src->span, "a pattern needs at least one step");
    if (!P->ok || !P->nitems) return false;
    build_steps(P);
    if (P->ok) build_observers(P);
    if (!P->ok) return false;
    if (P->partition) explicit_partition(P);
    else extract_key(P);
    if (!P->ok) return false;
    build_match_row(P);
    st->pat = P->plan;
    st->src_kind = VPC_SK_MULTI;
    B->row = P->plan->match;
    B->alias = NULL;
    B->row_what = vpc_check_stream_what(C, st);
    return true;
}

/* ---- names (called from check_expr.c) ---- */

/* Field fi of a binding is read by an expression: runs keep it. */
static void mark_read(vpc_checker *C, vpc_palias *al, uint32_t fi)
{
    if (!al->row || al->row->implicit) return; /* implicit rows grow: kept whole */
    if (!al->read) al->read = VPC_NEW_N(&C->ctx->ir, bool, al->row->nfields);
    al->read[fi] = true;
}

void vpc_check_match_read(vpc_checker *C, vpc_pplan *plan, uint32_t mfield)
{
    vpc_rfield *f = &plan->match->fields[mfield];
    if (f->part >= 0) mark_read(C, &plan->aliases[f->part], f->pfield);
    if (f->part != VPC_PART_LAST) return;
    const vpc_pbare *b = &plan->bares[f->pfield];
    for (uint32_t c = 0; c < plan->ncompleters; c++)
        if (b->field[c] >= 0) mark_read(C, &plan->aliases[plan->completers[c]], (uint32_t)b->field[c]);
}

static int32_t alias_slot(const vpc_pplan *plan, const vpc_sym *name)
{
    for (uint32_t i = 0; i < plan->naliases; i++)
        if (plan->aliases[i].name == name) return (int32_t)i;
    return -1;
}

bool vpc_check_binding_member(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty)
{
    vpc_expr *obj = e->u.member.obj;
    if (!S->pat || obj->kind != VPC_E_NAME) return false;
    int32_t a = alias_slot(S->pat, obj->u.name);
    if (a < 0) return false;
    vpc_palias *al = &S->pat->aliases[a];
    vpc_einfo *info = vpc_einfo_of(C, e);
    *ty = info->ty = VPC_TY_DYN;
    bool visible = al->step < S->pat_step || a == S->pat_self;
    if (!visible || !al->row) {
        vpc_error(C->ctx, obj->span, "alias '%s' is bound by a later step", obj->u.name->name);
        return true;
    }
    int fi = vpc_row_field(C, al->row, e->u.member.name, e->u.member.name_span);
    if (fi < 0) {
        vpc_error(C->ctx, e->u.member.name_span, "unknown field '%s' on '%s' (alias '%s')", e->u.member.name->name,
                  al->row->event ? al->row->event->name : al->row->cname, al->name->name);
        return true;
    }
    info->ref = VPC_REF_BINDING;
    info->alias = (uint32_t)a;
    info->field = (uint32_t)fi;
    mark_read(C, al, (uint32_t)fi);
    *ty = info->ty = al->row->fields[fi].ty;
    return true;
}

bool vpc_check_match_member(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty)
{
    vpc_expr *obj = e->u.member.obj;
    if (!S->row || !S->row->pattern || obj->kind != VPC_E_NAME) return false;
    vpc_pplan *plan = S->row->pattern;
    int32_t a = alias_slot(plan, obj->u.name);
    if (a < 0) return false;
    vpc_palias *al = &plan->aliases[a];
    vpc_einfo *info = vpc_einfo_of(C, e);
    int fi = al->row ? vpc_row_field(C, al->row, e->u.member.name, e->u.member.name_span) : -1;
    if (fi < 0) {
        vpc_error(C->ctx, e->u.member.name_span, "unknown field '%s' on alias '%s'", e->u.member.name->name,
                  al->name->name);
        return *ty = info->ty = VPC_TY_DYN, true;
    }
    info->ref = VPC_REF_FIELD;
    info->field = (uint32_t)binding_field(C, plan, (uint32_t)a, (uint32_t)fi);
    mark_read(C, al, (uint32_t)fi);
    *ty = info->ty = plan->match->fields[info->field].ty;
    return true;
}

/* The type a bare name has when completers differ: ints widen to float,
 * other mixes are dynamic. */
static vpc_ty unify(vpc_ty a, vpc_ty b)
{
    if (a == b) return a;
    if ((a == VPC_TY_INT && b == VPC_TY_FLOAT) || (a == VPC_TY_FLOAT && b == VPC_TY_INT)) return VPC_TY_FLOAT;
    return VPC_TY_DYN;
}

static vpc_pbare *bare_of(vpc_pplan *plan, uint32_t mfield)
{
    for (uint32_t i = 0; i < plan->nbares; i++)
        if (plan->bares[i].mfield == mfield) return &plan->bares[i];
    return NULL;
}

/* A bare name of a match row several aliases may complete: `__name`, read
 * from the alias that took the run's last event (null when it has no such
 * field). */
static bool bare_field(vpc_checker *C, vpc_pplan *plan, vpc_expr *e, vpc_ty *ty)
{
    int32_t *field = VPC_NEW_N(&C->ctx->ir, int32_t, plan->ncompleters);
    vpc_ty t = VPC_TY_NULL;
    bool any = false;
    for (uint32_t c = 0; c < plan->ncompleters; c++) {
        vpc_palias *al = &plan->aliases[plan->completers[c]];
        field[c] = al->row ? vpc_row_field(C, al->row, e->u.name, e->span) : -1;
        if (field[c] < 0) continue;
        vpc_ty ft = al->row->fields[field[c]].ty;
        t = any ? unify(t, ft) : ft;
        any = true;
    }
    if (!any) return false;
    vpc_buf nb = {0};
    vpc_buf_printf(&nb, "__%s", e->u.name->name);
    vpc_rfield *f = match_field(C, plan->match, vpc_buf_cstr(&nb), t, e->span);
    vpc_buf_free(&nb);
    uint32_t mf = (uint32_t)(f - plan->match->fields);
    if (!bare_of(plan, mf)) {
        if (plan->nbares == plan->capbares) {
            plan->capbares = plan->capbares ? plan->capbares * 2 : 4;
            vpc_pbare *n = VPC_NEW_N(&C->ctx->ir, vpc_pbare, plan->capbares);
            if (plan->nbares) memcpy(n, plan->bares, plan->nbares * sizeof *n);
            plan->bares = n;
        }
        plan->bares[plan->nbares++] = (vpc_pbare){field, mf};
        f->qualified = true;
        f->part = VPC_PART_LAST;
        f->pfield = plan->nbares - 1;
    }
    vpc_check_match_read(C, plan, mf);
    vpc_einfo *info = vpc_einfo_of(C, e);
    info->ref = VPC_REF_FIELD;
    info->field = mf;
    *ty = info->ty = f->ty;
    return true;
}

/* The last binding whose declared row has field `name`, or NULL. */
static const vpc_palias *alias_with_field(const vpc_pplan *plan, const vpc_sym *name)
{
    for (uint32_t a = plan->naliases; a-- > 0;) {
        const vpc_row *row = plan->aliases[a].row;
        for (uint32_t i = 0; row && !row->implicit && i < row->nfields; i++)
            if (row->fields[i].name == name) return &plan->aliases[a];
    }
    return NULL;
}

bool vpc_check_match_name(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty)
{
    vpc_pplan *plan = S->row ? S->row->pattern : NULL;
    if (plan && plan->ncompleters > 1) return bare_field(C, plan, e, ty);
    const vpc_palias *named = plan && plan->ntrailing ? alias_with_field(plan, e->u.name) : NULL;
    if (named) {
        vpc_error(C->ctx, e->span, "bare name '%s': a match confirmed by a trailing NOT has no completing event; "
                  "name a binding (%s.%s)", e->u.name->name, named->name ? named->name->name : "alias",
                  e->u.name->name);
        vpc_einfo_of(C, e)->ty = VPC_TY_DYN;
        return *ty = VPC_TY_DYN, true;
    }
    if (!plan || plan->completing < 0) return false;
    vpc_palias *al = &plan->aliases[plan->completing];
    if (!al->row) return false;
    int fi = vpc_row_field(C, al->row, e->u.name, e->span);
    if (fi < 0) return false;
    vpc_einfo *info = vpc_einfo_of(C, e);
    info->ref = VPC_REF_FIELD;
    info->field = (uint32_t)binding_field(C, plan, (uint32_t)plan->completing, (uint32_t)fi);
    mark_read(C, al, (uint32_t)fi);
    *ty = info->ty = plan->match->fields[info->field].ty;
    return true;
}

/* len(k), count(k), sum/avg/min/max/first/last(k.f) on a match row. */
bool vpc_check_match_call(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty)
{
    vpc_pplan *plan = S->row ? S->row->pattern : NULL;
    vpc_expr *callee = e->u.call.callee;
    if (!plan || callee->kind != VPC_E_NAME || e->u.call.nargs != 1) return false;
    static const struct { const char *name; vpc_aggfn fn; bool field; } fns[] = {
        {"len", VPC_AGG_COUNT, false}, {"count", VPC_AGG_COUNT, false}, {"sum", VPC_AGG_SUM, true},
        {"avg", VPC_AGG_AVG, true},    {"min", VPC_AGG_MIN, true},      {"max", VPC_AGG_MAX, true},
        {"first", VPC_AGG_FIRST, true}, {"last", VPC_AGG_LAST, true},
    };
    int which = -1;
    for (int i = 0; i < (int)(sizeof fns / sizeof fns[0]); i++)
        if (vpc_sym_is(callee->u.name, fns[i].name)) which = i;
    if (which < 0) return false;
    vpc_expr *arg = e->u.call.args[0].value;
    vpc_expr *aname = fns[which].field ? (arg->kind == VPC_E_MEMBER ? arg->u.member.obj : NULL) : arg;
    if (!aname || aname->kind != VPC_E_NAME) return false;
    int32_t a = alias_slot(plan, aname->u.name);
    if (a < 0) return false;
    vpc_palias *al = &plan->aliases[a];
    int fi = 0;
    if (fns[which].field) {
        fi = al->row ? vpc_row_field(C, al->row, arg->u.member.name, arg->u.member.name_span) : -1;
        if (fi < 0) {
            vpc_error(C->ctx, arg->u.member.name_span, "unknown field '%s' on alias '%s'",
                      arg->u.member.name->name, al->name->name);
            return *ty = VPC_TY_DYN, true;
        }
    }
    if (fns[which].field) mark_read(C, al, (uint32_t)fi); /* kept per run from the binding */
    vpc_ty rt = VPC_TY_FLOAT;
    if (fns[which].fn == VPC_AGG_COUNT) rt = VPC_TY_INT;
    if (fns[which].fn == VPC_AGG_FIRST || fns[which].fn == VPC_AGG_LAST) rt = al->row->fields[fi].ty;
    vpc_buf nb = {0};
    vpc_buf_printf(&nb, "__%s_%s", fns[which].name, al->name->name);
    if (fns[which].field) vpc_buf_printf(&nb, "_%s", al->row->fields[fi].name->name);
    uint32_t before = plan->match->nfields;
    vpc_rfield *f = match_field(C, plan->match, vpc_buf_cstr(&nb), rt, e->span);
    vpc_buf_free(&nb);
    f->qualified = true;
    f->part = -1;
    uint32_t mf = (uint32_t)(f - plan->match->fields);
    if (plan->match->nfields > before) {
        if (plan->naggs == plan->capaggs) {
            plan->capaggs = plan->capaggs ? plan->capaggs * 2 : 4;
            vpc_pagg *n = VPC_NEW_N(&C->ctx->ir, vpc_pagg, plan->capaggs);
            if (plan->naggs) memcpy(n, plan->aggs, plan->naggs * sizeof *n);
            plan->aggs = n;
        }
        plan->aggs[plan->naggs++] = (vpc_pagg){fns[which].fn, (uint32_t)a, (uint32_t)fi, mf};
    }
    vpc_einfo *info = vpc_einfo_of(C, e);
    info->ref = VPC_REF_FIELD;
    info->field = mf;
    *ty = info->ty = f->ty;
    return true;
}
