require "fileinto";
if header :matches "Subject" "*[SPAM]*" { fileinto "Junk"; stop; }
fileinto "Other";
