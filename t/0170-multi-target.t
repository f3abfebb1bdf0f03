#!/bin/sh
# Several maildirs: one file linked into each (one inode, as many links as
# targets), -v prints one path per target; a target that fails does not
# stop the others, but the exit status is 75 and stderr names it.
. "$(dirname "$0")/lib.sh"

plan 38

printf 'Subject: many\n\nbody\n' >"$T/msg"

mkmd "$T/A" "$T/B" "$T/C"
deliver -v "$T/A" "$T/B" "$T/C" <"$T/msg"
is "$RC" 0 "three targets: exit 0"
a=$(only_file "$T/A/new")
b=$(only_file "$T/B/new")
c=$(only_file "$T/C/new")
for f in "$a" "$b" "$c"; do
	same_bytes "$f" "$T/msg" "three targets: ${f#"$T"/} holds the message"
done
is "$(finode "$b") $(finode "$c")" "$(finode "$a") $(finode "$a")" "three targets: one inode"
is "$(fnlink "$a")" 3 "three targets: link count 3"
is "$(count_files "$T/A/tmp")$(count_files "$T/B/tmp")$(count_files "$T/C/tmp")" 000 \
    "three targets: every tmp/ empty"
printf '%s\n' "$a" "$b" "$c" >"$T/want"
same_bytes "$T/out" "$T/want" "-v: one line per target, in order"
is "$(basename "$a")" "$(basename "$b")" "three targets: same name in each"

# -F: cur/ in each.
rm -rf "$T/A" "$T/B"
mkmd "$T/A" "$T/B"
deliver -F S "$T/A" "$T/B" <"$T/msg"
is "$RC" 0 "-F S, two targets: exit 0"
is "$(name_info "$(only_file "$T/A/cur")") $(name_info "$(only_file "$T/B/cur")")" "2,S 2,S" \
    "-F S, two targets: cur/ with :2,S in each"
is "$(fnlink "$(only_file "$T/A/cur")")" 2 "-F S, two targets: link count 2"

# A missing target among good ones.
rm -rf "$T/A" "$T/B"
mkmd "$T/A" "$T/B"
deliver -v "$T/A" "$T/missing" "$T/B" <"$T/msg"
is "$RC" 75 "one of three targets missing: exit 75"
same_bytes "$(only_file "$T/A/new")" "$T/msg" "missing target: the first good one has it"
same_bytes "$(only_file "$T/B/new")" "$T/msg" "missing target: the last good one has it"
is "$(fnlink "$(only_file "$T/A/new")")" 2 "missing target: the good ones share the file"
err_has "$T/missing" "missing target: stderr names it"
is "$(grep -c . "$T/err")" 1 "missing target: one line on stderr"
is "$(lines "$T/out")" 2 "missing target: -v prints the two good paths"
is "$(count_files "$T/A/tmp")$(count_files "$T/B/tmp")" 00 "missing target: tmp/ empty"

rm -rf "$T/A" "$T/B"
mkmd "$T/B"
deliver "$T/A" "$T/B" <"$T/msg"
is "$RC" 75 "first target missing: exit 75"
same_bytes "$(only_file "$T/B/new")" "$T/msg" "first target missing: the second has it"
is "$(count_files "$T/B/tmp")" 0 "first target missing: its tmp/ used and emptied"
err_has "$T/A" "first target missing: stderr names it"
check "first target missing: not created" test ! -e "$T/A"
deliver --qmail "$T/A" "$T/B" <"$T/msg"
is "$RC" 111 "--qmail, one target missing: exit 111"

deliver "$T/x" "$T/y" <"$T/msg"
is "$RC" 75 "all targets missing: exit 75"
grep -q "$T/x" "$T/err" && grep -q "$T/y" "$T/err"
ok $? "all targets missing: stderr names both"

# Targets on two file systems: a copy each, both complete, same mtime.
rm -rf "$T/A"
mkmd "$T/A"
if O=$(other_fs_dir); then
	cleanup_also "$O"
	mkmd "$O/M"
	deliver -v "$T/A" "$O/M" <"$T/msg"
	is "$RC" 0 "two file systems: exit 0"
	a=$(only_file "$T/A/new")
	o=$(only_file "$O/M/new")
	same_bytes "$a" "$T/msg" "two file systems: first copy intact"
	same_bytes "$o" "$T/msg" "two file systems: second copy intact"
	is "$(fnlink "$a") $(fnlink "$o")" "1 1" "two file systems: a file each"
	is "$(fmtime "$o")" "$(fmtime "$a")" "two file systems: same mtime"
	is "$(fmode "$o")" 600 "two file systems: copy mode 0600"
	is "$(count_files "$T/A/tmp")$(count_files "$O/M/tmp")" 00 \
	    "two file systems: both tmp/ empty"
	printf '%s\n' "$a" "$o" >"$T/want"
	same_bytes "$T/out" "$T/want" "two file systems: -v prints both"
else
	skip_n 8 "no second file system"
fi

# -v prints only after the directory sync.
rm -rf "$T/A"
mkmd "$T/A"
if have_strace; then
	strace -f -o "$T/trace" -e trace=fsync,fdatasync,write \
	    "$MD" -v "$T/A" <"$T/msg" >"$T/out" 2>"$T/err"
	is "$?" 0 "-v under strace: exit 0"
	# The last fsync (of new/) comes before the write to stdout.
	last_sync=$(grep -n 'fsync(' "$T/trace" | tail -n 1 | cut -d: -f1)
	out=$(grep -n 'write(1,' "$T/trace" | head -n 1 | cut -d: -f1)
	[ -n "$last_sync" ] && [ -n "$out" ] && [ "$last_sync" -lt "$out" ]
	ok $? "-v: the path is printed after the directory is synced"
else
	skip_n 2 "no usable strace"
fi
