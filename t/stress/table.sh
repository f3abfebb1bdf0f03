#!/bin/sh
# table.sh ROWS...: the table that ends make stress. Each line of the
# ROWS files is one scenario, tab-separated: scenario, runs, messages,
# what it did to them ("N faults" injected, N kills, "N states" of a
# power cut, "N ops" of a concurrency run), lost, duplicated, partial,
# unexpected exits (or other violations), and a note. A "-" is a count
# the scenario does not make.
[ $# -gt 0 ] && [ -f "$1" ] || {
	echo "table.sh: no rows (was a stress target run?)" >&2
	exit 1
}
cat "$@" | awk -F'\t' '
function num(v) { return v ~ /^[0-9]+$/ ? v + 0 : 0 }
{
	n++
	for (i = 1; i <= 8; i++) c[n, i] = $i
	note[n] = $9
	for (i = 2; i <= 8; i++)
		if (i != 4) sum[i] += num($i)
	# What column 4 counts: a bare number is kills.
	if ($4 ~ /^[0-9]+$/) { unit = "kills"; v = $4 }
	else { v = $4; unit = $4; sub(/ .*/, "", v); sub(/^[^ ]* /, "", unit) }
	if ($4 == "-" || $4 == "") next
	if (!(unit in did)) order[++nu] = unit
	did[unit] += num(v)
}
END {
	split("scenario runs messages faults/kills/states lost duplicated partial unexpected", h, " ")
	fmt = "%-16s %7s %9s %22s %5s %10s %7s %10s\n"
	printf fmt, h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
	for (r = 1; r <= n; r++)
		printf fmt, c[r, 1], c[r, 2], c[r, 3], c[r, 4], c[r, 5], c[r, 6], c[r, 7], c[r, 8]
	printf fmt, "total", sum[2], sum[3], "", sum[5], sum[6], sum[7], sum[8]
	t = ""
	for (u = 1; u <= nu; u++)
		t = t (u > 1 ? ", " : "") did[order[u]] " " order[u]
	print "done: " t
	print ""
	for (r = 1; r <= n; r++)
		if (note[r] != "") printf "%s: %s\n", c[r, 1], note[r]
	bad = sum[5] + sum[6] + sum[7] + sum[8]
	exit bad > 0
}'
