#!/bin/sh
# Every man page is clean mdoc: mandoc -Tlint -Wwarning says nothing.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/.." && pwd)
set -- "$SRC"/man/*.[0-9]
plan $#
if ! command -v mandoc >/dev/null 2>&1; then
	skip_n $# "no mandoc (make deps installs it)"
	exit 0
fi
for m; do
	out=$(mandoc -Tlint -Wwarning "$m" 2>&1)
	is "$out" "" "mandoc -Tlint: ${m##*/}"
done
