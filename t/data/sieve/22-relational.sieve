require ["fileinto", "relational", "comparator-i;ascii-numeric"];
if header :value "gt" :comparator "i;ascii-numeric" "x-spam-score" "10" { fileinto "Spam10"; }
if header :count "ge" :comparator "i;ascii-numeric" "to" "1" { fileinto "HasTo"; }
if address :count "eq" :comparator "i;ascii-numeric" "to" "3" { fileinto "Three"; }
