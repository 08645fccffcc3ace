/* gen — deterministic event generator for the benchmark scenarios.
 *
 *   gen SCENARIO N OUT [SEED]     write N JSON Lines events to OUT ("-" = stdout)
 *   gen --list                    print the scenario names
 *
 * The same (SCENARIO, N, SEED) always yields the same bytes on every platform:
 * the generator uses its own PRNG (splitmix64) and formats numbers itself,
 * so neither libc's rand() nor its printf locale can change the data.
 * A scenario is one row in the table at the bottom: a name and a function
 * that writes N lines.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SEED 0x56617270756c6973ULL /* "Varpulis" */

/* ---- PRNG: splitmix64 (Steele, Lea, Flood 2014); one 64-bit word of state ---- */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) for n < 2^32: multiply-shift instead of %, which avoids
 * the division; the bias (< n / 2^32) is irrelevant for benchmark data. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* ---- Output: one big buffer, flushed with fwrite; numbers formatted by hand ---- */

struct out {
    FILE *f;
    size_t len;
    char buf[1 << 20];
};

static void out_flush(struct out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len) {
        perror("gen: write");
        exit(1);
    }
    o->len = 0;
}

/* Room for one event line; every scenario's lines are far below this. */
#define LINE_MAX_BYTES 4096

static void out_reserve(struct out *o)
{
    if (sizeof o->buf - o->len < LINE_MAX_BYTES)
        out_flush(o);
}

static void out_lit(struct out *o, const char *s, size_t n)
{
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}
#define OUT_LIT(o, s) out_lit((o), (s), sizeof(s) - 1)

static void out_u64(struct out *o, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        o->buf[o->len++] = tmp[--n];
}

/* A decimal with exactly two fraction digits, from an integer count of cents:
 * the text is exact, unlike printing a double with "%.2f". */
static void out_cents(struct out *o, uint64_t cents)
{
    out_u64(o, cents / 100);
    o->buf[o->len++] = '.';
    o->buf[o->len++] = (char)('0' + cents / 10 % 10);
    o->buf[o->len++] = (char)('0' + cents % 10);
}

/* ---- Shared event vocabulary ---- */

static const char *const tickers[] = {
    "AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "META", "TSLA", "BRK.B", "JPM",  "V",
    "JNJ",  "WMT",  "PG",   "MA",   "UNH",  "HD",   "XOM",  "CVX",   "LLY",  "ABBV",
    "PFE",  "KO",   "PEP",  "COST", "MRK",  "AVGO", "ORCL", "CSCO",  "ADBE", "CRM",
    "NFLX", "AMD",  "INTC", "QCOM", "TXN",  "IBM",  "BAC",  "WFC",   "GS",   "MS",
    "DIS",  "NKE",  "MCD",  "SBUX", "BA",   "CAT",  "GE",   "T",     "VZ",   "UBER",
};
#define NTICKERS (sizeof tickers / sizeof tickers[0])

#define TS_START 1700000000000ULL /* ms since the epoch: 2023-11-14T22:13:20Z */

/* ---- Scenario: filter ----
 * StockTick events; price uniform over [50.00, 250.00] in cents, so about half
 * pass `price > 150.0`. Prices keep two fraction digits in the text ("151.30",
 * "200.00") so the output exercises the canonical float form. ts grows by
 * 1..4 ms per event. */
static void gen_filter(struct out *o, struct rng *r, uint64_t n)
{
    uint64_t ts = TS_START;

    for (uint64_t i = 0; i < n; i++) {
        const char *sym = tickers[rng_below(r, NTICKERS)];

        out_reserve(o);
        OUT_LIT(o, "{\"event_type\":\"StockTick\",\"symbol\":\"");
        out_lit(o, sym, strlen(sym));
        OUT_LIT(o, "\",\"price\":");
        out_cents(o, 5000 + rng_below(r, 20001));
        OUT_LIT(o, ",\"volume\":");
        out_u64(o, 100 * (1 + (uint64_t)rng_below(r, 100)));
        OUT_LIT(o, ",\"ts\":");
        out_u64(o, ts);
        OUT_LIT(o, "}\n");
        ts += 1 + rng_below(r, 4);
    }
}

/* ---- Scenario: vwap ----
 * Trade events for 100 symbols "S000".."S099", picked uniformly. Each symbol
 * starts at its own price between 5.00 and 500.00 and moves by a random walk
 * of -5..+5 cents per trade (never below 1.00); prices are written with two
 * decimals. volume is 1..10000, or 0 for about one trade in 100. ts grows by
 * 1..4 ms per event. */
#define VWAP_SYMBOLS 100

static void gen_vwap(struct out *o, struct rng *r, uint64_t n)
{
    int64_t cents[VWAP_SYMBOLS];
    uint64_t ts = TS_START;

    for (int s = 0; s < VWAP_SYMBOLS; s++)
        cents[s] = 500 + rng_below(r, 49501);

    for (uint64_t i = 0; i < n; i++) {
        uint32_t s = rng_below(r, VWAP_SYMBOLS);
        int64_t next = cents[s] + (int64_t)rng_below(r, 11) - 5; /* -5..+5 cents */
        if (next >= 100)
            cents[s] = next;
        uint32_t vol = rng_below(r, 100) == 0 ? 0 : 1 + rng_below(r, 10000);

        out_reserve(o);
        OUT_LIT(o, "{\"event_type\":\"Trade\",\"symbol\":\"S");
        o->buf[o->len++] = (char)('0' + s / 100);
        o->buf[o->len++] = (char)('0' + s / 10 % 10);
        o->buf[o->len++] = (char)('0' + s % 10);
        OUT_LIT(o, "\",\"price\":");
        out_cents(o, (uint64_t)cents[s]);
        OUT_LIT(o, ",\"volume\":");
        out_u64(o, vol);
        OUT_LIT(o, ",\"ts\":");
        out_u64(o, ts);
        OUT_LIT(o, "}\n");
        ts += 1 + rng_below(r, 4);
    }
}

/* ---- Scenario: ema ----
 * Tick events for 100 symbols "S000".."S099", picked uniformly. Each symbol
 * starts at its own price between 5.00 and 500.00 and moves by a random walk
 * of -5..+5 cents per tick (never below 1.00), written with two decimals.
 * ts grows by 1..4 ms per event. */
#define EMA_SYMBOLS 100

static void gen_ema(struct out *o, struct rng *r, uint64_t n)
{
    int64_t cents[EMA_SYMBOLS];
    uint64_t ts = TS_START;

    for (int s = 0; s < EMA_SYMBOLS; s++)
        cents[s] = 500 + rng_below(r, 49501);

    for (uint64_t i = 0; i < n; i++) {
        uint32_t s = rng_below(r, EMA_SYMBOLS);
        int64_t next = cents[s] + (int64_t)rng_below(r, 11) - 5; /* -5..+5 cents */
        if (next >= 100)
            cents[s] = next;

        out_reserve(o);
        OUT_LIT(o, "{\"event_type\":\"Tick\",\"symbol\":\"S");
        o->buf[o->len++] = (char)('0' + s / 100);
        o->buf[o->len++] = (char)('0' + s / 10 % 10);
        o->buf[o->len++] = (char)('0' + s % 10);
        OUT_LIT(o, "\",\"price\":");
        out_cents(o, (uint64_t)cents[s]);
        OUT_LIT(o, ",\"ts\":");
        out_u64(o, ts);
        OUT_LIT(o, "}\n");
        ts += 1 + rng_below(r, 4);
    }
}

/* ---- Scenario: join ----
 * Login and Transaction events for 10,000 users "u00000".."u09999". About one
 * event in five is a Login: mostly a user not seen lately, from the user's
 * home IP (10.x.y.z), sometimes (one login in eight) a user among the last
 * 32 to log in, from a random IP, which pairs that login with the user's
 * recent transactions. The other events are Transactions: nine in ten by one
 * of the last 32 users to log in (so within a second or so of the login,
 * well inside the 5 s window), one in ten by any user. A transaction comes
 * from the user's last login IP about 60% of the time, else from a random
 * 203.0.113.x/198.51.100.x address; its amount is 1.00..999.99, or
 * 5000.00..20000.00 for about one in seven. ts grows by 1..4 ms per event. */
#define JOIN_USERS 10000
#define JOIN_ACTIVE 32

static void out_user(struct out *o, uint32_t u)
{
    OUT_LIT(o, "\"u");
    for (uint32_t d = 10000; d; d /= 10)
        o->buf[o->len++] = (char)('0' + u / d % 10);
    o->buf[o->len++] = '"';
}

/* An IPv4 address from a 32-bit number, quoted. */
static void out_ip(struct out *o, uint32_t ip)
{
    o->buf[o->len++] = '"';
    for (int k = 3; k >= 0; k--) {
        out_u64(o, ip >> (8 * k) & 0xff);
        if (k)
            o->buf[o->len++] = '.';
    }
    o->buf[o->len++] = '"';
}

static uint32_t home_ip(uint32_t u)
{
    return 0x0a000000u | (u * 2654435761u >> 8 & 0xffffff);
}

static uint32_t random_ip(struct rng *r)
{
    return (rng_below(r, 2) ? 0xcb007100u : 0xc6336400u) | rng_below(r, 256);
}

static void gen_join(struct out *o, struct rng *r, uint64_t n)
{
    static uint32_t last_ip[JOIN_USERS];
    uint32_t active[JOIN_ACTIVE];
    unsigned next = 0; /* the oldest entry of active[], replaced by the next login */
    uint64_t ts = TS_START;

    for (uint32_t u = 0; u < JOIN_USERS; u++)
        last_ip[u] = home_ip(u);
    for (unsigned k = 0; k < JOIN_ACTIVE; k++)
        active[k] = rng_below(r, JOIN_USERS);

    for (uint64_t i = 0; i < n; i++) {
        out_reserve(o);
        if (rng_below(r, 5) == 0) {
            uint32_t u, ip;
            if (rng_below(r, 8) == 0) {
                u = active[rng_below(r, JOIN_ACTIVE)];
                ip = random_ip(r);
            } else {
                u = rng_below(r, JOIN_USERS);
                ip = home_ip(u);
                active[next] = u;
                next = (next + 1) % JOIN_ACTIVE;
            }
            last_ip[u] = ip;
            OUT_LIT(o, "{\"event_type\":\"Login\",\"user_id\":");
            out_user(o, u);
            OUT_LIT(o, ",\"ip\":");
            out_ip(o, ip);
        } else {
            uint32_t u = rng_below(r, 10) ? active[rng_below(r, JOIN_ACTIVE)] : rng_below(r, JOIN_USERS);
            uint64_t cents = rng_below(r, 7) ? 100 + rng_below(r, 99900) : 500000 + rng_below(r, 1500001);
            uint32_t ip = rng_below(r, 5) < 3 ? last_ip[u] : random_ip(r);
            OUT_LIT(o, "{\"event_type\":\"Transaction\",\"user_id\":");
            out_user(o, u);
            OUT_LIT(o, ",\"amount\":");
            out_cents(o, cents);
            OUT_LIT(o, ",\"ip\":");
            out_ip(o, ip);
        }
        OUT_LIT(o, ",\"ts\":");
        out_u64(o, ts);
        OUT_LIT(o, "}\n");
        ts += 1 + rng_below(r, 4);
    }
}

/* ---- Scenario: multisensor ----
 * Temperature and Pressure readings, interleaved at random (half each), for
 * 200 locations "L000".."L199" picked uniformly. A location's temperature is
 * its base (15.00..25.00) plus uniform noise of up to ±amp, where amp
 * (0.20..3.00) is redrawn about once per 2,000 of its readings, so some
 * locations are noisy (relative deviation above 0.05) and some calm at any
 * time; pressure is 990.00..1030.00 plus noise of up to ±3.00. Values are
 * written with two decimals. ts grows by 1..4 ms per event. */
#define MS_LOCATIONS 200

static void out_location(struct out *o, uint32_t l)
{
    OUT_LIT(o, "\"L");
    o->buf[o->len++] = (char)('0' + l / 100);
    o->buf[o->len++] = (char)('0' + l / 10 % 10);
    o->buf[o->len++] = (char)('0' + l % 10);
    o->buf[o->len++] = '"';
}

static void gen_multisensor(struct out *o, struct rng *r, uint64_t n)
{
    uint32_t tbase[MS_LOCATIONS], tamp[MS_LOCATIONS], pbase[MS_LOCATIONS]; /* in cents */
    uint64_t ts = TS_START;

    for (int l = 0; l < MS_LOCATIONS; l++) {
        tbase[l] = 1500 + rng_below(r, 1001);
        tamp[l] = 20 + rng_below(r, 281);
        pbase[l] = 99000 + rng_below(r, 4001);
    }

    for (uint64_t i = 0; i < n; i++) {
        uint32_t l = rng_below(r, MS_LOCATIONS);
        out_reserve(o);
        if (rng_below(r, 2)) {
            if (rng_below(r, 2000) == 0)
                tamp[l] = 20 + rng_below(r, 281);
            OUT_LIT(o, "{\"event_type\":\"Temperature\",\"location\":");
            out_location(o, l);
            OUT_LIT(o, ",\"value\":");
            out_cents(o, tbase[l] - tamp[l] + rng_below(r, 2 * tamp[l] + 1));
        } else {
            OUT_LIT(o, "{\"event_type\":\"Pressure\",\"location\":");
            out_location(o, l);
            OUT_LIT(o, ",\"value\":");
            out_cents(o, pbase[l] - 300 + rng_below(r, 601));
        }
        OUT_LIT(o, ",\"ts\":");
        out_u64(o, ts);
        OUT_LIT(o, "}\n");
        ts += 1 + rng_below(r, 4);
    }
}

/* ---- Pattern scenarios: sequence, orderpay, kleene, threestep ----
 * Their ts grows by 0..4 ms per event (about 500 events per second), so
 * about one event in five shares the previous event's millisecond. */

static void out_ts_end(struct out *o, uint64_t ts)
{
    OUT_LIT(o, ",\"ts\":");
    out_u64(o, ts);
    OUT_LIT(o, "}\n");
}

/* A key "k" plus three digits, quoted. */
static void out_key3(struct out *o, uint32_t k)
{
    OUT_LIT(o, "\"k");
    o->buf[o->len++] = (char)('0' + k / 100);
    o->buf[o->len++] = (char)('0' + k / 10 % 10);
    o->buf[o->len++] = (char)('0' + k % 10);
    o->buf[o->len++] = '"';
}

/* ---- Scenario: sequence ----
 * A and B events with an int id 0..999 and seq = the event's index. Three
 * events in five are an A with a uniform id. Ids 900..999 are never
 * answered: their runs all expire after 60 s. A B carries, 3 times in 4,
 * the id of one of the last 64 A's (an answer within a fraction of a
 * second), else a uniform id 0..899 (which completes whatever runs of that
 * id are waiting). About 90% of A's end in a match; at most about 2,900
 * runs are live at once, below the cap of 10,000. */
#define SEQ_IDS 1000
#define SEQ_ANSWERED 900
#define SEQ_RECENT 64

static void gen_sequence(struct out *o, struct rng *r, uint64_t n)
{
    uint32_t recent[SEQ_RECENT];
    unsigned next = 0;
    uint64_t ts = TS_START;

    for (unsigned k = 0; k < SEQ_RECENT; k++)
        recent[k] = rng_below(r, SEQ_ANSWERED);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t id;
        out_reserve(o);
        if (rng_below(r, 5) < 3) {
            id = rng_below(r, SEQ_IDS);
            recent[next] = id;
            next = (next + 1) % SEQ_RECENT;
            OUT_LIT(o, "{\"event_type\":\"A\",\"id\":");
        } else {
            id = rng_below(r, 4) ? recent[rng_below(r, SEQ_RECENT)] : SEQ_ANSWERED;
            if (id >= SEQ_ANSWERED)
                id = rng_below(r, SEQ_ANSWERED);
            OUT_LIT(o, "{\"event_type\":\"B\",\"id\":");
        }
        out_u64(o, id);
        OUT_LIT(o, ",\"seq\":");
        out_u64(o, i);
        out_ts_end(o, ts);
        ts += rng_below(r, 5);
    }
}

/* ---- Scenario: orderpay ----
 * Order and Payment events, half each. Orders get increasing ids
 * "o00000001".., a customer "c00000".."c19999" and an amount 5.00..500.00.
 * A payment picks one of the last 2,048 orders (about the last 8 s) and
 * pays its amount (one in ten pays a different one) by card, paypal, wire
 * or voucher; so an order gets about one payment, some none and some two,
 * and its first payment comes within 5 s for a bit under half of all
 * orders. Ids are never reused, so a detector must forget paid and expired
 * orders. At most about 1,050 runs are live (unpaid orders of the last
 * 5 s), far below the cap of 10,000. */
#define OP_RECENT 2048
#define OP_CUSTOMERS 20000

static const char *const pay_methods[] = {"card", "paypal", "wire", "voucher"};

static void out_digits(struct out *o, uint64_t v, int width)
{
    for (int k = width - 1; k >= 0; k--) {
        o->buf[o->len + (size_t)k] = (char)('0' + v % 10);
        v /= 10;
    }
    o->len += (size_t)width;
}

static void gen_orderpay(struct out *o, struct rng *r, uint64_t n)
{
    static uint32_t recent_id[OP_RECENT], recent_cents[OP_RECENT];
    uint64_t orders = 0, ts = TS_START;

    for (uint64_t i = 0; i < n; i++) {
        out_reserve(o);
        if (orders == 0 || rng_below(r, 2)) {
            uint32_t slot = (uint32_t)(orders % OP_RECENT);
            recent_id[slot] = (uint32_t)++orders;
            recent_cents[slot] = 500 + rng_below(r, 49501);
            OUT_LIT(o, "{\"event_type\":\"Order\",\"order_id\":\"o");
            out_digits(o, recent_id[slot], 8);
            OUT_LIT(o, "\",\"customer\":\"c");
            out_digits(o, rng_below(r, OP_CUSTOMERS), 5);
            OUT_LIT(o, "\",\"amount\":");
            out_cents(o, recent_cents[slot]);
        } else {
            uint32_t known = orders < OP_RECENT ? (uint32_t)orders : OP_RECENT;
            uint32_t slot = rng_below(r, known);
            uint32_t cents = rng_below(r, 10) ? recent_cents[slot] : 500 + rng_below(r, 49501);
            const char *m = pay_methods[rng_below(r, 4)];
            OUT_LIT(o, "{\"event_type\":\"Payment\",\"order_id\":\"o");
            out_digits(o, recent_id[slot], 8);
            OUT_LIT(o, "\",\"amount\":");
            out_cents(o, cents);
            OUT_LIT(o, ",\"method\":\"");
            out_lit(o, m, strlen(m));
            o->buf[o->len++] = '"';
        }
        out_ts_end(o, ts);
        ts += rng_below(r, 5);
    }
}

/* ---- Scenario: kleene ----
 * Tick events for the 50 tickers, picked uniformly (about 10 ticks per
 * second each). Each ticker's price (in cents, starting at 20.00..500.00,
 * never below 1.00) is a walk whose trend is redrawn about every 1,000 of
 * its ticks (100 s): falling two times in three, rising otherwise, the
 * moves picked from the table below (so zero on average). A move of 0
 * repeats the price, which `>` does not accept. Rising stretches complete
 * runs within a few ticks; falling ones leave most runs waiting until the
 * 60 s pass. About 46% of ticks complete a run; a ticker has about 350
 * live runs on average and never more than 700, far below the cap of
 * 10,000. */
#define KLEENE_REGIME 1000

static const int kleene_moves[2][6] = {
    {-2, -1, -1, 0, 0, 1}, /* falling: mean -0.5 cent per tick */
    {-1, 0, 1, 2, 2, 2},   /* rising: mean +1 cent per tick */
};

static void gen_kleene(struct out *o, struct rng *r, uint64_t n)
{
    int64_t cents[NTICKERS];
    int rising[NTICKERS];
    uint64_t ts = TS_START;

    for (size_t s = 0; s < NTICKERS; s++) {
        cents[s] = 2000 + rng_below(r, 48001);
        rising[s] = rng_below(r, 3) == 0;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint32_t s = rng_below(r, NTICKERS);
        if (rng_below(r, KLEENE_REGIME) == 0)
            rising[s] = rng_below(r, 3) == 0;
        int64_t next = cents[s] + kleene_moves[rising[s]][rng_below(r, 6)];
        if (next >= 100)
            cents[s] = next;

        out_reserve(o);
        OUT_LIT(o, "{\"event_type\":\"Tick\",\"symbol\":\"");
        out_lit(o, tickers[s], strlen(tickers[s]));
        OUT_LIT(o, "\",\"price\":");
        out_cents(o, (uint64_t)cents[s]);
        OUT_LIT(o, ",\"volume\":");
        out_u64(o, 100 * (1 + (uint64_t)rng_below(r, 100)));
        out_ts_end(o, ts);
        ts += rng_below(r, 5);
    }
}

/* ---- Scenario: threestep ----
 * A, B and C events (40%, 30%, 30%) with a key "k000".."k999" and an int
 * v. An A has a uniform key; a B, 4 times in 5, the key of one of the last
 * 128 A's, else a uniform one; a C likewise the key of one of the last 128
 * B's. So most A's are followed by a B and a C of their key within a second
 * or two, and some runs wait until they expire after 10 s. A key has at
 * most about 10 live runs, far below the cap of 10,000. */
#define TS3_KEYS 1000
#define TS3_RECENT 128

static void gen_threestep(struct out *o, struct rng *r, uint64_t n)
{
    uint32_t recent_a[TS3_RECENT], recent_b[TS3_RECENT];
    unsigned next_a = 0, next_b = 0;
    uint64_t ts = TS_START;

    for (unsigned k = 0; k < TS3_RECENT; k++) {
        recent_a[k] = rng_below(r, TS3_KEYS);
        recent_b[k] = rng_below(r, TS3_KEYS);
    }
    for (uint64_t i = 0; i < n; i++) {
        uint32_t pick = rng_below(r, 10), k;
        int targeted = rng_below(r, 5) != 0;
        out_reserve(o);
        if (pick < 4) {
            k = rng_below(r, TS3_KEYS);
            recent_a[next_a] = k;
            next_a = (next_a + 1) % TS3_RECENT;
            OUT_LIT(o, "{\"event_type\":\"A\",\"key\":");
        } else if (pick < 7) {
            k = targeted ? recent_a[rng_below(r, TS3_RECENT)] : rng_below(r, TS3_KEYS);
            recent_b[next_b] = k;
            next_b = (next_b + 1) % TS3_RECENT;
            OUT_LIT(o, "{\"event_type\":\"B\",\"key\":");
        } else {
            k = targeted ? recent_b[rng_below(r, TS3_RECENT)] : rng_below(r, TS3_KEYS);
            OUT_LIT(o, "{\"event_type\":\"C\",\"key\":");
        }
        out_key3(o, k);
        OUT_LIT(o, ",\"v\":");
        out_u64(o, rng_below(r, 1000));
        out_ts_end(o, ts);
        ts += rng_below(r, 5);
    }
}

/* ---- Scenario table: add a row to add a scenario ---- */

struct scenario {
    const char *name;
    const char *what;
    void (*gen)(struct out *o, struct rng *r, uint64_t n);
};

static const struct scenario scenarios[] = {
    {"filter", "StockTick ticks, ~50% with price > 150.0", gen_filter},
    {"vwap", "Trade events for 100 symbols, random-walk prices", gen_vwap},
    {"ema", "Tick events for 100 symbols, random-walk prices", gen_ema},
    {"emajoin", "the ema scenario's Tick events", gen_ema},
    {"join", "Login and Transaction events for 10,000 users, many within 5 s", gen_join},
    {"multisensor", "Temperature and Pressure readings for 200 locations", gen_multisensor},
    {"sequence", "A and B events for 1,000 ids, most A's answered by a B", gen_sequence},
    {"orderpay", "Orders and Payments, under half of the orders paid within 5 s", gen_orderpay},
    {"kleene", "Ticks for 50 tickers, random walks with rising and falling stretches", gen_kleene},
    {"threestep", "A, B and C events for 1,000 keys, most A's followed by B and C", gen_threestep},
};
#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

static int usage(void)
{
    fprintf(stderr, "usage: gen SCENARIO N OUT [SEED]\n       gen --list\n");
    return 2;
}

/* Strict unsigned parse: the whole string must be a number (base 0: 0x ok). */
static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || end == s || *end || *s == '-')
        return -1;
    *v = x;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < NSCENARIOS; i++)
            printf("%s\t%s\n", scenarios[i].name, scenarios[i].what);
        return 0;
    }
    if (argc < 4 || argc > 5)
        return usage();

    const struct scenario *sc = NULL;
    for (size_t i = 0; i < NSCENARIOS; i++)
        if (strcmp(argv[1], scenarios[i].name) == 0)
            sc = &scenarios[i];
    if (!sc) {
        fprintf(stderr, "gen: unknown scenario '%s' (try --list)\n", argv[1]);
        return 2;
    }

    uint64_t n, seed = DEFAULT_SEED;
    if (parse_u64(argv[2], &n) != 0 || (argc == 5 && parse_u64(argv[4], &seed) != 0))
        return usage();

    static struct out o; /* 1 MiB buffer: static, not on the stack */
    o.f = strcmp(argv[3], "-") == 0 ? stdout : fopen(argv[3], "wb");
    if (!o.f) {
        fprintf(stderr, "gen: %s: %s\n", argv[3], strerror(errno));
        return 1;
    }

    struct rng r = {seed};
    sc->gen(&o, &r, n);
    out_flush(&o);
    if (fflush(o.f) != 0 || (o.f != stdout && fclose(o.f) != 0)) {
        perror("gen: write");
        return 1;
    }
    return 0;
}
