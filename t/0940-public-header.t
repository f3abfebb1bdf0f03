#!/bin/sh
# maildir.h is the interface a program outside mdkit builds on: alone,
# in strict C11 and with nothing of mdkit's own, a delivery
# compiles, links against libmaildir.a and works; what internal.h holds
# is not in it.
. "$(dirname "$0")/lib.sh"

plan 5

SRC=$(cd "$(dirname "$0")/.." && pwd)
LIBA=$(dirname "$BIN")/libmaildir.a
CC=${CC:-cc}
if ! command -v "$CC" >/dev/null 2>&1 || [ ! -f "$LIBA" ] || is_asan; then
	skip_n 5 "needs a C compiler and the plain build's libmaildir.a"
	exit 0
fi

cat >"$T/deliver.c" <<'C'
#include <stdio.h>
#include <stdlib.h>

#include "maildir.h"

int
main(int argc, char *argv[])
{
	struct md_maildir m;
	struct md_namegen g;
	struct md_err e;
	struct md_tmp *t = malloc(sizeof(*t));
	char name[NAME_MAX + 8];
	const char msg[] = "Subject: outside\n\nhello\n";

	if (argc != 2 || t == NULL)
		return 64;
	md_namegen_init(&g);
	if (md_maildir_open(&m, argv[1], MD_CREATE, &e) == -1 ||
	    md_tmp_create(t, &m, &g, &e) == -1 ||
	    md_tmp_write(t, msg, sizeof(msg) - 1, &e) == -1 ||
	    md_tmp_finish(t, NULL, &e) == -1 ||
	    md_place(t, &m, NULL, &g, name, sizeof(name), &e) == -1 ||
	    md_maildir_sync(&m, MD_NEW, &e) == -1) {
		fprintf(stderr, "%s: %s\n", e.path, e.step);
		return md_err_permanent(e.kind) ? 65 : 75;
	}
	md_tmp_remove(t);
	puts(name);
	return 0;
}
C
"$CC" -std=c11 -Wall -Wextra -Werror \
    -I"$SRC/libmaildir" -o "$T/deliver" "$T/deliver.c" "$LIBA" -lbsd \
    2>"$T/err"
ok $? "a delivery with maildir.h alone compiles without a warning: $(head -3 "$T/err")"
"$T/deliver" "$T/M" >"$T/out" 2>"$T/err"
is "$?" 0 "it delivers"
f=$(only_file "$T/M/new")
check "one message in new/" test -n "$f"
is "$(sed -n 3p "$f" 2>/dev/null)" hello "the message as written"

# An internal function is not declared by maildir.h.
printf '#include "maildir.h"\nint main(void) { md_header_init(0); return 0; }\n' \
    >"$T/inner.c"
"$CC" -std=c11 -D_POSIX_C_SOURCE=200809L -Werror=implicit-function-declaration \
    -I"$SRC/libmaildir" -c -o "$T/inner.o" "$T/inner.c" 2>/dev/null
isnt "$?" 0 "md_header_init is internal.h's, not maildir.h's"
