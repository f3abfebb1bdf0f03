require ["date", "variables", "fileinto"];
# a zone that is none (local, as Pigeonhole), a part that is none (false)
set "z" "bogus";
if date :matches :zone "${z}" "date" "zone" "*" { fileinto "badzone-${0}"; }
set "p" "fortnight";
if date :matches "date" "${p}" "*" { fileinto "badpart"; }
if date :matches "x-other-date" "year" "*" { fileinto "other-${0}"; }
if date :matches "DATE" "Year" "*" { fileinto "case-${0}"; }
