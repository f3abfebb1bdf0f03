#!/bin/sh
# mdkit benchmark: md-deliver beside its floor, floor-deliver (only the
# system calls a safe Maildir delivery cannot avoid), measured in the
# same run, interleaved so that a noisy disk hurts both alike.
#
#   sh t/bench/run.sh [BUILDDIR [SECTIONS]]	(what `make bench` runs;
#	SECTIONS, e.g. "d f", runs only those: `make bench BENCH=f`)
#
# Works in BUILDDIR/benchdir (on the real disk, not a tmpfs) and removes
# it at the end. Figures:
#   a) 1,000 single deliveries, one process per message (4 KiB message)
#   b) system calls for one single delivery (strace -c)
#   c) a 20,000-message mbox import (2 KiB messages), and its system
#      calls per message (strace -c on a 1,000-message import)
#   d) listing a 200,000-message maildir: md-list and md-list -s beside
#      floor-list (getdents64 and write(2), nothing else), warm cache,
#      and the system calls of each (strace -c)
#   e) md-flag -S on 100,000 unseen messages in one process beside
#      floor-rename (one rename(2) per message, nothing else), then again
#      over the same, now seen, messages (nothing to change), and the
#      system calls per message of both (strace -c on 10,000)
#   f) the header cache on a 100,000-message maildir with realistic,
#      varied headers (mkheaders): md-list --format '%d %f %s' without a
#      cache file, md-index building the cache from nothing, and md-list
#      with the cache (beside md-list --no-cache), each beside
#      floor-read4k (open each message, read its first 4 KiB, close),
#      warm cache; the system calls per message of the listings
#      (strace -c); then md-index after 100 deliveries: the message files
#      it opens (strace) and its time
#   g) single deliveries with a realistic 100-rule Sieve script
#      (t/bench/rules.sh body: lists, senders, subjects, a regex, one
#      body test) beside the same deliveries without a script and beside
#      floor-deliver, each round after one untimed delivery of its kind
#      (which makes the script's kept parse); the script may add at most
#      10 % to a delivery (issue 16)
#   h) md-sieve -e -n over 50,000 messages of varied headers (mkheaders)
#      with the 100 rules testing only the header (t/bench/rules.sh),
#      beside floor-read4k over the same messages; within 2x wanted
#      (issue 16)
set -eu
# Byte order for sort and ls, '.' in numbers.
LC_ALL=C
export LC_ALL

B=$(cd "${1:-build}" && pwd)
SECTIONS=${2:-a b c d e f g h}
# want X: is section X to run?
want() {
	case " $SECTIONS " in *" $1 "*) return 0 ;; esac
	return 1
}
MD=$B/bin/md-deliver
SPAWN=$B/bench/spawn
FLOOR=$B/bench/floor-deliver
MKMBOX=$B/bench/mkmbox
LIST=$B/bin/md-list
FLAG=$B/bin/md-flag
MKMAILDIR=$B/bench/mkmaildir
FLOOR_LIST=$B/bench/floor-list
FLOOR_RENAME=$B/bench/floor-rename
INDEX=$B/bin/md-index
MKHEADERS=$B/bench/mkheaders
FLOOR_READ=$B/bench/floor-read4k
SIEVE=$B/bin/md-sieve
RULES=$(dirname "$0")/rules.sh
W=$B/benchdir
D=$W/Maildir

SINGLE_ROUNDS=10	# alternating rounds ...
SINGLE_PER_ROUND=100	# ... of this many deliveries per program
IMPORT=20000		# messages in the timed import
IMPORT_ROUNDS=2		# alternating rounds of the import
STRACE_IMPORT=1000	# messages in the strace'd import
LIST_NEW=20000		# the listed maildir: messages in new/ ...
LIST_CUR=180000		# ... and in cur/ (about half of them seen)
LIST_ROUNDS=16		# alternating rounds ...
LIST_PER_ROUND=5	# ... of this many listings per program
FLAG_MSGS=100000	# unseen messages md-flag -S marks seen in one go
FLAG_ROUNDS=4		# alternating rounds, a fresh maildir for each run
SEEN_RUNS=5		# runs per round over the seen messages (no change)
STRACE_FLAG=10000	# messages in the strace'd md-flag runs
HDR_NEW=10000		# the header maildir: messages in new/ ...
HDR_CUR=90000		# ... and in cur/
HDR_FILES=4000		# distinct message files (the others hard links)
HDR_ROUNDS=4		# alternating rounds of the listings ...
HDR_PER_ROUND=2		# ... of this many runs per program
INDEX_ROUNDS=4		# alternating rounds of a cache build and a floor run
UPDATE_NEW=100		# deliveries before each md-index update
UPDATE_ROUNDS=3		# timed updates (one more is counted under strace)

die() {
	echo "bench: $*" >&2
	exit 1
}

for p in "$MD" "$SPAWN" "$FLOOR" "$MKMBOX" "$LIST" "$FLAG" \
    "$MKMAILDIR" "$FLOOR_LIST" "$FLOOR_RENAME" "$INDEX" "$MKHEADERS" \
    "$FLOOR_READ" "$SIEVE"; do
	[ -x "$p" ] || die "$p: not built (run: make bench)"
done

rm -rf "$W"
mkdir -p "$W"
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

# A fresh, empty maildir; the old one's removal written out first, so
# that its writeback does not land in the next measurement.
# The used one is moved aside, not deleted: on this kind of ext4 a mass
# delete slows file creation for minutes afterwards, which would favour
# whichever program ran first. Everything goes at exit.
fresh() {
	if [ -d "$D" ]; then
		mkdir -p "$W/used"
		mv "$D" "$W/used/$$.$(date +%s%N)"
	fi
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

# cpu: the CPU time (user and system, all threads) of spawn's output.
cpu() {
	awk '{ print $7 }'
}

# us TOTAL_SECONDS MESSAGES
us() {
	awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", t * 1e6 / n }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# ms TOTAL_SECONDS RUNS
ms() {
	awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", t * 1e3 / n }'
}

# us3 TOTAL_SECONDS MESSAGES: us with three decimals
us3() {
	awk -v t="$1" -v n="$2" 'BEGIN { printf "%.3f", t * 1e6 / n }'
}

# per_n COUNT N [FORMAT]: COUNT / N (default two decimals)
per_n() {
	awk -v c="$1" -v n="$2" -v f="${3:-%.2f}" 'BEGIN { printf f, c / n }'
}

lines() {
	wc -l <"$1" | tr -d ' '
}

add() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'
}

# Total calls on the "total" line of strace -c output.
calls() {
	awk '$NF == "total" { print $4 }' "$1"
}

# Calls by name that differ between two strace -c outputs, each divided
# by N and printed with FORMAT (default %9.2f): "name  A  B".
diffcalls() {
	awk -v n="$3" -v fmt="${4:-%9.2f}" '
	    FNR == 1 { f++ }
	    $NF == "total" || $NF == "syscall" || /^-/ { next }
	    { c[f, $NF] = $4; name[$NF] = 1 }
	    END {
		for (s in name)
			if (c[1, s] + 0 != c[2, s] + 0)
				printf "        %-12s " fmt " " fmt "\n", s,
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
if want a; then
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

fi
# ---- b) system calls of one single delivery ----
if want b; then
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

fi
# ---- c) mbox import ----
if want c; then
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

fi
# ---- d) listing a big maildir ----
if want d; then
LIST_MSGS=$((LIST_NEW + LIST_CUR))
DL=$W/list
echo "d) listing a $LIST_MSGS-message maildir ($LIST_NEW in new/, $LIST_CUR" \
    "in cur/), output to /dev/null, warm cache; $LIST_ROUNDS alternating" \
    "rounds of $LIST_PER_ROUND listings per program"
echo "   floor-list: getdents64 (1 MiB buffer) on new/ and cur/, a line per" \
    "entry, write(2) per 256 KiB"
"$MKMAILDIR" -n "$LIST_NEW" -c "$LIST_CUR" "$DL"
sync
# Warm-up, and the check: md-list's output is the floor's, byte for
# byte; md-list -s's is the floor's lines without S in the flags.
"$LIST" "$DL" >"$W/list.md" || die "md-list $DL failed"
"$LIST" -s "$DL" >"$W/list.md-s" || die "md-list -s $DL failed"
"$FLOOR_LIST" "$DL" >"$W/list.floor" || die "floor-list $DL failed"
n=$(lines "$W/list.floor")
[ "$n" -eq "$LIST_MSGS" ] || die "floor-list: $n lines, want $LIST_MSGS"
cmp -s "$W/list.md" "$W/list.floor" ||
    die "md-list's output is not floor-list's ($(lines "$W/list.md") lines)"
grep -v ':2,[A-Za-z]*S[A-Za-z]*$' "$W/list.floor" >"$W/list.unseen" || :
L_UNSEEN=$(lines "$W/list.unseen")
[ "$L_UNSEEN" -gt "$LIST_NEW" ] && [ "$L_UNSEEN" -lt "$LIST_MSGS" ] ||
    die "mkmaildir: $L_UNSEEN unseen of $LIST_MSGS, want about half"
cmp -s "$W/list.md-s" "$W/list.unseen" ||
    die "md-list -s: $(lines "$W/list.md-s") lines, not the" \
        "$L_UNSEEN unseen ones"
echo "   checked: md-list prints floor-list's $LIST_MSGS lines, md-list -s" \
    "the $L_UNSEEN unseen ones"
T_MD=0
T_MS=0
T_FL=0
r=1
while [ "$r" -le "$LIST_ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then
		order="md md-s floor"
	else
		order="floor md-s md"
	fi
	for p in $order; do
		case $p in
		md)
			out=$("$SPAWN" -n "$LIST_PER_ROUND" -i /dev/null -o /dev/null -- "$LIST" "$DL")
			T_MD=$(add "$T_MD" "$(echo "$out" | secs)")
			;;
		md-s)
			out=$("$SPAWN" -n "$LIST_PER_ROUND" -i /dev/null -o /dev/null -- \
			    "$LIST" -s "$DL")
			T_MS=$(add "$T_MS" "$(echo "$out" | secs)")
			;;
		floor)
			out=$("$SPAWN" -n "$LIST_PER_ROUND" -i /dev/null -o /dev/null -- \
			    "$FLOOR_LIST" "$DL")
			T_FL=$(add "$T_FL" "$(echo "$out" | secs)")
			;;
		esac
		printf '   round %2d %-6s %s ms/listing\n' "$r" "$p" \
		    "$(ms "$(echo "$out" | secs)" "$LIST_PER_ROUND")"
	done
	r=$((r + 1))
done
N=$((LIST_ROUNDS * LIST_PER_ROUND))
D_MD=$(ms "$T_MD" "$N")
D_MS=$(ms "$T_MS" "$N")
D_FL=$(ms "$T_FL" "$N")
D_R=$(ratio "$T_MD" "$T_FL")
D_RS=$(ratio "$T_MS" "$T_FL")
# over RATIO: a remark when RATIO misses the 1.05 target.
over() {
	awk -v r="$1" 'BEGIN { if (r > 1.05) print "   <- over the 1.05 target" }'
}
echo "   md-list        $D_MD ms/listing   ratio md/floor $D_R$(over "$D_R")"
echo "   md-list -s     $D_MS ms/listing   ratio md/floor $D_RS$(over "$D_RS")"
echo "   floor-list     $D_FL ms/listing"
echo

echo "   system calls per listing (strace -f -c, whole process)"
if command -v strace >/dev/null 2>&1; then
	strace -f -c -o "$W/list.md.strace" "$LIST" "$DL" >/dev/null ||
	    die "md-list under strace failed"
	strace -f -c -o "$W/list.md-s.strace" "$LIST" -s "$DL" >/dev/null ||
	    die "md-list -s under strace failed"
	strace -f -c -o "$W/list.floor.strace" "$FLOOR_LIST" "$DL" \
	    >/dev/null || die "floor-list under strace failed"
	E_MD=$(calls "$W/list.md.strace")
	E_MS=$(calls "$W/list.md-s.strace")
	E_FL=$(calls "$W/list.floor.strace")
	E_R=$(ratio "$E_MD" "$E_FL")
	E_RS=$(ratio "$E_MS" "$E_FL")
	echo "   md-list        $E_MD calls   ratio md/floor $E_R"
	echo "   md-list -s     $E_MS calls   ratio md/floor $E_RS" \
	    "($L_UNSEEN lines written, the floor's $LIST_MSGS)"
	echo "   floor-list     $E_FL calls"
	echo "   calls that differ:     md-list        floor"
	diffcalls "$W/list.md.strace" "$W/list.floor.strace" 1 %9d
	if ! cmp -s "$W/list.md.strace" "$W/list.md-s.strace" &&
	    [ "$E_MD" != "$E_MS" ]; then
		echo "   calls that differ:     md-list    md-list -s"
		diffcalls "$W/list.md.strace" "$W/list.md-s.strace" 1 %9d
	fi
else
	E_MD=- E_MS=- E_FL=- E_R=- E_RS=-
	echo "   skipped: no strace"
fi
rm -rf "$DL"
echo

fi
# ---- e) md-flag -S on many messages ----
if want e; then
DF=$W/flag
echo "e) md-flag -S -q on $FLAG_MSGS unseen messages in cur/ (paths on" \
    "stdin, one process; $FLAG_ROUNDS alternating rounds, a fresh maildir" \
    "for each run)"
echo "   floor-rename: reads the paths, renames each to its name with S" \
    "(rename(2), once per message)"
echo "   then again over the now seen messages, nothing to change" \
    "($SEEN_RUNS runs of each per round)"
"$MKMAILDIR" -U -p -n 0 -c "$FLAG_MSGS" "$DF" >"$W/flag.paths"
n=$(lines "$W/flag.paths")
[ "$n" -eq "$FLAG_MSGS" ] || die "mkmaildir -p: $n paths, want $FLAG_MSGS"
grep -q ':2,[A-Za-z]*S[A-Za-z]*$' "$W/flag.paths" &&
    die "mkmaildir -U: a message is seen already"
sed 's|.*/||; s|:.*||' "$W/flag.paths" | sort >"$W/flag.bases"
rm -f "$W/flag.ref"

# A fresh maildir of the same FLAG_MSGS unseen messages.
fresh_flag() {
	rm -rf "$DF"
	"$MKMAILDIR" -U -n 0 -c "$FLAG_MSGS" "$DF"
	sync
}

# check_flag WHAT: every message in cur/ seen, under its own base, and
# the names the same as after the first run checked (md-flag's and the
# floor's must agree).
check_flag() {
	n=$(count "$DF/cur")
	[ "$n" -eq "$FLAG_MSGS" ] && [ "$(count "$DF/new")" -eq 0 ] &&
	    [ "$(count "$DF/tmp")" -eq 0 ] ||
	    die "$1: cur/ $n (want $FLAG_MSGS), new/ $(count "$DF/new")," \
	        "tmp/ $(count "$DF/tmp") (want 0)"
	ls -A "$DF/cur" | sort >"$W/flag.now"
	n=$(grep -c ':2,[A-Za-z]*S[A-Za-z]*$' "$W/flag.now" || :)
	[ "$n" -eq "$FLAG_MSGS" ] ||
	    die "$1: $n of $FLAG_MSGS messages seen"
	sed 's|:.*||' "$W/flag.now" | sort | cmp -s - "$W/flag.bases" ||
	    die "$1: the bases changed"
	if [ -f "$W/flag.ref" ]; then
		cmp -s "$W/flag.now" "$W/flag.ref" ||
		    die "$1: names differ from the first run's" \
		        "(diff $W/flag.ref $W/flag.now)"
	else
		cp "$W/flag.now" "$W/flag.ref"
		sed "s|^|$DF/cur/|" "$W/flag.ref" >"$W/flag.seen"
	fi
}

T_MD=0
T_FL=0
T_MD2=0
T_FL2=0
r=1
while [ "$r" -le "$FLAG_ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then order="md floor"; else order="floor md"; fi
	for p in $order; do
		fresh_flag
		if [ "$p" = md ]; then
			out=$("$SPAWN" -n 1 -i "$W/flag.paths" -- \
			    "$FLAG" -S -q)
			check_flag "md-flag -S round $r"
			T_MD=$(add "$T_MD" "$(echo "$out" | secs)")
		else
			out=$("$SPAWN" -n 1 -i "$W/flag.paths" -- \
			    "$FLOOR_RENAME")
			check_flag "floor-rename round $r"
			T_FL=$(add "$T_FL" "$(echo "$out" | secs)")
		fi
		printf '   round %d %-6s %s us/message\n' "$r" "$p" \
		    "$(us "$(echo "$out" | secs)" "$FLAG_MSGS")"
		# Nothing to change now: both programs, in this round's order.
		for q in $order; do
			if [ "$q" = md ]; then
				out=$("$SPAWN" -n "$SEEN_RUNS" -i \
				    "$W/flag.seen" -- "$FLAG" -S -q)
				T_MD2=$(add "$T_MD2" "$(echo "$out" | secs)")
			else
				out=$("$SPAWN" -n "$SEEN_RUNS" -i \
				    "$W/flag.seen" -- "$FLOOR_RENAME")
				T_FL2=$(add "$T_FL2" "$(echo "$out" | secs)")
			fi
			printf '           %-6s %s us/message, nothing to' \
			    "$q" "$(us3 "$(echo "$out" | secs)" \
			    "$((SEEN_RUNS * FLAG_MSGS))")"
			echo " change"
		done
		check_flag "round $r after the runs with nothing to change"
	done
	r=$((r + 1))
done
N=$((FLAG_ROUNDS * FLAG_MSGS))
F_MD=$(us "$T_MD" "$N")
F_FL=$(us "$T_FL" "$N")
F_R=$(ratio "$T_MD" "$T_FL")
N=$((2 * FLAG_ROUNDS * SEEN_RUNS * FLAG_MSGS))
F_MD2=$(us3 "$T_MD2" "$N")
F_FL2=$(us3 "$T_FL2" "$N")
F_R2=$(ratio "$T_MD2" "$T_FL2")
echo "   md-flag -S     $F_MD us/message   ratio md/floor $F_R"
echo "   floor-rename   $F_FL us/message"
echo "   nothing to change:"
echo "   md-flag -S     $F_MD2 us/message   ratio md/floor $F_R2"
echo "   floor-rename   $F_FL2 us/message"
echo

echo "   system calls per message, $STRACE_FLAG messages (strace -f -c," \
    "whole process / $STRACE_FLAG)"
if command -v strace >/dev/null 2>&1; then
	DS=$W/flag-strace
	# strace_flag NAME PROG [ARG ...]: the first run and the second
	# (nothing to change) on a fresh maildir, each checked.
	strace_flag() {
		sname=$1
		shift
		rm -rf "$DS"
		"$MKMAILDIR" -U -p -n 0 -c "$STRACE_FLAG" "$DS" >"$W/fs.paths"
		sync
		strace -f -c -o "$W/flag.$sname.strace" "$@" <"$W/fs.paths" ||
		    die "$sname under strace failed"
		"$FLOOR_LIST" "$DS" >"$W/fs.seen"
		n=$(grep -c '/cur/.*:2,[A-Za-z]*S[A-Za-z]*$' "$W/fs.seen" || :)
		[ "$n" -eq "$STRACE_FLAG" ] && [ "$(count "$DS/cur")" -eq "$n" ] ||
		    die "$sname under strace: $n of $STRACE_FLAG seen"
		strace -f -c -o "$W/flag2.$sname.strace" "$@" <"$W/fs.seen" ||
		    die "$sname under strace (nothing to change) failed"
		"$FLOOR_LIST" "$DS" | cmp -s - "$W/fs.seen" ||
		    die "$sname under strace: nothing to change changed names"
	}
	strace_flag md "$FLAG" -S -q
	strace_flag floor "$FLOOR_RENAME"
	rm -rf "$DS"
	G_MD=$(per_n "$(calls "$W/flag.md.strace")" "$STRACE_FLAG")
	G_FL=$(per_n "$(calls "$W/flag.floor.strace")" "$STRACE_FLAG")
	G_R=$(ratio "$(calls "$W/flag.md.strace")" \
	    "$(calls "$W/flag.floor.strace")")
	G_MD2=$(per_n "$(calls "$W/flag2.md.strace")" "$STRACE_FLAG" %.4f)
	G_FL2=$(per_n "$(calls "$W/flag2.floor.strace")" "$STRACE_FLAG" %.4f)
	G_R2=$(ratio "$(calls "$W/flag2.md.strace")" \
	    "$(calls "$W/flag2.floor.strace")")
	echo "   md-flag -S     $G_MD calls/message   ratio md/floor $G_R"
	echo "   floor-rename   $G_FL calls/message"
	echo "   calls that differ (whole run):  md-flag      floor"
	diffcalls "$W/flag.md.strace" "$W/flag.floor.strace" 1 %9d
	echo "   nothing to change:"
	echo "   md-flag -S     $G_MD2 calls/message   ratio md/floor $G_R2"
	echo "   floor-rename   $G_FL2 calls/message"
	echo "   calls that differ (whole run):  md-flag      floor"
	diffcalls "$W/flag2.md.strace" "$W/flag2.floor.strace" 1 %9d
else
	G_MD=- G_FL=- G_R=- G_MD2=- G_FL2=- G_R2=-
	echo "   skipped: no strace"
fi
rm -rf "$DF"
echo

fi
# ---- f) the header cache: md-list --format and md-index ----
if want f; then
HDR_MSGS=$((HDR_NEW + HDR_CUR))
DH=$W/headers
FMT='%d %f %s'
echo "f) the header cache on a $HDR_MSGS-message maildir ($HDR_NEW in new/," \
    "$HDR_CUR in cur/, hard links to $HDR_FILES distinct messages with" \
    "varied headers; output to /dev/null, warm cache)"
echo "   floor-read4k: getdents64 on new/ and cur/ as floor-list, then per" \
    "message openat, one 4 KiB read, close; a line per message, write(2)" \
    "per 256 KiB"
HDR_STATS=$("$MKHEADERS" -s -d "$HDR_FILES" -n "$HDR_NEW" -c "$HDR_CUR" \
    "$DH") || die "mkheaders $DH failed"
echo "   corpus: $HDR_STATS"
sync
# cache_gone WHAT: there is no cache file now.
cache_gone() {
	[ ! -e "$DH/mdkit-cache" ] || die "$1: $DH/mdkit-cache is there"
}
# Warm-up and checks: the floor reads every message; md-list prints a
# line for each, decoded; with a cache it prints the same bytes.
"$INDEX" --drop "$DH" || die "md-index --drop $DH failed"
cache_gone "md-index --drop"
"$FLOOR_READ" "$DH" >"$W/hdr.floor" || die "floor-read4k $DH failed"
n=$(lines "$W/hdr.floor")
[ "$n" -eq "$HDR_MSGS" ] || die "floor-read4k: $n lines, want $HDR_MSGS"
"$LIST" --format "$FMT" "$DH" >"$W/hdr.nocache" ||
    die "md-list --format $DH failed"
cache_gone "md-list --format"
n=$(lines "$W/hdr.nocache")
[ "$n" -eq "$HDR_MSGS" ] || die "md-list --format: $n lines, want $HDR_MSGS"
"$INDEX" -q "$DH" || die "md-index $DH failed"
[ -f "$DH/mdkit-cache" ] || die "md-index made no $DH/mdkit-cache"
HDR_CACHE_KB=$(($(wc -c <"$DH/mdkit-cache") / 1024))
"$LIST" --format "$FMT" "$DH" >"$W/hdr.cached" ||
    die "md-list --format (cached) $DH failed"
cmp -s "$W/hdr.cached" "$W/hdr.nocache" ||
    die "md-list --format prints other lines with the cache" \
        "(diff $W/hdr.nocache $W/hdr.cached)"
"$LIST" --no-cache --format "$FMT" "$DH" | cmp -s - "$W/hdr.nocache" ||
    die "md-list --no-cache --format prints other lines than without a cache"
n=$(grep -c '=?' "$W/hdr.nocache" || :)
echo "   checked: md-list --format '$FMT' prints $HDR_MSGS lines, the same" \
    "with the cache ($HDR_CACHE_KB KiB), with --no-cache and without a" \
    "cache file; $n lines still show an encoded word"

# f1) no cache file: md-list --format beside the floor.
"$INDEX" --drop "$DH" || die "md-index --drop $DH failed"
sync
echo "   1. md-list --format '$FMT', no cache file;" \
    "$HDR_ROUNDS alternating rounds of $HDR_PER_ROUND runs per program"
T_MD=0
T_FL=0
r=1
while [ "$r" -le "$HDR_ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then order="md floor"; else order="floor md"; fi
	for p in $order; do
		if [ "$p" = md ]; then
			out=$("$SPAWN" -n "$HDR_PER_ROUND" -i /dev/null \
			    -o /dev/null -- "$LIST" --format "$FMT" "$DH")
			T_MD=$(add "$T_MD" "$(echo "$out" | secs)")
		else
			out=$("$SPAWN" -n "$HDR_PER_ROUND" -i /dev/null \
			    -o /dev/null -- "$FLOOR_READ" "$DH")
			T_FL=$(add "$T_FL" "$(echo "$out" | secs)")
		fi
		printf '      round %d %-6s %s ms/run\n' "$r" "$p" \
		    "$(ms "$(echo "$out" | secs)" "$HDR_PER_ROUND")"
	done
	r=$((r + 1))
done
cache_gone "md-list --format rounds"
N=$((HDR_ROUNDS * HDR_PER_ROUND))
H_MD=$(ms "$T_MD" "$N")
H_FL=$(ms "$T_FL" "$N")
H_R=$(ratio "$T_MD" "$T_FL")
# within LIMIT RATIO: a remark when RATIO misses the issue's target.
within() {
	awk -v r="$2" -v l="$1" \
	    'BEGIN { if (r > l) printf "   <- over the %s target", l }'
}
echo "      md-list        $H_MD ms/run" \
    "($(us "$T_MD" "$((N * HDR_MSGS))") us/message)   ratio md/floor" \
    "$H_R$(within 1.30 "$H_R")"
echo "      floor-read4k   $H_FL ms/run" \
    "($(us "$T_FL" "$((N * HDR_MSGS))") us/message)"

# f2) building the cache from nothing, beside the floor: md-index as it
# runs (a reader thread per CPU), and with one reader (-j 1); wall time,
# and the CPU time (user and system, all threads) beside.
echo "   2. md-index -q from nothing (after md-index --drop and sync; it" \
    "writes and fsyncs a $HDR_CACHE_KB KiB cache), as it runs (reader" \
    "threads: one per CPU, here $(getconf _NPROCESSORS_ONLN)) and with" \
    "-j 1; $INDEX_ROUNDS alternating rounds of one run per program"
T_MD=0 T_M1=0 T_FL=0 C_MDX=0 C_M1=0 C_FLX=0
# index_once ARGS...: one timed md-index run from nothing.
index_once() {
	"$INDEX" --drop "$DH" || die "md-index --drop failed"
	sync
	out=$("$SPAWN" -n 1 -i /dev/null -- "$INDEX" -q "$@" "$DH")
	[ -f "$DH/mdkit-cache" ] || die "md-index $* made no cache"
}
r=1
while [ "$r" -le "$INDEX_ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then
		order="md md-j1 floor"
	else
		order="floor md-j1 md"
	fi
	for p in $order; do
		case $p in
		md)
			index_once
			T_MD=$(add "$T_MD" "$(echo "$out" | secs)")
			C_MDX=$(add "$C_MDX" "$(echo "$out" | cpu)")
			;;
		md-j1)
			index_once -j 1
			T_M1=$(add "$T_M1" "$(echo "$out" | secs)")
			C_M1=$(add "$C_M1" "$(echo "$out" | cpu)")
			;;
		floor)
			out=$("$SPAWN" -n 1 -i /dev/null -o /dev/null -- \
			    "$FLOOR_READ" "$DH")
			T_FL=$(add "$T_FL" "$(echo "$out" | secs)")
			C_FLX=$(add "$C_FLX" "$(echo "$out" | cpu)")
			;;
		esac
		printf '      round %d %-6s %s ms/run, cpu %s ms\n' "$r" "$p" \
		    "$(ms "$(echo "$out" | secs)" 1)" \
		    "$(ms "$(echo "$out" | cpu)" 1)"
	done
	r=$((r + 1))
done
"$LIST" --format "$FMT" "$DH" | cmp -s - "$W/hdr.nocache" ||
    die "md-list --format prints other lines with the rebuilt cache"
I_MD=$(ms "$T_MD" "$INDEX_ROUNDS")
I_M1=$(ms "$T_M1" "$INDEX_ROUNDS")
I_FL=$(ms "$T_FL" "$INDEX_ROUNDS")
I_R=$(ratio "$T_MD" "$T_FL")
I_R1=$(ratio "$T_M1" "$T_FL")
I_CM=$(ms "$C_MDX" "$INDEX_ROUNDS")
I_C1=$(ms "$C_M1" "$INDEX_ROUNDS")
I_CF=$(ms "$C_FLX" "$INDEX_ROUNDS")
I_RC=$(ratio "$C_MDX" "$C_FLX")
I_RC1=$(ratio "$C_M1" "$C_FLX")
echo "      md-index       $I_MD ms/run" \
    "($(us "$T_MD" "$((INDEX_ROUNDS * HDR_MSGS))") us/message)" \
    "  ratio md/floor $I_R$(within 2 "$I_R");" \
    "cpu $I_CM ms, ratio $I_RC"
echo "      md-index -j 1  $I_M1 ms/run   ratio md/floor $I_R1$(within 2 \
    "$I_R1"); cpu $I_C1 ms, ratio $I_RC1"
echo "      floor-read4k   $I_FL ms/run; cpu $I_CF ms"

# f3) with the cache: md-list --format beside --no-cache and the floor.
sync
echo "   3. md-list --format '$FMT' with the cache, beside md-list" \
    "--no-cache and the floor; $HDR_ROUNDS alternating rounds of" \
    "$HDR_PER_ROUND runs per program"
T_MC=0
T_MN=0
T_FL=0
r=1
while [ "$r" -le "$HDR_ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then
		order="cached nocache floor"
	else
		order="floor nocache cached"
	fi
	for p in $order; do
		case $p in
		cached)
			out=$("$SPAWN" -n "$HDR_PER_ROUND" -i /dev/null \
			    -o /dev/null -- "$LIST" --format "$FMT" "$DH")
			T_MC=$(add "$T_MC" "$(echo "$out" | secs)")
			;;
		nocache)
			out=$("$SPAWN" -n "$HDR_PER_ROUND" -i /dev/null \
			    -o /dev/null -- "$LIST" --no-cache --format "$FMT" \
			    "$DH")
			T_MN=$(add "$T_MN" "$(echo "$out" | secs)")
			;;
		floor)
			out=$("$SPAWN" -n "$HDR_PER_ROUND" -i /dev/null \
			    -o /dev/null -- "$FLOOR_READ" "$DH")
			T_FL=$(add "$T_FL" "$(echo "$out" | secs)")
			;;
		esac
		printf '      round %d %-7s %s ms/run\n' "$r" "$p" \
		    "$(ms "$(echo "$out" | secs)" "$HDR_PER_ROUND")"
	done
	r=$((r + 1))
done
N=$((HDR_ROUNDS * HDR_PER_ROUND))
K_MC=$(ms "$T_MC" "$N")
K_MN=$(ms "$T_MN" "$N")
K_FL=$(ms "$T_FL" "$N")
K_R=$(ratio "$T_MC" "$T_FL")
K_RN=$(ratio "$T_MC" "$T_MN")
K_X=$(ratio "$T_MN" "$T_MC")
echo "      md-list        $K_MC ms/run   ratio cached/floor" \
    "$K_R$(within 1 "$K_R")"
echo "      --no-cache     $K_MN ms/run   the cached run is $K_X times" \
    "faster$(awk -v x="$K_X" \
    'BEGIN { if (x < 10) print "   <- under the 10x target" }')"
echo "      floor-read4k   $K_FL ms/run"

echo "   system calls per message, md-list --format '$FMT' (strace -f -c," \
    "whole process / $HDR_MSGS)"
if command -v strace >/dev/null 2>&1; then
	strace -f -c -o "$W/hdr.cached.strace" \
	    "$LIST" --format "$FMT" "$DH" >/dev/null ||
	    die "md-list --format under strace failed"
	strace -f -c -o "$W/hdr.nocache.strace" \
	    "$LIST" --no-cache --format "$FMT" "$DH" >/dev/null ||
	    die "md-list --no-cache --format under strace failed"
	strace -f -c -o "$W/hdr.floor.strace" "$FLOOR_READ" "$DH" \
	    >/dev/null || die "floor-read4k under strace failed"
	J_MC=$(per_n "$(calls "$W/hdr.cached.strace")" "$HDR_MSGS" %.4f)
	J_MN=$(per_n "$(calls "$W/hdr.nocache.strace")" "$HDR_MSGS")
	J_FL=$(per_n "$(calls "$W/hdr.floor.strace")" "$HDR_MSGS")
	J_R=$(ratio "$(calls "$W/hdr.cached.strace")" \
	    "$(calls "$W/hdr.floor.strace")")
	J_RN=$(ratio "$(calls "$W/hdr.nocache.strace")" \
	    "$(calls "$W/hdr.floor.strace")")
	echo "      cached         $J_MC calls/message   ratio md/floor $J_R" \
	    "($(calls "$W/hdr.cached.strace") calls)"
	echo "      --no-cache     $J_MN calls/message   ratio md/floor $J_RN"
	echo "      floor-read4k   $J_FL calls/message"
	echo "      calls that differ (whole run):  --no-cache   floor"
	diffcalls "$W/hdr.nocache.strace" "$W/hdr.floor.strace" 1 %9d
	echo "      calls that differ (whole run):  cached       floor"
	diffcalls "$W/hdr.cached.strace" "$W/hdr.floor.strace" 1 %9d
else
	J_MC=- J_MN=- J_FL=- J_R=- J_RN=-
	echo "      skipped: no strace"
fi

# f4) updating after deliveries: only the new messages are read.
echo "   4. md-index -q after $UPDATE_NEW deliveries (md-deliver, one" \
    "process each, copies of messages of the corpus); $UPDATE_ROUNDS" \
    "timed updates, then one counted (strace -f -e trace=openat,open)"
# The messages to deliver: UPDATE_NEW of cur/, spread out.
ls "$DH/cur" | awk -v n="$UPDATE_NEW" 'NR % 97 == 1 && c < n { print; c++ }' \
    >"$W/hdr.deliver"
n=$(lines "$W/hdr.deliver")
[ "$n" -eq "$UPDATE_NEW" ] || die "$n messages to deliver, want $UPDATE_NEW"
# deliver_some: UPDATE_NEW deliveries into the indexed maildir.
deliver_some() {
	while read -r f; do
		"$MD" "$DH" <"$DH/cur/$f" || die "md-deliver $DH failed"
	done <"$W/hdr.deliver"
	sync
}
"$INDEX" -q "$DH" || die "md-index $DH failed"
T_MD=0
r=1
while [ "$r" -le "$UPDATE_ROUNDS" ]; do
	deliver_some
	out=$("$SPAWN" -n 1 -i /dev/null -- "$INDEX" -q "$DH")
	T_MD=$(add "$T_MD" "$(echo "$out" | secs)")
	printf '      update %d         %s ms\n' "$r" \
	    "$(ms "$(echo "$out" | secs)" 1)"
	r=$((r + 1))
done
U_MD=$(ms "$T_MD" "$UPDATE_ROUNDS")
out=$("$SPAWN" -n "$UPDATE_ROUNDS" -i /dev/null -- "$INDEX" -q "$DH")
U_NONE=$(ms "$(echo "$out" | secs)" "$UPDATE_ROUNDS")
deliver_some
U_MSGS=$((HDR_MSGS + (UPDATE_ROUNDS + 1) * UPDATE_NEW))
n=$(($(count "$DH/new") + $(count "$DH/cur")))
[ "$n" -eq "$U_MSGS" ] || die "after the deliveries: $n messages, want $U_MSGS"
if command -v strace >/dev/null 2>&1; then
	# -y: each open's result shows the path opened; a message file is
	# one directly under new/ or cur/ (the directories do not count).
	strace -f -y -e trace=openat,open -o "$W/hdr.update.strace" \
	    "$INDEX" -q "$DH" || die "md-index under strace failed"
	U_READ=$(awk -v p="$(cd "$DH" && pwd -P)/" '
	    {
		i = index($0, ") = ")
		if (i == 0)
			next
		r = substr($0, i + 4)
		if (r !~ /^[0-9]+</)
			next
		r = substr(r, index(r, "<") + 1)
		sub(/>$/, "", r)
		if (substr(r, 1, length(p)) != p)
			next
		if (substr(r, length(p) + 1) ~ /^(new|cur)\/[^\/]+$/)
			n++
	    }
	    END { print n + 0 }' "$W/hdr.update.strace")
else
	"$INDEX" -q "$DH" || die "md-index $DH failed"
	U_READ=-
fi
"$INDEX" --check "$DH" >/dev/null ||
    die "md-index --check: the updated cache is not the maildir's"
"$LIST" --format "$FMT" "$DH" >"$W/hdr.cached" ||
    die "md-list --format (updated cache) failed"
"$LIST" --no-cache --format "$FMT" "$DH" | cmp -s - "$W/hdr.cached" ||
    die "md-list --format: the updated cache lists other lines"
echo "      files read: $U_READ of $UPDATE_NEW new ($U_MSGS messages in the" \
    "maildir)$([ "$U_READ" = "$UPDATE_NEW" ] || [ "$U_READ" = - ] ||
    echo "   <- not $UPDATE_NEW")"
echo "      md-index       $U_MD ms/update" \
    "($U_NONE ms with nothing new; checked with md-index --check and" \
    "md-list --no-cache)"
rm -rf "$DH"
echo

fi

row() {
	printf '%-33s%9s %10s %10s\n' "$@"
}
# ---- g) single deliveries with a 100-rule Sieve script ----
if want g; then
N=$((SINGLE_ROUNDS * SINGLE_PER_ROUND))
echo "g) $N single deliveries with a 100-rule Sieve script, beside $N" \
    "without and $N of floor-deliver"
sh "$RULES" body >"$W/rules.sieve"
"$B/bin/md-sieve" -c "$W/rules.sieve" || die "the bench script does not compile"
T_SV=0
T_NO=0
T_FL=0
r=1
while [ "$r" -le "$SINGLE_ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then order="sieve plain floor"; else order="floor plain sieve"; fi
	for p in $order; do
		fresh
		# One untimed delivery of each kind first: for Sieve it
		# makes the script's kept parse, once, as the first
		# delivery after an edit does (mdkit.7, Sieve state).
		case $p in
		sieve) "$MD" --sieve "$W/rules.sieve" "$D" <"$W/single.eml"
			out=$("$SPAWN" -n "$SINGLE_PER_ROUND" -m "$W/single.eml" \
			    -- "$MD" --sieve "$W/rules.sieve" "$D")
			check "md-deliver --sieve round $r" $((SINGLE_PER_ROUND + 1)) 0
			T_SV=$(add "$T_SV" "$(echo "$out" | secs)") ;;
		plain) "$MD" "$D" <"$W/single.eml"
			out=$("$SPAWN" -n "$SINGLE_PER_ROUND" -m "$W/single.eml" \
			    -- "$MD" "$D")
			check "md-deliver round $r" $((SINGLE_PER_ROUND + 1)) 0
			T_NO=$(add "$T_NO" "$(echo "$out" | secs)") ;;
		floor) "$FLOOR" "$D" <"$W/single.eml"
			out=$("$SPAWN" -n "$SINGLE_PER_ROUND" -m "$W/single.eml" \
			    -- "$FLOOR" "$D")
			check "floor-deliver round $r" $((SINGLE_PER_ROUND + 1)) 0
			T_FL=$(add "$T_FL" "$(echo "$out" | secs)") ;;
		esac
		printf '   round %d %-6s %s\n' "$r" "$p" "$out"
	done
	r=$((r + 1))
done
Q_SV=$(us "$T_SV" "$N")
Q_NO=$(us "$T_NO" "$N")
Q_FL=$(us "$T_FL" "$N")
Q_R=$(ratio "$Q_SV" "$Q_NO")
Q_RF=$(ratio "$Q_SV" "$Q_FL")
echo "   md-deliver --sieve  $Q_SV us/message"
echo "   md-deliver          $Q_NO us/message"
echo "   floor-deliver       $Q_FL us/message"
echo "   ratio sieve/plain   $Q_R (at most 1.10 wanted)"
echo
fi

# ---- h) md-sieve -e over a maildir, a header-only script ----
SV_MSGS=50000	# messages md-sieve -e runs the script over ...
SV_ROUNDS=4	# ... in alternating rounds with floor-read4k
if want h; then
DS=$W/sieve-e
echo "h) md-sieve -e -n with 100 header rules over $SV_MSGS messages" \
    "(mkheaders: 5,000 in new/, the rest in cur/, 4,000 distinct), beside" \
    "floor-read4k over them; output to /dev/null, warm cache"
"$MKHEADERS" -d 4000 -n 5000 -c $((SV_MSGS - 5000)) "$DS" >/dev/null ||
    die "mkheaders $DS failed"
sh "$RULES" >"$W/header-rules.sieve"
"$SIEVE" -e "$W/header-rules.sieve" -n "$DS" >"$W/sieve-e.out" ||
    die "md-sieve -e -n $DS failed"
n=$(lines "$W/sieve-e.out")
[ "$n" -eq "$SV_MSGS" ] || die "md-sieve -e -n: $n lines, want $SV_MSGS"
echo "   checked: a line per message; $(grep -c '	fileinto	' \
    "$W/sieve-e.out" || :) filed into a folder, the others kept"
"$FLOOR_READ" "$DS" >/dev/null || die "floor-read4k $DS failed"
T_SE=0
T_FL=0
r=1
while [ "$r" -le "$SV_ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then order="md floor"; else order="floor md"; fi
	for p in $order; do
		if [ "$p" = md ]; then
			out=$("$SPAWN" -n 1 -i /dev/null -o /dev/null -- \
			    "$SIEVE" -e "$W/header-rules.sieve" -n "$DS")
			T_SE=$(add "$T_SE" "$(echo "$out" | secs)")
		else
			out=$("$SPAWN" -n 1 -i /dev/null -o /dev/null -- \
			    "$FLOOR_READ" "$DS")
			T_FL=$(add "$T_FL" "$(echo "$out" | secs)")
		fi
		printf '   round %d %-6s %s ms\n' "$r" "$p" \
		    "$(ms "$(echo "$out" | secs)" 1)"
	done
	r=$((r + 1))
done
L_SE=$(ms "$T_SE" "$SV_ROUNDS")
L_FL=$(ms "$T_FL" "$SV_ROUNDS")
L_R=$(ratio "$T_SE" "$T_FL")
echo "   md-sieve -e -n  $L_SE ms/run ($(us "$T_SE" \
    "$((SV_ROUNDS * SV_MSGS))") us/message)   ratio $L_R (at most 2 wanted)"
echo "   floor-read4k    $L_FL ms/run ($(us "$T_FL" \
    "$((SV_ROUNDS * SV_MSGS))") us/message)"
echo
fi

echo "== summary                           mdkit      floor   md/floor"
row "single delivery, us/message" "${A_MD:--}" "${A_FL:--}" "${A_R:--}"
row "single delivery, calls" "${B_MD:--}" "${B_FL:--}" "${B_R:--}"
row "  with 100 Sieve rules, us/msg" "${Q_SV:--}" "${Q_FL:--}" "${Q_RF:--}"
row "  vs md-deliver without" "${Q_SV:--}" "${Q_NO:--}" "${Q_R:--}"
row "md-sieve -e, 100 rules, ms/run" "${L_SE:--}" "${L_FL:--}" "${L_R:--}"
row "mbox import, us/message" "${C_MD:--}" "${C_FL:--}" "${C_R:--}"
row "  vs floor-b (one dir sync)" "${C_MD:--}" "${C_FB:--}" "${C_RB:--}"
row "mbox import, calls/message" "${S_MD:--}" "${S_FL:--}" "${S_R:--}"
row "  vs floor-b (one dir sync)" "${S_MD:--}" "${S_FB:--}" "${S_RB:--}"
row "md-list, ms/listing" "${D_MD:--}" "${D_FL:--}" "${D_R:--}"
row "md-list -s, ms/listing" "${D_MS:--}" "${D_FL:--}" "${D_RS:--}"
row "md-list, calls/listing" "${E_MD:--}" "${E_FL:--}" "${E_R:--}"
row "md-list -s, calls/listing" "${E_MS:--}" "${E_FL:--}" "${E_RS:--}"
row "md-flag -S, us/message" "${F_MD:--}" "${F_FL:--}" "${F_R:--}"
row "md-flag -S, calls/message" "${G_MD:--}" "${G_FL:--}" "${G_R:--}"
row "  nothing to change, us/message" "${F_MD2:--}" "${F_FL2:--}" "${F_R2:--}"
row "  nothing to change, calls/msg" "${G_MD2:--}" "${G_FL2:--}" "${G_R2:--}"
row "md-list --format, no cache, ms" "${H_MD:--}" "${H_FL:--}" "${H_R:--}"
row "md-index from nothing, ms" "${I_MD:--}" "${I_FL:--}" "${I_R:--}"
row "  with -j 1 (one reader), ms" "${I_M1:--}" "${I_FL:--}" "${I_R1:--}"
row "  cpu (all threads), ms" "${I_CM:--}" "${I_CF:--}" "${I_RC:--}"
row "  cpu with -j 1, ms" "${I_C1:--}" "${I_CF:--}" "${I_RC1:--}"
row "md-list --format, cached, ms" "${K_MC:--}" "${K_FL:--}" "${K_R:--}"
row "  vs md-list --no-cache" "${K_MC:--}" "${K_MN:--}" "${K_RN:--}"
row "  cached, calls/message" "${J_MC:--}" "${J_FL:--}" "${J_R:--}"
row "  --no-cache, calls/message" "${J_MN:--}" "${J_FL:--}" "${J_RN:--}"
if [ "${U_READ:--}" = - ]; then U_R=-; else U_R=$(ratio "$U_READ" "$UPDATE_NEW"); fi
row "md-index update, files read" "${U_READ:--}" "${UPDATE_NEW:--}" "${U_R:--}"
echo "(md-list: $((LIST_NEW + LIST_CUR)) messages; md-flag: $FLAG_MSGS timed," \
    "$STRACE_FLAG under strace; header cache: $((HDR_NEW + HDR_CUR))" \
    "messages, --format '%d %f %s')"
