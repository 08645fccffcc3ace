/* ast.c — node kind names, operator spellings and the deterministic
 * S-expression dump used by `--dump=ast` and the golden tests.
 *
 * Dump layout: one form per declaration; the parts of a declaration,
 * statements and stream links each start a new line, indented two spaces
 * per level; expressions and patterns stay on one line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

static const char *const expr_names[] = {
#define VPC_EXPR(k, n) n,
#include "ast.def"
#undef VPC_EXPR
};
static const char *const stmt_names[] = {
#define VPC_STMT(k, n) n,
#include "ast.def"
#undef VPC_STMT
};
static const char *const decl_names[] = {
#define VPC_DECL(k, n) n,
#include "ast.def"
#undef VPC_DECL
};

const char *vpc_expr_kind_name(vpc_expr_kind k) { return (unsigned)k < VPC_E__COUNT ? expr_names[k] : "?"; }
const char *vpc_stmt_kind_name(vpc_stmt_kind k) { return (unsigned)k < VPC_S__COUNT ? stmt_names[k] : "?"; }
const char *vpc_decl_kind_name(vpc_decl_kind k) { return (unsigned)k < VPC_D__COUNT ? decl_names[k] : "?"; }

const char *vpc_op_spelling(vpc_op op)
{
    static const char *const ops[VPC_OP__COUNT] = {
        [VPC_OP_NEG] = "-",     [VPC_OP_BITNOT] = "~",   [VPC_OP_NOT] = "not",
        [VPC_OP_ADD] = "+",     [VPC_OP_SUB] = "-",      [VPC_OP_MUL] = "*",
        [VPC_OP_DIV] = "/",     [VPC_OP_MOD] = "%",      [VPC_OP_POW] = "**",
        [VPC_OP_SHL] = "<<",    [VPC_OP_SHR] = ">>",     [VPC_OP_BAND] = "&",
        [VPC_OP_BXOR] = "^",    [VPC_OP_BOR] = "|",      [VPC_OP_EQ] = "==",
        [VPC_OP_NE] = "!=",     [VPC_OP_LT] = "<",       [VPC_OP_LE] = "<=",
        [VPC_OP_GT] = ">",      [VPC_OP_GE] = ">=",      [VPC_OP_IN] = "in",
        [VPC_OP_NOTIN] = "not in", [VPC_OP_AND] = "and", [VPC_OP_OR] = "or",
        [VPC_OP_XOR] = "xor",   [VPC_OP_COALESCE] = "??", [VPC_OP_RANGE] = "..",
        [VPC_OP_RANGE_INCL] = "..=",
    };
    return (unsigned)op < VPC_OP__COUNT && ops[op] ? ops[op] : "?";
}

/* ---------------------------------------------------------------------------
 * writer */

typedef struct dumper {
    vpc_buf *out;
    int indent;
    bool flat; /* inside an expression: statements stay on the line */
} dumper;

static void put(dumper *d, const char *s) { vpc_buf_puts(d->out, s); }

/* Opens a form on a new line one level deeper: "\n  (name" (or " (name" when flat). */
static void open_line(dumper *d, const char *name)
{
    if (d->flat) {
        vpc_buf_printf(d->out, " (%s", name);
        return;
    }
    d->indent++;
    vpc_buf_putc(d->out, '\n');
    for (int i = 0; i < d->indent; i++) put(d, "  ");
    vpc_buf_printf(d->out, "(%s", name);
}

static void close_line(dumper *d)
{
    put(d, ")");
    if (!d->flat) d->indent--;
}

static void put_sym(dumper *d, const vpc_sym *s) { put(d, s ? s->name : "_"); }

static void put_string(dumper *d, vpc_str s)
{
    vpc_buf_putc(d->out, '"');
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        switch (c) {
        case '"': put(d, "\\\""); break;
        case '\\': put(d, "\\\\"); break;
        case '\n': put(d, "\\n"); break;
        case '\t': put(d, "\\t"); break;
        case '\r': put(d, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7F) vpc_buf_printf(d->out, "\\x%02X", c);
            else vpc_buf_putc(d->out, (char)c);
        }
    }
    vpc_buf_putc(d->out, '"');
}

/* As in program output (LANGUAGE.md §8): integral values below 1e16 as
 * digits plus ".0", others as the shortest text that reads back exactly. */
static void put_float(dumper *d, double f)
{
    char tmp[40];
    if (f < 1e16 && f > -1e16 && f == (double)(long long)f) {
        snprintf(tmp, sizeof tmp, "%.0f", f);
        put(d, tmp);
        put(d, ".0");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, f);
        if (strtod(tmp, NULL) == f) break;
    }
    put(d, tmp);
    if (!strpbrk(tmp, ".eni")) put(d, ".0");
}

/* In the largest unit that divides it exactly: 5m, 1500ms. */
static void put_duration(dumper *d, int64_t ns)
{
    static const struct { const char *unit; int64_t ns; } units[] = {
        {"d", 86400000000000}, {"h", 3600000000000}, {"m", 60000000000},
        {"s", 1000000000},     {"ms", 1000000},      {"us", 1000},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (ns != 0 && ns % units[i].ns == 0) {
            vpc_buf_printf(d->out, "%lld%s", (long long)(ns / units[i].ns), units[i].unit);
            return;
        }
    }
    vpc_buf_printf(d->out, "%lldns", (long long)ns);
}

static void put_type(dumper *d, const vpc_typeref *t)
{
    if (!t) {
        put(d, "_");
        return;
    }
    static const char *const open[] = {"", "[", "{", "(", "<"};
    static const char *const close[] = {"", "]", "}", ")", ">"};
    static const char *const sep[] = {"", "", ": ", ", ", ", "};
    if (t->kind == VPC_TR_NAME || t->kind == VPC_TR_GENERIC) put_sym(d, t->name);
    if (t->kind != VPC_TR_NAME) {
        put(d, open[t->kind]);
        for (uint32_t i = 0; i < t->nitems; i++) {
            if (i) put(d, sep[t->kind]);
            put_type(d, t->items[i]);
        }
        put(d, close[t->kind]);
    }
    if (t->optional) put(d, "?");
}

/* ---------------------------------------------------------------------------
 * expressions and patterns (one line) */

static void dump_expr(dumper *d, const vpc_expr *e);
static void dump_pat(dumper *d, const vpc_pat *p);
static void dump_stmt(dumper *d, const vpc_stmt *s);

static void sp_expr(dumper *d, const vpc_expr *e)
{
    put(d, " ");
    dump_expr(d, e);
}

static void dump_args(dumper *d, const vpc_arg *args, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (args[i].name) {
            put(d, " (arg ");
            put_sym(d, args[i].name);
            sp_expr(d, args[i].value);
            put(d, ")");
        } else {
            sp_expr(d, args[i].value);
        }
    }
}

static void dump_lambda(dumper *d, const vpc_expr *e)
{
    put(d, " (");
    for (uint32_t i = 0; i < e->u.lambda.nparams; i++) {
        if (i) put(d, " ");
        put_sym(d, e->u.lambda.params[i]);
    }
    put(d, ")");
    bool flat = d->flat;
    d->flat = true;
    for (uint32_t i = 0; i < e->u.lambda.nlets; i++) dump_stmt(d, e->u.lambda.lets[i]);
    d->flat = flat;
    sp_expr(d, e->u.lambda.body);
}

static void dump_expr_body(dumper *d, const vpc_expr *e)
{
    switch (e->kind) {
    case VPC_E_INT: vpc_buf_printf(d->out, " %lld", (long long)e->u.i); break;
    case VPC_E_FLOAT: put(d, " "); put_float(d, e->u.f); break;
    case VPC_E_STR: put(d, " "); put_string(d, e->u.s); break;
    case VPC_E_BOOL: put(d, e->u.b ? " true" : " false"); break;
    case VPC_E_NULL: break;
    case VPC_E_DUR: put(d, " "); put_duration(d, e->u.i); break;
    case VPC_E_TS: vpc_buf_printf(d->out, " %lld", (long long)e->u.i); break;
    case VPC_E_NAME: put(d, " "); put_sym(d, e->u.name); break;
    case VPC_E_MEMBER:
        sp_expr(d, e->u.member.obj);
        put(d, " ");
        put_sym(d, e->u.member.name);
        break;
    case VPC_E_INDEX: sp_expr(d, e->u.index.obj); sp_expr(d, e->u.index.index); break;
    case VPC_E_SLICE:
        sp_expr(d, e->u.slice.obj);
        sp_expr(d, e->u.slice.lo);
        sp_expr(d, e->u.slice.hi);
        break;
    case VPC_E_CALL:
        sp_expr(d, e->u.call.callee);
        dump_args(d, e->u.call.args, e->u.call.nargs);
        break;
    case VPC_E_UNARY:
        vpc_buf_printf(d->out, " %s", vpc_op_spelling(e->u.unary.op));
        sp_expr(d, e->u.unary.operand);
        break;
    case VPC_E_BINARY:
        vpc_buf_printf(d->out, " %s", vpc_op_spelling(e->u.binary.op));
        sp_expr(d, e->u.binary.lhs);
        sp_expr(d, e->u.binary.rhs);
        break;
    case VPC_E_IS:
        sp_expr(d, e->u.is.operand);
        if (e->u.is.is_null) {
            put(d, " null");
        } else {
            put(d, " (type ");
            put_type(d, e->u.is.type);
            put(d, ")");
        }
        break;
    case VPC_E_COND:
        sp_expr(d, e->u.cond.cond);
        sp_expr(d, e->u.cond.then);
        sp_expr(d, e->u.cond.els);
        break;
    case VPC_E_ARRAY:
        for (uint32_t i = 0; i < e->u.array.nitems; i++) sp_expr(d, e->u.array.items[i]);
        break;
    case VPC_E_MAP:
        for (uint32_t i = 0; i < e->u.map.nitems; i++) {
            put(d, " (");
            dump_expr(d, e->u.map.keys[i]);
            sp_expr(d, e->u.map.values[i]);
            put(d, ")");
        }
        break;
    case VPC_E_LAMBDA: dump_lambda(d, e); break;
    case VPC_E_DISTINCT: sp_expr(d, e->u.distinct); break;
    case VPC_E_PATTERN: put(d, " "); dump_pat(d, e->u.pattern); break;
    default: break;
    }
}

static void dump_expr(dumper *d, const vpc_expr *e)
{
    if (!e) {
        put(d, "_");
        return;
    }
    const char *name = vpc_expr_kind_name(e->kind);
    if (e->kind == VPC_E_MEMBER && e->u.member.optional) name = "member?";
    if (e->kind == VPC_E_IS && e->u.is.negated) name = "is-not";
    vpc_buf_printf(d->out, "(%s", name);
    dump_expr_body(d, e);
    put(d, ")");
}

static void dump_step(dumper *d, const vpc_step *s)
{
    static const char *const quant[] = {"", "+", "*", "?"};
    put(d, "(step ");
    if (s->negated) put(d, "not ");
    put_sym(d, s->type);
    put(d, quant[s->quant & 3]);
    if (s->where) {
        put(d, " (where ");
        dump_expr(d, s->where);
        put(d, ")");
    }
    if (s->alias) {
        put(d, " (as ");
        put_sym(d, s->alias);
        put(d, ")");
    }
    put(d, ")");
}

static void dump_pat(dumper *d, const vpc_pat *p)
{
    static const char *const names[] = {"step", "seq", "and", "or", "xor", "and-not"};
    if (!p) {
        put(d, "_");
        return;
    }
    if (p->kind == VPC_P_STEP) {
        dump_step(d, &p->step);
        return;
    }
    vpc_buf_printf(d->out, "(%s", names[p->kind]);
    for (uint32_t i = 0; i < p->nitems; i++) {
        put(d, " ");
        dump_pat(d, p->items[i]);
    }
    if (p->kind == VPC_P_AND_NOT) {
        put(d, " ");
        dump_step(d, &p->step);
    }
    put(d, ")");
}

/* ---------------------------------------------------------------------------
 * statements (one per line) */

static void dump_block(dumper *d, const char *name, const vpc_block *b)
{
    open_line(d, name);
    for (uint32_t i = 0; i < b->nitems; i++) dump_stmt(d, b->items[i]);
    close_line(d);
}

static void dump_if(dumper *d, const vpc_stmt *s)
{
    for (uint32_t i = 0; i < s->u.if_.nconds; i++) {
        if (i) open_line(d, "elif");
        sp_expr(d, s->u.if_.conds[i]);
        dump_block(d, "block", &s->u.if_.blocks[i]);
        if (i) close_line(d);
    }
    if (s->u.if_.els) {
        open_line(d, "else");
        dump_block(d, "block", s->u.if_.els);
        close_line(d);
    }
}

static void dump_stmt_body(dumper *d, const vpc_stmt *s)
{
    switch (s->kind) {
    case VPC_S_EXPR: sp_expr(d, s->u.expr); break;
    case VPC_S_RETURN: if (s->u.expr) sp_expr(d, s->u.expr); break;
    case VPC_S_LET:
        put(d, " ");
        put_sym(d, s->u.let.name);
        if (s->u.let.type) {
            put(d, " (type ");
            put_type(d, s->u.let.type);
            put(d, ")");
        }
        sp_expr(d, s->u.let.init);
        break;
    case VPC_S_ASSIGN:
        put(d, " ");
        put_sym(d, s->u.assign.name);
        sp_expr(d, s->u.assign.value);
        break;
    case VPC_S_IF: dump_if(d, s); break;
    case VPC_S_FOR:
        put(d, " ");
        put_sym(d, s->u.for_.var);
        sp_expr(d, s->u.for_.iter);
        dump_block(d, "block", &s->u.for_.body);
        break;
    case VPC_S_WHILE:
        sp_expr(d, s->u.while_.cond);
        dump_block(d, "block", &s->u.while_.body);
        break;
    case VPC_S_EMIT:
        put(d, " ");
        put_sym(d, s->u.emit.type);
        dump_args(d, s->u.emit.args, s->u.emit.nargs);
        break;
    default: break;
    }
}

static void dump_stmt(dumper *d, const vpc_stmt *s)
{
    const char *name = vpc_stmt_kind_name(s->kind);
    if (s->kind == VPC_S_LET) name = s->u.let.is_const ? "const" : s->u.let.mutable_ ? "var" : "let";
    open_line(d, name);
    dump_stmt_body(d, s);
    close_line(d);
}

/* ---------------------------------------------------------------------------
 * streams */

static void dump_body(dumper *d, const vpc_stream_body *b);

static void dump_inline(dumper *d, const vpc_inline_stream *it)
{
    open_line(d, "inline");
    if (it->name) {
        put(d, " ");
        put_sym(d, it->name);
    }
    dump_body(d, &it->body);
    if (it->on) {
        open_line(d, "on");
        sp_expr(d, it->on);
        close_line(d);
    }
    close_line(d);
}

static void dump_source(dumper *d, const vpc_source_expr *s)
{
    static const char *const names[] = {"source", "merge", "join", "sequence"};
    if (!s) return;
    open_line(d, names[s->kind]);
    if (s->kind == VPC_SRC_NAME) {
        if (s->all) put(d, " all");
        put(d, " ");
        put_sym(d, s->name);
        if (s->call) {
            put(d, " (args");
            dump_args(d, s->args, s->nargs);
            put(d, ")");
        }
        if (s->alias) {
            put(d, " (as ");
            put_sym(d, s->alias);
            put(d, ")");
        }
    }
    for (uint32_t i = 0; i < s->nitems; i++) dump_inline(d, s->items[i]);
    for (uint32_t i = 0; i < s->nsteps; i++) {
        put(d, " ");
        dump_step(d, &s->steps[i]);
    }
    close_line(d);
}

static void dump_link(dumper *d, const vpc_link *l)
{
    if (l->kind == VPC_L_STEP) {
        open_line(d, "->");
        put(d, " ");
        dump_step(d, &l->step);
        close_line(d);
        return;
    }
    open_line(d, "op");
    put(d, " ");
    put_sym(d, l->op);
    if (!l->has_parens) put(d, " (no-parens)");
    if (l->emit_as) {
        put(d, " (as ");
        put_sym(d, l->emit_as);
        put(d, ")");
    }
    if (l->not_term) {
        put(d, " ");
        dump_step(d, l->not_term);
    }
    dump_args(d, l->args, l->nargs);
    close_line(d);
}

static void dump_body(dumper *d, const vpc_stream_body *b)
{
    dump_source(d, b->source);
    for (uint32_t i = 0; i < b->nlinks; i++) dump_link(d, &b->links[i]);
}

/* ---------------------------------------------------------------------------
 * declarations */

/* A one-line part of a declaration: "\n  (name <expr>)". */
static void part_expr(dumper *d, const char *name, const vpc_expr *e)
{
    open_line(d, name);
    sp_expr(d, e);
    close_line(d);
}

static void part_type(dumper *d, const char *name, const vpc_typeref *t)
{
    open_line(d, name);
    put(d, " ");
    put_type(d, t);
    close_line(d);
}

static void dump_event(dumper *d, const vpc_decl *x)
{
    if (x->u.event.extends) {
        open_line(d, "extends");
        put(d, " ");
        put_sym(d, x->u.event.extends);
        close_line(d);
    }
    for (uint32_t i = 0; i < x->u.event.nfields; i++) {
        open_line(d, "field");
        put(d, " ");
        put_sym(d, x->u.event.fields[i].name);
        put(d, " ");
        put_type(d, x->u.event.fields[i].type);
        close_line(d);
    }
}

static void dump_fn(dumper *d, const vpc_decl *x)
{
    for (uint32_t i = 0; i < x->u.fn.nparams; i++) {
        open_line(d, "param");
        put(d, " ");
        put_sym(d, x->u.fn.params[i].name);
        if (x->u.fn.params[i].type) {
            put(d, " ");
            put_type(d, x->u.fn.params[i].type);
        }
        close_line(d);
    }
    if (x->u.fn.ret) part_type(d, "returns", x->u.fn.ret);
    dump_block(d, "block", &x->u.fn.body);
}

static void dump_decl_body(dumper *d, const vpc_decl *x)
{
    switch (x->kind) {
    case VPC_D_EVENT: dump_event(d, x); break;
    case VPC_D_TYPE: put(d, " "); put_type(d, x->u.type_alias); break;
    case VPC_D_GLOBAL:
        if (x->u.global.type) part_type(d, "type", x->u.global.type);
        part_expr(d, "init", x->u.global.init);
        break;
    case VPC_D_ASSIGN: sp_expr(d, x->u.assign); break;
    case VPC_D_FN: dump_fn(d, x); break;
    case VPC_D_STREAM:
        if (x->u.stream.annot) part_type(d, "annot", x->u.stream.annot);
        dump_body(d, &x->u.stream.body);
        break;
    case VPC_D_PATTERN:
        open_line(d, "pat");
        put(d, " ");
        dump_pat(d, x->u.pattern.pat);
        close_line(d);
        if (x->u.pattern.within) part_expr(d, "within", x->u.pattern.within);
        if (x->u.pattern.partition) part_expr(d, "partition", x->u.pattern.partition);
        break;
    case VPC_D_CONFIG:
        if (x->u.config.block_form) put(d, " (block-form)");
        sp_expr(d, x->u.config.map);
        break;
    case VPC_D_CONNECTOR:
        put(d, " ");
        put_sym(d, x->u.connector.kind);
        dump_args(d, x->u.connector.args, x->u.connector.nargs);
        break;
    case VPC_D_CONTEXT: dump_args(d, x->u.context.args, x->u.context.nargs); break;
    case VPC_D_IMPORT: put(d, " "); put_string(d, x->u.import_path); break;
    case VPC_D_FOR:
        put(d, " ");
        put_sym(d, x->u.for_.var);
        sp_expr(d, x->u.for_.range);
        vpc_buf_printf(d->out, " (body %u %u)", x->u.for_.body_span.off, x->u.for_.body_span.len);
        break;
    default: break;
    }
}

static void dump_decl(dumper *d, const vpc_decl *x)
{
    const char *name = vpc_decl_kind_name(x->kind);
    vpc_buf_printf(d->out, "(%s", name);
    if (x->kind == VPC_D_GLOBAL)
        put(d, x->u.global.is_const ? " const" : x->u.global.mutable_ ? " var" : " let");
    if (x->name) {
        put(d, " ");
        put_sym(d, x->name);
    }
    dump_decl_body(d, x);
    put(d, ")\n");
}

void vpc_ast_dump(const vpc_ast *ast, vpc_buf *out)
{
    dumper d = {out, 0, false};
    for (uint32_t i = 0; i < ast->ndecls; i++) {
        d.indent = 0;
        dump_decl(&d, ast->decls[i]);
    }
}
