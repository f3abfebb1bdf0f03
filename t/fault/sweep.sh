#!/bin/sh
# t/fault/sweep.sh: a fault at every call, in turn (SQLite's anomaly
# testing, for mdkit). For each operation named, a fixture is made and
# the operation run once with inject.so recording its calls; then it is
# run again on a fresh copy of the fixture once for every recorded call
# and every errno that call can meet, with just that call failing, and
# what it left is checked (see t/fault/README).
#
#	sh t/fault/sweep.sh [-v] [-e 'ERRNO ...'] [-k 'CALL ...'] [OP ...]
#
# -e tries only these errnos (each where it can happen), -k only these
# calls, -v says every run. Without OP: every operation (sweep.sh -l
# lists them). MDKIT_BIN and MDKIT_FAULTLIB as for make check. Prints
# one line a violation, a table of calls x errnos x results, and exits 1
# when anything was violated, 2 when it could not run.

set -u
umask 077
LC_ALL=C
TZ=UTC
export LC_ALL TZ
unset MAILDIR SENDER RECIPIENT ORIGINAL_RECIPIENT MDKIT_FAULT \
    MDKIT_FAULT_RECORD MDKIT_FAULT_TRACE

here=$(cd "$(dirname "$0")" && pwd)
BIN=${MDKIT_BIN:-$here/../../build/bin}
SHIM=${MDKIT_FAULTLIB:-$(dirname "$BIN")/fault/inject.so}
OPS="deliver multi import flag move movex link copy expunge mkdir folders"
OPS="$OPS repair index"

only_errnos=
only_calls=
verbose=0
while getopts e:k:lv o; do
	case $o in
	e) only_errnos=$OPTARG ;;
	k) only_calls=$OPTARG ;;
	l)
		echo "$OPS"
		exit 0
		;;
	v) verbose=1 ;;
	*)
		sed -n '9s/^#[[:space:]]*/usage: /p' "$0" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- $OPS
for p in md-deliver md-flag md-move md-expunge md-mkdir md-check md-index; do
	[ -x "$BIN/$p" ] || {
		echo "sweep: no $p in $BIN (run make, set MDKIT_BIN)" >&2
		exit 2
	}
done
[ -f "$SHIM" ] || {
	echo "sweep: no fault shim $SHIM (set MDKIT_FAULTLIB)" >&2
	exit 2
}
command -v timeout >/dev/null 2>&1 || {
	echo "sweep: no timeout(1), to end a run that hangs" >&2
	exit 2
}

W=$(mktemp -d "${TMPDIR:-/tmp}/mdkit-sweep.XXXXXX") || exit 2
# Another file system for md-move across and multi-target delivery.
X=
for base in /dev/shm /run/shm; do
	X=$(mktemp -d "$base/mdkit-sweep.XXXXXX" 2>/dev/null) || continue
	[ "$(stat -c %d "$X")" != "$(stat -c %d "$W")" ] && break
	rmdir "$X"
	X=
done
trap 'chmod -R u+rwx "$W" ${X:+"$X"} 2>/dev/null; rm -rf "$W" ${X:+"$X"}' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

R=$W/r # the fixture as the operation sees it
P=$W/p # the fixture as made, copied to R before each run
XR=${X:+$X/r}
XP=${X:+$X/p}

# ---- which errnos where ----

# errnos CALL: what the call can meet (all of it, or what -e allows).
errnos() {
	case $1 in
	write) e="ENOSPC EDQUOT EIO EINTR short" ;;
	fsync | dirsync | fdatasync) e="EIO ENOSPC EDQUOT" ;;
	close) e="EIO ENOSPC EDQUOT EINTR" ;;
	read | pread) e="EIO EINTR ESTALE" ;;
	getdents64 | readdir) e="EIO ESTALE" ;;
	open | openat) e="EACCES EIO ESTALE ENOSPC EDQUOT EROFS EINTR" ;;
	opendir) e="EACCES EIO ESTALE ENOMEM" ;;
	# ENOENT: on NFS, a rename by another host seen late (the source
	# gone from under us, or not there yet).
	link | linkat | rename | renameat | renameat2)
		e="ENOSPC EDQUOT EIO EACCES EROFS ESTALE ENOENT" ;;
	unlink | unlinkat) e="EACCES EIO EROFS ESTALE" ;;
	mkdir | mkdirat) e="ENOSPC EDQUOT EACCES EIO EROFS" ;;
	stat | lstat | fstat | newfstatat) e="EACCES EIO ESTALE" ;;
	futimens | fchmod | fchown) e="EIO EROFS EPERM" ;;
	mmap | malloc) e="ENOMEM" ;;
	*) e= ;;
	esac
	if [ -n "$only_errnos" ]; then
		f=
		for x in $e; do
			case " $only_errnos " in *" $x "*) f="$f $x" ;; esac
		done
		e=$f
	fi
	echo $e
}

# ---- fixtures ----

mkmd() {
	for m; do
		mkdir -p "$m/tmp" "$m/new" "$m/cur" || exit 2
	done
}

# msg DIR/SUB BASE INFO TEXT: a message BASE,S=<size>INFO holding TEXT,
# dated 2001-09-09 (a body unlike every other one: the content is what
# follows a message through renames).
msg() {
	printf 'Subject: %s\n\n%s body\n' "$4" "$4" >"$W/m.tmp"
	f="$1/$2,S=$(wc -c <"$W/m.tmp" | tr -d ' ')$3"
	mv "$W/m.tmp" "$f"
	touch -d @1000000000 "$f"
}

# ROOTS: where to look for what a run left; CHECK: the maildirs that
# md-check must find whole afterwards; USE_X: the fixture has a part on
# the other file system.

mail_text() {
	printf 'From: a@example.org\nSubject: %s\n\n%s\n' "$1" "$1"
}

# quota ROOT: a Maildir++ quota whose sums are the files' own.
quota() {
	printf '10000000S,10000C\n' >"$1/maildirsize"
	"$BIN/md-check" --repair -r "$1" >/dev/null 2>&1
}

fix_deliver() {
	mkmd "$R/M"
	msg "$R/M/new" 1.M1P1.old "" one
	msg "$R/M/cur" 2.M2P2.old :2,S two
	quota "$R/M"
	mail_text delivered >"$W/in"
	CMD="md-deliver $R/M"
	ROOTS="$R/M"
	MODE=exact
	FAILS=75
}

fix_multi() {
	mkmd "$R/M" "$R/M/.Work" "${XR:-$R}/N"
	: >"$R/M/.Work/maildirfolder"
	msg "$R/M/cur" 1.M1P1.old :2,S one
	quota "$R/M"
	mail_text "to three" >"$W/in"
	CMD="md-deliver $R/M $R/M/.Work ${XR:-$R}/N"
	ROOTS="$R/M ${XR:-$R}/N"
	USE_X=${XR:+1}
	MODE=subset
	FAILS=75
}

fix_import() {
	mkmd "$R/M"
	msg "$R/M/cur" 1.M1P1.old :2,S one
	quota "$R/M"
	{
		echo "From a@example.org Thu Oct 17 17:14:09 1995"
		mail_text first
		echo
		echo "From b@example.org Fri Oct 18 17:14:09 1995"
		printf 'Subject: second\nStatus: RO\n\n>From the past\n'
		echo
		echo "From c@example.org Sat Oct 19 17:14:09 1995"
		mail_text third
	} >"$W/in"
	CMD="md-deliver -M $R/M"
	ROOTS="$R/M"
	MODE=each
	FAILS=75
}

fix_flag() {
	mkmd "$R/M"
	msg "$R/M/new" 1.M1P1.h "" one
	CMD="md-flag -F $f"
	msg "$R/M/cur" 2.M2P2.h :2,S two
	CMD="$CMD $f"
	msg "$R/M/cur" 3.M3P3.h :2,FS three
	CMD="$CMD $f"
	ROOTS="$R/M"
	MODE=each
	FAILS=1
}

# Into a counted folder from the root (no quota line) and from the
# Trash (room checked, a line added).
fix_move() {
	mkmd "$R/M" "$R/M/.Work" "$R/M/.Trash"
	: >"$R/M/.Work/maildirfolder"
	: >"$R/M/.Trash/maildirfolder"
	CMD="md-move -t $R/M/.Work"
	msg "$R/M/cur" 1.M1P1.h :2,S one
	CMD="$CMD $f"
	msg "$R/M/new" 2.M2P2.h "" two
	CMD="$CMD $f"
	msg "$R/M/.Trash/cur" 3.M3P3.h :2,ST three
	CMD="$CMD $f"
	quota "$R/M"
	ROOTS="$R/M"
	MODE=subset
	FAILS=1
}

# Across file systems: copy, sync, link, sync, then the unlink.
fix_movex() {
	[ -n "$X" ] || return 1
	mkmd "$R/M" "$XR/A"
	msg "$R/M/cur" 1.M1P1.h :2,S one
	CMD="md-move $f"
	msg "$R/M/new" 2.M2P2.h "" two
	CMD="$CMD $f $XR/A"
	quota "$R/M"
	ROOTS="$R/M $XR/A"
	USE_X=1
	MODE=subset
	FAILS=1
}

# md-move -k: a link on one file system; a copy across.
fix_link() {
	mkmd "$R/M" "$R/M/.Work"
	: >"$R/M/.Work/maildirfolder"
	msg "$R/M/cur" 1.M1P1.h :2,S one
	CMD="md-move -k -t $R/M/.Work $f"
	msg "$R/M/new" 2.M2P2.h "" two
	CMD="$CMD $f"
	quota "$R/M"
	ROOTS="$R/M"
	MODE=each
	FAILS=1
}

fix_copy() {
	[ -n "$X" ] || return 1
	mkmd "$R/M" "$XR/A"
	msg "$R/M/cur" 1.M1P1.h :2,S one
	CMD="md-move -k $f"
	msg "$R/M/new" 2.M2P2.h "" two
	CMD="$CMD $f $XR/A"
	quota "$R/M"
	ROOTS="$R/M $XR/A"
	USE_X=1
	MODE=each
	FAILS=1
}

fix_expunge() {
	mkmd "$R/M"
	msg "$R/M/cur" 1.M1P1.h :2,ST one
	msg "$R/M/cur" 2.M2P2.h :2,T two
	msg "$R/M/cur" 3.M3P3.h :2,S three
	msg "$R/M/new" 4.M4P4.h "" four
	quota "$R/M"
	echo half >"$R/M/tmp/5.M5P5.h"
	touch -d @1000000000 "$R/M/tmp/5.M5P5.h"
	CMD="md-expunge -T --tmp=0s $R/M"
	ROOTS="$R/M"
	MODE=each
	FAILS=1
}

fix_mkdir() {
	mkdir -p "$R"
	CMD="md-mkdir -q 10000000S,1000C $R/N"
	ROOTS="$R"
	CHECK="$R/N"
	MODE=each
	FAILS=1
}

fix_folders() {
	mkmd "$R/M"
	msg "$R/M/cur" 1.M1P1.h :2,S one
	quota "$R/M"
	CMD="md-mkdir -f Work -f Lists.mdkit $R/M"
	ROOTS="$R/M"
	MODE=each
	FAILS=1
}

fix_repair() {
	mkmd "$R/M" "$R/M/.Work"
	: >"$R/M/.Work/maildirfolder"
	rmdir "$R/M/.Work/tmp"
	msg "$R/M/new" 1.M1P1.h :2,S misplaced
	msg "$R/M/cur" 2.M2P2.h :2,SF unordered
	msg "$R/M/cur" 3.M3P3.h :2,S open
	msg "$R/M/.Work/new" 4.M4P4.h "" work
	chmod 755 "$R/M" "$R/M/cur"
	chmod 644 "$R/M/cur/3.M3P3.h,S="*
	printf '10000000S,10000C\n5 1\n' >"$R/M/maildirsize"
	printf 'not a cache' >"$R/M/mdkit-cache"
	CMD="md-check --repair -r $R/M"
	ROOTS="$R/M"
	MODE=each
	FAILS="1 2"
}

fix_index() {
	mkmd "$R/M" "$R/M/.Work"
	: >"$R/M/.Work/maildirfolder"
	msg "$R/M/cur" 1.M1P1.h :2,S one
	msg "$R/M/cur" 2.M2P2.h :2,S two
	gone=$f
	msg "$R/M/.Work/new" 3.M3P3.h "" three
	"$BIN/md-index" -q -r "$R/M" || exit 2
	msg "$R/M/new" 4.M4P4.h "" four
	msg "$R/M/.Work/cur" 5.M5P5.h :2,S five
	rm "$gone"
	CMD="md-index -q -j 1 -r $R/M"
	ROOTS="$R/M"
	MODE=exact
	FAILS=1
}

# ---- what a run left ----

# snap OUT: the files under ROOTS, one line "CONTENT PLACE" each, sorted.
# CONTENT is the checksum and size; PLACE the path under the fixture with
# a message's base name (before ',' or ':') and a tmp file's name as '*':
# bases are fresh in a move and random in a delivery, and the content
# tells the messages apart. maildirsize and the cache are checked by
# md-check; md-mkdir's directories and files count too.
snap() {
	{
		for d in $ROOTS; do
			[ -d "$d" ] || continue
			find "$d" -type f -exec cksum {} + 2>/dev/null
			[ "$op" = mkdir ] || [ "$op" = folders ] || continue
			find "$d" -type d | sed 's/^/dir 0 /'
		done
	} | awk -v r="$R" -v x="${XR:-/nonexistent}" -v op="$op" '
	{
		p = $3
		for (i = 4; i <= NF; i++)
			p = p " " $i
		if (index(p, r) == 1)
			p = "R" substr(p, length(r) + 1)
		else if (index(p, x) == 1)
			p = "X" substr(p, length(x) + 1)
		n = split(p, part, "/")
		if (part[n] == "mdkit-cache")
			next
		if (part[n] == "maildirsize" && op != "mkdir" && op != "folders")
			next
		c = $1 ":" $2
		if (part[n - 1] == "new" || part[n - 1] == "cur")
			sub(/\/(new|cur)\/[^\/,:]*/, "/" part[n - 1] "/*", p)
		else if (part[n - 1] == "tmp")
			sub(/\/tmp\/.*/, "/tmp/*", p)
		else
			c = c ":" p # not a message: known by its place
		print c, p
	}' | sort >"$1"
}

# judge BEFORE AFTER NOW MODE: is NOW a state the operation may leave
# after a failure? exact: NOW is BEFORE. each: every content is where it
# was before or where it is after a run without faults. subset: every
# content is in some of those places, and one that was somewhere still
# is (a message moved is in the source or the target or both). Any
# content neither had is a partial or stray file. Prints what is wrong.
judge() {
	awk -v mode="$4" '
	FNR == 1 { f++ }
	{
		where[f, $1] = where[f, $1] " " $2
		seen[$1] = 1
	}
	END {
		for (c in seen) {
			b = where[1, c]; a = where[2, c]; s = where[3, c]
			if (b == "" && a == "") {
				print "stray file (partial?):" s
				continue
			}
			if (mode == "exact" || mode == "each") {
				if (s != b && (mode == "exact" || s != a))
					print "content at" s " (before:" b \
					    "; after:" a ")"
				continue
			}
			if (b != "" && s == "") {
				print "lost: was at" b
				continue
			}
			n = split(s, sp, " ")
			split("", room)
			m = split(b a, ba, " ")
			for (i = 1; i <= m; i++)
				room[ba[i]]++
			for (i = 1; i <= n; i++)
				if (room[sp[i]]-- <= 0)
					print "extra copy at " sp[i]
		}
	}' "$1" "$2" "$3"
}

# run SPEC: the operation on a fresh copy of the fixture, SPEC injected
# ("" none); status in RC, stderr in $W/err.
run() {
	rm -rf "$R" ${XR:+"$XR"}
	cp -a "$P" "$R" || exit 2
	[ -z "$USE_X" ] || cp -a "$XP" "$XR" || exit 2
	# shellcheck disable=SC2086
	# (A sanitized build: what an early exit leaves allocated is no
	# leak worth a failure here.)
	timeout 20 env MDKIT_FAULT="$1" LD_PRELOAD="$SHIM" \
	    ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 \
	    "$BIN"/$CMD <"$W/in" >"$W/out" 2>"$W/err"
	RC=$?
}

# checks CALL ERRNO SITE: what the last run left, against the rules;
# prints each violation, and each departure the rules allow as
# "tolerated: ...".
checks() {
	ok=" 0 $FAILS "
	# Running out of memory: 71 (EX_OSERR), as the man pages say, but
	# md-deliver's is 75 like every other failure.
	[ "$2" != ENOMEM ] || [ "${CMD%% *}" = md-deliver ] || ok="$ok 71 "
	case $ok in
	*" $RC "*) ;;
	*) echo "exit $RC ($(head -c 200 "$W/err" | tr '\n' ' '))" ;;
	esac
	if [ "$RC" -ne 0 ] && [ ! -s "$W/err" ] &&
	    { [ "$op" != repair ] || [ "$RC" -ne 1 ]; }; then
		echo "exit $RC, nothing said on stderr"
	fi
	snap "$W/now"
	if [ "$RC" -eq 0 ] && [ "$op" != repair ]; then
		if cmp -s "$W/now" "$W/after"; then
			:
		elif tmp_link_left "$1" "$3"; then
			echo "tolerated: the tmp/ name of what it placed is left" \
			    "(md-expunge --tmp removes it)"
		else
			echo "exit 0 but not the state of a run without faults:" \
			    "$(judge "$W/after" "$W/after" "$W/now" exact | tr '\n' ';')"
		fi
	else
		judge "$W/before" "$W/after" "$W/now" "$MODE"
	fi
	# A retry after the fault reaches the state of a run without one.
	case $op in
	mkdir | folders | repair)
		"$BIN"/$CMD </dev/null >/dev/null 2>&1
		snap "$W/again"
		cmp -s "$W/again" "$W/after" ||
			echo "run again without the fault: not the state of a" \
			    "clean run: $(judge "$W/after" "$W/after" "$W/again" exact | tr '\n' ';')"
		;;
	esac
	# No damage: the quota's sums are the files' own, the cache is old or
	# new and whole. Stale tmp/ files are judged above. A line that could
	# not be appended to maildirsize (and said so) leaves the sums behind
	# until a recount, as Maildir++ has it; a broken line is no such lag.
	for d in $CHECK; do
		"$BIN/md-check" -r "$d" 2>&1 | grep -v '^stale	' | tr '\t' ' '
	done >"$W/found"
	if [ -s "$W/found" ] && quota_line_lost "$3" &&
	    ! grep -qv '^quota .* says .*, the maildir holds ' "$W/found"; then
		echo "tolerated: the quota line could not be appended (said);" \
		    "md-check finds: $(tr '\n' ' ' <"$W/found")"
	else
		sed 's/^/md-check: /' "$W/found"
	fi
	if [ "$op" = index ] && [ "$RC" -eq 0 ]; then
		"$BIN/md-index" --check -r "$R/M" >/dev/null 2>&1 ||
			echo "exit 0 but md-index --check finds the cache behind"
	fi
}

# tmp_link_left CALL SITE: the failed call was the unlink of a tmp/ file
# after success, and all that differs from a run without faults is that
# tmp/ name of a message placed (a second link of it, harmless).
tmp_link_left() {
	case $1:$2 in
	unlink*:*/tmp/*) ;;
	*) return 1 ;;
	esac
	grep -v '/tmp/\*$' "$W/now" | cmp -s - "$W/after" || return 1
	grep '/tmp/\*$' "$W/now" | while read -r c p; do
		grep -q "^$c " "$W/after" || echo stray
	done | grep -q stray && return 1
	return 0
}

# quota_line_lost SITE: the failed call was on maildirsize itself (not
# on a recount's file in tmp/), and stderr says maildirsize failed.
quota_line_lost() {
	case $1 in
	*/maildirsize) grep -q 'maildirsize' "$W/err" ;;
	*) return 1 ;;
	esac
}

# ---- the sweep ----

# stress_row OP RUNS BAD TOLERATED: its row of make stress's table, when
# MDKIT_STRESS_ROWS names a file (t/stress/table.sh). A run here is one
# fault; what went wrong is not sorted into lost, duplicated or partial,
# so every run with a violation counts as unexpected.
stress_row() {
	[ -n "${MDKIT_STRESS_ROWS:-}" ] || return 0
	printf 'fault-%s\t%s\t-\t%s faults\t-\t-\t-\t%s\t%s\n' "$1" "$2" "$2" \
	    "$3" "$4 tolerated (a violation of any kind is unexpected)" \
	    >>"$MDKIT_STRESS_ROWS"
}


total_runs=0
total_bad=0
total_tol=0
table=$W/table
: >"$table"

sweep_op() {
	op=$1
	rm -rf "$R" "$P" ${XR:+"$XR" "$XP"}
	: >"$W/in"
	CHECK=
	USE_X=
	if ! "fix_$op"; then
		printf '%-8s %-12s %s\n' "$op" - "skipped: no second file system" >>"$table"
		return
	fi
	CHECK=${CHECK:-$ROOTS}
	cp -a "$R" "$P" || exit 2
	[ -z "$USE_X" ] || cp -a "$XR" "$XP" || exit 2
	snap "$W/before"
	# The recording run is the run without faults.
	rm -f "$W/trace"
	MDKIT_FAULT_RECORD=$W/rec MDKIT_FAULT_TRACE=$W/trace run ""
	if [ "$RC" -ne 0 ] && { [ "$op" != repair ] || [ "$RC" -ne 1 ]; }; then
		echo "$op: fails without a fault: exit $RC: $(cat "$W/err")"
		total_bad=$((total_bad + 1))
		return
	fi
	snap "$W/after"
	op_runs=0
	op_bad=0
	op_tol=0
	while read -r call count; do
		if [ -n "$only_calls" ]; then
			case " $only_calls " in *" $call "*) ;; *) continue ;; esac
		fi
		errs=$(errnos "$call")
		[ -n "$errs" ] || continue
		runs=0
		bad=0
		tol=0
		n=1
		while [ "$n" -le "$count" ]; do
			site=$(grep -m 1 "^$call $n " "$W/trace" | cut -d' ' -f3- |
			    sed "s#$R/#R/#g; s#${XR:-/nonexistent}/#X/#g")
			for e in $errs; do
				run "$call=$e@$n"
				runs=$((runs + 1))
				checks "$call" "$e" "$site" |
				    sed "s#$W/r/#R/#g; s#${XR:-/nonexistent}/#X/#g" >"$W/bad"
				what="$op $call=$e@$n ($site): exit $RC:"
				if grep -qv '^tolerated: ' "$W/bad"; then
					bad=$((bad + 1))
					grep -v '^tolerated: ' "$W/bad" | sed "s#^#$what #"
				elif [ -s "$W/bad" ]; then
					tol=$((tol + 1))
					[ "$verbose" = 0 ] || sed "s#^#$what #" "$W/bad"
				elif [ "$verbose" = 1 ]; then
					echo "$what ok"
				fi
			done
			n=$((n + 1))
		done
		printf '%-8s %-11s %3d x %-34s %4d runs %3d bad %3d tolerated\n' \
		    "$op" "$call" "$count" "$errs" "$runs" "$bad" "$tol" >>"$table"
		total_runs=$((total_runs + runs))
		total_bad=$((total_bad + bad))
		op_runs=$((op_runs + runs))
		op_bad=$((op_bad + bad))
		op_tol=$((op_tol + tol))
		total_tol=$((total_tol + tol))
	done <"$W/rec"
	stress_row "$op" "$op_runs" "$op_bad" "$op_tol"
}

for op; do
	case " $OPS " in
	*" $op "*) sweep_op "$op" ;;
	*)
		echo "sweep: no operation $op (there are: $OPS)" >&2
		exit 2
		;;
	esac
done
echo "# operation, call, sites x errnos, runs: with a violation, tolerated"
cat "$table"
echo "# $total_runs runs, $total_bad with a violation, $total_tol tolerated"
[ "$total_bad" -eq 0 ]
