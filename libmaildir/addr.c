/*
 * addr.c: the little a mail list needs from structured fields: the name
 * to show for a From: (its display name, decoded, else its address) and
 * the message ids of Message-ID, In-Reply-To and References. Lenient:
 * real headers break every rule of RFC 5322 section 3.4.
 */
#include <string.h>

#include "internal.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The end of the first mailbox of S: a ',' outside quotes, angles and
 * comments, or the end. */
static const char *
first_mailbox(const char *s)
{
	int quote = 0, angle = 0, comment = 0;

	/* Straight to the next byte that matters in the state it is in. */
	for (;; s++) {
		s += strcspn(s, quote ? "\\\"" : comment ? "\\()" : "\"(<>,");
		if (*s == '\0')
			break;
		if (quote) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				quote = 0;
		} else if (comment) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '(')
				comment++;
			else if (*s == ')')
				comment--;
		} else if (*s == '"')
			quote = 1;
		else if (*s == '(')
			comment = 1;
		else if (*s == '<')
			angle = 1;
		else if (*s == '>')
			angle = 0;
		else if (*s == ',' && !angle)
			break;
	}
	return s;
}

/* first_mailbox, at once when S has no ',' at all, as nearly every
 * From: has not. */
static const char *
mailbox_end(const char *s)
{
	const char *comma = strchrnul(s, ',');

	return *comma == '\0' ? comma : first_mailbox(s);
}

/* The end of an encoded word at S ("=?cs?Q?text?="), at its last '=',
 * or S itself when none begins there. */
static const char *
past_word(const char *s, const char *e)
{
	const char *q = s + 2;

	if (e - s < 2 || s[0] != '=' || s[1] != '?')
		return s;
	while (q + 1 < e && !(q[0] == '?' && q[1] == '=') && q[0] != ' ')
		q++;
	return q + 1 < e && q[0] == '?' ? q + 1 : s;
}

/* Is C, not NUL, one of the few bytes in SET? strchr(3) without a
 * call per byte of the field. */
static int
in_set(const char *set, char c)
{
	for (; *set != '\0'; set++)
		if (*set == c)
			return 1;
	return 0;
}

/* The first byte of [S, E) that is in SET, outside quotes and comments
 * (and encoded words, with WORDS), or NULL. STOP is SET with '"' and '('
 * (and '=', with WORDS): the bytes that matter outside quotes. */
static const char *
outside(
    const char *s, const char *e, const char *set, const char *stop, int words)
{
	int quote = 0, comment = 0;

	/* Straight to the next byte that matters in the state it is in (past
	 * E at worst: the string goes on to its NUL). */
	for (; s < e; s++) {
		s += strcspn(s, quote ? "\\\"" : comment ? "\\()" : stop);
		if (s >= e)
			break;
		if ((quote || comment) && *s == '\\' && s + 1 < e)
			s++;
		else if (quote)
			quote = *s != '"';
		else if (comment)
			comment += (*s == '(') - (*s == ')');
		else if (*s == '"')
			quote = 1;
		else if (*s == '(')
			comment = 1;
		else if (words && *s == '=')
			s = past_word(s, e);
		else if (in_set(set, *s))
			return s;
	}
	return NULL;
}

/* The first '<' in [S, E) outside quotes and comments, or NULL. */
static const char *
angle(const char *s, const char *e)
{
	return outside(s, e, "<", "\"(<", 0);
}

/* The colon that ends a group's name in [S, E) ("Team: a@x, b@y;"), or
 * NULL: one outside quotes, comments and encoded words, before any '<'
 * or '@' (a mailbox would come first). */
static const char *
group_colon(const char *s, const char *e)
{
	const char *p;

	if (memchr(s, ':', (size_t)(e - s)) == NULL)
		return NULL; /* as nearly every From: field */
	p = outside(s, e, ":<@", "\"(=:<@", 1);

	return p != NULL && *p == ':' ? p : NULL;
}

/* [S, E) without outer blanks and one pair of quotes, backslash escapes
 * undone, into BUF; its length. */
static size_t
unquote(const char *s, const char *e, char *buf, size_t size)
{
	size_t n = 0;

	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	while (s < e && n + 1 < size) {
		const char *run = s;
		size_t k;

		if (*s == '"') {
			s++;
			continue;
		}
		if (*s == '\\') { /* the byte after it, as it is */
			if (s + 1 < e)
				s++;
			buf[n++] = *s++;
			continue;
		}
		/* the bytes up to the next quote or backslash, at once */
		while (s < e && *s != '"' && *s != '\\')
			s++;
		k = (size_t)(s - run) < size - 1 - n ? (size_t)(s - run)
		                                     : size - 1 - n;
		memcpy(buf + n, run, k);
		n += k;
	}
	buf[n] = '\0';
	return n;
}

size_t
md_from_name(struct md_decoder *d, const char *value, char *out, size_t size)
{
	const char *end = mailbox_end(value), *lt, *gt, *open, *close;
	const char *colon = group_colon(value, end);
	char buf[1024];
	size_t n;

	if (size == 0)
		return 0;
	if (colon != NULL) { /* a group, "Team: a@x, b@y;": its name */
		n = unquote(value, colon, buf, sizeof(buf));
		if (n > 0)
			return md_decode_text(d, buf, n, out, size);
		value = colon + 1; /* no name: the first member's */
		while (*value == ' ' || *value == '\t')
			value++;
		if (*value == ';' || *value == '\0') {
			out[0] = '\0';
			return 0;
		}
		end = mailbox_end(value);
		if (end > value && end[-1] == ';')
			end--;
	}
	lt = angle(value, end);
	if (lt != NULL) { /* Name <addr> */
		n = unquote(value, lt, buf, sizeof(buf));
		if (n == 0) {
			gt = memchr(lt, '>', (size_t)(end - lt));
			n = unquote(lt + 1, gt ? gt : end, buf, sizeof(buf));
		}
		return md_decode_text(d, buf, n, out, size);
	}
	/* addr (Name): the comment is the name */
	open = memchr(value, '(', (size_t)(end - value));
	close = open ? memchr(open, ')', (size_t)(end - open)) : NULL;
	if (open != NULL) {
		n = unquote(open + 1, close ? close : end, buf, sizeof(buf));
		if (n > 0)
			return md_decode_text(d, buf, n, out, size);
		end = open;
	}
	n = unquote(value, end, buf, sizeof(buf));
	return md_decode_text(d, buf, n, out, size);
}

int
md_msgids(const char *value, char *out, size_t size)
{
	size_t n = 0;
	int count = 0;

	if (size == 0)
		return 0;
	for (const char *p = value; (p = strchr(p, '<')) != NULL;) {
		const char *gt = strchr(p + 1, '>');
		size_t len, k = 0;

		if (gt == NULL)
			break;
		len = (size_t)(gt - p - 1);
		/* CFWS inside an id (obsolete syntax) goes; one with a '<'
		 * inside is no id but the start of the next. */
		if (memchr(p + 1, '<', len) != NULL) {
			p = memchr(p + 1, '<', len);
			continue;
		}
		if (n + (n > 0) + len + 1 > size)
			break;
		if (n > 0)
			out[n++] = ' ';
		for (size_t i = 0; i < len; i++)
			if (!is_space(p[1 + i]))
				out[n + k++] = p[1 + i];
		if (k == 0 && n > 0)
			n--; /* "<>": nothing */
		else if (k > 0)
			count++;
		n += k;
		p = gt + 1;
	}
	out[n] = '\0';
	return count;
}

/* The addr-spec in [S, E) without comments and the blanks around its
 * parts, quotes undone (as an addr-spec means it), into OUT: its length,
 * 0 when there is none; -1 when it is no address: a quote or comment
 * left open, a blank between two words, no '@', nothing before or after
 * it, or too long for SIZE. What follows a second '@' is left out, as
 * Pigeonhole does. */
static long
bare_spec(const char *s, const char *e, char *out, size_t size)
{
	int quote = 0, comment = 0, gap = 0, ats = 0, closed = 0;
	size_t n = 0;
	const char *at;

	for (; s < e; s++) {
		char c = *s;
		int esc = (quote || comment) && c == '\\' && s + 1 < e;

		if (esc)
			c = *++s;
		else if (comment) {
			comment += (c == '(') - (c == ')');
			continue;
		} else if (!quote && c == '(') {
			comment = 1;
			continue;
		} else if (!quote && is_space(c)) {
			gap = n > 0;
			continue;
		} else if (!quote && c == '@' && ++ats == 2)
			break;
		if (comment)
			continue;
		/* blanks may stand around '@' and '.', not between words */
		if (gap && c != '@' && c != '.' && out[n - 1] != '@' &&
		    out[n - 1] != '.')
			return -1;
		gap = 0;
		/* a quoted local part is quoted whole: '@' follows it */
		if (closed && c != '@')
			return -1;
		closed = 0;
		if (!esc && c == '"' && (quote || n == 0)) {
			closed = quote;
			quote = !quote;
			continue;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	if (n == 0 && !quote && !comment)
		return 0;
	at = strrchr(out, '@');
	if (quote || comment || at == NULL || at == out || at[1] == '\0')
		return -1;
	return (long)n;
}

int
md_addr_next(const char **pos, char *out, size_t size)
{
	const char *s = *pos;

	while (*s != '\0') {
		const char *end = first_mailbox(s), *colon, *lt, *gt, *at;
		long n;

		*pos = *end ? end + 1 : end;
		colon = group_colon(s, end);
		if (colon != NULL) /* "Team: a@x, ..." the first member */
			s = colon + 1;
		if (end > s && end[-1] == ';') /* a group's end */
			end--;
		if ((lt = angle(s, end)) != NULL) {
			if ((gt = memchr(lt, '>', (size_t)(end - lt))) == NULL)
				return -1;
			s = lt + 1;
			end = gt;
			/* an obsolete route "@a,@b:" before the address */
			if (*s == '@' && (at = memchr(s, ':', end - s)) != NULL)
				s = at + 1;
		}
		if ((n = bare_spec(s, end, out, size)) != 0)
			return n > 0 ? 1 : -1;
		s = *pos;
	}
	return 0;
}
