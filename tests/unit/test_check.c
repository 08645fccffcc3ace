/* test_check.c — name resolution, schemas and types (the check stage). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

typedef struct checked {
    vpc_ctx ctx;
    vpc_ast ast;
    vpc_program *prog;
    char *diags;
} checked;

static void check_text(checked *c, const char *text)
{
    memset(c, 0, sizeof *c);
    vpc_ctx_init(&c->ctx);
    size_t n = 0;
    FILE *f = open_memstream(&c->diags, &n);
    c->prog = vpc_frontend(&c->ctx, "t.vpl", text, &c->ast, f);
    fclose(f);
}

static void done(checked *c)
{
    free(c->diags);
    vpc_ctx_free(&c->ctx);
}

static vpc_row *event(vpc_program *p, const char *name)
{
    for (uint32_t i = 0; i < p->nevents; i++)
        if (!strcmp(p->events[i]->event->name, name)) return p->events[i];
    return NULL;
}

Test(check, declared_event_fields_keep_declaration_order_and_types)
{
    checked c;
    check_text(&c, "event T:\n    a: int\n    b: float?\n    c: str\n    d: timestamp\nstream S = T.emit()\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_row *r = event(c.prog, "T");
    cr_assert_not_null(r);
    cr_assert_eq(r->nfields, 4);
    cr_expect_str_eq(r->fields[0].name->name, "a");
    cr_expect_eq(r->fields[0].ty, VPC_TY_INT);
    cr_expect_eq(r->fields[1].ty, VPC_TY_FLOAT);
    cr_expect(r->fields[1].optional);
    cr_expect_eq(r->fields[2].ty, VPC_TY_STR);
    cr_expect_eq(r->fields[3].ty, VPC_TY_TS);
    cr_expect(!r->implicit);
    done(&c);
}

Test(check, extends_puts_base_fields_first)
{
    checked c;
    check_text(&c, "event Base:\n    id: int\nevent D extends Base:\n    x: str\nstream S = D.emit()\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_row *r = event(c.prog, "D");
    cr_assert_eq(r->nfields, 2);
    cr_expect_str_eq(r->fields[0].name->name, "id");
    cr_expect_str_eq(r->fields[1].name->name, "x");
    done(&c);
}

Test(check, undeclared_event_schema_is_inferred_from_use)
{
    checked c;
    check_text(&c, "stream S = Reading.where(temp > 1.0).emit(s: sensor, t: temp)\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_row *r = event(c.prog, "Reading");
    cr_assert_not_null(r);
    cr_expect(r->implicit);
    cr_assert_eq(r->nfields, 2, "temp and sensor, each once");
    cr_expect_str_eq(r->fields[0].name->name, "temp");
    cr_expect_str_eq(r->fields[1].name->name, "sensor");
    cr_expect_eq(r->fields[0].ty, VPC_TY_DYN);
    done(&c);
}

Test(check, derived_stream_rows_carry_projected_types)
{
    checked c;
    check_text(&c, "event T:\n    p: float\n    q: int\n"
                   "stream A = T.select(x: p * q, y: q / 2, z: p > 1.0, w: \"s\")\nstream B = A.emit()\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_stream *a = c.prog->streams[0];
    cr_assert_eq(a->out->nfields, 4);
    cr_expect_eq(a->out->fields[0].ty, VPC_TY_FLOAT);
    cr_expect_eq(a->out->fields[1].ty, VPC_TY_INT);
    cr_expect_eq(a->out->fields[2].ty, VPC_TY_BOOL);
    cr_expect_eq(a->out->fields[3].ty, VPC_TY_STR);
    cr_expect_eq(c.prog->streams[1]->src_stream, a);
    cr_expect_eq(a->nconsumers, 1);
    done(&c);
}

Test(check, streams_may_be_used_before_declaration)
{
    checked c;
    check_text(&c, "stream B = A.emit()\nstream A = T.where(x > 1)\n");
    cr_expect_not_null(c.prog, "%s", c.diags);
    done(&c);
}

Test(check, strict_mode_rejects_unknown_sources)
{
    checked c;
    check_text(&c, "event Trade:\n    price: float\nstream S = Trad.emit()\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "t.vpl:3:12: error: unknown stream or event type 'Trad' (did you mean 'Trade'?)"),
              "%s", c.diags);
    done(&c);
}

Test(check, unknown_field_on_projected_row)
{
    checked c;
    check_text(&c, "event T:\n    a: int\nstream S = T.select(total: a).where(totl > 1)\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "unknown field 'totl' on stream 'S' (did you mean 'total'?)"), "%s", c.diags);
    done(&c);
}

Test(check, field_shadowing_a_global_warns)
{
    checked c;
    check_text(&c, "const price = 1.0\nevent T:\n    price: float\nstream S = T.where(price > 2.0).emit()\n");
    cr_expect_not_null(c.prog, "%s", c.diags);
    cr_expect(strstr(c.diags, "warning: field 'price' shadows the global of the same name [-Wshadow]"), "%s",
              c.diags);
    done(&c);
}

Test(check, globals_see_only_earlier_globals)
{
    checked c;
    check_text(&c, "let a = b + 1\nlet b = 2\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "unknown name 'b'"), "%s", c.diags);
    done(&c);
}

Test(check, function_return_type_is_checked)
{
    checked c;
    check_text(&c, "fn f(x: int) -> str:\n    x + 1\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "function 'f' returns str, found int"), "%s", c.diags);
    done(&c);
}

Test(check, break_outside_loop)
{
    checked c;
    check_text(&c, "fn f(x: int) -> int:\n    break\n    x\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "'break' outside a loop"), "%s", c.diags);
    done(&c);
}

Test(check, unknown_context_is_an_error)
{
    checked c;
    check_text(&c, "context fast\nevent T:\n    a: int\nstream S = T.context(fats).emit()\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "unknown context 'fats' (did you mean 'fast'?)"), "%s", c.diags);
    done(&c);
}

Test(check, int_and_float_compare_and_mix)
{
    checked c;
    check_text(&c, "event T:\n    i: int\n    f: float\nstream S = T.select(a: i + f, b: i == f, c: i / 2)\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_row *out = c.prog->streams[0]->out;
    cr_expect_eq(out->fields[0].ty, VPC_TY_FLOAT);
    cr_expect_eq(out->fields[1].ty, VPC_TY_BOOL);
    cr_expect_eq(out->fields[2].ty, VPC_TY_INT);
    done(&c);
}

Test(check, every_error_is_reported_in_one_run)
{
    checked c;
    check_text(&c, "event T:\n    a: int\nstream A = T.where(b > 1)\nstream B = T.emit(x: nope(a))\n"
                   "stream C = T.where(a)\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "t.vpl:3:20: error"), "%s", c.diags);
    cr_expect(strstr(c.diags, "t.vpl:4:22: error: unknown function 'nope'"), "%s", c.diags);
    cr_expect(strstr(c.diags, "t.vpl:5:20: error: condition must be bool, found int"), "%s", c.diags);
    done(&c);
}

Test(check, aggregate_row_has_key_then_items_with_aggregate_types)
{
    checked c;
    check_text(&c, "event T:\n    k: str\n    x: int\n    s: str?\n"
                   "stream A = T.window(1m).aggregate(n: count(), t: sum(x), f: first(s), m: max(x) + 1)"
                   ".partition_by(k)\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_stream *st = c.prog->streams[0];
    cr_assert_not_null(st->win);
    cr_expect_eq(st->win->kind, VPC_W_TIME);
    cr_expect_eq(st->win->slide, st->win->size, "tumbling: windows do not overlap");
    cr_expect_eq(st->win->nwin, 1);
    cr_expect_eq(st->win->size, 60000000000LL);
    cr_assert_eq(st->win->nkeys, 1, "partition_by applies wherever it stands");
    cr_assert_eq(st->win->naggs, 4);
    vpc_row *r = st->out;
    cr_assert_eq(r->nfields, 5);
    static const char *const names[] = {"k", "n", "t", "f", "m"};
    static const vpc_ty tys[] = {VPC_TY_STR, VPC_TY_INT, VPC_TY_FLOAT, VPC_TY_STR, VPC_TY_FLOAT};
    for (int i = 0; i < 5; i++) {
        cr_expect_str_eq(r->fields[i].name->name, names[i]);
        cr_expect_eq(r->fields[i].ty, tys[i], "field %s", names[i]);
    }
    done(&c);
}

Test(check, item_named_like_the_key_replaces_it)
{
    checked c;
    check_text(&c, "event T:\n    k: str\n    x: int\n"
                   "stream A = T.partition_by(k).window(10).aggregate(n: count(), k: upper(k))\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_row *r = c.prog->streams[0]->out;
    cr_assert_eq(r->nfields, 2);
    cr_expect_str_eq(r->fields[0].name->name, "n");
    cr_expect_str_eq(r->fields[1].name->name, "k");
    cr_expect(!c.prog->streams[0]->win->keys[0].in_output);
    done(&c);
}

Test(check, bare_field_in_aggregate_is_an_error)
{
    checked c;
    check_text(&c, "event T:\n    k: str\n    x: int\nstream A = T.window(1m).aggregate(y: x)\n");
    cr_expect_null(c.prog);
    cr_expect_not_null(strstr(c.diags, "bare field 'x' in .aggregate()"), "%s", c.diags);
    done(&c);
}

Test(check, end_of_input_order_is_topological_then_declaration)
{
    checked c;
    check_text(&c, "stream C = B.emit()\nstream A = T.emit()\nstream B = T.emit()\nstream D = C.emit()\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    static const char *const want[] = {"A", "B", "C", "D"};
    for (int i = 0; i < 4; i++) cr_expect_str_eq(c.prog->end_order[i]->name->name, want[i]);
    done(&c);
}

Test(check, window_bounds_come_from_config)
{
    checked c;
    check_text(&c, "config {\n    max_partitions: 7,\n    max_window_rows: 9\n}\nstream A = T.window(3).emit()\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    cr_expect_eq(c.prog->max_partitions, 7);
    cr_expect_eq(c.prog->max_window_rows, 9);
    done(&c);
    check_text(&c, "config {\n    max_partitions: 0\n}\nstream A = T.window(3).emit()\n");
    cr_expect_null(c.prog);
    cr_expect_not_null(strstr(c.diags, "config 'max_partitions' must be a positive integer"), "%s", c.diags);
    done(&c);
}

/* ---- pattern forms lowered onto one plan (LANGUAGE.md §4.1, §5.1) ---- */

static const char *const pattern_events = "event A:\n    id: int\nevent B:\n    id: int\nevent C:\n    id: int\n";

static void check_with_events(checked *c, const char *streams)
{
    char text[1024];
    snprintf(text, sizeof text, "%s%s", pattern_events, streams);
    check_text(c, text);
}

Test(check, sequence_source_is_the_chain_of_its_items)
{
    checked c;
    check_with_events(&c, "stream S = sequence(a: A where id > 0, b: B+ where id == a.id, c: C)\n"
                          "    .within(5s)\n    .emit(n: len(b))\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_pplan *p = c.prog->streams[0]->pat;
    cr_assert_not_null(p);
    cr_assert_eq(p->nsteps, 3);
    cr_expect_eq(p->steps[0].quant, VPC_PQ_ONE);
    cr_expect_eq(p->steps[0].terms[0].nconds, 1, "the item's where");
    cr_expect_eq(p->steps[1].quant, VPC_PQ_PLUS);
    cr_expect_eq(p->within, 5000000000LL);
    cr_assert_eq(p->naliases, 3);
    cr_expect_str_eq(p->aliases[0].name->name, "a");
    cr_expect_str_eq(p->aliases[1].name->name, "b");
    cr_expect_str_eq(p->aliases[2].name->name, "c");
    cr_expect_eq(c.prog->streams[0]->nops, 1, "the emit applies to match rows");
    done(&c);
}

Test(check, all_source_is_a_kleene_first_step)
{
    checked c;
    check_with_events(&c, "stream S = all A as a -> B where id == a.id as b .emit(n: len(a))\n"
                          "stream T = all A as a .where(id > 1) .emit(n: len(a)) .where(n > 2)\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_pplan *s = c.prog->streams[0]->pat;
    cr_assert_eq(s->nsteps, 2);
    cr_expect_eq(s->steps[0].quant, VPC_PQ_PLUS);
    cr_expect(s->aliases[0].kleene);
    vpc_pplan *t = c.prog->streams[1]->pat;
    cr_assert_eq(t->nsteps, 1, "no '->': one step");
    cr_expect_eq(t->steps[0].quant, VPC_PQ_PLUS);
    cr_expect_eq(t->steps[0].terms[0].nconds, 1, "the filter before the emit filters the step's events");
    cr_expect_eq(c.prog->streams[1]->nops, 2, "emit and the filter after it apply to match rows");
    done(&c);
}

Test(check, dot_pattern_turns_the_stream_into_a_pattern_stream)
{
    checked c;
    check_with_events(&c, "stream S = B .where(id > 0)\n"
                          "    .pattern(p: B as b -> (A as a or C as x) and not C where id == b.id)\n"
                          "    .emit(id: b.id)\n");
    cr_assert_not_null(c.prog, "%s", c.diags);
    vpc_stream *st = c.prog->streams[0];
    vpc_pplan *p = st->pat;
    cr_assert_not_null(p);
    cr_assert_eq(p->nsteps, 2);
    cr_expect_eq(p->steps[0].terms[0].nconds, 1, "the filter before .pattern() filters the first step");
    cr_expect_eq(p->steps[1].kind, VPC_PS_OR);
    cr_expect_eq(p->nnots, 1, "'and not' is a whole-run negation");
    cr_expect_eq(st->ninputs, 3);
    cr_expect_eq(st->nops, 1);
    done(&c);
}

Test(check, dot_pattern_source_must_be_one_of_its_types)
{
    checked c;
    check_with_events(&c, "stream S = C .pattern(p: A as a -> B as b)\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "t.vpl:7:12: error: 'C' is not an event type of the pattern in .pattern()"), "%s",
              c.diags);
    cr_expect(strstr(c.diags, "    stream S = C .pattern(p: A as a -> B as b)\n               ^\n"), "%s", c.diags);
    done(&c);
    check_with_events(&c, "stream S = B .where(id > 1) .pattern(p: A as a -> B as b)\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "t.vpl:7:15: error: .where() before .pattern() filters the first step's events"),
              "%s", c.diags);
    done(&c);
}

Test(check, pattern_forms_misuse_is_reported_at_the_construct)
{
    checked c;
    check_with_events(&c, "stream S = sequence(a: A, n: NOT B)\n"
                          "stream T = A as a -> B as b .pattern(p: A as a -> B as b)\n"
                          "stream U = A .pattern(p: A as a -> B as b) .pattern(q: A as x -> C as y)\n");
    cr_expect_null(c.prog);
    cr_expect(strstr(c.diags, "t.vpl:7:27: error: a sequence() item binds an event"), "%s", c.diags);
    cr_expect(strstr(c.diags, "t.vpl:8:19: error: a stream has one pattern: '->' steps cannot be combined"), "%s",
              c.diags);
    cr_expect(strstr(c.diags, "t.vpl:9:45: error: a stream has one pattern: a second .pattern() is not allowed"),
              "%s", c.diags);
    done(&c);
}

Test(check, merge_without_sources_is_an_error)
{
    checked c;
    check_text(&c, "stream M = merge(\n \n)\n");
    cr_expect_null(c.prog);
    cr_expect_not_null(strstr(c.diags, "merge() needs at least one source"), "%s", c.diags);
    done(&c);
}

Test(check, pattern_without_steps_is_an_error)
{
    checked c;
    check_text(&c, "pattern P = SEQ()\nstream S = P.emit()\n");
    cr_expect_null(c.prog);
    cr_expect_not_null(strstr(c.diags, "a pattern needs at least one step"), "%s", c.diags);
    done(&c);
}

Test(check, range_outside_for_is_an_error)
{
    checked c;
    check_text(&c, "stream X = A\n    .emit(a: b..c)\n");
    cr_expect_null(c.prog);
    cr_expect_not_null(strstr(c.diags, "t.vpl:2:14: error: a range .. is only allowed in `for x in a..b:`"), "%s",
                       c.diags);
    done(&c);
}
