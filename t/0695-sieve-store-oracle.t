#!/bin/sh
# What md-deliver --sieve stores, against what Dovecot's LDA with
# Pigeonhole stores: every script of t/data/sieve and t/data/sieve-store
# over every message of t/data/sieve, and the body tests of
# t/data/sieve-body over its messages (MIME, charsets, no body), each
# delivered by both into a fresh maildir; the folders, new/ or cur/, the flags by name (keywords
# through each folder's dovecot-keywords), the message less its trace
# fields, how many copies, and what is redirected must agree. The
# sieve-store scripts are about stores: flags before and after each,
# :flags, keep with fileinto "INBOX", :copy, discard, and a fileinto that
# fails beside other actions.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sieve-oracle.sh"

D=$(cd "$(dirname "$0")/data" && pwd)
lda_setup A B
# md-deliver's dovecot-keywords, in an order of its own.
KEYWORDS="held baz bar foo"

scripts=$(ls "$D"/sieve/[0-9]*.sieve "$D"/sieve-store/*.sieve)
msgs=$(ls "$D"/sieve/*.eml)
bscripts=$(ls "$D"/sieve-body/s0[1-5]*.sieve)
bmsgs=$(ls "$D"/sieve-body/*.eml)
plan $(($(echo "$scripts" | wc -l) * $(echo "$msgs" | wc -l) +
    $(echo "$bscripts" | wc -l) * $(echo "$bmsgs" | wc -l)))

# As in t/0610: where Pigeonhole 2.3.19 has a fault no script can rely
# on, md-deliver keeps to the RFCs (md-sieve.1 says each).
stored_agree "$scripts" "$msgs"

FROM=alice@example.org
TO=bob@example.net
stored_agree "$bscripts" "$bmsgs"
