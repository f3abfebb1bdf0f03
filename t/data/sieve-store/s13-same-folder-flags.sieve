# One folder twice with different flags: one store, whose?
require ["fileinto", "imap4flags"];
fileinto :flags "\\Seen" "A";
fileinto :flags "\\Flagged" "A";
