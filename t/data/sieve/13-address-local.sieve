require "fileinto";
if address :localpart :is ["to","cc"] "eve" { fileinto "Eve"; }
if address :all :is "to" "dave@example.net" { fileinto "Group"; }
