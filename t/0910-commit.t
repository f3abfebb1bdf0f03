#!/bin/sh
# Every writer makes its files durable the one way (libmaildir/commit.c):
# a rewritten maildirsize, a repair's rename and the cache are on disk,
# directory synced, before success is said; a directory that cannot be
# synced is a failure of each. NFS's EEXIST for a link that was made is
# no clash. Faults come from the LD_PRELOAD shim (t/fault/inject.c).
. "$(dirname "$0")/lib.sh"

plan 17

if ! have_faultlib; then
	skip_n 17 "no fault shim (MDKIT_FAULTLIB)"
	exit 0
fi

printf 'Subject: commit\n\nbody\n' >"$T/msg"

# ---- maildirsize, rewritten: its root synced ----

M=$T/M
faulty dirsync=EIO "$BIN/md-mkdir" -q 100M "$M"
is "$RC" 1 "md-mkdir -q, the root cannot be synced: exit 1"
err_has "$M: fsync: Input/output error" "md-mkdir -q: says the sync failed"
is "$(count_files "$M/tmp")" 0 "md-mkdir -q: nothing left in tmp/"

"$BIN/md-mkdir" -q 100M "$M"
printf '104857600S\n5 1\n' >"$M/maildirsize"
faulty dirsync=EIO "$BIN/md-check" --repair "$M"
is "$(grep -c '^repaired' "$T/out")" 0 \
    "md-check --repair of maildirsize, root not synced: not said repaired"
err_has "$M/maildirsize: cannot write it anew: Input/output error" \
    "md-check --repair: says the rewrite failed"
is "$(cat "$M/maildirsize")" "$(printf '104857600S\n0 0')" \
    "md-check --repair: maildirsize whole (renamed, perhaps not on disk)"
"$BIN/md-check" "$M" >"$T/out" 2>"$T/err"
is "$?" 0 "md-check without the fault: nothing left to find"

# A delivery whose recount (sums over the limit, in two lines: not to be
# trusted) cannot be made durable is not made: the first directory
# synced is the root, after the rewrite and before the link.
printf '1000S\n600 1\n600 1\n' >"$M/maildirsize"
faulty dirsync=EIO@1 "$MD" "$M"
is "$RC" 75 "recount not durable: md-deliver exits 75"
is "$(count_files "$M")" 0 "recount not durable: nothing in tmp/, new/ or cur/"

# ---- a repair's rename: new/ and cur/ synced ----

R=$T/R
mkmd "$R"
chmod 700 "$R" "$R/tmp" "$R/new" "$R/cur"
printf 'x\n' >"$R/new/x:2,S"
chmod 600 "$R/new/x:2,S"
faulty dirsync=EIO "$BIN/md-check" --repair "$R"
is "$(grep -c '^repaired' "$T/out")" 0 \
    "md-check --repair of a misplaced message, not synced: not said repaired"
err_has "cannot rename to $R/cur/x:2,S: Input/output error" \
    "md-check --repair: says the rename is not on disk"
is "$(count_files "$R")" 1 "md-check --repair: the message is in one place"

# ---- the header cache: its root synced ----

X=$T/X
mkmd "$X"
"$MD" "$X" <"$T/msg"
faulty dirsync=EIO "$BIN/md-index" "$X"
is "$RC" 1 "md-index, the root cannot be synced: exit 1"
err_has "$X: fsync: Input/output error" "md-index: says the sync failed"

# ---- md-move -k on one file system: NFS's EEXIST for a link made ----

A=$T/A
B=$T/B
mkmd "$A" "$B"
"$MD" "$A" <"$T/msg"
faulty linkat=LINKED@1 "$BIN/md-move" -k "$A"/new/* "$B"
is "$RC" 0 "md-move -k, link made but EEXIST said: exit 0"
is "$(count_files "$B")" 1 "md-move -k: one link in the target, not two"
is "$(lines "$T/out")" 1 "md-move -k: one path printed"
