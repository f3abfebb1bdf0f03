/*
 * sieve-check.c: is a parsed script one that can run? Each command and
 * test is looked up in one table (its extension, positional arguments,
 * tags, tests, block), requires come first and name only extensions
 * mdkit has, elsif and else follow an if, and each tag is read into the
 * node's spec so that sieve-run.c never meets a surprise. The first
 * fault is returned with its line and column.
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

enum {
	T_CMP = 1 << 0,    /* :comparator "name" */
	T_MATCH = 1 << 1,  /* :is :contains :matches (:regex :value :count) */
	T_PART = 1 << 2,   /* :all :localpart :domain (:user :detail) */
	T_SIZE = 1 << 3,   /* :over :under, one of them */
	T_COPY = 1 << 4,   /* :copy */
	T_FLAGS = 1 << 5,  /* :flags list */
	T_MOD = 1 << 6,    /* set's :lower ... :length, several */
	T_CREATE = 1 << 7, /* fileinto :create (mailbox) */
	/* duplicate and vacation: a string or number after most */
	T_HANDLE = 1 << 20, /* :handle "h" */
	T_DUPID = 1 << 21,  /* :header "name" or :uniqueid "id" */
	T_DSECS = 1 << 22,  /* duplicate :seconds N */
	T_DLAST = 1 << 23,  /* duplicate :last */
	T_PERIOD = 1 << 24, /* vacation :days N or :seconds N */
	T_SUBJECT = 1 << 25,
	T_VFROM = 1 << 26,
	T_ADDRS = 1 << 27,
	T_MIME = 1 << 28
};

/* The date and index extensions' (RFC 5260), in bits of their own. */
enum {
	T_ZONE = 1 << 12,  /* :zone "+hhmm" or :originalzone */
	T_INDEX = 1 << 13, /* :index N */
	T_LAST = 1 << 14   /* :last */
};

/* include's (RFC 6609). */
enum {
	T_LOCATION = 1 << 15, /* :personal :global */
	T_ONCE = 1 << 16,     /* :once */
	T_OPTIONAL = 1 << 17  /* :optional */
};

/* body's (RFC 5173). */
enum { T_BODY = 1 << 18 }; /* :raw, :text, :content list */

enum { NO_TESTS, ONE_TEST, TEST_LIST };

struct def {
	const char *name;
	int id;
	unsigned cap;    /* MD_CAP_ needed, 0 for the base */
	int test;        /* a test, not a command */
	const char *pos; /* positional: L string list, S string, N number */
	unsigned tags;
	int tests, block;
};

static const struct def defs[] = {
	{ "require", MD_SV_REQUIRE, 0, 0, "L", 0, NO_TESTS, 0 },
	{ "if", MD_SV_IF, 0, 0, "", 0, ONE_TEST, 1 },
	{ "elsif", MD_SV_ELSIF, 0, 0, "", 0, ONE_TEST, 1 },
	{ "else", MD_SV_ELSE, 0, 0, "", 0, NO_TESTS, 1 },
	{ "stop", MD_SV_STOP, 0, 0, "", 0, NO_TESTS, 0 },
	{ "keep", MD_SV_KEEP, 0, 0, "", T_FLAGS, NO_TESTS, 0 },
	{ "discard", MD_SV_DISCARD, 0, 0, "", 0, NO_TESTS, 0 },
	{ "fileinto", MD_SV_FILEINTO, MD_CAP_FILEINTO, 0, "S",
	    T_COPY | T_FLAGS | T_CREATE, NO_TESTS, 0 },
	{ "redirect", MD_SV_REDIRECT, 0, 0, "S", T_COPY, NO_TESTS, 0 },
	{ "reject", MD_SV_REJECT, MD_CAP_REJECT, 0, "S", 0, NO_TESTS, 0 },
	{ "ereject", MD_SV_EREJECT, MD_CAP_EREJECT, 0, "S", 0, NO_TESTS, 0 },
	{ "setflag", MD_SV_SETFLAG, MD_CAP_IMAP4FLAGS, 0, "L", 0, NO_TESTS, 0 },
	{ "addflag", MD_SV_ADDFLAG, MD_CAP_IMAP4FLAGS, 0, "L", 0, NO_TESTS, 0 },
	{ "removeflag", MD_SV_REMOVEFLAG, MD_CAP_IMAP4FLAGS, 0, "L", 0,
	    NO_TESTS, 0 },
	{ "set", MD_SV_SET, MD_CAP_VARIABLES, 0, "SS", T_MOD, NO_TESTS, 0 },
	{ "address", MD_SV_ADDRESS, 0, 1, "LL",
	    T_CMP | T_MATCH | T_PART | T_INDEX | T_LAST, NO_TESTS, 0 },
	{ "vacation", MD_SV_VACATION, MD_CAP_VACATION, 0, "S",
	    T_PERIOD | T_SUBJECT | T_VFROM | T_ADDRS | T_MIME | T_HANDLE,
	    NO_TESTS, 0 },
	{ "duplicate", MD_SV_DUPLICATE, MD_CAP_DUPLICATE, 1, "",
	    T_HANDLE | T_DUPID | T_DSECS | T_DLAST, NO_TESTS, 0 },
	{ "envelope", MD_SV_ENVELOPE, MD_CAP_ENVELOPE, 1, "LL",
	    T_CMP | T_MATCH | T_PART, NO_TESTS, 0 },
	{ "header", MD_SV_HEADER, 0, 1, "LL",
	    T_CMP | T_MATCH | T_INDEX | T_LAST, NO_TESTS, 0 },
	{ "exists", MD_SV_EXISTS, 0, 1, "L", 0, NO_TESTS, 0 },
	{ "size", MD_SV_SIZE, 0, 1, "N", T_SIZE, NO_TESTS, 0 },
	{ "allof", MD_SV_ALLOF, 0, 1, "", 0, TEST_LIST, 0 },
	{ "anyof", MD_SV_ANYOF, 0, 1, "", 0, TEST_LIST, 0 },
	{ "not", MD_SV_NOT, 0, 1, "", 0, ONE_TEST, 0 },
	{ "true", MD_SV_TRUE, 0, 1, "", 0, NO_TESTS, 0 },
	{ "false", MD_SV_FALSE, 0, 1, "", 0, NO_TESTS, 0 },
	{ "string", MD_SV_STRING, MD_CAP_VARIABLES, 1, "LL", T_CMP | T_MATCH,
	    NO_TESTS, 0 },
	{ "mailboxexists", MD_SV_MAILBOXEXISTS, MD_CAP_MAILBOX, 1, "L", 0,
	    NO_TESTS, 0 },
	{ "body", MD_SV_BODY, MD_CAP_BODY, 1, "L", T_CMP | T_MATCH | T_BODY,
	    NO_TESTS, 0 },
	{ "hasflag", MD_SV_HASFLAG, MD_CAP_IMAP4FLAGS, 1, "L", T_CMP | T_MATCH,
	    NO_TESTS, 0 },
	{ "date", MD_SV_DATE, MD_CAP_DATE, 1, "SSL",
	    T_CMP | T_MATCH | T_ZONE | T_INDEX | T_LAST, NO_TESTS, 0 },
	{ "currentdate", MD_SV_CURRENTDATE, MD_CAP_DATE, 1, "SL",
	    T_CMP | T_MATCH | T_ZONE, NO_TESTS, 0 },
	{ "include", MD_SV_INCLUDE, MD_CAP_INCLUDE, 0, "S",
	    T_LOCATION | T_ONCE | T_OPTIONAL, NO_TESTS, 0 },
	{ "return", MD_SV_RETURN, MD_CAP_INCLUDE, 0, "", 0, NO_TESTS, 0 },
	{ "global", MD_SV_GLOBAL, MD_CAP_INCLUDE, 0, "L", 0, NO_TESTS, 0 },
};

/* The extensions mdkit has, as require names them. */
static const struct {
	const char *name;
	unsigned cap;
} caps[] = {
	{ "fileinto", MD_CAP_FILEINTO },
	{ "envelope", MD_CAP_ENVELOPE },
	{ "copy", MD_CAP_COPY },
	{ "reject", MD_CAP_REJECT },
	{ "ereject", MD_CAP_EREJECT },
	{ "subaddress", MD_CAP_SUBADDRESS },
	{ "relational", MD_CAP_RELATIONAL },
	{ "comparator-i;ascii-numeric", MD_CAP_NUMERIC },
	{ "regex", MD_CAP_REGEX },
	{ "imap4flags", MD_CAP_IMAP4FLAGS },
	{ "variables", MD_CAP_VARIABLES },
	{ "mailbox", MD_CAP_MAILBOX },
	{ "encoded-character", MD_CAP_ENCODED },
	{ "date", MD_CAP_DATE },
	{ "index", MD_CAP_INDEX },
	{ "include", MD_CAP_INCLUDE },
	{ "body", MD_CAP_BODY },
	{ "duplicate", MD_CAP_DUPLICATE },
	{ "vacation", MD_CAP_VACATION },
	{ "vacation-seconds", MD_CAP_VACATION | MD_CAP_VACSECONDS },
	{ "comparator-i;octet", 0 },
	{ "comparator-i;ascii-casemap", 0 },
};

/* Tags of one kind: name, what it sets, the extension it needs. */
struct tagdef {
	const char *name;
	unsigned kind; /* T_ */
	int value;
	unsigned cap;
};

static const struct tagdef tagdefs[] = {
	{ "is", T_MATCH, MD_MATCH_IS, 0 },
	{ "contains", T_MATCH, MD_MATCH_CONTAINS, 0 },
	{ "matches", T_MATCH, MD_MATCH_MATCHES, 0 },
	{ "regex", T_MATCH, MD_MATCH_REGEX, MD_CAP_REGEX },
	{ "value", T_MATCH, MD_MATCH_VALUE, MD_CAP_RELATIONAL },
	{ "count", T_MATCH, MD_MATCH_COUNT, MD_CAP_RELATIONAL },
	{ "all", T_PART, MD_PART_ALL, 0 },
	{ "localpart", T_PART, MD_PART_LOCAL, 0 },
	{ "domain", T_PART, MD_PART_DOMAIN, 0 },
	{ "user", T_PART, MD_PART_USER, MD_CAP_SUBADDRESS },
	{ "detail", T_PART, MD_PART_DETAIL, MD_CAP_SUBADDRESS },
	{ "over", T_SIZE, 1, 0 },
	{ "under", T_SIZE, 0, 0 },
	{ "copy", T_COPY, 1, MD_CAP_COPY },
	{ "flags", T_FLAGS, 1, MD_CAP_IMAP4FLAGS },
	{ "comparator", T_CMP, 0, 0 },
	{ "create", T_CREATE, 1, MD_CAP_MAILBOX },
	{ "zone", T_ZONE, 1, MD_CAP_DATE },
	{ "originalzone", T_ZONE, 0, MD_CAP_DATE },
	{ "index", T_INDEX, 1, MD_CAP_INDEX },
	{ "last", T_LAST, 1, MD_CAP_INDEX },
	{ "personal", T_LOCATION, 0, MD_CAP_INCLUDE },
	{ "global", T_LOCATION, MD_INC_GLOBAL, MD_CAP_INCLUDE },
	{ "once", T_ONCE, MD_INC_ONCE, MD_CAP_INCLUDE },
	{ "optional", T_OPTIONAL, MD_INC_OPTIONAL, MD_CAP_INCLUDE },
	{ "lower", T_MOD, MD_MOD_LOWER, MD_CAP_VARIABLES },
	{ "upper", T_MOD, MD_MOD_UPPER, MD_CAP_VARIABLES },
	{ "lowerfirst", T_MOD, MD_MOD_LOWERFIRST, MD_CAP_VARIABLES },
	{ "upperfirst", T_MOD, MD_MOD_UPPERFIRST, MD_CAP_VARIABLES },
	{ "quotewildcard", T_MOD, MD_MOD_QUOTE, MD_CAP_VARIABLES },
	{ "length", T_MOD, MD_MOD_LENGTH, MD_CAP_VARIABLES },
	{ "raw", T_BODY, MD_BODY_RAW, MD_CAP_BODY },
	{ "text", T_BODY, MD_BODY_TEXT, MD_CAP_BODY },
	{ "content", T_BODY, MD_BODY_CONTENT, MD_CAP_BODY },
	{ "handle", T_HANDLE, 0, MD_CAP_DUPLICATE },
	{ "handle", T_HANDLE, 0, MD_CAP_VACATION },
	{ "header", T_DUPID, 0, MD_CAP_DUPLICATE },
	{ "uniqueid", T_DUPID, 1, MD_CAP_DUPLICATE },
	{ "seconds", T_DSECS, 1, MD_CAP_DUPLICATE },
	{ "last", T_DLAST, 1, MD_CAP_DUPLICATE },
	{ "days", T_PERIOD, 86400, MD_CAP_VACATION },
	{ "seconds", T_PERIOD, 1, MD_CAP_VACSECONDS },
	{ "subject", T_SUBJECT, 0, MD_CAP_VACATION },
	{ "from", T_VFROM, 0, MD_CAP_VACATION },
	{ "addresses", T_ADDRS, 0, MD_CAP_VACATION },
	{ "mime", T_MIME, 1, MD_CAP_VACATION },
};

/* set's modifiers of one precedence exclude each other (RFC 5229 4). */
static int
mod_group(int m)
{
	if (m & (MD_MOD_LOWER | MD_MOD_UPPER))
		return MD_MOD_LOWER | MD_MOD_UPPER;
	if (m & (MD_MOD_LOWERFIRST | MD_MOD_UPPERFIRST))
		return MD_MOD_LOWERFIRST | MD_MOD_UPPERFIRST;
	return m;
}

static const char *const rels[] = { "gt", "ge", "lt", "le", "eq", "ne" };

#define SHARED_NAMES 32 /* header names made one string, at most */

struct checker {
	unsigned caps;
	struct md_sieve_err *e;
	struct md_sieve_arena *arena; /* the script's, for spec.x */
	/* By a name's first letter, 1 + the place in defs and tagdefs of
	 * the last one found (0: none yet): a script names the same few
	 * again and again, and the tables are searched once for each. */
	unsigned char def_at[26], tag_at[26];
	char *names[SHARED_NAMES]; /* see share_names */
	size_t nnames;
	int checked; /* the script's checked (sieve.h) */
};

static int
bad(struct checker *c, unsigned line, unsigned col, const char *fmt,
    const char *what)
{
	return md_sieve_errf(c->e, MD_SIEVE_INVALID, line, col, fmt, what);
}

/* Is S the name LC (in lower case, of letters and punctuation) in any
 * case? strcasecmp(3) without its call and locale, for short names. */
static int
same_name(const char *lc, const char *s)
{
	for (; *lc != '\0'; lc++, s++)
		if (*lc != *s &&
		    !(*lc >= 'a' && *lc <= 'z' && (*s | 0x20) == *lc))
			return 0;
	return *s == '\0';
}

/* The place in the memo of a name starting with C; -1 for none. */
static int
letter(int c)
{
	c |= 0x20;
	return c >= 'a' && c <= 'z' ? c - 'a' : -1;
}

static const struct def *
find_def(struct checker *c, const char *name)
{
	int l = letter((unsigned char)name[0]);

	if (l < 0)
		return NULL;
	if (c->def_at[l] != 0 && same_name(defs[c->def_at[l] - 1].name, name))
		return &defs[c->def_at[l] - 1];
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (defs[i].name[0] == l + 'a' &&
		    same_name(defs[i].name, name)) {
			c->def_at[l] = (unsigned char)(i + 1);
			return &defs[i];
		}
	return NULL;
}

static int
do_require(struct checker *c, const struct md_sieve_arg *a)
{
	for (size_t i = 0; i < a->n; i++) {
		size_t k = 0;

		while (k < sizeof(caps) / sizeof(caps[0]) &&
		       strcmp(caps[k].name, a->s[i]) != 0)
			k++;
		if (k == sizeof(caps) / sizeof(caps[0]))
			return bad(c, a->line, a->col,
			    "unsupported extension '%s'", a->s[i]);
		c->caps |= caps[k].cap;
	}
	return 0;
}

/* The string after a tag (:comparator "x", :value "gt"), at args[*i+1]. */
static const struct md_sieve_arg *
tag_string(struct checker *c, const struct md_sieve_node *n, size_t *i)
{
	const struct md_sieve_arg *a = &n->args[*i];

	if (*i + 1 >= n->nargs || n->args[*i + 1].kind != MD_ARG_STRINGS ||
	    n->args[*i + 1].n != 1) {
		bad(c, a->line, a->col, "':%s' needs a string after it",
		    a->s[0]);
		return NULL;
	}
	return &n->args[++*i];
}

static int
set_comparator(
    struct checker *c, struct md_sieve_spec *sp, const struct md_sieve_arg *v)
{
	const char *s = v->s[0];

	if (strcmp(s, "i;ascii-casemap") == 0)
		sp->comparator = MD_CMP_CASEMAP;
	else if (strcmp(s, "i;octet") == 0)
		sp->comparator = MD_CMP_OCTET;
	else if (strcmp(s, "i;ascii-numeric") == 0 &&
	         (c->caps & MD_CAP_NUMERIC))
		sp->comparator = MD_CMP_NUMERIC;
	else
		return bad(c, v->line, v->col, "unknown comparator '%s'", s);
	return 0;
}

static int
set_relation(
    struct checker *c, struct md_sieve_spec *sp, const struct md_sieve_arg *v)
{
	for (size_t k = 0; k < sizeof(rels) / sizeof(rels[0]); k++)
		if (strcasecmp(rels[k], v->s[0]) == 0) {
			sp->rel = (int)k;
			return 0;
		}
	return bad(c, v->line, v->col, "unknown relation '%s'", v->s[0]);
}

/* The date and index extensions' tags: :zone "+hhmm", :originalzone
 * (not for currentdate), :index N (from 1), :last. */
static int
read_date_tag(struct checker *c, struct md_sieve_node *n, unsigned kind,
    int value, size_t *i)
{
	struct md_sieve_spec *sp = &n->spec;
	const struct md_sieve_arg *a = &n->args[*i], *v;

	if (kind == T_LAST) {
		sp->last = 1;
		return 0;
	}
	if (kind == T_ZONE && value == 0) {
		if (sp->id == MD_SV_CURRENTDATE)
			return bad(c, a->line, a->col,
			    "':%s' is not for currentdate", a->s[0]);
		sp->x->origzone = 1;
		return 0;
	}
	if (kind == T_ZONE) {
		if ((v = tag_string(c, n, i)) == NULL)
			return -1;
		sp->x->zone = v;
		return 0;
	}
	if (*i + 1 >= n->nargs || n->args[*i + 1].kind != MD_ARG_NUMBER)
		return bad(c, a->line, a->col, "':%s' needs a number after it",
		    a->s[0]);
	if (n->args[++*i].num == 0)
		return bad(c, a->line, a->col, "':%s' counts from 1", a->s[0]);
	sp->index = n->args[*i].num > UINT32_MAX ? UINT32_MAX
	                                         : (uint32_t)n->args[*i].num;
	return 0;
}

/* A tag of duplicate or vacation (KIND, VALUE of tagdefs) and what
 * follows it, into N's spec. */
static int
read_send_tag(struct checker *c, struct md_sieve_node *n, unsigned kind,
    int value, size_t *i)
{
	struct md_sieve_ext *sp = n->spec.x;
	const struct md_sieve_arg *a = &n->args[*i], *v;

	if (kind == T_DLAST || kind == T_MIME) {
		*(kind == T_DLAST ? &sp->dlast : &sp->mime) = 1;
		return 0;
	}
	if (kind == T_DSECS || kind == T_PERIOD) {
		if (*i + 1 >= n->nargs || n->args[*i + 1].kind != MD_ARG_NUMBER)
			return bad(c, a->line, a->col,
			    "':%s' needs a number after it", a->s[0]);
		v = &n->args[++*i];
		sp->secs = v->num > UINT32_MAX ? (uint64_t)UINT32_MAX * value
		                               : v->num * (uint64_t)value;
		sp->has_secs = 1;
		return 0;
	}
	if (kind == T_ADDRS) {
		if (*i + 1 >= n->nargs ||
		    n->args[*i + 1].kind != MD_ARG_STRINGS)
			return bad(c, a->line, a->col,
			    "':%s' needs a string list after it", a->s[0]);
		sp->addrs = &n->args[++*i];
		return 0;
	}
	if ((v = tag_string(c, n, i)) == NULL)
		return -1;
	if (kind == T_HANDLE)
		sp->handle = v;
	else if (kind == T_SUBJECT)
		sp->subject = v;
	else if (kind == T_VFROM)
		sp->vfrom = v;
	else {
		sp->dupid = v;
		sp->uniqueid = value;
	}
	return 0;
}

/* Does the tag T apply to D, as the script requires? */
static int
tag_fits(const struct checker *c, const struct def *d, const struct tagdef *t)
{
	return (d->tags & t->kind) && (t->cap == 0 || (c->caps & t->cap));
}

/* The tag NAME of D. No two tags of one name fit one command or test but
 * :handle's two, which are alike: the first that fits is the one. */
static const struct tagdef *
find_tag(struct checker *c, const struct def *d, const char *name)
{
	int l = letter((unsigned char)name[0]);
	const struct tagdef *t;

	if (l < 0)
		return NULL;
	t = c->tag_at[l] != 0 ? &tagdefs[c->tag_at[l] - 1] : NULL;
	if (t != NULL && tag_fits(c, d, t) && same_name(t->name, name))
		return t;
	for (size_t k = 0; k < sizeof(tagdefs) / sizeof(tagdefs[0]); k++)
		if (tag_fits(c, d, &tagdefs[k]) &&
		    tagdefs[k].name[0] == l + 'a' &&
		    same_name(tagdefs[k].name, name)) {
			c->tag_at[l] = (unsigned char)(k + 1);
			return &tagdefs[k];
		}
	return NULL;
}

/* The tag at N's args[*I] into SP; *SEEN the kinds met so far. */
static int
read_tag(struct checker *c, const struct def *d, struct md_sieve_node *n,
    size_t *i, unsigned *seen)
{
	struct md_sieve_spec *sp = &n->spec;
	const struct md_sieve_arg *a = &n->args[*i], *v;
	const struct tagdef *t = find_tag(c, d, a->s[0]);

	if (t == NULL)
		return md_sieve_errf(c->e, MD_SIEVE_INVALID, a->line, a->col,
		    "unknown tag ':%s' for '%s'", a->s[0], d->name);
	if (t->kind == T_MOD ? (sp->mods & mod_group(t->value)) != 0
	                     : (*seen & t->kind) != 0)
		return md_sieve_errf(c->e, MD_SIEVE_INVALID, a->line, a->col,
		    "':%s' conflicts with an earlier tag of '%s'", a->s[0],
		    d->name);
	*seen |= t->kind;
	switch (t->kind) {
	case T_CMP:
		if ((v = tag_string(c, n, i)) == NULL)
			return -1;
		return set_comparator(c, sp, v);
	case T_MATCH:
		sp->match = t->value;
		if (t->value != MD_MATCH_VALUE && t->value != MD_MATCH_COUNT)
			return 0;
		if ((v = tag_string(c, n, i)) == NULL)
			return -1;
		return set_relation(c, sp, v);
	case T_PART:
		sp->part = t->value;
		return 0;
	case T_SIZE:
		sp->over = t->value;
		return 0;
	case T_COPY:
		sp->copy = 1;
		return 0;
	case T_CREATE: /* folders are always made: nothing to note */
		return 0;
	case T_MOD:
		sp->mods |= t->value;
		return 0;
	case T_ZONE:
	case T_INDEX:
	case T_LAST:
		return read_date_tag(c, n, t->kind, t->value, i);
	case T_LOCATION:
	case T_ONCE:
	case T_OPTIONAL:
		sp->x->incl |= t->value;
		return 0;
	case T_BODY:
		if ((sp->x->body = t->value) != MD_BODY_CONTENT)
			return 0;
		if (*i + 1 >= n->nargs ||
		    n->args[*i + 1].kind != MD_ARG_STRINGS)
			return bad(c, a->line, a->col,
			    "':%s' needs a string list after it", a->s[0]);
		sp->x->types = &n->args[++*i];
		return 0;
	case T_HANDLE:
	case T_DUPID:
	case T_DSECS:
	case T_DLAST:
	case T_PERIOD:
	case T_SUBJECT:
	case T_VFROM:
	case T_ADDRS:
	case T_MIME:
		return read_send_tag(c, n, t->kind, t->value, i);
	default: /* T_FLAGS */
		if (*i + 1 >= n->nargs ||
		    n->args[*i + 1].kind != MD_ARG_STRINGS)
			return bad(c, a->line, a->col,
			    "':%s' needs a string list after it", a->s[0]);
		sp->flags = &n->args[++*i];
		return 0;
	}
}

/* The imap4flags commands and test, which may name variables. */
static int
is_flag_cmd(int id)
{
	return id == MD_SV_SETFLAG || id == MD_SV_ADDFLAG ||
	       id == MD_SV_REMOVEFLAG || id == MD_SV_HASFLAG;
}

static const char *
arg_name(char k)
{
	return k == 'N' ? "a number" : k == 'S' ? "a string" : "a string list";
}

/* N's arguments against D: tags anywhere before the positional ones. */
static int
check_args(struct checker *c, const struct def *d, struct md_sieve_node *n)
{
	size_t npos = 0;
	unsigned seen = 0;

	for (size_t i = 0; i < n->nargs; i++) {
		const struct md_sieve_arg *a = &n->args[i];

		if (a->kind == MD_ARG_TAG) {
			if (npos > 0)
				return bad(c, a->line, a->col,
				    "tag ':%s' after the positional arguments",
				    a->s[0]);
			if (read_tag(c, d, n, &i, &seen) < 0)
				return -1;
			continue;
		}
		if (d->pos[npos] == '\0' && is_flag_cmd(d->id) &&
		    (c->caps & MD_CAP_VARIABLES) && n->spec.flagvar == NULL) {
			n->spec.flagvar = n->spec.pos[0]; /* RFC 5232 3 */
			npos = 0;
		}
		if (d->pos[npos] == '\0')
			return bad(c, a->line, a->col,
			    "too many arguments for '%s'", d->name);
		if ((d->pos[npos] == 'N') != (a->kind == MD_ARG_NUMBER) ||
		    (d->pos[npos] == 'S' && (a->list || a->n != 1)))
			return md_sieve_errf(c->e, MD_SIEVE_INVALID, a->line,
			    a->col, "argument %zu of '%s' must be %s", npos + 1,
			    d->name, arg_name(d->pos[npos]));
		n->spec.pos[npos++] = a;
	}
	if (d->pos[npos] != '\0')
		return md_sieve_errf(c->e, MD_SIEVE_INVALID, n->line, n->col,
		    "'%s' needs %s as argument %zu", d->name,
		    arg_name(d->pos[npos]), npos + 1);
	if ((d->tags & T_SIZE) && !(seen & T_SIZE))
		return bad(
		    c, n->line, n->col, "'%s' needs :over or :under", d->name);
	if ((seen & T_LAST) && !(seen & T_INDEX))
		return bad(
		    c, n->line, n->col, "'%s': :last without :index", d->name);
	return 0;
}

/* What a match type and comparator allow, and keys that must compile. */
static int
check_match(struct checker *c, struct md_sieve_node *n)
{
	const struct md_sieve_spec *sp = &n->spec;
	const struct md_sieve_arg *keys =
	    sp->pos[sp->id == MD_SV_HASFLAG || sp->id == MD_SV_EXISTS ||
	                    sp->id == MD_SV_BODY
	                ? 0
	            : sp->id == MD_SV_DATE ? 2
	                                   : 1];

	if (sp->comparator == MD_CMP_NUMERIC &&
	    (sp->match == MD_MATCH_CONTAINS || sp->match == MD_MATCH_MATCHES ||
	        sp->match == MD_MATCH_REGEX))
		return bad(c, n->line, n->col,
		    "comparator i;ascii-numeric cannot do '%s'",
		    "substring matches");
	if (sp->match != MD_MATCH_REGEX)
		return 0;
	for (size_t i = 0; i < keys->n; i++) {
		if ((c->caps & MD_CAP_VARIABLES) && strstr(keys->s[i], "${"))
			continue; /* known only once expanded, at run time */
		const char *why;
		regex_t re;

		if (md_regex_check(keys->s[i], &why) < 0)
			return md_sieve_errf(c->e, MD_SIEVE_INVALID, keys->line,
			    keys->col, "regex '%s': %s", keys->s[i], why);
		if (c->checked)
			continue; /* regcomp took it then, and will again */
		if (regcomp(&re, keys->s[i], REG_EXTENDED | REG_NOSUB) != 0)
			return bad(c, keys->line, keys->col,
			    "invalid regex '%s'", keys->s[i]);
		regfree(&re);
	}
	return 0;
}

/* Each string of A a variable name (RFC 5229 3), or a fault. */
static int
var_names(struct checker *c, const struct md_sieve_arg *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (!md_sieve_var_name(a->s[i], a->len[i]))
			return bad(c, a->line, a->col,
			    "invalid variable name '%s'", a->s[i]);
	return 0;
}

/* set's name: a constant variable name (RFC 5229 3). */
static int
check_set(struct checker *c, const struct md_sieve_node *n)
{
	return var_names(c, n->spec.pos[0]);
}

/* The variables an imap4flags command or test names: constant names, one
 * for a command, a list for hasflag (RFC 5232 3, 5.1). */
static int
check_flagvar(struct checker *c, const struct md_sieve_node *n)
{
	const struct md_sieve_arg *a = n->spec.flagvar;

	if (a == NULL)
		return 0;
	if (n->spec.id != MD_SV_HASFLAG && (a->list || a->n != 1))
		return bad(c, a->line, a->col,
		    "'%s' names one variable, not a list", n->name);
	return var_names(c, a);
}

/* envelope "from" / "to": the parts mdkit knows of an envelope. */
static int
check_envelope(struct checker *c, const struct md_sieve_node *n)
{
	const struct md_sieve_arg *a = n->spec.pos[0];

	for (size_t i = 0; i < a->n; i++)
		if (strcasecmp(a->s[i], "from") != 0 &&
		    strcasecmp(a->s[i], "to") != 0)
			return bad(c, a->line, a->col,
			    "unknown envelope part '%s'", a->s[i]);
	return 0;
}

/* include's name is known when the script is compiled (its script is
 * compiled with it, sieve-include.c); global names variables, and needs
 * them required (RFC 6609 3.3). */
static int
check_include(struct checker *c, const struct md_sieve_node *n)
{
	const struct md_sieve_arg *a = n->spec.pos[0];

	if (n->spec.id == MD_SV_INCLUDE) {
		if ((c->caps & MD_CAP_VARIABLES) && strstr(a->s[0], "${"))
			return bad(c, a->line, a->col,
			    "include: '%s' is no constant name", a->s[0]);
		return 0;
	}
	if (!(c->caps & MD_CAP_VARIABLES))
		return bad(c, n->line, n->col, "'%s' needs variables required",
		    "global");
	return var_names(c, a);
}

/* The header names of a header or address test N: each constant one
 * made the string the first test naming that field (in any case) has,
 * so that the run finds the field's values kept for it by the string's
 * address (md_sieve_fields_get) instead of comparing names, rule after
 * rule. */
static void
share_names(struct checker *c, struct md_sieve_node *n)
{
	struct md_sieve_arg *a = &n->args[n->spec.pos[0] - n->args];

	for (size_t i = 0; i < a->n; i++) {
		size_t k = 0;

		if ((c->caps & MD_CAP_VARIABLES) && strstr(a->s[i], "${"))
			continue;
		while (k < c->nnames &&
		       (((c->names[k][0] ^ a->s[i][0]) & ~0x20) != 0 ||
		           strcasecmp(c->names[k], a->s[i]) != 0))
			k++;
		if (k < c->nnames)
			a->s[i] = c->names[k];
		else if (c->nnames < SHARED_NAMES)
			c->names[c->nnames++] = a->s[i];
	}
}

/* redirect's address and vacation's :from: one address each, as
 * Pigeonhole has it when the script is compiled; a string with a
 * variable in it is known only as it runs (md-deliver checks it then). */
static int
check_address(struct checker *c, const struct md_sieve_arg *a, const char *what)
{
	char addr[1024];
	const char *p;

	if (a == NULL ||
	    ((c->caps & MD_CAP_VARIABLES) && strstr(a->s[0], "${") != NULL))
		return 0;
	p = a->s[0];
	if (md_addr_next(&p, addr, sizeof(addr)) == 1 &&
	    md_addr_next(&p, addr, sizeof(addr)) == 0)
		return 0;
	return md_sieve_errf(c->e, MD_SIEVE_INVALID, a->line, a->col,
	    "%s '%s' is not one address", what, a->s[0]);
}

static int check_nodes(
    struct checker *c, struct md_sieve_node *v, size_t n, int top);

/* Does a node of ID have a spec.x (sieve.h)? */
static int
has_ext(int id)
{
	return id == MD_SV_DATE || id == MD_SV_CURRENTDATE ||
	       id == MD_SV_INCLUDE || id == MD_SV_BODY ||
	       id == MD_SV_DUPLICATE || id == MD_SV_VACATION;
}

static int
check_node(struct checker *c, struct md_sieve_node *n, int test)
{
	const struct def *d = find_def(c, n->name);

	if (d == NULL || d->test != test)
		return md_sieve_errf(c->e, MD_SIEVE_INVALID, n->line, n->col,
		    d == NULL ? "unknown %s '%s'" : "'%2$s' is no %1$s",
		    test ? "test" : "command", n->name);
	if (d->cap != 0 && !(c->caps & d->cap))
		return md_sieve_errf(c->e, MD_SIEVE_INVALID, n->line, n->col,
		    "'%s' needs its extension required", n->name);
	n->spec.id = (unsigned char)d->id;
	if (has_ext(d->id) &&
	    (n->spec.x = md_sieve_alloc(c->arena, sizeof(*n->spec.x))) == NULL)
		return md_sieve_errf(
		    c->e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
	if (n->spec.x != NULL)
		memset(n->spec.x, 0, sizeof(*n->spec.x));
	if (check_args(c, d, n) < 0)
		return -1;
	if (d->tests == NO_TESTS && n->ntests > 0)
		return bad(c, n->line, n->col, "'%s' takes no test", d->name);
	if (d->tests == ONE_TEST && (n->ntests != 1 || n->testlist))
		return bad(c, n->line, n->col, "'%s' needs one test", d->name);
	if (d->tests == TEST_LIST && !n->testlist)
		return bad(
		    c, n->line, n->col, "'%s' needs a test list ( )", d->name);
	if (d->block && !n->has_block)
		return bad(
		    c, n->line, n->col, "'%s' needs a block { }", d->name);
	if (!d->block && n->has_block)
		return bad(c, n->line, n->col, "'%s' takes no block", d->name);
	if ((d->tags & T_MATCH) && check_match(c, n) < 0)
		return -1;
	if (d->id == MD_SV_ENVELOPE && check_envelope(c, n) < 0)
		return -1;
	if (d->id == MD_SV_SET && check_set(c, n) < 0)
		return -1;
	if (check_flagvar(c, n) < 0)
		return -1;
	if ((d->id == MD_SV_INCLUDE || d->id == MD_SV_GLOBAL) &&
	    check_include(c, n) < 0)
		return -1;
	if (d->id == MD_SV_REDIRECT &&
	    check_address(c, n->spec.pos[0], "redirect address") < 0)
		return -1;
	if (d->id == MD_SV_VACATION &&
	    check_address(c, n->spec.x->vfrom, "vacation :from") < 0)
		return -1;
	if (d->id == MD_SV_HEADER || d->id == MD_SV_ADDRESS)
		share_names(c, n);
	for (size_t i = 0; i < n->ntests; i++)
		if (check_node(c, &n->tests[i], 1) < 0)
			return -1;
	return check_nodes(c, n->block, n->nblock, 0);
}

static int
check_nodes(struct checker *c, struct md_sieve_node *v, size_t n, int top)
{
	int prev = -1, requires = top;

	for (size_t i = 0; i < n; i++) {
		int is_req = same_name("require", v[i].name);

		if (is_req && !requires)
			return bad(c, v[i].line, v[i].col,
			    "'%s' only at the start of the script", "require");
		requires = requires && is_req;
		if (is_req && check_args(c, &defs[0], &v[i]) == 0 &&
		    do_require(c, v[i].spec.pos[0]) < 0)
			return -1;
		if (check_node(c, &v[i], 0) < 0)
			return -1;
		if ((v[i].spec.id == MD_SV_ELSIF ||
		        v[i].spec.id == MD_SV_ELSE) &&
		    prev != MD_SV_IF && prev != MD_SV_ELSIF)
			return bad(c, v[i].line, v[i].col,
			    "'%s' without an if before it", v[i].name);
		prev = v[i].spec.id;
	}
	return 0;
}

/* Does a require at the start of S name encoded-character? */
static int
wants_encoded(const struct md_sieve_script *s)
{
	for (size_t i = 0;
	     i < s->ncmds && strcasecmp(s->cmds[i].name, "require") == 0; i++)
		for (size_t k = 0; k < s->cmds[i].nargs; k++)
			for (size_t j = 0; j < s->cmds[i].args[k].n; j++)
				if (s->cmds[i].args[k].kind == MD_ARG_STRINGS &&
				    strcmp(s->cmds[i].args[k].s[j],
				        "encoded-character") == 0)
					return 1;
	return 0;
}

/* encoded-character: every string of N and below it decoded. */
static int
decode_node(struct checker *c, struct md_sieve_node *n)
{
	for (size_t i = 0; i < n->nargs; i++) {
		struct md_sieve_arg *a = &n->args[i];

		for (size_t k = 0; a->kind == MD_ARG_STRINGS && k < a->n; k++)
			if (md_sieve_decode_encoded(a->s[k], &a->len[k]) < 0)
				return errno == ENOMEM
				           ? md_sieve_errf(c->e,
				                 MD_SIEVE_SYSTEM, 0, 0,
				                 "out of memory")
				           : bad(c, a->line, a->col,
				                 "%s: a code point out of "
				                 "range",
				                 "encoded character");
	}
	for (size_t i = 0; i < n->ntests; i++)
		if (decode_node(c, &n->tests[i]) < 0)
			return -1;
	for (size_t i = 0; i < n->nblock; i++)
		if (decode_node(c, &n->block[i]) < 0)
			return -1;
	return 0;
}

int
md_sieve_check(struct md_sieve_script *s, struct md_sieve_err *e)
{
	struct checker c = {
		.e = e, .arena = &s->arena, .checked = s->checked
	};

	for (size_t i = 0; wants_encoded(s) && i < s->ncmds; i++)
		if (decode_node(&c, &s->cmds[i]) < 0)
			return -1;
	if (check_nodes(&c, s->cmds, s->ncmds, 1) < 0)
		return -1;
	if ((c.caps & MD_CAP_INCLUDE) && md_sieve_check_globals(s, e) < 0)
		return -1;
	s->caps = c.caps;
	return 0;
}

/* md_sieve_compile, the parse from CACHE when it has it; else kept there
 * once it checked (a record is of a script that compiles). */
static int
compile_cached(struct md_sieve_script *s, const char *buf, size_t len,
    const struct md_maildir *cache, struct md_sieve_err *e)
{
	uint32_t *w = NULL;
	size_t nw = 0;

	if (cache == NULL || md_sieve_cache_load(s, cache, buf, len) != 1) {
		if (md_sieve_parse(s, buf, len, e) < 0)
			return -1;
		/* Before the check, which rewrites encoded-character. */
		if (cache != NULL &&
		    md_sieve_tree_encode(s, buf, len, &w, &nw) < 0)
			w = NULL;
	}
	if (md_sieve_check(s, e) < 0) {
		md_sieve_free(s);
		free(w);
		return -1;
	}
	if (w != NULL)
		md_sieve_cache_save(cache, buf, len, w, nw);
	free(w);
	return 0;
}

int
md_sieve_compile(struct md_sieve_script *s, const char *buf, size_t len,
    struct md_sieve_err *e)
{
	return compile_cached(s, buf, len, NULL, e);
}

int
md_sieve_compile_file(struct md_sieve_script *s, const char *path,
    const struct md_maildir *cache, struct md_sieve_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;
	struct stat st;
	char *buf;
	ssize_t got = 0, k = 1;

	memset(s, 0, sizeof(*s));
	if (fd < 0 || fstat(fd, &st) < 0)
		goto sys;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return md_sieve_errf(
		    e, MD_SIEVE_SYSTEM, 0, 0, "not a regular file");
	}
	if (st.st_size > MD_SIEVE_SIZE) {
		close(fd);
		return md_sieve_errf(e, MD_SIEVE_LIMIT, 0, 0,
		    "script larger than %d bytes", MD_SIEVE_SIZE);
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto sys;
	/* Asked one byte more than its size: all of it, and no more, is
	 * the end (no read to see it); more, it grew meanwhile. */
	while (k > 0 && got <= st.st_size) {
		size_t want = (size_t)(st.st_size + 1 - got);

		if ((k = read(fd, buf + got, want)) > 0)
			got += k;
		if (got == st.st_size && k >= 0 && (size_t)k < want)
			break;
	}
	if (k < 0 || got > st.st_size) { /* grew while read: try later */
		if (got > st.st_size)
			errno = EAGAIN;
		free(buf);
		goto sys;
	}
	close(fd);
	rc = compile_cached(s, buf, (size_t)got, cache, e);
	free(buf);
	return rc;
sys:
	rc = errno;
	if (fd >= 0)
		close(fd);
	errno = rc;
	return md_sieve_errf(e, MD_SIEVE_SYSTEM, 0, 0, "%s", strerror(rc));
}
