/*
 * summary.c: the fields a listing shows of a message, read from its
 * header. The header cache stores exactly these strings, so a listing
 * from the cache and one from the files cannot differ.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maildir.h"

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

/* The first field NAME, raw (unfolded) into z->raw; its length, 0 when
 * absent. */
static size_t
raw_field(struct md_summarizer *z, const char *name)
{
	int n = md_header_field(&z->h, name, 0, z->raw, sizeof(z->raw));

	if (n < 0) {
		z->raw[0] = '\0';
		return 0;
	}
	return (size_t)n;
}

static void
set(struct md_summarizer *z, struct md_summary *s, enum md_sfield k, size_t n)
{
	s->s[k].p = z->text[k];
	s->s[k].n = n;
}

/* Is field K wanted? One not wanted is left empty, unread. */
static int
wanted(struct md_summarizer *z, struct md_summary *s, enum md_sfield k)
{
	if (z->want == 0 || (z->want & (1u << k)))
		return 1;
	set(z, s, k, 0);
	return 0;
}

static void
decoded(struct md_summarizer *z, struct md_summary *s, enum md_sfield k,
    const char *name)
{
	size_t n;

	if (!wanted(z, s, k))
		return;
	n = raw_field(z, name);

	set(z, s, k,
	    md_decode_text(&z->d, z->raw, n, z->text[k], sizeof(z->text[k])));
}

static void
ids(struct md_summarizer *z, struct md_summary *s, enum md_sfield k,
    const char *name)
{
	if (!wanted(z, s, k))
		return;
	raw_field(z, name);
	md_msgids(z->raw, z->text[k], sizeof(z->text[k]));
	set(z, s, k, strlen(z->text[k]));
}

/* The fields of the header indexed in z->h. */
static void
fill(struct md_summarizer *z, struct md_summary *s)
{
	time_t t;

	if (wanted(z, s, MD_S_NAME)) {
		raw_field(z, "From");
		set(z, s, MD_S_NAME,
		    md_from_name(&z->d, z->raw, z->text[MD_S_NAME],
		        sizeof(z->text[MD_S_NAME])));
	}
	decoded(z, s, MD_S_FROM, "From");
	decoded(z, s, MD_S_TO, "To");
	decoded(z, s, MD_S_CC, "Cc");
	decoded(z, s, MD_S_SUBJECT, "Subject");
	decoded(z, s, MD_S_LISTID, "List-Id");
	ids(z, s, MD_S_MSGID, "Message-ID");
	ids(z, s, MD_S_IRT, "In-Reply-To");
	ids(z, s, MD_S_REFS, "References");
	s->date = s->mtime;
	if (raw_field(z, "Date") > 0 && md_date_parse(z->raw, &t) == 0)
		s->date = (int64_t)t;
}

int
md_summary_parse(struct md_summarizer *z, const char *buf, size_t len,
    uint64_t size, int64_t mtime, struct md_summary *s)
{
	if (md_header_parse(&z->h, buf, len) == -1)
		return -1;
	s->size = size;
	s->mtime = mtime;
	fill(z, s);
	return 0;
}

int
md_summary_read(struct md_summarizer *z, int dirfd, const char *name,
    struct md_summary *s, struct md_err *e)
{
	struct stat st;
	int fd, rc = -1, saved;

	/* O_NONBLOCK: a FIFO planted in cur/ must not hang a listing. */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return md_err_set(e, "open", name, NULL);
	if (fstat(fd, &st) == -1)
		md_err_set(e, "stat", name, NULL);
	else if (!S_ISREG(st.st_mode)) {
		md_err_set(e, "open", name, NULL);
		errno = EINVAL;
	} else if (md_header_read(&z->h, fd) == -1)
		md_err_set(e, "read", name, NULL);
	else {
		s->size = (uint64_t)st.st_size;
		s->mtime = (int64_t)st.st_mtime;
		fill(z, s);
		rc = 0;
	}
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}
