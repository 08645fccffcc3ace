/* emit_fast.c — the fast path (q_on_line): for declared event types, a
 * decoder of flat JSON lines specialized to the schema. It reads the members
 * straight into the row struct and matches names as it goes, so a line is
 * read once. It handles only the plain form (vp.h, vp_jr_*); on anything
 * else it returns 0 before any side effect and the runtime's full scanner
 * takes the line, so results and bad-input reports are the same either way. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"

/* Declared types read by some stream get a fast decoder; implicit types keep
 * every raw field for pass-through, so they always take the full scanner. */
static bool has_fast(vpc_row *r) { return r->consumed && !r->implicit; }

bool vpc_emit_has_fast_path(vpc_emitter *E)
{
    for (uint32_t i = 0; i < E->prog->nevents; i++)
        if (has_fast(E->prog->events[i])) return true;
    return false;
}

/* Reads the value of field f into ev; returns 0 (declines) when it is not
 * plain or not of the declared type: the full scanner reports it then. */
static void read_field(vpc_emitter *E, vpc_rfield *f)
{
    vpc_cw *w = E->w;
    const char *n = f->name->name;
    switch (f->ty) {
    case VPC_TY_STR:
        vpc_cw_line(w, "if (vp_jr_str(&r, &ev.f_%s)) ev.n_%s = false;", n, n);
        break;
    case VPC_TY_BOOL:
        vpc_cw_line(w, "if (vp_jr_word(&r, \"true\", 4)) { ev.f_%s = true; ev.n_%s = false; }", n, n);
        vpc_cw_line(w, "else if (vp_jr_word(&r, \"false\", 5)) { ev.f_%s = false; ev.n_%s = false; }", n, n);
        break;
    case VPC_TY_INT:
        vpc_cw_line(w, "if (vp_jr_num(&r, &iv, &fv) == 1) { ev.f_%s = iv; ev.n_%s = false; }", n, n);
        break;
    case VPC_TY_FLOAT:
        vpc_cw_line(w, "if ((k = vp_jr_num(&r, &iv, &fv)) != 0) { ev.f_%s = k == 1 ? (double)iv : fv; ev.n_%s = false; }",
                    n, n);
        break;
    case VPC_TY_TS:
    case VPC_TY_DUR:
        vpc_cw_line(w, "if ((k = vp_jr_num(&r, &iv, &fv)) %s && vp_ms_to_ns(k == 1 ? VP_J_INT : VP_J_FLOAT, iv, fv, &ev.f_%s) == 1) ev.n_%s = false;",
                    f->ty == VPC_TY_DUR ? "== 1" : "!= 0", n, n);
        break;
    default: /* arrays, maps, tuples: the full scanner canonicalizes them, the decoder checks their kind */
        vpc_cw_line(w, "if (vp_jr_word(&r, \"null\", 4)) ev.f_%s = vp_null();", n);
        vpc_cw_line(w, "else return 0;");
        return;
    }
    vpc_cw_line(w, "else if (vp_jr_word(&r, \"null\", 4)) ev.n_%s = true;", n);
    vpc_cw_line(w, "else return 0;");
}

/* The members that also give the event time (LANGUAGE.md §6): ts first,
 * then timestamp; only plain numbers (ms) here. */
static void read_time_member(vpc_emitter *E, const char *which, bool reread)
{
    vpc_cw *w = E->w;
    vpc_cw_line(w, "if (seen_%s) return 0; /* a repeated member: the full scanner decides */", which);
    vpc_cw_line(w, "seen_%s = true;", which);
    if (reread) vpc_cw_line(w, "const char *at_%s = r.p;", which);
    vpc_cw_line(w, "if ((k = vp_jr_num(&r, &iv, &fv)) != 0) { if (vp_ms_to_ns(k == 1 ? VP_J_INT : VP_J_FLOAT, iv, fv, &t_%s) != 1) return 0; has_%s = true; }",
                 which, which);
    vpc_cw_line(w, "else if (!vp_jr_word(&r, \"null\", 4)) return 0;");
    if (reread) vpc_cw_line(w, "r.p = at_%s; /* read again below as a field */", which);
}

/* One member name of the switch: a declared field, or ts/timestamp (event
 * time), data or event_type (declined) when the type does not declare them. */
static void member_case(vpc_emitter *E, size_t index, void *ud)
{
    vpc_cw *w = E->w;
    vpc_rfield *key = ((vpc_rfield **)ud)[index];
    const char *n = key->name->name;
    if (!strcmp(n, "data") || !strcmp(n, "event_type")) {
        vpc_cw_line(w, "return 0; /* nested form or a repeated type: the full scanner */");
        return;
    }
    bool is_time = !strcmp(n, "ts") || !strcmp(n, "timestamp");
    bool same = is_time && key->ty == VPC_TY_TS; /* a timestamp field is the time itself */
    if (is_time) read_time_member(E, n, !same && key->ty != VPC_TY_VOID);
    if (same) {
        vpc_cw_line(w, "ev.f_%s = t_%s;", n, n);
        vpc_cw_line(w, "ev.n_%s = !has_%s;", n, n);
    } else if (key->ty == VPC_TY_VOID) {
        if (!is_time) vpc_cw_line(w, "if (!vp_jr_skip(&r)) return 0;");
    } else {
        read_field(E, key);
    }
    vpc_cw_line(w, "continue;");
}

static void emit_member_switch(vpc_emitter *E, vpc_row *row)
{
    /* the declared fields, plus ts/timestamp/data/event_type when undeclared */
    static const char *const special[] = {"ts", "timestamp", "data", "event_type"};
    vpc_rfield **keys = malloc((row->nfields + 4) * sizeof *keys);
    vpc_sym **names = malloc((row->nfields + 4) * sizeof *names);
    vpc_rfield *extra = calloc(4, sizeof *extra);
    if (!keys || !names || !extra) vpc_ice("out of memory");
    size_t nk = 0;
    for (uint32_t i = 0; i < row->nfields; i++) keys[nk++] = &row->fields[i];
    for (size_t s = 0; s < 4; s++) {
        bool declared = false;
        for (uint32_t i = 0; i < row->nfields; i++) declared |= !strcmp(row->fields[i].name->name, special[s]);
        if (declared) continue;
        extra[s].name = vpc_intern(&E->ctx->syms, special[s], strlen(special[s]));
        extra[s].ty = VPC_TY_VOID; /* not a field */
        keys[nk++] = &extra[s];
    }
    for (size_t i = 0; i < nk; i++) names[i] = keys[i]->name;
    vpc_emit_name_switch(E, "key.n", "key.p", names, nk, member_case, keys);
    vpc_cw_line(E->w, "if (!vp_jr_skip(&r)) return 0; /* a member no stream reads */");
    free(keys);
    free(names);
    free(extra);
}

static void emit_fast_decoder(vpc_emitter *E, vpc_row *row)
{
    vpc_cw *w = E->w;
    const char *t = row->event->name;
    vpc_cw_comment(w, "fast path for %s: members read straight into the row", t);
    vpc_cw_open(w, "static int fast_%s(vp_ctx *ctx, vp_jr r)", t);
    vpc_cw_line(w, "%s ev;", row->cname);
    for (uint32_t i = 0; i < row->nfields; i++) {
        vpc_rfield *f = &row->fields[i];
        if (vpc_emit_has_null_flag(f->ty)) vpc_cw_line(w, "ev.n_%s = true;", f->name->name);
        else vpc_cw_line(w, "ev.f_%s = vp_null();", f->name->name);
    }
    vpc_cw_line(w, "int64_t iv = 0, t_ts = 0, t_timestamp = 0;");
    vpc_cw_line(w, "double fv = 0.0;");
    vpc_cw_line(w, "int k = 0;");
    vpc_cw_line(w, "bool seen_ts = false, seen_timestamp = false, has_ts = false, has_timestamp = false;");
    vpc_cw_line(w, "(void)k;");
    vpc_cw_open(w, "while (!vp_jr_ch(&r, '}'))");
    vpc_cw_line(w, "vp_str key;");
    vpc_cw_line(w, "if (!vp_jr_ch(&r, ',') || !vp_jr_str(&r, &key) || !vp_jr_ch(&r, ':')) return 0;");
    emit_member_switch(E, row);
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "vp_jr_ws(&r);");
    vpc_cw_line(w, "if (r.p != r.end) return 0; /* text after the object */");
    vpc_cw_comment(w, "accepted: from here on the line is processed");
    vpc_cw_line(w, "ev.time = vp_line_time(ctx, has_ts || has_timestamp, has_ts ? t_ts : t_timestamp);");
    vpc_cw_line(w, "run_%s(ctx, &ev);", t);
    vpc_cw_line(w, "return 1;");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

static void type_case(vpc_emitter *E, size_t index, void *ud)
{
    vpc_row *row = ((vpc_row **)ud)[index];
    vpc_cw_line(E->w, "return fast_%s(ctx, r);", row->event->name);
}

void vpc_emit_fast_path(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    vpc_program *P = E->prog;
    if (!vpc_emit_has_fast_path(E)) {
        vpc_cw_comment(w, "no fast path: no declared event type is read");
        return;
    }
    for (uint32_t i = 0; i < P->nevents; i++)
        if (has_fast(P->events[i])) emit_fast_decoder(E, P->events[i]);
    vpc_cw_comment(w, "one input line, when it is a plain flat JSON object of a declared type");
    vpc_cw_open(w, "static int q_on_line(vp_ctx *ctx, const char *p, int64_t n, int64_t line)");
    vpc_cw_line(w, "(void)line;");
    vpc_cw_line(w, "vp_jr r = {p, p + n};");
    vpc_cw_line(w, "vp_str key, type;");
    vpc_cw_line(w, "if (!vp_jr_ch(&r, '{') || !vp_jr_str(&r, &key) || key.n != 10 ||");
    vpc_cw_line(w, "    !vp_mem_eq(key.p, \"event_type\", 10) || !vp_jr_ch(&r, ':') || !vp_jr_str(&r, &type))");
    vpc_cw_line(w, "    return 0;");
    vpc_sym **names = malloc((P->nevents + 1) * sizeof *names);
    vpc_row **rows = malloc((P->nevents + 1) * sizeof *rows);
    if (!names || !rows) vpc_ice("out of memory");
    size_t ne = 0;
    for (uint32_t i = 0; i < P->nevents; i++)
        if (has_fast(P->events[i])) {
            rows[ne] = P->events[i];
            names[ne++] = P->events[i]->event;
        }
    vpc_emit_name_switch(E, "type.n", "type.p", names, ne, type_case, rows);
    free(names);
    free(rows);
    vpc_cw_line(w, "return 0;");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
    /* the fast path pays off only where its small helpers are inlined */
    vpc_cw_line(w, "#ifdef __TINYC__");
    vpc_cw_line(w, "#define Q_ON_LINE 0 /* libtcc does not inline: the runtime's scanner is faster */");
    vpc_cw_line(w, "#else");
    vpc_cw_line(w, "#define Q_ON_LINE q_on_line");
    vpc_cw_line(w, "#endif");
}
