# t/crash/lib.sh: SIGKILL at random moments, then look at what is left.
# Sourced after t/lib.sh by t/0980-crash.t (a bounded number of kills)
# and by make stress-crash (MDKIT_CRASH_KILLS=..., many more).
#
# Each scenario runs its program again and again under killat, which
# SIGKILLs it after a random delay of 0..D microseconds: D is 6/5 of the
# longest of the scenario's first three runs (which are not killed), and
# moves a quarter of the way towards 6/5 of the length of each later run
# that exits before its kill, so the kills fall anywhere in a run, from
# exec to exit, and most runs are killed. A run that exits first is a
# run, not a kill; a scenario goes on until it has killed KILLS times
# (at most 20 * KILLS + 10 runs). Every message is made by t/crash/msg
# with a unique ID and an END line, so that a file is known to be whole,
# and which message it is, from its bytes alone.
#
# Each scenario prints 11 TAP tests (CRASH_TESTS) and, when
# MDKIT_STRESS_ROWS names a file, appends its row of the table to it.
#
# MDKIT_CRASH_SEED repeats a run: every delay and choice follows from it.

H=${MDKIT_HELPERS:-$(dirname "$BIN")/crash}
KILLAT=$H/killat
MSG=$H/msg
CRASH_TESTS=11

# The trace fields md-deliver adds for -r s@x -d r@y: every message of
# every scenario is stored after them.
TRACE='Return-Path: <s@x>\nDelivered-To: r@y\n'

have_crash_helpers() {
	[ -x "$KILLAT" ] && [ -x "$MSG" ]
}

CRASH_SEED=${MDKIT_CRASH_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
c_r=$CRASH_SEED

# rnd: RND becomes a number 0..32767, the next of the seed's sequence.
rnd() {
	c_r=$(((c_r * 1103515245 + 12345) % 2147483648))
	RND=$((c_r / 65536))
}

# ---- running under killat ----

# begin_runs NAME KILLS: a scenario starts.
begin_runs() {
	NAME=$1
	KILLS=$2
	RUNS=0
	KILLED=0
	UNEXP=0
	D=0
	c_cal=0
	c_maxruns=$((20 * KILLS + 10))
	: >"$T/unexpected.$NAME"
}

# more_runs: another run? (until KILLS kills, or the bound on runs)
more_runs() {
	[ "$KILLED" -lt "$KILLS" ] && [ "$RUNS" -lt "$c_maxruns" ]
}

# kill_run IN PROG ARG...: one run of PROG, its stdin IN, its stdout in
# $T/kout and stderr in $T/kerr. OUTCOME is killed, exit or signal;
# ST the exit status or signal.
kill_run() {
	c_in=$1
	shift
	rnd
	# shellcheck disable=SC2046
	set -- $("$KILLAT" -u "$D" -s "$c_r" -i "$c_in" -o "$T/kout" \
	    -e "$T/kerr" -- "$@")
	OUTCOME=${1:-none}
	ST=${2:-}
	RUNS=$((RUNS + 1))
	case $OUTCOME in
	killed) KILLED=$((KILLED + 1)) ;;
	exit)
		# The first three runs set D from how long they take; each
		# run that ends before its kill moves D towards its length.
		if [ "$RUNS" -le 3 ]; then
			[ "${3:-0}" -gt "$c_cal" ] && c_cal=$3
			[ "$RUNS" -eq 3 ] && D=$((c_cal * 6 / 5 + 100))
		else
			D=$(((3 * D + ${3:-0} * 6 / 5 + 100) / 4))
		fi
		;;
	esac
}

# expect_exit STATUS...: an exit with another status, or any signal but
# ours, is unexpected: counted, and said with the program's stderr.
expect_exit() {
	case $OUTCOME in
	killed) return 0 ;;
	exit)
		for c_s; do
			[ "$ST" = "$c_s" ] && return 0
		done
		;;
	esac
	UNEXP=$((UNEXP + 1))
	{
		echo "run $RUNS: $OUTCOME $ST"
		sed 's/^/	/' "$T/kerr"
	} >>"$T/unexpected.$NAME"
	return 1
}

# ---- counting ----

# account LOG SCAN: LOG has "ID ok" (exited 0: must be there once) and
# "ID killed" (once or not at all) lines; SCAN is msg scan's output.
# Prints: lost duplicated partial stray (files of no message we sent).
account() {
	awk -F'\t' '
	FILENAME == ARGV[1] { split($0, w, " "); want[w[1]] = w[2]; next }
	$1 == "partial" { partial++; next }
	{ n[$1]++ }
	END {
		for (id in want)
			if (want[id] == "ok" && !(id in n))
				lost++
		for (id in n) {
			if (n[id] > 1)
				dup += n[id] - 1
			if (!(id in want))
				stray++
		}
		printf "%d %d %d %d\n", lost, dup, partial, stray
	}' "$1" "$2"
}

# count_lines FILE
count_lines() {
	wc -l <"$1" | tr -d ' '
}

# row SCENARIO RUNS MESSAGES KILLS LOST DUP PARTIAL UNEXPECTED NOTE:
# one row of make stress's table.
row() {
	diag "row: $*"
	[ -n "${MDKIT_STRESS_ROWS:-}" ] || return 0
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" \
	    >>"$MDKIT_STRESS_ROWS"
}

# report LOST DUP PARTIAL STRAY: the five tests every scenario has.
report() {
	ok "$([ "$KILLED" -ge "$KILLS" ] && echo 0 || echo 1)" \
	    "$NAME: $KILLED kills in $RUNS runs (at least $KILLS; delays 0..${D} us, seed $CRASH_SEED)"
	is "$UNEXP" 0 "$NAME: no unexpected exit status" ||
	    diag "$(head -n 40 "$T/unexpected.$NAME")"
	is "$1" 0 "$NAME: every message whose delivery exited 0 is there"
	is "$2" 0 "$NAME: no message twice"
	is "$(($3 + $4))" 0 "$NAME: every file in new/ and cur/ is one of our messages, whole ($3 partial, $4 stray)"
}

# final_checks MAILDIR...: what the programs make of what the kills
# left. Five tests. Sets TMPLEFT (files left in tmp/).
final_checks() {
	c_st=0
	for c_m; do
		"$BIN/md-index" --check "$c_m" >/dev/null 2>"$T/fc.err"
		c_s=$?
		case $c_s in 0 | 1) ;; *) c_st=$c_s ;; esac
	done
	is "$c_st" 0 "$NAME: md-index --check exits 0 or 1 (current, behind or damaged)" ||
	    diag "$(cat "$T/fc.err")"

	c_files=0
	for c_m; do
		c_files=$((c_files + $(_count "$c_m/new") + $(_count "$c_m/cur")))
	done
	"$BIN/md-list" "$@" >"$T/fc.list" 2>"$T/fc.err"
	c_s=$?
	is "$c_s $(count_lines "$T/fc.list")" "0 $c_files" \
	    "$NAME: md-list exits 0 and lists every file in new/ and cur/" ||
	    diag "$(cat "$T/fc.err")"

	# What md-check may find after a crash: only what --repair repairs.
	"$BIN/md-check" "$@" >"$T/fc.check" 2>"$T/fc.err"
	c_s=$?
	c_bad=$(cut -f1 "$T/fc.check" | grep -cvE \
	    '^(missing|mode|misplaced|flags|duplicate|quota|cache)$')
	case $c_s in 0 | 1) ;; *) c_bad=$((c_bad + 1)) ;; esac
	is "$c_bad" 0 "$NAME: md-check finds only what --repair repairs ($(cut -f1 "$T/fc.check" | sort | uniq -c | tr -s ' \n' '  '))" ||
	    diag "$(head -n 20 "$T/fc.check" "$T/fc.err")"
	CHECKFOUND=$(cut -f1 "$T/fc.check" | sort | uniq -c |
	    awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')

	"$BIN/md-check" --repair "$@" >"$T/fc.repair" 2>&1
	"$BIN/md-check" "$@" >"$T/fc.check2" 2>&1
	c_s=$?
	is "$c_s $(count_lines "$T/fc.check2")" "0 0" \
	    "$NAME: after md-check --repair, md-check finds nothing" ||
	    diag "$(head -n 20 "$T/fc.repair" "$T/fc.check2")"

	# Files a kill left in tmp/ are young: md-check leaves them to the
	# 36 hours rule (no finding), md-expunge --tmp=0s takes them now.
	TMPLEFT=0
	for c_m; do
		TMPLEFT=$((TMPLEFT + $(_count "$c_m/tmp")))
	done
	"$BIN/md-expunge" --tmp=0s "$@" 2>"$T/fc.err"
	c_s=$?
	c_left=0
	for c_m; do
		c_left=$((c_left + $(_count "$c_m/tmp")))
	done
	is "$c_s $c_left" "0 0" \
	    "$NAME: $TMPLEFT files left in tmp/ (no md-check finding), md-expunge --tmp=0s removes them" ||
	    diag "$(cat "$T/fc.err")"
}

# deliver_ok MAILDIR ID [ARG...]: a delivery nobody kills (setting a
# scenario up); logged as ok in $LOG.
deliver_ok() {
	c_m=$1
	c_id=$2
	shift 2
	"$MSG" gen ${ZMAX:+-z "$ZMAX"} "$c_id" >"$T/in" &&
	    "$MD" -r s@x -d r@y "$@" "$c_m" <"$T/in" &&
	    echo "$c_id ok" >>"$LOG"
}

# mkmaildir DIR...: maildirs as md-mkdir makes them (mode 0700, so that
# md-check has no mode to find).
mkmaildir() {
	for c_x; do
		"$BIN/md-mkdir" "$c_x" || exit 1
	done
}

# ---- the scenarios ----

# crash_deliver KILLS: one message into one maildir with a quota.
crash_deliver() {
	begin_runs deliver "$1"
	c_d=$T/deliver
	M=$c_d/M
	LOG=$c_d/log
	mkdir -p "$c_d"
	: >"$LOG"
	"$BIN/md-mkdir" -q 10G,1000000C "$M" || exit 1
	while more_runs; do
		c_id=d-$RUNS
		"$MSG" gen "$c_id" >"$T/in"
		rnd
		if [ $((RND % 4)) -eq 0 ]; then
			kill_run "$T/in" "$MD" -r s@x -d r@y -F S "$M"
		else
			kill_run "$T/in" "$MD" -r s@x -d r@y "$M"
		fi
		expect_exit 0
		case $OUTCOME in
		killed) echo "$c_id killed" >>"$LOG" ;;
		exit) [ "$ST" = 0 ] && echo "$c_id ok" >>"$LOG" ;;
		esac
	done
	"$MSG" scan -p "$TRACE" "$M/new" "$M/cur" >"$c_d/scan"
	# shellcheck disable=SC2046
	set -- $(account "$LOG" "$c_d/scan")
	report "$@"
	c_res="$1 $2 $(($3 + $4))"
	ok 0 "$NAME: $(grep -c ' ok$' "$LOG") delivered, $(count_lines "$c_d/scan") files"
	final_checks "$M"
	# shellcheck disable=SC2086
	set -- $c_res
	row "$NAME" "$RUNS" "$RUNS" "$KILLED" "$1" "$2" "$3" "$UNEXP" \
	    "tmp/ left: $TMPLEFT; md-check found: ${CHECKFOUND:-nothing}"
}

# crash_multi KILLS: one message into three maildirs, the third on
# another file system when there is one (a copy, not a link).
crash_multi() {
	begin_runs multi "$1"
	c_d=$T/multi
	LOG=$c_d/log
	mkdir -p "$c_d"
	: >"$LOG"
	c_targets="$c_d/M1 $c_d/M2"
	c_o=$(other_fs_dir) && cleanup_also "$c_o" && c_targets="$c_targets $c_o/M3"
	c_note="3 targets, one on another file system"
	[ -n "$c_o" ] || c_note="2 targets (no other file system here)"
	for c_m in $c_targets; do
		mkmaildir "$c_m"
	done
	while more_runs; do
		c_id=t-$RUNS
		"$MSG" gen "$c_id" >"$T/in"
		rnd
		# shellcheck disable=SC2086
		if [ $((RND % 3)) -eq 0 ]; then
			kill_run "$T/in" "$MD" -r s@x -d r@y -F '' $c_targets
		else
			kill_run "$T/in" "$MD" -r s@x -d r@y $c_targets
		fi
		expect_exit 0
		case $OUTCOME in
		killed) echo "$c_id killed" >>"$LOG" ;;
		exit) [ "$ST" = 0 ] && echo "$c_id ok" >>"$LOG" ;;
		esac
	done
	c_lost=0 c_dup=0 c_part=0 c_files=0
	for c_m in $c_targets; do
		"$MSG" scan -p "$TRACE" "$c_m/new" "$c_m/cur" >"$c_d/scan"
		# shellcheck disable=SC2046
		set -- $(account "$LOG" "$c_d/scan")
		c_lost=$((c_lost + $1))
		c_dup=$((c_dup + $2))
		c_part=$((c_part + $3 + $4))
		c_files=$((c_files + $(count_lines "$c_d/scan")))
	done
	report "$c_lost" "$c_dup" "$c_part" 0
	ok 0 "$NAME: $(grep -c ' ok$' "$LOG") delivered to each of $c_targets, $c_files files"
	# shellcheck disable=SC2086
	final_checks $c_targets
	row "$NAME" "$RUNS" "$((RUNS * $(echo $c_targets | wc -w)))" "$KILLED" \
	    "$c_lost" "$c_dup" "$c_part" "$UNEXP" \
	    "$c_note; tmp/ left: $TMPLEFT; md-check found: ${CHECKFOUND:-nothing}"
}

# crash_mbox KILLS N: md-deliver -M of an mbox of N messages, each run
# its own. After each run, what it stored is counted and removed (the
# last run's stays, for the final checks): an import that exited 0 left
# all N messages once, a killed one messages 1..k once, for some k.
crash_mbox() {
	begin_runs mbox "$1"
	c_n=$2
	c_w=$T/mbox
	M=$c_w/M
	mkdir -p "$c_w"
	mkmaildir "$M"
	c_msgs=0 c_lost=0 c_dup=0 c_part=0 c_got=0 c_killed=0
	while more_runs; do
		c_p=m$RUNS
		"$MSG" mbox -z 8192 "$c_p" 1 "$c_n" >"$T/in"
		kill_run "$T/in" "$MD" -M -r s@x -d r@y "$M"
		expect_exit 0
		c_msgs=$((c_msgs + c_n))
		case $OUTCOME in
		killed) c_want=killed ;;
		exit) c_want=$ST ;;
		*) c_want=other ;;
		esac
		"$MSG" scan -p "$TRACE" "$M/new" "$M/cur" >"$c_w/scan"
		# shellcheck disable=SC2046
		set -- $(awk -F'\t' -v n="$c_n" -v run="$c_p" -v want="$c_want" '
		$1 == "partial" { partial++; next }
		{
			split($1, p, "-")
			if (p[1] != run) { stray++; next }
			c[p[2] + 0]++
		}
		END {
			top = 0
			for (i = 1; i <= n; i++)
				if (i in c) top = i
			if (want == "0") top = n
			for (i = 1; i <= top; i++) {
				if (!(i in c)) lost++
				else if (c[i] > 1) dup += c[i] - 1
			}
			printf "%d %d %d %d\n", lost, dup, partial + stray, top
		}' "$c_w/scan")
		c_lost=$((c_lost + $1))
		c_dup=$((c_dup + $2))
		c_part=$((c_part + $3))
		[ "$OUTCOME" = killed ] && c_got=$((c_got + $4)) &&
		    c_killed=$((c_killed + 1))
		[ "$1$2$3" = 000 ] || diag "run $RUNS ($OUTCOME $ST): lost $1, twice $2, partial or stray $3"
		more_runs && find "$M/new" "$M/cur" -type f -delete
	done
	report "$c_lost" "$c_dup" "$c_part" 0
	ok 0 "$NAME: the $c_killed killed imports had stored $c_got of their $((c_killed * c_n)) messages, each import a prefix of its mbox"
	final_checks "$M"
	row "$NAME" "$RUNS" "$c_msgs" "$KILLED" "$c_lost" "$c_dup" "$c_part" "$UNEXP" \
	    "$c_n messages an mbox, each import checked and removed; the $c_killed killed imports had stored $c_got messages; tmp/ left: $TMPLEFT; md-check found: ${CHECKFOUND:-nothing}"
}

# crash_move KILLS P: P messages go back and forth between a maildir
# here and one on another file system, one md-move each run. After
# each run the message is in the source, the target or both, whole;
# both only after a kill.
crash_move() {
	begin_runs move "$1"
	c_p=$2
	c_d=$T/move
	M=$c_d/M
	LOG=$c_d/log
	mkdir -p "$c_d"
	: >"$LOG"
	c_o=$(other_fs_dir) || {
		skip_n "$CRASH_TESTS" "no second file system (/dev/shm) here"
		return 0
	}
	cleanup_also "$c_o"
	O=$c_o/M
	mkmaildir "$M" "$O"
	ZMAX=262144
	c_i=1
	while [ "$c_i" -le "$c_p" ]; do
		deliver_ok "$M" "v-$c_i" || exit 1
		c_i=$((c_i + 1))
	done
	ZMAX=
	"$MSG" scan -p "$TRACE" "$M/new" "$M/cur" "$O/new" "$O/cur" \
	    >"$c_d/prev"
	c_both=0 c_bad=0 c_lost=0 c_part=0
	while more_runs; do
		"$BIN/md-list" "$M" "$O" >"$c_d/list"
		rnd
		c_path=$(sed -n "$((RND % $(count_lines "$c_d/list") + 1))p" \
		    "$c_d/list")
		case $c_path in
		"$M"/*) c_to=$O ;;
		*) c_to=$M ;;
		esac
		c_id=$(awk -F'\t' -v p="$c_path" '$2 == p { print $1 }' \
		    "$c_d/prev")
		kill_run /dev/null "$BIN/md-move" -q -t "$c_to" "$c_path"
		expect_exit 0
		"$MSG" scan -p "$TRACE" "$M/new" "$M/cur" "$O/new" "$O/cur" \
		    >"$c_d/now"
		# shellcheck disable=SC2046
		set -- $(awk -F'\t' -v id="$c_id" -v to="$c_to/" \
		    -v path="$c_path" -v how="$OUTCOME$ST" '
		FILENAME == ARGV[1] { if ($1 == id) before++; if ($1 != "partial") had[$1] = 1; next }
		$1 == "partial" { partial++; next }
		{ n[$1]++; if ($1 == id && index($2, to) == 1) there++
		  if ($2 == path) still = 1 }
		END {
			for (i in had) if (!(i in n)) lost++
			after = n[id] + 0
			if (how == "exit0") bad = (after != before || !there || still)
			else bad = (after != before && after != before + 1)
			both = (after == before + 1)
			printf "%d %d %d %d\n", lost, partial, bad, both
		}' "$c_d/prev" "$c_d/now")
		c_lost=$((c_lost + $1))
		c_part=$((c_part + $2))
		c_bad=$((c_bad + $3))
		c_both=$((c_both + $4))
		[ "$3" -eq 0 ] || diag "run $RUNS: $c_id $c_path -> $c_to: $OUTCOME $ST"
		mv "$c_d/now" "$c_d/prev"
	done
	report "$c_lost" "$c_bad" "$c_part" 0
	ok 0 "$NAME: $c_both kills left a message in both maildirs (allowed: never in neither)"
	final_checks "$M" "$O"
	row "$NAME" "$RUNS" "$c_p" "$KILLED" "$c_lost" "$c_bad" "$c_part" "$UNEXP" \
	    "across file systems; $c_both left in both (allowed); tmp/ left: $TMPLEFT; md-check found: ${CHECKFOUND:-nothing}"
}

# crash_flag KILLS P: md-flag renames half of P messages at each run.
crash_flag() {
	begin_runs flag "$1"
	c_p=$2
	c_d=$T/flag
	M=$c_d/M
	LOG=$c_d/log
	mkdir -p "$c_d"
	: >"$LOG"
	mkmaildir "$M"
	ZMAX=4096
	c_i=1
	while [ "$c_i" -le "$c_p" ]; do
		deliver_ok "$M" "f-$c_i" || exit 1
		c_i=$((c_i + 1))
	done
	ZMAX=
	c_seen=0
	while more_runs; do
		"$BIN/md-list" "$M" >"$c_d/list"
		rnd
		awk -v s="$RND" 'BEGIN { srand(s) } rand() < 0.5' \
		    "$c_d/list" >"$c_d/in"
		rnd
		case $((RND % 8)) in
		0) c_f=-S ;;
		1) c_f=-s ;;
		2) c_f='-F -R' ;;
		3) c_f='-f -r -t' ;;
		4) c_f=-T ;;
		5) c_f=-C ;;
		6) c_f='-S -F -X D' ;;
		*) c_f='-s -f -x D -X a' ;;
		esac
		# shellcheck disable=SC2086
		kill_run "$c_d/in" "$BIN/md-flag" -q $c_f
		expect_exit 0
		c_n=$(($(_count "$M/new") + $(_count "$M/cur")))
		[ "$c_n" -eq "$c_p" ] || {
			c_seen=$((c_seen + 1))
			diag "run $RUNS: $c_n files, not $c_p"
		}
	done
	"$MSG" scan -p "$TRACE" "$M/new" "$M/cur" >"$c_d/scan"
	# shellcheck disable=SC2046
	set -- $(account "$LOG" "$c_d/scan")
	report "$@"
	c_res="$1 $2 $(($3 + $4))"
	is "$c_seen" 0 "$NAME: $c_p files after every run"
	final_checks "$M"
	set -- $c_res
	row "$NAME" "$RUNS" "$c_p" "$KILLED" "$1" "$2" "$3" "$UNEXP" \
	    "about $((c_p / 2)) renames a run; tmp/ left: $TMPLEFT; md-check found: ${CHECKFOUND:-nothing}"
}

# crash_index KILLS P: md-index (update, -j 4, --rebuild) over P
# messages and more coming; after each kill md-index --check exits 0
# or 1, and md-list prints with the cache what it prints without.
crash_index() {
	begin_runs index "$1"
	c_p=$2
	c_d=$T/index
	M=$c_d/M
	LOG=$c_d/log
	mkdir -p "$c_d"
	: >"$LOG"
	mkmaildir "$M"
	ZMAX=2048
	c_i=1
	while [ "$c_i" -le "$c_p" ]; do
		deliver_ok "$M" "i-$c_i" || exit 1
		c_i=$((c_i + 1))
	done
	c_badcheck=0 c_differ=0
	c_fmt='%b\t%X\t%z\t%s\t%f\t%d\t%i'
	while more_runs; do
		# New mail and a flag change, so that an update has work.
		rnd
		c_k=$((RND % 5 + 1))
		while [ "$c_k" -gt 0 ]; do
			deliver_ok "$M" "i-$c_i" || exit 1
			c_i=$((c_i + 1))
			c_k=$((c_k - 1))
		done
		"$BIN/md-list" "$M" | awk -v s="$RND" \
		    'BEGIN { srand(s) } rand() < 0.05' |
		    "$BIN/md-flag" -q -S
		rnd
		case $((RND % 3)) in
		0) kill_run /dev/null "$BIN/md-index" -q "$M" ;;
		1) kill_run /dev/null "$BIN/md-index" -q -j 4 "$M" ;;
		*) kill_run /dev/null "$BIN/md-index" -q --rebuild "$M" ;;
		esac
		expect_exit 0
		"$BIN/md-index" --check "$M" >/dev/null 2>&1
		c_s=$?
		case $c_s in
		0 | 1) ;;
		*)
			c_badcheck=$((c_badcheck + 1))
			diag "run $RUNS: md-index --check exit $c_s"
			;;
		esac
		"$BIN/md-list" --format "$c_fmt" "$M" 2>&1 | sort >"$c_d/a"
		"$BIN/md-list" --no-cache --format "$c_fmt" "$M" 2>&1 |
		    sort >"$c_d/b"
		cmp -s "$c_d/a" "$c_d/b" || {
			c_differ=$((c_differ + 1))
			diag "run $RUNS: md-list with the cache differs" \
			    "$(diff "$c_d/a" "$c_d/b" | head -n 6)"
		}
	done
	ZMAX=
	"$MSG" scan -p "$TRACE" "$M/new" "$M/cur" >"$c_d/scan"
	# shellcheck disable=SC2046
	set -- $(account "$LOG" "$c_d/scan")
	report "$@"
	c_res="$1 $2 $(($3 + $4))"
	is "$c_badcheck $c_differ" "0 0" \
	    "$NAME: after each run md-index --check exits 0 or 1, and md-list prints the same with the cache and without"
	final_checks "$M"
	set -- $c_res
	row "$NAME" "$RUNS" "$((c_i - 1))" "$KILLED" "$1" "$2" "$3" \
	    "$((UNEXP + c_badcheck + c_differ))" \
	    "md-index, -j 4, --rebuild; tmp/ left: $TMPLEFT; md-check found: ${CHECKFOUND:-nothing}"
}
