#!/bin/sh
# make install into a DESTDIR: programs, man pages, libmaildir.a and
# libmaildir.so (soname and links), maildir.h and libmaildir.pc; a tiny
# program built against it with pkg-config, statically and dynamically,
# runs; make uninstall leaves nothing behind.
. "$(dirname "$0")/lib.sh"

plan 16

SRC=$(cd "$(dirname "$0")/.." && pwd)
O=$(dirname "$BIN")
CC=${CC:-cc}
if is_asan || ! command -v pkg-config >/dev/null 2>&1 ||
    ! command -v make >/dev/null 2>&1 || ! command -v "$CC" >/dev/null 2>&1; then
	skip_n 16 "needs make, a C compiler and pkg-config, and the plain build"
	exit 0
fi

# A changed header rebuilds what includes it, however O is spelt (this
# test's is absolute): -W asks make what a change to maildir.h would do.
make -s -n -C "$SRC" O="$O" -W libmaildir/maildir.h all >"$T/what" 2>&1
grep -q 'cmd/md-list\.c' "$T/what"
ok $? "a change to maildir.h rebuilds md-list (O=$O)"

D=$T/root
make -s -C "$SRC" O="$O" DESTDIR="$D" PREFIX=/usr/local install \
    >"$T/out" 2>"$T/err"
ok $? "make install DESTDIR: exit 0 $(tail -3 "$T/err")"
for p in md-deliver md-list md-flag md-move md-expunge md-mkdir md-check md-index; do
	[ -x "$D/usr/local/bin/$p" ] || echo "$p"
done >"$T/missing"
is "$(cat "$T/missing")" "" "every program in BINDIR"
check "man pages in MANDIR" test -f "$D/usr/local/share/man/man1/md-deliver.1" \
    -a -f "$D/usr/local/share/man/man3/libmaildir.3" \
    -a -f "$D/usr/local/share/man/man7/mdkit.7"
check "maildir.h, not internal.h" test -f "$D/usr/local/include/maildir.h" \
    -a ! -e "$D/usr/local/include/internal.h"
is "$(readlink "$D/usr/local/lib/libmaildir.so")" libmaildir.so.0 \
    "libmaildir.so links to the soname"
is "$(objdump -p "$D/usr/local/lib/libmaildir.so.0" 2>/dev/null |
    awk '$1 == "SONAME" { print $2 }')" libmaildir.so.0 "the soname is libmaildir.so.0"

cat >"$T/hello.c" <<'C'
#include <stdio.h>

#include <maildir.h>

int
main(int argc, char *argv[])
{
	struct md_flags f;
	char buf[64];

	md_name_flags(argc > 1 ? argv[1] : "x:2,SF", &f);
	md_flags_format(&f, buf, sizeof(buf));
	puts(buf);
	return md_err_permanent(MD_ERR_LOOP) ? 0 : 1;
}
C
PKG_CONFIG_PATH=$D/usr/local/lib/pkgconfig
PKG_CONFIG_SYSROOT_DIR=$D
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
is "$(pkg-config --modversion libmaildir)" "$(sed -n 's/^VERSION = //p' "$SRC/Makefile")" \
    "pkg-config knows libmaildir's version"
# shellcheck disable=SC2046
"$CC" $(pkg-config --cflags libmaildir) -o "$T/hello-dyn" "$T/hello.c" \
    $(pkg-config --libs libmaildir) 2>"$T/err"
ok $? "built with pkg-config --cflags --libs: $(head -2 "$T/err")"
is "$(LD_LIBRARY_PATH=$D/usr/local/lib "$T/hello-dyn" 'b:2,TSa')" STa \
    "runs against libmaildir.so"
LD_LIBRARY_PATH=$D/usr/local/lib ldd "$T/hello-dyn" | grep -q 'libmaildir.so.0'
ok $? "loads libmaildir.so.0"
# shellcheck disable=SC2046
"$CC" $(pkg-config --cflags libmaildir) -o "$T/hello-static" "$T/hello.c" \
    -Wl,-Bstatic $(pkg-config --static --libs libmaildir) -Wl,-Bdynamic \
    2>"$T/err"
ok $? "built statically with pkg-config --static: $(head -2 "$T/err")"
is "$("$T/hello-static")" FS "the static one runs"
ldd "$T/hello-static" | grep -q libmaildir
isnt "$?" 0 "the static one does not load libmaildir.so"

make -s -C "$SRC" O="$O" DESTDIR="$D" PREFIX=/usr/local uninstall \
    >"$T/out" 2>"$T/err"
ok $? "make uninstall: exit 0"
is "$(find "$D" -type f -o -type l | wc -l | tr -d ' ')" 0 \
    "make uninstall: nothing left but directories"
