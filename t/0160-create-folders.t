#!/bin/sh
# -c creates tmp/ new/ cur/ mode 0700 (not the parents); -f delivers into
# a Maildir++ folder (created with its maildirfolder marker under -c);
# -F files the message in cur/ with ":2,FLAGS" in ASCII order; bad folder
# names and flags are usage errors.
. "$(dirname "$0")/lib.sh"

plan 68

M=$T/M
printf 'Subject: create\n\nbody\n' >"$T/msg"

# -c on a new maildir.
deliver -c "$M" <"$T/msg"
is "$RC" 0 "-c: exit 0"
for d in "$M" "$M/tmp" "$M/new" "$M/cur"; do
	is "$(fmode "$d" 2>&1)" 700 "-c: ${d#"$T"/} created mode 0700"
done
same_bytes "$(only_file "$M/new")" "$T/msg" "-c: delivered into the new maildir"
is "$(count_files "$M/tmp")$(count_files "$M/cur")" 00 "-c: tmp/ and cur/ empty"

# -c completes a partial maildir and keeps what is there.
rm -rf "$M"
mkdir -p "$M/new"
chmod 755 "$M/new"
printf 'old' >"$M/new/old"
deliver -c "$M" <"$T/msg"
is "$RC" 0 "-c on a maildir with only new/: exit 0"
is "$(fmode "$M/tmp") $(fmode "$M/cur")" "700 700" "-c: missing tmp/ and cur/ created 0700"
is "$(fmode "$M/new")" 755 "-c: existing new/ keeps its mode"
is "$(count_files "$M/new")" 2 "-c: old file kept, message added"

# -c does not create parent directories (a missing parent may be an
# unmounted file system).
deliver -c "$T/a/b/M" <"$T/msg"
is "$RC" 75 "-c a/b/M with a/ missing: exit 75"
check "-c a/b/M with a/ missing: a/ not created" test ! -e "$T/a"
err_has "$T/a/b/M" "-c a/b/M: stderr names the path"

# Folders.
rm -rf "$M"
deliver -c -v -f Work.Projects "$M" <"$T/msg"
is "$RC" 0 "-c -f Work.Projects on a new maildir: exit 0"
F=$M/.Work.Projects
for d in "$M" "$M/tmp" "$M/new" "$M/cur" "$F" "$F/tmp" "$F/new" "$F/cur"; do
	is "$(fmode "$d" 2>&1)" 700 "-c -f: ${d#"$T"/} created mode 0700"
done
check "-c -f: maildirfolder is an empty regular file" test -f "$F/maildirfolder" -a ! -s "$F/maildirfolder"
is "$(fmode "$F/maildirfolder")" 600 "-c -f: maildirfolder mode 0600"
f=$(only_file "$F/new")
same_bytes "$f" "$T/msg" "-f: delivered into .Work.Projects/new"
is "$(count_files "$M") $(count_files "$F/tmp") $(count_files "$F/cur")" "0 0 0" \
    "-f: nothing in the root maildir, folder tmp/ and cur/ empty"
is "$(cat "$T/out")" "$f" "-f -v prints the folder path"
check "-f: no .Work folder made for the parent level" test ! -e "$M/.Work"

deliver -f Work.Projects "$M" <"$T/msg"
is "$RC" 0 "-f on an existing folder without -c: exit 0"
is "$(count_files "$F/new")" 2 "-f without -c: delivered"

deliver -f INBOX "$M" <"$T/msg"
is "$RC" 0 "-f INBOX: exit 0"
is "$(count_files "$M/new")" 1 "-f INBOX: delivered into the root maildir"
deliver -f INBOX.Work.Projects "$M" <"$T/msg"
is "$RC" 0 "-f INBOX.Work.Projects: exit 0"
is "$(count_files "$F/new")" 3 "-f INBOX.Work.Projects: leading INBOX. dropped"
deliver --folder=Work.Projects "$M" <"$T/msg"
is "$(count_files "$F/new")" 4 "--folder=Work.Projects: delivered"

# Bad folder names: usage errors, nothing created anywhere.
rm -rf "$M"
tab=$(printf 'a\tb')
del=$(printf 'a\177b')
for bad in ../x a/b .x x. a..b '' . .. INBOX. "$tab" "$del" /etc; do
	deliver -c -f "$bad" "$M" <"$T/msg"
	is "$RC" 75 "-f '$bad': exit 75"
done
check "bad folder names: nothing created" test ! -e "$M" -a ! -e "$T/x"
deliver --qmail -c -f ../x "$M" <"$T/msg"
is "$RC" 111 "--qmail -f ../x: exit 111"

# -F: cur/ with flags in ASCII order.
rm -rf "$M"
mkmd "$M"
deliver -F SF "$M" <"$T/msg"
is "$RC" 0 "-F SF: exit 0"
f=$(only_file "$M/cur")
is "$(name_info "$f")" "2,FS" "-F SF: cur/ name ends :2,FS"
same_bytes "$f" "$T/msg" "-F SF: content"
is "$(name_size "$f")" "$(fsize "$f")" "-F SF: ,S= before the info part"
is "$(count_files "$M/new")$(count_files "$M/tmp")" 00 "-F SF: new/ and tmp/ empty"

rm -rf "$M"
mkmd "$M"
deliver -F '' "$M" <"$T/msg"
is "$RC" 0 "-F '': exit 0"
f=$(only_file "$M/cur")
case $f in
*,S=[0-9]*:2,) r=0 ;;
*) r=1 ;;
esac
ok $r "-F '': cur/ name ends :2, ($f)"
is "$(count_files "$M/new")" 0 "-F '': nothing in new/"

rm -rf "$M"
mkmd "$M"
deliver --flags=bTaSFSPRD "$M" <"$T/msg"
is "$(name_info "$(only_file "$M/cur")")" "2,DFPRSTab" \
    "--flags=bTaSFSPRD: each once, ASCII order (2,DFPRSTab)"

rm -rf "$M"
mkmd "$M/.Sent"
deliver -F S -f Sent "$M" <"$T/msg"
is "$(name_info "$(only_file "$M/.Sent/cur")")" "2,S" "-F S -f Sent: in the folder's cur/"

rm -rf "$M"
mkmd "$M"
for bad in S1 S, 'S:' ' ' 'S-' "$(printf 'S\303\251')"; do
	deliver -F "$bad" "$M" <"$T/msg"
	is "$RC" 75 "-F '$bad': exit 75"
done
deliver --qmail -F 1 "$M" <"$T/msg"
is "$RC" 111 "--qmail -F 1: exit 111"
is "$(count_files "$M")" 0 "bad -F: nothing delivered"
