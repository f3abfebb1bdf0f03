# t/lib.sh: what every program test shares. POSIX sh, TAP on stdout.
#
#	. "$(dirname "$0")/lib.sh"
#	plan 3
#	printf 'Subject: x\n\nbody\n' >"$T/msg"
#	deliver "$T/M" <"$T/msg"
#	is "$RC" 0 "delivered"
#	same_bytes "$(only_file "$T/M/new")" "$T/msg" "stored as read"
#
# Sets BIN (MDKIT_BIN, else build/bin of this tree), MD ($BIN/md-deliver)
# and T, a scratch directory under ${TMPDIR:-/tmp} removed at exit. TZ is
# UTC, the locale C, the umask 022, and HOME points into T so that no test
# can ever deliver into a real ~/Maildir.

TZ=UTC
LC_ALL=C
export TZ LC_ALL
unset MAILDIR SENDER RECIPIENT ORIGINAL_RECIPIENT LANG LANGUAGE
umask 022

BIN=${MDKIT_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
case $BIN in
/*) ;;
*) BIN=$(pwd)/$BIN ;;
esac
MD=$BIN/md-deliver
if [ ! -x "$MD" ]; then
	echo "Bail out! no md-deliver in $BIN (run make, set MDKIT_BIN)"
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/mdkit-t.XXXXXX") || {
	echo "Bail out! cannot make a scratch directory"
	exit 1
}
HOME=$T/home
export HOME
mkdir "$HOME"

_n=0
_failed=0
_planned=
_extra=

_cleanup() {
	cd /
	chmod -R u+rwx "$T" 2>/dev/null
	rm -rf "$T" $_extra
	if [ -n "$_planned" ] && [ "$_n" -ne "$_planned" ]; then
		echo "# planned $_planned tests but ran $_n" >&2
		exit 255
	fi
	[ "$_failed" -eq 0 ] || exit 1
	exit 0
}
trap _cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- TAP ----

plan() {
	_planned=$1
	echo "1..$1"
}

skip_all() {
	echo "1..0 # SKIP $*"
	_planned=
	exit 0
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /' >&2
}

# One result: STATUS (0 passes) and a description on one line.
_result() {
	_n=$((_n + 1))
	_rd=$(printf '%s' "$2" | tr '\n\r' '  ' | sed 's/#/\\#/g')
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $_rd"
	else
		echo "not ok $_n - $_rd"
		_failed=$((_failed + 1))
	fi
	return "$1"
}

# ok STATUS DESC: passes when STATUS (usually $?) is 0.
ok() {
	_st=$1
	shift
	_result "$_st" "$*"
}

# check DESC COMMAND...: passes when COMMAND succeeds (its stdout goes
# to stderr, away from the TAP stream).
check() {
	_d=$1
	shift
	"$@" >&2
	_result $? "$_d"
}

# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then
		_result 0 "$3"
	else
		_result 1 "$3"
		diag "got:  '$1'" "want: '$2'"
		return 1
	fi
}

# isnt GOT UNWANTED DESC
isnt() {
	if [ "$1" != "$2" ]; then
		_result 0 "$3"
	else
		_result 1 "$3"
		diag "got '$1', which it must not be"
		return 1
	fi
}

# same_bytes GOT EXPECTED DESC: the two files are byte for byte equal.
same_bytes() {
	if [ -f "$1" ] && cmp -s "$1" "$2"; then
		_result 0 "$3"
	else
		_result 1 "$3"
		if [ ! -f "$1" ]; then
			diag "no file '$1'"
		else
			diag "$(cmp "$1" "$2" 2>&1)"
			diag "got:" "$(head -c 300 "$1" | od -c | head -12)"
			diag "want:" "$(head -c 300 "$2" | od -c | head -12)"
		fi
		return 1
	fi
}

# skip REASON: one skipped test.
skip() {
	_n=$((_n + 1))
	echo "ok $_n # skip $*"
}

# skip_n COUNT REASON
skip_n() {
	_k=$1
	shift
	while [ "$_k" -gt 0 ]; do
		skip "$*"
		_k=$((_k - 1))
	done
}

# ---- running md-deliver ----

# deliver ARGS... <INPUT: runs md-deliver; stdout in $T/out, stderr in
# $T/err, exit status in RC (and returned).
deliver() {
	"$MD" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	return $RC
}

# deliver_fresh ARGS... <INPUT: deliver into $M made anew, empty (what
# was there removed): md-deliver ARGS... "$M", as deliver runs it.
deliver_fresh() {
	rm -rf "$M"
	mkmd "$M"
	deliver "$@" "$M"
}

# stores NAME ARGS...: three tests: md-deliver ARGS... reads $T/in into
# a fresh $M (deliver_fresh), exits 0, and the one file in new/ is
# $T/want byte for byte, its ,S= the size of both.
stores() {
	_name=$1
	shift
	deliver_fresh "$@" <"$T/in"
	is "$RC" 0 "$_name: exit 0"
	_f=$(only_file "$M/new")
	same_bytes "$_f" "$T/want" "$_name: stored as expected"
	is "$(name_size "$_f") $(fsize "$_f")" \
	    "$(fsize "$T/want") $(fsize "$T/want")" \
	    "$_name: ,S= is the stored size, the file's"
}

# err_has TEXT DESC: the last stderr ($T/err, of deliver, run or faulty)
# contains TEXT.
err_has() {
	if grep -qF -- "$1" "$T/err"; then
		_result 0 "$2"
	else
		_result 1 "$2"
		diag "stderr was:" "$(cat "$T/err")"
		return 1
	fi
}

# ---- running the other programs ----

# run PROGRAM ARGS...: PROGRAM with nothing on stdin; stdout in $T/out,
# stderr in $T/err, exit status in RC. A test names its program once:
#
#	mf() { run "$BIN/md-flag" "$@"; }
run() {
	"$@" </dev/null >"$T/out" 2>"$T/err"
	RC=$?
}

# The fault shim (t/fault/inject.c: MDKIT_FAULT=CALL=ERRNO[@N],... makes
# system calls fail): MDKIT_FAULTLIB (make check sets it), else the one
# make all-tests builds next to BIN. have_faultlib: is it there?
FAULTLIB=${MDKIT_FAULTLIB:-$(dirname "$BIN")/fault/inject.so}
have_faultlib() { [ -f "$FAULTLIB" ]; }

# with_fault SPEC COMMAND...: COMMAND with the shim preloaded and
# MDKIT_FAULT=SPEC; its exit status. AddressSanitizer, which wants to be
# loaded first, is told not to mind.
with_fault() {
	_spec=$1
	shift
	MDKIT_FAULT=$_spec LD_PRELOAD=$FAULTLIB \
	    ASAN_OPTIONS=verify_asan_link_order=0 "$@"
}

# faulty SPEC PROGRAM ARGS...: as run runs PROGRAM (nothing on stdin,
# $T/out, $T/err, RC), but with_fault SPEC.
faulty() {
	with_fault "$@" </dev/null >"$T/out" 2>"$T/err"
	RC=$?
}

# ---- output ----

# lines FILE, bytes FILE: how many lines, how many bytes FILE holds.
lines() { wc -l <"$1" | tr -d ' '; }
bytes() { wc -c <"$1" | tr -d ' '; }

# got [PREFIX]: the lines of $T/out, PREFIX/ (default $M/) taken off
# each, sorted, on one line; want NAME...: the same form for the names
# given, to compare with:
#
#	is "$(got)" "$(want new/a cur/b:2,S)" "lists a and b"
got() {
	sed "s|^${1:-$M}/||" "$T/out" | sort | tr '\n' ' ' | sed 's/ $//'
}
want() {
	printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}

# has KIND PATH: $T/out has a line KIND<TAB>PATH<TAB>... (md-check's
# and md-index's reports).
has() {
	awk -F'\t' -v k="$1" -v p="$2" \
	    '$1 == k && $2 == p { f = 1 } END { exit !f }' "$T/out"
}

# ---- maildirs and files ----

# mkmd DIR...: a maildir each (tmp/, new/ and cur/, parents too), modes
# as the umask gives them.
mkmd() {
	for _m; do
		mkdir -p "$_m/tmp" "$_m/new" "$_m/cur" || exit 1
	done
}

# fill_md FILE...: $M made anew, each FILE delivered into it by
# md-deliver (the test ends when one is not).
fill_md() {
	rm -rf "$M"
	mkmd "$M"
	for _f; do
		"$MD" "$M" <"$_f" || exit 1
	done
}

# msg DIR REL...: a message DIR/REL each ("Subject: REL", an empty line,
# "body"), with an mtime of 2001-09-09 (@1000000000).
msg() {
	_d=$1
	shift
	for _r; do
		printf 'Subject: %s\n\nbody\n' "$_r" >"$_d/$_r"
		touch -d @1000000000 "$_d/$_r"
	done
}

# msg_text TEXT DIR REL...: like msg, but each file holds the one line
# TEXT, for sizes that must be known (123456789: 10 bytes).
msg_text() {
	_t=$1
	_d=$2
	shift 2
	for _r; do
		printf '%s\n' "$_t" >"$_d/$_r"
		touch -d @1000000000 "$_d/$_r"
	done
}

# tree DIR [FIELDS]: every path below DIR, sorted, to compare before and
# after: on one line; or, with FIELDS (stat -c formats, as '%i %a'), one
# a line, each followed by its FIELDS.
tree() {
	if [ $# -gt 1 ]; then
		(cd "$1" && find . -exec stat -c "%n $2" {} + | sort)
	else
		(cd "$1" && find . | sort | tr '\n' ' ')
	fi
}

# placed DIR: the messages below DIR as FOLDER/SUB[:2,FLAGS] (new/ and
# cur/, names cut away), sorted, on one line: where mail went.
placed() {
	(cd "$1" && find . -path '*/new/*' -o -path '*/cur/*') |
	    sed -e 's|^\./||' -e 's|new/[^/]*$|new|' -e 's|cur/[^:/]*|cur|' |
	    sort | tr '\n' ' ' | sed 's/ $//'
}

_count() {
	if [ -d "$1" ]; then
		ls -A "$1" | wc -l | tr -d ' '
	else
		echo 0
	fi
}

# count_files DIR: entries in DIR; for a maildir (DIR has tmp/, new/ or
# cur/) the files in its tmp/, new/ and cur/ together.
count_files() {
	if [ -d "$1/tmp" ] || [ -d "$1/new" ] || [ -d "$1/cur" ]; then
		echo $(($(_count "$1/tmp") + $(_count "$1/new") + $(_count "$1/cur")))
	else
		_count "$1"
	fi
}

# only_file DIR: the path of DIR's only entry; fails (printing nothing)
# unless there is exactly one.
only_file() {
	[ "$(_count "$1")" = 1 ] || return 1
	printf '%s/%s\n' "$1" "$(ls -A "$1")"
}

# file_with DIR TEXT: the one file in DIR that contains TEXT.
file_with() {
	_f=$(grep -lF -- "$2" "$1"/* 2>/dev/null)
	[ -n "$_f" ] && [ "$(printf '%s\n' "$_f" | wc -l)" -eq 1 ] || return 1
	printf '%s\n' "$_f"
}

fsize() { stat -c %s "$1"; }
fmode() { stat -c %a "$1"; }
finode() { stat -c %i "$1"; }
fnlink() { stat -c %h "$1"; }
fmtime() { stat -c %Y "$1"; }
fdev() { stat -c %d "$1"; }

# name_size PATH: the number after ",S=" in the file's name.
name_size() {
	basename "$1" | sed -n 's/.*,S=\([0-9][0-9]*\)\(:.*\)*$/\1/p'
}

# name_info PATH: what follows the first ':' of the name ("2,FS"), or "".
name_info() {
	case $(basename "$1") in
	*:*) basename "$1" | sed 's/^[^:]*://' ;;
	*) echo "" ;;
	esac
}

is_root() { [ "$(id -u)" = 0 ]; }

# Is md-deliver built with AddressSanitizer (make check-asan)?
is_asan() { grep -q __asan_init "$MD" 2>/dev/null; }

# cleanup_also DIR: remove DIR (made outside T) at exit too.
cleanup_also() {
	_extra="$_extra $1"
}

# A directory on another file system than T, or nothing; pass it to
# cleanup_also.
other_fs_dir() {
	for _base in /dev/shm /run/shm; do
		_o=$(mktemp -d "$_base/mdkit-t.XXXXXX" 2>/dev/null) || continue
		if [ "$(fdev "$_o")" != "$(fdev "$T")" ]; then
			echo "$_o"
			return 0
		fi
		rmdir "$_o"
	done
	return 1
}

# repeat_byte COUNT CHAR: COUNT copies of CHAR, no newline.
repeat_byte() {
	head -c "$1" /dev/zero | tr '\0' "$2"
}

# LeakSanitizer cannot run under ptrace: in a sanitized build
# (make check-asan), strace'd runs go without leak checks.
strace() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    command strace "$@"
}

# ---- known bugs ----

# todo_is GOT WANT DESC REASON: like is, but a TAP "# TODO" test: a
# failure is reported (with REASON) and does not fail the script.
todo_is() {
	_n=$((_n + 1))
	_d=$(printf '%s' "$3" | tr '\n\r' '  ' | sed 's/#/\\#/g')
	_r=$(printf '%s' "$4" | tr '\n\r#' '   ')
	if [ "$1" = "$2" ]; then
		echo "ok $_n - $_d # TODO $_r"
	else
		echo "not ok $_n - $_d # TODO $_r"
		diag "got:  '$1'" "want: '$2'"
	fi
}

# todo_ok STATUS DESC REASON: ok as a TAP "# TODO" test.
todo_ok() {
	todo_is "$1" 0 "$2" "$3"
}

# as_nobody CMD...: run CMD as an unprivileged user when we are root
# (permissions do not apply to root); status 125 when that cannot be done.
# A checkout nobody can reach (under /root, mode 0700) is no reason to
# skip: the programs are copied once to a directory nobody can reach, and
# every argument naming one of $BIN is pointed at its copy. Call it in
# the test's own shell, not in $(...), so that the copy is removed at exit.
as_nobody() {
	if ! is_root; then
		"$@"
		return
	fi
	command -v setpriv >/dev/null 2>&1 || return 125
	_nobody_bin || return 125
	for _a; do
		shift
		case $_a in
		"$BIN"/*) set -- "$@" "$_NBIN/${_a#"$BIN"/}" ;;
		*) set -- "$@" "$_a" ;;
		esac
	done
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

_NBIN=
# _nobody_bin: set _NBIN to a directory of programs that uid 65534 can
# run: $BIN itself when it can, else a copy.
_nobody_bin() {
	[ -n "$_NBIN" ] && return 0
	if setpriv --reuid=65534 --regid=65534 --clear-groups \
	    test -x "$MD" 2>/dev/null; then
		_NBIN=$BIN
		return 0
	fi
	_d=$(mktemp -d "${TMPDIR:-/tmp}/mdkit-bin.XXXXXX") || return 1
	cleanup_also "$_d"
	chmod 755 "$_d" && cp "$BIN"/md-* "$_d" || return 1
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    test -x "$_d/md-deliver" 2>/dev/null || return 1
	_NBIN=$_d
}

# have_strace: strace is here and may trace (not in every container).
have_strace() {
	command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null
}
