/*
 * sieve.h: Sieve (RFC 5228) for delivery, in four steps each of its own
 * file: sieve-lex.c (tokens), sieve-parse.c (the tree), sieve-check.c
 * (commands, tests, tags and arguments against the required
 * extensions) and sieve-run.c (the script over one message, giving the
 * list of actions it asks for; doing them is the caller's). Included by
 * internal.h; nothing here is promised to stay.
 */
#ifndef MDKIT_SIEVE_H
#define MDKIT_SIEVE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define MD_SIEVE_SIZE (1024 * 1024) /* bytes of script, Pigeonhole's */
#define MD_SIEVE_DEPTH 32           /* blocks and tests within tests */
#define MD_SIEVE_ACTIONS 32         /* actions of one run, Pigeonhole's */
#define MD_SIEVE_REDIRECTS 4        /* redirects of one run */
#define MD_SIEVE_VALUE 8192         /* bytes of a header value tested */
#define MD_SIEVE_SECONDS 10         /* of one run, at most */

/* Bytes of a message the body test reads; what follows is not seen. */
#define MD_SIEVE_BODY (4 * 1024 * 1024)

/* What went wrong, with where: LINE and COL from 1 (0 when the error has
 * no place in the script, as a read error). */
enum md_sieve_err_kind {
	MD_SIEVE_SYNTAX,  /* not a script: a bad token or grammar */
	MD_SIEVE_INVALID, /* parses, but a command, test, tag or argument
	                     is unknown, misplaced or of the wrong type */
	MD_SIEVE_LIMIT,   /* a limit of size, nesting or actions */
	MD_SIEVE_RUNTIME, /* conflicting actions, or one not possible */
	MD_SIEVE_SYSTEM   /* memory, or reading the script; errno */
};

struct md_sieve_err {
	enum md_sieve_err_kind kind;
	unsigned line, col;
	char msg[256];
	/* The included script (RFC 6609) the place is in; "" for the script
	 * compiled or run itself. */
	char file[1024];
};

/* ---- sieve-lex.c ---- */

/* What a script's tree and strings are made of, freed at once: a
 * delivery compiles a script each time, and one malloc a token cost
 * more than the rest of the parse. */
struct md_sieve_chunk;
struct md_sieve_arena {
	struct md_sieve_chunk *head;
	char *next, *end; /* what is left of the chunk being filled */
};

/* N bytes from A in a new chunk (one of their own when many); NULL/ENOMEM. */
void *md_sieve_arena_grow(struct md_sieve_arena *a, size_t n);

/* N bytes from A at a multiple of AL (a power of two, at most
 * _Alignof(max_align_t)). Inline: a compile asks for thousands. */
static inline void *
md_sieve_take(struct md_sieve_arena *a, size_t n, size_t al)
{
	uintptr_t p = ((uintptr_t)a->next + al - 1) & ~(uintptr_t)(al - 1);

	if (a->next == NULL || p > (uintptr_t)a->end ||
	    (uintptr_t)a->end - p < n)
		return md_sieve_arena_grow(a, n);
	a->next = (char *)p + n;
	return (char *)p;
}

/* N bytes from A, aligned for any type; NULL/ENOMEM. */
static inline void *
md_sieve_alloc(struct md_sieve_arena *a, size_t n)
{
	return md_sieve_take(a, n, _Alignof(max_align_t));
}

/* N bytes for a string, not aligned: a token's name or text. */
static inline void *
md_sieve_alloc_str(struct md_sieve_arena *a, size_t n)
{
	return md_sieve_take(a, n, 1);
}

void md_sieve_arena_free(struct md_sieve_arena *a);
/* Room for N bytes in A made at once, its pages ready: -1/errno. */
int md_sieve_arena_reserve(struct md_sieve_arena *a, size_t n);

enum md_sieve_tok {
	MD_TOK_EOF,
	MD_TOK_IDENT,  /* if, header */
	MD_TOK_TAG,    /* :is (s without the colon) */
	MD_TOK_NUMBER, /* 10K as 10240 in num */
	MD_TOK_STRING, /* "..." or text: ... . (s decoded, len bytes) */
	MD_TOK_PUNCT   /* one of ; , ( ) [ ] { } in punct */
};

struct md_sieve_token {
	enum md_sieve_tok kind;
	unsigned line, col;
	char punct;
	uint64_t num;
	char *s; /* IDENT, TAG and STRING: NUL-terminated, see arena */
	size_t len;
};

struct md_sieve_lexer {
	const char *p, *end;
	unsigned line, col;
	/* Where token strings are made; NULL: malloc, the taker frees. */
	struct md_sieve_arena *arena;
};

void md_sieve_lex_init(struct md_sieve_lexer *lx, const char *buf, size_t len);
/* The next token into T; -1 with E (MD_SIEVE_SYNTAX, or SYSTEM/ENOMEM). */
int md_sieve_lex(struct md_sieve_lexer *lx, struct md_sieve_token *t,
    struct md_sieve_err *e);

/* encoded-character (RFC 5228 2.4.2.4): each well-formed "${hex:..}" and
 * "${unicode:..}" in the LEN bytes at S replaced, in place, by what it
 * encodes (malformed ones stay as written); *LEN the new length. -1 with
 * EINVAL for a code point that is no Unicode scalar value, ENOMEM. */
int md_sieve_decode_encoded(char *s, size_t *len);

/* Are the LEN bytes at S a variable name (an identifier of at most 64
 * bytes, RFC 5229 3)? */
int md_sieve_var_name(const char *s, size_t len);

/* ---- sieve-parse.c ---- */

enum md_sieve_arg_kind { MD_ARG_STRINGS, MD_ARG_NUMBER, MD_ARG_TAG };

struct md_sieve_arg {
	enum md_sieve_arg_kind kind;
	unsigned line, col;
	int list; /* written as [ ... ] */
	char **s; /* the strings (NUL-terminated), or the tag's name in s[0] */
	size_t *len, n;
	uint64_t num;
};

/* What only date, currentdate, include, body, duplicate and vacation
 * take, apart from struct md_sieve_spec: every node carries a spec, and
 * a delivery compiles its script each time, so a node of the many
 * other commands and tests stays small. */
struct md_sieve_ext {
	/* date (RFC 5260): :zone's string, or :originalzone. */
	const struct md_sieve_arg *zone;
	int origzone;
	/* include (RFC 6609): its MD_INC_ tags; 1 + the place of the script
	 * it names in the including script's table (0: none, an :optional
	 * one that is not there). */
	int incl;
	size_t unit;
	int body;                         /* body's MD_BODY_ transform */
	const struct md_sieve_arg *types; /* body :content's types */
	/* duplicate and vacation (sieve-send.c's): the strings after
	 * :handle, :header or :uniqueid, :subject, :from, :addresses */
	const struct md_sieve_arg *handle, *dupid, *subject, *vfrom, *addrs;
	int uniqueid, dlast, mime, has_secs; /* has_secs: secs given */
	uint64_t secs;                       /* :seconds, or :days in seconds */
};

/* Filled by sieve-check.c: what a command or test is, its tags read. */
struct md_sieve_spec {
	unsigned char id; /* enum md_sieve_id (sieve-check.c) */
	unsigned char comparator, match, part, rel; /* enums of sieve-run.c */
	unsigned char over, copy;                   /* size :over; :copy */
	unsigned char mods;                         /* set's MD_MOD_ bits */
	unsigned char last;                         /* :last (index) */
	/* :index N (0: none), from the end with :last; an N larger than
	 * UINT32_MAX as that, for no message has as many fields either */
	uint32_t index;
	const struct md_sieve_arg *pos[3]; /* the positional arguments */
	const struct md_sieve_arg *flags;  /* :flags (imap4flags) */
	/* imap4flags with variables: the variable(s) named before the
	 * flags, NULL for the internal one */
	const struct md_sieve_arg *flagvar;
	/* date, currentdate, include, body, duplicate and vacation: theirs,
	 * in the script's arena; NULL for all others. */
	struct md_sieve_ext *x;
};

/* A command or a test: a name, arguments, then tests, then a block. */
struct md_sieve_node {
	char *name;
	unsigned line, col;
	struct md_sieve_arg *args;
	struct md_sieve_node *tests;
	struct md_sieve_node *block;
	/* A script of MD_SIEVE_SIZE bytes has fewer than 2^32 of anything:
	 * counts and flags narrow, for a small node. */
	unsigned nargs, ntests, nblock;
	unsigned char testlist; /* tests written as ( ... ) */
	unsigned char has_block;
	struct md_sieve_spec spec;
};

struct md_sieve_incl;
struct md_sieve_script {
	struct md_sieve_node *cmds;
	size_t ncmds;
	unsigned caps;               /* MD_CAP_ bits required */
	struct md_sieve_arena arena; /* all of the above */
	struct md_sieve_incl *incl;  /* the scripts it includes, or NULL */
	/* Its tree is a record's (sieve-cache.c), made once this very text
	 * checked: what only regcomp(3) judges is not asked again (a bad
	 * regex in a damaged record fails as it runs). */
	int checked;
};

/* Parse the LEN bytes at BUF (no larger than MD_SIEVE_SIZE) into S: the
 * grammar only. -1 with E. S is empty after md_sieve_free either way. */
int md_sieve_parse(struct md_sieve_script *s, const char *buf, size_t len,
    struct md_sieve_err *e);
void md_sieve_free(struct md_sieve_script *s);

/* ---- sieve-check.c ---- */

/* What a node is, once checked (spec.id). */
enum md_sieve_id {
	MD_SV_REQUIRE,
	MD_SV_IF,
	MD_SV_ELSIF,
	MD_SV_ELSE,
	MD_SV_STOP,
	MD_SV_KEEP,
	MD_SV_DISCARD,
	MD_SV_FILEINTO,
	MD_SV_REDIRECT,
	MD_SV_REJECT,
	MD_SV_EREJECT,
	MD_SV_SETFLAG,
	MD_SV_ADDFLAG,
	MD_SV_REMOVEFLAG,
	MD_SV_SET,
	MD_SV_VACATION,
	/* tests */
	MD_SV_ADDRESS,
	MD_SV_ENVELOPE,
	MD_SV_HEADER,
	MD_SV_EXISTS,
	MD_SV_SIZE,
	MD_SV_ALLOF,
	MD_SV_ANYOF,
	MD_SV_NOT,
	MD_SV_TRUE,
	MD_SV_FALSE,
	MD_SV_HASFLAG,
	MD_SV_STRING,
	MD_SV_MAILBOXEXISTS,
	MD_SV_DATE, /* date (RFC 5260) */
	MD_SV_CURRENTDATE,
	MD_SV_INCLUDE, /* include (RFC 6609) */
	MD_SV_RETURN,
	MD_SV_GLOBAL,
	MD_SV_BODY, /* body (RFC 5173) */
	MD_SV_DUPLICATE
};

enum md_sieve_cmp { MD_CMP_CASEMAP, MD_CMP_OCTET, MD_CMP_NUMERIC };
enum md_sieve_match {
	MD_MATCH_IS,
	MD_MATCH_CONTAINS,
	MD_MATCH_MATCHES,
	MD_MATCH_REGEX,
	MD_MATCH_VALUE,
	MD_MATCH_COUNT
};
enum md_sieve_part {
	MD_PART_ALL,
	MD_PART_LOCAL,
	MD_PART_DOMAIN,
	MD_PART_USER,
	MD_PART_DETAIL
};
/* set's modifiers (RFC 5229 4). */
enum {
	MD_MOD_LOWER = 1,
	MD_MOD_UPPER = 2,
	MD_MOD_LOWERFIRST = 4,
	MD_MOD_UPPERFIRST = 8,
	MD_MOD_QUOTE = 16,
	MD_MOD_LENGTH = 32
};
#define MD_SIEVE_VARS 255     /* variables a script may set */
#define MD_SIEVE_NAMELEN 64   /* bytes of a variable name */
#define MD_SIEVE_VARLEN 4000  /* bytes of a variable's value */
#define MD_SIEVE_MATCHVARS 32 /* ${0} to ${31}; later ones are "" */

/* Relations of :value and :count (RFC 5231). */
enum md_sieve_rel {
	MD_REL_GT,
	MD_REL_GE,
	MD_REL_LT,
	MD_REL_LE,
	MD_REL_EQ,
	MD_REL_NE
};

enum md_sieve_cap {
	MD_CAP_FILEINTO = 1 << 0,
	MD_CAP_ENVELOPE = 1 << 1,
	MD_CAP_COPY = 1 << 2,
	MD_CAP_REJECT = 1 << 3,
	MD_CAP_EREJECT = 1 << 4,
	MD_CAP_SUBADDRESS = 1 << 5,
	MD_CAP_RELATIONAL = 1 << 6,
	MD_CAP_NUMERIC = 1 << 7, /* comparator-i;ascii-numeric */
	MD_CAP_REGEX = 1 << 8,
	MD_CAP_IMAP4FLAGS = 1 << 9,
	MD_CAP_ENCODED = 1 << 10, /* encoded-character */
	MD_CAP_VARIABLES = 1 << 11,
	MD_CAP_MAILBOX = 1 << 12,
	MD_CAP_DATE = 1 << 20,
	MD_CAP_INDEX = 1 << 21,
	MD_CAP_INCLUDE = 1 << 22,
	MD_CAP_BODY = 1 << 23,
	MD_CAP_DUPLICATE = 1 << 25,
	MD_CAP_VACATION = 1 << 26,
	MD_CAP_VACSECONDS = 1 << 27 /* vacation-seconds */
};

/* include's tags (RFC 6609 3.2). */
enum { MD_INC_GLOBAL = 1, MD_INC_ONCE = 2, MD_INC_OPTIONAL = 4 };
#define MD_SIEVE_INCLUDE_DEPTH 10 /* includes within includes, Pigeonhole's */
#define MD_SIEVE_INCLUDES 255     /* scripts one script includes, all told */

/* body's transforms (RFC 5173 5): :text is the default. */
enum md_sieve_body_transform { MD_BODY_TEXT, MD_BODY_RAW, MD_BODY_CONTENT };

/* Check the parsed S: requires first and known, each command and test
 * known, allowed by what is required, in its place, with the tags and
 * arguments it takes; fills each node's spec. -1 with E (the first
 * fault, MD_SIEVE_INVALID). */
int md_sieve_check(struct md_sieve_script *s, struct md_sieve_err *e);
/* md_sieve_parse then md_sieve_check. */
int md_sieve_compile(struct md_sieve_script *s, const char *buf, size_t len,
    struct md_sieve_err *e);
/* Read the script file PATH (no larger than MD_SIEVE_SIZE) and
 * compile it, its parse taken from and kept in CACHE's mdkit-sieve/
 * (NULL: none): -1 with E, MD_SIEVE_SYSTEM and errno when it cannot be
 * read. */
int md_sieve_compile_file(struct md_sieve_script *s, const char *path,
    const struct md_maildir *cache, struct md_sieve_err *e);

/* ---- sieve-match.c: comparators (enum md_sieve_cmp), match types ---- */

/* <0, 0, >0 as A sorts before, with or after B under CMP (i;ascii-numeric:
 * by the leading digits' value, no digits sorting last). */
int md_sieve_order(const char *a, const char *b, int cmp);
/* Does the order C (of md_sieve_order) hold relation REL? */
int md_sieve_relation(int rel, int c);
/* Does V contain KEY under CMP? */
int md_sieve_contains(const char *v, const char *key, int cmp);
/* :matches: does V match PAT ('*' any run, '?' one UTF-8 character, '\'
 * quotes the next)? */
int md_sieve_glob(const char *pat, const char *v, int cmp);
/* The N bytes at V into OUT, ASCII capitals made small (NULs and 8-bit
 * bytes as they are). */
void md_sieve_lower(char *out, const char *v, size_t n);
/* The ASCII bytes of the N at S as bits of M, byte B as bit B % 64 of
 * M[B / 64]: a text whose bits some of a key's are not in holds no copy
 * of the key. */
void md_sieve_bytes(const char *s, size_t n, uint64_t m[2]);
/* md_sieve_contains and md_sieve_glob, the same answers, given also LV:
 * V through md_sieve_lower (a value tested by many rules is made small
 * once). */
int md_sieve_contains_low(
    const char *v, const char *lv, const char *key, int cmp);
int md_sieve_glob_low(const char *pat, const char *v, const char *lv, int cmp);
/* md_sieve_glob, and when it matches (1) the match variables: CAP[0] all
 * of V, then each wildcard's [start, end) in V, each taking as little as
 * will do (RFC 5229 3.2), up to NCAP, their number in *N. 0 when it does
 * not match; -1 with ENOMEM, or E2BIG when PAT x V is too large. */
int md_sieve_glob_capture(const char *pat, const char *v, int cmp,
    size_t (*cap)[2], size_t ncap, size_t *n);

/* ---- sieve-vars.c: variables (RFC 5229) while a script runs ---- */

struct md_sieve_vars {
	char **name, **value; /* N of them, room for CAP (at most
	                         MD_SIEVE_VARS): a run that sets none
	                         zeroes a small struct, not 4 KiB */
	size_t n, cap;
	char *match[MD_SIEVE_MATCHVARS]; /* ${0}, ${1}... */
	size_t nmatch;
	char **arena; /* expanded strings, until md_sieve_vars_reset */
	size_t narena, carena;
};

/* Free the expanded strings; md_sieve_vars_free frees everything. */
void md_sieve_vars_reset(struct md_sieve_vars *v);
void md_sieve_vars_free(struct md_sieve_vars *v);
/* S with each "${name}" and "${digits}" replaced by the value ("" for
 * one never set), cut to MD_SIEVE_VALUE bytes: S itself when it has no
 * reference, else a string valid until md_sieve_vars_reset. NULL with
 * ENOMEM. A malformed reference stays as written. */
const char *md_sieve_expand(struct md_sieve_vars *v, const char *s);
/* set: NAME (any case) to VALUE cut to MD_SIEVE_VARLEN bytes, then the
 * MD_MOD_ modifiers MODS applied. -1 with ENOMEM, or E2BIG for more
 * than MD_SIEVE_VARS variables. */
int md_sieve_set(
    struct md_sieve_vars *v, const char *name, const char *value, int mods);
/* The match variables anew: the N (at most MD_SIEVE_MATCHVARS) spans
 * CAP of VALUE. -1/ENOMEM, the old ones kept. */
int md_sieve_set_matches(struct md_sieve_vars *v, const char *value,
    const size_t (*cap)[2], size_t n);

/* ---- sieve-date.c: the date extension's arithmetic (RFC 5260) ---- */

/* A time zone argument "+hhmm" or "-hhmm" into *OFF, seconds east of
 * UTC; -1 when S is none. */
int md_sieve_zone(const char *s, long *off);
/* The local zone's offset from UTC at NOW: Pigeonhole's "local time
 * zone", used for every date without :zone, whatever its season. */
long md_sieve_local_zone(int64_t now);
/* The date part PART (RFC 5260 4.2: "year", "date", "iso8601" ..., any
 * case) of the moment T seen at OFF seconds east of UTC, into OUT; -1
 * when PART is no date part. */
int md_sieve_date_part(
    int64_t t, long off, const char *part, char *out, size_t size);

/* ---- sieve-include.c: include (RFC 6609) ---- */

/* Where include finds the script NAME: NAME.sieve in PERSONAL (the
 * default, :personal) or in GLOBAL (:global); NULL: no such place. */
struct md_sieve_dirs {
	const char *personal, *global;
	/* The maildir whose mdkit-sieve/ keeps each script's parse
	 * (sieve-cache.c); NULL: parse each time. */
	const struct md_maildir *cache;
};

/* md_sieve_compile_file, then every script it includes, and those they
 * include, compiled into its table (S->incl) from DIRS (NULL: none): a
 * script that is not there (unless :optional), an include loop, more
 * than MD_SIEVE_INCLUDE_DEPTH levels or MD_SIEVE_INCLUDES scripts are
 * errors of the include's place, and an error inside an included script
 * names it in E->file. */
int md_sieve_compile_dirs(struct md_sieve_script *s, const char *path,
    const struct md_sieve_dirs *dirs, struct md_sieve_err *e);
void md_sieve_incl_free(struct md_sieve_incl *t);
/* The checker's part for global (RFC 6609 3.3): a variable the checked
 * script S sets or refers to before declaring it global is a fault of
 * the declaration, as Pigeonhole has it. -1 with E. */
int md_sieve_check_globals(
    const struct md_sieve_script *s, struct md_sieve_err *e);
/* The script of S's include node N, as linked; NULL when it has none. *PATH
 * its file. */
const struct md_sieve_script *md_sieve_included(const struct md_sieve_script *s,
    const struct md_sieve_node *n, const char **path);
/* The variables script S declares global, copied from its FROM to TO
 * (its own variables and the shared ones, either way). -1 with ENOMEM,
 * or E2BIG for too many variables. */
int md_sieve_globals_copy(const struct md_sieve_script *s,
    struct md_sieve_vars *from, struct md_sieve_vars *to);

/* ---- sieve-run.c ---- */

enum md_sieve_action_kind {
	MD_ACT_KEEP, /* store into INBOX (implicit or explicit) */
	MD_ACT_FILEINTO,
	MD_ACT_DISCARD,
	MD_ACT_REDIRECT,
	MD_ACT_REJECT,
	MD_ACT_EREJECT,
	MD_ACT_VACATION /* arg the reason; vac the rest */
};

/* What vacation (RFC 5230) asks for, its strings expanded. */
struct md_sieve_vacation {
	char *subject, *from, *handle; /* NULL when not given */
	char **addrs;                  /* :addresses */
	size_t naddrs;
	int mime;
	uint64_t secs; /* the period, within MD_VACATION_MIN/MAX */
};

/* A duplicate record to make once the delivery succeeded (RFC 7352). */
struct md_sieve_track {
	char name[256]; /* md_sieve_state_name's */
	uint64_t secs;
	int renew; /* :last, seen: its expiry moved */
};

struct md_sieve_action {
	enum md_sieve_action_kind kind;
	int implicit; /* the implicit keep */
	unsigned line;
	char *arg;   /* folder, address or reason; NULL for keep, discard */
	char *flags; /* imap4flags: space-separated, NULL for none */
	int filed;   /* a fileinto named it: a later keep leaves its flags */
	struct md_sieve_vacation *vac; /* MD_ACT_VACATION's */
};

struct md_sieve_result {
	struct md_sieve_action *a;
	size_t n, cap;
	size_t redirects;
	struct md_sieve_track *track; /* duplicate's, to be recorded */
	size_t ntrack;
};

/* A message size not known yet: fstat(2) of the message's fd tells it
 * when a size test first asks (most runs of md-sieve -e never do). */
#define MD_SIEVE_SIZE_FSTAT UINT64_MAX

/* What a script sees of one message. */
struct md_sieve_msg {
	const struct md_header *h;
	struct md_decoder *d;
	uint64_t size; /* or MD_SIEVE_SIZE_FSTAT, with FD the message */
	int fd;
	const char *from, *to; /* the envelope, or NULL when not known */
	const char *root;      /* the maildir, for mailboxexists; NULL: none */
	/* For body: the whole message, MSGLEN bytes at MSG, else the file
	 * PATH, read once a body test wants it; neither: no body. */
	const char *msg;
	size_t msglen;
	const char *path;
	/* CLOCK_MONOTONIC nanoseconds past which the run stops with a limit
	 * error; 0: MD_SIEVE_SECONDS from its start. */
	int64_t deadline;
	/* The maildir whose records duplicate reads (sieve-state.c); NULL:
	 * nothing was seen before. */
	const char *state;
	/* The moment of currentdate and of the records, seconds since the
	 * epoch; 0: the clock's (time(2)) when the run begins. */
	int64_t now;
	/* What a caller that runs one script over many messages keeps from
	 * run to run (zeroed at first, md_sieve_keep_free at the end); NULL:
	 * nothing kept. */
	struct md_sieve_keep *keep;
};

void md_sieve_result_free(struct md_sieve_result *r);
/*
 * Run the checked script S over M, into R (zeroed by the caller): the
 * actions asked for, merged by the RFC's rules (a folder filed into
 * twice once, keep and fileinto "INBOX" one store), the implicit keep
 * added where nothing cancelled it. -1 with E (MD_SIEVE_RUNTIME,
 * MD_SIEVE_LIMIT, or SYSTEM) when the run fails: then R is to be
 * ignored, and the caller keeps the message.
 */
int md_sieve_run(const struct md_sieve_script *s, const struct md_sieve_msg *m,
    struct md_sieve_result *r, struct md_sieve_err *e);

/* ---- sieve-fields.c: header values, found and decoded once a run ---- */

#define MD_SIEVE_FIELDS 8   /* field names whose values a run keeps */
#define MD_SIEVE_BUCKETS 32 /* a power of two: first letters of names */

/* One of them, read once for all the tests that look at its parts: its
 * place in BUF, its length, that of its local part (before its last '@',
 * else all of it), whether that has an '@' after it and is a dot-atom
 * (RFC 5322 3.2.3: no quotes needed for :all), and its bytes. */
struct md_sieve_addr {
	size_t off, len, local;
	unsigned char at, dot;
	uint64_t bytes[2]; /* md_sieve_bytes of it made small */
};

/* The addresses of one value (md_addr_next's, those that are none left
 * out): N strings one after the other in BUF, each also in I (room for
 * ICAP). */
struct md_sieve_addrs {
	char *buf;
	size_t cap, n;
	struct md_sieve_addr *i;
	size_t icap;
};

struct md_sieve_field {
	char name[64];   /* "" when unused */
	const char *key; /* NAME as last asked for, when fixed */
	int decoded;     /* RFC 2047 decoded (header), or raw (address) */
	char **v;        /* N values, in TEXT */
	char **lv;       /* decoded ones through md_sieve_lower (else NULL), */
	uint64_t (*bytes)[2]; /* and the ASCII bytes in it (md_sieve_bytes) */
	struct md_sieve_addrs *a; /* raw ones: each value's addresses */
	size_t n;
	uint64_t gen; /* one more each time what it holds changes */
	/* The memory, kept for the next field: the values one after the
	 * other (and made small in LOW, decoded), their offsets while TEXT
	 * may move, room for VCAP values and ACAP addresses (ABUF, A when
	 * raw). */
	char *text, *low;
	size_t used, textcap, *off, vcap, acap;
	int lowered; /* LV and BYTES made */
	struct md_sieve_addrs *abuf;
};

/* Zeroed at first; md_sieve_fields_reset between messages keeps its
 * memory, md_sieve_fields_free frees it. */
struct md_sieve_fields {
	struct md_sieve_field e[MD_SIEVE_FIELDS];
	size_t used, next;
	const char *key[MD_SIEVE_FIELDS];   /* each entry's KEY ... */
	unsigned char dec[MD_SIEVE_FIELDS]; /* ... and DECODED, together */
	/* The message's fields by the first letter of their names: from
	 * HEAD (1 + a field's index, 0: none) each to the next (CHAIN), made
	 * at the first miss after a reset (INDEXED). */
	int indexed;
	uint32_t head[MD_SIEVE_BUCKETS], *chain;
	size_t chaincap;
};

/* The values of the field NAME (any case) of H, each as md_header_field
 * gives it cut to MD_SIEVE_VALUE bytes, and with D not NULL decoded by
 * md_decode_text, else with its addresses: in *F, valid until the next
 * call. FIXED: NAME's memory holds that name for all of C's life (a
 * script's string, no expansion), and is found again by its address.
 * -1/ENOMEM. */
int md_sieve_fields_get(struct md_sieve_fields *c, const struct md_header *h,
    struct md_decoder *d, const char *name, int fixed,
    const struct md_sieve_field **f);
/* The addresses of VALUE into A (zeroed at first, its buffers reused,
 * the caller frees A->buf and A->i). -1/ENOMEM. */
int md_sieve_addrs(const char *value, struct md_sieve_addrs *a);
/* E's decoded values made small (LV) with their bytes (BYTES), once:
 * for the rules that compare many keys with them. */
void md_sieve_field_lower(struct md_sieve_field *e);
/* Forget the values kept (another message comes), not the memory. */
void md_sieve_fields_reset(struct md_sieve_fields *c);
void md_sieve_fields_free(struct md_sieve_fields *c);

/* ---- sieve-run.c again: what md_sieve_run keeps (struct md_sieve_msg) ---- */

struct md_sieve_rule; /* sieve-run.c's */

/* Where the values of one name a rule tests were last: the entry E of
 * struct md_sieve_fields, still its own while its GEN is (0: none). */
struct md_sieve_slot {
	size_t e;
	uint64_t gen;
};

/* Kept by md_sieve_run for the next message: the header values' memory
 * (reset at each run), and the rules of SCRIPT in the order they run,
 * each rule that is a plain header or address test with the strings it
 * compares, side by side: a run over many messages reads them as one
 * block instead of from node to node through the script. Another script
 * has them made again; one freed is known by its address no more, so a
 * caller that frees SCRIPT frees K (md_sieve_keep_free) too. */
struct md_sieve_keep {
	struct md_sieve_fields fields;
	const struct md_sieve_script *script;
	struct md_sieve_rule *rules; /* NULL: none made (variables) */
	size_t nrules;
	const char **keys;     /* the rules' keys, copied into TEXT, */
	uint64_t (*kbytes)[2]; /* their bytes made small, or none */
	const char **names;    /* and the names they test, */
	size_t *slot; /* each one's among SLOTS: one a name (any case) */
	struct md_sieve_slot *slots;
	char *text;
};

void md_sieve_keep_free(struct md_sieve_keep *k);

/* ---- sieve-body.c: what body tests (RFC 5173) see of a message ---- */

struct md_sieve_body {
	int loaded;
	const char *msg; /* its first MD_SIEVE_BODY bytes */
	size_t len;
	char *own, *raw;
	struct md_mime mime;
	char **dec, **txt; /* each part decoded; HTML as text, for :text */
	size_t *declen, *txtlen;
};

/* The message of M into B (zeroed by the caller), once: read, its parts
 * found. -1 with errno. */
int md_sieve_body_load(struct md_sieve_body *b, const struct md_sieve_msg *m);
/* From *I (0 at first), the next value a body test with TRANSFORM (and
 * for :content the NTYPES TYPES) compares, into *V (valid until B is
 * freed): 1, 0 when there are no more, -1/ENOMEM. */
int md_sieve_body_next(struct md_sieve_body *b, struct md_decoder *d,
    int transform, const char *const *types, size_t ntypes, size_t *i,
    const char **v);
void md_sieve_body_free(struct md_sieve_body *b);

/* The flags among WORDS (an action's flags) as the letters of a file
 * name in the maildir DIR, into F: the system flags (\\Seen S, \\Answered
 * R, \\Flagged F, \\Deleted T, \\Draft D) and, DIR not NULL, the keywords
 * DIR/dovecot-keywords names; their number. A keyword the file does not
 * name is left out: Dovecot owns that file and rewrites it under its own
 * lock, which mdkit does not take. */
int md_sieve_flags(const char *words, const char *dir, struct md_flags *f);

/* Set E: KIND at LINE, COL, the message from FMT; returns -1. */
int md_sieve_errf(struct md_sieve_err *e, enum md_sieve_err_kind kind,
    unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- sieve-send.c: duplicate, vacation, redirect ---- */

/* Periods in seconds, as Pigeonhole 2.3 has them built in (its
 * documentation's 14d and 7d for duplicate are not what it does). */
#define MD_DUPLICATE_SECS (12 * 3600)   /* duplicate's default */
#define MD_DUPLICATE_MAX (2 * 86400)    /* and most */
#define MD_VACATION_SECS (7 * 86400)    /* vacation's default */
#define MD_VACATION_MIN 86400           /* and least */
#define MD_VACATION_MAX (10000 * 86400) /* Pigeonhole: none; a file's mtime */

/* The duplicate test (RFC 7352) over M: the id is ID itself when
 * UNIQUEID, else the first field named ID (NULL: Message-ID); none, no
 * duplicate. 1 when seen before under HANDLE (its record live in
 * M->state), else 0; the record to make is added to R's track (also
 * for a seen one with :last, to renew). -1 with E. */
int md_sieve_duplicate(const struct md_sieve_msg *m,
    const struct md_sieve_spec *sp, const char *handle, const char *id,
    struct md_sieve_result *r, struct md_sieve_err *e);
/* vacation's parameters, expanded by the caller, as a new V. NULL/ENOMEM. */
struct md_sieve_vacation *md_sieve_vacation_new(const struct md_sieve_spec *sp,
    const char *subject, const char *from, const char *handle,
    const char *const *addrs, size_t naddrs);
void md_sieve_vacation_free(struct md_sieve_vacation *v);
/* Should vacation V answer the message of header H, sent by SENDER to
 * RECIPIENT (either NULL when not known)? NULL yes, else why not (RFC
 * 3834, RFC 5230 4.5 and 4.6, as Pigeonhole decides). */
const char *md_sieve_vacation_refusal(const struct md_header *h,
    const char *sender, const char *recipient,
    const struct md_sieve_vacation *v);
/* The record of V's replies to SENDER, for md_sieve_state_*: into OUT. */
int md_sieve_vacation_record(const struct md_sieve_vacation *v,
    const char *reason, const char *sender, char *out, size_t size);
/* The reply of V (reason REASON) to SENDER for the message of header H
 * delivered to RECIPIENT, a whole message, into a new string. NULL/ENOMEM. */
char *md_sieve_vacation_reply(const struct md_sieve_vacation *v,
    const char *reason, const struct md_header *h, const char *sender,
    const char *recipient, time_t now);

/* ---- sendmail.c: a message handed to the MTA ---- */

/* Run ARGV (ARGV[0] a path, no shell) with, on its stdin, HEAD (NULL:
 * none) then the file IN from its start (-1: none) less a first line
 * that starts with SKIP (any case; NULL: none); SIGALRM ends it after
 * SECONDS (0: never). 0 when it exits 0; else its exit status (128 +
 * the signal that ended it; 127 when it could not be run), or -1 with
 * errno when it could not be fed. */
int md_sendmail(const char *const *argv, const char *head, int in,
    const char *skip, unsigned seconds);

/* ---- sieve-state.c: what duplicate and vacation remember ---- */

#define MD_SIEVE_STATE_DIR "mdkit-sieve" /* in the maildir's root */
#define MD_SIEVE_SWEEP 16 /* records looked at for expiry a delivery */

/* The record's name for KIND ('d' duplicate, 'v' vacation), HANDLE and
 * VALUE into OUT (at least 240 bytes): both encoded for a file name,
 * the end of a long one replaced by sums of the whole. -1/ENAMETOOLONG. */
int md_sieve_state_name(
    char kind, const char *handle, const char *value, char *out, size_t size);
/* Is the record NAME of the maildir ROOT live at NOW (its mtime, the
 * moment it expires, later)? 1 yes, 0 none or expired, -1 errno. */
int md_sieve_state_seen(const char *root, const char *name, time_t now);
/* Record NAME live until NOW + SECONDS, atomically among processes and
 * hosts: 1 when this call made it, 0 when a live one was there (whose
 * expiry RENEW moves to NOW + SECONDS), -1 errno. */
int md_sieve_state_mark(
    const char *root, const char *name, int64_t seconds, time_t now, int renew);
/* Remove the record NAME (one this process made, for a send that
 * failed); 0 also when it is not there, -1 errno. */
int md_sieve_state_forget(const char *root, const char *name);
/* The directory of records of ROOT, opened (O_DIRECTORY); made when
 * MAKE. -1 errno. */
int md_sieve_state_dir(const char *root, int make);
/* Look at MAX records at most, from a random one, and remove those
 * expired at NOW (and leftovers of a crash); how many went, -1 errno. */
int md_sieve_state_sweep(const char *root, time_t now, size_t max);

/* ---- sieve-cache.c: parsed trees kept in the maildir ---- */

/* The parsed (unchecked) S of the LEN bytes of TEXT as the words of a
 * record, in *OUT (malloc'd) and *NWORDS. -1 with errno. */
int md_sieve_tree_encode(const struct md_sieve_script *s, const char *text,
    size_t len, uint32_t **out, size_t *nwords);
/* The record of NWORDS words at W (in S's arena, which keeps it: the
 * tree's strings stay there) into the empty S, as md_sieve_parse would
 * have made it from TEXT: -1 when it is not a record of TEXT in this
 * format, or memory ran out (S then for md_sieve_free). */
int md_sieve_tree_decode(struct md_sieve_script *s, const char *text,
    size_t len, uint32_t *w, size_t nwords);
/* The parse of TEXT kept in M's mdkit-sieve/ into S: 1, or 0 when there
 * is none (S empty; a record that is no tree of TEXT removed). */
int md_sieve_cache_load(struct md_sieve_script *s, const struct md_maildir *m,
    const char *text, size_t len);
/* Keep the NWORDS words at W, md_sieve_tree_encode's of TEXT (a script
 * that checked), in M's mdkit-sieve/; silently not when it cannot be
 * (a cache). */
void md_sieve_cache_save(const struct md_maildir *m, const char *text,
    size_t len, const uint32_t *w, size_t nwords);

#endif
