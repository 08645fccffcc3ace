/* test_lex.c — the lexer: literals, comments, reserved words, layout
 * (NEWLINE / INDENT / DEDENT and continuation lines) and lexical errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

/* ---- helpers ---- */

static vpc_ctx ctx;
static vpc_lexer lx;
static bool live;

static void reset(void)
{
    if (live) vpc_ctx_free(&ctx);
    live = false;
}
TestSuite(lex, .fini = reset);

/* A fresh context and lexer over `text` (the previous one is freed). */
static void start(const char *text)
{
    reset();
    vpc_ctx_init(&ctx);
    live = true;
    vpc_source *src = vpc_source_from_text(&ctx, "t.vpl", text, strlen(text));
    vpc_lex_init(&lx, &ctx, src);
}

/* One token rendered for comparison: names bare, numbers with a kind
 * letter, layout in capitals, punctuation and reserved words quoted. */
static void render(vpc_buf *b, const vpc_tok *t)
{
    switch (t->kind) {
    case VPC_T_IDENT: vpc_buf_puts(b, t->v.sym->name); break;
    case VPC_T_INT: vpc_buf_printf(b, "i%lld", (long long)t->v.i); break;
    case VPC_T_FLOAT: vpc_buf_printf(b, "f%g", t->v.f); break;
    case VPC_T_DURATION: vpc_buf_printf(b, "d%lld", (long long)t->v.i); break;
    case VPC_T_TIMESTAMP: vpc_buf_printf(b, "t%lld", (long long)t->v.i); break;
    case VPC_T_STRING: vpc_buf_printf(b, "\"%.*s\"", VPC_STR_ARG(t->v.s)); break;
    case VPC_T_NEWLINE: vpc_buf_puts(b, "NL"); break;
    case VPC_T_INDENT: vpc_buf_puts(b, "IN"); break;
    case VPC_T_DEDENT: vpc_buf_puts(b, "DE"); break;
    case VPC_T_EOF: vpc_buf_puts(b, "EOF"); break;
    default: vpc_buf_puts(b, vpc_tok_name(t->kind)); break;
    }
}

/* All tokens of `text`, space-separated, up to and including EOF. */
static char *toks(const char *text)
{
    start(text);
    vpc_buf b = {0};
    for (int i = 0; i < 1000; i++) {
        vpc_tok t = vpc_lex_next(&lx);
        if (i) vpc_buf_putc(&b, ' ');
        render(&b, &t);
        if (t.kind == VPC_T_EOF) break;
    }
    return (char *)vpc_buf_cstr(&b);
}

static vpc_tok first(const char *text)
{
    start(text);
    return vpc_lex_next(&lx);
}

/* The first line of each diagnostic, joined by '\n'. */
static char *diags(void)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (ctx.ndiags > 0) vpc_diag_flush(&ctx, f);
    fclose(f);
    vpc_buf b = {0};
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == ' ') continue; /* source line and caret */
        if (b.n) vpc_buf_putc(&b, '\n');
        vpc_buf_puts(&b, line);
    }
    free(text);
    return (char *)vpc_buf_cstr(&b);
}

/* Lexes everything and returns the diagnostics. */
static char *lex_errors(const char *text)
{
    free(toks(text));
    return diags();
}

#define EXPECT_TOKS(text, want)                         \
    do {                                                \
        char *got_ = toks(text);                        \
        cr_expect_str_eq(got_, want, "lexing %s\ngot: %s", #text, got_); \
        free(got_);                                     \
    } while (0)

#define EXPECT_ERR(text, want)                          \
    do {                                                \
        char *got_ = lex_errors(text);                  \
        cr_expect_str_eq(got_, want, "lexing %s\ngot: %s", #text, got_); \
        free(got_);                                     \
    } while (0)

/* ---- literals ---- */

Test(lex, integers)
{
    EXPECT_TOKS("0 42 9223372036854775807", "i0 i42 i9223372036854775807 NL EOF");
    EXPECT_TOKS("-5", "'-' i5 NL EOF");
}

Test(lex, integer_out_of_range)
{
    EXPECT_ERR("x = 9223372036854775808", "t.vpl:1:5: error: integer literal out of range");
}

Test(lex, floats)
{
    vpc_tok t = first("3.14");
    cr_expect_eq(t.kind, VPC_T_FLOAT);
    cr_expect_float_eq(t.v.f, 3.14, 1e-12);
    EXPECT_TOKS("1.0e-3 2e6 1E+2 0.5", "f0.001 f2e+06 f100 f0.5 NL EOF");
}

Test(lex, dot_needs_digits_on_both_sides)
{
    EXPECT_TOKS("1.", "i1 '.' EOF");
    EXPECT_TOKS(".5", "'.' i5 NL EOF");
    EXPECT_TOKS("1..5 1..=5", "i1 '..' i5 i1 '..=' i5 NL EOF");
    EXPECT_TOKS("1.e5", "i1 '.' e5 NL EOF");
}

Test(lex, strings_both_quotes)
{
    EXPECT_TOKS("\"abc\" 'd e'", "\"abc\" \"d e\" NL EOF");
}

Test(lex, string_escapes)
{
    vpc_tok t = first("\"a\\n\\t\\r\\\\\\\"\\'\\0z\"");
    cr_assert_eq(t.kind, VPC_T_STRING);
    cr_assert_eq(t.v.s.n, 9);
    cr_expect_eq(memcmp(t.v.s.p, "a\n\t\r\\\"'\0z", 9), 0);
}

Test(lex, string_unicode_escape)
{
    vpc_tok t = first("'\\u{1F600}\\u{e9}\\u{41}'");
    cr_assert_eq(t.kind, VPC_T_STRING);
    cr_assert_eq(t.v.s.n, 7);
    cr_expect_eq(memcmp(t.v.s.p, "\xF0\x9F\x98\x80\xC3\xA9" "A", 7), 0);
}

Test(lex, string_span_covers_quotes)
{
    vpc_tok t = first("  \"a\\nb\"");
    cr_expect_eq(t.span.off, 2);
    cr_expect_eq(t.span.len, 6);
}

Test(lex, invalid_escape_sequence)
{
    EXPECT_ERR("s = \"a\\qb\"", "t.vpl:1:7: error: invalid escape sequence");
    EXPECT_ERR("s = '\\u{110000}'", "t.vpl:1:6: error: invalid escape sequence");
    EXPECT_ERR("s = '\\u{}'", "t.vpl:1:6: error: invalid escape sequence");
    EXPECT_ERR("s = '\\u0041'", "t.vpl:1:6: error: invalid escape sequence");
    EXPECT_ERR("s = '\\u{D800}'", "t.vpl:1:6: error: invalid escape sequence");
}

Test(lex, unterminated_string)
{
    EXPECT_ERR("s = \"abc\nt = 1", "t.vpl:1:5: error: unterminated string literal");
    EXPECT_ERR("s = 'abc", "t.vpl:1:5: error: unterminated string literal");
    /* the line still ends: the next line is lexed normally */
    EXPECT_TOKS("s = \"abc\nt", "s '=' \"abc\" NL t NL EOF");
}

Test(lex, durations_short_units)
{
    EXPECT_TOKS("500ms 5s 5m 1h 1d 10us 7ns",
                "d500000000 d5000000000 d300000000000 d3600000000000 d86400000000000 d10000 d7 NL EOF");
}

Test(lex, durations_seed_long_units)
{
    EXPECT_TOKS("5 minutes", "d300000000000 NL EOF");
    EXPECT_TOKS("1 minute, 10 seconds, 7 days", "d60000000000 ',' d10000000000 ',' d604800000000000 NL EOF");
    EXPECT_TOKS("2 hours 1 second 3 milliseconds 4 microseconds 5 nanoseconds 1 day 1 hour",
                "d7200000000000 d1000000000 d3000000 d4000 d5 d86400000000000 d3600000000000 NL EOF");
    EXPECT_TOKS("5\tminutes", "d300000000000 NL EOF");
}

Test(lex, seed_duration_is_one_token)
{
    vpc_tok t = first("10 seconds)");
    cr_expect_eq(t.kind, VPC_T_DURATION);
    cr_expect_eq(t.span.off, 0);
    cr_expect_eq(t.span.len, 10);
}

Test(lex, seed_duration_needs_same_line_and_whole_word)
{
    EXPECT_TOKS("5 minutesx", "i5 minutesx NL EOF");
    EXPECT_TOKS("5 min", "i5 min NL EOF");
    EXPECT_TOKS("x = 5 +\nminutes", "x '=' i5 '+' minutes NL EOF");
}

Test(lex, invalid_duration)
{
    EXPECT_ERR("w = 5x", "t.vpl:1:5: error: invalid duration '5x'");
    EXPECT_ERR("w = 1.5h", "t.vpl:1:5: error: invalid duration '1.5h'");
    EXPECT_ERR("w = 5s2", "t.vpl:1:5: error: invalid duration '5s2'");
}

Test(lex, unknown_time_unit)
{
    EXPECT_ERR("w = 5sec", "t.vpl:1:6: error: unknown time unit 'sec'");
    EXPECT_ERR("w = 10min", "t.vpl:1:7: error: unknown time unit 'min'");
}

Test(lex, duration_out_of_range)
{
    EXPECT_ERR("w = 200000d", "t.vpl:1:5: error: duration literal out of range");
    EXPECT_ERR("w = 200000 days", "t.vpl:1:5: error: duration literal out of range");
}

Test(lex, timestamps)
{
    EXPECT_TOKS("@1970-01-01", "t0 NL EOF");
    EXPECT_TOKS("@2026-01-23", "t1769126400000000000 NL EOF");
    EXPECT_TOKS("@2026-01-23T10:00:00Z", "t1769162400000000000 NL EOF");
    EXPECT_TOKS("@2026-01-23T10:00:00", "t1769162400000000000 NL EOF");
    EXPECT_TOKS("@2026-01-23T10:00:00+02:00", "t1769155200000000000 NL EOF");
    EXPECT_TOKS("@2026-01-23T10:00:00-01:30", "t1769167800000000000 NL EOF");
    EXPECT_TOKS("@2026-01-23T10:00:00.25Z", "t1769162400250000000 NL EOF");
    EXPECT_TOKS("@2024-02-29 + 1d", "t1709164800000000000 '+' d86400000000000 NL EOF");
    EXPECT_TOKS("@1969-12-31T23:59:59Z", "t-1000000000 NL EOF");
}

Test(lex, invalid_timestamps)
{
    EXPECT_ERR("t = @2026-02-30", "t.vpl:1:5: error: invalid timestamp literal '@2026-02-30'");
    EXPECT_ERR("t = @2026-1-1", "t.vpl:1:5: error: invalid timestamp literal '@2026-1-1'");
    EXPECT_ERR("t = @2026-01-01T25:00:00Z", "t.vpl:1:5: error: invalid timestamp literal '@2026-01-01T25:00:00Z'");
    EXPECT_ERR("t = @x", "t.vpl:1:5: error: invalid timestamp literal '@x'");
    EXPECT_ERR("t = @2300-01-01", "t.vpl:1:5: error: timestamp literal out of range");
}

/* ---- words ---- */

Test(lex, reserved_words_have_their_own_kinds)
{
    EXPECT_TOKS("and or not xor in is true false null if then else",
                "'and' 'or' 'not' 'xor' 'in' 'is' 'true' 'false' 'null' 'if' 'then' 'else' NL EOF");
}

Test(lex, contextual_keywords_are_identifiers)
{
    start("stream type from where all SEQ");
    for (int i = 0; i < 6; i++) cr_expect_eq(vpc_lex_next(&lx).kind, VPC_T_IDENT);
}

Test(lex, identifiers_are_interned)
{
    start("price x price");
    vpc_tok a = vpc_lex_next(&lx), b = vpc_lex_next(&lx), c = vpc_lex_next(&lx);
    cr_expect_eq(a.v.sym, c.v.sym);
    cr_expect_neq(a.v.sym, b.v.sym);
    cr_expect_str_eq(a.v.sym->name, "price");
}

Test(lex, member_names_after_dot_are_identifiers)
{
    EXPECT_TOKS("x.not(a) y?.in z.if", "x '.' not '(' a ')' y '?.' in z '.' if NL EOF");
    EXPECT_TOKS("not x", "'not' x NL EOF");
}

/* ---- punctuation and comments ---- */

Test(lex, operators_longest_match)
{
    EXPECT_TOKS("-> => == != <= >= << >> ** ?? ?. .. ..= := ! ~ & ^ | % / ? ; < > = : -",
                "'->' '=>' '==' '!=' '<=' '>=' '<<' '>>' '**' '?\?' '?.' '..' '..=' ':=' '!' '~' "
                "'&' '^' '|' '%' '/' '?' ';' '<' '>' '=' ':' '-' EOF");
}

Test(lex, semicolon_is_a_token)
{
    EXPECT_TOKS("stream X from T;", "stream X from T ';' NL EOF");
}

Test(lex, comments)
{
    EXPECT_TOKS("a # one\nb // two\nc /* three */ d", "a NL b NL c d NL EOF");
    EXPECT_TOKS("a /* spans\nlines */ b", "a NL b NL EOF");
    EXPECT_TOKS("# only a comment", "EOF");
    EXPECT_TOKS("a / b", "a '/' b NL EOF");
}

Test(lex, unterminated_block_comment)
{
    EXPECT_ERR("a\n/* never closed\nb", "t.vpl:2:1: error: unterminated block comment");
}

Test(lex, unexpected_character)
{
    EXPECT_ERR("a $ b", "t.vpl:1:3: error: unexpected character '$'");
    EXPECT_ERR("a \xC3\xA9 b", "t.vpl:1:3: error: unexpected character U+00E9");
    EXPECT_TOKS("a $ b", "a b NL EOF");
}

Test(lex, error_seen_is_set)
{
    start("a `");
    while (vpc_lex_next(&lx).kind != VPC_T_EOF) {}
    cr_expect(lx.error_seen);
    start("a b");
    while (vpc_lex_next(&lx).kind != VPC_T_EOF) {}
    cr_expect(!lx.error_seen);
}

/* ---- lines and continuation ---- */

Test(lex, newline_ends_statements)
{
    EXPECT_TOKS("a\nb\n\n\nc", "a NL b NL c NL EOF");
    EXPECT_TOKS("", "EOF");
    EXPECT_TOKS("\n\n", "EOF");
}

Test(lex, no_newline_inside_brackets)
{
    EXPECT_TOKS("f(a,\n  b\n)\n[1\n]\n{k:\n1}", "f '(' a ',' b ')' NL '[' i1 ']' NL '{' k ':' i1 '}' NL EOF");
}

Test(lex, leading_dot_and_arrow_continue)
{
    EXPECT_TOKS("X\n    .where(a)\n    .emit()", "X '.' where '(' a ')' '.' emit '(' ')' NL EOF");
    EXPECT_TOKS("A as a\n    -> B", "A as a '->' B NL EOF");
}

Test(lex, leading_keywords_continue)
{
    EXPECT_TOKS("A\n  where x\n  as a\n  within 5s\n  partition by k",
                "A where x as a within d5000000000 partition by k NL EOF");
}

Test(lex, leading_keyword_followed_by_colon_does_not_continue)
{
    EXPECT_TOKS("a: int\nas: str", "a ':' int NL as ':' str NL EOF");
}

Test(lex, leading_dotdot_does_not_continue)
{
    EXPECT_TOKS("a\n..b", "a NL '..' b NL EOF");
}

Test(lex, trailing_operator_continues)
{
    EXPECT_TOKS("a +\nb", "a '+' b NL EOF");
    EXPECT_TOKS("a and\nb", "a 'and' b NL EOF");
    EXPECT_TOKS("x =\n  1", "x '=' i1 NL EOF");
    EXPECT_TOKS("a ->\nB", "a '->' B NL EOF");
    EXPECT_TOKS("x =>\ny", "x '=>' y NL EOF");
    EXPECT_TOKS("a ?\?\nb", "a '?\?' b NL EOF");
}

Test(lex, trailing_comma_continues)
{
    EXPECT_TOKS("a,\nb", "a ',' b NL EOF");
}

Test(lex, continuation_skips_blank_and_comment_lines)
{
    EXPECT_TOKS("X\n\n   # note\n   // note\n   .emit()", "X '.' emit '(' ')' NL EOF");
}

Test(lex, declaration_at_margin_is_not_a_continuation)
{
    EXPECT_TOKS("pattern P = A -> B*\nstream S = P", "pattern P '=' A '->' B '*' NL stream S '=' P NL EOF");
}

Test(lex, bol_marks_first_token_of_a_line)
{
    start("a b\n  .c\nd");
    bool want[] = {true, false, true, false, false, true};
    vpc_tok_kind kinds[] = {VPC_T_IDENT, VPC_T_IDENT, VPC_T_DOT, VPC_T_IDENT, VPC_T_NEWLINE, VPC_T_IDENT};
    for (int i = 0; i < 6; i++) {
        vpc_tok t = vpc_lex_next(&lx);
        cr_expect_eq(t.kind, kinds[i], "token %d", i);
        cr_expect_eq(t.bol, want[i], "bol of token %d", i);
    }
}

Test(lex, spans_are_byte_offsets)
{
    start("ab  cd\n  ef");
    vpc_tok a = vpc_lex_next(&lx), b = vpc_lex_next(&lx), nl = vpc_lex_next(&lx), c = vpc_lex_next(&lx);
    cr_expect_eq(a.span.off, 0);
    cr_expect_eq(a.span.len, 2);
    cr_expect_eq(b.span.off, 4);
    cr_expect_eq(nl.kind, VPC_T_NEWLINE);
    cr_expect_eq(nl.span.off, 6);
    cr_expect_eq(c.span.off, 9);
}

/* ---- blocks ---- */

Test(lex, indent_after_block_header)
{
    EXPECT_TOKS("event T:\n    a: int\n    b: str\nx",
                "event T ':' NL IN a ':' int NL b ':' str NL DE x NL EOF");
}

Test(lex, header_needs_trailing_colon)
{
    EXPECT_TOKS("fn f(): x\n    y", "fn f '(' ')' ':' x NL y NL EOF");
}

Test(lex, every_header_word_opens_a_block)
{
    EXPECT_TOKS("fn f():\n  if a:\n    b\n  elif c:\n    d\n  else:\n    e\n  while w:\n    x\n  for i in y:\n    z",
                "fn f '(' ')' ':' NL IN 'if' a ':' NL IN b NL DE elif c ':' NL IN d NL DE "
                "'else' ':' NL IN e NL DE while w ':' NL IN x NL DE for i 'in' y ':' NL IN z NL DE DE EOF");
    EXPECT_TOKS("config:\n  a: 1", "config ':' NL IN a ':' i1 NL DE EOF");
}

Test(lex, dedent_closes_two_blocks)
{
    EXPECT_TOKS("fn f():\n    if a:\n        b\nc", "fn f '(' ')' ':' NL IN 'if' a ':' NL IN b NL DE DE c NL EOF");
}

Test(lex, eof_closes_open_blocks)
{
    EXPECT_TOKS("fn f():\n    if a:\n        b", "fn f '(' ')' ':' NL IN 'if' a ':' NL IN b NL DE DE EOF");
    EXPECT_TOKS("fn f():\n    b\n\n# trailing\n", "fn f '(' ')' ':' NL IN b NL DE EOF");
}

Test(lex, no_newline_at_eof_after_trailing_operator)
{
    EXPECT_TOKS("x = 1 +", "x '=' i1 '+' EOF");
    EXPECT_TOKS("x = f(1,", "x '=' f '(' i1 ',' EOF");
}

Test(lex, eof_repeats)
{
    start("a");
    for (int i = 0; i < 3; i++) vpc_lex_next(&lx);
    cr_expect_eq(vpc_lex_next(&lx).kind, VPC_T_EOF);
    cr_expect_eq(vpc_lex_next(&lx).kind, VPC_T_EOF);
}

Test(lex, continuation_inside_block_keeps_block)
{
    EXPECT_TOKS("fn f():\n    x = a\n        .b()\n    y", "fn f '(' ')' ':' NL IN x '=' a '.' b '(' ')' NL y NL DE EOF");
}

Test(lex, tabs_advance_to_multiples_of_four)
{
    EXPECT_TOKS("fn f():\n\ta\n    b\n  \tc", "fn f '(' ')' ':' NL IN a NL b NL c NL DE EOF");
    EXPECT_ERR("fn f():\n\ta\n  b", "t.vpl:3:3: error: inconsistent indentation");
}

Test(lex, inconsistent_indentation)
{
    EXPECT_ERR("fn f():\n    if a:\n        b\n      c", "t.vpl:4:7: error: inconsistent indentation");
    EXPECT_ERR("fn f():\n    a\n  b", "t.vpl:3:3: error: inconsistent indentation");
}

Test(lex, top_level_indentation_is_free)
{
    EXPECT_TOKS("a\n    b\n  c", "a NL b NL c NL EOF");
}

Test(lex, header_without_deeper_line_opens_nothing)
{
    EXPECT_TOKS("event E:\nx", "event E ':' NL x NL EOF");
}

Test(lex, template_body_is_skipped_raw)
{
    const char *src = "for i in 0..3:\n    stream S{i} = T{i}\n\n    # c\n        .where(\"{i}\n";
    start(src);
    vpc_buf b = {0};
    vpc_tok t;
    do {
        t = vpc_lex_next(&lx);
        render(&b, &t);
        vpc_buf_putc(&b, ' ');
    } while (t.kind != VPC_T_EOF);
    cr_expect_str_eq(vpc_buf_cstr(&b), "for i 'in' i0 '..' i3 ':' NL EOF ");
    vpc_span body = vpc_lex_template_body(&lx);
    cr_expect_eq(body.off, 15);
    cr_expect_eq(body.off + body.len, strlen(src) - 1);
    cr_expect_eq(ctx.nerr, 0);
    vpc_buf_free(&b);
}

Test(lex, template_ends_at_margin)
{
    EXPECT_TOKS("for i in 0..2:\n    context c{i}\nstream X = Y", "for i 'in' i0 '..' i2 ':' NL stream X '=' Y NL EOF");
}

Test(lex, open_bracket_then_declaration_at_margin_resumes_layout)
{
    EXPECT_TOKS("x = f(a\nstream S = T", "x '=' f '(' a NL stream S '=' T NL EOF");
    /* a list continuing at the margin is left alone */
    EXPECT_TOKS("x = f(a,\nstream S)", "x '=' f '(' a ',' stream S ')' NL EOF");
}

Test(lex, utf8_bom_is_skipped)
{
    EXPECT_TOKS("\xEF\xBB\xBF" "a", "a NL EOF");
}

Test(lex, token_names)
{
    cr_expect_str_eq(vpc_tok_name(VPC_T_LPAREN), "'('");
    cr_expect_str_eq(vpc_tok_name(VPC_T_EOF), "end of file");
    cr_expect_str_eq(vpc_tok_name(VPC_T_QQ), "'?\?'");
}
