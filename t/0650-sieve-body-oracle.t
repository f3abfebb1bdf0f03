#!/bin/sh
# The body extension (RFC 5173) against Pigeonhole: every script of
# t/data/sieve-body over every message there (plain, quoted-printable,
# base64, Latin-1, UTF-8, ISO-2022-JP and CP1252 text, HTML, nested
# multiparts, an attachment, a message/rfc822 part, a multipart without
# its boundary, bad base64, an unknown transfer encoding or charset,
# boundaries that are prefixes of each other) files into the same
# folders under md-sieve -t as under sieve-test; each script tests many
# things, one folder each. md-sieve -c accepts the scripts sievec does.
. "$(dirname "$0")/lib.sh"

D=$(cd "$(dirname "$0")/data/sieve-body" && pwd)
command -v sieve-test >/dev/null 2>&1 ||
    skip_all "no sieve-test (Debian's dovecot-sieve; make deps installs it)"
command -v sievec >/dev/null 2>&1 || skip_all "no sievec (dovecot-sieve)"

chmod 755 "$T"
mkdir "$T/o"
chmod 1777 "$T/o"
as_user() { as_nobody env HOME="$T/o" "$@"; }

FROM=alice@example.org
TO=bob@example.net

oracle() {
	cp "$1" "$T/o/s.sieve"
	cp "$2" "$T/o/m.eml"
	chmod 644 "$T/o/s.sieve" "$T/o/m.eml"
	as_user sieve-test -f "$FROM" -r "$TO" "$T/o/s.sieve" "$T/o/m.eml" \
	    2>/dev/null | sed -n \
	    -e 's/^ \* store message in folder: /store /p' \
	    -e 's/^ \* keep$/store INBOX/p' \
	    -e 's/^ \* discard$/discard/p' | sort -u
}

ours() {
	"$BIN/md-sieve" -t "$1" -r "$FROM" -d "$TO" <"$2" 2>/dev/null |
	    cut -f1,2 | sed -e 's/^keep$/store INBOX/' \
	    -e 's/^fileinto	/store /' | sort -u
}

good=$(ls "$D"/s0[1-5]*.sieve)
msgs=$(ls "$D"/*.eml)
all=$(ls "$D"/*.sieve)
plan $(($(echo "$good" | wc -l) * $(echo "$msgs" | wc -l) + $(echo "$all" | wc -l)))

for s in $good; do
	for m in $msgs; do
		want=$(oracle "$s" "$m")
		got=$(ours "$s" "$m")
		is "$got" "$want" "$(basename "$s") on $(basename "$m")"
	done
done

for s in $all; do
	cp "$s" "$T/o/c.sieve"
	chmod 644 "$T/o/c.sieve"
	as_user sievec "$T/o/c.sieve" "$T/o/c.svbin" >/dev/null 2>&1
	want=$?
	[ "$want" -eq 0 ] || want=1
	"$BIN/md-sieve" -c "$s" 2>/dev/null
	is "$?" "$want" "-c $(basename "$s") as sievec judges it"
done
