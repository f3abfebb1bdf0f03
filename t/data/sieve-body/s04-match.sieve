require ["body", "fileinto", "relational", "comparator-i;ascii-numeric", "regex", "variables"];
if body :text :is "Hello world,\nthe quarterly report is attached.\nRegards\n" { fileinto "is-whole"; }
if body :content "text/plain" :is "See the forwarded message." { fileinto "is-part-nolf"; }
if body :content "text/plain" :is "See the forwarded message.\n" { fileinto "is-part-lf"; }
if body :matches "*quarterly*" { fileinto "matches"; }
if body :matches "Hello*" { fileinto "matches-start"; }
if body :regex "report is (at|de)tached" { fileinto "regex"; }
if body :count "eq" :comparator "i;ascii-numeric" "2" { fileinto "count-2"; }
if body :count "eq" :comparator "i;ascii-numeric" "0" { fileinto "count-0"; }
if body :count "ge" :comparator "i;ascii-numeric" "3" { fileinto "count-3plus"; }
if body :content "" :count "eq" :comparator "i;ascii-numeric" "7" { fileinto "count-all-7"; }
if body :content "" :count "eq" :comparator "i;ascii-numeric" "4" { fileinto "count-all-4"; }
if body :content "multipart" :count "eq" :comparator "i;ascii-numeric" "1" { fileinto "count-mp-1"; }
if body :comparator "i;octet" :contains "hello" { fileinto "octet-lower"; }
if body :comparator "i;ascii-casemap" :contains "HELLO" { fileinto "casemap"; }
if body :text :matches "*report is *.*" { fileinto "var-${2}"; }
if body :contains "" { fileinto "empty-key"; }
if not body :contains "" { fileinto "no-text"; }
if header :matches "subject" "*" { if body :matches "*" { fileinto "subject-${1}"; } }
