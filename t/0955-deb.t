#!/bin/sh
# make deb: dpkg-buildpackage in a copy of the tree builds mdkit,
# libmaildir0 and libmaildir-dev, split as Debian splits a library;
# their dependencies come from shlibs and the symbols file; lintian
# finds no error in them; the tree itself gains no debian/.
. "$(dirname "$0")/lib.sh"

plan 11

SRC=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(sed -n 's/^VERSION = //p' "$SRC/Makefile")
have_tools() {
	command -v dpkg-buildpackage >/dev/null 2>&1 &&
	    command -v dh >/dev/null 2>&1 && command -v lintian >/dev/null 2>&1
}
# make check installs these (contrib/install-deps.sh); a run of this
# test alone as root does too.
if ! have_tools && is_root; then
	sh "$SRC/contrib/install-deps.sh" --only dpkg-dev debhelper lintian \
	    >"$T/deps" 2>&1
fi
if is_asan || ! have_tools || ! command -v make >/dev/null 2>&1; then
	skip_n 11 "needs dpkg-buildpackage, debhelper, lintian (root installs" \
	    "them: contrib/install-deps.sh) and the plain build"
	exit 0
fi

# Its own output directory: make deb empties $(O)/deb first.
O=$T/o
DEB_BUILD_OPTIONS=parallel=2 make -s -C "$SRC" O="$O" deb >"$T/out" 2>&1
ok $? "make deb: exit 0 $(grep -m3 -i 'error' "$T/out")"
check "the tree has no debian/ of its own" test ! -e "$SRC/debian"

d=$O/deb
for p in mdkit libmaildir0 libmaildir-dev; do
	f=$(ls "$d/${p}_${VERSION}_"*.deb 2>/dev/null)
	[ -n "$f" ] && dpkg-deb -c "$f" | awk '{ print $6 }' |
	    sed -e 's|^\./||' -e 's|/x86_64-linux-gnu/|/MA/|' \
	        -e 's|/lib/[a-z0-9_]*-linux-[a-z0-9_]*/|/lib/MA/|' |
	    grep '[^/]$' | grep -v '^usr/share/doc/' >"$T/$p"
	[ -n "$f" ] && dpkg-deb -f "$f" Depends >"$T/$p.dep"
done
ls "$d"/*_"$VERSION"_*.deb 2>/dev/null | sed 's|.*/||; s|_.*||' | sort >"$T/built"
printf '%s\n' libmaildir-dev libmaildir0 libmaildir0-dbgsym mdkit mdkit-dbgsym \
    >"$T/want"
is "$(cat "$T/built" | tr '\n' ' ')" "$(tr '\n' ' ' <"$T/want")" \
    "mdkit, libmaildir0, libmaildir-dev (and debug symbols), version $VERSION"

# mdkit: the programs, their pages and completion, nothing of the library.
{
	for c in "$SRC"/cmd/md-*.c; do
		b=$(basename "$c" .c)
		echo "usr/bin/$b"
		echo "usr/share/man/man1/$b.1.gz"
		echo "usr/share/bash-completion/completions/$b"
	done
	echo usr/share/man/man7/mdkit.7.gz
	echo usr/share/zsh/vendor-completions/_mdkit
} | sort >"$T/want"
is "$(sort "$T/mdkit" | tr '\n' ' ')" "$(tr '\n' ' ' <"$T/want")" \
    "mdkit: the programs, their man pages, mdkit(7), bash and zsh completion"
is "$(sort "$T/libmaildir0" | tr '\n' ' ')" \
    "usr/lib/MA/libmaildir.so.0 usr/lib/MA/libmaildir.so.$VERSION " \
    "libmaildir0: the shared library and its soname link"
is "$(sort "$T/libmaildir-dev" | tr '\n' ' ')" \
    "usr/include/maildir.h usr/lib/MA/libmaildir.a usr/lib/MA/libmaildir.so usr/lib/MA/pkgconfig/libmaildir.pc usr/share/man/man3/libmaildir.3.gz " \
    "libmaildir-dev: header, static library, link, .pc, libmaildir(3)"

# Dependencies as dpkg-shlibdeps and the control file make them.
grep -q 'libc6 (>=' "$T/mdkit.dep"
ok $? "mdkit depends on libc6 (shlibs): $(cat "$T/mdkit.dep")"
grep 'libbsd0 (>=' "$T/libmaildir0.dep" | grep -q 'libc6 (>='
ok $? "libmaildir0 depends on libbsd0 and libc6: $(cat "$T/libmaildir0.dep")"
grep -q "libmaildir0 (= $VERSION)" "$T/libmaildir-dev.dep"
ok $? "libmaildir-dev depends on this libmaildir0: $(cat "$T/libmaildir-dev.dep")"
dpkg-deb -I "$d/libmaildir0_${VERSION}_"*.deb symbols >"$T/symbols" 2>&1
grep -q "^libmaildir.so.0 libmaildir0 " "$T/symbols" &&
    grep -q "^ md_tmp_create@LIBMAILDIR_0 $VERSION\$" "$T/symbols" &&
    ! grep -q ' md_header_init@' "$T/symbols"
ok $? "libmaildir0's symbols file: maildir.h's functions at LIBMAILDIR_0"

# Errors only fail; warnings are shown.
lintian "$d"/mdkit_"$VERSION"_*.deb "$d"/libmaildir0_"$VERSION"_*.deb \
    "$d"/libmaildir-dev_"$VERSION"_*.deb 2>&1 | grep -v 'root privileges' \
    >"$T/lintian"
[ -s "$T/lintian" ] && diag "lintian: $(cat "$T/lintian")"
is "$(grep -c '^E:' "$T/lintian")" 0 "lintian: no errors"
