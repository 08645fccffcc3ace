/* gen_lines.c — deterministic random input lines for the fast-path
 * differential test: plain flat JSON events of the test program's types,
 * mixed with every variation the one-pass decoder must leave to the full
 * scanner (escapes, exponents, nesting, odd spacing, wrong types, broken
 * syntax). Usage: gen_lines SEED COUNT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

static uint64_t next(void) /* splitmix64 */
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int pick(int n) { return (int)(next() % (uint64_t)n); }

/* Valid values first; the ones after the marker are broken or non-plain. */
static const char *const numbers[] = {
    "0", "-0", "1", "-17", "42", "1.5", "-2.25", "0.1", "100.0", "9223372036854775807",
    "-9223372036854775808", "123456789012345678", "0.30000000000000004", "9007199254740993.5",
    "3.14159265358979323846", "1700000000000", "1700000000000.5",
    /* not plain: the full scanner takes these */
    "1e3", "1E-2", "2.5e+1", "1.7976931348623157e308", "5e-324", "9223372036854775808",
    "1234567890123456789", "123.456000000000000000001",
    /* broken */
    "01", "1.", ".5", "-",
};
enum { PLAIN_NUMBERS = 17 };
static const char *const strings[] = {
    "\"a\"", "\"\"", "\"AAPL\"", "\"with space\"", "\"2026-01-23T10:00:00Z\"",
    /* not plain */
    "\"esc\\\"q\"", "\"tab\\t\"", "\"\\u00e9\"", "\"caf\xc3\xa9\"", "\"\\ud83d\\ude00\"", "\"\x7f\"",
    /* broken */
    "\"bad\\x\"", "\"unterminated", "\"ctl\x01\"", "\"\xff\"",
};
enum { PLAIN_STRINGS = 5 };
static const char *const others[] = {"true", "false", "null", /* broken or nested: */ "nul", "[1,2]", "{\"k\":1}", "[]", "{}", "tru"};
enum { PLAIN_OTHERS = 3 };
static const char *const keys[] = {"id", "f", "s", "b", "ts", "timestamp", "d", "extra", "type", "id", "f", "data", "event_type"};
static const char *const spaces[] = {"", "", "", " ", "  ", "\t"};

/* A value; `plain` lines draw only from the plain ones. */
static void value(int plain)
{
    switch (pick(3)) {
    case 0: fputs(numbers[pick(plain ? PLAIN_NUMBERS : (int)(sizeof numbers / sizeof *numbers))], stdout); break;
    case 1: fputs(strings[pick(plain ? PLAIN_STRINGS : (int)(sizeof strings / sizeof *strings))], stdout); break;
    default: fputs(others[pick(plain ? PLAIN_OTHERS : (int)(sizeof others / sizeof *others))], stdout); break;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_lines SEED COUNT\n");
        return 2;
    }
    state = strtoull(argv[1], NULL, 10);
    long count = strtol(argv[2], NULL, 10);
    for (long i = 0; i < count; i++) {
        int plain = pick(4) != 0; /* three lines in four stay on the fast path's ground */
        const char *sp = spaces[pick(6)];
        printf("%s{%s\"event_type\"%s:%s\"%s\"", pick(10) ? "" : " ", sp, sp, sp, pick(8) ? "E" : "F");
        int members = pick(7);
        for (int m = 0; m < members; m++) {
            printf(",%s\"%s\"%s:%s", spaces[pick(6)], keys[pick(sizeof keys / sizeof *keys)], spaces[pick(6)],
                   spaces[pick(6)]);
            value(plain);
        }
        fputs(plain || pick(4) ? "}" : pick(2) ? "} x" : ",}", stdout);
        fputs(pick(10) ? "\n" : " \r\n", stdout);
    }
    return 0;
}
