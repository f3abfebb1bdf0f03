/*
 * mkheaders: a big maildir of messages with realistic, varied headers,
 * for the header benchmarks (md-list --format, md-index).
 *
 *	mkheaders [-s] [-d distinct] -n NEW -c CUR MAILDIR
 *
 * Makes MAILDIR with tmp/, new/ and cur/ (MAILDIR must not exist yet),
 * then NEW messages in new/ and CUR in cur/, named the way a delivery
 * names them (",S=" the file's size; in cur/ flags as mkmaildir gives
 * them: about half seen, some replied to, flagged, ...).
 *
 * Each header is what mail from the wild looks like: two to four
 * Received: lines, often Authentication-Results: and a DKIM-Signature:,
 * on some an ARC set (which pushes Subject: past the first 4 KiB), then
 * Date: in several common forms, From: with a display name (plain,
 * quoted, a comment, or RFC 2047 in UTF-8 or ISO-8859-1, B or Q), To:,
 * Cc: on some, Subject: (plain, encoded, long and folded, a few with
 * undeclared 8-bit bytes), Message-ID:, In-Reply-To: and References:
 * on replies, List-Id: and its friends on list mail, MIME fields. The
 * body is 1 to 6 KiB of text.
 *
 * The messages are hard links to DISTINCT files (default 4000), message
 * I to file I % DISTINCT: on this machine's ext4 a run that creates
 * 100,000 inodes soon after many were deleted takes most of a minute
 * (see mkmaildir.c); 4,000 and 96,000 links take about 3 s in all. A
 * listing or an index reads each link as a file of its own; only the
 * page cache is smaller. -d set to NEW + CUR gives every message its own
 * inode. A file's mtime is its Date:.
 *
 * -s prints one line on stdout: header sizes (least, median, largest,
 * how many over 4 KiB) and the share of each kind of header.
 *
 * The same arguments make the same maildir: a fixed seed, no clock.
 */
#include <err.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"

#define DATE_BASE 1700000000LL /* Date: fields */
#define MSG_MAX (64 * 1024)

/* splitmix64: a seed per file from its number. */
static uint64_t
seed(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31)) | 1;
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(gen_next() % n);
}

struct person {
	const char *name; /* UTF-8 */
	const char *addr;
};

static const struct person people[] = {
	{ "Alice Cooper", "alice@example.com" },
	{ "Bob Miller", "bob.miller@example.net" },
	{ "Carol Danvers", "carol@mail.example.org" },
	{ "Dave Null", "dnull@devnull.example" },
	{ "Erin O'Brien", "erin@example.ie" },
	{ "Frank Zappa", "frank@music.example" },
	{ "Grace Hopper", "grace@navy.example.mil" },
	{ "Heidi Klum", "heidi@example.de" },
	{ "Ivan Drago", "ivan@example.ru" },
	{ "Judy Hops", "judy@zoo.example" },
	{ "Mallory Badguy", "mallory@evil.example" },
	{ "Oscar Grouch", "oscar@trash.example" },
	{ "Peggy Olson", "peggy@sterling.example" },
	{ "Trent Reznor", "trent@example.com" },
	{ "Victor Frankenstein", "victor@lab.example.ch" },
	{ "Walter White", "heisenberg@example.com" },
	{ "Jürgen Müller", "juergen.mueller@example.de" },
	{ "François Lefèvre", "f.lefevre@example.fr" },
	{ "José García", "jgarcia@example.es" },
	{ "Søren Kierkegård", "soren@example.dk" },
	{ "Åsa Öberg", "asa.oberg@example.se" },
	{ "Zoë Brontë", "zoe@example.co.uk" },
	{ "Inês Conceição", "ines@example.pt" },
	{ "Renée Côté", "renee.cote@example.ca" },
	{ "Ólafur Þórsson", "olafur@example.is" },
	{ "Björn Ångström", "bjorn@example.fi" },
	{ "Иван Петров", "ivan.petrov@example.ru" },
	{ "山田 太郎", "yamada@example.jp" },
	{ "Αλέξανδρος Παπαδόπουλος", "alex@example.gr" },
	{ "김민준", "minjun.kim@example.kr" },
	{ "Đặng Thị Hương", "huong@example.vn" },
	{ "Łukasz Żółkiewski", "lukasz@example.pl" },
	{ "Sam 🚀 Rivera", "sam@rocket.example" },
	{ "王小明", "xiaoming@example.cn" },
};
#define NPEOPLE (sizeof(people) / sizeof(people[0]))

static const char *const subjects[] = {
	"Quarterly figures",
	"Meeting notes for Tuesday",
	"Build failure on arm64 since last night",
	"Invoice 2024-0117",
	"Your order has shipped",
	"Lunch?",
	"[PATCH v3 2/7] scan: read directories with getdents64",
	"Re-scheduling the design review",
	"Minutes of the board meeting held on the 14th, with the action "
	"items we agreed on and the open questions for next time",
	"Weekly status",
	"Security advisory: update your packages",
	"Question about the API",
	"Holiday schedule",
	"Fwd: contract draft",
	"Rückmeldung zum Entwurf",
	"Réunion de l'équipe à 14h",
	"Año nuevo, presupuesto nuevo",
	"Grüße aus Köln",
	"Reçu de paiement n° 4471",
	"Встреча в пятницу",
	"会議の議事録（3月）",
	"Σύσκεψη την Τρίτη",
	"Đề xuất dự án mới",
	"Party 🎉 on Friday",
	"Żółta łódź — zaproszenie",
	"回复：关于下周的安排",
	"Kaffee ☕ und Kuchen",
};
#define NSUBJECTS (sizeof(subjects) / sizeof(subjects[0]))

static const struct list {
	const char *tag, *name, *id;
} lists[] = {
	{ "dev", "Developers' list", "dev.lists.example.org" },
	{ "announce", "Announcements", "announce.example.com" },
	{ "users", "Users helping users", "users.lists.example.org" },
	{ "bugs", "Bug reports", "bugs.example.net" },
	{ "café", "Café des amis", "cafe.example.fr" },
};
#define NLISTS (sizeof(lists) / sizeof(lists[0]))

static const char *const words[] = { "the", "of", "and", "a", "to", "in", "is",
	"you", "that", "it", "he", "was", "for", "on", "are", "as", "with",
	"his", "they", "I", "at", "be", "this", "have", "from", "or", "one",
	"had", "by", "word", "but", "not", "what", "all", "were", "we", "when",
	"your", "can", "said", "there", "use", "an", "each", "which", "she",
	"do", "how", "their", "if", "will", "up", "other", "about", "out",
	"many", "then", "them", "these", "so", "some", "her", "would", "make",
	"like", "him", "into", "time", "has", "look", "two", "more", "write",
	"go", "see", "number", "no", "way", "could", "people", "my", "than",
	"first", "water", "been", "call", "who", "oil", "its", "now", "find",
	"long", "down", "day", "did", "get", "come", "made", "may", "part",
	"maildir", "header", "cache" };
#define NWORDS (sizeof(words) / sizeof(words[0]))

struct buf {
	char p[MSG_MAX];
	size_t len;
};

static void add(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, sizeof(b->p) - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b->p) - b->len)
		errx(1, "message too large");
	b->len += (size_t)n;
}

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* S (UTF-8) as ISO-8859-1 into OUT; 0 when a character is not in it. */
static int
latin1(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned c = *p;

		if (c >= 0x80) {
			if ((c != 0xc2 && c != 0xc3) || (p[1] & 0xc0) != 0x80)
				return 0;
			c = ((c & 0x1f) << 6) | (p[1] & 0x3f);
			p++;
		}
		if (n + 1 >= size)
			return 0;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 1;
}

/* The length of the UTF-8 character starting with byte C. */
static size_t
charlen(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Current column: bytes since the last '\n'. */
static size_t
column(const struct buf *b)
{
	size_t i = b->len;

	while (i > 0 && b->p[i - 1] != '\n')
		i--;
	return b->len - i;
}

/* A space before the next word of N bytes, or a fold. */
static void
gap(struct buf *b, size_t n)
{
	add(b, "%s", column(b) + 1 + n > 76 ? "\n " : " ");
}

static void
b64(struct buf *b, const unsigned char *s, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
	                        "stuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		add(b, "%c%c%c%c", t[v >> 18 & 63], t[v >> 12 & 63],
		    i + 1 < n ? t[v >> 6 & 63] : '=',
		    i + 2 < n ? t[v & 63] : '=');
	}
}

/*
 * TEXT (in CHARSET already) as RFC 2047 words of at most 75 bytes,
 * folded where a line would pass 76 columns. B or Q; SPLIT: B chunks
 * cut at any byte, as some mailers do, not at character boundaries.
 */
static void
encode(struct buf *b, const char *charset, int q, int split, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), pre = strlen(charset) + 7;
	int utf8 = strcasecmp(charset, "utf-8") == 0;
	static struct buf word_buf; /* an encoded word's text */
	struct buf *word = &word_buf;

	for (size_t i = 0; i < n;) {
		char w[128];
		size_t take = 0, wl = 0;

		word->len = 0;
		if (!q) {
			/* 75 - pre bytes of base64: 3 bytes per 4. */
			size_t max = (75 - pre) / 4 * 3;

			while (i + take < n && take < max) {
				size_t c =
				    split || !utf8 ? 1 : charlen(s[i + take]);

				if (take + c > max)
					break;
				take += c;
			}
			b64(word, s + i, take);
		} else {
			while (i + take < n) {
				size_t c = charlen(s[i + take]), enc = 0;

				if (!utf8)
					c = 1;
				for (size_t k = 0; k < c; k++) {
					unsigned char ch = s[i + take + k];

					enc +=
					    (ch >= 0x80 ||
					        strchr("=?_\"(),:", ch) != NULL)
					        ? 3
					        : 1;
				}
				if (wl + enc > 75 - pre)
					break;
				for (size_t k = 0; k < c; k++) {
					unsigned char ch = s[i + take + k];

					if (ch == ' ')
						add(word, "_");
					else if (ch >= 0x80 ||
					         strchr("=?_\"(),:", ch) !=
					             NULL)
						add(word, "=%02X", ch);
					else
						add(word, "%c", ch);
				}
				wl += enc;
				take += c;
			}
		}
		snprintf(w, sizeof(w), "=?%s?%c?%.*s?=", charset, q ? 'Q' : 'B',
		    (int)word->len, word->p);
		if (i > 0)
			gap(b, strlen(w));
		add(b, "%s", w);
		i += take;
	}
}

/* Plain TEXT after the field name, folded at spaces past 76 columns. */
static void
plain(struct buf *b, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);

		if (p > text)
			gap(b, n);
		add(b, "%.*s", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* TEXT, encoded as a mailer would when it is not ASCII (or, rarely, when
 * it is): UTF-8 B or Q, ISO-8859-1 Q or B where it fits; on RAW8 the
 * bytes as they are (undeclared 8-bit). */
static void
text_field(struct buf *b, const char *text, int raw8)
{
	char l1[512];

	if (raw8 || (is_ascii(text) && !gen_chance(3))) {
		plain(b, text);
		return;
	}
	if (latin1(text, l1, sizeof(l1)) && gen_chance(50))
		encode(b, gen_chance(50) ? "ISO-8859-1" : "iso-8859-1",
		    gen_chance(70), 0, l1);
	else
		encode(b, gen_chance(70) ? "UTF-8" : "utf-8", gen_chance(30),
		    gen_chance(5), text);
}

/* A mailbox: display name in one of the usual forms, and address. */
static void
mailbox(struct buf *b, const struct person *p)
{
	unsigned k = pick(100);

	if (k < 5) {
		add(b, "%s", p->addr);
	} else if (k < 10 && is_ascii(p->name)) {
		add(b, "%s (%s)", p->addr, p->name);
	} else if (k < 20 && is_ascii(p->name) && strchr(p->name, ' ')) {
		const char *sp = strrchr(p->name, ' ');

		/* "Last, First": a comma, so the name must be quoted. */
		add(b, "\"%s, %.*s\" <%s>", sp + 1, (int)(sp - p->name),
		    p->name, p->addr);
	} else {
		text_field(b, p->name, 0);
		add(b, " <%s>", p->addr);
	}
}

static void
addresses(struct buf *b, const char *field, unsigned n)
{
	add(b, "%s: ", field);
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			add(b, ",\n ");
		mailbox(b, &people[pick(NPEOPLE)]);
	}
	add(b, "\n");
}

static void
b64_noise(struct buf *b, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
	                        "stuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && i % 64 == 0)
			add(b, "\n\t ");
		add(b, "%c", t[pick(64)]);
	}
}

static void
date_field(struct buf *b, long long t)
{
	static const char *const zones[] = { "+0000", "+0100", "+0200", "-0500",
		"-0800", "+0530", "+0900", "-0300" };
	static const int offs[] = { 0, 60, 120, -300, -480, 330, 540, -180 };
	unsigned z = pick(8), form = pick(100);
	time_t local = (time_t)(t + offs[z] * 60), utc = (time_t)t;
	struct tm tm;
	char s[80];

	gmtime_r(&local, &tm);
	if (form < 65)
		strftime(s, sizeof(s), "%a, %d %b %Y %H:%M:%S ", &tm);
	else if (form < 75)
		strftime(s, sizeof(s), "%a, %e %b %Y %H:%M:%S ", &tm);
	else if (form < 82)
		strftime(s, sizeof(s), "%d %b %Y %H:%M:%S ", &tm);
	else if (form < 88)
		strftime(s, sizeof(s), "%a, %d %b %Y %H:%M ", &tm);
	else if (form < 94)
		strftime(s, sizeof(s), "%a, %d %b %y %H:%M:%S ", &tm);
	else {
		/* Named zone: GMT means UTC, whatever was picked. */
		gmtime_r(&utc, &tm);
		strftime(s, sizeof(s), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		add(b, "Date: %s\n", s);
		return;
	}
	add(b, "Date: %s%s%s\n", s, zones[z],
	    z == 3 && gen_chance(50) ? " (EST)" : "");
}

static void
received(struct buf *b, long long t, unsigned hop)
{
	time_t tt = (time_t)(t - hop * 2);
	struct tm tm;
	char d[64];

	gmtime_r(&tt, &tm);
	strftime(d, sizeof(d), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	add(b,
	    "Received: from relay%u.example.net (relay%u.example.net "
	    "[198.51.100.%u])\n"
	    "\tby mx%u.example.org (Postfix) with ESMTPS id %08llX%04X\n"
	    "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 "
	    "bits))\n"
	    "\tfor <kim@example.org>; %s\n",
	    hop, hop, 1 + pick(250), hop, (unsigned long long)pick(1u << 31),
	    pick(65536), d);
}

static void
dkim(struct buf *b, const char *field, const char *tag, const char *domain)
{
	add(b,
	    "%s: %s; a=rsa-sha256; c=relaxed/relaxed; d=%s;\n"
	    "\ts=sel%u; t=%u; x=%u;\n"
	    "\th=from:to:cc:subject:date:message-id:references:in-reply-to\n"
	    "\t :mime-version:content-type;\n"
	    "\tbh=",
	    field, tag, domain, pick(4), 1700000000 + pick(1u << 24),
	    1700000000 + pick(1u << 25));
	b64_noise(b, 43);
	add(b, "=;\n\tb=");
	b64_noise(b, 342);
	add(b, "==\n");
}

static void
arc(struct buf *b, const char *domain, unsigned i)
{
	char tag[8];

	snprintf(tag, sizeof(tag), "i=%u", i);
	add(b,
	    "ARC-Seal: %s; a=rsa-sha256; t=%u; cv=%s;\n"
	    "\td=google.example; s=arc-20160816;\n\tb=",
	    tag, 1700000000 + pick(1u << 24), i > 1 ? "pass" : "none");
	b64_noise(b, 342);
	add(b, "==\n");
	dkim(b, "ARC-Message-Signature", tag, domain);
	add(b,
	    "ARC-Authentication-Results: %s; mx.google.example;\n"
	    "\tdkim=pass header.i=@%s header.s=sel1 header.b=",
	    tag, domain);
	b64_noise(b, 8);
	add(b,
	    ";\n\tspf=pass (google.example: domain of sender@%s designates"
	    "\n\t 198.51.100.7 as permitted sender) smtp.mailfrom=sender@%s;"
	    "\n\tdmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=%s\n",
	    domain, domain, domain);
}

/* A subject: one from the pool, or two joined (long), maybe a reply to
 * a list. */
static void
subject(struct buf *b, int reply, const struct list *l, int raw8)
{
	char s[1024], l1[512];
	const char *a = subjects[pick(NSUBJECTS)];

	if (gen_chance(15))
		snprintf(s, sizeof(s), "%s (was: %s; see also %s)", a,
		    subjects[pick(NSUBJECTS)], subjects[pick(NSUBJECTS)]);
	else
		snprintf(s, sizeof(s), "%s", a);
	add(b, "Subject: %s", reply ? (gen_chance(90) ? "Re: " : "AW: ") : "");
	if (l != NULL)
		add(b, "[%s] ", l->tag);
	if (raw8 == 2 && latin1(s, l1, sizeof(l1)))
		plain(b, l1); /* undeclared ISO-8859-1 */
	else
		text_field(b, s, raw8 != 0);
	add(b, "\n");
}

static void
body(struct buf *b, size_t size)
{
	size_t start = b->len;

	while (b->len - start < size) {
		const char *w = words[pick(NWORDS)];

		if (column(b) + strlen(w) + 1 > 72)
			add(b, "\n");
		else if (column(b) > 0)
			add(b, " ");
		add(b, "%s", w);
		if (gen_chance(4))
			add(b, ".\n\n");
	}
	add(b, "\n\n-- \nSent from a benchmark\n");
}

static const char *
domain_of(const struct person *p)
{
	return strchr(p->addr, '@') + 1;
}

struct stats {
	size_t *hdr; /* header length of each distinct message */
	size_t enc_from, enc_subj, raw8, lists, replies, cc, arc;
};

/* Message K (distinct file K): its bytes into B, its Date: into *T. */
static void
message(struct buf *b, unsigned k, long long *t, struct stats *st)
{
	const struct person *from = &people[pick(NPEOPLE)];
	const struct list *l = gen_chance(35) ? &lists[pick(NLISTS)] : NULL;
	const char *domain = domain_of(from);
	int reply = gen_chance(40),
	    raw8 = gen_chance(3) ? 1 + gen_chance(40) : 0;
	unsigned hops = 2 + pick(3), thread = pick(3000);
	size_t from_at, subj_at;

	*t = DATE_BASE + (long long)k * 317 + pick(300);
	b->len = 0;
	add(b, "Return-Path: <%s>\nDelivered-To: kim@example.org\n",
	    l != NULL ? "bounces@lists.example.org" : from->addr);
	for (unsigned h = hops; h > 0; h--)
		received(b, *t, h);
	if (gen_chance(60))
		add(b,
		    "Authentication-Results: mx1.example.org;\n"
		    "\tdkim=pass (2048-bit key; unprotected) header.d=%s\n"
		    "\theader.i=@%s header.a=rsa-sha256 header.s=sel1;\n"
		    "\tdkim-atps=neutral; spf=pass smtp.mailfrom=%s\n",
		    domain, domain, domain);
	if (gen_chance(12)) {
		/* Forwarded through a second ARC hop on half of them. */
		for (unsigned i = 1 + gen_chance(50); i > 0; i--)
			arc(b, domain, i);
		st->arc++;
	}
	if (gen_chance(60))
		dkim(b, "DKIM-Signature", "v=1", domain);
	date_field(b, *t);
	from_at = b->len;
	add(b, "From: ");
	mailbox(b, from);
	add(b, "\n");
	st->enc_from +=
	    memmem(b->p + from_at, b->len - from_at, "=?", 2) != NULL;
	addresses(b, "To", gen_chance(80) ? 1 : 2 + pick(4));
	if (gen_chance(30)) {
		addresses(b, "Cc", 1 + pick(4));
		st->cc++;
	}
	subj_at = b->len;
	subject(b, reply, l, raw8);
	st->enc_subj +=
	    memmem(b->p + subj_at, b->len - subj_at, "=?", 2) != NULL;
	st->raw8 += raw8 != 0;
	add(b, "Message-ID: <%08x.%u.%llx@%s>\n", k, thread,
	    (unsigned long long)gen_next() >> 20, domain);
	if (reply) {
		unsigned depth = 1 + pick(12);

		add(b, "In-Reply-To: <%u.%u@%s>\n", thread, depth,
		    domain_of(&people[(thread + depth) % NPEOPLE]));
		add(b, "References:");
		for (unsigned d = 1; d <= depth; d++)
			add(b, "%s<%u.%u@%s>", d == 1 ? " " : "\n ", thread, d,
			    domain_of(&people[(thread + d) % NPEOPLE]));
		add(b, "\n");
		st->replies++;
	}
	if (l != NULL) {
		add(b, "List-Id: ");
		text_field(b, l->name, 0);
		add(b,
		    " <%s>\n"
		    "List-Unsubscribe: <mailto:%s-leave@lists.example.org>,\n"
		    " <https://lists.example.org/unsubscribe/%s>\n"
		    "List-Archive: <https://lists.example.org/archive/%s>\n"
		    "List-Post: <mailto:%s@lists.example.org>\n"
		    "Precedence: list\n",
		    l->id, l->tag, l->tag, l->tag, l->tag);
		st->lists++;
	}
	if (gen_chance(50))
		add(b,
		    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) "
		    "Gecko/20100101 Thunderbird/115.%u.0\n",
		    pick(12));
	add(b,
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=%s; format=flowed\n"
	    "Content-Transfer-Encoding: %s\n\n",
	    raw8 == 2 ? "iso-8859-1" : "utf-8",
	    gen_chance(50) ? "8bit" : "7bit");
	st->hdr[k] = b->len;
	body(b, 1024 + pick(5 * 1024));
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static void
print_stats(struct stats *st, size_t n)
{
	size_t over = 0;

	qsort(st->hdr, n, sizeof(st->hdr[0]), cmp_size);
	for (size_t i = 0; i < n; i++)
		over += st->hdr[i] > 4096;
	printf("headers %zu to %zu bytes (median %zu), %.0f%% over 4 KiB;"
	       " From: encoded %.0f%%, Subject: encoded %.0f%%, undeclared"
	       " 8-bit %.0f%%; Cc: %.0f%%, replies %.0f%%, lists %.0f%%\n",
	    st->hdr[0], st->hdr[n - 1], st->hdr[n / 2], 100.0 * over / n,
	    100.0 * st->enc_from / n, 100.0 * st->enc_subj / n,
	    100.0 * st->raw8 / n, 100.0 * st->cc / n, 100.0 * st->replies / n,
	    100.0 * st->lists / n);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: mkheaders [-s] [-d distinct] -n new -c cur maildir\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static struct buf b;
	struct stats st = { 0 };
	char name[256];
	struct gen_delivery dl = GEN_DELIVERY_INIT;
	long long nnew = -1, ncur = -1, distinct = 4000;
	int stats = 0, c, fds[2];
	struct first {
		int dir;
		size_t size;
		char name[256];
	} * first;

	while ((c = getopt(argc, argv, "c:d:n:s")) != -1) {
		switch (c) {
		case 'c':
			ncur = gen_count_arg(optarg, c);
			break;
		case 'd':
			distinct = gen_count_arg(optarg, c);
			if (distinct < 1)
				errx(2, "-d %s: at least 1", optarg);
			break;
		case 'n':
			nnew = gen_count_arg(optarg, c);
			break;
		case 's':
			stats = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || nnew < 0 || ncur < 0 || nnew + ncur < 1)
		usage();
	const char *dir = argv[optind];
	long long total = nnew + ncur;

	if (distinct > total)
		distinct = total;
	if ((total + distinct - 1) / distinct > 60000)
		errx(2, "-d %lld: too few files for %lld messages (ext4 links)",
		    distinct, total);
	first = calloc((size_t)distinct, sizeof(*first));
	st.hdr = calloc((size_t)distinct, sizeof(*st.hdr));
	if (first == NULL || st.hdr == NULL)
		err(1, "calloc");
	gen_maildir(dir, fds);

	/* cur/ first: the newest mail is in new/, so its times come last. */
	for (long long i = 0; i < total; i++) {
		int in_cur = i < ncur, fd;
		struct first *f = &first[i % distinct];

		if (i < distinct) {
			uint64_t names = gen_rng;
			long long date;

			/* Each file's own seed: its bytes do not depend on
			 * how many files there are. */
			gen_rng = seed((uint64_t)i);
			message(&b, (unsigned)i, &date, &st);
			gen_rng = names;
			gen_deliver(&dl);
			gen_name(
			    f->name, sizeof(f->name), &dl, b.len, in_cur, 0);
			f->dir = fds[in_cur];
			f->size = b.len;
			fd = openat(fds[in_cur], f->name,
			    O_WRONLY | O_CREAT | O_EXCL, 0600);
			if (fd == -1)
				err(1, "%s/%s", dir, f->name);
			if (write(fd, b.p, b.len) != (ssize_t)b.len)
				err(1, "write %s", f->name);
			if (futimens(fd, (const struct timespec[2]){
			                     { date, 0 }, { date, 0 } }) == -1)
				err(1, "futimens %s", f->name);
			if (close(fd) == -1)
				err(1, "close %s", f->name);
			continue;
		}
		gen_deliver(&dl);
		gen_name(name, sizeof(name), &dl, f->size, in_cur, 0);
		if (linkat(f->dir, f->name, fds[in_cur], name, 0) == -1)
			err(1, "%s/%s/%s", dir, in_cur ? "cur" : "new", name);
	}
	if (stats) {
		print_stats(&st, (size_t)distinct);
		if (fflush(stdout) == EOF)
			err(1, "stdout");
	}
	free(first);
	free(st.hdr);
	return 0;
}
