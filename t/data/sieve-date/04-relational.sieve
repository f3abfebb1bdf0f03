require ["date", "relational", "fileinto", "comparator-i;ascii-numeric"];
# RFC 5260's office hours, weekends, and counting dates
if allof(date :value "ge" :originalzone "date" "hour" "09",
         date :value "lt" :originalzone "date" "hour" "17") { fileinto "office-hours"; }
if anyof(date :is :originalzone "date" "weekday" "0",
         date :is :originalzone "date" "weekday" "6") { fileinto "weekend"; }
if date :value "lt" :originalzone "date" "date" "2000-01-01" { fileinto "last-century"; }
if date :value "ge" :comparator "i;ascii-numeric" :zone "+0000" "date" "year" "2024" { fileinto "recent"; }
if date :count "eq" "received" "date" "1" { fileinto "one-received-date"; }
if date :count "eq" "date" "date" "0" { fileinto "no-date"; }
if not exists "date" { fileinto "missing-date"; }
if date :is :zone "+0000" "date" "date" "2023-08-01" { fileinto "aug1-utc"; }
if date :is :zone "+0000" "date" "date" "2023-08-01" { fileinto "aug1-utc"; }
