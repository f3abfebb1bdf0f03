#!/bin/sh
# md-deliver --sieve keeps each script's parse as a record of
# mdkit-sieve/ (sieve-cache.c): one record a script text, made through
# tmp/ (nothing left there); the next delivery reads it (a record whose
# tree is edited files where the edit says); an edited script, or an
# edited included one, has a record of its own at once, whatever its
# size and mtime; a bad record is removed and made again, and one that
# cannot be made (mdkit-sieve/ unwritable or a file; a write, fsync or
# link failing) costs nothing: the delivery is right, exit 0, nothing on
# stderr, nothing in tmp/. md-check and md-list see no records.
. "$(dirname "$0")/lib.sh"

plan 108

M=$T/M
S=$T/s.sieve
printf 'From: Bob <bob@example.com>\nTo: alice@example.org\nSubject: weekly\n\nbody\n' >"$T/in"

# records: the names of M's records, sorted, on one line.
records() {
	ls "$M/mdkit-sieve" 2>/dev/null | grep '^c-' | sort | tr '\n' ' ' |
	    sed 's/ $//'
}
nrecords() { ls "$M/mdkit-sieve" 2>/dev/null | grep -c '^c-'; }

# fresh: M anew, empty, its directories 0700 (as md-check wants them).
fresh() {
	rm -rf "$M"
	mkmd "$M"
	chmod 700 "$M" "$M/tmp" "$M/new" "$M/cur"
}

# sieve ARGS...: deliver $T/in to M by the script S.
sieve() { deliver --sieve "$S" "$@" "$M" <"$T/in"; }

# delivered DESC WANT: exit 0, nothing on stderr, the message only in
# WANT (placed's form), nothing left in tmp/.
delivered() {
	is "$RC:$(cat "$T/err")" "0:" "$1: exit 0, nothing on stderr"
	is "$(placed "$M")" "$2" "$1: delivered to $2"
	is "$(ls -A "$M/tmp")" "" "$1: nothing left in tmp/"
}

# clear: the messages delivered so far taken away, records kept.
clear() {
	find "$M" -path '*/new/*' -type f -exec rm -f {} +
	find "$M" -path '*/cur/*' -type f -exec rm -f {} +
}

# patch FILE FROM TO: the last FROM in FILE (the tree's string, after
# the script's text) replaced by TO of the same length.
patch() {
	perl -0777 -pi -e "s/(.*)$2/\${1}$3/s" "$1"
}

printf 'require "fileinto";\nif header :contains "subject" "weekly" {\n\tfileinto "Aaaa";\n}\n' >"$S"

# ---- one record, used ----

fresh
sieve
delivered "first delivery" ".Aaaa/new"
is "$(nrecords)" 1 "first delivery: one record in mdkit-sieve/"
R=$M/mdkit-sieve/$(records)
cp "$R" "$T/good"
is "$(grep -ao Aaaa "$R" | wc -l)" 2 "the record holds the script's text and its tree"

clear
patch "$R" Aaaa Bbbb
grep -q 'fileinto "Aaaa"' "$R"
ok $? "the patch left the record's copy of the text alone"
sieve
delivered "the record's tree edited" ".Bbbb/new"
is "$(nrecords)" 1 "the record's tree edited: read, still one record"

# ---- an edited script: a record of its own at once ----

clear
cp "$S" "$T/s.old"
sed 's/Aaaa/Cccc/' "$T/s.old" >"$S"
touch -r "$T/s.old" "$S"
is "$(fsize "$S"):$(fmtime "$S")" "$(fsize "$T/s.old"):$(fmtime "$T/s.old")" \
    "the script edited: same size, same mtime"
sieve
delivered "the script edited" ".Cccc/new"
is "$(nrecords)" 2 "the script edited: a second record"
C=$(records | tr ' ' '\n' | grep -vx "$(basename "$R")")
C=$M/mdkit-sieve/$C
cp "$C" "$T/goodC"
clear
sieve
delivered "the edited script again" ".Cccc/new"
is "$(nrecords)" 2 "the edited script again: no third record"

# ---- bad records: the right delivery, then a good record ----

for bad in truncated zeroes "a word short" garbage; do
	clear
	case $bad in
	truncated) : >"$C" ;;
	zeroes) head -c "$(fsize "$T/goodC")" /dev/zero >"$C" ;;
	"a word short") head -c "$(($(fsize "$T/goodC") - 4))" "$T/goodC" >"$C" ;;
	garbage) head -c "$(fsize "$T/goodC")" /dev/urandom >"$C" ;;
	esac
	sieve
	delivered "record $bad" ".Cccc/new"
	cmp -s "$C" "$T/goodC"
	ok $? "record $bad: made again, good"
done

# ---- an unwritable mdkit-sieve/, or a file of that name ----

clear
chmod 711 "$T"
fresh
mkdir "$M/mdkit-sieve"
chmod 755 "$S"
if is_root; then
	chown -R 65534:65534 "$M"
fi
chmod 500 "$M/mdkit-sieve"
as_nobody "$MD" --sieve "$S" "$M" <"$T/in" >"$T/out" 2>"$T/err"
RC=$?
if [ "$RC" = 125 ]; then
	skip_n 4 "as root, and cannot run as uid 65534 (setpriv): permissions do not apply"
else
	delivered "mdkit-sieve/ unwritable" ".Cccc/new"
	is "$(nrecords)" 0 "mdkit-sieve/ unwritable: no record"
fi
chmod 700 "$M/mdkit-sieve" "$T"

fresh
printf 'not a directory\n' >"$M/mdkit-sieve"
cp "$M/mdkit-sieve" "$T/file"
sieve
delivered "mdkit-sieve a file" ".Cccc/new"
cmp -s "$M/mdkit-sieve" "$T/file"
ok $? "mdkit-sieve a file: left as it was"

# ---- an included script: its own record ----

P=$T/p
mkdir -p "$P"
printf 'require ["include", "fileinto"];\ninclude "sub";\nfileinto "Main";\n' >"$P/main.sieve"
printf 'require "fileinto";\nfileinto "Xxxx";\n' >"$P/sub.sieve"
fresh
deliver --sieve "$P/main.sieve" --sieve-dir "$P" "$M" <"$T/in"
delivered "include" ".Main/new .Xxxx/new"
is "$(nrecords)" 2 "include: a record for each script"
clear
cp "$P/sub.sieve" "$T/sub.old"
sed 's/Xxxx/Yyyy/' "$T/sub.old" >"$P/sub.sieve"
touch -r "$T/sub.old" "$P/sub.sieve"
deliver --sieve "$P/main.sieve" --sieve-dir "$P" "$M" <"$T/in"
delivered "the included script edited" ".Main/new .Yyyy/new"
is "$(nrecords)" 3 "the included script edited: a record of its own"
clear
for r in "$M"/mdkit-sieve/c-*; do
	grep -q Yyyy "$r" && patch "$r" Yyyy Zzzz
done
deliver --sieve "$P/main.sieve" --sieve-dir "$P" "$M" <"$T/in"
delivered "the included script's record edited" ".Main/new .Zzzz/new"

# ---- what md-check and md-list see ----

run "$BIN/md-check" "$M"
is "$RC:$(cat "$T/out" "$T/err")" "0:" "md-check: nothing to say about the records"
run "$BIN/md-list" --recursive --tsv "$M"
is "$(cut -f1 "$T/out" | tr '\n' ' ')" \
    "maildir $M $M/.Main $M/.Xxxx $M/.Yyyy $M/.Zzzz " \
    "md-list --recursive: no folder for mdkit-sieve/"
run "$BIN/md-list" --recursive "$M"
is "$(grep -c mdkit-sieve "$T/out")" 0 "md-list --recursive: no record listed"

# ---- trees without arguments, or without commands ----

# Their arrays are empty: the writer once copied them from NULL
# (undefined; UBSan stopped md-deliver there, the message left in tmp/).
for text in 'keep;' '# nothing'; do
	printf '%s\n' "$text" >"$T/k.sieve"
	fresh
	deliver --sieve "$T/k.sieve" "$M" <"$T/in"
	is "$RC:$(placed "$M"):$(ls -A "$M/tmp"):$(nrecords)" "0:new::1" \
	    "script '$text': kept, one record"
done

# ---- the record's making failing ----

# The calls that make the record, counted as the fault shim counts them
# (t/fault/inject.c): from a trace of a first delivery.
if ! have_faultlib; then
	skip_n 49 "no fault shim ($FAULTLIB)"
	exit 0
fi
fresh
MDKIT_FAULT_TRACE=$T/trace LD_PRELOAD=$FAULTLIB \
    ASAN_OPTIONS=verify_asan_link_order=0 "$MD" --sieve "$S" "$M" <"$T/in" \
    >"$T/out" 2>"$T/err"
RC=$?
delivered "traced" ".Cccc/new"
# The record's file in tmp/: the one unlinked after the record's link.
tmpf=$(awk '$1 == "linkat" && $3 ~ /mdkit-sieve\/c-/ { f = 1; next }
    f && $1 == "unlinkat" { print $3; exit }' "$T/trace")
# nth CALL: the count of CALL on the record's file in tmp/.
nth() { awk -v c="$1" -v p="$tmpf" '$1 == c && $3 == p { print $2; exit }' "$T/trace"; }
nlink=$(awk '$1 == "linkat" && $3 ~ /mdkit-sieve\/c-/ { print $2; exit }' "$T/trace")
nmkdir=$(awk '$1 == "mkdir" && $3 ~ /mdkit-sieve$/ { print $2; exit }' "$T/trace")
test -n "$tmpf" && test -n "$nlink" && test -n "$nmkdir" &&
    test -n "$(nth write)" && test -n "$(nth fsync)" && test -n "$(nth futimens)"
ok $? "the record's calls found in the trace"

# Each FAULT:RECORDS: the delivery as without it, with RECORDS records
# (0: the fault hit the record's making; a short write is written on,
# and a link NFS made but called failed is there); the next delivery
# has the good record.
for f in "write=EIO@$(nth write):0" "write=ENOSPC@$(nth write):0" \
    "write=short@$(nth write):1" "fsync=EIO@$(nth fsync):0" \
    "futimens=EPERM@$(nth futimens):0" "close=EIO@$(nth close):0" \
    "linkat=EIO@$nlink:0" "linkat=LINKED@$nlink:1" \
    "mkdir=EACCES@$nmkdir:0"; do
	n=${f##*:}
	f=${f%:*}
	fresh
	with_fault "$f" "$MD" --sieve "$S" "$M" <"$T/in" >"$T/out" 2>"$T/err"
	RC=$?
	delivered "$f" ".Cccc/new"
	is "$(nrecords)" "$n" "$f: $n records"
	clear
	sieve
	cmp -s "$M/mdkit-sieve/$(records)" "$T/goodC"
	ok $? "$f: the next delivery has the good record"
done
