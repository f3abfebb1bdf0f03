require "reject";
if header :contains "subject" "lunch" { reject "no lunch"; }
