require ["variables", "fileinto", "regex", "encoded-character", "relational"];
if header :matches "List-Id" "*<*.*>" { set :lower :upperfirst "list" "${2}"; fileinto "Lists.${list}"; }
if header :matches "Subject" "* [*] *" { fileinto "S-${2}-${1}"; }
set :length "n" "${unicode:e9}abc";
set "q" "${n}";
if string :is "${q}" "4" { fileinto "Len4"; }
set :quotewildcard "w" "a*b?c\\d";
if string :is "${w}" "a\\*b\\?c\\\\d" { fileinto "Quoted"; }
if header :regex "From" "([a-z]+)\\+([a-z]+)@" { fileinto "Re-${1}-${2}"; }
if string :count "eq" ["a", "", "${undefined}", "b"] "2" { fileinto "Count"; }
