# INBOX.A is A; inbox any case is the root.
require ["fileinto", "imap4flags"];
fileinto :flags "\\Seen" "INBOX.A";
fileinto "inbox";
fileinto "Inbox.B";
