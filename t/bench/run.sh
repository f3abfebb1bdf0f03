#!/bin/sh
# mdkit benchmark: md-deliver beside its floor, floor-deliver (only the
# system calls a safe Maildir delivery cannot avoid), measured in the
# same run, interleaved so that a noisy disk hurts both alike.
#
#   sh t/bench/run.sh [BUILDDIR]	(what `make bench` runs)
#
# Works in BUILDDIR/benchdir (on the real disk, not a tmpfs) and removes
# it at the end. Figures:
#   a) 1,000 single deliveries, one process per message (4 KiB message)
#   b) system calls for one single delivery (strace -c)
#   c) a 20,000-message mbox import (2 KiB messages), and its system
#      calls per message (strace -c on a 1,000-message import)
set -eu

B=$(cd "${1:-build}" && pwd)
MD=$B/bin/md-deliver
SPAWN=$B/bench/spawn
FLOOR=$B/bench/floor-deliver
MKMBOX=$B/bench/mkmbox
W=$B/benchdir
D=$W/Maildir

SINGLE_ROUNDS=10	# alternating rounds ...
SINGLE_PER_ROUND=100	# ... of this many deliveries per program
IMPORT=20000		# messages in the timed import
IMPORT_ROUNDS=2		# alternating rounds of the import
STRACE_IMPORT=1000	# messages in the strace'd import

die() {
	echo "bench: $*" >&2
	exit 1
}

for p in "$MD" "$SPAWN" "$FLOOR" "$MKMBOX"; do
	[ -x "$p" ] || die "$p: not built (run: make bench)"
done

rm -rf "$W"
mkdir -p "$W"
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

# A fresh, empty maildir; the old one's removal written out first, so
# that its writeback does not land in the next measurement.
fresh() {
	rm -rf "$D"
	mkdir -p "$D/tmp" "$D/new" "$D/cur"
	sync
}

count() {
	ls -A "$1" | wc -l | tr -d ' '
}

# check WHAT NEW CUR: exactly that many files in new/ and cur/, none in tmp/.
check() {
	n=$(count "$D/new")
	c=$(count "$D/cur")
	t=$(count "$D/tmp")
	[ "$n" -eq "$2" ] && [ "$c" -eq "$3" ] && [ "$t" -eq 0 ] ||
	    die "$1: new/ $n (want $2), cur/ $c (want $3), tmp/ $t (want 0)"
}

# seconds from spawn's line "N runs, T s, U us/run"
secs() {
	awk '{ print $3 }'
}

# us TOTAL_SECONDS MESSAGES
us() {
	awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", t * 1e6 / n }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

add() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'
}

# Total calls on the "total" line of strace -c output.
calls() {
	awk '$NF == "total" { print $4 }' "$1"
}

# Calls by name that differ between two strace -c outputs, each divided
# by N: "name  A  B".
diffcalls() {
	awk -v n="$3" '
	    FNR == 1 { f++ }
	    $NF == "total" || $NF == "syscall" || /^-/ { next }
	    { c[f, $NF] = $4; name[$NF] = 1 }
	    END {
		for (s in name)
			if (c[1, s] + 0 != c[2, s] + 0)
				printf "        %-12s %9.2f %9.2f\n", s,
				    c[1, s] / n, c[2, s] / n
	    }' "$1" "$2" | sort
}

"$MKMBOX" -1 -s 4096 >"$W/single.eml"
"$MKMBOX" -s 2048 "$IMPORT" >"$W/import.mbox"
"$MKMBOX" -s 2048 "$STRACE_IMPORT" >"$W/strace.mbox"
"$MKMBOX" -1 -s 2048 >"$W/one.eml"
SINGLE_BYTES=$(wc -c <"$W/single.eml" | tr -d ' ')
ONE_BYTES=$(wc -c <"$W/one.eml" | tr -d ' ')
# Every fourth mbox message has "Status: RO": it goes to cur/.
IMPORT_CUR=$((IMPORT / 4))
IMPORT_NEW=$((IMPORT - IMPORT_CUR))
STRACE_CUR=$((STRACE_IMPORT / 4))
STRACE_NEW=$((STRACE_IMPORT - STRACE_CUR))

echo "mdkit benchmark: $(uname -sr), $(nproc) CPUs," \
    "$(df -PT "$W" | awk 'NR == 2 { print $2 }') on" \
    "$(df -P "$W" | awk 'NR == 2 { print $1 }'), TZ=${TZ-unset}"
echo "md-deliver:    $MD"
echo "floor-deliver: open tmp/ O_EXCL, write, fsync, close, link new/," \
    "unlink tmp/, fsync new/"
echo

# Warm up (page cache, dentries) and check that a delivery is the
# message, byte for byte: no options means no added header.
fresh
"$MD" "$D" <"$W/single.eml"
check "md-deliver warm-up" 1 0
cmp -s "$W/single.eml" "$D"/new/* || die "md-deliver changed the message"
fresh
"$FLOOR" "$D" <"$W/single.eml"
check "floor-deliver warm-up" 1 0

# ---- a) single deliveries, one process per message ----
N=$((SINGLE_ROUNDS * SINGLE_PER_ROUND))
echo "a) $N single deliveries, one process per message" \
    "($SINGLE_BYTES-byte message on a pipe; $SINGLE_ROUNDS alternating" \
    "rounds of $SINGLE_PER_ROUND)"
T_MD=0
T_FL=0
r=1
while [ "$r" -le "$SINGLE_ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then order="md floor"; else order="floor md"; fi
	for p in $order; do
		fresh
		if [ "$p" = md ]; then
			out=$("$SPAWN" -n "$SINGLE_PER_ROUND" -m "$W/single.eml" \
			    -- "$MD" "$D")
			check "md-deliver round $r" "$SINGLE_PER_ROUND" 0
			T_MD=$(add "$T_MD" "$(echo "$out" | secs)")
		else
			out=$("$SPAWN" -n "$SINGLE_PER_ROUND" -m "$W/single.eml" \
			    -- "$FLOOR" "$D")
			check "floor-deliver round $r" "$SINGLE_PER_ROUND" 0
			T_FL=$(add "$T_FL" "$(echo "$out" | secs)")
		fi
		printf '   round %d %-6s %s\n' "$r" "$p" "$out"
	done
	r=$((r + 1))
done
A_MD=$(us "$T_MD" "$N")
A_FL=$(us "$T_FL" "$N")
A_R=$(ratio "$A_MD" "$A_FL")
echo "   md-deliver     $A_MD us/message"
echo "   floor-deliver  $A_FL us/message"
echo "   ratio md/floor $A_R"
echo

# ---- b) system calls of one single delivery ----
echo "b) system calls for one single delivery (strace -f -c, whole process)"
if command -v strace >/dev/null 2>&1; then
	fresh
	strace -f -c -o "$W/single.md.strace" "$MD" "$D" <"$W/single.eml"
	check "md-deliver under strace" 1 0
	fresh
	strace -f -c -o "$W/single.floor.strace" "$FLOOR" "$D" \
	    <"$W/single.eml"
	check "floor-deliver under strace" 1 0
	B_MD=$(calls "$W/single.md.strace")
	B_FL=$(calls "$W/single.floor.strace")
	B_R=$(ratio "$B_MD" "$B_FL")
	echo "   md-deliver     $B_MD calls"
	echo "   floor-deliver  $B_FL calls"
	echo "   ratio md/floor $B_R"
	echo "   calls that differ:     md-deliver     floor"
	diffcalls "$W/single.md.strace" "$W/single.floor.strace" 1
else
	B_MD=- B_FL=- B_R=-
	echo "   skipped: no strace"
fi
echo

# ---- c) mbox import ----
echo "c) import of a $IMPORT-message mbox ($ONE_BYTES-byte messages," \
    "$IMPORT_NEW to new/, $IMPORT_CUR to cur/; $IMPORT_ROUNDS alternating" \
    "rounds)"
echo "   floor:   floor-deliver -n $IMPORT, new/ synced after every message"
echo "   floor-b: floor-deliver -b -n $IMPORT, new/ synced once at the end," \
    "as md-deliver -M does"
T_MD=0
T_FL=0
T_FB=0
r=1
while [ "$r" -le "$IMPORT_ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then
		order="md floor floor-b"
	else
		order="floor-b floor md"
	fi
	for p in $order; do
		fresh
		case $p in
		md)
			out=$("$SPAWN" -n 1 -i "$W/import.mbox" -- "$MD" -M "$D")
			check "md-deliver -M round $r" "$IMPORT_NEW" "$IMPORT_CUR"
			T_MD=$(add "$T_MD" "$(echo "$out" | secs)")
			;;
		floor)
			out=$("$SPAWN" -n 1 -i "$W/one.eml" -- \
			    "$FLOOR" -n "$IMPORT" "$D")
			check "floor-deliver -n round $r" "$IMPORT" 0
			T_FL=$(add "$T_FL" "$(echo "$out" | secs)")
			;;
		floor-b)
			out=$("$SPAWN" -n 1 -i "$W/one.eml" -- \
			    "$FLOOR" -b -n "$IMPORT" "$D")
			check "floor-deliver -b -n round $r" "$IMPORT" 0
			T_FB=$(add "$T_FB" "$(echo "$out" | secs)")
			;;
		esac
		printf '   round %d %-7s %s s\n' "$r" "$p" "$(echo "$out" | secs)"
	done
	r=$((r + 1))
done
N=$((IMPORT * IMPORT_ROUNDS))
C_MD=$(us "$T_MD" "$N")
C_FL=$(us "$T_FL" "$N")
C_FB=$(us "$T_FB" "$N")
C_R=$(ratio "$C_MD" "$C_FL")
C_RB=$(ratio "$C_MD" "$C_FB")
echo "   md-deliver -M  $C_MD us/message"
echo "   floor          $C_FL us/message   ratio md/floor   $C_R"
echo "   floor-b        $C_FB us/message   ratio md/floor-b $C_RB"
echo

echo "   system calls per message, import of $STRACE_IMPORT" \
    "(strace -f -c, whole process / $STRACE_IMPORT)"
if command -v strace >/dev/null 2>&1; then
	fresh
	strace -f -c -o "$W/import.md.strace" "$MD" -M "$D" \
	    <"$W/strace.mbox"
	check "md-deliver -M under strace" "$STRACE_NEW" "$STRACE_CUR"
	fresh
	strace -f -c -o "$W/import.floor.strace" \
	    "$FLOOR" -n "$STRACE_IMPORT" "$D" <"$W/one.eml"
	check "floor-deliver -n under strace" "$STRACE_IMPORT" 0
	fresh
	strace -f -c -o "$W/import.floorb.strace" \
	    "$FLOOR" -b -n "$STRACE_IMPORT" "$D" <"$W/one.eml"
	check "floor-deliver -b -n under strace" "$STRACE_IMPORT" 0
	per() {
		awk -v c="$(calls "$1")" -v n="$STRACE_IMPORT" \
		    'BEGIN { printf "%.2f", c / n }'
	}
	S_MD=$(per "$W/import.md.strace")
	S_FL=$(per "$W/import.floor.strace")
	S_FB=$(per "$W/import.floorb.strace")
	S_R=$(ratio "$S_MD" "$S_FL")
	S_RB=$(ratio "$S_MD" "$S_FB")
	echo "   md-deliver -M  $S_MD calls/message"
	echo "   floor          $S_FL calls/message   ratio md/floor   $S_R"
	echo "   floor-b        $S_FB calls/message   ratio md/floor-b $S_RB"
	echo "   calls/message that differ:  md-deliver   floor-b"
	diffcalls "$W/import.md.strace" "$W/import.floorb.strace" \
	    "$STRACE_IMPORT"
else
	S_MD=- S_FL=- S_FB=- S_R=- S_RB=-
	echo "   skipped: no strace"
fi
fresh
echo

cat <<EOF
== summary                       md-deliver      floor   md/floor
single delivery, us/message  $(printf '%13s %10s %10s' "$A_MD" "$A_FL" "$A_R")
single delivery, calls       $(printf '%13s %10s %10s' "$B_MD" "$B_FL" "$B_R")
mbox import, us/message      $(printf '%13s %10s %10s' "$C_MD" "$C_FL" "$C_R")
  vs floor-b (one dir sync)  $(printf '%13s %10s %10s' "$C_MD" "$C_FB" "$C_RB")
mbox import, calls/message   $(printf '%13s %10s %10s' "$S_MD" "$S_FL" "$S_R")
  vs floor-b (one dir sync)  $(printf '%13s %10s %10s' "$S_MD" "$S_FB" "$S_RB")
EOF
