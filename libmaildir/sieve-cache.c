/*
 * sieve-cache.c: a script's parsed tree kept in the maildir, so that a
 * delivery need not lex and parse its script again: for a script of a
 * hundred rules that was most of what Sieve added to a delivery.
 *
 * The tree is kept as one record of ROOT/mdkit-sieve/ (sieve-state.c's
 * directory), named "c-" and a sum of the script's text, of this format
 * and of mdkit's version; the record holds the text too, and is used
 * only when that is the script's text byte for byte. An edited script
 * (or an edited included one: each file has its own) names another
 * record, whatever its mtime says, and no record is ever changed: made
 * in tmp/, synced, then linked to its name. Its mtime is when it
 * expires, as duplicate's records: swept then, made again by the next
 * delivery. A record that does not read back as a tree is removed.
 * Checking (sieve-check.c) is done each time, on the tree read back.
 *
 * The format: 32-bit words in native byte order (the order mark is in
 * the sum, so hosts of another order sharing the maildir over NFS name
 * other records). The nodes are numbered breadth-first: the commands
 * first, then each node's tests and block, node by node; arguments and
 * strings are in the order of the nodes that own them. So no record
 * holds a pointer or an index: reading it back places each array where
 * the count so far says, and a node can only have children after it.
 *
 *	header	magic "mdkSvT02", order mark, version (32 bytes, NUL-padded),
 *		text bytes, commands, nodes, arguments, strings, string bytes
 *	text	the script, NUL-padded to a word
 *	nodes	line, col, flags (1 test-list, 2 block), nargs, ntests, nblock
 *	args	kind, line, col, list, number (low, high), strings
 *	strings	the length of each: a node's name, then its arguments'
 *	bytes	each string and a NUL, the whole NUL-padded to a word
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cachefmt.h"
#include "internal.h"

#define TREE_MAGIC "mdkSvT02"
#define ORDER 0x01020304u
#define VERSION_ROOM 32
#define HEAD_WORDS (2 + 1 + VERSION_ROOM / 4 + 6)
#define NODE_WORDS 6
#define ARG_WORDS 7
#define KEEP_DAYS 30 /* a record's life; the next delivery makes another */

/* The header's counts, after the version. */
enum { H_TEXT, H_CMDS, H_NODES, H_ARGS, H_STRS, H_BYTES };

static size_t
words_of(size_t bytes)
{
	return (bytes + 3) / 4;
}

/* ---- writing ---- */

/* A growing array of words (or of bytes, in words). */
struct vec {
	uint32_t *w;
	size_t n, cap; /* words */
};

static uint32_t *
grow(struct vec *v, size_t k)
{
	if (v->cap - v->n < k) {
		size_t cap = v->cap ? v->cap * 2 : 1024;
		uint32_t *w;

		while (cap - v->n < k)
			cap *= 2;
		if ((w = reallocarray(v->w, cap, sizeof(*w))) == NULL)
			return NULL;
		v->w = w;
		v->cap = cap;
	}
	v->n += k;
	return v->w + v->n - k;
}

struct wr {
	struct vec nodes, args, strs, bytes;
	size_t nbytes;                      /* bytes of BYTES used */
	const struct md_sieve_node **order; /* the nodes, numbered */
	size_t n, cap;
};

static int
put_str(struct wr *b, const char *s, size_t len)
{
	uint32_t *l = grow(&b->strs, 1), *w;
	size_t left = b->bytes.n * 4 - b->nbytes;

	if (l == NULL || len >= UINT32_MAX ||
	    (len + 1 > left &&
	        grow(&b->bytes, words_of(len + 1 - left)) == NULL))
		return -1;
	*l = (uint32_t)len;
	w = b->bytes.w;
	memcpy((char *)w + b->nbytes, s, len);
	((char *)w)[b->nbytes + len] = '\0';
	b->nbytes += len + 1;
	return 0;
}

/* Number the N nodes at V next. */
static int
enlist(struct wr *b, const struct md_sieve_node *v, size_t n)
{
	if (b->cap - b->n < n) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		const struct md_sieve_node **o;

		while (cap - b->n < n)
			cap *= 2;
		if ((o = reallocarray(b->order, cap, sizeof(*o))) == NULL)
			return -1;
		b->order = o;
		b->cap = cap;
	}
	for (size_t i = 0; i < n; i++)
		b->order[b->n++] = &v[i];
	return 0;
}

static int
put_arg(struct wr *b, const struct md_sieve_arg *a)
{
	uint32_t *w = grow(&b->args, ARG_WORDS);

	if (w == NULL)
		return -1;
	w[0] = (uint32_t)a->kind;
	w[1] = a->line;
	w[2] = a->col;
	w[3] = (uint32_t)a->list;
	w[4] = (uint32_t)a->num;
	w[5] = (uint32_t)(a->num >> 32);
	w[6] = (uint32_t)a->n;
	for (size_t i = 0; i < a->n; i++)
		if (put_str(b, a->s[i], a->len[i]) < 0)
			return -1;
	return 0;
}

static int
put_node(struct wr *b, const struct md_sieve_node *x)
{
	uint32_t *w = grow(&b->nodes, NODE_WORDS);

	if (w == NULL)
		return -1;
	w[0] = x->line;
	w[1] = x->col;
	w[2] = (uint32_t)(x->testlist | x->has_block << 1);
	w[3] = x->nargs;
	w[4] = x->ntests;
	w[5] = x->nblock;
	if (put_str(b, x->name, strlen(x->name)) < 0)
		return -1;
	for (size_t k = 0; k < x->nargs; k++)
		if (put_arg(b, &x->args[k]) < 0)
			return -1;
	return enlist(b, x->tests, x->ntests) < 0 ||
	               enlist(b, x->block, x->nblock) < 0
	           ? -1
	           : 0;
}

/* V's words at W; where they end. An empty V has no array to copy
 * from (a script without arguments, or without commands). */
static uint32_t *
put_part(uint32_t *w, const struct vec *v)
{
	if (v->n > 0)
		memcpy(w, v->w, v->n * 4);
	return w + v->n;
}

/* The header, the text and B's parts, one after the other, in *OUT. */
static int
join(struct wr *b, const struct md_sieve_script *s, const char *text,
    size_t len, struct vec *out)
{
	char version[VERSION_ROOM] = { 0 };
	uint32_t *w, *h;
	size_t tw = words_of(len + 1);

	if ((w = grow(out, HEAD_WORDS + tw + b->nodes.n + b->args.n +
	                       b->strs.n + b->bytes.n)) == NULL)
		return -1;
	strncpy(version, MDKIT_VERSION, sizeof(version) - 1);
	memcpy(w, TREE_MAGIC, 8);
	w[2] = ORDER;
	memcpy(w + 3, version, VERSION_ROOM);
	h = w + 3 + VERSION_ROOM / 4;
	h[H_TEXT] = (uint32_t)len;
	h[H_CMDS] = (uint32_t)s->ncmds;
	h[H_NODES] = (uint32_t)b->n;
	h[H_ARGS] = (uint32_t)(b->args.n / ARG_WORDS);
	h[H_STRS] = (uint32_t)b->strs.n;
	h[H_BYTES] = (uint32_t)b->nbytes;
	w += HEAD_WORDS;
	w[tw - 1] = 0;
	memcpy(w, text, len);
	((char *)w)[len] = '\0';
	w += tw;
	if (b->bytes.n > 0)
		memset((char *)b->bytes.w + b->nbytes, 0,
		    b->bytes.n * 4 - b->nbytes);
	w = put_part(w, &b->nodes);
	w = put_part(w, &b->args);
	w = put_part(w, &b->strs);
	(void)put_part(w, &b->bytes);
	return 0;
}

int
md_sieve_tree_encode(const struct md_sieve_script *s, const char *text,
    size_t len, uint32_t **out, size_t *nwords)
{
	struct wr b = { .n = 0 };
	struct vec all = { .n = 0 };
	int rc = -1;

	if (len > MD_SIEVE_SIZE) {
		errno = EFBIG;
		return -1;
	}
	if (enlist(&b, s->cmds, s->ncmds) < 0)
		goto out;
	/* Breadth-first: B's list grows behind the node being put. */
	for (size_t i = 0; i < b.n; i++)
		if (put_node(&b, b.order[i]) < 0)
			goto out;
	if (join(&b, s, text, len, &all) < 0)
		goto out;
	*out = all.w;
	*nwords = all.n;
	rc = 0;
out:
	free(b.nodes.w);
	free(b.args.w);
	free(b.strs.w);
	free(b.bytes.w);
	free(b.order);
	if (rc < 0) {
		free(all.w);
		errno = ENOMEM;
	}
	return rc;
}

/* ---- reading ---- */

/* Where reading a record is: its parts, and how much of each is placed
 * (in locals of one loop: a record has thousands of each). */
struct rd {
	const uint32_t *lw; /* the string lengths */
	char *bytes;        /* the strings, in the record */
	size_t nbytes, nstrs;
	char **s;
	size_t *len;
	size_t str, at; /* the next string and its place in BYTES */
};

/* The next string into *S and *LEN (its index checked by the caller):
 * in place, in the record (which the arena holds), where check's
 * encoded-character may rewrite it. */
static inline int
get_str(struct rd *r, char **s, size_t *len)
{
	uint32_t n = r->lw[r->str];

	if (n >= r->nbytes - r->at || r->bytes[r->at + n] != '\0')
		return -1;
	*s = r->bytes + r->at;
	*len = n;
	r->at += (size_t)n + 1;
	r->str++;
	return 0;
}

/* The argument of the ARG_WORDS words at W into A, its strings next. */
static inline int
get_arg(struct rd *r, const uint32_t *w, struct md_sieve_arg *a)
{
	uint32_t n = w[6];

	a->kind = (enum md_sieve_arg_kind)w[0];
	a->line = w[1];
	a->col = w[2];
	a->list = (int)w[3];
	a->num = (uint64_t)w[5] << 32 | w[4];
	a->n = n;
	a->s = NULL;
	a->len = NULL;
	if (w[0] == MD_ARG_NUMBER)
		return n == 0 && w[3] == 0 ? 0 : -1;
	/* A tag has its name; a string list at least one string, more
	 * only in brackets; neither a number. */
	if ((w[0] != MD_ARG_TAG && w[0] != MD_ARG_STRINGS) || n == 0 ||
	    w[3] > 1 || (n > 1 && w[3] == 0) || a->num != 0 ||
	    (w[0] == MD_ARG_TAG && (n != 1 || w[3] != 0)) ||
	    n > r->nstrs - r->str)
		return -1;
	a->s = r->s + r->str;
	a->len = r->len + r->str;
	for (size_t i = 0; i < n; i++)
		if (get_str(r, &a->s[i], &a->len[i]) < 0)
			return -1;
	return 0;
}

static int zero_after(const char *p, size_t len, size_t end);

/* Does the header H promise what the NWORDS words of a record of TEXT
 * (LEN bytes) hold, exactly? */
static int
fits(const uint32_t *w, const uint32_t *h, const char *text, size_t len,
    size_t nwords)
{
	char version[VERSION_ROOM] = { 0 };
	uint64_t need;

	strncpy(version, MDKIT_VERSION, sizeof(version) - 1);
	if (nwords < HEAD_WORDS || memcmp(w, TREE_MAGIC, 8) != 0 ||
	    w[2] != ORDER || memcmp(w + 3, version, VERSION_ROOM) != 0 ||
	    h[H_TEXT] != len || h[H_CMDS] > h[H_NODES])
		return 0;
	need =
	    HEAD_WORDS + words_of(len + 1) + (uint64_t)h[H_NODES] * NODE_WORDS +
	    (uint64_t)h[H_ARGS] * ARG_WORDS + h[H_STRS] + words_of(h[H_BYTES]);
	return need == nwords && memcmp(w + HEAD_WORDS, text, len) == 0 &&
	       zero_after(
	           (const char *)(w + HEAD_WORDS), len, words_of(len + 1) * 4);
}

/* Are the bytes at P from LEN to END zero, as the writer leaves them
 * (a record with anything else there is none it wrote, and would not
 * encode back to itself)? */
static int
zero_after(const char *p, size_t len, size_t end)
{
	for (size_t i = len; i < end; i++)
		if (p[i] != '\0')
			return 0;
	return 1;
}

/*
 * The nodes, in their order: node I must be one numbered already (a
 * command, or a child of one before it), and its children take the next
 * numbers, a level deeper than it (no deeper than the parser nests).
 * Everything the counts say is used, by exactly one owner.
 */
static int
get_nodes(struct rd *r, const uint32_t *h, const uint32_t *nw,
    const uint32_t *aw, struct md_sieve_node *nodes, struct md_sieve_arg *args,
    unsigned char *depth)
{
	size_t nnodes = h[H_NODES], nargs = h[H_ARGS], next = h[H_CMDS];
	size_t arg = 0, len;

	memset(depth, 0, next);
	for (size_t i = 0; i < nnodes; i++, nw += NODE_WORDS) {
		struct md_sieve_node *x = &nodes[i];
		uint32_t flags = nw[2], na = nw[3], nt = nw[4], nb = nw[5];
		size_t kids = (size_t)nt + nb;

		if (i >= next || flags > 3 || (nb > 0 && !(flags & 2)) ||
		    na > nargs - arg || r->str >= r->nstrs ||
		    get_str(r, &x->name, &len) < 0 || len == 0 ||
		    memchr(x->name, '\0', len) != NULL ||
		    kids > nnodes - next ||
		    (kids > 0 && depth[i] + 1 > MD_SIEVE_DEPTH))
			return -1;
		memset(&x->spec, 0, sizeof(x->spec));
		x->line = nw[0];
		x->col = nw[1];
		x->testlist = flags & 1;
		x->has_block = (flags & 2) != 0;
		x->nargs = na;
		x->args = na > 0 ? args + arg : NULL;
		for (size_t k = 0; k < na; k++, arg++)
			if (get_arg(r, aw + arg * ARG_WORDS, &args[arg]) < 0)
				return -1;
		x->ntests = nt;
		x->tests = nt > 0 ? nodes + next : NULL;
		x->nblock = nb;
		x->block = nb > 0 ? nodes + next + nt : NULL;
		for (size_t k = 0; k < kids; k++) /* mostly one or two */
			depth[next++] = (unsigned char)(depth[i] + 1);
	}
	return next == nnodes && arg == nargs && r->str == r->nstrs &&
	               r->at == r->nbytes &&
	               zero_after(r->bytes, r->nbytes, words_of(r->nbytes) * 4)
	           ? 0
	           : -1;
}

int
md_sieve_tree_decode(struct md_sieve_script *s, const char *text, size_t len,
    uint32_t *w, size_t nwords)
{
	const uint32_t *h = w + 3 + VERSION_ROOM / 4, *nw, *aw;
	struct md_sieve_node *nodes;
	struct md_sieve_arg *args;
	unsigned char *depth;
	struct rd r;

	if (!fits(w, h, text, len, nwords))
		return -1;
	nw = w + HEAD_WORDS + words_of(len + 1);
	aw = nw + (size_t)h[H_NODES] * NODE_WORDS;
	r = (struct rd){ .lw = aw + (size_t)h[H_ARGS] * ARG_WORDS,
		.nbytes = h[H_BYTES],
		.nstrs = h[H_STRS] };
	r.bytes = (char *)(r.lw + h[H_STRS]);
	nodes = md_sieve_alloc(&s->arena, h[H_NODES] * sizeof(*nodes) + 1);
	args = md_sieve_alloc(&s->arena, h[H_ARGS] * sizeof(*args) + 1);
	r.s = md_sieve_alloc(&s->arena, h[H_STRS] * sizeof(*r.s) + 1);
	r.len = md_sieve_alloc(&s->arena, h[H_STRS] * sizeof(*r.len) + 1);
	depth = md_sieve_alloc_str(&s->arena, h[H_NODES] + 1);
	if (nodes == NULL || args == NULL || r.s == NULL || r.len == NULL ||
	    depth == NULL || get_nodes(&r, h, nw, aw, nodes, args, depth) < 0)
		return -1;
	s->cmds = h[H_CMDS] > 0 ? nodes : NULL;
	s->ncmds = h[H_CMDS];
	return 0;
}

/* ---- the record ---- */

/* Bytes of a record read at most: a tree is about ten times its script. */
#define RECORD_MAX (16 * MD_SIEVE_SIZE)

/* The record's path, from the maildir's root, for the LEN bytes of TEXT. */
static void
record_path(const char *text, size_t len, char *out, size_t size)
{
	static const char seed[] = TREE_MAGIC " " MDKIT_VERSION;
	uint32_t order = ORDER;
	struct md_cache_sumstate st;

	md_cache_sum_init(&st);
	md_cache_sum_add(&st, (const unsigned char *)seed, sizeof(seed));
	md_cache_sum_add(&st, (const unsigned char *)&order, sizeof(order));
	md_cache_sum_add(&st, (const unsigned char *)text, len);
	snprintf(out, size, "%s/c-%016llx", MD_SIEVE_STATE_DIR,
	    (unsigned long long)md_cache_sum_end(&st));
}

/* FD's SIZE bytes (its size, and a record is never changed: no read to
 * see its end) into BUF: 0, or -1 when fewer. */
static int
read_whole(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t k;

	while (got < size && (k = read(fd, buf + got, size - got)) > 0)
		got += (size_t)k;
	return got == size ? 0 : -1;
}

/* Room in A, its pages made at once (a fault each cost more than the
 * tree's reading), for the record of SIZE bytes at FD, its tree and
 * what checking it adds: as the record's header counts them. */
static void
reserve(struct md_sieve_arena *a, int fd, size_t size)
{
	uint32_t w[HEAD_WORDS];
	const uint32_t *h = w + 3 + VERSION_ROOM / 4;
	size_t need = size + 8192;

	if (pread(fd, w, sizeof(w), 0) != (ssize_t)sizeof(w) ||
	    h[H_NODES] > size / NODE_WORDS || h[H_ARGS] > size / ARG_WORDS ||
	    h[H_STRS] > size)
		return;
	need += h[H_NODES] * (sizeof(struct md_sieve_node) + 1) +
	        h[H_ARGS] * sizeof(struct md_sieve_arg) +
	        h[H_STRS] * (sizeof(char *) + sizeof(size_t)) + 64 * 5;
	(void)md_sieve_arena_reserve(a, need);
}

int
md_sieve_cache_load(struct md_sieve_script *s, const struct md_maildir *m,
    const char *text, size_t len)
{
	char path[64];
	struct stat st;
	uint32_t *w = NULL;
	int fd, bad = 0;

	memset(s, 0, sizeof(*s));
	record_path(text, len, path, sizeof(path));
	/* O_NONBLOCK: a fifo under its name must not hold a delivery. */
	if ((fd = openat(m->fd, path,
	         O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)) ==
	    -1)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		bad = st.st_size % 4 != 0 || st.st_size > RECORD_MAX ||
		      st.st_size < HEAD_WORDS * 4;
		if (!bad)
			reserve(&s->arena, fd, (size_t)st.st_size);
		if (!bad &&
		    (w = md_sieve_alloc(&s->arena, (size_t)st.st_size)) != NULL)
			bad =
			    read_whole(fd, (char *)w, (size_t)st.st_size) < 0 ||
			    md_sieve_tree_decode(
			        s, text, len, w, (size_t)st.st_size / 4) < 0;
	}
	close(fd);
	if (w != NULL && !bad) {
		s->checked = 1;
		return 1;
	}
	md_sieve_free(s);
	/* Named for this text, yet no tree of it: never of use. */
	if (bad)
		(void)unlinkat(m->fd, path, 0);
	return 0;
}

void
md_sieve_cache_save(const struct md_maildir *m, const char *text, size_t len,
    const uint32_t *w, size_t nwords)
{
	struct timespec until = { time(NULL) + KEEP_DAYS * 86400L, 0 };
	char path[64];
	struct md_namegen g;
	struct md_tmp *t;
	struct md_err e;
	int dir = -1;

	record_path(text, len, path, sizeof(path));
	if ((t = malloc(sizeof(*t))) == NULL || md_namegen_init(&g) < 0 ||
	    (dir = md_sieve_state_dir(m->path, 1)) < 0 ||
	    md_tmp_create(t, m, &g, &e) < 0)
		goto out;
	/* Synced before it has its name: a crash leaves it whole or
	 * unnamed. Its name need not survive one (no sync of the
	 * directory): the next delivery makes it again. */
	if (md_tmp_write(t, w, nwords * 4, &e) == 0 &&
	    md_tmp_finish(t, &until, &e) == 0)
		(void)md_link(
		    m->tmpfd, t->name, dir, path + sizeof(MD_SIEVE_STATE_DIR));
	md_tmp_remove(t);
out:
	if (dir >= 0)
		close(dir);
	free(t);
}
