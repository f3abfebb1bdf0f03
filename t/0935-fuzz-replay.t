#!/bin/sh
# Every fuzz target (t/fuzz/NAME.c) over its seeds (t/fuzz/corpus/NAME/)
# and over the inputs that once broke it (t/fuzz/crashes/NAME/), built
# with replay.c's main() instead of libFuzzer: each input runs through
# the target's invariants again, with the sanitizers in make check-asan.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/.." && pwd)
FUZZ=${MDKIT_FUZZ:-$SRC/build/fuzz}
names=$(cd "$SRC/t/fuzz" && ls ./*.c | sed 's,^\./,,; s,\.c$,,' |
    grep -v '^replay$')
plan $(($(echo "$names" | wc -l) * 2))

# replay NAME WHAT DIR: the target NAME over the files in DIR, which
# must all run; how many ran is compared with how many there are.
replay() {
	_bin=$FUZZ/replay-$1
	_want=$(find "$3" -maxdepth 1 -type f ! -name '.*' | wc -l)
	if [ ! -x "$_bin" ]; then
		ok 1 "$1: $2: no $_bin (make all-tests)"
		return
	fi
	"$_bin" -v "$3" >"$T/out" 2>"$T/err"
	_rc=$?
	if [ "$_rc" -ne 0 ]; then
		diag "replay-$1 exit $_rc; the last input run: $(tail -n 2 "$T/out" | head -n 1)"
		diag "$(tail -n 15 "$T/err")"
	fi
	is "$_rc:$(tail -n 1 "$T/out")" "0:$_want inputs" \
	    "$1: $2 ($_want) replayed, every invariant held"
}

for n in $names; do
	replay "$n" seeds "$SRC/t/fuzz/corpus/$n"
	if [ -d "$SRC/t/fuzz/crashes/$n" ] &&
	    [ -n "$(find "$SRC/t/fuzz/crashes/$n" -maxdepth 1 -type f ! -name '.*')" ]; then
		replay "$n" "saved crashes" "$SRC/t/fuzz/crashes/$n"
	else
		skip "$n: no saved crashes"
	fi
done
