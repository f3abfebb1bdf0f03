#!/bin/sh
# --version: every program prints its name and mdkit's version, exits 0,
# reads nothing and touches nothing; its man page says so.
. "$(dirname "$0")/lib.sh"

plan 18

SRC=$(cd "$(dirname "$0")/.." && pwd)
V=$(sed -n 's/^VERSION = //p' "$SRC/Makefile")
for p in md-deliver md-list md-flag md-move md-expunge md-mkdir md-check md-index \
    md-sieve; do
	out=$(echo "Subject: no" | "$BIN/$p" --version 2>"$T/err")
	is "$?:$out:$(cat "$T/err")" "0:$p (mdkit) $V:" "$p --version"
	grep -q '^\.It Fl \\-version$' "$SRC/man/$p.1"
	ok $? "$p.1 has --version"
done
