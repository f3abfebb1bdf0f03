#!/bin/sh
# 8 deliverers at once, 200 messages each, into one maildir: every
# message arrives exactly once, under its own name, and tmp/ ends empty.
. "$(dirname "$0")/lib.sh"

plan 5

M=$T/M
mkmd "$M"
P=8
N=200

i=1
while [ "$i" -le "$P" ]; do
	(
		j=1
		while [ "$j" -le "$N" ]; do
			printf 'Subject: %s-%s\n\nbody %s-%s\n' "$i" "$j" "$i" "$j" |
			    "$MD" "$M" || echo "$i-$j exit $?"
			j=$((j + 1))
		done
	) >"$T/fail.$i" 2>&1 &
	i=$((i + 1))
done
wait

cat "$T"/fail.* >"$T/fails"
is "$(lines "$T/fails")" 0 "every delivery exited 0"
is "$(count_files "$M/new")" $((P * N)) "$((P * N)) files in new/"
is "$(count_files "$M/tmp")" 0 "tmp/ empty"
grep -h '^Subject:' "$M"/new/* | sort -u >"$T/subjects"
is "$(lines "$T/subjects")" $((P * N)) "every message once: $((P * N)) distinct subjects"
ls "$M/new" | sed 's/,S=.*//' | sort -u >"$T/bases"
is "$(lines "$T/bases")" $((P * N)) "every base name distinct"
