#!/bin/sh
# The body test where the message is a file: md-deliver --sieve reads it
# back from tmp/, md-sieve -e from new/ and cur/; each sees the decoded
# text of a base64 part, and neither reads past the first 4 MiB.
. "$(dirname "$0")/lib.sh"

plan 10

M=$T/M
S=$T/s.sieve
cat >"$S" <<'EOS'
require ["body", "fileinto"];
if body :text :contains "quarterly figures" { fileinto "Reports"; }
elsif body :raw :contains "late marker" { fileinto "Late"; }
EOS
# "The quarterly figures are attached." in base64, in a multipart.
cat >"$T/in" <<'EOM'
From: Bob <bob@example.com>
Subject: numbers
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="sep"

--sep
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

VGhlIHF1YXJ0ZXJseSBmaWd1cmVzIGFyZSBhdHRhY2hlZC4K
--sep--
EOM

deliver_fresh --sieve "$S" <"$T/in"
is "$RC" 0 "md-deliver --sieve with a body test: exit 0"
is "$(count_files "$M/.Reports/new")" 1 \
    "md-deliver: the decoded base64 text filed the message"
is "$(count_files "$M/new")" 0 "md-deliver: nothing in INBOX"

rm -rf "$M"
mkmd "$M"
cp "$T/in" "$M/new/1.m1.host"
run "$BIN/md-sieve" -e "$S" -n "$M"
is "$RC" 0 "md-sieve -e -n with a body test: exit 0"
is "$(cut -f2,3 "$T/out")" "fileinto	Reports" \
    "md-sieve -e -n: the body of the message in new/ decides"

# A message of more than 4 MiB: a key in its first 4 MiB is seen, one
# after them is not, and that is no error (the message is kept).
big() {
	printf 'Subject: big\n\n%s\n' "$1"
	yes 'padding line of the big message, 40 b.' | head -c 4300000
	printf '%s\n' "$2"
}
big "" "late marker" >"$T/in"
deliver_fresh --sieve "$S" <"$T/in"
is "$RC" 0 "past 4 MiB: exit 0"
is "$(count_files "$M/new") $(cat "$T/err")" "1 " \
    "past 4 MiB: a key there is not seen, no error, kept in INBOX"
big "late marker" "" >"$T/in"
deliver_fresh --sieve "$S" <"$T/in"
is "$RC" 0 "within 4 MiB: exit 0"
is "$(count_files "$M/.Late/new")" 1 "within 4 MiB: :raw sees the key"
run "$BIN/md-sieve" -e "$S" -n "$M/.Late"
is "$(cut -f2,3 "$T/out")" "fileinto	Late" "md-sieve -e: the same"
