require "fileinto";
if address :is "from" "andre@example.fr" { fileinto "Andre"; }
if address :domain "from" "x.example" { fileinto "Group"; }
if address :is "cc" "real@c.example" { fileinto "Real"; }
if address :is "cc" "routed@d.example" { fileinto "Routed"; }
if address :localpart "reply-to" "Quoted Local" { fileinto "QuotedLocal"; }
if address :matches "to" "*" { fileinto "ToAny"; }
