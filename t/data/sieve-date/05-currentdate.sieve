require ["date", "relational", "fileinto"];
# the clock: tests whose answer holds on any day after 2020
if currentdate :value "gt" "date" "2020-01-01" { fileinto "after-2020"; }
if currentdate :value "lt" :zone "+0000" "year" "2020" { fileinto "before-2020"; }
if currentdate :matches "weekday" "[0-6]" { fileinto "never-a-glob-class"; }
if currentdate :matches "iso8601" "????-??-??T??:??:??*" { fileinto "iso-shape"; }
if currentdate :matches :zone "+0100" "zone" "+0100" { fileinto "zone-given"; }
