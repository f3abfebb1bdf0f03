#!/bin/sh
# The tmp file is created O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, under the
# tmp/ directory; a taken name is replaced by a fresh one (a bounded
# number of times); the maildirfolder marker does not follow a planted
# symlink; host names cannot put '/' or ':' into a file name.
. "$(dirname "$0")/lib.sh"

plan 19

M=$T/M
printf 'Subject: sec\n\nbody\n' >"$T/msg"

if have_strace; then
	have_strace=1
else
	have_strace=
fi

if [ -n "$have_strace" ]; then
	mkmd "$M"
	strace -o "$T/trace" -e trace=openat "$MD" "$M" <"$T/msg" 2>"$T/err"
	is "$?" 0 "strace: delivered"
	tmpfd=$(sed -n 's/^openat([0-9]*, "tmp", .*) = \([0-9]*\)$/\1/p' "$T/trace")
	grep 'O_CREAT' "$T/trace" >"$T/creat"
	is "$(lines "$T/creat")" 1 "strace: one file created"
	line=$(cat "$T/creat")
	case $line in
	"openat($tmpfd, \""*) r=0 ;;
	*) r=1 ;;
	esac
	ok $r "tmp file opened relative to the tmp/ directory fd ($tmpfd): $line"
	r=0
	for flag in O_WRONLY O_CREAT O_EXCL O_NOFOLLOW; do
		case $line in
		*"$flag"*) ;;
		*) r=1 ;;
		esac
	done
	ok $r "tmp file opened with O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW"
	case $line in
	*", 0600) = "[0-9]*) r=0 ;;
	*) r=1 ;;
	esac
	ok $r "tmp file created with mode 0600"
	case $line in
	*O_TRUNC*) r=1 ;;
	*) r=0 ;;
	esac
	ok $r "tmp file never opened with O_TRUNC"

	# The same open made to fail with EEXIST, as a planted file or
	# symlink would: a fresh name is taken.
	k=$(grep -n 'O_EXCL' "$T/trace" | cut -d: -f1)
	rm -rf "$M"
	mkmd "$M"
	strace -o "$T/trace" -e trace=openat -e inject=openat:error=EEXIST:when="$k" \
	    "$MD" -v "$M" <"$T/msg" >"$T/out" 2>"$T/err"
	is "$?" 0 "tmp name taken (EEXIST): delivered"
	is "$(grep -c 'O_EXCL' "$T/trace")" 2 "tmp name taken: a second name tried"
	same_bytes "$(only_file "$M/new")" "$T/msg" "tmp name taken: delivered once"
	is "$(count_files "$M/tmp")" 0 "tmp name taken: tmp/ empty"

	rm -rf "$M"
	mkmd "$M"
	strace -o "$T/trace" -e trace=openat -e inject=openat:error=EEXIST:when="$k+" \
	    "$MD" "$M" <"$T/msg" >"$T/out" 2>"$T/err"
	is "$?" 75 "every tmp name taken: gives up with 75"
	n=$(grep -c 'O_EXCL' "$T/trace")
	[ "$n" -gt 1 ] && [ "$n" -le 20 ]
	ok $? "every tmp name taken: a bounded number of tries ($n)"

	# link(2) into new/ says EEXIST for a name nobody else has:
	# the name counts as taken and a fresh one is used.
	rm -rf "$M"
	mkmd "$M"
	strace -o "$T/trace" -e trace=linkat -e inject=linkat:error=EEXIST:when=1 \
	    "$MD" "$M" <"$T/msg" >"$T/out" 2>"$T/err"
	is "$?" 0 "link says EEXIST: delivered under a fresh name"
	diag "$(cat "$T/err")"
	same_bytes "$(only_file "$M/new")" "$T/msg" "link says EEXIST: one file in new/"
	is "$(count_files "$M/tmp")" 0 "link says EEXIST: tmp/ empty"
else
	skip_n 15 "no usable strace"
fi

# maildirfolder: a planted symlink is not followed.
rm -rf "$M"
mkmd "$M" "$M/.Work"
ln -s "$T/victim" "$M/.Work/maildirfolder"
deliver -c -f Work "$M" <"$T/msg"
check "symlinked maildirfolder: its target is not created (exit $RC)" test ! -e "$T/victim"
is "$(count_files "$M/.Work/tmp")" 0 "symlinked maildirfolder: nothing left in tmp/"

# Host names with '/', ':', ',' and '\' are escaped in file names.
rm -rf "$M"
mkmd "$M"
if unshare -u true 2>/dev/null; then
	unshare -u sh -c 'printf "%s" "a/b:c,d\\e" >/proc/sys/kernel/hostname &&
	    exec "$1" -v "$2"' sh "$MD" "$M" <"$T/msg" >"$T/out" 2>"$T/err"
	is "$?" 0 "odd host name: delivered"
	f=$(only_file "$M/new")
	case $(basename "$f") in
	*'.a\057b\072c\054d\134e,S='*) r=0 ;;
	*) r=1 ;;
	esac
	ok $r "host a/b:c,d\\e written as a\\057b\\072c\\054d\\134e: $(basename "$f")"
else
	skip_n 2 "cannot set a host name here (unshare -u)"
fi
