#!/bin/sh
# Failures at every step of a delivery: the exit status is 75 and nothing
# is left in tmp/, new/ or cur/; the NFS and no-hard-link paths deliver.
# Faults come from an LD_PRELOAD shim (t/fault/inject.c).
. "$(dirname "$0")/lib.sh"

plan 39

msg="$T/msg"
printf 'Subject: fault\n\nbody\n' >"$msg"

# fault SPEC: deliver $msg into a fresh maildir with the fault injected.
fault() {
	rm -rf "$T/M"
	"$BIN/md-deliver" -c "$T/M" </dev/null >/dev/null 2>&1 || true
	rm -f "$T/M"/new/* "$T/M"/cur/* "$T/M"/tmp/*
	with_fault "$1" "$BIN/md-deliver" "$T/M" <"$msg" >"$T/out" 2>"$T/err"
}

for spec in write=ENOSPC fsync=EIO close=EDQUOT linkat=EIO linkat=ESTALE; do
	fault "$spec"
	is "$?" 75 "$spec: exit 75"
	is "$(count_files "$T/M")" 0 "$spec: nothing in tmp/, new/ or cur/"
	grep -q "$(echo "$spec" | sed 's/.*=//; s/ENOSPC/No space/; s/EIO/Input\/output/; s/EDQUOT/quota/; s/ESTALE/Stale/')" "$T/err"
	ok $? "$spec: stderr says why: $(cat "$T/err")"
done

# Errors that mean "loop" or "too big" elsewhere are environmental here.
for spec in write=ELOOP write=EMSGSIZE; do
	fault "$spec"
	is "$?" 75 "$spec from write(2): exit 75, not a permanent refusal"
done

fault dirsync=EIO
is "$?" 75 "fsync of new/ fails: exit 75 (the MTA retries)"
is "$(ls "$T/M/tmp" | wc -l)" 0 "dirsync: tmp/ cleaned"

fault linkat=LINKED@1
is "$?" 0 "NFS: link made but EEXIST reported: delivered"
is "$(count_files "$T/M")" 1 "NFS: exactly one copy, nothing in tmp/"

fault linkat=EXDEV@1
is "$?" 0 "EXDEV: copied instead"
cmp -s "$T/M"/new/* "$msg"
ok $? "EXDEV: content intact"
is "$(count_files "$T/M")" 1 "EXDEV: one file, tmp/ clean"

fault linkat=EPERM
is "$?" 0 "no hard links (EPERM): renamed into place"
cmp -s "$T/M"/new/* "$msg"
ok $? "EPERM: content intact"
is "$(count_files "$T/M")" 1 "EPERM: one file, tmp/ clean"

fault linkat=EPERM,renameat2=EINVAL
is "$?" 0 "no hard links, no renameat2: plain rename into place"
is "$(count_files "$T/M")" 1 "no renameat2: one file, tmp/ clean"

# Real filesystems, where root may mount them.
if mkdir -p "$T/small" && mount -t tmpfs -o size=64k tmpfs "$T/small" 2>/dev/null; then
	"$BIN/md-deliver" -c "$T/small/M" </dev/null 2>/dev/null
	rm -f "$T/small/M"/new/*
	head -c 1000000 /dev/zero | "$BIN/md-deliver" "$T/small/M" 2>"$T/err"
	is "$?" 75 "real disk full: exit 75"
	is "$(count_files "$T/small/M")" 0 "real disk full: nothing left"
	grep -q "No space left on device" "$T/err"
	ok $? "real disk full: $(cat "$T/err")"
	mount -o remount,ro "$T/small"
	"$BIN/md-deliver" "$T/small/M" <"$msg" 2>"$T/err"
	is "$?" 75 "read-only filesystem: exit 75"
	grep -q "Read-only file system" "$T/err"
	ok $? "read-only: $(cat "$T/err")"
	umount "$T/small"
else
	for i in 1 2 3 4 5; do skip "cannot mount a tmpfs here"; done
fi

# Two maildirs on two filesystems: a copy each, both complete.
disk=$T/D
shm=$(mktemp -d /dev/shm/mdkit-XXXXXX 2>/dev/null || true)
if [ -n "$shm" ] && [ "$(stat -c %d "$shm")" != "$(stat -c %d "$T")" ]; then
	"$BIN/md-deliver" -c -v "$disk" "$shm/M" <"$msg" >"$T/out"
	is "$?" 0 "two filesystems: delivered"
	cmp -s "$disk"/new/* "$msg" && cmp -s "$shm"/M/new/* "$msg"
	ok $? "two filesystems: both copies intact"
	is "$(count_files "$disk") $(count_files "$shm/M")" "1 1" \
	    "two filesystems: one file each, tmp/ clean"
	rm -rf "$shm"
else
	for i in 1 2 3; do skip "no second filesystem"; done
fi

# mbox import stops at an environmental failure, keeps what it delivered.
printf 'From a Thu Oct 17 17:14:09 1995\n\n1\n\nFrom b Thu Oct 17 17:14:09 1995\n\n2\n\nFrom c Thu Oct 17 17:14:09 1995\n\n3\n' >"$T/mbox"
rm -rf "$T/I"; "$BIN/md-deliver" -c "$T/I" </dev/null; rm -f "$T/I"/new/*
with_fault fsync=EIO@2 "$BIN/md-deliver" -M "$T/I" <"$T/mbox" 2>"$T/err"
is "$?" 75 "-M: I/O error on message 2: exit 75"
is "$(count_files "$T/I")" 1 "-M: message 1 kept, nothing half-written"
