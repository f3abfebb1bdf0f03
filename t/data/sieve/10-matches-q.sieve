require "fileinto";
if header :matches "Subject" "lunch?" { fileinto "Q"; }
if header :matches "subject" "l?nch\\?" { fileinto "Esc"; }
