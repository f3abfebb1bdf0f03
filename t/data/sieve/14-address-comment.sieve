require "fileinto";
if address :is "from" "carol@example.net" { fileinto "Carol"; }
