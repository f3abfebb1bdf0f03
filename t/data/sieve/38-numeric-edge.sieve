require ["fileinto", "relational", "comparator-i;ascii-numeric"];
if header :value "lt" :comparator "i;ascii-numeric" "x-spam-score" "1" { fileinto "NegIsInf"; }
if header :value "eq" :comparator "i;ascii-numeric" "x-number" "42" { fileinto "LeadingDigits"; }
if header :value "gt" :comparator "i;ascii-numeric" "x-none" "1" { fileinto "Never"; }
if header :count "gt" :comparator "i;ascii-numeric" "x-spam-score" "0" { fileinto "HasScore"; }
