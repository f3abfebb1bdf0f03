# keep and fileinto "INBOX" with different flags: one store, whose?
require ["fileinto", "imap4flags"];
keep :flags "\\Flagged";
fileinto :flags "\\Seen" "INBOX";
