#!/bin/sh
# libmaildir.so exports what maildir.h declares and nothing more (the
# version script libmaildir/libmaildir.map): no function of internal.h
# is reachable from outside, every public one is, each under the
# version LIBMAILDIR_0. The header's functions are the compiler's own
# list (gcc -aux-info), not a second reading of the header.
. "$(dirname "$0")/lib.sh"

plan 5

SRC=$(cd "$(dirname "$0")/.." && pwd)
O=$(dirname "$BIN")
VERSION=$(sed -n 's/^VERSION = //p' "$SRC/Makefile")
SO=$O/libmaildir.so.$VERSION
if is_asan || ! command -v gcc >/dev/null 2>&1 ||
    ! command -v nm >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
	skip_n 5 "needs gcc (for -aux-info), nm, make and the plain build"
	exit 0
fi

make -s -C "$SRC" O="$O" "$SO" >"$T/out" 2>"$T/err"
ok $? "libmaildir.so builds: $(tail -2 "$T/err")"

# Every function declared in maildir.h, by name: -aux-info writes one
# line a prototype, "/* FILE:LINE:NC */ extern TYPE NAME (PARAMS);".
printf '#include "maildir.h"\n' >"$T/h.c"
gcc -std=c11 -fsyntax-only -aux-info "$T/aux" -I"$SRC/libmaildir" "$T/h.c"
grep '/maildir\.h:[0-9]*:' "$T/aux" |
    awk '{ sub(/ \(.*/, ""); n = $NF; sub(/^\**/, "", n); print n }' |
    sort -u >"$T/declared"
ok "$([ "$(lines "$T/declared")" -gt 50 ]; echo $?)" \
    "maildir.h declares $(lines "$T/declared") functions"

# What the library exports: defined dynamic symbols, less the version
# node itself (an absolute symbol named LIBMAILDIR_0).
nm -D --defined-only "$SO" | awk '$2 != "A" { print $3 }' >"$T/versioned"
sed 's/@.*//' "$T/versioned" | sort -u >"$T/exported"
is "$(comm -23 "$T/exported" "$T/declared" | tr '\n' ' ')" "" \
    "nothing exported that maildir.h does not declare"
is "$(comm -13 "$T/exported" "$T/declared" | tr '\n' ' ')" "" \
    "everything maildir.h declares is exported"
is "$(grep -cv '@@LIBMAILDIR_0$' "$T/versioned")" 0 \
    "each export has the version LIBMAILDIR_0"
