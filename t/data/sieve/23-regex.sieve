require ["fileinto", "regex"];
if header :regex "subject" "^l.*ch\\?$" { fileinto "Re"; }
if address :regex :domain "from" "example\\.(com|net)" { fileinto "ReDom"; }
