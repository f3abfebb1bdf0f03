/*
 * Fuzz target "name": message file names and their info part (name.c,
 * flags.c, and change.c's paths and new names). The input is a byte of
 * options, a flag string, then a file name (or a path) to the end.
 *
 * Invariants:
 *  - md_name_parse: the base ends at the first ':', the kept part at the
 *    last; md_name_flags gives the same flags;
 *  - parse -> md_name_format -> parse gives the same base, kept part,
 *    flags and tail, and formatting that again gives the same name;
 *  - flags changed by md_flags_apply (letters, md_flags_from_user) come
 *    back from the formatted name exactly;
 *  - md_flags_format writes the set in strictly rising order, each byte
 *    a flag of the set, and reading those letters back gives the set;
 *  - md_name_field finds ",S=" only in the base, its digits ending there;
 *  - md_host_escape leaves no '/', ':' or ',' and undoes to the host;
 *  - md_msgpath_parse -> md_msgpath_format -> parse gives the same;
 *    md_change_name keeps the base and the root's part.
 */
#include "fuzz.h"

/* The flag set S (any bytes but NUL) written by md_flags_format. */
static void
check_flags_format(const struct md_flags *f)
{
	char buf[257];
	int n = md_flags_format(f, buf, sizeof(buf));
	struct md_flags back;

	FUZZ_CHECK(n >= 0 && (size_t)n == strlen(buf));
	md_flags_zero(&back);
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(i == 0 ||
		           (unsigned char)buf[i - 1] < (unsigned char)buf[i]);
		FUZZ_CHECK(md_flags_has(f, (unsigned char)buf[i]));
		md_flags_set(&back, (unsigned char)buf[i], 1);
	}
	FUZZ_CHECK(md_flags_equal(&back, f));
	/* too small a buffer: refused, never cut */
	if (n > 0) {
		char small[256];

		errno = 0;
		FUZZ_CHECK(md_flags_format(f, small, (size_t)n) == -1);
		FUZZ_CHECK(errno == ENAMETOOLONG);
	}
}

static void
check_name(
    const char *name, const struct md_flags *set, const struct md_flags *clear)
{
	struct md_name n, m;
	struct md_flags f, want;
	char out[NAME_MAX + 1], again[NAME_MAX + 1];
	const char *last = strrchr(name, ':');
	uint64_t v;

	md_name_parse(name, &n);
	FUZZ_CHECK(n.baselen == md_name_baselen(name));
	FUZZ_CHECK(n.baselen == strcspn(name, ":"));
	FUZZ_CHECK(n.keeplen == (last ? (size_t)(last - name) : strlen(name)));
	FUZZ_CHECK(n.baselen <= n.keeplen);
	FUZZ_CHECK((n.kind == MD_INFO_NONE) == (last == NULL));
	FUZZ_CHECK(n.kind != MD_INFO_2 || strncmp(last, ":2,", 3) == 0);
	FUZZ_CHECK(n.kind == MD_INFO_2 || md_flags_empty(&n.flags));
	FUZZ_CHECK(n.tail == NULL ||
	           (n.kind == MD_INFO_2 && n.tail > last && n.tail[-1] == ','));
	FUZZ_CHECK(!md_flags_has(&n.flags, ','));
	md_name_flags(name, &f);
	FUZZ_CHECK(md_flags_equal(&f, &n.flags));
	check_flags_format(&n.flags);

	if (md_name_format(out, sizeof(out), name, &n, &n.flags) == 0) {
		FUZZ_CHECK(strlen(out) <= NAME_MAX);
		md_name_parse(out, &m);
		FUZZ_CHECK(m.kind == MD_INFO_2);
		FUZZ_CHECK(m.baselen == n.baselen && m.keeplen == n.keeplen);
		FUZZ_CHECK(memcmp(out, name, n.keeplen) == 0);
		FUZZ_CHECK(md_flags_equal(&m.flags, &n.flags));
		FUZZ_CHECK((m.tail == NULL) == (n.tail == NULL));
		FUZZ_CHECK(m.tail == NULL || strcmp(m.tail, n.tail) == 0);
		FUZZ_CHECK(md_name_format(
		               again, sizeof(again), out, &m, &m.flags) == 0);
		FUZZ_CHECK(strcmp(again, out) == 0);
	} else
		FUZZ_CHECK(errno == ENAMETOOLONG);

	want = n.flags;
	md_flags_apply(&want, set, clear);
	FUZZ_CHECK(
	    md_flags_contains(&want, set) || md_flags_overlap(set, clear));
	FUZZ_CHECK(!md_flags_overlap(&want, clear));
	if (md_name_format(out, sizeof(out), name, &n, &want) == 0) {
		md_name_parse(out, &m);
		FUZZ_CHECK(md_flags_equal(&m.flags, &want));
		FUZZ_CHECK(m.baselen == n.baselen);
	}

	if (md_name_field(name, 'S', &v) == 0) {
		const char *s = strstr(name, ",S=");

		FUZZ_CHECK(s != NULL && (size_t)(s - name) < n.baselen);
	} else
		FUZZ_CHECK(errno == ENOENT);
}

/* md_host_escape, and its escapes undone. */
static void
check_host(const char *host, size_t size)
{
	char out[1024], back[1024];
	size_t k = 0;

	if (size > sizeof(out))
		size = sizeof(out);
	if (md_host_escape(host, out, size) == -1) {
		FUZZ_CHECK(errno == ENAMETOOLONG);
		return;
	}
	FUZZ_CHECK(strlen(out) < size);
	FUZZ_CHECK(strpbrk(out, "/:,") == NULL);
	for (const char *p = out; *p; p++) {
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
		if (*p == '\\') {
			unsigned v = 0;

			for (int i = 1; i <= 3; i++) {
				FUZZ_CHECK(p[i] >= '0' && p[i] <= '7');
				v = v * 8 + (unsigned)(p[i] - '0');
			}
			back[k++] = (char)v;
			p += 3;
		} else
			back[k++] = *p;
	}
	back[k] = '\0';
	FUZZ_CHECK(strcmp(back, host) == 0);
}

static void
check_path(const char *path, const struct md_flags *set,
    const struct md_flags *clear, int to_cur)
{
	struct md_msgpath mp, mq;
	struct md_change c = { .to_cur = to_cur };
	char buf[PATH_MAX + NAME_MAX + 8], name[NAME_MAX + 1];
	int r;

	if (md_msgpath_parse(path, &mp) == -1) {
		FUZZ_CHECK(errno == EINVAL || errno == ENAMETOOLONG);
		return;
	}
	FUZZ_CHECK(mp.sub == MD_NEW || mp.sub == MD_CUR);
	FUZZ_CHECK(mp.name[0] != '\0' && mp.name[0] != '.' &&
	           mp.name[0] != ':' && strchr(mp.name, '/') == NULL);
	if (md_msgpath_format(&mp, buf, sizeof(buf)) == 0) {
		FUZZ_CHECK(md_msgpath_parse(buf, &mq) == 0);
		FUZZ_CHECK(mq.sub == mp.sub && mq.bare == mp.bare);
		FUZZ_CHECK(strcmp(mq.root, mp.root) == 0);
		FUZZ_CHECK(strcmp(mq.name, mp.name) == 0);
	}
	c.set = *set;
	c.clear = *clear;
	r = md_change_name(&mp, &c, name, sizeof(name));
	FUZZ_CHECK(r >= -1 && r <= 1);
	if (r == 1) {
		size_t base = md_name_baselen(mp.name);

		FUZZ_CHECK(md_name_baselen(name) == base);
		FUZZ_CHECK(memcmp(name, mp.name, base) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned opt = fuzz_byte(&in), flen = fuzz_byte(&in) % 16;
	size_t n;
	const uint8_t *fp = fuzz_take(&in, flen, &n);
	char *fl = fuzz_str(fp, n), *s = fuzz_str(in.p, in.n);
	struct md_flags set, clear, up, low;

	/* letters to set, or to clear, as md-flag takes them */
	md_flags_zero(&set);
	md_flags_zero(&clear);
	if (md_flags_from_user(fl, opt & 1 ? &clear : &set) == -1)
		FUZZ_CHECK(errno == EINVAL);
	else
		check_flags_format(opt & 1 ? &clear : &set);
	md_flags_zero(&up);
	md_flags_zero(&low);
	if (md_flags_option(
	        fl[0] ? fl[0] : 'X', fl + (fl[0] != 0), &up, &low) == 0) {
		check_flags_format(&up);
		check_flags_format(&low);
	}

	check_name(s, &set, &clear);
	check_host(s, (opt >> 1) * 4 + 1);
	check_path(s, &set, &clear, opt & 2);
	if (md_folder_valid(s) == 0)
		FUZZ_CHECK(s[0] != '.' && strchr(s, '/') == NULL &&
		           strstr(s, "..") == NULL);
	free(fl);
	free(s);
	return 0;
}
