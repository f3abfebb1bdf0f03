#!/bin/sh
# What the fault sweep (t/fault/sweep.sh, issue 14) found, each kept
# fixed: a failure must leave no message where it was not before and
# miss none that was; a quota root that cannot be told is never guessed;
# a directory read that fails is no end of the directory.
. "$(dirname "$0")/lib.sh"

plan 45

shim=${MDKIT_FAULTLIB:-}
if [ -z "$shim" ] || [ ! -f "$shim" ]; then
	skip_all "no fault shim (MDKIT_FAULTLIB)"
fi

M=$T/M
printf 'Subject: found\n\nbody\n' >"$T/msg" # 21 bytes
: >"$T/none"

# faulty SPEC PROGRAM ARGS... <INPUT: PROGRAM with SPEC injected; stdout
# in $T/out, stderr in $T/err, status in RC.
faulty() {
	_spec=$1
	shift
	MDKIT_FAULT=$_spec LD_PRELOAD=$shim \
	    ASAN_OPTIONS=verify_asan_link_order=0 \
	    "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# nth CALL TEXT SETUP PROGRAM ARGS... <INPUT: the number of the first
# CALL whose trace line ends in TEXT when PROGRAM runs on what SETUP
# makes; SETUP is run again afterwards, for the run that counts.
nth() {
	_call=$1 _text=$2 _setup=$3
	shift 3
	"$_setup"
	rm -f "$T/trace"
	MDKIT_FAULT_TRACE=$T/trace LD_PRELOAD=$shim \
	    ASAN_OPTIONS=verify_asan_link_order=0 "$@" >/dev/null 2>&1
	"$_setup"
	awk -v c="$_call" -v t="$_text" '$1 == c &&
	    substr($0, length($0) - length(t) + 1) == t { print $2; exit }' \
	    "$T/trace"
}

lines() { wc -l <"$1" | tr -d ' '; }

# A maildir M with a quota whose sums are right, and one message.
fresh() {
	rm -rf "$M"
	mkmd "$M"
	printf 'Subject: old\n\nold\n' >"$M/cur/1.M1P1.h,S=18:2,S"
	printf '100000S,100C\n18 1\n' >"$M/maildirsize"
}

# clean DESC: md-check finds nothing in M (the modes of umask 022 aside).
clean() {
	"$BIN/md-check" -r "$M" 2>&1 | grep -v '^mode	' >"$T/found"
	is "$(cat "$T/found")" "" "$1"
}

# ---- a failed directory sync: 75 means not delivered ----

fresh
faulty dirsync=EIO "$MD" "$M" <"$T/msg"
is "$RC" 75 "new/ cannot be synced: exit 75"
is "$(count_files "$M/new"):$(count_files "$M/tmp")" 0:0 \
    "new/ cannot be synced: the link taken back, tmp/ clean (no duplicate after the retry)"
err_has "$M/new: fsync: Input/output error" "new/ cannot be synced: said"
is "$(cat "$M/maildirsize")" "$(printf '100000S,100C\n18 1')" \
    "new/ cannot be synced: no quota line"
clean "new/ cannot be synced: md-check finds nothing"

# Two targets, the second's sync fails: the first has it, the second not.
fresh
rm -rf "$T/N"
mkmd "$T/N"
faulty dirsync=EIO@2 "$MD" -v "$M" "$T/N" <"$T/msg"
is "$RC:$(count_files "$M/new"):$(count_files "$T/N")" 75:1:0 \
    "second target's sync fails: exit 75, in the first only"
is "$(lines "$T/out")" 1 "second target's sync fails: -v prints the first's path only"

# -M: a batch whose sync fails is taken back, and not counted delivered.
{
	printf 'From a Thu Oct 17 17:14:09 1995\nSubject: 1\n\n1\n\n'
	printf 'From b Thu Oct 17 17:14:09 1995\nSubject: 2\nStatus: RO\n\n2\n\n'
	printf 'From c Thu Oct 17 17:14:09 1995\nSubject: 3\n\n3\n'
} >"$T/mbox"
fresh
faulty dirsync=EIO@1 "$MD" -M "$M" <"$T/mbox"
is "$RC" 75 "-M, new/ cannot be synced: exit 75"
is "$(count_files "$M/new"):$(count_files "$M/cur"):$(count_files "$M/tmp")" \
    0:1:0 "-M, new/ cannot be synced: the batch taken back from new/ and cur/"
err_has "mbox: 0 delivered, 0 refused; stopped at message 1, it and the rest not delivered" \
    "-M: the summary counts none of the batch"
clean "-M: md-check finds nothing (no quota line for the batch)"

# ---- a quota root that cannot be told is never guessed ----

# A folder whose maildirfolder marker cannot be looked at (ELOOP): taken
# for a root, the message went uncounted past a full quota.
fresh
printf '100000S,100C\n100000 1\n' >"$M/maildirsize"
mkmd "$M/.Loop"
ln -s maildirfolder "$M/.Loop/maildirfolder"
deliver "$M/.Loop" <"$T/msg"
is "$RC" 75 "maildirfolder cannot be looked at: exit 75"
is "$(count_files "$M/.Loop")" 0 "maildirfolder cannot be looked at: nothing delivered"
err_has "$M/.Loop/maildirfolder: stat: Too many levels of symbolic links" \
    "maildirfolder cannot be looked at: said"
is "$(cat "$M/maildirsize")" "$(printf '100000S,100C\n100000 1')" \
    "maildirfolder cannot be looked at: maildirsize untouched"

# The root itself cannot be looked at: no delivery without the quota.
n=$(nth stat "$M" fresh "$MD" "$M" <"$T/msg")
faulty "stat=EIO@$n" "$MD" "$M" <"$T/msg"
is "$RC:$(count_files "$M/new")" 75:0 "the root cannot be stat'ed (stat $n): exit 75, nothing delivered"
clean "the root cannot be stat'ed: md-check finds nothing"

# md-move: from or into a folder whose root cannot be told, nothing moves.
fresh
mkmd "$M/.Loop"
ln -s maildirfolder "$M/.Loop/maildirfolder"
printf 'Subject: l\n\nl\n' >"$M/.Loop/cur/2.M2P2.h,S=14:2,S"
mkmd "$T/N"
"$BIN/md-move" "$M/.Loop/cur/2.M2P2.h,S=14:2,S" "$T/N" >"$T/out" 2>"$T/err"
is "$?:$(count_files "$T/N")" 1:0 "md-move out of a folder whose root cannot be told: exit 1, not moved"
check "md-move out of it: the message is where it was" \
    test -f "$M/.Loop/cur/2.M2P2.h,S=14:2,S"
"$BIN/md-move" "$M/cur/1.M1P1.h,S=18:2,S" "$M/.Loop" >"$T/out" 2>"$T/err"
is "$?:$(count_files "$M/.Loop/cur")" 1:1 "md-move into it: exit 1, not moved"
err_has "$M/.Loop/maildirfolder: stat: Too many levels of symbolic links" \
    "md-move into it: said"

# md-expunge: its messages stay, which removed would go uncounted.
printf 'Subject: t\n\nt\n' >"$M/.Loop/cur/4.M4P4.h,S=14:2,ST"
"$BIN/md-expunge" -T "$M/.Loop" >"$T/out" 2>"$T/err"
is "$?:$(count_files "$M/.Loop/cur")" 1:2 \
    "md-expunge in a folder whose root cannot be told: exit 1, the messages stay"
err_has "$M/.Loop/maildirfolder: stat: Too many levels of symbolic links" \
    "md-expunge: says why"

# md-check: a folder whose root cannot be told is not called sound.
"$BIN/md-check" "$M/.Loop" >"$T/out" 2>"$T/err"
is "$?" 2 "md-check of that folder: exit 2 (could not check it all)"
rm -rf "$M/.Loop"
clean "md-move: md-check finds nothing in M"

# ---- md-move across file systems ----

other=$(other_fs_dir) && cleanup_also "$other"
if [ -n "$other" ]; then
	movex() {
		fresh
		rm -rf "$other/A"
		mkmd "$other/A"
	}
	src=$M/cur/1.M1P1.h,S=18:2,S
	# The source is removed, its directory's sync fails: moved all the
	# same (the path printed, the quota told), not reported as a failure
	# that left the message in place.
	n=$(nth dirsync "$M/cur" movex "$BIN/md-move" "$src" "$other/A")
	faulty "dirsync=EIO@$n" "$BIN/md-move" "$src" "$other/A"
	is "$RC:$(count_files "$other/A/cur")" 0:1 \
	    "across, the source's directory cannot be synced (dirsync $n): exit 0, moved"
	check "across: the source is gone" test ! -e "$src"
	same_bytes "$(cat "$T/out")" "$other/A/cur/$(ls "$other/A/cur")" \
	    "across: the new path printed"
	is "$(tail -n 1 "$M/maildirsize")" "-18 -1" "across: the quota told"
	clean "across: md-check finds nothing in M"
	# The copy is linked, the target's sync fails: the copy goes again.
	n=$(nth dirsync "$other/A/cur" movex "$BIN/md-move" "$src" "$other/A")
	faulty "dirsync=EIO@$n" "$BIN/md-move" "$src" "$other/A"
	is "$RC:$(count_files "$other/A")" 1:0 \
	    "across, the target cannot be synced: exit 1, no copy left"
	check "across, the target cannot be synced: the source stays" test -f "$src"
else
	skip_n 7 "no second file system (/dev/shm)"
fi

# ---- a line of maildirsize written in two ----

fresh
n=$(nth write "$M/maildirsize" fresh "$MD" "$M" <"$T/msg")
faulty "write=short@$n" "$MD" "$M" <"$T/msg"
is "$RC" 0 "quota line written short (write $n): delivered"
is "$(cat "$M/maildirsize")" "$(printf '100000S,100C\n18 1\n21 1')" \
    "quota line written short: the rest follows, the line is whole"
clean "quota line written short: md-check finds nothing"

# ---- a directory read that fails is no end of it ----

fresh
mkmd "$M/.Work"
: >"$M/.Work/maildirfolder"
printf 'Subject: w\n\nw\n' >"$M/.Work/cur/3.M3P3.h,S=14:2,S"
faulty readdir=EIO "$BIN/md-index" -r "$M" </dev/null
is "$RC" 1 "md-index -r, the root cannot be read for folders: exit 1"
err_has "Input/output error" "md-index -r: says why"
faulty readdir=EIO "$BIN/md-expunge" -r "$M" </dev/null
is "$RC" 1 "md-expunge -r, the root cannot be read: exit 1"
faulty readdir=EIO "$BIN/md-check" -r "$M" </dev/null
is "$RC" 2 "md-check -r, the root cannot be read: exit 2"

# A folder whose cur/ cannot be looked at (ELOOP) is no non-folder.
mkdir "$M/.Bad"
ln -s cur "$M/.Bad/cur"
"$BIN/md-index" -r "$M" </dev/null >"$T/out" 2>"$T/err"
is "$?" 1 "md-index -r, a folder's cur/ cannot be looked at: exit 1"
err_has "$M/.Bad" "md-index -r: names that folder"
check "md-index -r: the other folders done" test -f "$M/.Work/mdkit-cache"
rm -rf "$M/.Bad"

# md-mkdir: a directory whose listing fails is not taken for empty.
mkdir "$T/full"
: >"$T/full/file"
faulty readdir=EIO "$BIN/md-mkdir" "$T/full" </dev/null
is "$RC" 1 "md-mkdir, the directory cannot be read: exit 1"
check "md-mkdir: nothing made in it" test ! -e "$T/full/new"
err_has "$T/full: Input/output error" "md-mkdir: says why"
