#!/bin/sh
# make demo: deliver the sample messages into ./demo/Maildir and show them.
set -eu
bin=${1:-build/bin}
samples=contrib/samples
dir=demo/Maildir

rm -rf demo
mkdir demo
echo "== md-deliver -c $dir < $samples/01-welcome.eml   (as Postfix would)"
"$bin/md-deliver" -c -v -e "$dir" <"$samples/01-welcome.eml"
echo "== md-deliver -F S -r bob@example.net $dir < $samples/02-crlf.eml"
"$bin/md-deliver" -v -F S -r bob@example.net "$dir" <"$samples/02-crlf.eml"
echo "== md-deliver -M -c -f Lists.Dev $dir < $samples/03-list.mbox"
"$bin/md-deliver" -M -c -v -f Lists.Dev "$dir" <"$samples/03-list.mbox"
echo "== duplicate loop check: the welcome message again, for the same recipient"
if RECIPIENT=you@example.org "$bin/md-deliver" -e "$dir" \
    <"$samples/01-welcome.eml"; then
	echo "(delivered: the MTA's own Delivered-To line is not a loop)"
fi
printf 'Received: from fwd.example.net\nDelivered-To: you@example.org\nSubject: looping\n\n' |
    "$bin/md-deliver" -d you@example.org "$dir" ||
    echo "(exit $?: refused, it already carries our Delivered-To)"

echo
echo "== what arrived"
find demo -type f | sort | while read -r f; do
	printf '%s  (%s bytes)\n' "$f" "$(wc -c <"$f")"
	sed -n '/^\r\{0,1\}$/q; /^\(Return-Path\|Delivered-To\|Subject\|From\):/p' "$f" |
	    sed 's/^/    /'
done
echo
echo "tmp/ directories are empty:"
find demo -path '*/tmp/*' | wc -l

echo
echo "== md-index -r -v $dir   (the header cache, in the maildir and its folders)"
"$bin/md-index" -r -v "$dir"
echo "== md-list --recursive --sort date --format '%d  %-14f  %-10F  %s' $dir"
"$bin/md-list" --recursive --sort date --format '%d  %-14f  %-10F  %s' "$dir"
echo "== the same without the cache (--no-cache): the same lines"
"$bin/md-list" --recursive --sort date --format '%d  %-14f  %-10F  %s' \
    --no-cache "$dir"
echo "== md-index --check $dir: cache and messages agree (exit $(
    "$bin/md-index" --check "$dir" >/dev/null
    echo $?
))"
