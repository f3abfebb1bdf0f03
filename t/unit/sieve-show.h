/*
 * sieve-show.h: a run's actions as the Sieve unit tests compare them,
 * "keep* fileinto:A/\\Seen": each kind, '*' for the implicit keep, ':'
 * and its argument, and with FLAGS '/' and its imap4flags.
 */
#include <string.h>

#include "internal.h"

static __attribute__((unused)) void
sieve_show(const struct md_sieve_result *r, int flags, char *out, size_t size)
{
	static const char *const names[] = { "keep", "fileinto", "discard",
		"redirect", "reject", "ereject", "vacation" };

	for (size_t i = 0; i < r->n; i++) {
		const struct md_sieve_action *a = &r->a[i];

		if (i > 0)
			strlcat(out, " ", size);
		strlcat(out, names[a->kind], size);
		if (a->implicit)
			strlcat(out, "*", size);
		if (a->arg) {
			strlcat(out, ":", size);
			strlcat(out, a->arg, size);
		}
		if (flags && a->flags) {
			strlcat(out, "/", size);
			strlcat(out, a->flags, size);
		}
	}
}
