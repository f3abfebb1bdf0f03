require "fileinto";
if header :is "subject" "📧 mail folded line" { fileinto "Folded"; }
if header :is "x-empty" "" { fileinto "Empty"; }
if exists "x-empty" { fileinto "EmptyExists"; }
if header :contains "from" "André" { fileinto "DecodedFrom"; }
