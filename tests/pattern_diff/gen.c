/* gen.c — random pattern programs and inputs for the pattern differential
 * test, written as VPL and JSON Lines.
 *
 * The simplest program is a two-step chain without Kleene steps; each
 * feature family (pd.h) adds one kind of construct. The generator avoids
 * combinations LANGUAGE.md leaves open (each avoided one says why), so that
 * every program has one right answer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pd.h"

/* ---- random numbers (splitmix64: the same sequence everywhere) ---- */

uint64_t rng_state;
static uint64_t rnd64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
int64_t rnd(int64_t n) { return (int64_t)(rnd64() % (uint64_t)n); }
int64_t rnd_in(int64_t lo, int64_t hi) { return lo + rnd(hi - lo + 1); }
bool chance(int percent) { return rnd(100) < percent; }

/* ---- values ---- */

val v_int(int64_t i) { return (val){.tag = V_INT, .i = i}; }
val v_flt(double f) { return (val){.tag = V_FLT, .f = f}; }
val v_null(void) { return (val){.tag = V_NULL}; }
bool is_num(val v) { return v.tag == V_INT || v.tag == V_FLT; }
double num(val v) { return v.tag == V_INT ? (double)v.i : v.f; }

void v_print(FILE *f, val v)
{
    switch (v.tag) {
    case V_MISSING: fputs("<missing>", f); break;
    case V_UNBOUND:
    case V_NULL: fputs("null", f); break;
    case V_INT: fprintf(f, "%lld", (long long)v.i); break;
    case V_BOOL: fputs(v.i ? "true" : "false", f); break;
    case V_FLT: {
        char b[40];
        if (v.f == floor(v.f) && fabs(v.f) < 1e16) {
            fprintf(f, "%.1f", v.f);
            break;
        }
        for (int p = 1; p <= 17; p++) {
            snprintf(b, sizeof b, "%.*g", p, v.f);
            if (strtod(b, NULL) == v.f) break;
        }
        fprintf(f, "%s%s", b, strpbrk(b, ".en") ? "" : ".0");
        break;
    }
    }
}

const char *const type_name[NTYPES] = {"A", "B", "C"};
const char *const field_name[NFIELDS] = {"id", "v"};

const char *const feature_name[NFEATURES] = {
    "steps", "kleene",    "chain", "optional", "within", "not", "notitem",  "trailing", "partition", "where",
    "filter", "agg", "named", "andor",    "ooo",    "implicit", "nulls", "now",     "passthru",
};

bool parse_features(const char *list, bool on[NFEATURES])
{
    bool all = !strcmp(list, "all");
    for (int f = 0; f < NFEATURES; f++) on[f] = all;
    if (all || !strcmp(list, "basic")) return true;
    while (*list) {
        size_t n = strcspn(list, ",");
        int f = 0;
        while (f < NFEATURES && (strlen(feature_name[f]) != n || strncmp(feature_name[f], list, n))) f++;
        if (n && f == NFEATURES) return false;
        if (n) on[f] = true;
        list += n + (list[n] == ',');
    }
    return true;
}

int exhaustive_step(const shape *s)
{
    for (int k = 0; k < s->nsteps; k++)
        for (int c = 0; c < s->steps[k].nconj; c++)
            if (s->steps[k].own[c]) return k;
    return -1;
}

/* ---- expressions ---- */

static int node(shape *s, expr e)
{
    s->pool[s->nexpr] = e;
    return s->nexpr++;
}
static int field(shape *s, int f) { return node(s, (expr){.k = X_FIELD, .field = f}); }
static int alias_field(shape *s, int k, int f) { return node(s, (expr){.k = X_ALIAS, .alias = k, .field = f}); }
static int cmp(shape *s, int l, cmpop op, int r) { return node(s, (expr){.k = X_CMP, .l = l, .op = op, .r = r}); }

static int literal(shape *s, int f)
{
    if (f == F_ID) return node(s, (expr){.k = X_LIT, .lit = v_int(rnd(3))});
    val v = chance(80) ? v_int(rnd(10)) : v_flt((double)rnd(10) + 0.5);
    return node(s, (expr){.k = X_LIT, .lit = v});
}

static cmpop any_op(void) { return (cmpop)rnd(6); }

/* A condition over the candidate's own fields and literals. */
static int own_fields_cond(shape *s)
{
    switch (rnd(5)) {
    case 0: return cmp(s, field(s, F_ID), chance(50) ? OP_EQ : OP_NE, literal(s, F_ID));
    case 1: {
        int l = cmp(s, field(s, F_V), OP_GT, literal(s, F_V));
        return node(s, (expr){.k = X_OR, .l = l, .r = cmp(s, field(s, F_ID), OP_EQ, literal(s, F_ID))});
    }
    case 2: return node(s, (expr){.k = X_NOT, .l = cmp(s, field(s, F_V), OP_EQ, literal(s, F_V))});
    default: return cmp(s, field(s, F_V), any_op(), literal(s, F_V));
    }
}

/* Steps an expression may read: an earlier step with an alias, never the
 * exhaustive one (which of its subsequences would be meant is open). */
static int pick_alias(const shape *s, int before, int exh)
{
    int ks[MAX_STEPS], n = 0;
    for (int k = 0; k < before && k < s->nsteps; k++)
        if (s->steps[k].alias && k != exh) ks[n++] = k;
    return n ? ks[rnd(n)] : -1;
}

/* A condition on a candidate that may read the aliases of steps < before. */
static int cond(shape *s, int before, int exh)
{
    int k = pick_alias(s, before, exh);
    if (k < 0 || chance(30)) return own_fields_cond(s);
    if (chance(45)) return cmp(s, field(s, F_ID), chance(75) ? OP_EQ : OP_NE, alias_field(s, k, F_ID));
    return cmp(s, field(s, F_V), any_op(), alias_field(s, k, F_V));
}

/* ---- shapes ---- */

static bool optional_q(quant q) { return q == Q_STAR || q == Q_OPT; }
static bool kleene_q(quant q) { return q == Q_PLUS || q == Q_STAR; }

static int pick_type(const int *types, int ntypes) { return types[rnd(ntypes)]; }

static negation gen_negation(shape *s, const int *types, int ntypes, int before, int exh)
{
    negation n = {.type = chance(80) ? pick_type(types, ntypes) : (int)rnd(NTYPES), .cond = -1};
    if (chance(80)) n.cond = cond(s, before, exh);
    return n;
}

static void gen_steps(shape *s, const bool on[NFEATURES], const int *types, int ntypes)
{
    s->nsteps = on[FT_STEPS] ? (int)rnd_in(2, 4) : 2;
    for (int k = 0; k < s->nsteps; k++) {
        step *st = &s->steps[k];
        st->type = pick_type(types, ntypes);
        st->alias = k == 0 || !chance(10) ? (char)('a' + k) : 0;
        st->as_first = chance(25);
        if ((on[FT_KLEENE] || on[FT_AGG]) && chance(k == 0 ? 15 : 35)) st->q = Q_PLUS;
        else if (on[FT_OPTIONAL] && s->named && k > 0 && chance(30)) st->q = chance(50) ? Q_STAR : Q_OPT;
    }
    /* a final optional step follows a single-event step: after a Kleene or
     * another optional step, when the final one is "reached" is open */
    int last = s->nsteps - 1;
    if (optional_q(s->steps[last].q) && s->steps[last - 1].q != Q_ONE) s->steps[last].q = Q_ONE;
    /* an exhaustive step: a + step with an alias, followed only by
     * single-event steps (a final optional or Kleene step after it would
     * make the match set of each emission open) */
    int exh = -1;
    if (on[FT_CHAIN] && chance(45)) {
        for (int k = last; k >= 1 && exh < 0; k--) {
            if (s->steps[k].q != Q_PLUS || !s->steps[k].alias) continue;
            bool singles_after = true;
            for (int j = k + 1; j <= last; j++) singles_after &= s->steps[j].q == Q_ONE;
            if (singles_after) exh = k;
        }
        if (exh < 0 && s->steps[last].alias) { /* make the last step one */
            exh = last;
            s->steps[last].q = Q_PLUS;
        }
    }
    for (int k = 0; k < s->nsteps; k++) {
        step *st = &s->steps[k];
        /* the chain form's source takes no where: its filter is .where() */
        int n = k == 0 ? (s->named && chance(35)) : chance(45) ? 0 : chance(75) ? 1 : 2;
        for (int c = 0; c < n; c++) st->conj[st->nconj++] = k == 0 ? own_fields_cond(s) : cond(s, k, exh);
        if (k == exh) {
            int own = cmp(s, field(s, F_V), chance(70) ? (cmpop)rnd_in(OP_LT, OP_GE) : any_op(), alias_field(s, k, F_V));
            int at = (int)rnd(st->nconj + 1); /* anywhere among the conjuncts */
            for (int c = st->nconj; c > at; c--) {
                st->conj[c] = st->conj[c - 1];
                st->own[c] = st->own[c - 1];
            }
            st->conj[at] = own;
            st->own[at] = true;
            st->nconj++;
        }
    }
    /* NOT items in gaps between two single-event or Kleene steps: next to
     * an optional step, which gap a run is in is open */
    if (on[FT_NOTITEM] && s->named && !s->arrows) {
        for (int k = 1; k < s->nsteps; k++) {
            if (optional_q(s->steps[k - 1].q) || optional_q(s->steps[k].q) || !chance(25)) continue;
            s->steps[k].nots[s->steps[k].nnot++] = gen_negation(s, types, ntypes, k, exh);
        }
    }
    /* a trailing NOT, after any kind of step: a Kleene or optional last
     * step is then no longer final (docs/patterns.md) */
    if (on[FT_TRAILING] && s->named && !s->arrows && chance(30)) {
        s->ntrail = chance(80) ? 1 : 2;
        for (int q = 0; q < s->ntrail; q++) s->trail[q] = gen_negation(s, types, ntypes, s->nsteps, exh);
    }
    if (on[FT_NOT] && !s->ntrail && chance(25)) {
        s->nneg = chance(80) ? 1 : 2;
        for (int q = 0; q < s->nneg; q++) s->neg[q] = gen_negation(s, types, ntypes, s->nsteps, exh);
    }
    if (!s->named && on[FT_FILTER] && chance(35)) s->first_filter = own_fields_cond(s);
}

static void gen_operands(shape *s, const bool on[NFEATURES], const int *types)
{
    s->kind = (pkind)rnd_in(K_AND, K_XOR);
    s->nsteps = 2;
    for (int k = 0; k < 2; k++) {
        step *st = &s->steps[k];
        st->type = types[k];
        st->alias = (char)('a' + k);
        st->as_first = chance(25);
        if (chance(40)) st->conj[st->nconj++] = own_fields_cond(s);
    }
    /* `A OR B and not C` would read as `A OR (B and not C)` */
    if (on[FT_NOT] && s->kind == K_AND && chance(35)) {
        s->nneg = 1;
        s->neg[0] = gen_negation(s, types, 3, 2, -1);
    }
}

/* Names the match rows may carry; unbound ones read null. */
static bool mandatory(const shape *s, int k) { return s->kind == K_SEQ && !optional_q(s->steps[k].q); }

static void add_emit(shape *s, const char *name, emitk k, int x, int alias)
{
    for (int q = 0; q < s->nemit; q++)
        if (!strcmp(s->emit[q].name, name)) return;
    emit_item *it = &s->emit[s->nemit++];
    snprintf(it->name, sizeof it->name, "%s", name);
    it->k = k;
    it->x = x;
    it->alias = alias;
}

static void gen_rows(shape *s, const bool on[NFEATURES])
{
    /* bare names read the completing event; a trailing-NOT match completes
     * at t0 + W, with no such event */
    bool bare_ok = !s->ntrail;
    int named[MAX_STEPS], nn = 0, kl[MAX_STEPS], nk = 0;
    for (int k = 0; k < s->nsteps; k++) {
        if (!s->steps[k].alias) continue;
        named[nn++] = k;
        if (s->kind == K_SEQ && kleene_q(s->steps[k].q)) kl[nk++] = k;
    }
    if (on[FT_WHERE] && chance(25)) {
        int a = named[rnd(nn)], b = named[rnd(nn)];
        while (nn > 1 && b == a) b = named[rnd(nn)];
        int r = (int)rnd(4);
        if (r == 0 && nk && on[FT_AGG]) {
            int l = node(s, (expr){.k = X_LEN, .alias = kl[rnd(nk)]});
            s->post_where = cmp(s, l, (cmpop)rnd_in(OP_LT, OP_GE), node(s, (expr){.k = X_LIT, .lit = v_int(rnd_in(1, 2))}));
        } else if (r == 1 && bare_ok) {
            s->post_where = cmp(s, field(s, F_V), (cmpop)rnd_in(OP_LT, OP_GE), alias_field(s, a, F_V));
        } else if (r == 2 && mandatory(s, a) && mandatory(s, b)) {
            s->post_where = cmp(s, alias_field(s, a, F_ID), chance(50) ? OP_EQ : OP_NE, alias_field(s, b, F_ID));
        } else {
            s->post_where = cmp(s, alias_field(s, a, F_V), (cmpop)rnd_in(OP_LT, OP_GE), alias_field(s, b, F_V));
        }
    }
    if (on[FT_PASSTHRU] && s->declared && chance(15)) {
        s->bare_emit = true;
        return;
    }
    int n = (int)rnd_in(1, 5);
    for (int q = 0; q < n && s->nemit < MAX_EMIT - 1; q++) {
        int k = named[rnd(nn)], r = (int)rnd(10);
        char name[16];
        if (r < 2 && bare_ok) {
            int f = (int)rnd(NFIELDS);
            add_emit(s, field_name[f], E_VALUE, field(s, f), 0);
        } else if (r < 5 && nk && on[FT_AGG]) {
            static const char *const agg_name[] = {"sum", "avg", "min", "max", "first", "last"};
            int a = kl[rnd(nk)];
            if (chance(30)) {
                snprintf(name, sizeof name, "%c_len", s->steps[a].alias);
                add_emit(s, name, E_VALUE, node(s, (expr){.k = X_LEN, .alias = a}), 0);
            } else {
                emitk e = (emitk)rnd_in(E_SUM, E_LAST);
                snprintf(name, sizeof name, "%c_%s", s->steps[a].alias, agg_name[e - E_SUM]);
                add_emit(s, name, e, 0, a);
            }
        } else if (r < 6 && on[FT_NOW]) {
            add_emit(s, "at", E_NOW, 0, 0);
        } else {
            int f = (int)rnd(NFIELDS);
            snprintf(name, sizeof name, "%c_%s", s->steps[k].alias, field_name[f]);
            add_emit(s, name, E_VALUE, alias_field(s, k, f), 0);
        }
    }
}

void gen_shape(shape *s, const bool on[NFEATURES])
{
    memset(s, 0, sizeof *s);
    s->first_filter = s->post_where = -1;
    s->declared = !on[FT_IMPLICIT] || chance(75);
    s->v_float = chance(35);
    /* the program's types: two or three of A, B, C */
    int types[NTYPES] = {T_A, T_B, T_C};
    for (int j = NTYPES - 1; j > 0; j--) {
        int r = (int)rnd(j + 1), t = types[j];
        types[j] = types[r];
        types[r] = t;
    }
    int ntypes = chance(50) ? 2 : 3;
    if (on[FT_ANDOR] && chance(25)) {
        s->named = true;
        gen_operands(s, on, types);
    } else {
        s->kind = K_SEQ;
        /* * and ?, NOT items and trailing NOTs exist in named patterns only */
        bool named_only = on[FT_OPTIONAL] || on[FT_NOTITEM] || on[FT_TRAILING];
        s->named = (on[FT_NAMED] || named_only) && chance(named_only && !on[FT_NAMED] ? 80 : 55);
        s->arrows = s->named && chance(20);
        gen_steps(s, on, types, ntypes);
    }
    if (on[FT_WITHIN] && (s->ntrail || chance(60))) s->within = (int64_t[]){1000, 1500, 2000, 3000, 5000}[rnd(5)];
    if (s->ntrail && !s->within) s->ntrail = 0; /* trailing NOT needs within */
    if (s->named && s->nneg) {
        /* `and not E where c` ends only at `and not`, `within`, `partition`
         * or the end: `c` would swallow a following `and not ...`, and a
         * where written after `as` on the last term would swallow the
         * first one */
        if (s->nneg == 2 && s->neg[0].cond >= 0) {
            if (s->neg[1].cond >= 0) s->nneg = 1;
            else {
                negation t = s->neg[0];
                s->neg[0] = s->neg[1];
                s->neg[1] = t;
            }
        }
        step *last = &s->steps[s->nsteps - 1];
        if (!last->alias) last->alias = (char)('a' + s->nsteps - 1);
        last->as_first = false;
    }
    if (on[FT_OOO] && chance(25)) {
        s->watermark = true;
        s->ooo = (int64_t[]){0, 250, 500, 1000}[rnd(4)];
        if (chance(40)) s->late = (int64_t[]){250, 500, 1000}[rnd(3)];
    }
    s->partitioned = on[FT_PARTITION] && chance(30);
    s->ops_early = !s->named && chance(30);
    gen_rows(s, on);
}

/* ---- program text ---- */

void write_expr(FILE *f, const shape *s, int x)
{
    static const char *const op_text[] = {"==", "!=", "<", "<=", ">", ">="};
    const expr *e = &s->pool[x];
    switch (e->k) {
    case X_FIELD: fputs(field_name[e->field], f); break;
    case X_ALIAS: fprintf(f, "%c.%s", s->steps[e->alias].alias, field_name[e->field]); break;
    case X_LIT: v_print(f, e->lit); break;
    case X_LEN: fprintf(f, "len(%c)", s->steps[e->alias].alias); break;
    case X_CMP:
        write_expr(f, s, e->l);
        fprintf(f, " %s ", op_text[e->op]);
        write_expr(f, s, e->r);
        break;
    case X_AND:
    case X_OR:
        fputs(e->k == X_OR ? "(" : "", f);
        write_expr(f, s, e->l);
        fputs(e->k == X_OR ? " or " : " and ", f);
        write_expr(f, s, e->r);
        fputs(e->k == X_OR ? ")" : "", f);
        break;
    case X_NOT:
        fputs("not (", f);
        write_expr(f, s, e->l);
        fputs(")", f);
        break;
    }
}

static void write_dur(FILE *f, int64_t ms)
{
    if (ms % 1000 == 0 && chance(60)) fprintf(f, "%llds", (long long)(ms / 1000));
    else fprintf(f, "%lldms", (long long)ms);
}

static void write_negation(FILE *f, const shape *s, const negation *n)
{
    fputs(type_name[n->type], f);
    if (n->cond < 0) return;
    fputs(" where ", f);
    write_expr(f, s, n->cond);
}

/* `[all ]Name[q] [where c] [as x]`, `as` first sometimes */
static void write_step(FILE *f, const shape *s, const step *st)
{
    static const char *const q_suffix[] = {"", "+", "*", "?"};
    if (!s->named && st->q == Q_PLUS) fputs("all ", f);
    fprintf(f, "%s%s", type_name[st->type], s->named ? q_suffix[st->q] : "");
    if (st->alias && st->as_first) fprintf(f, " as %c", st->alias);
    for (int c = 0; c < st->nconj; c++) {
        fputs(c ? " and " : " where ", f);
        write_expr(f, s, st->conj[c]);
    }
    if (st->alias && !st->as_first) fprintf(f, " as %c", st->alias);
}

static void write_rows(FILE *f, const shape *s)
{
    if (s->watermark) { /* stream-wide, wherever it stands after the steps */
        fputs("    .watermark(out_of_order: ", f);
        write_dur(f, s->ooo);
        fputs(")\n", f);
    }
    if (s->late) {
        fputs("    .allowed_lateness(", f);
        write_dur(f, s->late);
        fputs(")\n", f);
    }
    if (s->post_where >= 0) {
        fputs("    .where(", f);
        write_expr(f, s, s->post_where);
        fputs(")\n", f);
    }
    if (s->bare_emit) {
        fputs("    .emit()\n", f);
        return;
    }
    static const char *const agg_fn[] = {"sum", "avg", "min", "max", "first", "last"};
    fputs("    .emit(", f);
    for (int q = 0; q < s->nemit; q++) {
        const emit_item *it = &s->emit[q];
        fprintf(f, "%s%s: ", q ? ", " : "", it->name);
        if (it->k == E_VALUE) write_expr(f, s, it->x);
        else if (it->k == E_NOW) fputs("now()", f);
        else fprintf(f, "%s(%c.v)", agg_fn[it->k - E_SUM], s->steps[it->alias].alias);
    }
    fputs(")\n", f);
}

static void write_named(FILE *f, const shape *s)
{
    fputs("pattern P = ", f);
    if (s->kind != K_SEQ) {
        static const char *const op[] = {"", " AND ", " OR ", " XOR "};
        write_step(f, s, &s->steps[0]);
        fputs(op[s->kind], f);
        write_step(f, s, &s->steps[1]);
    } else if (s->arrows) {
        for (int k = 0; k < s->nsteps; k++) {
            fputs(k ? " -> " : "", f);
            write_step(f, s, &s->steps[k]);
        }
    } else {
        fputs("SEQ(", f);
        for (int k = 0; k < s->nsteps; k++) {
            for (int q = 0; q < s->steps[k].nnot; q++) {
                fputs(", NOT ", f);
                write_negation(f, s, &s->steps[k].nots[q]);
            }
            fputs(k ? ",\n    " : "", f);
            write_step(f, s, &s->steps[k]);
        }
        for (int q = 0; q < s->ntrail; q++) {
            fputs(", NOT ", f);
            write_negation(f, s, &s->trail[q]);
        }
        fputs(")", f);
    }
    for (int q = 0; q < s->nneg; q++) {
        fputs(" and not ", f);
        write_negation(f, s, &s->neg[q]);
    }
    if (s->within) {
        fputs(" within ", f);
        write_dur(f, s->within);
    }
    if (s->partitioned) fputs(" partition by id", f);
    fputs("\n\nstream M = P\n", f);
}

/* .within, .partition_by and .not apply to the whole pattern wherever they
 * stand in the chain (§5.1) */
static void write_pattern_ops(FILE *f, const shape *s)
{
    if (s->within) {
        fputs("    .within(", f);
        write_dur(f, s->within);
        fputs(")\n", f);
    }
    if (s->partitioned) fputs("    .partition_by(id)\n", f);
    for (int q = 0; q < s->nneg; q++) {
        fputs("    .not(", f);
        write_negation(f, s, &s->neg[q]);
        fputs(")\n", f);
    }
}

static void write_chain(FILE *f, const shape *s)
{
    fputs("stream M = ", f);
    write_step(f, s, &s->steps[0]);
    fputs("\n", f);
    if (s->ops_early) write_pattern_ops(f, s);
    if (s->first_filter >= 0) {
        fputs("    .where(", f);
        write_expr(f, s, s->first_filter);
        fputs(")\n", f);
    }
    for (int k = 1; k < s->nsteps; k++) {
        fputs("    -> ", f);
        write_step(f, s, &s->steps[k]);
        fputs("\n", f);
    }
    if (!s->ops_early) write_pattern_ops(f, s);
}

void write_program(FILE *f, const shape *s)
{
    fputs("# generated by pattern_diff\n", f);
    if (s->declared) {
        for (int t = 0; t < NTYPES; t++)
            fprintf(f, "event %s:\n    id: int?\n    v: %s\n", type_name[t], s->v_float ? "float?" : "int?");
        fputs("\n", f);
    }
    if (s->named) write_named(f, s);
    else write_chain(f, s);
    write_rows(f, s);
}

/* ---- input ---- */

/* reading: vpc skips an input line holding a float in a declared int
 * field (LANGUAGE.md §3 keeps the value), so floats go to float or
 * implicit fields only. */
static val gen_value(const shape *s, const bool on[NFEATURES], int f)
{
    int r = (int)rnd(100);
    if (on[FT_NULLS] && r < 6) return (val){.tag = V_MISSING};
    if (on[FT_NULLS] && r < 11) return v_null();
    if (f == F_ID) return v_int(rnd(3));
    if (on[FT_NULLS] && r < 20 && (!s->declared || s->v_float)) return v_flt((double)rnd(10) + 0.5);
    return v_int(rnd(10));
}

/* Times in steps of 250 ms, so that events land exactly on t0 + W; ties;
 * sometimes back in time. */
int gen_events(const shape *s, const bool on[NFEATURES], event *ev)
{
    int used[MAX_STEPS], nused = 0, cursor = 0;
    for (int k = 0; k < s->nsteps; k++) used[nused++] = s->steps[k].type;
    int n = chance(85) ? (int)rnd_in(6, MAX_EVENTS) : (int)rnd_in(3, 5);
    int64_t t = 1700000000000LL + 250 * rnd(8);
    for (int j = 0; j < n; j++) {
        event *e = &ev[j];
        /* often the next type of the step sequence, so that long patterns
         * match too */
        if (chance(55)) e->type = used[cursor++ % nused];
        else e->type = chance(80) ? used[rnd(nused)] : (int)rnd(NTYPES);
        e->f[F_ID] = gen_value(s, on, F_ID);
        e->f[F_V] = gen_value(s, on, F_V);
        int r = (int)rnd(100);
        if (j == 0 || r < 20) e->ts = t;
        else if (r < 75) e->ts = t += 500 * rnd_in(1, 2);
        else if (r < 85) e->ts = t += 250 * rnd_in(1, 6);
        else if (r < 92 && on[FT_OOO]) e->ts = t - 500 * rnd_in(1, 4);
        else e->ts = t += 1000 * rnd_in(2, 4);
    }
    return n;
}

void write_input(FILE *f, const event *ev, int n)
{
    for (int j = 0; j < n; j++) {
        const event *e = &ev[j];
        fprintf(f, "{\"event_type\":\"%s\"", type_name[e->type]);
        for (int q = 0; q < NFIELDS; q++) {
            if (e->f[q].tag == V_MISSING) continue;
            fprintf(f, ",\"%s\":", field_name[q]);
            v_print(f, e->f[q]);
        }
        fprintf(f, ",\"ts\":%lld}\n", (long long)e->ts);
    }
}
