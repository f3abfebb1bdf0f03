#!/bin/sh
# What the Sieve speed work (issue 16) must not change: md-deliver
# --sieve reads a message of at most 64 KiB (md_tmp's buffer) from
# memory and a larger one from its file, and both see the same header
# and body; one field named in any case, or through a variable, by many
# rules gives each the same values; keys whose first byte has or has no
# case; md-sieve -e -n's paths escaped as TSV fields.
. "$(dirname "$0")/lib.sh"

plan 16

M=$T/M
S=$T/s.sieve
cat >"$S" <<'EOS'
require ["body", "fileinto"];
if allof (header :contains "subject" "edge case",
    body :raw :contains "LAST LINE") { fileinto "Edge"; }
EOS

# A message of exactly N bytes: a header, padding, then the last line.
sized() {
	printf 'From: a@example.org\nSubject: an Edge Case\n\n' >"$T/in"
	_have=$(wc -c <"$T/in")
	_pad=$(($1 - _have - 10))
	yes 'padding, forty bytes a line, to fill.  ' | head -c "$_pad" \
	    >>"$T/in"
	printf 'LAST LINE\n' >>"$T/in"
}

for n in 65535 65536 65537 200000; do
	sized "$n"
	deliver_fresh --sieve "$S" <"$T/in"
	is "$RC $(wc -c <"$T/in" | tr -d ' ')" "0 $n" \
	    "$n bytes: exit 0 (the message is $n bytes)"
	f=$(only_file "$M/.Edge/new")
	same_bytes "$f" "$T/in" \
	    "$n bytes: the header and the body's last line seen, filed whole"
done

# One field under many names: each rule sees its values.
cat >"$S" <<'EOS'
require ["variables", "imap4flags"];
set "h" "subject";
if header :contains "SUBJECT" "alpha" { addflag "A1"; }
if address :is "sender" "s@example.org" { addflag "A2"; }
if header :contains "Subject" "beta" { addflag "A3"; }
if header :contains "${h}" "gamma" { addflag "A4"; }
if header :is "subject" "nothing" { addflag "BAD1"; }
if address :domain "SENDER" "example.org" { addflag "A5"; }
if header :contains ["x-none", "sUbJeCt"] "ALPHA" { addflag "A6"; }
if address :all "Sender" "s@example.org" { addflag "A7"; }
if header :contains :comparator "i;octet" "subject" "Beta" {
	addflag "BAD2";
}
if header :contains :comparator "i;octet" "subject" "beta" {
	addflag "A8";
}
if header :contains "list-id" "<dev.lists" { addflag "A9"; }
if header :matches "subject" "*TA GAM*" { addflag "A10"; }
if header :contains "list-id" "<announce" { addflag "BAD3"; }
keep;
EOS
cat >"$T/in" <<'EOM'
Sender: Sam <s@example.org>
Subject: alpha beta gamma
List-Id: Dev <dev.lists.example.org>

body
EOM
"$BIN/md-sieve" -t "$S" <"$T/in" >"$T/out" 2>"$T/err"
is "$?" 0 "md-sieve -t: exit 0"
is "$(cat "$T/out")" "keep		A1 A2 A3 A4 A5 A6 A7 A8 A9 A10" \
    "a field named in any case, or by a variable, has its values in each rule"

# md-sieve -e -n: a path with a backslash, a tab in a folder's name.
rm -rf "$M"
mkmd "$M" "$M/.a	b"
cp "$T/in" "$M/.a	b/new/1.m1\\x.host"
cp "$T/in" "$M/new/2.m2.host"
run "$BIN/md-sieve" -e "$S" -n "$M/.a	b" "$M"
is "$RC" 0 "md-sieve -e -n: exit 0"
is "$(sed -n 1p "$T/out")" \
    "$M/.a\\tb/new/1.m1\\\\x.host	keep		A1 A2 A3 A4 A5 A6 A7 A8 A9 A10" \
    "md-sieve -e -n: a tab and a backslash in a path escaped"
is "$(sed -n 2p "$T/out")" \
    "$M/new/2.m2.host	keep		A1 A2 A3 A4 A5 A6 A7 A8 A9 A10" \
    "md-sieve -e -n: a plain path as it is"
is "$(wc -l <"$T/out" | tr -d ' ')" 2 "md-sieve -e -n: a line a message"

# md-sieve -e learns a message's size only when a size test asks: the
# sizes of the files decide, as with md-deliver; a script that stops
# before its size test files by its header alone.
cat >"$S" <<'EOS'
require "fileinto";
if header :contains "subject" "early" { fileinto "Early"; stop; }
if size :over 1000 { fileinto "Big"; }
elsif size :under 100 { fileinto "Small"; }
EOS
rm -rf "$M"
mkmd "$M"
printf 'Subject: x\n\n' >"$M/new/1.small.host"
{ printf 'Subject: x\n\n'; yes 'padding line' | head -c 2000; } \
    >"$M/new/2.big.host"
{ printf 'Subject: early\n\n'; yes 'padding line' | head -c 2000; } \
    >"$M/new/3.early.host"
printf 'Subject: x\n\n%0500d\n' 0 >"$M/new/4.mid.host"
run "$BIN/md-sieve" -e "$S" -n "$M"
is "$RC" 0 "md-sieve -e -n with size tests: exit 0"
is "$(sort "$T/out" | sed "s|^$M/new/||")" "1.small.host	fileinto	Small
2.big.host	fileinto	Big
3.early.host	fileinto	Early
4.mid.host	keep" "md-sieve -e -n: each message's size decides"
