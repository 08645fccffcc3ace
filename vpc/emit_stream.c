/* emit_stream.c — one C function per stream: its operators in order, then
 * the hand-off of its rows to dependent streams through the FIFO queue. */
#include <string.h>

#include "emit.h"

#define F(...) vpc_emit_fmt(E, __VA_ARGS__)

/* Row pointer type a stream function takes. */
static const char *in_type(vpc_stream *st) { return st->in->cname; }

void vpc_emit_stream_protos(vpc_emitter *E)
{
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        vpc_cw_line(E->w, "static void st_%s(vp_ctx *ctx, const %s *r0);", st->name->name, in_type(st));
    }
    vpc_emit_source_protos(E);
    if (E->has_queue) vpc_cw_line(E->w, "static void q_drain(vp_ctx *ctx);");
}

/* ---- the queue of rows for dependent streams ---- */

void vpc_emit_queue(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    if (!E->has_queue) {
        vpc_cw_comment(w, "no stream reads another stream");
        return;
    }
    /* one input, or a closing window, can queue many rows: the queue grows up
     * to a bound above what the window bounds let one close produce */
    int64_t qmax = E->prog->max_partitions + E->prog->max_window_rows;
    vpc_cw_line(w, "#define Q_MAX ((int64_t)%lld) /* rows in flight; more are dropped and counted */",
                (long long)(qmax > 4096 ? qmax : 4096));
    vpc_cw_open(w, "typedef struct q_item");
    vpc_cw_line(w, "int32_t from; /* producing stream */");
    vpc_cw_open(w, "union");
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        if (st->nconsumers) vpc_cw_line(w, "%s s_%s;", st->out->cname, st->name->name);
    }
    vpc_cw_close(w, " u;");
    vpc_cw_close(w, " q_item;");
    vpc_cw_line(w, "static vp_vec q_items; /* of q_item; drained to empty after every input */");
    vpc_cw_line(w, "static int64_t q_head;");
    vpc_cw_line(w, "static int32_t q_dropped; /* counter */");
    vpc_cw_blank(w);
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        if (!st->nconsumers) continue;
        vpc_cw_open(w, "static void q_push_%s(vp_ctx *ctx, const %s *r)", st->name->name, st->out->cname);
        vpc_cw_line(w, "q_item *it = vp_vec_push(&q_items, (int64_t)sizeof(q_item), Q_MAX);");
        vpc_cw_open(w, "if (!it)");
        vpc_cw_line(w, "vp_count(ctx, q_dropped, 1);");
        vpc_cw_line(w, "return;");
        vpc_cw_close(w, NULL);
        vpc_cw_line(w, "it->from = %u;", st->id);
        vpc_cw_line(w, "it->u.s_%s = *r;", st->name->name);
        vpc_cw_close(w, NULL);
        vpc_cw_blank(w);
    }
}

static void emit_drain(vpc_emitter *E)
{
    vpc_cw *w = E->w;
    vpc_cw_comment(w, "offer queued rows to the streams reading their producer, in order");
    vpc_cw_open(w, "static void q_drain(vp_ctx *ctx)");
    vpc_cw_open(w, "while (q_head < q_items.n)");
    vpc_cw_line(w, "q_item it = ((q_item *)q_items.p)[q_head++]; /* a copy: pushes may move the array */");
    vpc_cw_open(w, "switch (it.from)");
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        if (!st->nconsumers) continue;
        vpc_cw_line(w, "case %u:", st->id);
        w->indent++;
        for (uint32_t j = 0; j < st->nconsumers; j++) {
            vpc_stream *c = st->consumers[j];
            if (c->src_kind != VPC_SK_MULTI) {
                vpc_cw_line(w, "st_%s(ctx, &it.u.s_%s);", c->name->name, st->name->name);
                continue;
            }
            for (uint32_t k = 0; k < c->ninputs; k++) /* merge() / join(): each input reading this stream */
                if (c->inputs[k].stream == st)
                    vpc_cw_line(w, "%s(ctx, &it.u.s_%s);", vpc_emit_entry(E, c, k), st->name->name);
        }
        vpc_cw_line(w, "break;");
        w->indent--;
    }
    vpc_cw_line(w, "default:");
    vpc_cw_line(w, "    break;");
    vpc_cw_close(w, NULL);
    vpc_cw_close(w, NULL);
    vpc_cw_line(w, "q_head = 0;");
    vpc_cw_line(w, "vp_vec_clear(&q_items, (int64_t)sizeof(q_item));");
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

/* ---- operators ---- */

/* A C string literal holding JSON text, and the text's length. */
static void raw_json(vpc_emitter *E, const char *writer, const char *json, size_t n)
{
    vpc_buf lit = {0};
    vpc_cw_escape(&lit, json, n);
    vpc_cw_line(E->w, "vp_w_raw(%s, \"%s\", %zu);", writer, vpc_buf_cstr(&lit), n);
    vpc_buf_free(&lit);
}

static void json_key(vpc_buf *b, const char *name, bool first)
{
    if (!first) vpc_buf_putc(b, ',');
    vpc_buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"' || *p == '\\') vpc_buf_putc(b, '\\');
        vpc_buf_putc(b, *p);
    }
    vpc_buf_puts(b, "\":");
}

/* `{"stream":"Name"` — the start of every output line. */
static void line_start(vpc_emitter *E, vpc_stream *st, vpc_buf *b)
{
    vpc_buf_puts(b, "{\"stream\":\"");
    vpc_buf_puts(b, st->name->name);
    vpc_buf_puts(b, "\"");
}

static void write_fields(vpc_emitter *E, const char *writer, vpc_buf *pending, vpc_row *from);

/* A merged row keeps its own fields: those of the input it came from. */
static void write_merged_fields(vpc_emitter *E, const char *writer, vpc_buf *pending)
{
    vpc_row *r = E->rowlayout;
    vpc_cw *w = E->w;
    vpc_buf start = {0};
    vpc_buf_put(&start, pending->p, pending->n);
    pending->n = 0;
    vpc_cw_open(w, "switch (%ssrc)", E->row);
    for (uint32_t k = 0; k < r->nparts; k++) {
        bool seen = false;
        for (uint32_t j = 0; j < k; j++) seen |= r->parts[j] == r->parts[k];
        if (seen) continue;
        vpc_cw_line(w, "case %u: {", k);
        w->indent++;
        vpc_buf_put(pending, start.p, start.n);
        write_fields(E, writer, pending, r->parts[k]);
        raw_json(E, writer, pending->p, pending->n);
        pending->n = 0;
        vpc_cw_line(w, "break;");
        w->indent--;
        vpc_cw_line(w, "}");
    }
    vpc_cw_line(w, "default:");
    vpc_cw_line(w, "    break;");
    vpc_cw_close(w, NULL);
    vpc_buf_free(&start);
}

/* The current row's fields as `,"name":value` (pass-through). */
static void write_row_fields(vpc_emitter *E, const char *writer, vpc_buf *pending)
{
    vpc_row *r = E->rowlayout;
    if (r->nparts && !r->joined && !r->implicit) {
        write_merged_fields(E, writer, pending);
        return;
    }
    write_fields(E, writer, pending, NULL);
}

/* The current row's fields; only those `from` has (by name) when given. */
static void write_fields(vpc_emitter *E, const char *writer, vpc_buf *pending, vpc_row *from)
{
    vpc_row *r = E->rowlayout;
    if (r->implicit) {
        raw_json(E, writer, pending->p, pending->n);
        pending->n = 0;
        vpc_cw_line(E->w, "vp_w_fields(%s, %sraw);", writer, E->row);
        return;
    }
    uint32_t n = from ? from->nfields : r->nfields;
    for (uint32_t i = 0; i < n; i++) {
        vpc_rfield *f = &r->fields[i];
        if (from) { /* in the source's own order */
            f = NULL;
            for (uint32_t j = 0; j < r->nfields && !f; j++)
                if (r->fields[j].name == from->fields[i].name && !r->fields[j].qualified) f = &r->fields[j];
            if (!f) continue;
        }
        /* a joined row passes its unqualified fields on (first source
         * winning), as its bare names read them; Src.field stays internal */
        if (f->qualified) continue;
        json_key(pending, strcmp(f->name->name, "stream") ? f->name->name : "_stream", false);
        raw_json(E, writer, pending->p, pending->n);
        pending->n = 0;
        vpc_cval c = {f->ty, F("%sf_%s", E->row, f->name->name),
                      vpc_emit_has_null_flag(f->ty) ? F("%sn_%s", E->row, f->name->name) : NULL};
        vpc_emit_write_value(E, writer, c);
    }
}

void vpc_emit_op_comment(vpc_emitter *E, vpc_link *l)
{
    vpc_buf b = {0};
    vpc_cw_snippet(E->ctx, l->span, &b, 100);
    const vpc_source *s = E->ctx->sources[l->span.file];
    uint32_t line, col;
    vpc_source_linecol(s, l->span.off, &line, &col);
    vpc_cw_comment(E->w, "%s (line %u)", vpc_buf_cstr(&b), line);
    vpc_buf_free(&b);
}

/* Evaluates named items, then fills a new row `r<id>` with them. */
static vpc_cval *eval_items(vpc_emitter *E, vpc_opnode *op)
{
    vpc_cval *vals = VPC_NEW_N(&E->ctx->ir, vpc_cval, op->nitems ? op->nitems : 1);
    for (uint32_t i = 0; i < op->nitems; i++) vals[i] = vpc_emit_user_expr(E, op->items[i].value);
    return vals;
}

static void build_row(vpc_emitter *E, vpc_opnode *op, vpc_cval *vals)
{
    vpc_cw *w = E->w;
    vpc_row *r = op->out;
    vpc_cw_line(w, "%s p%u;", r->cname, op->id);
    vpc_cw_line(w, "p%u.time = %stime;", op->id, E->row);
    if (vpc_emit_row_has_part(E, r)) vpc_cw_line(w, "p%u.part = %spart;", op->id, E->row);
    for (uint32_t i = 0; i < op->nitems; i++) {
        vpc_rfield *f = &r->fields[i];
        const char *n = f->name->name;
        if (!vpc_emit_has_null_flag(f->ty)) {
            vpc_cw_line(w, "p%u.f_%s = %s;", op->id, n, vpc_emit_box(E, vals[i]));
        } else {
            vpc_cw_line(w, "p%u.f_%s = %s;", op->id, n, vpc_emit_as(E, vals[i], f->ty));
            vpc_cw_line(w, "p%u.n_%s = %s;", op->id, n, vals[i].n ? vals[i].n : "false");
        }
    }
    E->row = F("p%u.", op->id);
    E->rowlayout = r;
}

static void emit_where(vpc_emitter *E, vpc_opnode *op)
{
    vpc_emit_user_test(E, op->cond, "", "return");
}

/* A projection's row is built only when a later operator or stream reads it. */
static bool row_needed(vpc_stream *st, vpc_opnode *op) { return op + 1 < st->ops + st->nops || st->nconsumers; }

static void emit_emit(vpc_emitter *E, vpc_stream *st, vpc_opnode *op)
{
    vpc_cw *w = E->w;
    vpc_buf pending = {0};
    line_start(E, st, &pending);
    if (op->nitems == 0) {
        vpc_cw_block(w);
        vpc_cw_line(w, "vp_w *w = vp_out(ctx);");
        write_row_fields(E, "w", &pending);
    } else {
        vpc_cval *vals = eval_items(E, op);
        vpc_cw_block(w);
        vpc_cw_line(w, "vp_w *w = vp_out(ctx);");
        for (uint32_t i = 0; i < op->nitems; i++) {
            json_key(&pending, op->items[i].name->name, false);
            raw_json(E, "w", pending.p, pending.n);
            pending.n = 0;
            vpc_emit_write_value(E, "w", vals[i]);
        }
        vpc_buf_putc(&pending, '}');
        raw_json(E, "w", pending.p, pending.n);
        pending.n = 0;
        vpc_cw_line(w, "vp_w_end(w);");
        vpc_cw_close(w, NULL);
        if (row_needed(st, op)) build_row(E, op, vals);
        vpc_buf_free(&pending);
        return;
    }
    vpc_buf_putc(&pending, '}');
    raw_json(E, "w", pending.p, pending.n);
    vpc_cw_line(w, "vp_w_end(w);");
    vpc_cw_close(w, NULL);
    vpc_buf_free(&pending);
}

static void emit_print(vpc_emitter *E, vpc_stream *st, vpc_opnode *op)
{
    vpc_cw *w = E->w;
    vpc_cval *vals = eval_items(E, op);
    vpc_cw_block(w);
    vpc_cw_line(w, "vp_w *e = vp_err(ctx);");
    if (op->nitems == 0) { /* the row as JSON */
        vpc_buf pending = {0};
        line_start(E, st, &pending);
        write_row_fields(E, "e", &pending);
        vpc_buf_putc(&pending, '}');
        raw_json(E, "e", pending.p, pending.n);
        vpc_buf_free(&pending);
    }
    for (uint32_t i = 0; i < op->nitems; i++) {
        if (i) vpc_cw_line(w, "vp_w_raw(e, \" \", 1);");
        vpc_cval c = vals[i];
        if (c.ty == VPC_TY_STR && c.n)
            vpc_cw_line(w, "if (%s) vp_w_null(e); else vp_w_str_raw(e, %s);", c.n, c.v);
        else if (c.ty == VPC_TY_STR)
            vpc_cw_line(w, "vp_w_str_raw(e, %s);", c.v);
        else if (c.ty == VPC_TY_DYN) vpc_cw_line(w, "vp_w_val_raw(e, %s);", c.v);
        else vpc_emit_write_value(E, "e", c);
    }
    vpc_cw_line(w, "vp_w_end(e);");
    vpc_cw_close(w, NULL);
}

static void emit_log(vpc_emitter *E, vpc_stream *st, vpc_opnode *op)
{
    vpc_cw *w = E->w;
    vpc_cval msg = {0}, data = {0};
    if (op->log_message) msg = vpc_emit_user_expr(E, op->log_message);
    if (op->log_data) data = vpc_emit_user_expr(E, op->log_data);
    vpc_buf pending = {0};
    vpc_buf_puts(&pending, "{\"level\":\"");
    if (op->log_level) {
        vpc_buf esc = {0};
        for (size_t i = 0; i < op->log_level->u.s.n; i++) {
            char c = op->log_level->u.s.p[i];
            if (c == '"' || c == '\\') vpc_buf_putc(&pending, '\\');
            if ((unsigned char)c >= 0x20) vpc_buf_putc(&pending, c);
        }
        vpc_buf_free(&esc);
    } else {
        vpc_buf_puts(&pending, "info");
    }
    vpc_buf_puts(&pending, "\",\"stream\":\"");
    vpc_buf_puts(&pending, st->name->name);
    vpc_buf_puts(&pending, "\"");
    vpc_cw_block(w);
    vpc_cw_line(w, "vp_w *e = vp_err(ctx);");
    if (op->log_message) {
        json_key(&pending, "message", false);
        raw_json(E, "e", pending.p, pending.n);
        pending.n = 0;
        vpc_emit_write_value(E, "e", msg);
    }
    if (op->log_data) {
        json_key(&pending, "data", false);
        raw_json(E, "e", pending.p, pending.n);
        pending.n = 0;
        vpc_emit_write_value(E, "e", data);
    }
    vpc_buf_putc(&pending, '}');
    raw_json(E, "e", pending.p, pending.n);
    vpc_cw_line(w, "vp_w_end(e);");
    vpc_cw_close(w, NULL);
    vpc_buf_free(&pending);
}

void vpc_emit_ops(vpc_emitter *E, vpc_stream *st, uint32_t from, uint32_t to)
{
    vpc_cw *w = E->w;
    for (uint32_t i = from; i < to; i++) {
        vpc_opnode *op = &st->ops[i];
        vpc_emit_op_comment(E, op->link);
        switch (op->kind) {
        case VPC_OPK_WHERE: emit_where(E, op); break;
        case VPC_OPK_SELECT: {
            vpc_cval *vals = eval_items(E, op);
            if (row_needed(st, op)) build_row(E, op, vals);
            break;
        }
        case VPC_OPK_EMIT: emit_emit(E, st, op); break;
        case VPC_OPK_PRINT: emit_print(E, st, op); break;
        case VPC_OPK_LOG: emit_log(E, st, op); break;
        case VPC_OPK_LIMIT:
            vpc_cw_line(w, "if (q_limit_%u >= %lld) return;", op->id, (long long)op->limit);
            vpc_cw_line(w, "q_limit_%u++;", op->id);
            break;
        case VPC_OPK_WINDOW:
        case VPC_OPK_AGGREGATE:
            vpc_ice("window operators are emitted by emit_window.c");
        }
    }
}

const char *vpc_emit_row_ptr(vpc_emitter *E)
{
    /* r0 itself, or a projection's local */
    return !strcmp(E->row, "r0->") ? "r0" : F("&%.*s", (int)strlen(E->row) - 1, E->row);
}

void vpc_emit_push(vpc_emitter *E, vpc_stream *st)
{
    if (st->nconsumers) vpc_cw_line(E->w, "q_push_%s(ctx, %s);", st->name->name, vpc_emit_row_ptr(E));
}

void vpc_emit_stream_comment(vpc_emitter *E, vpc_stream *st)
{
    const vpc_source *s = E->ctx->sources[st->decl->name_span.file];
    uint32_t line, col;
    vpc_source_linecol(s, st->decl->name_span.off, &line, &col);
    const char *base = strrchr(s->name, '/');
    vpc_cw_comment(E->w, "stream %s (%s:%u)", st->name->name, base ? base + 1 : s->name, line);
}

static void emit_stream(vpc_emitter *E, vpc_stream *st)
{
    if (st->pat) vpc_emit_pattern_entries(E, st);
    else vpc_emit_source_entries(E, st);
    if (st->win) {
        vpc_emit_window_stream(E, st);
        return;
    }
    vpc_cw *w = E->w;
    vpc_emit_stream_comment(E, st);
    vpc_cw_open(w, "static void st_%s(vp_ctx *ctx, const %s *r0)", st->name->name, in_type(st));
    vpc_cw_line(w, "(void)ctx;");
    E->row = "r0->";
    E->rowlayout = st->in;
    E->depth = "0";
    vpc_emit_ops(E, st, 0, st->nops);
    vpc_emit_push(E, st);
    vpc_cw_close(w, NULL);
    vpc_cw_blank(w);
}

void vpc_emit_streams(vpc_emitter *E)
{
    for (uint32_t i = 0; i < E->prog->nstreams; i++) emit_stream(E, E->prog->streams[i]);
    if (E->has_queue) emit_drain(E);
}

void vpc_emit_state_init(vpc_emitter *E)
{
    bool any = false;
    vpc_emit_event_parts_state(E);
    for (uint32_t i = 0; i < E->prog->nstreams; i++) {
        vpc_stream *st = E->prog->streams[i];
        for (uint32_t j = 0; j < st->nops; j++) {
            if (st->ops[j].kind != VPC_OPK_LIMIT) continue;
            vpc_cw_line(E->w, "static int64_t q_limit_%u; /* rows passed by %s's .limit() */", st->ops[j].id,
                        st->name->name);
            any = true;
        }
        if (st->win) {
            vpc_emit_window_state(E, st);
            any = true;
        }
        if (st->join) {
            vpc_emit_source_state(E, st);
            any = true;
        }
        if (st->pat) {
            vpc_emit_pattern_state(E, st);
            any = true;
        }
    }
    if (!any) vpc_cw_comment(E->w, "no operator keeps state");
}
