require ["date", "variables", "fileinto"];
# the same moments in other zones, and in the local one
if date :matches :zone "+0530" "date" "iso8601" "*" { fileinto "ist-${0}"; }
if date :matches :zone "-0000" "date" "iso8601" "*" { fileinto "utc-${0}"; }
if date :matches :zone "+1400" "date" "std11" "*" { fileinto "kiri-${0}"; }
if date :matches :zone "-1200" "date" "julian" "*" { fileinto "julian-${0}"; }
if date :matches :zone "-1200" "date" "weekday" "*" { fileinto "weekday-${0}"; }
if date :matches "date" "iso8601" "*" { fileinto "local-${0}"; }
if date :matches "date" "zone" "*" { fileinto "localzone-${0}"; }
if date :matches :zone "+0000" "x-other-date" "iso8601" "*" { fileinto "other-${0}"; }
if date :matches :originalzone "x-other-date" "zone" "*" { fileinto "otherzone-${0}"; }
