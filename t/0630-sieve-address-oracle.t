#!/bin/sh
# The address test against Pigeonhole's over the To: fields of
# t/data/sieve/addresses.txt, one a line, valid and broken: for each of
# :all, :localpart and :domain, how many values there are (:count) and
# the value :matches "*" sees first must be the same under md-sieve -t
# as under sieve-test.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sieve-oracle.sh"

D=$(cd "$(dirname "$0")/data/sieve" && pwd)
sieve_oracle_setup
plan "$(wc -l <"$D/addresses.txt")"

{
	echo 'require ["fileinto", "relational", "comparator-i;ascii-numeric", "variables"];'
	for p in all localpart domain; do
		for k in 0 1 2 3; do
			echo "if address :$p :count \"eq\" :comparator \"i;ascii-numeric\" \"to\" \"$k\" { fileinto \"$p-count-$k\"; }"
		done
		echo "if address :$p :matches \"to\" \"*\" { set \"v\" \"\${0}\"; fileinto \"$p-value-\${v}\"; }"
	done
} >"$T/o/s.sieve"
chmod 644 "$T/o/s.sieve"

while IFS= read -r to; do
	printf 'To: %s\nSubject: s\n\nbody\n' "$to" >"$T/o/m.eml"
	chmod 644 "$T/o/m.eml"
	want=$(as_user sieve-test "$T/o/s.sieve" "$T/o/m.eml" 2>/dev/null |
	    sed -n 's/^ \* store message in folder: //p' | grep -v '^INBOX$')
	got=$("$BIN/md-sieve" -t "$T/o/s.sieve" <"$T/o/m.eml" |
	    sed -n 's/^fileinto	//p' | sed 's/\\\\/\\/g')
	is "$got" "$want" "To: $to"
done <"$D/addresses.txt"
