require "fileinto";
if header :contains "List-Id" "debian-devel" { fileinto "Lists.Debian"; }
