require "fileinto";
if size :over 300 { fileinto "Big"; } elsif size :under 10 { fileinto "Tiny"; } else { fileinto "Mid"; }
