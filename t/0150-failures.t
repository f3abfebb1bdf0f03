#!/bin/sh
# Failures the admin can fix exit 75 (111 with --qmail), name the path on
# stderr and leave nothing in tmp/, new/ or cur/: a missing or broken
# maildir, one that cannot be written, a link that fails, stdin closed.
. "$(dirname "$0")/lib.sh"

plan 40

M=$T/M
printf 'Subject: fail\n\nbody\n' >"$T/msg"

# fails NAME ARGS...: deliver $T/msg with ARGS; exit 75, nothing in M.
fails() {
	_name=$1
	shift
	deliver "$@" <"$T/msg"
	is "$RC" 75 "$_name: exit 75"
	is "$(count_files "$M")" 0 "$_name: nothing in tmp/, new/ or cur/"
}

rm -rf "$M"
fails "missing maildir" "$M"
grep -q "^md-deliver: $M: open: No such file or directory\$" "$T/err"
ok $? "missing maildir: stderr is 'md-deliver: PATH: open: REASON' ($(cat "$T/err"))"
is "$(ls -A "$T" | grep -c '^M$')" 0 "missing maildir: not created without -c"
deliver --qmail "$M" <"$T/msg"
is "$RC" 111 "--qmail: missing maildir exits 111"

# Nothing is read when no target opens: the input stays for a retry.
{
	"$MD" "$M" 2>/dev/null
	echo "rc=$?"
	cat
} <"$T/msg" >"$T/left"
printf 'rc=75\n' | cat - "$T/msg" >"$T/want"
same_bytes "$T/left" "$T/want" "missing maildir: stdin not read"

mkmd "$M"
rmdir "$M/new"
fails "maildir without new/" "$M"
err_has "$M/new" "no new/: stderr names $M/new"
mkmd "$M"
rmdir "$M/cur"
fails "maildir without cur/" "$M"
err_has "$M/cur" "no cur/: stderr names $M/cur"

rm -rf "$M"
mkmd "$M"
rmdir "$M/tmp"
: >"$M/tmp"
deliver "$M" <"$T/msg"
is "$RC" 75 "tmp/ is a regular file: exit 75"
is "$(count_files "$M/new")$(count_files "$M/cur")" 00 "tmp/ is a file: nothing in new/ or cur/"
err_has "$M/tmp" "tmp/ is a file: stderr names $M/tmp"
is "$(fsize "$M/tmp")" 0 "tmp/ is a file: the file is untouched"

rm -rf "$M"
: >"$M"
deliver "$M" <"$T/msg"
is "$RC" 75 "maildir path is a regular file: exit 75"
err_has "$M" "maildir path is a file: stderr names it"
rm -f "$M"

# Permissions do not bite for root: as root, run as uid 65534 instead.
rm -rf "$M"
mkmd "$M"
if is_root; then
	chmod 711 "$T"
	chown -R 65534:65534 "$M"
fi
if ! as_nobody true; then
	skip_n 6 "as root, and cannot run as uid 65534 (setpriv): permissions do not apply"
else
	# fails_unpriv NAME: deliver $T/msg to M unprivileged; 75, nothing in M.
	fails_unpriv() {
		as_nobody "$MD" "$M" <"$T/msg" >"$T/out" 2>"$T/err"
		RC=$?
		is "$RC" 75 "$1: exit 75"
		is "$(count_files "$M")" 0 "$1: nothing in tmp/, new/ or cur/"
	}
	chmod 500 "$M/tmp"
	fails_unpriv "tmp/ not writable"
	err_has "$M/tmp" "tmp/ not writable: stderr names $M/tmp"
	chmod 700 "$M/tmp"
	chmod 500 "$M/new"
	fails_unpriv "new/ not writable"
	err_has "$M/new" "new/ not writable: stderr names $M/new"
	chmod 700 "$M/new"
fi
chmod 700 "$T"

# A link that fails for root too: new/ is a symlink to another file
# system, so link(2) gives EXDEV from tmp/.
rm -rf "$M"
mkmd "$M"
if O=$(other_fs_dir); then
	cleanup_also "$O"
	rmdir "$M/new"
	ln -s "$O" "$M/new"
	deliver "$M" <"$T/msg"
	is "$RC" 75 "link into new/ fails (EXDEV via symlink): exit 75"
	is "$(count_files "$M/tmp")$(count_files "$O")$(count_files "$M/cur")" 000 \
	    "link fails: nothing left in tmp/, new/ or cur/"
	err_has "link" "link fails: stderr says link"
	deliver --qmail "$M" <"$T/msg"
	is "$RC" 111 "--qmail: link fails, exit 111"
else
	skip_n 4 "no second file system"
fi

# Folder missing without -c.
rm -rf "$M"
mkmd "$M"
fails "-f folder missing, no -c" -f Work "$M"
err_has "$M/.Work" "-f folder missing: stderr names $M/.Work"

# stdin closed or unreadable.
rm -rf "$M"
mkmd "$M"
deliver "$M" <&-
is "$RC" 75 "stdin closed: exit 75"
is "$(count_files "$M")" 0 "stdin closed: nothing in tmp/, new/ or cur/"
deliver "$M" <"$T"
is "$RC" 75 "stdin a directory: exit 75"
is "$(count_files "$M")" 0 "stdin a directory: nothing in tmp/, new/ or cur/"
err_has "read" "stdin a directory: stderr says read"
deliver --qmail "$M" <&-
is "$RC" 111 "--qmail: stdin closed, exit 111"

# stdout unwritable with -v: reported, but the message is delivered.
rm -rf "$M"
mkmd "$M"
if [ -w /dev/full ]; then
	"$MD" -v "$M" <"$T/msg" >/dev/full 2>"$T/err"
	is "$?" 0 "-v with stdout on /dev/full: exit 0 (delivered)"
	is "$(count_files "$M/new")" 1 "-v with stdout on /dev/full: delivered"
	err_has "stdout" "-v with stdout on /dev/full: reported on stderr"
else
	skip_n 3 "no /dev/full"
fi
