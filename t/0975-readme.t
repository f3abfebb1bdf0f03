#!/bin/sh
# The README's examples run as written: each ```sh block of its Quick
# start, in order, with build/bin/ as the programs under test and
# /tmp/mdkit-try under the scratch directory; each block exits 0. The
# Sieve block's delivery must land in .Friends, as its comment says.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/.." && pwd)
README=$TOP/README.md
[ -f "$README" ] || skip_all "no README.md beside t/ (an installed copy)"

# The blocks, one file each: $T/block.N
awk -v dir="$T" '
	/^## Quick start/ { on = 1; next }
	/^## / { on = 0 }
	on && /^```sh$/ { n++; f = dir "/block." n; inb = 1; next }
	inb && /^```$/ { inb = 0; close(f); next }
	inb { print > f }
' "$README"
n=$(ls "$T"/block.* 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || { echo "Bail out! no sh block under the README's Quick start"; exit 1; }
plan $((n + 1))

esc() { printf '%s\n' "$1" | sed 's/[\/&|]/\\&/g'; }
cd "$TOP" || exit 1
i=1
while [ "$i" -le "$n" ]; do
	sed -e "s|build/bin/|$(esc "$BIN")/|g" \
	    -e "s|/tmp/mdkit-try|$(esc "$T/try")|g" "$T/block.$i" >"$T/run.$i"
	sh -e "$T/run.$i" >"$T/out.$i" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/out.$i" >&2
	is "$rc" 0 "README block $i ($(head -n 1 "$T/block.$i" | cut -c1-50)): exit 0"
	i=$((i + 1))
done

is "$(ls "$T/try/Maildir/.Friends/new" 2>/dev/null | wc -l)" 1 \
    "the Sieve example filed the welcome message into .Friends"
