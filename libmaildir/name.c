/* name.c: unique message names and fields of the base name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* Escape what would confuse readers: '/' and ':' (DJB), ',' (Dovecot and
 * Courier look for ",S=" in the base), '\' itself, and control bytes. */
int
md_host_escape(const char *host, char *out, size_t size)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)host; *p; p++) {
		int esc = *p == '/' || *p == ':' || *p == ',' || *p == '\\' ||
		          *p < 0x20 || *p == 0x7f;
		size_t need = esc ? 4 : 1;

		if (o + need >= size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (esc)
			snprintf(out + o, 5, "\\%03o", *p);
		else
			out[o] = (char)*p;
		o += need;
	}
	if (size == 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out[o] = '\0';
	return 0;
}

int
md_namegen_init(struct md_namegen *g)
{
	char host[256];

	g->pid = getpid();
	g->count = 0;
	/* getrandom(2) directly: arc4random's fork check costs a getpid. */
	if (getrandom(&g->seed, sizeof(g->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(g->seed))
		arc4random_buf(&g->seed, sizeof(g->seed));
	if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
		strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	/* A very long host name is cut: R keeps names unique anyway. */
	while (md_host_escape(host, g->host, sizeof(g->host)) == -1)
		host[strlen(host) - 1] = '\0';
	return 0;
}

/* splitmix64: a bijection, so the R part differs for every name of a
 * process, and a random seed makes it differ between processes, without
 * asking the kernel for randomness per message. */
static uint64_t
mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int
md_name_unique(struct md_namegen *g, char *buf, size_t size)
{
	struct timeval tv;
	int n;

	gettimeofday(&tv, NULL);
	g->count++;
	n = snprintf(buf, size, "%lld.M%06ldP%ldQ%luR%016llx.%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, (long)g->pid, g->count,
	    (unsigned long long)mix(g->seed + g->count), g->host);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

size_t
md_name_baselen(const char *name)
{
	return strcspn(name, ":");
}

/* Dovecot's rule: ",K=" anywhere in the base, digits, then ',' ':' or end. */
int
md_name_field(const char *name, char key, uint64_t *value)
{
	size_t base = md_name_baselen(name);

	for (size_t i = 0; i + 3 <= base; i++) {
		const char *p = name + i;
		uint64_t v = 0;
		size_t d = 0;

		if (p[0] != ',' || p[1] != key || p[2] != '=')
			continue;
		for (p += 3; p + d < name + base && p[d] >= '0' && p[d] <= '9';
		     d++) {
			if (v > (UINT64_MAX - 9) / 10)
				break;
			v = v * 10 + (uint64_t)(p[d] - '0');
		}
		if (d > 0 && (p[d] == ',' || p[d] == ':' || p[d] == '\0')) {
			*value = v;
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}
