/* lex.h — the lexer: tokens with spans, layout (NEWLINE/INDENT/DEDENT) made
 * here per LANGUAGE.md §1, never by rewriting the text. */
#ifndef VPC_LEX_H
#define VPC_LEX_H

#include "vpc.h"

typedef enum vpc_tok_kind {
#define VPC_TOK(name, spelling) VPC_T_##name,
#include "tok.def"
#undef VPC_TOK
    VPC_T__COUNT
} vpc_tok_kind;

typedef struct vpc_tok {
    vpc_tok_kind kind;
    vpc_span span;
    union {
        int64_t i;     /* INT; DURATION and TIMESTAMP in ns */
        double f;      /* FLOAT */
        vpc_str s;     /* STRING: decoded content (arena), not NUL-terminated */
        vpc_sym *sym;  /* IDENT (and reserved words: their spelling) */
    } v;
    bool bol;          /* first token of a physical line */
} vpc_tok;

/* Lexer state. Private fields are only read by lex.c. */
typedef struct vpc_lexer {
    vpc_ctx *ctx;
    const vpc_source *src;
    uint32_t file;
    uint32_t pos;
    int depth;                 /* ( [ { nesting: layout is off inside */
    /* layout */
    uint32_t ind_header[64];   /* column of each open block's header line */
    uint32_t ind_body[64];     /* column of each open block's body */
    int nind;
    int pending_dedents;
    bool pending_newline;
    bool pending_indent;
    bool expect_block;         /* the last line was a block header ending in ':' */
    uint32_t line_first_col;   /* column of the current line's first token */
    vpc_tok_kind line_first_kind;
    vpc_sym *line_first_sym;
    vpc_tok last;              /* last token returned */
    bool have_last;
    vpc_tok ahead;             /* one raw token of lookahead */
    bool have_ahead;
    bool at_eof;
    bool error_seen;           /* a lexer error was reported (suppress cascades) */
    /* private to lex.c */
    uint32_t newline_off;      /* where the pending NEWLINE is reported */
    bool force_bol;            /* the next token starts a line (after a skipped template body) */
    bool after_template;       /* the previous logical line was a template header */
    vpc_span template_body;    /* raw text of the last skipped template body */
} vpc_lexer;

void vpc_lex_init(vpc_lexer *lx, vpc_ctx *ctx, const vpc_source *src);
/* Next token; at end repeats VPC_T_EOF. Errors are reported to ctx and the
 * offending text is skipped. */
vpc_tok vpc_lex_next(vpc_lexer *lx);
const char *vpc_tok_name(vpc_tok_kind k); /* "'('", "identifier", ... */
/* The raw body of the top-level `for` template whose header was just
 * lexed: its lines are skipped, never tokenized ({i} may split names). */
vpc_span vpc_lex_template_body(const vpc_lexer *lx);

#endif /* VPC_LEX_H */
