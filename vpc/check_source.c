/* check_source.c — merge() and join() sources (LANGUAGE.md §4.5, §4.6, §11):
 * their inputs, the row the stream receives (merged: the union of the
 * sources' fields; joined: unqualified fields, first source winning, then
 * `Src.field` for every source and field), and the join's key and window. */
#include <string.h>

#include "check.h"

static const char *what_stream(vpc_checker *C, vpc_stream *st) { return vpc_check_stream_what(C, st); }

static vpc_row *new_row(vpc_sbuilder *B, const char *kind, vpc_span at)
{
    vpc_buf nb = {0};
    vpc_buf_printf(&nb, "row_%s_%s", B->st->name->name, kind);
    vpc_row *r = vpc_check_new_row(B->C, vpc_arena_strdup(&B->C->ctx->ir, nb.p, nb.n), at);
    vpc_buf_free(&nb);
    return r;
}

static int field_of(const vpc_row *r, vpc_sym *name, bool qualified)
{
    for (uint32_t i = 0; i < r->nfields; i++)
        if (r->fields[i].name == name && r->fields[i].qualified == qualified) return (int)i;
    return -1;
}

/* The item's source: an event type or a stream, by name. */
static bool item_source(vpc_sbuilder *B, vpc_inline_stream *it, vpc_row **row, vpc_row **ev, vpc_stream **up)
{
    vpc_source_expr *s = it->body.source;
    if (s->kind != VPC_SRC_NAME || s->all || s->call) {
        vpc_error(B->C->ctx, s->span, "only a stream or event type name can be a source here");
        return false;
    }
    if (!vpc_check_source_name(B->C, B->st, s->name, s->name_span, ev, up)) return false;
    *row = *up ? (*up)->out : *ev;
    return true;
}

static vpc_sinput *add_input(vpc_sbuilder *B, vpc_row *row, vpc_row *ev, vpc_stream *up, vpc_span at)
{
    vpc_stream *st = B->st;
    vpc_sinput *n = VPC_NEW_N(&B->C->ctx->ir, vpc_sinput, st->ninputs + 1);
    if (st->ninputs) memcpy(n, st->inputs, st->ninputs * sizeof *n);
    st->inputs = n;
    vpc_sinput *in = &n[st->ninputs++];
    in->row = row;
    in->event = ev;
    in->stream = up;
    in->span = at;
    return in;
}

/* A `.where(c)` / `.filter(c)` of an item: checked on its source's rows. */
static void add_cond(vpc_sbuilder *B, vpc_sinput *in, uint32_t item, vpc_expr *c, vpc_sym *alias)
{
    vpc_scope S = {0};
    S.row = in->row;
    S.row_alias = alias;
    S.row_what = in->stream ? what_stream(B->C, in->stream) : "the source event";
    vpc_check_cond(B->C, &S, c);
    vpc_expr **n = VPC_NEW_N(&B->C->ctx->ir, vpc_expr *, in->nconds[item] + 1);
    if (in->nconds[item]) memcpy(n, in->items[item], in->nconds[item] * sizeof *n);
    n[in->nconds[item]++] = c;
    in->items[item] = n;
}

static uint32_t add_item(vpc_sbuilder *B, vpc_sinput *in)
{
    vpc_ctx *ctx = B->C->ctx;
    vpc_expr ***items = VPC_NEW_N(&ctx->ir, vpc_expr **, in->nitems + 1);
    uint32_t *nconds = VPC_NEW_N(&ctx->ir, uint32_t, in->nitems + 1);
    if (in->nitems) {
        memcpy(items, in->items, in->nitems * sizeof *items);
        memcpy(nconds, in->nconds, in->nitems * sizeof *nconds);
    }
    in->items = items;
    in->nconds = nconds;
    return in->nitems++;
}

static bool is_filter(const vpc_link *l)
{
    return l->kind == VPC_L_OP && (!strcmp(l->op->name, "where") || !strcmp(l->op->name, "filter"));
}

static void finish_row(vpc_sbuilder *B, vpc_row *r)
{
    vpc_stream *st = B->st;
    r->parts = VPC_NEW_N(&B->C->ctx->ir, vpc_row *, st->ninputs);
    r->part_alias = VPC_NEW_N(&B->C->ctx->ir, vpc_sym *, st->ninputs);
    r->nparts = st->ninputs;
    for (uint32_t k = 0; k < st->ninputs; k++) {
        r->parts[k] = st->inputs[k].row;
        r->part_alias[k] = st->inputs[k].alias;
    }
    st->src_kind = VPC_SK_MULTI;
    B->row = r;
    B->row_what = what_stream(B->C, st);
    B->alias = NULL;
}

/* ---- merge ---- */

/* merge(item, ...): one input per distinct source; a row passes when any
 * item of its source holds. */
bool vpc_check_merge(vpc_sbuilder *B, vpc_source_expr *src)
{
    vpc_ctx *ctx = B->C->ctx;
    vpc_stream *st = B->st;
    bool ok = true;
    if (!src->nitems) {
        vpc_error(ctx, src->span, "merge() needs at least one source");
        return false;
    }
    for (uint32_t i = 0; i < src->nitems; i++) {
        vpc_inline_stream *it = src->items[i];
        vpc_row *row, *ev;
        vpc_stream *up;
        if (!item_source(B, it, &row, &ev, &up)) {
            ok = false;
            continue;
        }
        if (it->on) vpc_error(ctx, it->on->span, "'on' belongs in join(), not merge()");
        vpc_sinput *in = NULL;
        for (uint32_t k = 0; k < st->ninputs; k++)
            if (st->inputs[k].row == row && st->inputs[k].event == ev && st->inputs[k].stream == up)
                in = &st->inputs[k];
        if (!in) in = add_input(B, row, ev, up, it->span);
        uint32_t item = add_item(B, in);
        for (uint32_t j = 0; j < it->body.nlinks; j++) {
            vpc_link *l = &it->body.links[j];
            if (!is_filter(l) || l->nargs != 1 || l->args[0].name) {
                vpc_error(ctx, l->kind == VPC_L_OP ? l->op_span : l->span,
                          "only .where() is supported in a merge() item yet");
                continue;
            }
            add_cond(B, in, item, l->args[0].value, it->body.source->alias);
        }
    }
    if (!ok || !st->ninputs) return false;
    vpc_row *r = new_row(B, "merge", src->span);
    bool all_implicit = true;
    for (uint32_t k = 0; k < st->ninputs; k++) all_implicit &= st->inputs[k].row->implicit;
    /* rows of implicit types only: names infer on the merged row and reach
     * the sources at the end (vpc_check_sources_done); pass-through writes
     * each row's own input fields */
    r->implicit = all_implicit;
    for (uint32_t k = 0; k < st->ninputs; k++) {
        vpc_row *pr = st->inputs[k].row;
        for (uint32_t j = 0; j < pr->nfields; j++) {
            vpc_rfield *f = &pr->fields[j];
            int at = field_of(r, f->name, false);
            if (at < 0) {
                vpc_rfield *nf = vpc_row_add(B->C, r, f->name, f->ty, f->span);
                nf->optional = true;
                nf->part = (int32_t)k;
                nf->pfield = j;
            } else if (r->fields[at].ty != f->ty) {
                r->fields[at].ty = VPC_TY_DYN; /* the sources disagree: each row keeps its value */
            }
        }
    }
    finish_row(B, r);
    return true;
}

/* ---- join ---- */

static void collect_and(vpc_expr *e, vpc_expr ***out, uint32_t *n, uint32_t *cap, vpc_ctx *ctx)
{
    if (e->kind == VPC_E_BINARY && e->u.binary.op == VPC_OP_AND) {
        collect_and(e->u.binary.lhs, out, n, cap, ctx);
        collect_and(e->u.binary.rhs, out, n, cap, ctx);
        return;
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        vpc_expr **m = VPC_NEW_N(&ctx->ir, vpc_expr *, *cap);
        if (*n) memcpy(m, *out, *n * sizeof *m);
        *out = m;
    }
    (*out)[(*n)++] = e;
}

/* The inputs an expression names as `Alias.x`: a bit per input. */
static uint32_t sides_of(vpc_stream *st, vpc_expr *e)
{
    if (!e) return 0;
    uint32_t m = 0;
    switch (e->kind) {
    case VPC_E_MEMBER:
        if (e->u.member.obj->kind == VPC_E_NAME) {
            for (uint32_t k = 0; k < st->ninputs; k++)
                if (st->inputs[k].alias == e->u.member.obj->u.name) return 1u << k;
        }
        return sides_of(st, e->u.member.obj);
    case VPC_E_BINARY: return sides_of(st, e->u.binary.lhs) | sides_of(st, e->u.binary.rhs);
    case VPC_E_UNARY: return sides_of(st, e->u.unary.operand);
    case VPC_E_CALL:
        for (uint32_t i = 0; i < e->u.call.nargs; i++) m |= sides_of(st, e->u.call.args[i].value);
        return m;
    case VPC_E_INDEX: return sides_of(st, e->u.index.obj) | sides_of(st, e->u.index.index);
    case VPC_E_COND:
        return sides_of(st, e->u.cond.cond) | sides_of(st, e->u.cond.then) | sides_of(st, e->u.cond.els);
    default: return 0;
    }
}

static int side_index(uint32_t m)
{
    if (!m || (m & (m - 1))) return -1;
    int k = 0;
    while (!(m & 1u)) m >>= 1, k++;
    return k;
}

/* Two side expressions of one input are one key component when their text is the same. */
static bool same_text(vpc_ctx *ctx, vpc_expr *a, vpc_expr *b)
{
    if (a->span.len != b->span.len) return false;
    const vpc_source *sa = ctx->sources[a->span.file], *sb = ctx->sources[b->span.file];
    return !memcmp(sa->text + a->span.off, sb->text + b->span.off, a->span.len);
}

#define MAX_JOIN_INPUTS 16
#define MAX_JOIN_NODES 64

/* .on(): a conjunction of equalities, each between two inputs. Side
 * expressions linked by equalities form key components; each component
 * must hold exactly one expression of every input. */
static bool join_keys(vpc_sbuilder *B, vpc_expr **conds, uint32_t nconds, vpc_span at)
{
    vpc_checker *C = B->C;
    vpc_ctx *ctx = C->ctx;
    vpc_stream *st = B->st;
    vpc_expr **eqs = NULL;
    uint32_t neq = 0, cap = 0;
    for (uint32_t i = 0; i < nconds; i++) collect_and(conds[i], &eqs, &neq, &cap, ctx);
    vpc_expr *node[MAX_JOIN_NODES];
    int input[MAX_JOIN_NODES], parent[MAX_JOIN_NODES];
    uint32_t nn = 0;
    bool ok = neq > 0;
    for (uint32_t i = 0; i < neq && ok; i++) {
        vpc_expr *e = eqs[i];
        int a, b;
        if (e->kind != VPC_E_BINARY || e->u.binary.op != VPC_OP_EQ ||
            (a = side_index(sides_of(st, e->u.binary.lhs))) < 0 ||
            (b = side_index(sides_of(st, e->u.binary.rhs))) < 0 || a == b || nn + 2 > MAX_JOIN_NODES) {
            vpc_error(ctx, e->span, "join needs an equality .on()");
            return false;
        }
        int ids[2];
        vpc_expr *sides[2] = {e->u.binary.lhs, e->u.binary.rhs};
        int ins[2] = {a, b};
        for (int s = 0; s < 2; s++) {
            vpc_scope S = {0};
            S.row = st->inputs[ins[s]].row;
            S.row_alias = st->inputs[ins[s]].alias;
            S.row_what = st->inputs[ins[s]].stream ? what_stream(C, st->inputs[ins[s]].stream) : "the source event";
            vpc_check_expr(C, &S, sides[s]);
            ids[s] = -1;
            for (uint32_t j = 0; j < nn; j++)
                if (input[j] == ins[s] && same_text(ctx, node[j], sides[s])) ids[s] = (int)j;
            if (ids[s] < 0) {
                node[nn] = sides[s];
                input[nn] = ins[s];
                parent[nn] = (int)nn;
                ids[s] = (int)nn++;
            }
        }
        int ra = ids[0], rb = ids[1];
        while (parent[ra] != ra) ra = parent[ra];
        while (parent[rb] != rb) rb = parent[rb];
        if (ra != rb) parent[ra > rb ? ra : rb] = ra < rb ? ra : rb;
    }
    if (!ok) {
        vpc_error(ctx, at, "join needs an equality .on()");
        return false;
    }
    /* components in order of first appearance */
    int comp[MAX_JOIN_NODES];
    uint32_t ncomp = 0;
    for (uint32_t j = 0; j < nn; j++) {
        int r = (int)j;
        while (parent[r] != r) r = parent[r];
        if (r == (int)j) comp[ncomp++] = r;
    }
    for (uint32_t k = 0; k < st->ninputs; k++) st->inputs[k].keys = VPC_NEW_N(&ctx->ir, vpc_expr *, ncomp);
    for (uint32_t c = 0; c < ncomp; c++) {
        for (uint32_t j = 0; j < nn; j++) {
            int r = (int)j;
            while (parent[r] != r) r = parent[r];
            if (r != comp[c]) continue;
            vpc_sinput *in = &st->inputs[input[j]];
            if (in->keys[c]) ok = false; /* two keys of one input in one component */
            in->keys[c] = node[j];
        }
        for (uint32_t k = 0; k < st->ninputs; k++) ok &= st->inputs[k].keys[c] != NULL;
    }
    if (!ok) {
        vpc_error(ctx, at, "join needs an equality .on()");
        return false;
    }
    st->join->nkeys = ncomp;
    return true;
}

/* The join's .window(d) or .window(n). */
static void join_window(vpc_sbuilder *B, vpc_link *l)
{
    vpc_join *j = B->st->join;
    vpc_expr *v = l->nargs == 1 && !l->args[0].name ? l->args[0].value : NULL;
    if (v && v->kind == VPC_E_DUR && v->u.i > 0) {
        j->size = v->u.i;
    } else if (v && v->kind == VPC_E_INT && v->u.i > 0) {
        j->count = true;
        j->size = v->u.i;
    } else {
        vpc_error(B->C->ctx, l->span, "a join's .window() takes a duration or a row count > 0");
    }
}

/* The joined row: unqualified fields (first source in the list wins), then
 * Alias.field for every source and field. Qualified fields are named
 * `Alias__field` in C and never passed through. */
static vpc_row *joined_row(vpc_sbuilder *B, vpc_span at)
{
    vpc_checker *C = B->C;
    vpc_stream *st = B->st;
    vpc_row *r = new_row(B, "join", at);
    r->joined = true;
    for (uint32_t k = 0; k < st->ninputs; k++) {
        vpc_row *pr = st->inputs[k].row;
        for (uint32_t j = 0; j < pr->nfields; j++) {
            if (field_of(r, pr->fields[j].name, false) >= 0) continue;
            vpc_rfield *f = vpc_row_add(C, r, pr->fields[j].name, pr->fields[j].ty, pr->fields[j].span);
            f->part = (int32_t)k;
            f->pfield = j;
        }
    }
    for (uint32_t k = 0; k < st->ninputs; k++) {
        vpc_row *pr = st->inputs[k].row;
        for (uint32_t j = 0; j < pr->nfields; j++) {
            vpc_buf nb = {0};
            vpc_buf_printf(&nb, "%s__%s", st->inputs[k].alias->name, pr->fields[j].name->name);
            vpc_rfield *f = vpc_row_add(C, r, vpc_intern(&C->ctx->syms, nb.p, nb.n), pr->fields[j].ty,
                                        pr->fields[j].span);
            vpc_buf_free(&nb);
            f->qualified = true;
            f->part = (int32_t)k;
            f->pfield = j;
        }
    }
    return r;
}

bool vpc_check_join(vpc_sbuilder *B, vpc_source_expr *src, vpc_stream_body *chain)
{
    vpc_checker *C = B->C;
    vpc_ctx *ctx = C->ctx;
    vpc_stream *st = B->st;
    st->join = VPC_NEW(&ctx->ir, vpc_join);
    st->join->size = 60 * (int64_t)1000000000; /* LANGUAGE.md §4.6: 1m */
    vpc_expr **ons = VPC_NEW_N(&ctx->ir, vpc_expr *, src->nitems + chain->nlinks + 1);
    uint32_t non = 0;
    bool ok = true;
    if (src->nitems < 2 || src->nitems > MAX_JOIN_INPUTS) {
        vpc_error(ctx, src->span, "join() takes 2 to %d sources", MAX_JOIN_INPUTS);
        return false;
    }
    for (uint32_t i = 0; i < src->nitems; i++) {
        vpc_inline_stream *it = src->items[i];
        vpc_row *row, *ev;
        vpc_stream *up;
        if (!item_source(B, it, &row, &ev, &up)) {
            ok = false;
            continue;
        }
        vpc_source_expr *s = it->body.source;
        vpc_sym *alias = it->name ? it->name : s->alias ? s->alias : s->name;
        for (uint32_t k = 0; k < st->ninputs; k++)
            if (st->inputs[k].alias == alias) {
                vpc_error(ctx, it->span, "two join() sources named '%s': name one (stream X = ...)", alias->name);
                ok = false;
            }
        vpc_sinput *in = add_input(B, row, ev, up, it->span);
        in->alias = alias;
        uint32_t item = add_item(B, in);
        if (it->on) ons[non++] = it->on;
        for (uint32_t j = 0; j < it->body.nlinks; j++) {
            vpc_link *l = &it->body.links[j];
            if (l->kind == VPC_L_OP && !strcmp(l->op->name, "on") && l->nargs == 1 && !l->args[0].name) {
                ons[non++] = l->args[0].value;
            } else if (is_filter(l) && l->nargs == 1 && !l->args[0].name) {
                /* the source alias and the item name both read its row */
                add_cond(B, in, item, l->args[0].value, s->alias ? s->alias : alias);
            } else {
                vpc_error(ctx, l->kind == VPC_L_OP ? l->op_span : l->span,
                          "only .where() and .on() are supported in a join() item yet");
            }
        }
    }
    if (!ok) return false;
    /* the chain's .on() and the .window() right after the join belong to it */
    vpc_link *links = VPC_NEW_N(&ctx->ir, vpc_link, chain->nlinks + 1);
    uint32_t n = 0;
    bool head = true, windowed = false;
    for (uint32_t i = 0; i < chain->nlinks; i++) {
        vpc_link *l = &chain->links[i];
        bool op = l->kind == VPC_L_OP;
        if (op && !strcmp(l->op->name, "on")) {
            if (l->nargs != 1 || l->args[0].name) vpc_error(ctx, l->span, "join needs an equality .on()");
            else ons[non++] = l->args[0].value;
            continue;
        }
        if (op && head && !windowed && !strcmp(l->op->name, "window")) {
            join_window(B, l);
            windowed = true;
            continue;
        }
        head = false;
        links[n++] = *l;
    }
    chain->links = links;
    chain->nlinks = n;
    if (!non) {
        vpc_error(ctx, src->span, "join needs an equality .on()");
        return false;
    }
    if (!join_keys(B, ons, non, ons[0]->span)) return false;
    vpc_row *r = joined_row(B, src->span);
    st->join->row = r;
    finish_row(B, r);
    return true;
}

/* ---- names on merged and joined rows ---- */

int vpc_check_part_field(vpc_checker *C, vpc_row *row, vpc_sym *name, vpc_span at)
{
    int first = -1;
    uint32_t fidx = 0;
    for (uint32_t k = 0; k < row->nparts; k++) {
        vpc_row *pr = row->parts[k];
        if (!pr->implicit) continue;
        int i = vpc_row_field(C, pr, name, at);
        if (first < 0) {
            first = (int)k;
            fidx = (uint32_t)i;
        }
        if (row->joined) {
            vpc_buf nb = {0};
            vpc_buf_printf(&nb, "%s__%s", row->part_alias[k]->name, name->name);
            vpc_sym *q = vpc_intern(&C->ctx->syms, nb.p, nb.n);
            vpc_buf_free(&nb);
            if (field_of(row, q, true) < 0) {
                vpc_rfield *f = vpc_row_add(C, row, q, VPC_TY_DYN, at);
                f->qualified = true;
                f->part = (int32_t)k;
                f->pfield = (uint32_t)i;
            }
        }
    }
    if (first < 0) return -1;
    int had = field_of(row, name, false);
    if (had >= 0) {
        /* the bare name came from a later source before this implicit one
         * had the field: the first source wins (a typed field stays) */
        vpc_rfield *f = &row->fields[had];
        if (f->ty == VPC_TY_DYN && f->part > first) {
            f->part = first;
            f->pfield = fidx;
        }
        return had;
    }
    vpc_rfield *f = vpc_row_add(C, row, name, VPC_TY_DYN, at);
    f->part = first;
    f->pfield = fidx;
    return (int)row->nfields - 1;
}

bool vpc_check_part_member(vpc_checker *C, vpc_scope *S, vpc_expr *e, vpc_ty *ty)
{
    vpc_row *row = S->row;
    if (!row || !row->joined) return false;
    vpc_sym *alias = e->u.member.obj->u.name;
    uint32_t k = 0;
    while (k < row->nparts && row->part_alias[k] != alias) k++;
    if (k == row->nparts) return false;
    vpc_buf nb = {0};
    vpc_buf_printf(&nb, "%s__%s", alias->name, e->u.member.name->name);
    vpc_sym *q = vpc_intern(&C->ctx->syms, nb.p, nb.n);
    vpc_buf_free(&nb);
    int fi = field_of(row, q, true);
    if (fi < 0 && row->parts[k]->implicit) {
        vpc_check_part_field(C, row, e->u.member.name, e->u.member.name_span);
        fi = field_of(row, q, true);
    }
    vpc_einfo *info = vpc_einfo_of(C, e);
    if (fi < 0) {
        vpc_error(C->ctx, e->u.member.name_span, "unknown field '%s' on join source '%s'", e->u.member.name->name,
                  alias->name);
        return *ty = info->ty = VPC_TY_DYN, true;
    }
    info->ref = VPC_REF_FIELD;
    info->field = (uint32_t)fi;
    *ty = info->ty = row->fields[fi].ty;
    return true;
}

void vpc_check_sources_done(vpc_checker *C)
{
    for (uint32_t i = 0; i < C->prog->nstreams; i++) {
        vpc_stream *st = C->prog->streams[i];
        if (st->src_kind != VPC_SK_MULTI || st->join || !st->in || !st->in->implicit) continue;
        for (uint32_t j = 0; j < st->in->nfields; j++)
            for (uint32_t k = 0; k < st->ninputs; k++)
                vpc_row_field(C, st->inputs[k].row, st->in->fields[j].name, st->in->fields[j].span);
    }
}
