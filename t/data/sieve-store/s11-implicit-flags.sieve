# The implicit keep takes the flags the variable holds at the end.
require "imap4flags";
addflag "\\Answered";
if address :domain "from" "example.net" { addflag "\\Seen"; }
