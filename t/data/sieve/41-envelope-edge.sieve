require ["fileinto", "envelope", "subaddress"];
if envelope :all :is "to" "alice@example.org" { fileinto "EnvTo"; }
if envelope :detail "to" "" { fileinto "NoDetail"; }
if envelope :user "from" "owner-debian" { fileinto "EnvUser"; }
