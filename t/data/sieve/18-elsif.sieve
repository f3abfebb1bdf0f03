require "fileinto";
if header :is "x-priority" "1" { fileinto "P1"; } elsif true { fileinto "Else1"; } else { fileinto "Else2"; }
