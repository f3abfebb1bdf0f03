# t/crash/power.sh: power cuts, after ALICE. Sourced after t/lib.sh and
# t/crash/lib.sh by t/0982-power.t (bounded) and make stress-power.
#
# Each scenario makes a fixture, copies it, runs one operation under
# strace, and hands the trace and the copy to t/crash/power.pl, which
# builds every state a power cut could leave and judges each (see
# t/crash/README). Two TAP tests a scenario (POWER_TESTS); a row of make
# stress's table when MDKIT_STRESS_ROWS names a file.
#
# MDKIT_POWER_MAX: states tried at most at one point of a run (all of
# them when there are fewer); MDKIT_POWER_MESSAGES: messages a move
# moves and an index run adds; MDKIT_POWER_ZMAX: the most bytes of a
# message body (ZMAX of lib.sh; 3000, so that traces stay short).

POWER_PL=$(dirname "$0")/crash/power.pl
POWER_MAX=${MDKIT_POWER_MAX:-64}
POWER_N=${MDKIT_POWER_MESSAGES:-2}
ZMAX=${MDKIT_POWER_ZMAX:-3000}
POWER_TESTS=2

# p_record DIR ROOT... -- CMD...: copies of each ROOT in DIR/before/,
# then CMD under strace (its stdin DIR/in when there is one), the trace
# in DIR/trace, the exit status in PRC. Sets P_ROOTS (--root options).
p_record() {
	p_d=$1
	shift
	P_ROOTS=
	p_i=0
	mkdir -p "$p_d/before"
	while [ "$1" != -- ]; do
		cp -a "$1" "$p_d/before/$p_i" || exit 1
		P_ROOTS="$P_ROOTS --root=$1=$p_d/before/$p_i"
		p_i=$((p_i + 1))
		shift
	done
	shift
	[ -f "$p_d/in" ] || : >"$p_d/in"
	strace -f -qq -y -x -s 1048576 -o "$p_d/trace" "$@" \
	    <"$p_d/in" >"$p_d/out" 2>"$p_d/err"
	PRC=$?
}

# p_judge NAME DIR TRACE [power.pl OPTION...]: power.pl over TRACE; its
# summary in PSUM, its exit status in PST, counts in P_LOST P_DUP P_PART
# P_UNEXP P_STATES.
p_judge() {
	p_name=$1
	p_d=$2
	p_t=$3
	shift 3
	# shellcheck disable=SC2086
	perl "$POWER_PL" $P_ROOTS --scratch="$p_d/scratch" --msg="$MSG" \
	    --bin="$BIN" --prefix="$TRACE" --max="$POWER_MAX" \
	    --seed="$CRASH_SEED" --name="$p_name" --rc="$PRC" "$@" "$p_t" \
	    >"$p_d/judged" 2>"$p_d/judge.err"
	PST=$?
	PSUM=$(tail -n 1 "$p_d/judged")
	# shellcheck disable=SC2046
	set -- $(echo "$PSUM" | sed -n \
	    's/.* \([0-9]*\) states: \([0-9]*\) lost, \([0-9]*\) duplicated, \([0-9]*\) partial, \([0-9]*\) unexpected$/\1 \2 \3 \4 \5/p')
	P_STATES=${1:-0} P_LOST=${2:-0} P_DUP=${3:-0} P_PART=${4:-0} P_UNEXP=${5:-0}
}

# p_report NAME DIR MESSAGES NOTE [power.pl OPTION...]: the run exited
# 0, and power.pl found no violation in any state.
p_report() {
	p_rname=power-$1
	p_d=$2
	p_msgs=$3
	p_note=$4
	shift 4
	is "$PRC" "${P_RC:-0}" "$p_rname: the recorded run exits ${P_RC:-0}" ||
	    diag "$(cat "$p_d/err")"
	p_judge "$p_rname" "$p_d" "$p_d/trace" "$@"
	is "$PST" 0 "$PSUM" ||
	    diag "$(head -n 20 "$p_d/judged" "$p_d/judge.err")"
	row "$p_rname" 1 "$p_msgs" "$P_STATES states" "$P_LOST" \
	    "$P_DUP" "$P_PART" "$((P_UNEXP + (PST > 1)))" "$p_note"
}

# p_gen ID: a message, small enough for traces to stay short.
p_gen() {
	"$MSG" gen -z "$ZMAX" "$1"
}

# p_other: a directory on another file system (P_OTHER), else one in DIR.
p_other() {
	P_OTHER=$(other_fs_dir) && cleanup_also "$P_OTHER" && return 0
	P_OTHER=$1/other
	mkdir -p "$P_OTHER"
	return 1
}

# p_fixture NAME [OPTION...]: the scenario's directory p_d, its root
# p_d/R, LOG, and M = p_d/R/M made by md-mkdir with OPTIONs ("-": no M).
p_fixture() {
	p_d=$T/power/$1
	M=$p_d/R/M
	LOG=$p_d/log
	shift
	mkdir -p "$p_d/R"
	[ "$*" = - ] || "$BIN/md-mkdir" "$@" "$M" || exit 1
}

# (a) One message into a maildir with a quota, two there before.
power_deliver() {
	p_fixture deliver -q 10G,1000C
	deliver_ok "$M" old-1 && deliver_ok "$M" old-2 || exit 1
	p_gen a-1 >"$p_d/in"
	p_record "$p_d" "$p_d/R" -- "$MD" -r s@x -d r@y "$M"
	p_report deliver "$p_d" 3 "md-deliver into a quota'd maildir" \
	    --maildir="$M" --want="a-1=$M"
}

# (b) One message into two maildirs and one on another file system.
power_multi() {
	p_d=$T/power/multi
	mkdir -p "$p_d/R"
	p_note="2 maildirs and 1 on another file system (a copy)"
	p_other "$p_d" || p_note="3 maildirs (no other file system here)"
	M1=$p_d/R/M1 M2=$p_d/R/M2 M3=$P_OTHER/M3
	mkmaildir "$M1" "$M2" "$M3"
	p_gen b-1 >"$p_d/in"
	p_record "$p_d" "$p_d/R" "$P_OTHER" -- "$MD" -r s@x -d r@y \
	    "$M1" "$M2" "$M3"
	p_report multi "$p_d" 3 "$p_note" --maildir="$M1" --maildir="$M2" \
	    --maildir="$M3" --want="b-1=$M1,$M2,$M3"
}

# (c) md-move of POWER_N messages to another file system.
power_movex() {
	p_d=$T/power/movex
	mkdir -p "$p_d/R"
	p_note="$POWER_N messages to another file system (copies)"
	p_other "$p_d" || p_note="$POWER_N messages (no other file system here)"
	M=$p_d/R/M N=$P_OTHER/N
	mkmaildir "$M" "$N"
	LOG=$p_d/log
	p_want=
	p_i=1
	while [ "$p_i" -le "$POWER_N" ]; do
		deliver_ok "$M" "c-$p_i" || exit 1
		p_want="$p_want --want=c-$p_i=$N"
		p_i=$((p_i + 1))
	done
	p_record "$p_d" "$p_d/R" "$P_OTHER" -- "$BIN/md-move" -q -t "$N" \
	    "$M"/new/*
	P_MOVEX_ROOTS=$P_ROOTS P_MOVEX_N=$N P_MOVEX_WANT=$p_want
	# shellcheck disable=SC2086
	p_report movex "$p_d" "$POWER_N" "$p_note" --maildir="$M" \
	    --maildir="$N" $p_want
}

# (d) md-index bringing a cache up to date: POWER_N messages more.
power_index() {
	p_fixture index
	deliver_ok "$M" d-old-1 && deliver_ok "$M" d-old-2 || exit 1
	"$BIN/md-index" -q "$M" || exit 1
	p_i=1
	while [ "$p_i" -le "$POWER_N" ]; do
		deliver_ok "$M" "d-$p_i" || exit 1
		p_i=$((p_i + 1))
	done
	p_record "$p_d" "$p_d/R" -- "$BIN/md-index" -q -j 1 "$M"
	p_report index "$p_d" "$((POWER_N + 2))" \
	    "md-index -j 1 over a cache $POWER_N messages behind" \
	    --maildir="$M" --cache="$M"
}

# (e) A delivery that finds maildirsize over 5120 bytes and rewrites it.
power_recount() {
	p_fixture recount -q 10G,1000C
	deliver_ok "$M" e-old-1 || exit 1
	# Lines that change nothing, until the file is due for a recount.
	awk 'BEGIN { for (i = 0; i < 1300; i++) print "0 0" }' >>"$M/maildirsize"
	p_gen e-1 >"$p_d/in"
	p_record "$p_d" "$p_d/R" -- "$MD" -r s@x -d r@y "$M"
	grep -q 'rename.*maildirsize' "$p_d/trace" ||
	    diag "recount: the delivery did not rewrite maildirsize"
	p_report recount "$p_d" 2 "md-deliver rewriting a maildirsize of $(bytes "$p_d/before/0/M/maildirsize") bytes" \
	    --maildir="$M" --want="e-1=$M"
}

# More than the issue asks, as cheap: an mbox import (its directories
# synced once, at the end), md-move on one file system (a rename, synced
# nowhere: md-move(1) CAVEATS; so only "never lost" is asked) and
# md-flag (renames in cur/, the same).
power_import() {
	p_fixture import
	"$MSG" mbox -z "$ZMAX" f 1 "$((POWER_N + 1))" >"$p_d/in"
	p_want=
	p_i=1
	while [ "$p_i" -le "$((POWER_N + 1))" ]; do
		p_want="$p_want --want=$(printf f-%06d "$p_i")=$M"
		p_i=$((p_i + 1))
	done
	p_record "$p_d" "$p_d/R" -- "$MD" -M -r s@x -d r@y "$M"
	# shellcheck disable=SC2086
	p_report import "$p_d" "$((POWER_N + 1))" \
	    "md-deliver -M of $((POWER_N + 1)) messages" --maildir="$M" $p_want
}

power_move() {
	p_d=$T/power/move
	M=$p_d/R/M N=$p_d/R/N
	mkdir -p "$p_d/R"
	mkmaildir "$M" "$N"
	LOG=$p_d/log
	p_i=1
	while [ "$p_i" -le "$POWER_N" ]; do
		deliver_ok "$M" "g-$p_i" || exit 1
		p_i=$((p_i + 1))
	done
	p_record "$p_d" "$p_d/R" -- "$BIN/md-move" -q -t "$N" "$M"/new/*
	p_report move "$p_d" "$POWER_N" \
	    "$POWER_N messages on one file system (renames)" \
	    --maildir="$M" --maildir="$N"
}

power_flag() {
	p_fixture flag
	p_i=1
	while [ "$p_i" -le "$POWER_N" ]; do
		deliver_ok "$M" "h-$p_i" || exit 1
		p_i=$((p_i + 1))
	done
	p_record "$p_d" "$p_d/R" -- "$BIN/md-flag" -q -S -F "$M"/new/*
	p_report flag "$p_d" "$POWER_N" "md-flag -S -F of $POWER_N messages" \
	    --maildir="$M"
}

# md-expunge of the trashed half of 2 * POWER_N messages: the others
# stay, the trashed may stay or go.
power_expunge() {
	p_fixture expunge -q 10G,1000C
	p_go=
	p_i=1
	while [ "$p_i" -le "$((2 * POWER_N))" ]; do
		if [ $((p_i % 2)) = 1 ]; then
			deliver_ok "$M" "k-$p_i" -F T || exit 1
			p_go="$p_go --may-go=k-$p_i"
		else
			deliver_ok "$M" "k-$p_i" || exit 1
		fi
		p_i=$((p_i + 1))
	done
	p_record "$p_d" "$p_d/R" -- "$BIN/md-expunge" "$M"
	# shellcheck disable=SC2086
	p_report expunge "$p_d" "$((2 * POWER_N))" \
	    "md-expunge of $POWER_N of $((2 * POWER_N)) messages (a quota)" \
	    --maildir="$M" $p_go
}

# md-check --repair of what it repairs: a message misplaced in new/,
# flags out of order, open modes, a missing tmp/ in a folder, quota
# sums that drifted, a damaged cache.
power_repair() {
	p_fixture repair -q 10G,1000C
	"$BIN/md-mkdir" -f Work "$M" || exit 1
	rmdir "$M/.Work/tmp"
	p_put() { { printf '%b' "$TRACE"; "$MSG" gen -z "$ZMAX" "$2"; } >"$1"; }
	p_put "$M/new/1.M1P1.h:2,S" l-1
	p_put "$M/cur/2.M2P2.h:2,SF" l-2
	p_put "$M/.Work/new/3.M3P3.h" l-3
	chmod 644 "$M/cur/2.M2P2.h:2,SF"
	printf '5 1\n' >>"$M/maildirsize"
	printf 'not a cache' >"$M/mdkit-cache"
	p_record "$p_d" "$p_d/R" -- "$BIN/md-check" --repair -r "$M"
	P_RC=1 p_report repair "$p_d" 3 "md-check --repair -r (exits 1: it found)" \
	    --maildir="$M" --maildir="$M/.Work" --cache="$M"
}

# md-deliver -c into a maildir that is not there yet, and -c -f into a
# folder not there yet: the new directories' names must be on disk
# before the exit 0, or a cut takes the delivered message with them.
power_create() {
	p_fixture create -
	p_gen i-1 >"$p_d/in"
	p_record "$p_d" "$p_d/R" -- "$MD" -c -r s@x -d r@y "$M"
	p_report create "$p_d" 1 "md-deliver -c into a new maildir" \
	    --maildir="$M" --want="i-1=$M"
}

power_folder() {
	p_fixture folder
	p_gen j-1 >"$p_d/in"
	p_record "$p_d" "$p_d/R" -- "$MD" -c -f Work -r s@x -d r@y "$M"
	p_report folder "$p_d" 1 "md-deliver -c -f into a new folder" \
	    --maildir="$M" --maildir="$M/.Work" --want="j-1=$M/.Work"
}

# The checker must be able to fail: the deliver trace with the sync of
# new/ taken out (a link that may never reach the disk though md-deliver
# said 0), with the message file's fsync taken out (a name on disk for
# bytes that are not), and the movex trace without the sync of the
# target's new/ (the source's name may go first). Three tests.
# At most 64 states a point even in make stress: failing is the point.
power_broken() {
	p_d=$T/power/deliver
	M=$p_d/R/M
	P_ROOTS=" --root=$p_d/R=$p_d/before/0"
	PRC=0
	grep -v 'fsync([0-9]*<[^>]*/M/new>)' "$p_d/trace" >"$p_d/trace.nodirsync"
	p_judge broken-dirsync "$p_d" "$p_d/trace.nodirsync" --max=64 \
	    --maildir="$M" --want="a-1=$M"
	ok "$([ "$PST" = 1 ] && [ "$P_LOST" -gt 0 ] && echo 0 || echo 1)" \
	    "the deliver trace without fsync of new/: power.pl finds it loses a message ($PSUM)"
	grep -v 'fsync([0-9]*<[^>]*/M/tmp/[^>]*>)' "$p_d/trace" >"$p_d/trace.nofsync"
	p_judge broken-fsync "$p_d" "$p_d/trace.nofsync" --max=64 \
	    --maildir="$M" --want="a-1=$M"
	ok "$([ "$PST" = 1 ] && [ "$P_PART" -gt 0 ] && echo 0 || echo 1)" \
	    "the deliver trace without the message's fsync: power.pl finds a partial message ($PSUM)"

	p_d=$T/power/movex
	N=$P_MOVEX_N
	P_ROOTS=$P_MOVEX_ROOTS
	grep -v "fsync([0-9]*<[^>]*/N/new>)" "$p_d/trace" >"$p_d/trace.nodirsync"
	# shellcheck disable=SC2086
	p_judge broken-movex "$p_d" "$p_d/trace.nodirsync" --max=64 \
	    --maildir="$p_d/R/M" --maildir="$N" $P_MOVEX_WANT
	ok "$([ "$PST" = 1 ] && [ "$P_LOST" -gt 0 ] && echo 0 || echo 1)" \
	    "the movex trace without fsync of the target's new/: power.pl finds a move losing its message ($PSUM)"
}
