/* emit_decode.c — row structs, one schema-specialized decoder per input event
 * type, and the dispatch on event_type by a generated switch. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"

static void span_where(vpc_emitter *E, vpc_span at, vpc_buf *b)
{
    const vpc_source *s = E->ctx->sources[at.file];
    const char *base = strrchr(s->name, '/');
    uint32_t line, col;
    vpc_source_linecol(s, at.off, &line, &col);
    vpc_buf_printf(b, "%s:%u", base ? base + 1 : s->name, line);
}

void vpc_emit_row_structs(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    for (uint32_t i = 0; i < E->prog->nrows; i++) {
        vpc_row *r = E->prog->rows[i];
        vpc_buf where = {0};
        span_where(E, r->span, &where);
        if (r->event)
            vpc_cw_comment(w, "%s event %s (%s)", r->implicit ? "implicit" : "declared", r->event->name,
                           vpc_buf_cstr(&where));
        else vpc_cw_comment(w, "row layout (%s)", vpc_buf_cstr(&where));
        vpc_buf_free(&where);
        vpc_cw_open(w, "typedef struct %s", r->cname);
        vpc_cw_line(w, "int64_t time; /* event time, ns */");
        if (r->implicit) vpc_cw_line(w, "const vp_event *raw; /* every input field, for pass-through */");
        else if (r->nparts && !r->joined) vpc_cw_line(w, "int32_t src; /* the merge() input it came from */");
        if (vpc_emit_row_has_part(E, r)) vpc_cw_line(w, "int32_t part; /* its key's ordinal where it was made (emit_part.c) */");
        for (uint32_t j = 0; j < r->nfields; j++) {
            vpc_rfield *f = &r->fields[j];
            vpc_cw_line(w, "%s f_%s;", vpc_emit_ctype(f->ty), f->name->name);
            if (vpc_emit_has_null_flag(f->ty)) vpc_cw_line(w, "bool n_%s;", f->name->name);
        }
        vpc_cw_close(w, vpc_emit_fmt(E, " %s;", r->cname));
        vpc_cw_blank(w);
    }
}

static const char *in_fn(vpc_ty t)
{
    switch (t) {
    case VPC_TY_INT: return "vp_in_int";
    case VPC_TY_FLOAT: return "vp_in_float";
    case VPC_TY_BOOL: return "vp_in_bool";
    case VPC_TY_STR: return "vp_in_str";
    case VPC_TY_TS: return "vp_in_ts";
    case VPC_TY_DUR: return "vp_in_dur";
    default: return NULL;
    }
}

/* The runtime's name of a declared scalar type (enum vp_tag). */
static const char *in_tag(vpc_ty t)
{
    switch (t) {
    case VPC_TY_INT: return "VP_INT";
    case VPC_TY_FLOAT: return "VP_FLOAT";
    case VPC_TY_BOOL: return "VP_BOOL";
    case VPC_TY_STR: return "VP_STR";
    case VPC_TY_TS: return "VP_TS";
    default: return "VP_DUR";
    }
}

/* Array, map and tuple fields: the input value they take (runtime enum
 * vp_j_kind) and their type's name for the warning (enum vp_want). */
static const char *form_kind(vpc_form form) { return form == VPC_FORM_MAP ? "VP_J_OBJECT" : "VP_J_ARRAY"; }
static const char *form_want(vpc_form form)
{
    return form == VPC_FORM_MAP ? "VP_WANT_MAP" : form == VPC_FORM_TUPLE ? "VP_WANT_TUPLE" : "VP_WANT_ARRAY";
}

/* The field's input value is checked: a declared scalar, array, map or tuple. */
static bool checked(const vpc_rfield *f) { return in_fn(f->ty) || f->form != VPC_FORM_ANY; }

/* One declared field: convert it; a value of another type keeps the event
 * and leaves the field null (LANGUAGE.md §3), warned once per field. Array
 * and tuple fields take an array, map fields an object, as dynamic values
 * whose elements are not checked; `any` and undeclared fields take any
 * value as it is. */
static void decode_field(vpc_emitter *E, size_t index, void *ud)
{
    vpc_cw *w = E->w;
    vpc_row *r = ud;
    vpc_rfield *f = &r->fields[index];
    const char *n = f->name->name;
    const char *conv = in_fn(f->ty);
    if (!checked(f)) {
        vpc_cw_line(w, "ev->f_%s = vp_in_dyn(f);", n);
    } else if (!conv) {
        vpc_cw_line(w, "if (vp_in_json(f, %s, &ev->f_%s) < 0)", form_kind(f->form), n);
        vpc_cw_line(w, "    vp_in_wrong_type(ctx, in, f, %s, &warned_%s[%zu]);", form_want(f->form), r->event->name,
                    index);
    } else {
        vpc_cw_line(w, "int r = %s(f, &ev->f_%s);", conv, n);
        vpc_cw_line(w, "ev->n_%s = r != 1;", n);
        vpc_cw_line(w, "if (r < 0) vp_in_wrong_type(ctx, in, f, %s, &warned_%s[%zu]);", in_tag(f->ty),
                    r->event->name, index);
    }
    vpc_cw_line(w, "continue;");
}

static void emit_decoder(vpc_emitter *E, vpc_row *r)
{
    vpc_cw *w = E->w;
    vpc_cw_comment(w, "decode %s: match member names, convert to the declared types", r->event->name);
    bool converts = false;
    for (uint32_t j = 0; j < r->nfields; j++) converts |= checked(&r->fields[j]);
    if (converts)
        vpc_cw_line(w, "static bool warned_%s[%u]; /* per field: a wrong-typed value was reported */",
                    r->event->name, r->nfields);
    vpc_cw_open(w, "static void dec_%s(vp_ctx *ctx, const vp_event *in, %s *ev)", r->event->name, r->cname);
    vpc_cw_line(w, "ev->time = in->time;");
    if (r->implicit) vpc_cw_line(w, "ev->raw = in;");
    for (uint32_t j = 0; j < r->nfields; j++) {
        vpc_rfield *f = &r->fields[j];
        if (vpc_emit_has_null_flag(f->ty)) vpc_cw_line(w, "ev->n_%s = true;", f->name->name);
        else vpc_cw_line(w, "ev->f_%s = vp_null();", f->name->name);
    }
    if (r->nfields == 0) {
        vpc_cw_line(w, "(void)ctx;");
        vpc_cw_close(w, NULL);
        vpc_cw_blank(w);
        return;
    }
    vpc_sym **names = malloc(r->nfields * sizeof *names);
    if (!names) vpc_ice("out of memory");
    for (uint32_t j = 0; j < r->nfields; j++) names[j] = r->fields[j].name;
    vpc_cw_open(w, "for (int32_t i = 0; i < in->nfields; i++)");
    vpc_cw_line(w, "const vp_field *f = &in->fields[i];");
    vpc_emit_name_switch(E, "f->key.n", "f->key.p", names, r->nfields, decode_field, r);
    free(names);
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

void vpc_emit_decoders(vpc_emitter *E)
{
    for (uint32_t i = 0; i < E->prog->nevents; i++)
        if (E->prog->events[i]->consumed) emit_decoder(E, E->prog->events[i]);
}

/* run_<Type>: every stream that reads the type, in declaration order, then
 * the rows they queued for dependents. on_<Type> decodes a scanned event
 * first; the fast path (emit_fast.c) decodes a line itself. */
static void emit_handler(vpc_emitter *E, vpc_row *r)
{
    vpc_cw *w = E->w;
    vpc_cw_comment(w, "every input %s runs each stream that reads it, in declaration order", r->event->name);
    vpc_cw_open(w, "static void run_%s(vp_ctx *ctx, %s *ev)", r->event->name, r->cname);
    vpc_emit_event_part_lookup(E, r);
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        if (st->src_kind == VPC_SK_EVENT && st->src_event == r) vpc_cw_line(w, "st_%s(ctx, ev);", st->name->name);
        for (uint32_t k = 0; k < st->ninputs; k++) /* merge() / join() inputs of this type */
            if (st->inputs[k].event == r) vpc_cw_line(w, "%s(ctx, ev);", vpc_emit_entry(E, st, k));
    }
    if (E->has_queue) vpc_cw_line(w, "q_drain(ctx);");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
    vpc_cw_open(w, "static void on_%s(vp_ctx *ctx, const vp_event *in)", r->event->name);
    vpc_cw_line(w, "%s ev;", r->cname);
    vpc_cw_line(w, "dec_%s(ctx, in, &ev);", r->event->name);
    vpc_cw_line(w, "run_%s(ctx, &ev);", r->event->name);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* One event type of the dispatch. */
static void dispatch_case(vpc_emitter *E, size_t index, void *ud)
{
    vpc_row *r = ((vpc_row **)ud)[index];
    if (r->consumed) vpc_cw_line(E->w, "on_%s(ctx, in);", r->event->name);
    else vpc_cw_comment(E->w, "declared, read by no stream");
    vpc_cw_line(E->w, "return;");
}

void vpc_emit_dispatch(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    vpc_program *P = E->prog;
    for (uint32_t i = 0; i < P->nevents; i++)
        if (P->events[i]->consumed) emit_handler(E, P->events[i]);
    vpc_sym **names = malloc((P->nevents + 1) * sizeof *names);
    if (!names) vpc_ice("out of memory");
    for (uint32_t i = 0; i < P->nevents; i++) names[i] = P->events[i]->event;
    vpc_cw_comment(w, "dispatch on event_type");
    vpc_cw_open(w, "static void q_on_event(vp_ctx *ctx, const vp_event *in)");
    if (P->nevents) vpc_emit_name_switch(E, "in->type.n", "in->type.p", names, P->nevents, dispatch_case, P->events);
    free(names);
    vpc_cw_comment(w, "no stream reads this type: counted and reported as unknown");
    vpc_cw_line(w, "vp_bad_input(ctx, VP_BAD_UNKNOWN_TYPE, in, NULL);");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}
