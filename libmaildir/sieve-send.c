/*
 * sieve-send.c: the Sieve extensions with effects outside the maildir,
 * decided here and carried out by md-deliver: duplicate (RFC 7352, its
 * records in sieve-state.c), vacation (RFC 5230 and 6131: whether to
 * answer, as RFC 3834 and Pigeonhole decide, and the answer itself).
 * Nothing is sent or recorded here.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static int
add_track(struct md_sieve_result *r, const char *name, uint64_t secs, int renew)
{
	struct md_sieve_track *t;

	for (size_t i = 0; i < r->ntrack; i++)
		if (strcmp(r->track[i].name, name) == 0)
			return 0; /* the first test of an id decides */
	if ((t = reallocarray(r->track, r->ntrack + 1, sizeof(*t))) == NULL)
		return -1;
	r->track = t;
	t = &r->track[r->ntrack++];
	strlcpy(t->name, name, sizeof(t->name));
	t->secs = secs;
	t->renew = renew;
	return 0;
}

int
md_sieve_duplicate(const struct md_sieve_msg *m, const struct md_sieve_spec *sp,
    const char *handle, const char *id, struct md_sieve_result *r,
    struct md_sieve_err *e)
{
	uint64_t secs = sp->x->has_secs ? sp->x->secs : MD_DUPLICATE_SECS;
	char value[MD_SIEVE_VALUE], name[256];
	time_t now = m->now ? (time_t)m->now : time(NULL);
	int seen = 0;

	if (sp->x->uniqueid)
		strlcpy(value, id, sizeof(value));
	else if (md_header_field(m->h, id ? id : "message-id", 0, value,
	             sizeof(value)) < 0 ||
	         value[0] == '\0')
		return 0; /* nothing to tell it by: no duplicate */
	if (secs > MD_DUPLICATE_MAX)
		secs = MD_DUPLICATE_MAX;
	if (md_sieve_state_name(
	        'd', handle ? handle : "", value, name, sizeof(name)) == -1)
		return md_sieve_errf(
		    e, MD_SIEVE_SYSTEM, 0, 0, "duplicate: %s", strerror(errno));
	if (m->state != NULL &&
	    (seen = md_sieve_state_seen(m->state, name, now)) == -1)
		return md_sieve_errf(e, MD_SIEVE_RUNTIME, 0, 0,
		    "duplicate: reading %s: %s", MD_SIEVE_STATE_DIR,
		    strerror(errno));
	if ((!seen || sp->x->dlast) && add_track(r, name, secs, seen) == -1)
		return md_sieve_errf(e, MD_SIEVE_SYSTEM, 0, 0, "no memory");
	return seen;
}

/* ---- vacation ---- */

void
md_sieve_vacation_free(struct md_sieve_vacation *v)
{
	if (v == NULL)
		return;
	free(v->subject);
	free(v->from);
	free(v->handle);
	for (size_t i = 0; i < v->naddrs; i++)
		free(v->addrs[i]);
	free(v->addrs);
	free(v);
}

/* S (NULL stays NULL) as a header value: no line breaks, no controls. */
static int
dup_value(char **out, const char *s)
{
	if (s == NULL)
		return 0;
	if ((*out = strdup(s)) == NULL)
		return -1;
	for (char *p = *out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return 0;
}

struct md_sieve_vacation *
md_sieve_vacation_new(const struct md_sieve_spec *sp, const char *subject,
    const char *from, const char *handle, const char *const *addrs,
    size_t naddrs)
{
	struct md_sieve_vacation *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	v->mime = sp->x->mime;
	v->secs = sp->x->has_secs ? sp->x->secs : MD_VACATION_SECS;
	if (v->secs < MD_VACATION_MIN)
		v->secs = MD_VACATION_MIN;
	if (v->secs > MD_VACATION_MAX)
		v->secs = MD_VACATION_MAX;
	if (dup_value(&v->subject, subject) == -1 ||
	    dup_value(&v->from, from) == -1 ||
	    dup_value(&v->handle, handle) == -1 ||
	    (naddrs > 0 &&
	        (v->addrs = calloc(naddrs, sizeof(*v->addrs))) == NULL))
		goto fail;
	for (; v->naddrs < naddrs; v->naddrs++)
		if (dup_value(&v->addrs[v->naddrs], addrs[v->naddrs]) == -1)
			goto fail;
	return v;
fail:
	md_sieve_vacation_free(v);
	return NULL;
}

/* The address in S ("a@b", "<a@b>", "Name <a@b>") into OUT; 0 if none. */
static int
bare(const char *s, char *out, size_t size)
{
	const char *p = s;

	return s != NULL && md_addr_next(&p, out, size) == 1;
}

/* Is the local part of ADDR one of a system's or a list's (RFC 5230
 * 4.6, and the names Pigeonhole adds)? */
static int
system_address(const char *addr)
{
	static const char *const names[] = { "mailer-daemon", "listserv",
		"majordomo" };
	const char *at = strrchr(addr, '@');
	size_t n = at ? (size_t)(at - addr) : strlen(addr);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n == strlen(names[i]) &&
		    strncasecmp(addr, names[i], n) == 0)
			return 1;
	return strncasecmp(addr, "owner-", 6) == 0 ||
	       (n >= 8 && strncasecmp(addr + n - 8, "-request", 8) == 0);
}

/* Is ADDR the recipient's own: RECIPIENT or one of V's :addresses? */
static int
own_address(
    const char *addr, const char *recipient, const struct md_sieve_vacation *v)
{
	char a[1024];

	if (bare(recipient, a, sizeof(a)) && strcasecmp(a, addr) == 0)
		return 1;
	for (size_t i = 0; i < v->naddrs; i++)
		if (bare(v->addrs[i], a, sizeof(a)) && strcasecmp(a, addr) == 0)
			return 1;
	return 0;
}

/* Does a field of H, one of NAMES, hold the word WORD (or, with WORD
 * NULL, is there one at all)? Words end at blanks, commas, ';'. */
static int
has_word(const struct md_header *h, const char *const *names, size_t n,
    const char *const *words, size_t nw)
{
	char v[1024], *save;

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0;
		     md_header_field(h, names[i], k, v, sizeof(v)) >= 0; k++) {
			if (nw == 0)
				return 1;
			for (char *w = strtok_r(v, " \t,;", &save); w;
			     w = strtok_r(NULL, " \t,;", &save))
				for (size_t j = 0; j < nw; j++)
					if (strcasecmp(w, words[j]) == 0)
						return 1;
		}
	return 0;
}

/* Was the message sent to the recipient by name (RFC 5230 4.5)? */
static int
addressed(const struct md_header *h, const char *recipient,
    const struct md_sieve_vacation *v)
{
	static const char *const fields[] = { "to", "cc", "bcc", "resent-to",
		"resent-cc", "resent-bcc" };
	char value[MD_SIEVE_VALUE], a[1024];

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		for (size_t k = 0; md_header_field(h, fields[i], k, value,
		                       sizeof(value)) >= 0;
		     k++)
			for (const char *p = value;;) {
				int rc = md_addr_next(&p, a, sizeof(a));

				if (rc == 0)
					break;
				if (rc == 1 && own_address(a, recipient, v))
					return 1;
			}
	return 0;
}

const char *
md_sieve_vacation_refusal(const struct md_header *h, const char *sender,
    const char *recipient, const struct md_sieve_vacation *v)
{
	static const char *const lists[] = { "list-id", "list-post",
		"list-help", "list-subscribe", "list-unsubscribe", "list-owner",
		"list-archive" };
	static const char *const prec[] = { "precedence" }, *const bulk[] = {
		"bulk", "list", "junk"
	};
	static const char *const xars[] = { "x-auto-response-suppress" },
	                         *const oof[] = { "oof", "all" };
	char s[1024], auto_sub[256];

	if (sender == NULL || !bare(sender, s, sizeof(s)))
		return "no sender to answer (a null or no envelope sender)";
	if (system_address(s))
		return "the sender is a system's or a list's address";
	if (own_address(s, recipient, v))
		return "the sender is the recipient";
	if (md_header_field(
	        h, "auto-submitted", 0, auto_sub, sizeof(auto_sub)) >= 0 &&
	    strncasecmp(auto_sub, "no", 2) != 0)
		return "the message is Auto-Submitted";
	if (has_word(h, lists, sizeof(lists) / sizeof(lists[0]), NULL, 0))
		return "the message came from a mailing list";
	if (has_word(h, prec, 1, bulk, 3))
		return "the message has Precedence bulk, list or junk";
	if (has_word(h, xars, 1, oof, 2))
		return "the message has X-Auto-Response-Suppress";
	if (!addressed(h, recipient, v))
		return "the recipient is not in To, Cc or Bcc";
	return NULL;
}

int
md_sieve_vacation_record(const struct md_sieve_vacation *v, const char *reason,
    const char *sender, char *out, size_t size)
{
	char s[1024], *handle;
	int rc;

	if (!bare(sender, s, sizeof(s)))
		strlcpy(s, sender ? sender : "", sizeof(s));
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (v->handle != NULL)
		return md_sieve_state_name('v', v->handle, s, out, size);
	/* No :handle: the same text from the same parameters is one reply
	 * (RFC 5230 4.2). */
	if (asprintf(&handle, "%s\n%s\n%s\n%d", reason,
	        v->subject ? v->subject : "", v->from ? v->from : "",
	        v->mime) == -1)
		return -1;
	rc = md_sieve_state_name('v', handle, s, out, size);
	free(handle);
	return rc;
}

/* ---- the reply ---- */

struct buf {
	char *p;
	size_t n;
	FILE *f;
};

/* S as a header value: as it is when ASCII, else one RFC 2047 encoded
 * word a line (base64, UTF-8). */
static void
put_text(FILE *f, const char *s)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	int ascii = 1;

	for (size_t k = 0; k < n; k++)
		ascii &= u[k] < 0x80;
	if (ascii) {
		fputs(s, f);
		return;
	}
	while (i < n) {
		size_t k = n - i > 45 ? 45 : n - i; /* 60 base64 bytes */

		/* Whole UTF-8 characters in each word. */
		while (i + k < n && k > 1 && (u[i + k] & 0xc0) == 0x80)
			k--;
		fprintf(f, "%s=?utf-8?b?", i > 0 ? "\n " : "");
		for (size_t j = 0; j < k; j += 3) {
			unsigned v =
			    (unsigned)u[i + j] << 16 |
			    (j + 1 < k ? (unsigned)u[i + j + 1] << 8 : 0) |
			    (j + 2 < k ? u[i + j + 2] : 0);

			fputc(b64[v >> 18 & 63], f);
			fputc(b64[v >> 12 & 63], f);
			fputc(j + 1 < k ? b64[v >> 6 & 63] : '=', f);
			fputc(j + 2 < k ? b64[v & 63] : '=', f);
		}
		fputs("?=", f);
		i += k;
	}
}

/* A line of the reply's header: NAME: VALUE, if there is one. */
static void
put_field(FILE *f, const char *name, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	fprintf(f, "%s: ", name);
	put_text(f, value);
	fputc('\n', f);
}

char *
md_sieve_vacation_reply(const struct md_sieve_vacation *v, const char *reason,
    const struct md_header *h, const char *sender, const char *recipient,
    time_t now)
{
	char subj[MD_SIEVE_VALUE], raw[1024], id[1024], refs[MD_SIEVE_VALUE];
	char date[64];
	char host[256] = "localhost", to[1024];
	struct buf b = { NULL, 0, NULL };
	struct tm tm;

	if ((b.f = open_memstream(&b.p, &b.n)) == NULL)
		return NULL;
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	if (!bare(sender, to, sizeof(to)))
		strlcpy(to, sender ? sender : "", sizeof(to));
	if (v->from != NULL)
		put_field(b.f, "From", v->from);
	else if (recipient != NULL)
		fprintf(b.f, "From: <%s>\n", recipient);
	fprintf(b.f, "To: <%s>\n", to);
	if (v->subject != NULL)
		put_field(b.f, "Subject", v->subject);
	else {
		if (md_header_field(h, "subject", 0, subj, sizeof(subj)) < 0)
			subj[0] = '\0';
		fprintf(b.f, "Subject: Auto: %s\n", subj); /* RFC 5230 4.3 */
	}
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	fprintf(b.f, "Date: %s\n", date);
	fprintf(b.f, "Message-ID: <mdkit-vacation.%lld.%ld.%08x@%s>\n",
	    (long long)now, (long)getpid(), arc4random(), host);
	if (md_header_field(h, "message-id", 0, raw, sizeof(raw)) >= 0 &&
	    md_msgids(raw, id, sizeof(id)) > 0) {
		*strchrnul(id, ' ') = '\0';
		fprintf(b.f, "In-Reply-To: <%s>\n", id);
		if (md_header_field(h, "references", 0, refs, sizeof(refs)) < 0)
			refs[0] = '\0';
		fprintf(
		    b.f, "References: %s%s<%s>\n", refs, *refs ? " " : "", id);
	}
	fputs("Auto-Submitted: auto-replied (vacation)\n"
	      "Precedence: bulk\n"
	      "X-Auto-Response-Suppress: All\n"
	      "MIME-Version: 1.0\n",
	    b.f);
	/* :mime: the reason is a MIME entity, its own header first. */
	if (!v->mime)
		fputs("Content-Type: text/plain; charset=utf-8\n"
		      "Content-Transfer-Encoding: 8bit\n\n",
		    b.f);
	fputs(reason, b.f);
	if (*reason && reason[strlen(reason) - 1] != '\n')
		fputc('\n', b.f);
	if (fclose(b.f) != 0) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
