/* selftest.c — the reference matcher against the hand-written golden cases
 * tests/golden/pattern_*: each case's program is rebuilt here as a shape,
 * its input.jsonl is read, and the reference's rows must equal
 * expected.jsonl. This keeps the oracle honest while vpc cannot run the
 * cases, and the cases honest once it can. */
#include <stdlib.h>
#include <string.h>

#include "pd.h"

/* ---- building shapes by hand ---- */

static shape *S;

static int add(expr e)
{
    S->pool[S->nexpr] = e;
    return S->nexpr++;
}
static int fld(int f) { return add((expr){.k = X_FIELD, .field = f}); }
static int al(int k, int f) { return add((expr){.k = X_ALIAS, .alias = k, .field = f}); }
static int lit(int64_t i) { return add((expr){.k = X_LIT, .lit = v_int(i)}); }
static int len_of(int k) { return add((expr){.k = X_LEN, .alias = k}); }
static int cmpx(int l, cmpop op, int r) { return add((expr){.k = X_CMP, .l = l, .op = op, .r = r}); }

static void begin(shape *s, bool named)
{
    memset(s, 0, sizeof *s);
    S = s;
    s->declared = true;
    s->named = named;
    s->kind = K_SEQ;
    s->first_filter = s->post_where = -1;
}

static step *st(int type, quant q, char alias)
{
    step *p = &S->steps[S->nsteps++];
    p->type = type;
    p->q = q;
    p->alias = alias;
    return p;
}

static void where(step *p, int x, bool own)
{
    p->conj[p->nconj] = x;
    p->own[p->nconj++] = own;
}

static void out(const char *name, int x)
{
    emit_item *it = &S->emit[S->nemit++];
    snprintf(it->name, sizeof it->name, "%s", name);
    it->k = x < 0 ? E_NOW : E_VALUE;
    it->x = x;
}

/* ---- the cases (q.vpl of each folder, as a shape) ---- */

/* A as a -> B as b */
static void overlapping_runs(shape *s)
{
    begin(s, false);
    st(T_A, Q_ONE, 'a');
    st(T_B, Q_ONE, 'b');
    out("a_id", al(0, F_ID));
    out("b_id", al(1, F_ID));
}

/* A as a -> B where v > a.v as b -> C as c */
static void one_event_many_runs(shape *s)
{
    begin(s, false);
    st(T_A, Q_ONE, 'a');
    where(st(T_B, Q_ONE, 'b'), cmpx(fld(F_V), OP_GT, al(0, F_V)), false);
    st(T_C, Q_ONE, 'c');
    out("a_v", al(0, F_V));
    out("b_v", al(1, F_V));
    out("c_id", al(2, F_ID));
}

/* A as f -> all A where v > f.v as u */
static void kleene_all(shape *s)
{
    begin(s, false);
    st(T_A, Q_ONE, 'f');
    where(st(T_A, Q_PLUS, 'u'), cmpx(fld(F_V), OP_GT, al(0, F_V)), false);
    out("f", al(0, F_V));
    out("u", al(1, F_V));
    out("n", len_of(1));
}

/* A as f -> all A where v > u.v as u */
static void chain_exhaustive(shape *s)
{
    begin(s, false);
    st(T_A, Q_ONE, 'f');
    where(st(T_A, Q_PLUS, 'u'), cmpx(fld(F_V), OP_GT, al(1, F_V)), true);
    out("f", al(0, F_V));
    out("u", al(1, F_V));
    out("n", len_of(1));
}

/* SEQ(A as f, A+ where v > f.v as u, A where v > u.v as l) */
static void seq_nongreedy(shape *s)
{
    begin(s, true);
    st(T_A, Q_ONE, 'f');
    where(st(T_A, Q_PLUS, 'u'), cmpx(fld(F_V), OP_GT, al(0, F_V)), false);
    where(st(T_A, Q_ONE, 'l'), cmpx(fld(F_V), OP_GT, al(1, F_V)), false);
    out("f", al(0, F_V));
    out("n", len_of(1));
    out("u", al(1, F_V));
    out("l", al(2, F_V));
}

/* A as a -> B as b .within(2s) */
static void within_boundary(shape *s)
{
    overlapping_runs(s);
    s->within = 2000;
}

/* A as a -> B as b .not(C where id == a.id) .not(B where v == 0) */
static void not_cancelled(shape *s)
{
    overlapping_runs(s);
    s->nneg = 2;
    s->neg[0] = (negation){T_C, cmpx(fld(F_ID), OP_EQ, al(0, F_ID))};
    s->neg[1] = (negation){T_B, cmpx(fld(F_V), OP_EQ, lit(0))};
}

/* SEQ(A as a, NOT B where id == a.id) within 2s */
static void trailing_not(shape *s)
{
    begin(s, true);
    st(T_A, Q_ONE, 'a');
    s->ntrail = 1;
    s->trail[0] = (negation){T_B, cmpx(fld(F_ID), OP_EQ, al(0, F_ID))};
    s->within = 2000;
    out("a_id", al(0, F_ID));
    out("at", -1);
}

/* SEQ(A as a, NOT B where id == a.id) within 2s, .watermark(out_of_order:
 * 1s) .allowed_lateness(500ms) */
static void watermark(shape *s)
{
    trailing_not(s);
    s->watermark = true;
    s->ooo = 1000;
    s->late = 500;
}

/* SEQ(A as a, B+ where id == a.id as b, NOT C where id == a.id) within 3s */
static void trailing_kleene(shape *s)
{
    begin(s, true);
    st(T_A, Q_ONE, 'a');
    where(st(T_B, Q_PLUS, 'b'), cmpx(fld(F_ID), OP_EQ, al(0, F_ID)), false);
    s->ntrail = 1;
    s->trail[0] = (negation){T_C, cmpx(fld(F_ID), OP_EQ, al(0, F_ID))};
    s->within = 3000;
    out("a", al(0, F_ID));
    out("n", len_of(1));
    out("last", al(1, F_V));
    out("at", -1);
}

/* SEQ(A as a, B? as b) */
static void optional_final(shape *s)
{
    begin(s, true);
    st(T_A, Q_ONE, 'a');
    st(T_B, Q_OPT, 'b');
    out("a_id", al(0, F_ID));
    out("b_id", al(1, F_ID));
}

/* A as a -> B as b .within(1s) .partition_by(id) */
static void partition_clock(shape *s)
{
    overlapping_runs(s);
    s->within = 1000;
    s->partitioned = true;
    out("at", -1);
}

static const struct {
    const char *name;
    void (*build)(shape *);
} cases[] = {
    {"overlapping_runs", overlapping_runs}, {"one_event_many_runs", one_event_many_runs},
    {"kleene_all", kleene_all},             {"chain_exhaustive", chain_exhaustive},
    {"seq_nongreedy", seq_nongreedy},       {"within_boundary", within_boundary},
    {"not_cancelled", not_cancelled},       {"trailing_not", trailing_not},
    {"optional_final", optional_final},     {"partition_clock", partition_clock},
    {"watermark", watermark},               {"trailing_kleene", trailing_kleene},
};

/* ---- reading input.jsonl ---- */

static val member(const char *line, const char *name)
{
    char key[16];
    snprintf(key, sizeof key, "\"%s\":", name);
    const char *q = strstr(line, key);
    if (!q) return (val){.tag = V_MISSING};
    q += strlen(key);
    if (!strncmp(q, "null", 4)) return v_null();
    char *end;
    double f = strtod(q, &end);
    if (memchr(q, '.', (size_t)(end - q))) return v_flt(f);
    return v_int(strtoll(q, NULL, 10));
}

static int read_input(const char *path, event *ev)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512];
    int n = 0;
    while (n < MAX_EVENTS && fgets(line, sizeof line, f)) {
        const char *t = strstr(line, "\"event_type\":\"");
        if (!t) continue;
        ev[n].type = t[14] - 'A';
        ev[n].f[F_ID] = member(line, "id");
        ev[n].f[F_V] = member(line, "v");
        ev[n].ts = member(line, "ts").i;
        n++;
    }
    fclose(f);
    return n;
}

int self_test(const char *golden_dir)
{
    static shape s;
    static event ev[MAX_EVENTS];
    static output got, want;
    got.rows = calloc(MAX_OUT, sizeof(outrow));
    want.rows = calloc(MAX_OUT, sizeof(outrow));
    int failed = 0, ncases = (int)(sizeof cases / sizeof cases[0]);
    for (int c = 0; c < ncases; c++) {
        char path[512], err[4200] = "";
        cases[c].build(&s);
        snprintf(path, sizeof path, "%s/pattern_%s/input.jsonl", golden_dir, cases[c].name);
        int n = read_input(path, ev);
        snprintf(path, sizeof path, "%s/pattern_%s/expected.jsonl", golden_dir, cases[c].name);
        if (n < 0 || read_output(path, &want, err, sizeof err) < 0) {
            fprintf(stderr, "FAIL %s: cannot read the case %s\n", cases[c].name, err);
            failed++;
            continue;
        }
        ref_run(&s, ev, n, &got);
        bool same = got.n == want.n;
        for (int j = 0; same && j < got.n; j++) same = same_row(&got.rows[j], &want.rows[j]);
        if (same) continue;
        fprintf(stderr, "FAIL pattern_%s: the reference disagrees with expected.jsonl\n", cases[c].name);
        write_program(stderr, &s);
        fputs("--- rows: '-' expected only, '+' reference only\n", stderr);
        print_diff(stderr, &want, &got);
        failed++;
    }
    printf("pattern_diff --self-test: %d golden cases, %s\n", ncases, failed ? "FAILED" : "the reference agrees");
    free(got.rows);
    free(want.rows);
    return failed ? 1 : 0;
}
