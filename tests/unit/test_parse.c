/* test_parse.c — the parser: every declaration and stream form, operator
 * precedence, patterns, diagnostics with positions, recovery, and
 * robustness on truncated input. Trees are compared through vpc_ast_dump
 * with its line breaks collapsed to single spaces. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* ---- helpers ---- */

static vpc_ctx ctx;
static bool live;
static vpc_ast ast;
static bool parsed_ok;

static void reset(void)
{
    if (live) vpc_ctx_free(&ctx);
    live = false;
}
TestSuite(parse, .fini = reset);

static void parse_text(const char *text, size_t n)
{
    reset();
    vpc_ctx_init(&ctx);
    live = true;
    vpc_source *src = vpc_source_from_text(&ctx, "t.vpl", text, n);
    memset(&ast, 0, sizeof ast);
    parsed_ok = vpc_parse(&ctx, src, &ast);
}

/* The dump with runs of whitespace collapsed to one space, trimmed. */
static char *dump(const char *text)
{
    parse_text(text, strlen(text));
    vpc_buf raw = {0}, b = {0};
    vpc_ast_dump(&ast, &raw);
    bool space = false;
    for (size_t i = 0; i < raw.n; i++) {
        char c = raw.p[i];
        if (c == ' ' || c == '\n') {
            space = b.n > 0;
            continue;
        }
        if (space) vpc_buf_putc(&b, ' ');
        space = false;
        vpc_buf_putc(&b, c);
    }
    vpc_buf_free(&raw);
    return (char *)vpc_buf_cstr(&b);
}

/* The dump of `let x = <e>`, reduced to the expression. */
static char *expr(const char *e)
{
    char text[2048];
    snprintf(text, sizeof text, "let x = %s", e);
    char *d = dump(text);
    const char *pre = "(global let x (init ";
    size_t n = strlen(d);
    if (strncmp(d, pre, strlen(pre)) != 0 || n < strlen(pre) + 2) return d;
    memmove(d, d + strlen(pre), n - strlen(pre) - 2);
    d[n - strlen(pre) - 2] = 0;
    return d;
}

/* The dump of `pattern P = <pt>`, reduced to the pattern. */
static char *pat(const char *pt)
{
    char text[2048];
    snprintf(text, sizeof text, "pattern P = %s", pt);
    char *d = dump(text);
    const char *pre = "(pattern P (pat ";
    size_t n = strlen(d);
    if (strncmp(d, pre, strlen(pre)) != 0 || n < strlen(pre) + 2) return d;
    memmove(d, d + strlen(pre), n - strlen(pre) - 2);
    d[n - strlen(pre) - 2] = 0;
    return d;
}

/* The full text of the diagnostics. */
static char *diag_text(void)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (ctx.ndiags > 0) vpc_diag_flush(&ctx, f);
    fclose(f);
    return text;
}

/* The first line of each diagnostic of `text`, joined by '\n'. */
static char *errors(const char *text)
{
    parse_text(text, strlen(text));
    char *all = diag_text();
    vpc_buf b = {0};
    for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == ' ') continue;
        if (b.n) vpc_buf_putc(&b, '\n');
        vpc_buf_puts(&b, line);
    }
    free(all);
    return (char *)vpc_buf_cstr(&b);
}

#define EXPECT_STR(call, want)                              \
    do {                                                    \
        char *got_ = (call);                                \
        cr_expect_str_eq(got_, want, "for %s\ngot:  %s", #call, got_); \
        free(got_);                                         \
    } while (0)
#define EXPECT_DUMP(text, want) EXPECT_STR(dump(text), want)
#define EXPECT_EXPR(text, want) EXPECT_STR(expr(text), want)
#define EXPECT_PAT(text, want) EXPECT_STR(pat(text), want)
#define EXPECT_ERRORS(text, want) EXPECT_STR(errors(text), want)

/* ---- declarations ---- */

Test(parse, event_with_fields_and_types)
{
    EXPECT_DUMP("event Trade:\n    symbol: str\n    price: float\n    venue: str?\n"
                "    tags: [str]\n    m: {str: int}\n    pair: (int, str)\n",
                "(event Trade (field symbol str) (field price float) (field venue str?) "
                "(field tags [str]) (field m {str: int}) (field pair (int, str)))");
}

Test(parse, event_extends)
{
    EXPECT_DUMP("event Fill extends Trade:\n    fill_id: str",
                "(event Fill (extends Trade) (field fill_id str))");
}

Test(parse, event_fields_named_like_keywords)
{
    EXPECT_DUMP("event E:\n    type: str\n    from: int\n    count: int\n    where: str\n    partition: int",
                "(event E (field type str) (field from int) (field count int) (field where str) "
                "(field partition int))");
}

Test(parse, type_alias)
{
    EXPECT_DUMP("type Price = float", "(type Price float)");
    EXPECT_DUMP("type Book = {str: [float?]}?", "(type Book {str: [float?]}?)");
}

Test(parse, globals)
{
    EXPECT_DUMP("const LIMIT = 10000.0\nlet fee_rate = 0.02\nvar counter: int = 0",
                "(global const LIMIT (init (float 10000.0))) (global let fee_rate (init (float 0.02))) "
                "(global var counter (type int) (init (int 0)))");
}

Test(parse, top_level_assignment)
{
    EXPECT_DUMP("counter := counter + 1", "(assign counter (binary + (name counter) (int 1)))");
}

Test(parse, fn_with_block_body)
{
    EXPECT_DUMP("fn notional(price: float, qty: int) -> float:\n    let n = price * qty\n    n\n",
                "(fn notional (param price float) (param qty int) (returns float) (block "
                "(let n (binary * (name price) (name qty))) (expr (name n))))");
}

Test(parse, fn_with_single_expression_body)
{
    EXPECT_DUMP("fn double(x: float) -> float: x * 2.0",
                "(fn double (param x float) (returns float) (block (expr (binary * (name x) (float 2.0)))))");
    EXPECT_DUMP("fn f(a, b): a", "(fn f (param a) (param b) (block (expr (name a))))");
}

Test(parse, fn_if_elif_else)
{
    EXPECT_DUMP("fn bucket(x: float) -> str:\n"
                "    if x > 1000.0:\n        return \"high\"\n"
                "    elif x > 100.0:\n        return \"mid\"\n"
                "    else:\n        return \"low\"\n",
                "(fn bucket (param x float) (returns str) (block (if (binary > (name x) (float 1000.0)) "
                "(block (return (str \"high\"))) (elif (binary > (name x) (float 100.0)) (block (return (str \"mid\")))) "
                "(else (block (return (str \"low\")))))))");
}

Test(parse, fn_statements)
{
    EXPECT_DUMP("fn f(xs: [int]):\n"
                "    var t = 0\n    const k: int = 2\n"
                "    for x in xs:\n        if x is null: continue\n        t := t + x\n"
                "    while t > 0:\n        t := t - 1\n        break\n"
                "    for i in 0..=3:\n        emit Out(i: i, t: t)\n"
                "    return\n",
                "(fn f (param xs [int]) (block (var t (int 0)) (const k (type int) (int 2)) "
                "(for x (name xs) (block (if (is (name x) null) (block (continue))) "
                "(assign t (binary + (name t) (name x))))) "
                "(while (binary > (name t) (int 0)) (block (assign t (binary - (name t) (int 1))) (break))) "
                "(for i (binary ..= (int 0) (int 3)) (block (emit Out (arg i (name i)) (arg t (name t))))) "
                "(return)))");
}

Test(parse, fn_single_line_branches)
{
    EXPECT_DUMP("fn f(x):\n    if x: return 1\n    else: return 2\n",
                "(fn f (param x) (block (if (name x) (block (return (int 1))) (else (block (return (int 2)))))))");
}

Test(parse, fn_conditional_expression_statement)
{
    EXPECT_DUMP("fn f(x):\n    if x then 1 else 2\n",
                "(fn f (param x) (block (expr (if (name x) (int 1) (int 2)))))");
}

Test(parse, nested_blocks_then_declaration)
{
    EXPECT_DUMP("fn f():\n    if a:\n        b\nconst c = 1",
                "(fn f (block (if (name a) (block (expr (name b)))))) (global const c (init (int 1)))");
}

Test(parse, lambda_value)
{
    EXPECT_DUMP("let add = (a, b) => a + b",
                "(global let add (init (lambda (a b) (binary + (name a) (name b)))))");
}

Test(parse, connector_context_import)
{
    EXPECT_DUMP("connector Out = file(path: \"alerts.jsonl\")\n"
                "connector Bus = kafka(brokers: [\"h:9092\"], group_id: \"vpc\")\n"
                "context fast (cores: [0, 1])\ncontext slow\nimport \"lib/common.vpl\"",
                "(connector Out file (arg path (str \"alerts.jsonl\"))) "
                "(connector Bus kafka (arg brokers (array (str \"h:9092\"))) (arg group_id (str \"vpc\"))) "
                "(context fast (arg cores (array (int 0) (int 1)))) (context slow) (import \"lib/common.vpl\")");
}

Test(parse, config_forms)
{
    EXPECT_DUMP("config {\n    mode: \"low_latency\",\n"
                "    state: { backend: \"in_memory\", checkpoint_interval: 10 seconds }\n}",
                "(config (map ((name mode) (str \"low_latency\")) ((name state) (map ((name backend) "
                "(str \"in_memory\")) ((name checkpoint_interval) (duration 10s))))))");
    EXPECT_DUMP("config tuning { a: 1 b: [1, 2] \"c\": x }",
                "(config tuning (map ((name a) (int 1)) ((name b) (array (int 1) (int 2))) ((str \"c\") (name x))))");
    EXPECT_DUMP("config:\n    mode: \"throughput\"\n    workers: 4,\n",
                "(config (block-form) (map ((name mode) (str \"throughput\")) ((name workers) (int 4))))");
    EXPECT_DUMP("embedding_config { type: \"rule_based\" }",
                "(config embedding_config (map ((name type) (str \"rule_based\"))))");
}

Test(parse, template_for_keeps_raw_body)
{
    const char *src = "for i in 0..3:\n    stream S{i} = T{i}\n        .where(x > {i})\nconst k = 1";
    EXPECT_DUMP(src, "(for i (binary .. (int 0) (int 3)) (body 15 46)) (global const k (init (int 1)))");
    cr_expect(parsed_ok);
}

Test(parse, semicolons_end_declarations)
{
    EXPECT_DUMP("const a = 1; const b = 2;\nconst c = 3",
                "(global const a (init (int 1))) (global const b (init (int 2))) (global const c (init (int 3)))");
}

/* ---- streams ---- */

Test(parse, stream_rust_form)
{
    EXPECT_DUMP("stream Trades = Trade", "(stream Trades (source Trade))");
}

Test(parse, stream_seed_forms)
{
    EXPECT_DUMP("stream Trades from Trade;", "(stream Trades (source Trade))");
    EXPECT_DUMP("stream Big from Trade where price > 10000",
                "(stream Big (source Trade) (op where (binary > (name price) (int 10000))))");
}

Test(parse, stream_derived_and_annotated)
{
    EXPECT_DUMP("stream Big2 = Trades.where(price > 10000)",
                "(stream Big2 (source Trades) (op where (binary > (name price) (int 10000))))");
    EXPECT_DUMP("stream T: Stream<Trade> = Trade", "(stream T (annot Stream<Trade>) (source Trade))");
}

Test(parse, stream_operator_chain_on_continuation_lines)
{
    EXPECT_DUMP("stream Alerts = Trade\n    .where(price > 150.0)\n    .window(5m, sliding: 1m)\n"
                "    .aggregate(avg_p: avg(price), n: count())\n    .emit()",
                "(stream Alerts (source Trade) (op where (binary > (name price) (float 150.0))) "
                "(op window (duration 5m) (arg sliding (duration 1m))) "
                "(op aggregate (arg avg_p (call (name avg) (name price))) (arg n (call (name count)))) (op emit))");
}

Test(parse, operator_variants)
{
    EXPECT_DUMP("stream E = X.first.limit(3).emit as Alert(a: 1).emit({ k: 1 }).emit();",
                "(stream E (source X) (op first (no-parens)) (op limit (int 3)) (op emit (as Alert) (arg a (int 1))) "
                "(op emit (map ((name k) (int 1)))) (op emit))");
    EXPECT_DUMP("stream A = X.aggregate({ a: avg(x), c: count(distinct x) })",
                "(stream A (source X) (op aggregate (map ((name a) (call (name avg) (name x))) "
                "((name c) (call (name count) (distinct (name x)))))))");
}

Test(parse, named_pattern_as_source_with_space_before_dot)
{
    EXPECT_DUMP("stream Climbs = Climb .emit(steps: len(higher))",
                "(stream Climbs (source Climb) (op emit (arg steps (call (name len) (name higher)))))");
}

Test(parse, call_form_source)
{
    EXPECT_DUMP("stream Tick = timer(5s, initial_delay: 1s)",
                "(stream Tick (source timer (args (duration 5s) (arg initial_delay (duration 1s)))))");
}

Test(parse, chain_pattern_steps)
{
    EXPECT_DUMP("stream Drain = Signup as s\n"
                "    -> EmailChange where account == s.account as chg\n"
                "    -> Withdrawal as w where amount > 500\n"
                "    .within(1h)\n"
                "    .not(Lockout where account == s.account)\n"
                "    .emit(account: s.account)",
                "(stream Drain (source Signup (as s)) "
                "(-> (step EmailChange (where (binary == (name account) (member (name s) account))) (as chg))) "
                "(-> (step Withdrawal (where (binary > (name amount) (int 500))) (as w))) "
                "(op within (duration 1h)) "
                "(op not (step Lockout (where (binary == (name account) (member (name s) account))))) "
                "(op emit (arg account (member (name s) account))))");
}

Test(parse, chain_all_source_and_kleene_step)
{
    EXPECT_DUMP("stream Up = all Tick as f -> all Tick where price > f.price as up",
                "(stream Up (source all Tick (as f)) "
                "(-> (step Tick+ (where (binary > (name price) (member (name f) price))) (as up))))");
}

Test(parse, not_without_condition)
{
    EXPECT_DUMP("stream S = A as a -> B .not(C)", "(stream S (source A (as a)) (-> (step B)) (op not (step C)))");
}

Test(parse, step_condition_stops_at_next_operator)
{
    EXPECT_DUMP("stream S = A as a\n    -> B where x > 1\n    .emit(y: 2)",
                "(stream S (source A (as a)) (-> (step B (where (binary > (name x) (int 1))))) (op emit (arg y (int 2))))");
    EXPECT_DUMP("stream S = A -> B where x > 1 .emit()",
                "(stream S (source A) (-> (step B (where (binary > (name x) (int 1))))) (op emit))");
    /* but a member access inside the condition stays */
    EXPECT_DUMP("stream S = A as a -> B where x > a.y.z",
                "(stream S (source A (as a)) (-> (step B (where (binary > (name x) (member (member (name a) y) z))))))");
}

Test(parse, merge_sources)
{
    EXPECT_DUMP("stream Building = merge(\n"
                "    stream S1 from TempEvent where sensor_id == \"S1\",\n"
                "    stream S2 = TempEvent.where(sensor_id == \"S2\"),\n"
                "    Humidity\n)",
                "(stream Building (merge (inline S1 (source TempEvent) (op where (binary == (name sensor_id) (str \"S1\")))) "
                "(inline S2 (source TempEvent) (op where (binary == (name sensor_id) (str \"S2\")))) "
                "(inline (source Humidity))))");
}

Test(parse, join_rust_form)
{
    EXPECT_DUMP("stream E = join(Orders, Customers)\n    .on(Orders.cid == Customers.id)\n    .window(5m)",
                "(stream E (join (inline (source Orders)) (inline (source Customers))) "
                "(op on (binary == (member (name Orders) cid) (member (name Customers) id))) (op window (duration 5m)))");
}

Test(parse, join_seed_form_with_on_in_last_item)
{
    EXPECT_DUMP("stream E = join(stream O from OrderEvent, stream C from CustomerEvent on O.cid == C.id)",
                "(stream E (join (inline O (source OrderEvent)) (inline C (source CustomerEvent) "
                "(on (binary == (member (name O) cid) (member (name C) id))))))");
}

Test(parse, join_inline_stream_with_on_operator)
{
    EXPECT_DUMP("stream E = join(stream A = Orders, stream B = Customers .on(A.k == B.k))",
                "(stream E (join (inline A (source Orders)) (inline B (source Customers) "
                "(op on (binary == (member (name A) k) (member (name B) k))))))");
}

Test(parse, sequence_source)
{
    EXPECT_DUMP("stream S = sequence(a: A where x > 1, b: B, c: C+)",
                "(stream S (sequence (step A (where (binary > (name x) (int 1))) (as a)) (step B (as b)) (step C+ (as c))))");
}

Test(parse, pattern_operator_forms)
{
    EXPECT_DUMP("stream V = T.pattern(high: events => events.len() > 5)",
                "(stream V (source T) (op pattern (arg high (lambda (events) "
                "(binary > (call (member (name events) len)) (int 5))))))");
    EXPECT_DUMP("stream V = T.pattern(p: A -> B and not C)",
                "(stream V (source T) (op pattern (arg p (pattern (and-not (seq (step A) (step B)) (step C))))))");
    EXPECT_DUMP("stream V = T.pattern({ p: (A or B) -> C, q: (events) => { let n = events.len(); n > 2 } })",
                "(stream V (source T) (op pattern (map ((name p) (pattern (seq (or (step A) (step B)) (step C)))) "
                "((name q) (lambda (events) (let n (call (member (name events) len))) (binary > (name n) (int 2)))))))");
}

/* ---- patterns ---- */

Test(parse, named_pattern_with_within_and_partition)
{
    EXPECT_DUMP("pattern Climb = SEQ(\n    Quote as base,\n    Quote+ where bid > base.bid as higher,\n"
                "    Quote where bid > higher.bid as top\n) within 2m partition by ticker",
                "(pattern Climb (pat (seq (step Quote (as base)) "
                "(step Quote+ (where (binary > (name bid) (member (name base) bid))) (as higher)) "
                "(step Quote (where (binary > (name bid) (member (name higher) bid))) (as top)))) "
                "(within (duration 2m)) (partition (name ticker)))");
    EXPECT_DUMP("pattern P = A -> B partition by k within 5s",
                "(pattern P (pat (seq (step A) (step B))) (within (duration 5s)) (partition (name k)))");
}

Test(parse, seq_items)
{
    EXPECT_PAT("SEQ(A, NOT B, C*, D?, E+ as e, F[x > 1] as f, G as g where y)",
               "(seq (step A) (step not B) (step C*) (step D?) (step E+ (as e)) "
               "(step F (where (binary > (name x) (int 1))) (as f)) (step G (where (name y)) (as g)))");
}

Test(parse, pattern_chain)
{
    EXPECT_PAT("A as a -> B where b == a.b -> C", "(seq (step A (as a)) (step B (where (binary == (name b) (member (name a) b)))) (step C))");
}

Test(parse, pattern_boolean_operators)
{
    EXPECT_PAT("A AND B", "(and (step A) (step B))");
    EXPECT_PAT("A OR B XOR C", "(or (step A) (xor (step B) (step C)))");
    EXPECT_PAT("A or B and C", "(or (step A) (and (step B) (step C)))");
    EXPECT_PAT("(A OR B) -> C", "(seq (or (step A) (step B)) (step C))");
    EXPECT_PAT("SEQ(A, B) AND NOT C where x", "(and-not (seq (step A) (step B)) (step C (where (name x))))");
}

Test(parse, pattern_keywords_only_in_patterns)
{
    /* SEQ, AND, OR, NOT are plain names in expressions */
    EXPECT_EXPR("SEQ + AND", "(binary + (name SEQ) (name AND))");
}

/* ---- expressions ---- */

Test(parse, precedence_not_below_comparison)
{
    EXPECT_EXPR("not a == b", "(unary not (binary == (name a) (name b)))");
}

Test(parse, precedence_power_right_assoc_and_above_unary)
{
    EXPECT_EXPR("2 ** 3 ** 2", "(binary ** (int 2) (binary ** (int 3) (int 2)))");
    EXPECT_EXPR("-2 ** 2", "(unary - (binary ** (int 2) (int 2)))");
    EXPECT_EXPR("2 ** -1", "(binary ** (int 2) (unary - (int 1)))");
}

Test(parse, precedence_logical)
{
    EXPECT_EXPR("a ?? b or c", "(binary ?? (name a) (binary or (name b) (name c)))");
    EXPECT_EXPR("a or b xor c and d", "(binary or (name a) (binary xor (name b) (binary and (name c) (name d))))");
    EXPECT_EXPR("a and not b", "(binary and (name a) (unary not (name b)))");
}

Test(parse, precedence_arithmetic_and_bitwise)
{
    EXPECT_EXPR("1 + 2 * 3 - 4", "(binary - (binary + (int 1) (binary * (int 2) (int 3))) (int 4))");
    EXPECT_EXPR("a | b ^ c & d", "(binary | (name a) (binary ^ (name b) (binary & (name c) (name d))))");
    EXPECT_EXPR("1 << 2 + 3", "(binary << (int 1) (binary + (int 2) (int 3)))");
    EXPECT_EXPR("a & b == c", "(binary == (binary & (name a) (name b)) (name c))");
    EXPECT_EXPR("~a % b", "(binary % (unary ~ (name a)) (name b))");
}

Test(parse, range_is_loosest_before_lambda)
{
    EXPECT_EXPR("a ?? 0 .. n + 1", "(binary .. (binary ?? (name a) (int 0)) (binary + (name n) (int 1)))");
}

Test(parse, membership_and_type_tests)
{
    EXPECT_EXPR("x in xs", "(binary in (name x) (name xs))");
    EXPECT_EXPR("x not in xs", "(binary not in (name x) (name xs))");
    EXPECT_EXPR("x is null", "(is (name x) null)");
    EXPECT_EXPR("x is not null", "(is-not (name x) null)");
    EXPECT_EXPR("x is int", "(is (name x) (type int))");
}

Test(parse, literals)
{
    EXPECT_EXPR("[1, 2.5, \"s\", true, false, null, 500ms, 5 minutes, @1970-01-01T00:00:01Z]",
                "(array (int 1) (float 2.5) (str \"s\") (bool true) (bool false) (null) (duration 500ms) "
                "(duration 5m) (timestamp 1000000000))");
    EXPECT_EXPR("[1e-7, 1e16, 0.1, -0.0]", "(array (float 1e-07) (float 1e+16) (float 0.1) (unary - (float 0.0)))");
    EXPECT_EXPR("\"a\\tb\\\"\"", "(str \"a\\tb\\\"\")");
}

Test(parse, maps_arrays_index_slice)
{
    EXPECT_EXPR("{\"k\": 1, n: [1, 2,], }", "(map ((str \"k\") (int 1)) ((name n) (array (int 1) (int 2))))");
    EXPECT_EXPR("{}", "(map)");
    EXPECT_EXPR("a[0][i + 1]", "(index (index (name a) (int 0)) (binary + (name i) (int 1)))");
    EXPECT_EXPR("a[1:2]", "(slice (name a) (int 1) (int 2))");
    EXPECT_EXPR("a[:2]", "(slice (name a) _ (int 2))");
    EXPECT_EXPR("a[1:]", "(slice (name a) (int 1) _)");
}

Test(parse, members_calls_and_optional_chaining)
{
    EXPECT_EXPR("x?.f.g(1, n: 2)", "(call (member (member? (name x) f) g) (int 1) (arg n (int 2)))");
    EXPECT_EXPR("x.not(y)", "(call (member (name x) not) (name y))");
    EXPECT_EXPR("count(distinct x)", "(call (name count) (distinct (name x)))");
    EXPECT_EXPR("count(distinct(x))", "(call (name count) (call (name distinct) (name x)))");
}

Test(parse, lambdas)
{
    EXPECT_EXPR("x => x + 1", "(lambda (x) (binary + (name x) (int 1)))");
    EXPECT_EXPR("(a, b) => a", "(lambda (a b) (name a))");
    EXPECT_EXPR("() => 1", "(lambda () (int 1))");
    EXPECT_EXPR("(x) => { let y = x * 2; var z = 1 y + z }",
                "(lambda (x) (let y (binary * (name x) (int 2))) (var z (int 1)) (binary + (name y) (name z)))");
    EXPECT_EXPR("x => { k: x }", "(lambda (x) (map ((name k) (name x))))");
    EXPECT_EXPR("xs.filter(e => e.amount > 10)",
                "(call (member (name xs) filter) (lambda (e) (binary > (member (name e) amount) (int 10))))");
}

Test(parse, conditional_expression)
{
    EXPECT_EXPR("if a then b else c + 1", "(if (name a) (name b) (binary + (name c) (int 1)))");
    EXPECT_EXPR("1 + (if a then 2 else 3)", "(binary + (int 1) (if (name a) (int 2) (int 3)))");
}

Test(parse, continuation_inside_expressions)
{
    EXPECT_DUMP("let x = a +\n    b\nlet y = f(1,\n2)",
                "(global let x (init (binary + (name a) (name b)))) (global let y (init (call (name f) (int 1) (int 2))))");
}

/* ---- diagnostics ---- */

Test(parse, expected_found_message)
{
    EXPECT_ERRORS("event Trade\n    a: int\n", "t.vpl:1:12: error: expected ':', found newline");
    EXPECT_ERRORS("stream S Trade", "t.vpl:1:10: error: expected '=' or 'from', found identifier 'Trade'");
    EXPECT_ERRORS("let x = 1 +", "t.vpl:1:12: error: expected expression, found end of file");
    EXPECT_ERRORS("let x = 1 +\n", "t.vpl:2:1: error: expected expression, found end of file");
    EXPECT_ERRORS("fn f(x: int) -> :\n    x", "t.vpl:1:17: error: expected type, found ':'");
    EXPECT_ERRORS("stream S = T.where(a b)", "t.vpl:1:22: error: expected ')' (to close '(' at line 1), found identifier 'b'");
    EXPECT_ERRORS(") x", "t.vpl:1:1: error: expected declaration, found ')'");
    EXPECT_ERRORS("price > 5", "t.vpl:1:1: error: expected declaration, found identifier 'price'");
}

Test(parse, unclosed_bracket_names_the_opener)
{
    EXPECT_ERRORS("stream S = T\n    .emit(\n        a: 1,\n        b: 2\n",
                  "t.vpl:5:1: error: expected ')' (to close '(' at line 2), found end of file");
    EXPECT_ERRORS("let a = [1,\n2", "t.vpl:2:2: error: expected ']' (to close '[' at line 1), found end of file");
    EXPECT_ERRORS("config {\n  a: 1\n", "t.vpl:3:1: error: expected '}' (to close '{' at line 1), found end of file");
}

Test(parse, diagnostic_has_source_line_and_caret)
{
    parse_text("stream S = T.where(a b)", 23);
    char *all = diag_text();
    cr_expect_str_eq(all, "t.vpl:1:22: error: expected ')' (to close '(' at line 1), found identifier 'b'\n"
                          "    stream S = T.where(a b)\n"
                          "                         ^\n");
    free(all);
}

Test(parse, bang_is_not_an_operator)
{
    EXPECT_ERRORS("let x = !a", "t.vpl:1:9: error: expected expression, found '!' (did you mean 'not'?)");
}

Test(parse, chained_comparison_is_an_error)
{
    EXPECT_ERRORS("let x = a < b < c",
                  "t.vpl:1:15: error: comparison operators cannot be chained; use 'and' or parentheses");
}

Test(parse, block_needs_indentation)
{
    EXPECT_ERRORS("fn f():\nx := 1", "t.vpl:2:1: error: expected indented block, found identifier 'x'");
}

Test(parse, lexer_error_suppresses_parser_error)
{
    EXPECT_ERRORS("let x = 5 $ 3", "t.vpl:1:11: error: unexpected character '$'");
    EXPECT_ERRORS("stream S = T.where(x == \"abc)\nconst k = 1",
                  "t.vpl:1:25: error: unterminated string literal");
    EXPECT_ERRORS("let d = 5x y", "t.vpl:1:9: error: invalid duration '5x'");
}

Test(parse, recovery_reports_errors_in_separate_declarations)
{
    EXPECT_ERRORS("stream A = T.where(\n"
                  "const ok = 1\n"
                  "event E\n"
                  "fn g(:\n"
                  "    x\n"
                  "stream B = T\n",
                  "t.vpl:1:20: error: expected ')' (to close '(' at line 1), found newline\n"
                  "t.vpl:3:8: error: expected ':', found newline\n"
                  "t.vpl:4:6: error: expected identifier, found ':'");
    cr_expect(!parsed_ok);
    cr_expect_eq(ast.ndecls, 2); /* const ok, stream B */
}

Test(parse, recovery_inside_function_body)
{
    EXPECT_ERRORS("fn f():\n    let = 1\n    let y = 2\nfn g():\n    (\nconst z = 1",
                  "t.vpl:2:9: error: expected identifier, found '='\n"
                  "t.vpl:5:6: error: expected ')' (to close '(' at line 5), found newline");
    cr_expect_eq(ast.ndecls, 1);
}

Test(parse, nesting_limit)
{
    char text[1200] = "let x = ";
    for (int i = 0; i < 300; i++) strcat(text, "(");
    strcat(text, "1");
    for (int i = 0; i < 300; i++) strcat(text, ")");
    char *e = errors(text);
    cr_expect(strstr(e, "error: expression nested too deeply") != NULL, "got %s", e);
    cr_expect(strchr(e, '\n') == NULL, "one error only: %s", e);
    free(e);
    char ok[800] = "let x = ";
    for (int i = 0; i < 150; i++) strcat(ok, "(");
    strcat(ok, "1");
    for (int i = 0; i < 150; i++) strcat(ok, ")");
    parse_text(ok, strlen(ok));
    cr_expect(parsed_ok);
}

Test(parse, deep_unary_chains_are_bounded)
{
    static char text[20020];
    strcpy(text, "let x = ");
    memset(text + 8, '-', 20000);
    text[20008] = '1';
    text[20009] = 0;
    EXPECT_ERRORS(text, "t.vpl:1:209: error: expression nested too deeply");
}

/* Long flat chains build deep trees: their height is bounded too, so
 * every later stage may recurse over the tree. */
static char *repeat(const char *head, const char *unit, int n)
{
    size_t hn = strlen(head), un = strlen(unit);
    char *text = malloc(hn + un * (size_t)n + 1);
    memcpy(text, head, hn);
    for (int i = 0; i < n; i++) memcpy(text + hn + un * (size_t)i, unit, un);
    text[hn + un * (size_t)n] = 0;
    return text;
}

Test(parse, long_chains_are_bounded)
{
    const char *cases[][2] = {
        {"let x = a", " + a"}, {"let x = a", ".b"}, {"let x = f", "()"},
        {"pattern P = A", " AND A"}, {"pattern P = A", " or A"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = repeat(cases[i][0], cases[i][1], 100000);
        char *e = errors(text);
        cr_expect(strstr(e, "error: expression nested too deeply") && !strchr(e, '\n'), "case %zu: %s", i, e);
        free(e);
        free(text);
        text = repeat(cases[i][0], cases[i][1], 150);
        parse_text(text, strlen(text));
        cr_expect(parsed_ok, "case %zu with 150 terms", i);
        free(text);
    }
}

Test(parse, returns_true_and_appends)
{
    parse_text("const a = 1", 11);
    cr_expect(parsed_ok);
    vpc_source *src = vpc_source_from_text(&ctx, "u.vpl", "const b = 2", 11);
    cr_expect(vpc_parse(&ctx, src, &ast));
    cr_assert_eq(ast.ndecls, 2);
    cr_expect_str_eq(ast.decls[1]->name->name, "b");
    cr_expect_eq(ast.decls[1]->span.file, 1);
}

Test(parse, spans_cover_declarations)
{
    const char *text = "const a = 1 + 2\nstream S = T\n    .emit()\n";
    parse_text(text, strlen(text));
    cr_assert_eq(ast.ndecls, 2);
    cr_expect_eq(ast.decls[0]->span.off, 0);
    cr_expect_eq(ast.decls[0]->span.len, strlen("const a = 1 + 2"));
    cr_expect_eq(ast.decls[0]->name_span.off, 6);
    cr_expect_eq(ast.decls[1]->span.off, 16);
    cr_expect_eq(ast.decls[1]->span.len, strlen("stream S = T\n    .emit()"));
}

Test(parse, kind_names_and_spellings)
{
    cr_expect_str_eq(vpc_expr_kind_name(VPC_E_COND), "if");
    cr_expect_str_eq(vpc_stmt_kind_name(VPC_S_EMIT), "emit");
    cr_expect_str_eq(vpc_decl_kind_name(VPC_D_GLOBAL), "global");
    cr_expect_str_eq(vpc_op_spelling(VPC_OP_NOTIN), "not in");
    cr_expect_str_eq(vpc_op_spelling(VPC_OP_COALESCE), "?\?");
    cr_expect_str_eq(vpc_op_spelling(VPC_OP_RANGE_INCL), "..=");
}

/* ---- robustness ---- */

static const char sample[] =
    "# sample\n"
    "event Trade:\n    symbol: str\n    price: float?\n"
    "const LIMIT = 10_000\n"
    "fn f(x: float) -> str:\n    if x > 1.0:\n        return \"a\\n\"\n    else:\n        return 'b'\n"
    "stream A = Trade as t\n    -> all Trade where price > t.price as u\n    .within(5 minutes)\n"
    "    .not(Halt where x == t.x)\n    .emit(p: u.price, n: len(u))\n"
    "pattern P = SEQ(A as a, NOT B, C+ where c > a.c as cs) within 2m partition by k\n"
    "stream M = merge(stream S1 from T where a == \"S1\", Humidity)\n"
    "stream J = join(stream O from X, stream C from Y on O.k == C.k).window(5m)\n"
    "config { a: 1, b: { c: [1, 2] } }\n"
    "stream L = T.pattern(p: events => events.filter(e => e.v > 1).len() > 3)\n"
    "let q = (a, b) => { let c = a ?? b; c[1:2] }\n"
    "for i in 0..3:\n    stream S{i} = T\n"
    "x := @2026-01-23T10:00:00Z + 1h\n";

Test(parse, sample_program_parses)
{
    parse_text(sample, strlen(sample));
    char *d = diag_text();
    cr_expect_str_eq(d, "t.vpl:5:15: error: invalid duration '10_000'\n    const LIMIT = 10_000\n                  ^~~~~~\n");
    free(d);
    cr_expect_eq(ast.ndecls, 12);
}

Test(parse, every_prefix_parses_without_crash)
{
    size_t n = strlen(sample);
    for (size_t i = 0; i <= n; i++) {
        parse_text(sample, i);
        vpc_buf b = {0};
        vpc_ast_dump(&ast, &b);
        vpc_buf_free(&b);
        char *d = diag_text();
        free(d);
    }
    cr_expect(true);
}

Test(parse, garbage_does_not_loop)
{
    const char *inputs[] = {
        ")))]]]}}}", "(((", "stream", "stream S =", "stream S = .", "->->->", "fn f(", "event E:\n  a:",
        "pattern P = SEQ(", "if:\n  :\n", "\t\t\tx\n  y\n z", "config:\n", "for i in", "for i in 0..2:",
        "let x = {a: }", "let x = [,]", "let x = (a, b)", "stream S = A -> all", ";;;;\n;;", "@", "\"",
        "let x = a[", "x := ", "stream S = T.pattern(p: SEQ(A", "stream S = T.not(", "let f = (x) => {",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        parse_text(inputs[i], strlen(inputs[i]));
        cr_expect(!parsed_ok || ctx.nerr == 0, "input %zu", i);
        free(diag_text());
    }
}
