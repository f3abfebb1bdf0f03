require ["variables", "fileinto"];
if address :matches "to" "*@*" { fileinto "T.${1}.${2}"; }
if header :matches "subject" "*e*" { fileinto "NG-${1}-${2}"; }
if header :matches "subject" "?*?" { fileinto "Q-${1}-${3}-${0}"; }
set "a" "x";
set "A" "${a}${a}";
if string :is "${a}" "xx" { fileinto "CaseInsensitiveNames"; }
if string :is "${ a}" "${ a}" { fileinto "Malformed"; }
if not header :matches "x-none" "*" { if string :is "${1}" "" { fileinto "NoMatchKeepsOld"; } }
