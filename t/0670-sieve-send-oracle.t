#!/bin/sh
# redirect, vacation and duplicate against Pigeonhole's sieve-test:
# (1) each script gives the same redirects, the same vacation period and
# the same stores as under md-sieve -t; (2) whether vacation answers a
# message (sieve-test -e carries the action out, sending nothing) is
# what md-sieve -t says, over senders, recipients and headers that RFC
# 3834's rules are about.
. "$(dirname "$0")/lib.sh"

command -v sieve-test >/dev/null 2>&1 ||
    skip_all "no sieve-test (Debian's dovecot-sieve; make deps installs it)"

chmod 755 "$T"
mkdir "$T/o"
chmod 1777 "$T/o"
# A HOME of its own a run: sieve-test -e keeps what vacation answered.
as_user() {
	_h=$(mktemp -d "$T/o/h.XXXXXX")
	chmod 777 "$_h"
	as_nobody env HOME="$_h" "$@"
}

FROM=carol@example.net
TO=alice@example.org

printf 'From: Carol <carol@example.net>\nTo: alice@example.org\nSubject: hi\nMessage-ID: <m1@example.net>\n\nbody\n' >"$T/o/m.eml"

# ---- (1) the actions decided ----

set -- \
    'redirect "bob@example.com";' \
    'require "copy"; redirect :copy "bob@example.com"; redirect :copy "Bob@example.com";' \
    'redirect "bob@example.com"; redirect "bob@example.com"; keep;' \
    'require "vacation"; vacation "x";' \
    'require "vacation"; vacation :days 0 "x";' \
    'require "vacation"; vacation :days 1 "x";' \
    'require "vacation"; vacation :days 3 :subject "s" "x";' \
    'require "vacation"; vacation :days 400 "x";' \
    'require ["vacation", "fileinto"]; vacation "x"; fileinto "F";' \
    'require ["vacation"]; discard; vacation "x";' \
    'require "duplicate"; if duplicate { discard; }' \
    'require "duplicate"; if duplicate :header "subject" :handle "h" :seconds 60 { discard; } redirect "b@x.org";' \
    'require "duplicate"; if duplicate :uniqueid "k" :last { discard; }'
plan $(($# + 14))

oracle() {
	as_user sieve-test -f "$FROM" -r "$TO" "$T/o/s.sieve" "$T/o/m.eml" \
	    2>/dev/null | sed -n \
	    -e 's/^ \* store message in folder: /store /p' \
	    -e 's/^ \* keep$/store INBOX/p' \
	    -e 's/^ \* discard$/discard/p' \
	    -e 's/^ \* redirect message to: <\(.*\)>$/redirect \1/p' \
	    -e 's/^    => seconds : /vacation /p' | sort
}
ours() {
	"$BIN/md-sieve" -t "$T/o/s.sieve" -r "$FROM" -d "$TO" <"$T/o/m.eml" \
	    2>/dev/null | grep -v '^	' | sed -e 's/^keep$/store INBOX/' \
	    -e 's/^fileinto	/store /' -e 's/	/ /' | sort
}
for s; do
	printf '%s\n' "$s" >"$T/o/s.sieve"
	chmod 644 "$T/o/s.sieve"
	is "$(ours)" "$(oracle)" "$s"
done

# ---- (2) whether vacation answers ----

printf 'require "vacation";\nvacation :addresses "al@example.org" "Away.";\n' >"$T/o/s.sieve"
chmod 644 "$T/o/s.sieve"

# decide SENDER RECIPIENT FIELDS: "sent" or "not sent", both ways.
answers() {
	printf 'From: Carol <carol@example.net>\n%bSubject: hi\nMessage-ID: <m1@example.net>\n\nbody\n' "$3" >"$T/o/v.eml"
	chmod 644 "$T/o/v.eml"
	want=$(as_user sieve-test -e -f "$1" -r "$2" "$T/o/s.sieve" "$T/o/v.eml" 2>&1 |
	    grep -q 'sent vacation response' && echo 1 || echo 0)
	got=$("$BIN/md-sieve" -t "$T/o/s.sieve" -r "$1" -d "$2" <"$T/o/v.eml" |
	    grep -c '^	sent to')
	is "$got" "$want" "vacation from $1 to $2 with $(printf '%b' "$3" | tr '\n' ' ')"
}
answers "$FROM" "$TO" 'To: alice@example.org\n'
answers "$FROM" "$TO" 'Cc: Alice <ALICE@Example.org>\n'
answers "$FROM" "$TO" 'Bcc: alice@example.org\n'
answers "$FROM" "$TO" 'To: someone@example.org\n'
answers "$FROM" "$TO" 'To: al@example.org\n'
answers "$FROM" "$TO" 'To: alice@example.org\nAuto-Submitted: no\n'
answers "$FROM" "$TO" 'To: alice@example.org\nAuto-Submitted: auto-replied\n'
answers "$FROM" "$TO" 'To: alice@example.org\nList-Id: <l.example>\n'
answers "$FROM" "$TO" 'To: alice@example.org\nPrecedence: list\n'
answers "$FROM" "$TO" 'To: alice@example.org\nX-Auto-Response-Suppress: OOF\n'
answers MAILER-DAEMON@example.net "$TO" 'To: alice@example.org\n'
answers owner-l@example.net "$TO" 'To: alice@example.org\n'
answers l-request@example.net "$TO" 'To: alice@example.org\n'
answers "$TO" "$TO" 'To: alice@example.org\n'
