require ["date", "index", "variables", "fileinto", "relational"];
# :index and :last on header, address and date
if header :matches :index 2 "received" "*" { fileinto "h2-${0}"; }
if header :matches :index 1 :last "received" "*" { fileinto "hlast-${0}"; }
if header :matches :index 3 ["to", "received"] "*" { fileinto "hmix-${0}"; }
if header :index 9 :contains "received" "" { fileinto "h9"; }
if address :matches :index 2 "to" "*" { fileinto "a2-${0}"; }
if address :count "eq" :index 1 "to" "2" { fileinto "a1-two"; }
if address :is :index 1 :last :domain ["to", "cc"] "example.net" { fileinto "alast-net"; }
if date :matches :index 2 :zone "+0000" "received" "time" "*" { fileinto "r2-${0}"; }
if date :matches :index 1 :last :originalzone "received" "date" "*" { fileinto "rlast-${0}"; }
if date :matches :zone "+0000" "received" "date" "*" { fileinto "r-${0}"; }
