#!/bin/sh
# The benchmark's Sieve script: 100 rules of the kinds people write
# (mailing lists by List-Id, senders by address and domain, subjects,
# a few combinations, a regex, flags), on stdout. With "body" the
# 100th rule is a body test (RFC 5173) instead of a header one.
#
#	sh t/bench/rules.sh [body]
set -eu
echo 'require ["fileinto", "regex", "imap4flags", "relational",'
echo '    "comparator-i;ascii-numeric"'"${1:+, \"body\"}];"
# 40 lists: the five mkheaders makes, and others no message is on.
for l in dev.lists.example.org announce.example.com \
    users.lists.example.org bugs.example.net cafe.example.fr; do
	echo "if header :contains \"List-Id\" \"<$l>\" {"
	echo "	fileinto \"Lists.${l%%.*}\"; stop;"
	echo "}"
done
i=5
while [ $i -lt 40 ]; do
	echo "if header :contains \"List-Id\" \"list$i.lists.example.net\" {"
	echo "	fileinto \"Lists.L$i\"; stop;"
	echo "}"
	i=$((i + 1))
done
# 30 senders: some domains, some addresses, some with a flag.
while [ $i -lt 55 ]; do
	echo "if address :domain :is \"from\" \"sender$i.example.com\" {"
	echo "	fileinto \"Senders.S$i\"; stop;"
	echo "}"
	i=$((i + 1))
done
while [ $i -lt 70 ]; do
	echo "if address :is [\"from\", \"sender\"] \"person$i@example.org\" {"
	echo "	addflag \"\\\\Flagged\"; fileinto \"People.P$i\";"
	echo "}"
	i=$((i + 1))
done
# 25 subjects.
while [ $i -lt 85 ]; do
	echo "if header :contains \"subject\" \"[project$i]\" {"
	echo "	fileinto \"Projects.P$i\"; stop;"
	echo "}"
	i=$((i + 1))
done
while [ $i -lt 94 ]; do
	echo "if header :matches \"subject\" \"*ticket #$i*\" {"
	echo "	fileinto \"Tickets\";"
	echo "}"
	i=$((i + 1))
done
# Combinations, sizes, a regex.
echo 'if allof (header :contains "to" "kim@example.org",'
echo '    not exists "in-reply-to", header :contains "subject" "urgent") {'
echo '	addflag "\\Flagged";'
echo '}'
echo 'if anyof (header :is "precedence" ["bulk", "junk"],'
echo '    exists "x-spam-flag") { fileinto "Bulk"; stop; }'
echo 'if size :over 5M { fileinto "Large"; }'
echo 'if header :regex "x-mailer" "^bulkmail[0-9]+ " { fileinto "Bulk"; }'
echo 'if header :value "ge" :comparator "i;ascii-numeric" "x-spam-score" "8" {'
echo '	fileinto "Junk"; stop;'
echo '}'
if [ "${1:-}" = body ]; then
	echo 'if body :text :contains ["click here to claim", "wire the funds"] {'
	echo '	fileinto "Junk";'
	echo '}'
else
	echo 'if header :contains "subject" ["click here to claim", "wire the funds"] {'
	echo '	fileinto "Junk";'
	echo '}'
fi
