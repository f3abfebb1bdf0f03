require ["fileinto", "subaddress"];
if address :detail "from" "lists" { fileinto "Detail"; }
if address :user "from" "bob" { fileinto "User"; }
