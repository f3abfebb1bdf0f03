#!/bin/sh
# A symlink planted under a name a program is about to create, open or
# rename to is never followed to write outside the maildir. Names are
# fresh and random, so the fault shim plants it (CALL=SYMLINK@N: just
# before the Nth call, at that call's destination), as an attacker racing
# the program would: each operation is recorded once, then rerun on a
# fresh fixture once for every openat, open, linkat, link, renameat,
# renameat2, rename, mkdirat and mkdir it made, with a symlink to a victim
# file outside planted there. After each run: the victim is as it was
# (bytes, mode, mtime) and nothing else appeared beside it; the exit
# status is one the man page gives; no message was lost (a message
# delivered with exit 0 is in new/, every message of the fixture is still
# somewhere, but for those md-expunge removes on purpose). The victim
# reads as a maildirsize with sound sums, the file a planted symlink
# most tempts a program to write through.
. "$(dirname "$0")/lib.sh"

OPS="deliver bare folder import flag move expunge repair index mkdir folders"
plan 25

have_faultlib || skip_all "no fault shim ($FAULTLIB): make all-tests"

P=$T/p # the fixture as made
R=$T/r # the copy each run gets
O=$T/outside
CALLS="openat open linkat link renameat renameat2 rename mkdirat mkdir"

# mail DIR NAME TEXT: a message file, its text "Subject: TEXT".
mail() {
	printf 'Subject: %s\n\n%s\n' "$3" "$3" >"$1/$2"
	touch -d @1000000000 "$1/$2"
}

quota() {
	printf '10000000S,10000C\n' >"$1/maildirsize"
	"$BIN/md-check" --repair -r "$1" >/dev/null 2>&1
}

# The fixtures, in $P; CMD runs from $R; FAILS: exit statuses allowed
# besides 0; GONE: subjects removed on purpose.
fix_deliver() {
	mkmd "$P/M"
	mail "$P/M/cur" 1.M1P1.h:2,S one
	quota "$P/M"
	printf 'Subject: delivered\n\ndelivered\n' >"$T/in"
	CMD="$MD $R/M"
	FAILS=75
}

# No maildirsize: one planted where it is looked for is a quota file of
# sound sums (the victim's text), which must not be appended to.
fix_bare() {
	mkmd "$P/M"
	printf 'Subject: delivered\n\ndelivered\n' >"$T/in"
	CMD="$MD $R/M"
	FAILS=75
}

fix_folder() {
	mkmd "$P/M"
	quota "$P/M"
	printf 'Subject: delivered\n\ndelivered\n' >"$T/in"
	CMD="$MD -c -f Work $R/M"
	FAILS=75
}

fix_import() {
	mkmd "$P/M"
	{
		echo "From a@example.org Thu Oct 17 17:14:09 1995"
		printf 'Subject: first\n\nfirst\n\n'
		echo "From b@example.org Fri Oct 18 17:14:09 1995"
		printf 'Subject: second\nStatus: RO\n\nsecond\n'
	} >"$T/in"
	CMD="$MD -M $R/M"
	FAILS=75
}

fix_flag() {
	mkmd "$P/M"
	mail "$P/M/new" 1.M1P1.h one
	mail "$P/M/cur" 2.M2P2.h:2,S two
	CMD="$BIN/md-flag -F $R/M/new/1.M1P1.h $R/M/cur/2.M2P2.h:2,S"
	FAILS=1
}

fix_move() {
	mkmd "$P/M" "$P/M/.Work"
	: >"$P/M/.Work/maildirfolder"
	mail "$P/M/cur" 1.M1P1.h:2,S one
	mail "$P/M/new" 2.M2P2.h two
	quota "$P/M"
	CMD="$BIN/md-move -t $R/M/.Work $R/M/cur/1.M1P1.h:2,S $R/M/new/2.M2P2.h"
	FAILS=1
}

fix_expunge() {
	mkmd "$P/M"
	mail "$P/M/cur" 1.M1P1.h:2,ST gone
	mail "$P/M/cur" 2.M2P2.h:2,S kept
	quota "$P/M"
	CMD="$BIN/md-expunge -T $R/M"
	FAILS=1
	GONE=gone
}

fix_repair() {
	mkmd "$P/M" "$P/M/.Work"
	: >"$P/M/.Work/maildirfolder"
	rmdir "$P/M/.Work/tmp"
	mail "$P/M/new" 1.M1P1.h:2,S misplaced
	mail "$P/M/cur" 2.M2P2.h:2,SF unordered
	printf '10000000S,10000C\n5 1\n' >"$P/M/maildirsize"
	printf 'not a cache' >"$P/M/mdkit-cache"
	CMD="$BIN/md-check --repair -r $R/M"
	FAILS="1 2"
}

fix_index() {
	mkmd "$P/M" "$P/M/.Work"
	: >"$P/M/.Work/maildirfolder"
	mail "$P/M/cur" 1.M1P1.h:2,S one
	mail "$P/M/.Work/new" 2.M2P2.h two
	CMD="$BIN/md-index -q -j 1 -r $R/M"
	FAILS=1
}

fix_mkdir() {
	mkdir -p "$P"
	CMD="$BIN/md-mkdir -q 10000000S,1000C $R/N $R/N2"
	FAILS=1
}

fix_folders() {
	mkmd "$P/M"
	quota "$P/M"
	CMD="$BIN/md-mkdir -f Work -f Lists.x $R/M"
	FAILS=1
}

# The subjects of the messages under DIR, sorted: regular files only.
subjects() {
	find "$1" -type f \( -path '*/new/*' -o -path '*/cur/*' \) \
	    -exec sed -n 's/^Subject: //p' {} + 2>/dev/null | sort
}

victim() {
	(cd "$O" && ls -A && stat -c '%n %s %a %Y' victim && cat victim)
}

# run SPEC: CMD on a fresh copy of the fixture; RC its status.
run_op() {
	rm -rf "$R"
	cp -a "$P" "$R"
	MDKIT_FAULT=$1 MDKIT_FAULT_SYMLINK=$O/victim \
	    MDKIT_FAULT_RECORD=$T/record LD_PRELOAD=$FAULTLIB \
	    ASAN_OPTIONS=verify_asan_link_order=0 $CMD <"$T/in" >"$T/out" \
	    2>"$T/err"
	RC=$?
}

mkdir "$O"
printf '1000000S,100C\n0 0\n' >"$O/victim"
chmod 640 "$O/victim"
touch -d @1000000000 "$O/victim"
victim >"$T/victim"

for op in $OPS; do
	rm -rf "$P"
	: >"$T/in"
	FAILS=
	GONE=
	"fix_$op"
	chmod -R go-w "$P" # the maildir is its owner's alone
	before=$(subjects "$P" | grep -vxF "${GONE:-/}")
	run_op ""
	cp "$T/record" "$T/counts"
	runs=0
	bad=
	lost=
	for call in $CALLS; do
		n=$(awk -v c="$call" '$1 == c { print $2 }' "$T/counts")
		i=1
		while [ "$i" -le "${n:-0}" ]; do
			run_op "$call=SYMLINK@$i"
			runs=$((runs + 1))
			if ! victim | cmp -s - "$T/victim"; then
				bad="$bad $call@$i"
				# the next run needs the victim whole
				rm -rf "$O"
				mkdir "$O"
				printf '1000000S,100C\n0 0\n' >"$O/victim"
				chmod 640 "$O/victim"
				touch -d @1000000000 "$O/victim"
			fi
			after=$(subjects "$R")
			missing=
			for s in $before; do
				printf '%s\n' "$after" | grep -qxF "$s" ||
					missing="$missing $s"
			done
			if [ "$RC" -eq 0 ] && [ -s "$T/in" ] &&
			    [ "$op" != import ] &&
			    ! printf '%s\n' "$after" | grep -qxF delivered; then
				missing="$missing delivered"
			fi
			case " 0 $FAILS " in
			*" $RC "*) ;;
			*) missing="$missing exit=$RC($(head -n 1 "$T/err"))" ;;
			esac
			[ -z "$missing" ] ||
				lost="$lost $call@$i:$(echo $missing | tr ' ' ',')"
			i=$((i + 1))
		done
	done
	is "${bad# }" "" "$op: $runs planted symlinks, none followed to write outside"
	is "${lost# }" "" "$op: exit statuses documented, no message lost"
done

# A maildirsize that is a symlink (to a file of another mode) is read
# for its limits, then replaced by a file of the maildir's own, 0600.
rm -rf "$R"
mkmd "$R/M"
chmod 700 "$R/M"
ln -s "$O/victim" "$R/M/maildirsize"
printf 'Subject: delivered\n\ndelivered\n' | "$MD" "$R/M" 2>"$T/err"
is "$?" 0 "symlinked maildirsize: delivered"
victim | cmp -s - "$T/victim"
ok $? "symlinked maildirsize: the file it pointed to as it was"
f=$R/M/maildirsize
is "$(test -L "$f" || stat -c '%F %a' "$f") $(head -n 1 "$f")" \
    "regular file 600 1000000S,100C" \
    "symlinked maildirsize: replaced by a file 0600 with its limits"
