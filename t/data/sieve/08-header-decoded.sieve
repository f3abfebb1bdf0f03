require "fileinto";
if header :contains "subject" "héllo" { fileinto "Decoded"; }
