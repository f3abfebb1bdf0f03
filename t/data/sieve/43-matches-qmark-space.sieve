require "fileinto";
if header :matches "subject" "? *" { fileinto "QSpaceStar"; }
if header :matches "subject" "?ello*" { fileinto "Hello"; }
