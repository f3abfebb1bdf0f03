# :flags replaces the variable for that store only.
require ["fileinto", "imap4flags"];
addflag "\\Deleted";
fileinto :flags "\\Answered foo" "A";
keep :flags "\\Flagged";
fileinto "B";
