/*
 * internal.h: what only the library, mdkit's own programs and the tests
 * use: the header reader and decoder, dates and local time, the stream
 * input, the delivery filter and mbox splitter, the cache's building and
 * writing, the commit path's parts, and the setters of struct md_err.
 * maildir.h is what a program outside mdkit builds on; nothing here is
 * promised to stay.
 */
#ifndef MDKIT_INTERNAL_H
#define MDKIT_INTERNAL_H

#include "maildir.h"

/* ---- err.c: filling a struct md_err ---- */

/* Fill E (may be NULL) as kind MD_ERR_SYSTEM, or KIND; both return -1
 * and leave errno as it was. */
int md_err_set(
    struct md_err *e, const char *step, const char *dir, const char *name);
int md_err_kind(struct md_err *e, enum md_err_kind kind, const char *step,
    const char *dir, const char *name);

/* ---- change.c: the error of a message not found by its base ---- */

/* md_find_base failed for the message at PATH: E as MD_ERR_GONE (step
 * "find") when it is in neither directory, else a failed scan. -1. */
int md_find_err(struct md_err *e, const char *path);

/* ---- header.c: the header of a message, bounded, indexed in place ---- */

void md_header_init(struct md_header *h);
void md_header_free(struct md_header *h);
/* Index the fields at the start of the LEN bytes at BUF (which must
 * outlive H's use): up to a blank line, a line that is no field, or the
 * end; a leading "From " line is skipped. -1/ENOMEM only. */
int md_header_parse(struct md_header *h, const char *buf, size_t len);
/* Read the header of the file FD (from its offset), at most
 * MD_HEADER_MAX bytes, and index it; -1 with read's errno or ENOMEM. */
int md_header_read(struct md_header *h, int fd);
/* md_header_read that looks for the N (at most MD_HEADER_FIND_MAX)
 * NAMES as it goes, IDX as md_header_find gives it, and stops reading
 * and indexing at the first field after the last of them it finds: a
 * listing needs no more, and most headers end well after their Subject:.
 * Fields after that point are not indexed. -1 as md_header_read, or
 * EINVAL for too many names. */
#define MD_HEADER_FIND_MAX 16
int md_header_read_find(
    struct md_header *h, int fd, const char *const *names, size_t n, long *idx);
/* The NTH (from 0) field named NAME (any case), unfolded, NUL bytes as
 * spaces, trimmed, cut to fit SIZE: its length, or -1/ENOENT. */
int md_header_field(const struct md_header *h, const char *name, size_t nth,
    char *out, size_t size);
/* The value of field I (from 0, below h->nf) as md_header_field gives
 * it; its length. */
size_t md_header_value(
    const struct md_header *h, size_t i, char *out, size_t size);
/* For each of the N NAMES, the index of the first field so named (any
 * case) into IDX, -1 when there is none. */
void md_header_find(
    const struct md_header *h, const char *const *names, size_t n, long *idx);

/* ---- summary.c ---- */

/* md_summary_read for the directory entry NAME of type TYPE (its
 * d_type): a regular file (DT_REG) is not fstat'ed unless WANT_STAT is
 * set or it has no usable Date: (the date is then its mtime); its size
 * and mtime are then 0. A listing showing neither saves a system call a
 * message. */
int md_summary_read_entry(struct md_summarizer *z, int dirfd, const char *name,
    unsigned char type, int want_stat, struct md_summary *s, struct md_err *e);

/* ---- decode.c: header text to UTF-8 (RFC 2047, undeclared 8-bit) ---- */

void md_decoder_init(struct md_decoder *d);
void md_decoder_free(struct md_decoder *d);
/*
 * The LEN bytes of header text at IN into OUT as UTF-8, NUL-terminated,
 * cut at a character boundary to fit SIZE: encoded words decoded (the
 * whitespace between two of them dropped, adjacent words of one charset
 * joined before conversion), other 8-bit bytes read as UTF-8 where valid
 * and as CP1252 where not, what does not convert as U+FFFD, and control
 * bytes as ' ' (line breaks, tab, NUL) or '?'. Returns the length.
 */
size_t md_decode_text(
    struct md_decoder *d, const char *in, size_t len, char *out, size_t size);
/* The length of the valid UTF-8 character (no overlong form, surrogate
 * or code point above U+10FFFF) at S, N > 0 bytes left; 0 if none. */
size_t md_utf8_len(const unsigned char *s, size_t n);
/* Are the N bytes at S whole valid UTF-8 characters, as md_utf8_len
 * reads them one after another? */
int md_utf8_valid(const char *s, size_t n);
/* The LEN bytes of a MIME part's text at IN, in CHARSET (NULL or "": none
 * declared), into OUT as UTF-8, NUL-terminated, cut at a character to fit
 * SIZE (3 * LEN + 1 always does): converted by iconv, or taken as UTF-8
 * when the charset is none, UTF-8 or unknown; bytes that do not convert
 * as U+FFFD, control bytes kept. Returns the length. */
size_t md_decode_charset(struct md_decoder *d, const char *charset,
    const char *in, size_t len, char *out, size_t size);
/* The value of the hex digit C (either case), or -1. */
int md_hexval(int c);
/* The value of the base64 character C (RFC 4648's alphabet; C a byte,
 * 0 to 255), or -1. */
int md_b64val(int c);

/* ---- mime.c: the MIME parts of a message, and their bodies decoded ---- */

#define MD_MIME_PARTS 10000 /* parts of one message; the rest is text */
#define MD_MIME_DEPTH 100   /* multiparts and messages within each other */
#define MD_MIME_BOUNDARY 80 /* bytes of a boundary compared */

enum md_mime_cte { MD_CTE_PLAIN, MD_CTE_QP, MD_CTE_BASE64, MD_CTE_UNKNOWN };
enum md_mime_kind {
	MD_MIME_BODY,     /* a part's body (a multipart's: its preamble) */
	MD_MIME_EPILOGUE, /* what follows a multipart's closing boundary */
	MD_MIME_HEADER    /* message/rfc822: the header of the message in it */
};

/* One part, in the order it starts in the message (a multipart before
 * its children, its epilogue after them). */
struct md_mime_part {
	char type[128];               /* "type/subtype", lower case; "" bad */
	char charset[MD_CHARSET_MAX]; /* "" when none is given */
	enum md_mime_cte cte;
	enum md_mime_kind kind;
	int has_body;     /* a blank line ends its header */
	unsigned depth;   /* 0: the message */
	const char *body; /* in the message: the bytes of KIND */
	size_t len;
};

struct md_mime {
	struct md_mime_part *p;
	size_t n, cap;
};

/* The parts of the LEN bytes at MSG (which must outlive M) into M, zeroed
 * by the caller: a header without Content-Type is text/plain; multiparts
 * split at their boundaries (a line "--" and the longest boundary of any
 * open multipart it begins with), the line break before a boundary line
 * being the boundary's, as Dovecot has it. Past MD_MIME_DEPTH or
 * MD_MIME_PARTS the rest is one part's text. -1/ENOMEM. */
int md_mime_parse(struct md_mime *m, const char *msg, size_t len);
void md_mime_free(struct md_mime *m);
/* P's body with its transfer encoding undone (quoted-printable, base64,
 * whose first bad character ends it; an unknown encoding gives nothing)
 * and its charset made UTF-8 (md_decode_charset); a message/rfc822
 * part's header as it is, its line ends CRLF. *OUT (malloc'd,
 * NUL-terminated) and *OUTLEN. -1/ENOMEM. */
int md_mime_decode(struct md_decoder *d, const struct md_mime_part *p,
    char **out, size_t *outlen);

/* ---- addr.c: names in From:, ids in Message-ID and References ---- */

/* The name to show for the first mailbox of a From: VALUE: its display
 * name (quotes undone, RFC 2047 decoded), else the comment after a bare
 * address, else the address; as md_decode_text. Returns the length. */
size_t md_from_name(
    struct md_decoder *d, const char *value, char *out, size_t size);
/* The ids "<...>" of VALUE without brackets or blanks, separated by one
 * space, into OUT (ids that do not fit are left out); their number. */
int md_msgids(const char *value, char *out, size_t size);
/* The next address of the address list at *POS (a header's raw value)
 * as its addr-spec "local@domain" (comments, blanks and quotes gone,
 * groups opened) into OUT, *POS moved past it: 1, or 0 at the end; -1
 * for one that is no address (no '@', nothing before or after it, a
 * blank inside, a quote, comment or '<' left open, longer than SIZE). */
int md_addr_next(const char **pos, char *out, size_t size);

/* ---- clock.c: local time, many times over ---- */

#define MD_CLOCK_DAYS 1024 /* UTC days whose offset is kept */

struct md_clock_day {
	int64_t day; /* days since the epoch, UTC */
	long gmtoff;
	int isdst, known, usable; /* usable: one offset all day */
	const char *zone;
};

/* The offsets of recent days; md_clock_init before use. Not shared
 * between threads. */
struct md_clock {
	struct md_clock_day d[MD_CLOCK_DAYS];
};

void md_clock_init(struct md_clock *c);
/* localtime_r(3) of T into TM, the same fields, faster for many times:
 * -1/EOVERFLOW when T has no local time. */
int md_localtime(struct md_clock *c, int64_t t, struct tm *tm);
/* strftime(3) of PATTERN for the local time of T into BUF: its length,
 * 0 when it does not fit or T has no local time. */
size_t md_strftime(
    struct md_clock *c, char *buf, size_t size, const char *pattern, int64_t t);

/* ---- cacheread.c, cachewrite.c: the header cache, one file per maildir,
 * read by mmap (cacheread.c), built and written anew (cachewrite.c) ---- */

/* The same checks on LEN bytes at BUF (which must outlive C): 0, or -1
 * with EBADMSG/ENOTSUP and *WHY saying how. */
int md_cache_load(
    struct md_cache *c, const void *buf, size_t len, const char **why);

/* A cache being built in memory, entries in any order. */
struct md_cache_build {
	unsigned char *data; /* the entries, one after another */
	size_t len, cap;
	struct md_cache_rec *rec;
	size_t n, rcap;
};

void md_cache_build_init(struct md_cache_build *b);
void md_cache_build_free(struct md_cache_build *b);
/* Add the entry of base B (N bytes); a base added twice is kept once. */
int md_cache_add(struct md_cache_build *b, const char *base, size_t n,
    const struct md_summary *s);
/* Append the entries of FROM to B, as if added to B in their order. */
int md_cache_build_merge(
    struct md_cache_build *b, const struct md_cache_build *from);
/* The file's bytes, in a malloc'd *OUT. -1/ENOMEM, EFBIG. */
int md_cache_encode(struct md_cache_build *b, unsigned char **out, size_t *len);
/* Write DIR/mdkit-cache: a new file in DIR/tmp/, fsync, rename over the
 * old one, fsync DIR (md_tmp_replace; concurrent writers: the last
 * rename wins, both whole). */
int md_cache_write(struct md_cache_build *b, const char *dir,
    struct md_namegen *g, struct md_err *e);
/* The checksum of the cache format (man mdkit.7). */
uint64_t md_cache_sum(const unsigned char *p, size_t len);

/* ---- regex.c: what a regular expression may cost to compile ---- */

#define MD_REGEX_LEN 4096  /* bytes */
#define MD_REGEX_DEPTH 100 /* groups within groups */
#define MD_REGEX_COST 2000 /* pieces, repetitions written out */
#define MD_REGEX_ANCHOR 20 /* pieces of ^ $ \< \> \` \' */
#define MD_REGEX_WORDB 100 /* pieces of \b \B */

/* What regcomp(3) will make of the extended regular expression RE. */
struct md_regex_cost {
	/* Pieces: a character, bracket expression or escape 1, an anchor
	 * MD_REGEX_ANCHOR, \b and \B MD_REGEX_WORDB, a group 2 more, each
	 * | 1, each * ? + and {} 1 more; x+ counts x twice, x{m,n} n times,
	 * x{m,} m + 1 times. Counted up to MD_REGEX_COST + 1. */
	uint64_t pieces;
	/* The deepest nesting of groups; MD_REGEX_DEPTH + 1 when deeper,
	 * and then nothing after that point is counted. */
	unsigned depth;
	/* A repetition of what can match the empty string, as (a*)*,
	 * (x?)+, x?{2} or a?? (an anchor and a back reference can). */
	int empty_repeat;
	/* A part that matches the empty string in two ways, as (a?|b*). */
	int ambiguous;
};

void md_regex_cost(const char *re, struct md_regex_cost *c);
/* 0 when RE is within MD_REGEX_LEN, MD_REGEX_DEPTH and MD_REGEX_COST
 * and has neither an empty repetition nor an ambiguous part, so that
 * regcomp(3) takes little memory and time; else -1 with E2BIG and *WHY
 * saying which rule it breaks. Whether RE is valid is regcomp's to say. */
int md_regex_check(const char *re, const char **why);

/* ---- input.c: bounded reading of a stream, with a deadline ---- */

#define MD_INPUT_SIZE 65536

struct md_input {
	int fd;
	int eof;
	size_t pos, len;
	int64_t deadline; /* CLOCK_MONOTONIC ms; 0 = none */
	uint64_t taken;   /* bytes read from FD so far */
	char buf[MD_INPUT_SIZE];
};

void md_input_init(struct md_input *in, int fd, unsigned timeout);
/* Bytes of the stream consumed so far (read, and passed on). */
uint64_t md_input_offset(const struct md_input *in);
/*
 * The next piece of a line: up to and including '\n', or a buffer's worth
 * of a longer line (*complete = 0). Returns 1, 0 at end of input, -1.
 */
int md_input_line(
    struct md_input *in, const char **p, size_t *n, int *complete);
/* Whatever is available, for copying the body. Returns 1, 0 at end, -1. */
int md_input_chunk(struct md_input *in, const char **p, size_t *n);
/* A read of the input failed: E as MD_ERR_TIMEOUT when its time ran out
 * (ETIMEDOUT), else MD_ERR_SYSTEM; step "read", path "stdin". -1. */
int md_input_err(struct md_err *e);

/* ---- commit.c: making a file durable and visible, the one way ---- */

/* A new tmp file T in HOME holding what is left to read of FD (FROM
 * names it in errors), its mtime MTIME (if given), finished; on failure
 * nothing is left in tmp/. */
int md_tmp_copy(struct md_tmp *t, const struct md_maildir *home, int fd,
    const char *from, const struct timespec *mtime, struct md_namegen *g,
    struct md_err *e);
/* md_place for T into its own maildir's SUB (MD_NEW or MD_CUR) as
 * "<base>,S=<size>INFO" (INFO: "", ":2,FS" or any info); T is used up
 * where there are no hard links: renamed into place, never copied. */
int md_place_own(struct md_tmp *t, int sub, const char *info,
    struct md_namegen *g, char *name, size_t size, struct md_err *e);
/* fsync the directory PATH relative to AT (NULL: AT itself); EINVAL, a
 * file system that cannot, is no failure. -1 with errno. */
int md_dir_sync(int at, const char *path);

/* link(2) of A in FROM as B in TO, and EEXIST with the same inode under
 * both names (NFS lost the reply) taken as done. */
int md_link(int from, const char *a, int to, const char *b);
/* renameat(2) that fails with EEXIST rather than replace a file. */
int md_rename_noreplace(int from, const char *a, int to, const char *b);
/* md_rename_noreplace, then TO synced, and FROM when it is another
 * descriptor. -1 also when a sync failed after the rename: the new name
 * is there, but may not survive a crash. */
int md_rename_durable(int from, const char *a, int to, const char *b);

/* DIR opened for a file of its root replaced on purpose: M gets DIR and
 * DIR/tmp/ only (new/ and cur/ stay -1, no md_place into it); a tmp/
 * that will not open fails as step "create". md_maildir_close closes. */
int md_replace_open(struct md_maildir *m, const char *dir, struct md_err *e);
/* Rename the finished T over NAME in its home's root, then sync the
 * root: readers see the old file or the new, and the new one survives a
 * crash. T's name is gone from tmp/ once the rename is made. */
int md_tmp_replace(struct md_tmp *t, const char *name, struct md_err *e);

/* ---- filter.c: what delivery does to a message's header ---- */

struct md_filter_opts {
	const char *return_path;  /* add "Return-Path: <x>" unless present */
	const char *original_to;  /* add "X-Original-To: x" unless present */
	const char *delivered_to; /* add "Delivered-To: x" unless present */
	int mbox;                 /* map and drop Status:/X-Status: */
};

struct md_filter {
	const struct md_filter_opts *o;
	struct md_tmp *out;
	int state;
	int seen_line, crlf; /* line ends follow the message's first line */
	int dropping;        /* inside a dropped field's continuation lines */
	int post_pending;    /* X-Original-To/Delivered-To still to write */
	int lastc;           /* last byte written, or 0 */
	int loop; /* another Delivered-To for the recipient was seen */
	int have_rp, have_xot, have_dt;
	struct md_flags flags;
	int old; /* Status: O — belongs in cur/ */
	size_t toplen;
	char date[256]; /* first Date: value, for mbox mtime */
	char top[4096]; /* leading trace lines, held until decided */
};

void md_filter_begin(
    struct md_filter *f, const struct md_filter_opts *o, struct md_tmp *out);
/* Feed a piece of a line; BOL says it starts a line. */
int md_filter_line(struct md_filter *f, const char *p, size_t n, int bol,
    int complete, struct md_err *e);
/* Once in the body, bytes go through untouched. */
int md_filter_in_body(const struct md_filter *f);
int md_filter_body(
    struct md_filter *f, const char *p, size_t n, struct md_err *e);
int md_filter_end(struct md_filter *f, struct md_err *e);
/* Once the header is read: -1/ELOOP with E as MD_ERR_LOOP when it held
 * our Delivered-To, else 0. */
int md_filter_loop_err(const struct md_filter *f, struct md_err *e);

/* ---- deliver.c: one message from a stream into a tmp file ---- */

/*
 * Copy a message from IN into T through F: one leading "From " line is
 * dropped, trace headers added once. -1/ELOOP when the message already
 * holds our Delivered-To, -1/EMSGSIZE above T's limit.
 */
int md_deliver_read(struct md_input *in, struct md_filter *f, struct md_err *e);

/* ---- mbox.c: splitting an mbox stream (mboxrd) ---- */

struct md_mbox {
	struct md_input *in;
	time_t next_date; /* date of the From_ line that starts the next */
};

/* Skip to the first From_ line: 1 found, 0 empty input, -1 (EINVAL when
 * the input is no mbox). */
int md_mbox_begin(struct md_mbox *mb, struct md_input *in, struct md_err *e);
/*
 * Read one message through F (unquoting ">From " lines, mboxrd). *DATE
 * gets its From_ date, else its Date:, else -1; *MORE says whether another
 * message follows. On -1 the rest of the message was skipped, so the next
 * one can still be read when *MORE is set.
 */
int md_mbox_read(struct md_mbox *mb, struct md_filter *f, time_t *date,
    int *more, struct md_err *e);

/* ---- date.c: dates in headers and From_ lines ---- */

/* RFC 5322 dates, with the obsolete and broken forms real mail has. */
int md_date_parse(const char *s, time_t *t);
/* md_date_parse, and *OFF the offset the date was written in, seconds
 * east of UTC (0 when it names none). */
int md_date_parse_zone(const char *s, time_t *t, long *off);
/* The asctime date of an mbox From_ line (local time unless zoned). */
int md_date_from_line(const char *line, size_t n, time_t *t);

/* ---- format.c, match.c, sort.c: a listing's engines (md-list's --format,
 * --match and --sort), kept apart from its loop as ps(1) and ls(1) keep
 * theirs ---- */

/* Why a text given to a compile function is refused: the LEN bytes at
 * offset OFF of the text, and a reason (static, or in BUF). */
struct md_compile_err {
	size_t off, len;
	const char *why;
	char buf[128]; /* for a reason made at run time (regerror) */
};

/* A message as a listing shows it: where it is, and its summary. */
struct md_listed {
	const char *path; /* as printed */
	size_t pathlen;
	const char *name;   /* its file name, NUL-terminated */
	const char *folder; /* its Maildir++ folder, NUL-terminated */
	const char *kw;     /* the names of its keywords, KWN bytes */
	size_t kwn;
	struct md_summary s;
};

/* What a format shows, a match reads or a sort keeps of a message: the
 * text fields (bits 1 << MD_S_x), and the rest of its parts. */
#define MD_NEED_FIELDS ((1u << MD_S_N) - 1)
#define MD_NEED_SUMMARY (1u << 16)  /* fields, size or dates */
#define MD_NEED_FOLDER (1u << 17)   /* struct md_listed's folder */
#define MD_NEED_KEYWORDS (1u << 18) /* struct md_listed's kw */
#define MD_NEED_STAT (1u << 19)     /* the size or mtime (%z, %r, ...) */

#define MD_FORMAT_WIDTH 4096  /* the widest width of an escape */
#define MD_FORMAT_PATTERN 256 /* bytes of a %{...}d strftime pattern */

enum md_format_kind {
	MD_FMT_TEXT,     /* literal bytes */
	MD_FMT_PATH,     /* %p */
	MD_FMT_BASE,     /* %b */
	MD_FMT_FOLDER,   /* %F */
	MD_FMT_FLAGS,    /* %X */
	MD_FMT_SIZE,     /* %z */
	MD_FMT_HSIZE,    /* %Z */
	MD_FMT_DATE,     /* %d, %{pattern}d */
	MD_FMT_RECEIVED, /* %r, %{pattern}r */
	MD_FMT_KEYWORDS, /* %K */
	MD_FMT_FIELD     /* %f %A %t %c %s %i %I %R %l */
};

/* One piece of a format: text, or an escape. */
struct md_format_item {
	enum md_format_kind kind;
	enum md_sfield field; /* MD_FMT_FIELD */
	int width, left;      /* width 0: as it is */
	char *text;           /* MD_FMT_TEXT: the bytes; dates: the pattern */
	size_t len;
};

struct md_format {
	struct md_format_item *item;
	size_t n;
	unsigned need; /* MD_NEED_* */
};

/* Compile the format TEXT (md-list(1)'s escapes) into F, which
 * md_format_free releases (after a failure too). -1 with EINVAL and CE
 * saying which escape is wrong, or ENOMEM. */
int md_format_compile(
    struct md_format *f, const char *text, struct md_compile_err *ce);
void md_format_free(struct md_format *f);
/* M as F shows it, dates in C's local time, into BUF, NUL-terminated and
 * cut to SIZE; returns the length of all of it, which may be SIZE or
 * more, as snprintf(3) does. */
size_t md_format_render(const struct md_format *f, const struct md_listed *m,
    struct md_clock *c, char *buf, size_t size);
/* BYTES for people into BUF: "482B", "1.5M", as du -h (and %Z). */
void md_human_size(uint64_t bytes, char *buf, size_t size);

/* Conditions on a summary's text fields, all of which must hold. */
struct md_match_cond; /* match.c's own */
struct md_match {
	struct md_match_cond *cond;
	size_t n;
	unsigned need; /* MD_NEED_* of what the conditions read */
	char *scratch; /* a field NUL-terminated for regexec(3) */
};

/* Add the expression EXPR to M (zeroed before the first): FIELD=TEXT,
 * FIELD!=TEXT (TEXT in the field, in any ASCII case), FIELD~REGEX or
 * FIELD!~REGEX (an extended regular expression of the current locale,
 * in any case, judged by md_regex_check first). -1 with EINVAL and CE
 * saying why, or ENOMEM. */
int md_match_add(
    struct md_match *m, const char *expr, struct md_compile_err *ce);
/* Does S pass every condition of M? */
int md_match_test(struct md_match *m, const struct md_summary *s);
void md_match_free(struct md_match *m);

enum md_sort_key {
	MD_SORT_NONE,
	MD_SORT_DATE,     /* Date: */
	MD_SORT_RECEIVED, /* mtime */
	MD_SORT_SIZE,
	MD_SORT_SUBJECT, /* without Re:, Fwd:, Fw:, Aw:, in any ASCII case */
	MD_SORT_FROM     /* MD_S_NAME, in any ASCII case */
};

/* "date", "received", "size", "subject" or "from" into *KEY; -1 with
 * EINVAL for anything else. */
int md_sort_parse(const char *name, enum md_sort_key *key);
/* The MD_NEED_* of what sorting by KEY reads. */
unsigned md_sort_needs(enum md_sort_key key);

/* Messages kept, copied, until all are there to be sorted. */
struct md_sort_rec; /* sort.c's own */
struct md_sorter {
	enum md_sort_key key;
	int reverse;
	unsigned keep; /* MD_NEED_* of what md_sorter_get gives back */
	struct md_sort_rec *rec;
	size_t n, cap;
	char *arena; /* the strings of all */
	size_t alen, acap;
	size_t folder; /* the last folder kept, in the arena */
};

/* Set S up to sort by KEY (in the opposite order with REVERSE) keeping
 * what KEEP (MD_NEED_*) names, besides the path, name, size and dates. */
void md_sorter_init(
    struct md_sorter *s, enum md_sort_key key, int reverse, unsigned keep);
/* A copy of M; -1 with ENOMEM. */
int md_sorter_add(struct md_sorter *s, const struct md_listed *m);
/* Sort what S holds by its key; equal keys by path, so that the order is
 * always the same, and REVERSE turns all. */
void md_sorter_sort(struct md_sorter *s);
/* Message I (below s->n) into M, pointing into S. */
void md_sorter_get(const struct md_sorter *s, size_t i, struct md_listed *m);
void md_sorter_free(struct md_sorter *s);

/* ---- keywords.c: lists of names from a command line ---- */

/* The index in A (of NA names) of the first name that B (NB) holds too,
 * in any case; -1 when they share none. */
long md_keywords_clash(char *const *a, size_t na, char *const *b, size_t nb);

/* ---- pick.c: which messages a listing picks by their names alone ---- */

/* Flags all of WITH and none of WITHOUT, keywords by name (all of
 * KWITH, none of KWITHOUT), in new/ or cur/ (ONLY_* and NOT_*). */
struct md_pick {
	struct md_flags with, without;
	char **kwith, **kwithout;
	size_t nkwith, nkwithout;
	int only_new, not_new, only_cur, not_cur;
	int keywords; /* read each maildir's names though none is asked */
};

/* Why a pick could match no message, or MD_PICK_SOME when it may. */
enum md_pick_none {
	MD_PICK_SOME,
	MD_PICK_FLAGS,   /* a flag both in WITH and WITHOUT */
	MD_PICK_KEYWORD, /* a name both in KWITH and KWITHOUT */
	MD_PICK_PLACE    /* new/ and cur/ both excluded */
};

/* The option C (getopt's) with ARG into P, as md-list names them: -N,
 * -C only new/, only cur/; -n, -c not new/, not cur/; -K NAME, -k NAME a
 * keyword required, excluded (ARG kept, not copied: free P->kwith and
 * P->kwithout, not their strings); any other letter a flag option, as
 * md_flags_option reads it. 0, or -1 with errno: EINVAL for flags that
 * are not letters or no letter, ENOMEM. */
int md_pick_option(struct md_pick *p, int c, char *arg);

/* Which of P's conditions excludes every message; *KW (MD_PICK_KEYWORD)
 * the index in P->kwith of the name excluded too. */
enum md_pick_none md_pick_check(const struct md_pick *p, size_t *kw);

/* P as one maildir reads it: the names made its letters. */
struct md_pick_dir {
	struct md_keywords kw; /* its dovecot-keywords, when they are read */
	struct md_flags with, without;
	int none; /* a name asked for that it does not know: none pass */
};

/* Does P look at the flags in names (else a name need not be split)? */
int md_pick_flags(const struct md_pick *p);
/* Does P read new/ (IN_NEW) or cur/ at all? */
int md_pick_sub(const struct md_pick *p, int in_new);
/* D (zeroed before the first call) for the maildir ROOT, its
 * dovecot-keywords read when P asks for names: 0, or -1 with errno and
 * E when they could not be read (D then lets no message pass that asks
 * for a name). A name KWITHOUT holds that ROOT does not know is on no
 * message, so it excludes none. */
int md_pick_load(struct md_pick_dir *d, const struct md_pick *p,
    const char *root, struct md_err *e);
void md_pick_free(struct md_pick_dir *d);
/* Does a message with flags F (in new/ when IN_NEW) pass P as D has it? */
int md_pick_test(const struct md_pick *p, const struct md_pick_dir *d,
    const struct md_flags *f, int in_new);

/* ---- listing.c: a listing's records, with --format, --match and --sort
 * set up together, each record made from the header cache or the file */

struct md_listing {
	struct md_format fmt;
	struct md_match match;
	struct md_sorter sorter;
	struct md_summarizer *z; /* when header fields are wanted, else NULL */
	unsigned need;           /* MD_NEED_* of the format, matches and sort */
	int nocache;             /* read every message's file */
	char *kw;                /* the last record's keyword names */
	size_t kwcap;
};

/* L (released by md_listing_free, after a failure too) showing FORMAT
 * (NULL: "%p"), passing what all N expressions of MATCH pass, sorted by
 * KEY (MD_SORT_NONE: not sorted), REVERSE. -1 with ENOMEM, or EINVAL with
 * CE saying why and *BAD which text: -1 the format, else MATCH[*BAD]. */
int md_listing_init(struct md_listing *l, const char *format,
    char *const *match, size_t n, enum md_sort_key key, int reverse,
    struct md_compile_err *ce, long *bad);
void md_listing_free(struct md_listing *l);

/* Where one maildir's records come from: its cache, where it has one
 * and the listing wants header fields, else the files. */
struct md_listing_dir {
	struct md_cache cache;
	struct md_cache_walk walk; /* lookups in the cache's order */
	int cached;                /* both set up */
	char folder[NAME_MAX + 1]; /* %F: INBOX or the folder's name */
};

/* D for the maildir DIR (FOLDER: known to be a Maildir++ folder): 0, or
 * -1 with errno and E (its path the cache's) when DIR's cache is there
 * but cannot be used; D then reads the files, and is usable either way.
 * EBADMSG: damaged, E's step says how; ENOTSUP: another version's. */
int md_listing_open(const struct md_listing *l, struct md_listing_dir *d,
    const char *dir, int folder, struct md_err *e);
void md_listing_close(struct md_listing_dir *d);

/* The record M (path, pathlen and name set by the caller) completed
 * from D: its folder, keyword names (as KW names the letters of its
 * name) and summary, from D's cache or else from its file READ in
 * DIRFD. 1 when it passes L's matches, 0 when not; -1 with errno (ENOMEM,
 * or a file's error with E: ENOENT, gone meanwhile; EINVAL, not a
 * regular file). M points into L and D until the next call. */
int md_listing_fill(struct md_listing *l, struct md_listing_dir *d,
    const struct md_keywords *kw, int dirfd, const char *read,
    unsigned char type, struct md_listed *m, struct md_err *e);

/* ---- tally.c: what md-list -i counts of a maildir ---- */

enum md_tally_field {
	MD_T_MESSAGES,
	MD_T_NEW,
	MD_T_UNSEEN,
	MD_T_FLAGGED,
	MD_T_TRASHED,
	MD_T_BYTES,
	MD_T_N
};

struct md_tally {
	uint64_t v[MD_T_N];
	uint64_t kw[26]; /* messages with keyword 'a' + i */
};

/* Count the message NAME in DIRFD, with flags F, in new/ when IN_NEW:
 * its size from its name's S=, else from fstatat (0 when it is gone). */
void md_tally_add(struct md_tally *t, int dirfd, const char *name,
    const struct md_flags *f, int in_new);
/* T's counts added to TO's; keywords are not, as letters mean other
 * names in each maildir. */
void md_tally_sum(struct md_tally *to, const struct md_tally *t);

/* ---- dir.c: IMAP folder names on disk ---- */

/* The IMAP (and Sieve) folder NAME as the Maildir++ folder name Dovecot
 * stores it under: "INBOX" (any case) stays "INBOX", the root; an
 * "INBOX." prefix goes; '&' and what is not printable ASCII are written
 * in modified UTF-7 (RFC 3501 5.1.3: "Entwürfe" as "Entw&APw-rfe").
 * -1 with EINVAL (not UTF-8, controls, not a valid folder name) or
 * ENAMETOOLONG. */
int md_folder_from_imap(const char *name, char *out, size_t size);

#include "sieve.h"

#endif
