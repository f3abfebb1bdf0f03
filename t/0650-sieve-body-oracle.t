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
. "$(dirname "$0")/sieve-oracle.sh"

D=$(cd "$(dirname "$0")/data/sieve-body" && pwd)
sieve_oracle_setup
FROM=alice@example.org
TO=bob@example.net

good=$(ls "$D"/s0[1-5]*.sieve)
msgs=$(ls "$D"/*.eml)
all=$(ls "$D"/*.sieve)
plan $(($(echo "$good" | wc -l) * $(echo "$msgs" | wc -l) + $(echo "$all" | wc -l)))

oracle_agree "$good" "$msgs"

oracle_compiles "$all"
