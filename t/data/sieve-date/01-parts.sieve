require ["date", "variables", "fileinto"];
# every date part of the Date field, in the zone it was written in
if date :matches :originalzone "date" "year" "*" { fileinto "year-${0}"; }
if date :matches :originalzone "date" "month" "*" { fileinto "month-${0}"; }
if date :matches :originalzone "date" "day" "*" { fileinto "day-${0}"; }
if date :matches :originalzone "date" "date" "*" { fileinto "date-${0}"; }
if date :matches :originalzone "date" "julian" "*" { fileinto "julian-${0}"; }
if date :matches :originalzone "date" "hour" "*" { fileinto "hour-${0}"; }
if date :matches :originalzone "date" "minute" "*" { fileinto "minute-${0}"; }
if date :matches :originalzone "date" "second" "*" { fileinto "second-${0}"; }
if date :matches :originalzone "date" "time" "*" { fileinto "time-${0}"; }
if date :matches :originalzone "date" "iso8601" "*" { fileinto "iso-${0}"; }
if date :matches :originalzone "date" "std11" "*" { fileinto "std11-${0}"; }
if date :matches :originalzone "date" "zone" "*" { fileinto "zone-${0}"; }
if date :matches :originalzone "date" "weekday" "*" { fileinto "weekday-${0}"; }
