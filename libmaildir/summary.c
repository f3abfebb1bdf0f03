/*
 * summary.c: the fields a listing shows of a message, read from its
 * header. The header cache stores exactly these strings, so a listing
 * from the cache and one from the files cannot differ: a change to what
 * any of them holds must come with a new MD_CACHE_VERSION, or caches
 * written before it keep the old strings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

void
md_summarizer_init(struct md_summarizer *z)
{
	z->want = 0;
	md_header_init(&z->h);
	md_decoder_init(&z->d);
}

void
md_summarizer_free(struct md_summarizer *z)
{
	md_header_free(&z->h);
	md_decoder_free(&z->d);
}

/* The header fields the summary reads, found in one pass. */
enum hf {
	H_FROM,
	H_TO,
	H_CC,
	H_SUBJECT,
	H_LISTID,
	H_MSGID,
	H_IRT,
	H_REFS,
	H_DATE,
	H_N
};
static const char *const hf_name[H_N] = { "From", "To", "Cc", "Subject",
	"List-Id", "Message-ID", "In-Reply-To", "References", "Date" };
/* The summary fields (1 << MD_S_x) each header field is read for; the
 * date is always read. */
static const unsigned hf_for[H_N] = {
	[H_FROM] = 1u << MD_S_FROM | 1u << MD_S_NAME,
	[H_TO] = 1u << MD_S_TO,
	[H_CC] = 1u << MD_S_CC,
	[H_SUBJECT] = 1u << MD_S_SUBJECT,
	[H_LISTID] = 1u << MD_S_LISTID,
	[H_MSGID] = 1u << MD_S_MSGID,
	[H_IRT] = 1u << MD_S_IRT,
	[H_REFS] = 1u << MD_S_REFS,
	[H_DATE] = ~0u,
};

/* Field F (an index from md_header_find, -1 when absent) raw (unfolded)
 * into z->raw; its length, 0 when absent. */
static size_t
raw_field(struct md_summarizer *z, long f)
{
	if (f < 0) {
		z->raw[0] = '\0';
		return 0;
	}
	return md_header_value(&z->h, (size_t)f, z->raw, sizeof(z->raw));
}

static void
set(struct md_summarizer *z, struct md_summary *s, enum md_sfield k, size_t n)
{
	s->s[k].p = z->text[k];
	s->s[k].n = n;
}

/* The summary fields that are one header field each, decoded or read
 * as message IDs (the name is read from From: apart). */
static const struct {
	enum md_sfield k;
	enum hf h;
	int ids;
} one[] = {
	{ MD_S_FROM, H_FROM, 0 },
	{ MD_S_TO, H_TO, 0 },
	{ MD_S_CC, H_CC, 0 },
	{ MD_S_SUBJECT, H_SUBJECT, 0 },
	{ MD_S_LISTID, H_LISTID, 0 },
	{ MD_S_MSGID, H_MSGID, 1 },
	{ MD_S_IRT, H_IRT, 1 },
	{ MD_S_REFS, H_REFS, 1 },
};

/* The summary fields Z fills, bits 1 << MD_S_x. */
static unsigned
wanted_fields(const struct md_summarizer *z)
{
	return z->want == 0 ? ~0u : z->want;
}

static void
decoded(struct md_summarizer *z, struct md_summary *s, enum md_sfield k, long f)
{
	size_t n = raw_field(z, f);

	set(z, s, k,
	    md_decode_text(&z->d, z->raw, n, z->text[k], sizeof(z->text[k])));
}

static void
ids(struct md_summarizer *z, struct md_summary *s, enum md_sfield k, long f)
{
	raw_field(z, f);
	md_msgids(z->raw, z->text[k], sizeof(z->text[k]));
	set(z, s, k, strlen(z->text[k]));
}

/* The header fields the wanted summary fields read: a listing showing
 * two of them looks for three. Their names into NAME, the field each
 * is into MAP; how many. */
static size_t
wanted_names(const struct md_summarizer *z, const char **name, size_t *map)
{
	unsigned want = wanted_fields(z);
	size_t k = 0;

	for (size_t i = 0; i < H_N; i++)
		if (want & hf_for[i]) {
			map[k] = i;
			name[k++] = hf_name[i];
		}
	return k;
}

/* F (indexes by enum hf, -1 when absent) from AT, the indexes of the K
 * names that MAP says which fields they are. */
static void
spread(long *f, const long *at, const size_t *map, size_t k)
{
	for (size_t i = 0; i < H_N; i++)
		f[i] = -1;
	for (size_t i = 0; i < k; i++)
		f[map[i]] = at[i];
}

/* The fields of the header indexed in z->h, F its fields (indexes by
 * enum hf, -1 when absent); 0 when the date is the
 * Date: field's, -1 when there is none or it is bad (then s->mtime). */
static int
fill(struct md_summarizer *z, const long *f, struct md_summary *s)
{
	unsigned want = wanted_fields(z);
	time_t t;

	/* A field not wanted is left empty, unread: tested here, not in
	 * each field's function, as a listing wants two or three of nine. */
	if (want & 1u << MD_S_NAME) {
		raw_field(z, f[H_FROM]);
		set(z, s, MD_S_NAME,
		    md_from_name(&z->d, z->raw, z->text[MD_S_NAME],
		        sizeof(z->text[MD_S_NAME])));
	} else
		set(z, s, MD_S_NAME, 0);
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		if (!(want & 1u << one[i].k))
			set(z, s, one[i].k, 0);
		else if (one[i].ids)
			ids(z, s, one[i].k, f[one[i].h]);
		else
			decoded(z, s, one[i].k, f[one[i].h]);
	s->date = s->mtime;
	if (raw_field(z, f[H_DATE]) > 0 && md_date_parse(z->raw, &t) == 0) {
		s->date = (int64_t)t;
		return 0;
	}
	return -1;
}

int
md_summary_parse(struct md_summarizer *z, const char *buf, size_t len,
    uint64_t size, int64_t mtime, struct md_summary *s)
{
	const char *name[H_N];
	size_t map[H_N], k = wanted_names(z, name, map);
	long at[H_N], f[H_N];

	if (md_header_parse(&z->h, buf, len) == -1)
		return -1;
	md_header_find(&z->h, name, k, at);
	spread(f, at, map, k);
	s->size = size;
	s->mtime = mtime;
	fill(z, f, s);
	return 0;
}

/* The size and mtime of the open file FD (NAME) into S; -1 with E when
 * it cannot be stat'ed or is no regular file (EINVAL). */
static int
stat_file(int fd, const char *name, struct md_summary *s, struct md_err *e)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return md_err_set(e, "stat", name, NULL);
	if (!S_ISREG(st.st_mode)) {
		md_err_set(e, "open", name, NULL);
		errno = EINVAL;
		return -1;
	}
	s->size = (uint64_t)st.st_size;
	s->mtime = (int64_t)st.st_mtime;
	return 0;
}

/* The summary of the open file FD (NAME); STATED: its size and mtime
 * are in S already, else they are read only when the date needs the
 * mtime. */
static int
read_open(struct md_summarizer *z, int fd, const char *name, int stated,
    struct md_summary *s, struct md_err *e)
{
	const char *names[H_N];
	size_t map[H_N], k = wanted_names(z, names, map);
	long at[H_N], f[H_N];

	/* Only as far as the last field wanted. */
	if (md_header_read_find(&z->h, fd, names, k, at) == -1)
		return md_err_set(e, "read", name, NULL);
	spread(f, at, map, k);
	if (fill(z, f, s) == -1 && !stated) {
		if (stat_file(fd, name, s, e) == -1)
			return -1;
		s->date = s->mtime;
	}
	return 0;
}

int
md_summary_read_entry(struct md_summarizer *z, int dirfd, const char *name,
    unsigned char type, int want_stat, struct md_summary *s, struct md_err *e)
{
	/* d_type says what the name was when listed; a file put in its
	 * place since is read all the same (O_NONBLOCK, a bounded read). */
	int fd, rc, saved, stated = type != DT_REG || want_stat;

	/* O_NONBLOCK: a FIFO planted in cur/ must not hang a listing. */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return md_err_set(e, "open", name, NULL);
	s->size = 0;
	s->mtime = 0;
	rc = stated ? stat_file(fd, name, s, e) : 0;
	if (rc == 0)
		rc = read_open(z, fd, name, stated, s, e);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
md_summary_read(struct md_summarizer *z, int dirfd, const char *name,
    struct md_summary *s, struct md_err *e)
{
	return md_summary_read_entry(z, dirfd, name, DT_UNKNOWN, 1, s, e);
}
