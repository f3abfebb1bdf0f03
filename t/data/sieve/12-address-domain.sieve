require "fileinto";
if address :domain :is "from" "example.com" { fileinto "Dom"; }
