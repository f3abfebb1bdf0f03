/*
 * sieve-run.c: a checked script over one message. Tests read the header
 * through header.c (values RFC 2047 decoded by decode.c for header, the
 * addresses of addr.c for address), compare with the script's comparator
 * and match type, and commands collect actions into a result by the
 * RFC's rules; nothing is stored or sent here.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

struct runner {
	const struct md_sieve_msg *m;
	struct md_sieve_result *r;
	struct md_sieve_err *e;
	int keep;         /* the implicit keep still stands */
	int stopped;      /* stop, or a reject that ends the script */
	char *flags;      /* imap4flags' internal variable, space-separated */
	int variables;    /* the script requires them */
	int64_t deadline; /* CLOCK_MONOTONIC ns */
	int64_t now;      /* currentdate's, seconds since the epoch */
	struct md_sieve_vars vars; /* and these are they */
	/* include (RFC 6609): the script run first, the one running (its
	 * file when included, else NULL), a return met, the variables
	 * declared global, the included scripts run so far (:once). */
	const struct md_sieve_script *top, *script;
	const char *file;
	int returned;
	struct md_sieve_vars globals;
	unsigned char ran[MD_SIEVE_INCLUDES];
	struct md_sieve_body body; /* read at the first body test */
	int keep_matches;          /* a body test leaves ${1}... as they were */
	/* header values, once a run: the caller's, else OWN */
	struct md_sieve_fields *fields, *own;
	unsigned ticks; /* tests and commands run */
	uint64_t size;  /* the message's, once known */
};

/* S with its variables expanded (RFC 5229); NULL, with E, on failure. */
static const char *
xs(struct runner *rn, const char *s)
{
	const char *x = rn->variables ? md_sieve_expand(&rn->vars, s) : s;

	if (x == NULL)
		md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
	return x;
}

/* A match succeeded: its spans of V are the match variables now. */
static int
set_matches(struct runner *rn, const char *v, const size_t (*cap)[2], size_t n)
{
	if (md_sieve_set_matches(&rn->vars, v, cap, n) < 0)
		return md_sieve_errf(
		    rn->e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
	return 1;
}

/* LV: V made small (md_sieve_lower), or NULL. */
static int
glob_match(
    struct runner *rn, const char *v, const char *lv, const char *key, int cmp)
{
	size_t cap[MD_SIEVE_MATCHVARS][2], n;
	int rc;

	/* The table of the captures only once the walk says it matches. */
	if (!(lv ? md_sieve_glob_low(key, v, lv, cmp)
	         : md_sieve_glob(key, v, cmp)))
		return 0;
	if (!rn->variables || rn->keep_matches)
		return 1;
	rc = md_sieve_glob_capture(key, v, cmp, cap, MD_SIEVE_MATCHVARS, &n);
	if (rc < 0)
		return md_sieve_errf(rn->e, MD_SIEVE_LIMIT, 0, 0,
		    ":matches of %zu bytes: %s", strlen(v), strerror(errno));
	return rc == 1 ? set_matches(rn, v, (const size_t(*)[2])cap, n) : 0;
}

/* :regex (POSIX extended), within regex.c's bounds; with variables, its
 * groups become the match variables as a :matches' wildcards do. */
static int
regex_match(struct runner *rn, const char *v, const char *key, int cmp)
{
	regmatch_t pm[MD_SIEVE_MATCHVARS];
	size_t cap[MD_SIEVE_MATCHVARS][2], n = 0;
	const char *why;
	regex_t re;
	int vars = rn->variables && !rn->keep_matches,
	    flags = REG_EXTENDED | (cmp == MD_CMP_CASEMAP ? REG_ICASE : 0) |
	            (vars ? 0 : REG_NOSUB),
	    rc;

	if (md_regex_check(key, &why) < 0 || regcomp(&re, key, flags) != 0)
		return md_sieve_errf(
		    rn->e, MD_SIEVE_RUNTIME, 0, 0, "invalid regex '%s'", key);
	rc = regexec(&re, v, vars ? MD_SIEVE_MATCHVARS : 0, vars ? pm : NULL,
	         0) == 0;
	regfree(&re);
	if (!rc || !vars)
		return rc;
	for (; n < MD_SIEVE_MATCHVARS; n++) { /* an unused group is "" */
		cap[n][0] = pm[n].rm_so < 0 ? 0 : (size_t)pm[n].rm_so;
		cap[n][1] = pm[n].rm_so < 0 ? 0 : (size_t)pm[n].rm_eo;
	}
	return set_matches(rn, v, (const size_t(*)[2])cap, n);
}

/* Does V match KEY by SP's match type and comparator? -1 on error. LV:
 * V made small (md_sieve_lower) when a field's value, else NULL. */
static int
match(struct runner *rn, const struct md_sieve_spec *sp, const char *v,
    const char *lv, const char *key)
{
	if ((key = xs(rn, key)) == NULL)
		return -1;
	switch (sp->match) {
	case MD_MATCH_IS:
		return md_sieve_order(v, key, sp->comparator) == 0;
	case MD_MATCH_CONTAINS:
		return lv ? md_sieve_contains_low(v, lv, key, sp->comparator)
		          : md_sieve_contains(v, key, sp->comparator);
	case MD_MATCH_MATCHES:
		return glob_match(rn, v, lv, key, sp->comparator);
	case MD_MATCH_REGEX:
		return regex_match(rn, v, key, sp->comparator);
	default:
		return md_sieve_relation(
		    sp->rel, md_sieve_order(v, key, sp->comparator));
	}
}

/* V (LV made small, or NULL) against any of SP's keys (its last
 * positional argument). */
static int
match_lv(struct runner *rn, const struct md_sieve_spec *sp,
    const struct md_sieve_arg *keys, const char *v, const char *lv)
{
	for (size_t i = 0; i < keys->n; i++) {
		int rc = match(rn, sp, v, lv, keys->s[i]);

		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
match_keys(struct runner *rn, const struct md_sieve_spec *sp,
    const struct md_sieve_arg *keys, const char *v)
{
	return match_lv(rn, sp, keys, v, NULL);
}

/* ---- the values a test looks at ---- */

static const char *
copy_part(const char *s, size_t n, char *out, size_t size)
{
	n = n < size ? n : size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* :all, the address as written in a header: a local part (LOCAL bytes)
 * that is no dot-atom (DOT) quoted again, as Pigeonhole gives it; ADDR
 * itself when it stays as it is. */
static const char *
all_part(const char *addr, size_t local, int dot, char *out, size_t size)
{
	size_t n = 0;

	if (dot || size < 3)
		return addr;
	out[n++] = '"';
	for (size_t i = 0; i < local && n + 3 < size; i++) {
		if (addr[i] == '"' || addr[i] == '\\')
			out[n++] = '\\';
		out[n++] = addr[i];
	}
	out[n++] = '"';
	strlcpy(out + n, addr + local, size - n);
	return out;
}

/* The address part PART of ADDR ("local@domain", shorter than SIZE; read
 * as AI says): in ADDR where it ends there, else made in OUT; NULL when
 * it has none (a detail without a separator). */
static const char *
addr_part(const char *addr, const struct md_sieve_addr *ai, int part, char *out,
    size_t size)
{
	size_t local = ai->local;
	const char *plus;

	switch (part) {
	case MD_PART_DOMAIN:
		return ai->at ? addr + local + 1 : NULL;
	case MD_PART_LOCAL:
		return copy_part(addr, local, out, size);
	case MD_PART_USER:
		plus = memchr(addr, '+', local);
		return copy_part(
		    addr, plus ? (size_t)(plus - addr) : local, out, size);
	case MD_PART_DETAIL:
		if ((plus = memchr(addr, '+', local)) == NULL)
			return NULL;
		return copy_part(
		    plus + 1, local - (size_t)(plus + 1 - addr), out, size);
	default:
		return all_part(addr, local, ai->dot, out, size);
	}
}

/* Each value a test looks at, to VISIT: 1 (a match) ends the walk. */
typedef int (*visit_fn)(
    struct runner *, const struct md_sieve_spec *, const char *, size_t *);

static int
visit_match(struct runner *rn, const struct md_sieve_spec *sp, const char *v,
    const char *lv, size_t *count)
{
	if (sp->match == MD_MATCH_COUNT) {
		(*count)++;
		return 0;
	}
	return match_lv(rn, sp, sp->pos[1], v, lv);
}

/* RFC 5231's :count: the number of values seen (visit_match counted
 * them) is matched against the keys, as a decimal string. */
static int
counted(struct runner *rn, const struct md_sieve_spec *sp, size_t count)
{
	char n[24];

	if (sp->match != MD_MATCH_COUNT)
		return 0;
	snprintf(n, sizeof(n), "%zu", count);
	return match_keys(rn, sp, sp->pos[1], n);
}

/* The addresses of one header value (or an envelope address) by part,
 * those that are none passed over; a value with no
 * address at all is, as Pigeonhole has it, one value that :all compares
 * whole and the other parts have nothing of (but :count counts). */
static int
visit_addrs(struct runner *rn, const struct md_sieve_spec *sp,
    const char *value, const struct md_sieve_addrs *a, size_t *count)
{
	char buf[1024];
	const char *part;
	int rc;

	for (size_t i = 0; i < a->n; i++)
		if ((part = addr_part(a->buf + a->i[i].off, &a->i[i], sp->part,
		         buf, sizeof(buf))) &&
		    (rc = visit_match(rn, sp, part, NULL, count)) != 0)
			return rc;
	if (a->n > 0 || *value == '\0')
		return 0;
	if (sp->match == MD_MATCH_COUNT)
		(*count)++;
	else if (sp->part == MD_PART_ALL)
		return visit_match(rn, sp, value, NULL, count);
	return 0;
}

/* Which of the fields the header names NAMES name a test looks at: with
 * :index N (RFC 5260 6), the Nth of them all, counted name after name in
 * the order of NAMES as Pigeonhole counts, from the end with :last, into
 * *WANT (SIZE_MAX when there are fewer); without, every one. */
static int
wanted(struct runner *rn, const struct md_sieve_spec *sp,
    const struct md_sieve_arg *names, size_t *want)
{
	size_t total = 0;

	*want = SIZE_MAX;
	if (sp->index == 0)
		return 0;
	for (size_t i = 0; sp->last && i < names->n; i++) {
		const char *name = xs(rn, names->s[i]);

		if (name == NULL)
			return -1;
		for (size_t k = 0;
		     md_header_field(rn->m->h, name, k, NULL, 0) >= 0; k++)
			total++;
	}
	if (!sp->last)
		*want = sp->index - 1;
	else if (sp->index <= total)
		*want = total - sp->index;
	return 0;
}

static int
test_header(struct runner *rn, const struct md_sieve_spec *sp, int address)
{
	const struct md_sieve_arg *names = sp->pos[0];
	const struct md_sieve_field *f;
	size_t count = 0, at = 0, want = SIZE_MAX;
	int rc;

	if (sp->index != 0 && wanted(rn, sp, names, &want) < 0)
		return -1;
	for (size_t i = 0; i < names->n; i++) {
		const char *name = xs(rn, names->s[i]);

		if (name == NULL)
			return -1;
		if (md_sieve_fields_get(rn->fields, rn->m->h,
		        address ? NULL : rn->m->d, name, name == names->s[i],
		        &f) < 0)
			return md_sieve_errf(
			    rn->e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
		for (size_t k = 0; k < f->n; k++) {
			if (sp->index != 0 && at++ != want)
				continue;
			rc = address ? visit_addrs(
			                   rn, sp, f->v[k], &f->a[k], &count)
			             : visit_match(
			                   rn, sp, f->v[k], f->lv[k], &count);
			if (rc != 0)
				return rc;
		}
	}
	return counted(rn, sp, count);
}

/* Where the date is in the value V of the field NAME: a Received
 * field's after its last ';' (RFC 5322 3.6.7), as Pigeonhole reads it. */
static const char *
date_of(const char *name, const char *v)
{
	const char *semi = strrchr(v, ';');

	return strcasecmp(name, "received") == 0 && semi ? semi + 1 : v;
}

/* date and currentdate (RFC 5260 4, 5): one moment, as the date part
 * asked for in the zone asked for, against the keys. date reads the
 * first field of its header (or the one :index picks), as Pigeonhole
 * does; a field that is no date matches nothing (and counts 0). */
static int
test_date(struct runner *rn, const struct md_sieve_spec *sp)
{
	int cur = sp->id == MD_SV_CURRENTDATE;
	const struct md_sieve_arg *keys = sp->pos[cur ? 1 : 2];
	const char *part = xs(rn, sp->pos[cur ? 0 : 1]->s[0]), *name, *z;
	long off = md_sieve_local_zone(rn->now), orig = 0;
	int64_t t = rn->now;
	size_t want, k = 0, have = 1;
	char v[64], raw[MD_SIEVE_VALUE];
	time_t tt = 0;

	if (part == NULL)
		return -1;
	if (!cur) {
		if ((name = xs(rn, sp->pos[0]->s[0])) == NULL ||
		    wanted(rn, sp, sp->pos[0], &want) < 0)
			return -1;
		if (sp->index != 0 && (k = want) == SIZE_MAX)
			have = 0;
		have =
		    have &&
		    md_header_field(rn->m->h, name, k, raw, sizeof(raw)) >= 0 &&
		    md_date_parse_zone(date_of(name, raw), &tt, &orig) == 0;
		t = tt;
	}
	if (sp->x->origzone)
		off = orig;
	else if (sp->x->zone != NULL) {
		if ((z = xs(rn, sp->x->zone->s[0])) == NULL)
			return -1;
		/* a zone that is none means the local one, as Pigeonhole */
		if (md_sieve_zone(z, &orig) == 0)
			off = orig;
	}
	if (have && md_sieve_date_part(t, off, part, v, sizeof(v)) < 0)
		return 0; /* no date part: false, as Pigeonhole has it */
	if (sp->match == MD_MATCH_COUNT) {
		snprintf(v, sizeof(v), "%zu", have);
		return match_keys(rn, sp, keys, v);
	}
	return have ? match_keys(rn, sp, keys, v) : 0;
}

static int
test_envelope(struct runner *rn, const struct md_sieve_spec *sp)
{
	const struct md_sieve_arg *parts = sp->pos[0];
	size_t count = 0;
	int rc;

	for (size_t i = 0; i < parts->n; i++) {
		const char *v = strcasecmp(parts->s[i], "from") == 0
		                    ? rn->m->from
		                    : rn->m->to;

		if (v == NULL)
			continue;
		if (*v == '\0') /* the null sender: "" for :all alone */
			rc = sp->part == MD_PART_ALL
			         ? visit_match(rn, sp, "", NULL, &count)
			         : 0;
		else {
			struct md_sieve_addrs a = { 0 };

			if (md_sieve_addrs(v, &a) < 0) {
				free(a.buf);
				free(a.i);
				return md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0,
				    0, "out of memory");
			}
			rc = visit_addrs(rn, sp, v, &a, &count);
			free(a.buf);
			free(a.i);
		}
		if (rc != 0)
			return rc;
	}
	return counted(rn, sp, count);
}

static int
test_exists(struct runner *rn, const struct md_sieve_spec *sp)
{
	for (size_t i = 0; i < sp->pos[0]->n; i++) {
		const char *name = xs(rn, sp->pos[0]->s[i]);

		if (name == NULL)
			return -1;
		if (md_header_field(rn->m->h, name, 0, NULL, 0) < 0)
			return 0;
	}
	return 1;
}

/* mailboxexists (RFC 5490 3.1): is each folder there, as md-deliver
 * would name it on disk? None is without a maildir. */
static int
test_mailboxes(struct runner *rn, const struct md_sieve_spec *sp)
{
	char name[NAME_MAX + 1], path[PATH_MAX];

	for (size_t i = 0; i < sp->pos[0]->n; i++) {
		const char *f = xs(rn, sp->pos[0]->s[i]);

		if (f == NULL)
			return -1;
		if (rn->m->root == NULL ||
		    md_folder_from_imap(f, name, sizeof(name)) < 0 ||
		    md_folder_path(path, sizeof(path), rn->m->root, name) < 0 ||
		    md_maildir_check(path, NULL) < 0)
			return 0;
	}
	return 1;
}

/* string (RFC 5229 5): the sources, expanded, against the keys; :count
 * counts the sources that are not empty. */
static int
test_string(struct runner *rn, const struct md_sieve_spec *sp)
{
	size_t count = 0;
	int rc;

	for (size_t i = 0; i < sp->pos[0]->n; i++) {
		const char *v = xs(rn, sp->pos[0]->s[i]);

		if (v == NULL)
			return -1;
		if (sp->match == MD_MATCH_COUNT)
			count += *v != '\0';
		else if ((rc = match_keys(rn, sp, sp->pos[1], v)) != 0)
			return rc;
	}
	return counted(rn, sp, count);
}

/* body (RFC 5173): each value sieve-body.c gives against the keys, its
 * first positional argument; :count counts them. It leaves the match
 * variables as they were, as Pigeonhole does. */
static int body_values(struct runner *rn, const struct md_sieve_spec *sp);

static int
test_body(struct runner *rn, const struct md_sieve_spec *sp)
{
	int rc;

	rn->keep_matches = 1;
	rc = body_values(rn, sp);
	rn->keep_matches = 0;
	return rc;
}

static int
body_values(struct runner *rn, const struct md_sieve_spec *sp)
{
	const struct md_sieve_arg *ta = sp->x->types;
	const char *types[ta ? ta->n + 1 : 1], *v;
	size_t count = 0, i = 0, nt = ta ? ta->n : 0;
	char n[24];
	int rc;

	for (size_t k = 0; k < nt; k++)
		if ((types[k] = xs(rn, ta->s[k])) == NULL)
			return -1;
	if (md_sieve_body_load(&rn->body, rn->m) < 0)
		return md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0, 0,
		    "reading the message body: %s", strerror(errno));
	while ((rc = md_sieve_body_next(
	            &rn->body, rn->m->d, sp->x->body, types, nt, &i, &v)) > 0) {
		if (sp->match == MD_MATCH_COUNT)
			count++;
		else if ((rc = match_keys(rn, sp, sp->pos[0], v)) != 0)
			return rc;
	}
	if (rc < 0)
		return md_sieve_errf(
		    rn->e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
	if (sp->match != MD_MATCH_COUNT)
		return 0;
	snprintf(n, sizeof(n), "%zu", count);
	return match_keys(rn, sp, sp->pos[0], n);
}

/* duplicate (RFC 7352): sieve-send.c's, its strings expanded here. */
static int
test_duplicate(struct runner *rn, const struct md_sieve_spec *sp)
{
	const char *handle = NULL, *id = NULL;

	if ((sp->x->handle && (handle = xs(rn, sp->x->handle->s[0])) == NULL) ||
	    (sp->x->dupid && (id = xs(rn, sp->x->dupid->s[0])) == NULL))
		return -1;
	return md_sieve_duplicate(rn->m, sp, handle, id, rn->r, rn->e);
}

/* ---- imap4flags: sets of flags as space-separated words ---- */

/* Is the word F (N bytes) in SET? Flags are case-insensitive. */
static int
has_flag(const char *set, const char *f, size_t n)
{
	for (const char *p = set; p && *p;) {
		size_t k = strcspn(p, " ");

		if (k == n && strncasecmp(p, f, n) == 0)
			return 1;
		p += k + (p[k] == ' ');
	}
	return 0;
}

/* Each word of WORDS into *SET, once; REMOVE takes them out instead. */
static int
change_words(char **set, const char *words, int remove)
{
	size_t have = *set ? strlen(*set) : 0, n = 0;
	char *out = malloc(have + strlen(words) + 2);
	const char *p;

	if (out == NULL)
		return -1;
	out[0] = '\0';
	have = 0;
	for (int pass = 0; pass < 2 - !!remove; pass++)
		for (p = pass == 0 ? *set : words; p && *p;) {
			n = strcspn(p, " ");
			if (n > 0 && !has_flag(out, p, n) &&
			    !(remove && has_flag(words, p, n))) {
				if (have > 0)
					out[have++] = ' ';
				memcpy(out + have, p, n);
				out[have += n] = '\0';
			}
			p += n + (p[n] == ' ');
		}
	free(*set);
	*set = out;
	return 0;
}

/* The words of each string of LIST into *SET (or out of it). */
static int
change_flags(
    struct runner *rn, char **set, const struct md_sieve_arg *list, int remove)
{
	for (size_t i = 0; i < list->n; i++) {
		const char *words = xs(rn, list->s[i]);

		if (words == NULL)
			return -1;
		if (change_words(set, words, remove) < 0)
			return md_sieve_errf(
			    rn->e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	}
	return 0;
}

/* The value of variable NAME, a copy into *OUT; -1 said. */
static int
var_value(struct runner *rn, const char *name, char **out)
{
	char ref[MD_SIEVE_NAMELEN + 4];
	const char *v;

	snprintf(ref, sizeof(ref), "${%s}", name);
	if ((v = md_sieve_expand(&rn->vars, ref)) == NULL ||
	    (*out = strdup(v)) == NULL)
		return md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	return 0;
}

/* setflag, addflag, removeflag of SP on the variable it names. */
static int
change_flag_var(struct runner *rn, const struct md_sieve_spec *sp)
{
	const char *name = sp->flagvar->s[0];
	char *set = NULL;
	int rc = -1;

	if (sp->id != MD_SV_SETFLAG && var_value(rn, name, &set) < 0)
		return -1;
	if (change_flags(rn, &set, sp->pos[0], sp->id == MD_SV_REMOVEFLAG) ==
	        0 &&
	    (rc = md_sieve_set(&rn->vars, name, set ? set : "", 0)) < 0)
		md_sieve_errf(rn->e,
		    errno == E2BIG ? MD_SIEVE_LIMIT : MD_SIEVE_SYSTEM, 0, 0,
		    "%s: %s", name,
		    errno == E2BIG ? "too many variables" : "out of memory");
	free(set);
	return rc;
}

/* The flags hasflag SP looks at: the internal variable's, else those of
 * the variables it names, into *OWN. */
static const char *
flags_tested(struct runner *rn, const struct md_sieve_spec *sp, char **own)
{
	*own = NULL;
	if (sp->flagvar == NULL)
		return rn->flags;
	for (size_t i = 0; i < sp->flagvar->n; i++) {
		char *v;
		int rc;

		if (var_value(rn, sp->flagvar->s[i], &v) < 0)
			return NULL;
		rc = change_words(own, v, 0);
		free(v);
		if (rc < 0) {
			md_sieve_errf(
			    rn->e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
			return NULL;
		}
	}
	return *own ? *own : "";
}

/* ---- actions ---- */

void
md_sieve_result_free(struct md_sieve_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->a[i].arg);
		free(r->a[i].flags);
	}
	for (size_t i = 0; i < r->n; i++)
		md_sieve_vacation_free(r->a[i].vac);
	free(r->a);
	free(r->track);
	memset(r, 0, sizeof(*r));
}

static int
is_inbox(const char *folder)
{
	return folder == NULL || strcasecmp(folder, "INBOX") == 0;
}

/* A folder without an "INBOX." prefix (any case): the same folder. */
static const char *
unprefixed(const char *folder)
{
	return strncasecmp(folder, "INBOX.", 6) == 0 ? folder + 6 : folder;
}

/* One address: the local part as written, the domain in any case. */
static int
same_address(const char *a, const char *b)
{
	const char *at = strrchr(a, '@'), *bt = strrchr(b, '@');
	size_t la = at ? (size_t)(at - a) : strlen(a);
	size_t lb = bt ? (size_t)(bt - b) : strlen(b);

	return la == lb && strncmp(a, b, la) == 0 && !at == !bt &&
	       (at == NULL || strcasecmp(at, bt) == 0);
}

/* Two actions that are one: the same folder (keep is INBOX), the same
 * address, a second discard. */
static int
same_action(const struct md_sieve_action *a, int kind, const char *arg)
{
	int store = kind == MD_ACT_KEEP || kind == MD_ACT_FILEINTO;

	if (store)
		return (a->kind == MD_ACT_KEEP || a->kind == MD_ACT_FILEINTO) &&
		       (is_inbox(a->arg) ? is_inbox(arg)
		                         : arg && strcmp(unprefixed(a->arg),
		                                      unprefixed(arg)) == 0);
	if (kind == MD_ACT_REDIRECT)
		return (int)a->kind == kind && same_address(a->arg, arg);
	if (kind == MD_ACT_VACATION) /* a second one: vacation_cmd says */
		return 0;
	return (int)a->kind == kind && kind == MD_ACT_DISCARD;
}

static const char *
act_name(int kind)
{
	static const char *const names[] = { "keep", "fileinto", "discard",
		"redirect", "reject", "ereject", "vacation" };

	return names[kind];
}

/* reject and ereject exclude delivering the message in any way. */
static int
conflicts(struct runner *rn, int kind, unsigned line)
{
	int rej = kind == MD_ACT_REJECT || kind == MD_ACT_EREJECT;

	for (size_t i = 0; i < rn->r->n; i++) {
		int k = rn->r->a[i].kind,
		    krej = k == MD_ACT_REJECT || k == MD_ACT_EREJECT;

		if (k != MD_ACT_DISCARD && kind != MD_ACT_DISCARD &&
		    (rej || krej))
			return md_sieve_errf(rn->e, MD_SIEVE_RUNTIME, line, 0,
			    "%s conflicts with an earlier %s", act_name(kind),
			    act_name(k));
	}
	return 0;
}

/* The flags of store A, which a store of KIND with FLAGS names: a store
 * named again takes the later one's flags (Pigeonhole's rule), but a keep
 * leaves those of a fileinto "INBOX". */
static int
store_flags(struct runner *rn, struct md_sieve_action *a, int again, int kind,
    const char *flags)
{
	if (again && kind == MD_ACT_KEEP && a->filed)
		return 0;
	if (again) {
		free(a->flags);
		a->flags = NULL;
	}
	a->filed |= kind == MD_ACT_FILEINTO;
	if (flags != NULL && change_words(&a->flags, flags, 0) < 0)
		return md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	return 0;
}

static int
add_action(struct runner *rn, int kind, const char *arg, const char *flags,
    unsigned line)
{
	struct md_sieve_result *r = rn->r;
	struct md_sieve_action *a;
	int stores = kind == MD_ACT_KEEP || kind == MD_ACT_FILEINTO;

	for (size_t i = 0; i < r->n; i++)
		if (same_action(&r->a[i], kind, arg))
			return stores
			           ? store_flags(rn, &r->a[i], 1, kind, flags)
			           : 0;
	if (conflicts(rn, kind, line) < 0)
		return -1;
	if (r->n >= MD_SIEVE_ACTIONS)
		return md_sieve_errf(rn->e, MD_SIEVE_LIMIT, line, 0,
		    "more than %d actions", MD_SIEVE_ACTIONS);
	if (kind == MD_ACT_REDIRECT && ++r->redirects > MD_SIEVE_REDIRECTS)
		return md_sieve_errf(rn->e, MD_SIEVE_LIMIT, line, 0,
		    "more than %d redirects", MD_SIEVE_REDIRECTS);
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;

		if ((a = reallocarray(r->a, cap, sizeof(*a))) == NULL)
			return md_sieve_errf(
			    rn->e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
		r->a = a;
		r->cap = cap;
	}
	a = &r->a[r->n];
	memset(a, 0, sizeof(*a));
	a->kind = kind == MD_ACT_FILEINTO && is_inbox(arg) ? MD_ACT_KEEP : kind;
	a->line = line;
	if (arg != NULL && a->kind != MD_ACT_KEEP &&
	    (a->arg = strdup(arg)) == NULL)
		return md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	r->n++;
	return stores ? store_flags(rn, a, 0, kind, flags) : 0;
}

/* ---- tests and commands ---- */

/* The size of a message whose caller left it to fstat(2). */
static int
message_size(struct runner *rn)
{
	struct stat st;

	if (fstat(rn->m->fd, &st) == -1)
		return md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0, 0,
		    "the message's size: %s", strerror(errno));
	rn->size = (uint64_t)st.st_size;
	return 0;
}

static int
test_hasflag(struct runner *rn, const struct md_sieve_spec *sp)
{
	char *own;
	const char *set = flags_tested(rn, sp, &own);
	int rc = 0;

	if (set == NULL && sp->flagvar != NULL)
		return -1;
	for (const char *p = set; p && *p && rc == 0;) {
		size_t n = strcspn(p, " ");
		char w[256];

		snprintf(w, sizeof(w), "%.*s", (int)n, p);
		rc = match_keys(rn, sp, sp->pos[0], w);
		p += n + (p[n] == ' ');
	}
	free(own);
	return rc;
}

static int
test(struct runner *rn, const struct md_sieve_node *t)
{
	const struct md_sieve_spec *sp = &t->spec;
	int rc;

	switch (sp->id) {
	case MD_SV_TRUE:
		return 1;
	case MD_SV_FALSE:
		return 0;
	case MD_SV_NOT:
		return (rc = test(rn, &t->tests[0])) < 0 ? rc : !rc;
	case MD_SV_ALLOF:
	case MD_SV_ANYOF:
		for (size_t i = 0; i < t->ntests; i++) {
			if ((rc = test(rn, &t->tests[i])) < 0)
				return rc;
			if (rc != (sp->id == MD_SV_ALLOF))
				return rc; /* short-circuit */
		}
		return sp->id == MD_SV_ALLOF;
	case MD_SV_EXISTS:
		return test_exists(rn, sp);
	case MD_SV_SIZE:
		if (rn->size == MD_SIEVE_SIZE_FSTAT && message_size(rn) < 0)
			return -1;
		return sp->over ? rn->size > sp->pos[0]->num
		                : rn->size < sp->pos[0]->num;
	case MD_SV_HEADER:
		return test_header(rn, sp, 0);
	case MD_SV_ADDRESS:
		return test_header(rn, sp, 1);
	case MD_SV_ENVELOPE:
		return test_envelope(rn, sp);
	case MD_SV_STRING:
		return test_string(rn, sp);
	case MD_SV_MAILBOXEXISTS:
		return test_mailboxes(rn, sp);
	case MD_SV_DATE:
	case MD_SV_CURRENTDATE:
		return test_date(rn, sp);
	case MD_SV_BODY:
		return test_body(rn, sp);
	case MD_SV_DUPLICATE:
		return test_duplicate(rn, sp);
	default: /* MD_SV_HASFLAG */
		return test_hasflag(rn, sp);
	}
}

static int run_block(struct runner *rn, const struct md_sieve_node *v, size_t n,
    const struct md_sieve_keep *k);

/* vacation (RFC 5230): once a run, its strings expanded, the rest of
 * it sieve-send.c's. */
static int
vacation_cmd(
    struct runner *rn, const struct md_sieve_node *c, const char *reason)
{
	const struct md_sieve_spec *sp = &c->spec;
	const char *s[3] = { NULL, NULL, NULL }, **addrs = NULL;
	const struct md_sieve_arg *const args[3] = { sp->x->subject,
		sp->x->vfrom, sp->x->handle };
	size_t naddrs = sp->x->addrs ? sp->x->addrs->n : 0;
	struct md_sieve_action *a;
	int rc = -1;

	for (size_t i = 0; i < rn->r->n; i++)
		if (rn->r->a[i].kind == MD_ACT_VACATION)
			return md_sieve_errf(rn->e, MD_SIEVE_RUNTIME, c->line,
			    0, "vacation twice in one run");
	for (size_t i = 0; i < 3; i++)
		if (args[i] && (s[i] = xs(rn, args[i]->s[0])) == NULL)
			return -1;
	if (naddrs && (addrs = calloc(naddrs, sizeof(*addrs))) == NULL)
		return md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	for (size_t i = 0; i < naddrs; i++)
		if ((addrs[i] = xs(rn, sp->x->addrs->s[i])) == NULL)
			goto out;
	if (add_action(rn, MD_ACT_VACATION, reason, NULL, c->line) < 0)
		goto out;
	a = &rn->r->a[rn->r->n - 1];
	if ((a->vac = md_sieve_vacation_new(
	         sp, s[0], s[1], s[2], addrs, naddrs)) == NULL)
		md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	else
		rc = 0;
out:
	free(addrs);
	return rc;
}

/* The flags a store takes: its :flags, else the internal variable. */
static int
store(
    struct runner *rn, const struct md_sieve_node *c, int kind, const char *arg)
{
	char *own = NULL;
	int rc;

	if (c->spec.flags != NULL &&
	    change_flags(rn, &own, c->spec.flags, 0) < 0)
		return -1;
	rc =
	    add_action(rn, kind, arg, c->spec.flags ? own : rn->flags, c->line);
	free(own);
	return rc;
}

/* include: the script C names run with variables of its own but the
 * global ones; its actions are this run's, its stop stops all, its
 * return comes back here. */
static int
run_include(struct runner *rn, const struct md_sieve_node *c)
{
	const struct md_sieve_script *was = rn->script, *inc;
	const char *wasfile = rn->file, *path;
	struct md_sieve_vars outer = rn->vars;
	int was_vars = rn->variables, rc;

	/* Not linked: an :optional script not there, or a script compiled
	 * without md_sieve_compile_dirs. */
	if ((inc = md_sieve_included(rn->top, c, &path)) == NULL)
		return (c->spec.x->incl & MD_INC_OPTIONAL)
		           ? 0 /* not there */
		           : md_sieve_errf(rn->e, MD_SIEVE_RUNTIME, c->line, 0,
		                 "include: '%s' was not read",
		                 c->spec.pos[0]->s[0]);
	if ((c->spec.x->incl & MD_INC_ONCE) && rn->ran[c->spec.x->unit - 1])
		return 0;
	rn->ran[c->spec.x->unit - 1] = 1;
	memset(&rn->vars, 0, sizeof(rn->vars));
	rc = md_sieve_globals_copy(was, &outer, &rn->globals) < 0 ||
	             md_sieve_globals_copy(inc, &rn->globals, &rn->vars) < 0
	         ? -2
	         : 0;
	rn->script = inc;
	rn->file = path;
	rn->variables = (inc->caps & MD_CAP_VARIABLES) != 0;
	if (rc == 0)
		rc = run_block(rn, inc->cmds, inc->ncmds, NULL);
	rn->returned = 0;
	if (rc == 0 && md_sieve_globals_copy(inc, &rn->vars, &rn->globals) < 0)
		rc = -2;
	md_sieve_vars_free(&rn->vars);
	rn->vars = outer;
	rn->script = was;
	rn->file = wasfile;
	rn->variables = was_vars;
	if (rc == 0 && md_sieve_globals_copy(was, &rn->globals, &rn->vars) < 0)
		rc = -2;
	if (rc == -2)
		return md_sieve_errf(rn->e,
		    errno == E2BIG ? MD_SIEVE_LIMIT : MD_SIEVE_SYSTEM, c->line,
		    0, "include: %s",
		    errno == E2BIG ? "too many variables" : "out of memory");
	return rc;
}

static int
command(struct runner *rn, const struct md_sieve_node *c)
{
	const struct md_sieve_spec *sp = &c->spec;
	const char *arg = sp->pos[0] ? sp->pos[0]->s[0] : NULL;

	if (arg != NULL && sp->pos[0]->kind == MD_ARG_STRINGS &&
	    sp->id != MD_SV_SET && (arg = xs(rn, arg)) == NULL)
		return -1;
	switch (sp->id) {
	case MD_SV_STOP:
		rn->stopped = 1;
		return 0;
	case MD_SV_KEEP:
		rn->keep = 0;
		return store(rn, c, MD_ACT_KEEP, NULL);
	case MD_SV_FILEINTO:
		rn->keep = rn->keep && sp->copy;
		return store(rn, c, MD_ACT_FILEINTO, arg);
	case MD_SV_REDIRECT:
		rn->keep = rn->keep && sp->copy;
		return add_action(rn, MD_ACT_REDIRECT, arg, NULL, c->line);
	case MD_SV_VACATION:
		return vacation_cmd(rn, c, arg);
	case MD_SV_DISCARD:
		rn->keep = 0;
		return add_action(rn, MD_ACT_DISCARD, NULL, NULL, c->line);
	case MD_SV_REJECT:
	case MD_SV_EREJECT:
		rn->keep = 0;
		return add_action(rn,
		    sp->id == MD_SV_REJECT ? MD_ACT_REJECT : MD_ACT_EREJECT,
		    arg, NULL, c->line);
	case MD_SV_SETFLAG:
		if (sp->flagvar != NULL)
			return change_flag_var(rn, sp);
		free(rn->flags);
		rn->flags = NULL;
		return change_flags(rn, &rn->flags, sp->pos[0], 0);
	case MD_SV_ADDFLAG:
	case MD_SV_REMOVEFLAG:
		if (sp->flagvar != NULL)
			return change_flag_var(rn, sp);
		return change_flags(
		    rn, &rn->flags, sp->pos[0], sp->id == MD_SV_REMOVEFLAG);
	case MD_SV_SET:
		if ((arg = xs(rn, sp->pos[1]->s[0])) == NULL)
			return -1;
		if (md_sieve_set(&rn->vars, sp->pos[0]->s[0], arg, sp->mods) <
		    0)
			return md_sieve_errf(rn->e,
			    errno == E2BIG ? MD_SIEVE_LIMIT : MD_SIEVE_SYSTEM,
			    c->line, 0, "set: %s",
			    errno == E2BIG ? "too many variables"
			                   : "out of memory");
		return 0;
	case MD_SV_INCLUDE:
		return run_include(rn, c);
	case MD_SV_RETURN:
		rn->returned = 1;
		return 0;
	default: /* require, global: done by the check */
		return 0;
	}
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Checked before each command and test: no script runs for ever. */
static int
in_time(struct runner *rn, const struct md_sieve_node *c)
{
	/* The clock every 64 steps: one step cannot take long, and the
	 * clock cost a long script more than its header tests. The first
	 * step starts the run's own time, when the caller set none. */
	if ((rn->ticks++ & 63) != 0)
		return 0;
	if (rn->deadline == 0)
		rn->deadline = now_ns() + MD_SIEVE_SECONDS * 1000000000LL;
	else if (now_ns() > rn->deadline)
		return md_sieve_errf(rn->e, MD_SIEVE_LIMIT, c->line, 0,
		    "ran longer than %d seconds", MD_SIEVE_SECONDS);
	return 0;
}

/* An error of the command or test C: its line where it has none. */
static int
failed(struct runner *rn, const struct md_sieve_node *c)
{
	if (rn->e != NULL && rn->e->line == 0)
		rn->e->line = c->line;
	if (rn->e != NULL && rn->e->file[0] == '\0' && rn->file != NULL)
		strlcpy(rn->e->file, rn->file, sizeof(rn->e->file));
	return -1;
}

/* ---- the rules md_sieve_keep holds ---- */

/* A command of the script run first, as run_block reads it: its id, and
 * when it is an if or elsif whose test is a plain header or address
 * test (no :index, :count, :value or :regex, no variables in the script,
 * a comparator of those two), that test: its NAMES (the script's own
 * strings, that find the values kept by their address) and KEYS (copied),
 * read here instead of in the nodes. */
struct md_sieve_rule {
	const struct md_sieve_node *c;
	unsigned char id, plain, address, match, cmp, part;
	size_t names, nnames, keys, nkeys; /* from these of K's */
};

/* Is the test T one a rule can hold? */
static int
plain_test(const struct md_sieve_node *t)
{
	const struct md_sieve_spec *sp = &t->spec;

	return (sp->id == MD_SV_HEADER || sp->id == MD_SV_ADDRESS) &&
	       sp->index == 0 &&
	       (sp->match == MD_MATCH_IS || sp->match == MD_MATCH_CONTAINS ||
	           sp->match == MD_MATCH_MATCHES) &&
	       (sp->comparator == MD_CMP_CASEMAP ||
	           sp->comparator == MD_CMP_OCTET);
}

/* The test of C, when a rule can hold it; else NULL. */
static const struct md_sieve_node *
plain(const struct md_sieve_node *c)
{
	if (c->spec.id != MD_SV_IF && c->spec.id != MD_SV_ELSIF)
		return NULL;
	return plain_test(&c->tests[0]) ? &c->tests[0] : NULL;
}

/* K's rules freed: none, made for no script. */
static void
forget_rules(struct md_sieve_keep *k)
{
	free(k->rules);
	free(k->keys);
	free(k->kbytes);
	free(k->names);
	free(k->slot);
	free(k->slots);
	free(k->text);
	k->kbytes = NULL;
	k->script = NULL;
	k->rules = NULL;
	k->keys = k->names = NULL;
	k->slot = NULL;
	k->slots = NULL;
	k->text = NULL;
	k->nrules = 0;
}

void
md_sieve_keep_free(struct md_sieve_keep *k)
{
	md_sieve_fields_free(&k->fields);
	forget_rules(k);
}

/* The name NAME of a rule, tested raw (ADDRESS) or decoded, as K's
 * name AT: its slot that of the same name before it, tested the same
 * way, or its own. (K's names before AT have theirs.) */
static void
add_name(struct md_sieve_keep *k, size_t at, const char *name, int address)
{
	size_t i = 0;

	for (; i < at; i++)
		if (strcasecmp(k->names[i], name) == 0 &&
		    (k->slot[i] & 1) == (size_t)address)
			break;
	k->names[at] = name;
	/* the slot's number times two, its kind in the low bit */
	k->slot[at] = i < at ? k->slot[i] : 2 * at + (size_t)address;
}

/* The bytes (md_sieve_bytes) made small that a value made small must
 * have for R to hold with the key KEY of N bytes: those of the key for
 * :is and :contains, of its text for a :matches "*text*"; none (M zero,
 * which rules out nothing) for the other comparator and patterns. */
static void
key_bytes(
    const struct md_sieve_rule *r, const char *key, size_t n, uint64_t m[2])
{
	char low[256];

	m[0] = m[1] = 0;
	if (r->cmp != MD_CMP_CASEMAP || n >= sizeof(low))
		return;
	if (r->match == MD_MATCH_MATCHES) {
		if (n < 2 || key[0] != '*' || key[n - 1] != '*' ||
		    strcspn(key + 1, "*?\\") != n - 2)
			return;
		key++;
		n -= 2;
	}
	md_sieve_lower(low, key, n);
	md_sieve_bytes(low, n, m);
}

/* K's rules for S: made once (their keys counted, then copied). None for
 * a script with variables, whose strings change from run to run.
 * -1/ENOMEM. */
static int
make_rules(struct md_sieve_keep *k, const struct md_sieve_script *s)
{
	size_t nnames = 0, nkeys = 0, len = 0, at = 0, used = 0, nat = 0;

	forget_rules(k);
	k->script = s;
	if (s->caps & MD_CAP_VARIABLES)
		return 0;
	for (size_t i = 0; i < s->ncmds; i++) {
		const struct md_sieve_node *t = plain(&s->cmds[i]);

		for (size_t j = 0; t && j < t->spec.pos[1]->n; j++) {
			nkeys++;
			len += t->spec.pos[1]->len[j] + 1;
		}
		nnames += t ? t->spec.pos[0]->n : 0;
	}
	k->rules = calloc(s->ncmds ? s->ncmds : 1, sizeof(*k->rules));
	k->keys = calloc(nkeys ? nkeys : 1, sizeof(*k->keys));
	k->kbytes = calloc(nkeys ? nkeys : 1, sizeof(*k->kbytes));
	k->names = calloc(nnames ? nnames : 1, sizeof(*k->names));
	k->slot = calloc(nnames ? nnames : 1, sizeof(*k->slot));
	k->slots = calloc(nnames ? nnames : 1, sizeof(*k->slots));
	k->text = malloc(len ? len : 1);
	if (k->rules == NULL || k->keys == NULL || k->kbytes == NULL ||
	    k->names == NULL || k->slot == NULL || k->slots == NULL ||
	    k->text == NULL) {
		forget_rules(k);
		return -1;
	}
	for (size_t i = 0; i < s->ncmds; i++) {
		struct md_sieve_rule *r = &k->rules[i];
		const struct md_sieve_node *t = plain(&s->cmds[i]);
		const struct md_sieve_arg *keys;

		r->c = &s->cmds[i];
		r->id = r->c->spec.id;
		if (t == NULL)
			continue;
		keys = t->spec.pos[1];
		r->plain = 1;
		r->address = t->spec.id == MD_SV_ADDRESS;
		r->match = t->spec.match;
		r->cmp = t->spec.comparator;
		r->part = t->spec.part;
		r->names = nat;
		r->nnames = t->spec.pos[0]->n;
		for (size_t j = 0; j < r->nnames; j++)
			add_name(k, nat++, t->spec.pos[0]->s[j], r->address);
		r->keys = at;
		r->nkeys = keys->n;
		for (size_t j = 0; j < keys->n; j++) {
			key_bytes(r, keys->s[j], keys->len[j], k->kbytes[at]);
			k->keys[at++] = k->text + used;
			memcpy(k->text + used, keys->s[j], keys->len[j] + 1);
			used += keys->len[j] + 1;
		}
	}
	k->nrules = s->ncmds;
	return 0;
}

/* V (LV made small, or NULL; VB the bytes of LV) against the keys of
 * R, as match() does without variables. */
static inline __attribute__((always_inline)) int
rule_match(const struct md_sieve_keep *k, const struct md_sieve_rule *r,
    const char *v, const char *lv, const uint64_t *vb)
{
	for (size_t i = 0; i < r->nkeys; i++) {
		const char *key = k->keys[r->keys + i];
		const uint64_t *kb = k->kbytes[r->keys + i];
		int rc;

		/* a byte of the key that the value has not: no match */
		if (vb != NULL && ((kb[0] & ~vb[0]) | (kb[1] & ~vb[1])) != 0)
			continue;
		switch (r->match) {
		case MD_MATCH_IS:
			rc = md_sieve_order(v, key, r->cmp) == 0;
			break;
		case MD_MATCH_CONTAINS:
			rc = lv ? md_sieve_contains_low(v, lv, key, r->cmp)
			        : md_sieve_contains(v, key, r->cmp);
			break;
		default: /* MD_MATCH_MATCHES */
			rc = lv ? md_sieve_glob_low(key, v, lv, r->cmp)
			        : md_sieve_glob(key, v, r->cmp);
		}
		if (rc)
			return 1;
	}
	return 0;
}

/* The addresses of the value V (its addresses A) by R's part against
 * R's keys, as visit_addrs does. Apart from rule_test: only an address
 * rule pays for BUF. */
static __attribute__((noinline)) int
rule_addrs(const struct md_sieve_keep *k, const struct md_sieve_rule *r,
    const char *v, const struct md_sieve_addrs *a)
{
	char buf[1024];
	const char *part;

	for (size_t x = 0; x < a->n; x++) {
		/* every part is of the address's bytes, but :all quoting
		 * it: no part to make when every key has a byte it has not */
		const uint64_t *vb = r->part != MD_PART_ALL || a->i[x].dot
		                         ? a->i[x].bytes
		                         : NULL;
		size_t i = 0;

		while (vb != NULL && i < r->nkeys &&
		       ((k->kbytes[r->keys + i][0] & ~vb[0]) |
		           (k->kbytes[r->keys + i][1] & ~vb[1])) != 0)
			i++;
		if (i == r->nkeys)
			continue;
		if ((part = addr_part(a->buf + a->i[x].off, &a->i[x], r->part,
		         buf, sizeof(buf))) &&
		    rule_match(k, r, part, NULL, vb))
			return 1;
	}
	/* a value with no address: compared whole by :all */
	return a->n == 0 && *v != '\0' && r->part == MD_PART_ALL &&
	       rule_match(k, r, v, NULL, NULL);
}

/* The test of R, as test_header does it. */
static int
rule_test(struct runner *rn, const struct md_sieve_keep *k,
    const struct md_sieve_rule *r)
{
	const struct md_sieve_field *f;

	for (size_t i = 0; i < r->nnames; i++) {
		struct md_sieve_slot *sl = &k->slots[k->slot[r->names + i] / 2];

		/* where that name's values were, while they still are */
		if (sl->gen == 0 || rn->fields->e[sl->e].gen != sl->gen) {
			if (md_sieve_fields_get(rn->fields, rn->m->h,
			        r->address ? NULL : rn->m->d,
			        k->names[r->names + i], 1, &f) < 0)
				return md_sieve_errf(rn->e, MD_SIEVE_SYSTEM, 0,
				    0, "out of memory");
			sl->e = (size_t)(f - rn->fields->e);
			sl->gen = f->gen;
			/* values made small for the many keys to come */
			md_sieve_field_lower(&rn->fields->e[sl->e]);
		}
		f = &rn->fields->e[sl->e];
		for (size_t j = 0; j < f->n; j++)
			if (r->address ? rule_addrs(k, r, f->v[j], &f->a[j])
			               : rule_match(k, r, f->v[j], f->lv[j],
			                     f->lv[j] ? f->bytes[j] : NULL))
				return 1;
	}
	return 0;
}

/* if, elsif, else: the first whose test holds runs its block. The
 * commands V, N of them, or K's rules when K is not NULL. */
static int
run_block(struct runner *rn, const struct md_sieve_node *v, size_t n,
    const struct md_sieve_keep *k)
{
	int taken = 0, rc;

	if (k != NULL)
		n = k->nrules;
	for (size_t i = 0; i < n && !rn->stopped && !rn->returned; i++) {
		const struct md_sieve_rule *r = k ? &k->rules[i] : NULL;
		const struct md_sieve_node *c = r ? r->c : &v[i];
		int id = r ? r->id : c->spec.id;

		if (in_time(rn, c) < 0)
			return -1;
		switch (id) {
		case MD_SV_IF:
			taken = 0;
			/* FALLTHROUGH */
		case MD_SV_ELSIF:
			if (taken)
				continue;
			rc = r && r->plain ? rule_test(rn, k, r)
			                   : test(rn, &c->tests[0]);
			if (rn->vars.narena > 0)
				md_sieve_vars_reset(&rn->vars);
			if (rc < 0)
				return failed(rn, c);
			if (!(taken = rc))
				continue;
			/* FALLTHROUGH */
		case MD_SV_ELSE:
			if (id == MD_SV_ELSE && taken)
				continue;
			taken = 1;
			if (run_block(rn, c->block, c->nblock, NULL) < 0)
				return -1;
			continue;
		default:
			rc = command(rn, c);
			if (rn->vars.narena > 0)
				md_sieve_vars_reset(&rn->vars);
			if (rc < 0)
				return failed(rn, c);
		}
	}
	return 0;
}

int
md_sieve_run(const struct md_sieve_script *s, const struct md_sieve_msg *m,
    struct md_sieve_result *r, struct md_sieve_err *e)
{
	/* on the stack: a calloc(3) of it had malloc put its small free
	 * chunks together again at each message */
	struct runner run = { 0 }, *rn = &run;
	struct md_sieve_keep *k = m->keep;
	int rc;

	if (k != NULL && k->script != s && make_rules(k, s) < 0)
		return md_sieve_errf(e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	rn->m = m;
	rn->r = r;
	rn->e = e;
	rn->keep = 1;
	rn->variables = (s->caps & MD_CAP_VARIABLES) != 0;
	rn->deadline = m->deadline; /* 0: set by the first step */
	rn->size = m->size;
	rn->now = m->now ? m->now : (int64_t)time(NULL);
	rn->top = rn->script = s;
	if ((rn->fields = k ? &k->fields : NULL) == NULL &&
	    (rn->fields = rn->own = calloc(1, sizeof(*rn->own))) == NULL)
		return md_sieve_errf(e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	md_sieve_fields_reset(rn->fields);
	rc = run_block(rn, s->cmds, s->ncmds, k && k->rules ? k : NULL);
	if (rc == 0 && rn->keep) {
		rc = add_action(rn, MD_ACT_KEEP, NULL, rn->flags, 0);
		if (rc == 0 && r->a[r->n - 1].kind == MD_ACT_KEEP &&
		    r->a[r->n - 1].line == 0)
			r->a[r->n - 1].implicit = 1;
	}
	free(rn->flags);
	md_sieve_body_free(&rn->body);
	if (rn->own != NULL)
		md_sieve_fields_free(rn->own);
	free(rn->own);
	md_sieve_vars_free(&rn->vars);
	md_sieve_vars_free(&rn->globals);
	return rc;
}

int
md_sieve_flags(const char *words, const char *dir, struct md_flags *f)
{
	static const struct {
		const char *name;
		char letter;
	} sys[] = { { "\\Seen", 'S' }, { "\\Answered", 'R' },
		{ "\\Flagged", 'F' }, { "\\Deleted", 'T' },
		{ "\\Draft", 'D' } };
	struct md_keywords kw;
	int n = 0, have_kw = dir != NULL && md_keywords_read(dir, &kw) == 0;

	md_flags_zero(f);
	for (const char *p = words; *p;) {
		size_t k = strcspn(p, " "), i = 0;
		char w[256];
		int c = -1;

		snprintf(w, sizeof(w), "%.*s", (int)k, p);
		p += k + (p[k] == ' ');
		while (i < sizeof(sys) / sizeof(sys[0]) &&
		       strcasecmp(w, sys[i].name) != 0)
			i++;
		if (i < sizeof(sys) / sizeof(sys[0]))
			c = sys[i].letter;
		else if (have_kw && w[0] != '\\')
			c = md_keywords_find(&kw, w);
		if (c > 0 && !md_flags_has(f, (unsigned char)c)) {
			md_flags_set(f, (unsigned char)c, 1);
			n++;
		}
	}
	if (have_kw)
		md_keywords_free(&kw);
	return n;
}
