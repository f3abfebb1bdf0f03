#!/bin/sh
# A real full disk (issue 14): md-deliver into a 1 MB tmpfs until it is
# full, then on: every message accepted is there whole, every one refused
# exits 75 and leaves nothing, tmp/ stays clean; an mbox import stops
# with 75 and keeps what it says it delivered. Needs root to mount.
. "$(dirname "$0")/lib.sh"

is_root || skip_all "not root: cannot mount a 1 MB tmpfs"
disk=$T/disk
mkdir "$disk"
mount -t tmpfs -o size=1m,mode=0700 mdkit-full "$disk" 2>"$T/err" ||
	skip_all "cannot mount a tmpfs here: $(cat "$T/err")"
# Unmounted before lib.sh's cleanup removes T.
trap 'umount "$disk" 2>/dev/null; _cleanup' EXIT

plan 12

M=$disk/M
mkmd "$M"
mkdir "$T/sent"

# message I SIZE: message I of about SIZE bytes, into $T/sent/I.
message() {
	{
		printf 'Subject: message %s\nMessage-ID: <%s@full>\n\n' "$1" "$1"
		head -c "$2" /dev/zero | tr '\0' "$(printf '\\%03o' $((97 + $1 % 26)))" |
		    fold -w 72
		printf '\nend of %s\n' "$1"
	} >"$T/sent/$1"
}

# Sizes from 2 to 90 KB, the same every run: the disk fills in the middle
# of a message, and smaller ones may still fit after a bigger one failed.
accepted=0 refused=0 other=0 dirty=0 said=0 later=0
i=0
while [ "$i" -lt 60 ]; do
	i=$((i + 1))
	message "$i" $(((i * 7919 % 89 + 2) * 1024))
	deliver "$M" <"$T/sent/$i"
	case $RC in
	0)
		accepted=$((accepted + 1))
		[ "$refused" -eq 0 ] || later=$((later + 1))
		;;
	75)
		refused=$((refused + 1))
		rm "$T/sent/$i"
		grep -q "No space left on device" "$T/err" && said=$((said + 1))
		;;
	*)
		other=$((other + 1))
		diag "message $i: exit $RC: $(cat "$T/err")"
		;;
	esac
	[ "$(count_files "$M/tmp")" -eq 0 ] || dirty=$((dirty + 1))
done
isnt "$accepted" 0 "messages accepted before the disk filled ($accepted)"
isnt "$refused" 0 "messages refused once it was full ($refused; $later accepted after the first refusal)"
is "$other" 0 "every refusal exits 75"
is "$said" "$refused" "every refusal says: No space left on device"
is "$dirty" 0 "tmp/ clean after every delivery"
is "$(count_files "$M/new")" "$accepted" "one file in new/ for each message accepted"

# Each file in new/ is one message accepted, byte for byte.
bad=0
for f in "$M"/new/*; do
	n=$(sed -n 's/^Subject: message //p' "$f" | head -n 1)
	if [ -z "$n" ] || ! cmp -s "$f" "$T/sent/$n"; then
		bad=$((bad + 1))
		diag "not whole: $f"
	fi
	rm -f "$T/sent/$n"
done
is "$bad" 0 "every message in new/ whole"
is "$(ls "$T/sent" | wc -l | tr -d ' ')" 0 "every message accepted is in new/"

# An mbox import into the disk, with room made for a few messages only:
# 75, and what it says it delivered is there, whole.
for f in $(ls "$M"/new/* | head -n 3); do
	rm "$f"
done
before=$(count_files "$M/new")
{
	i=100
	while [ "$i" -lt 130 ]; do
		printf 'From x@full Thu Oct 17 17:14:09 1995\n'
		printf 'Subject: mbox %s\n\n' "$i"
		head -c 20000 /dev/zero | tr '\0' m | fold -w 72
		printf '\n\n'
		i=$((i + 1))
	done
} >"$T/mbox"
"$MD" -M "$M" <"$T/mbox" >"$T/out" 2>"$T/err"
is "$?" 75 "-M into the full disk: exit 75"
n=$(sed -n 's/.*mbox: \([0-9]*\) delivered.*/\1/p' "$T/err")
is "$(count_files "$M/new"):$([ "${n:-0}" -gt 0 ] && echo some)" \
    "$((before + ${n:-0})):some" \
    "-M: as many in new/ as it says delivered (${n:-none}), and some"
is "$(count_files "$M/tmp")" 0 "-M: tmp/ clean"
bad=0
for f in $(grep -l '^Subject: mbox ' "$M"/new/* 2>/dev/null); do
	[ "$(grep -c '^m' "$f")" -eq 278 ] || bad=$((bad + 1))
done
is "$bad" 0 "-M: every message it delivered whole"
