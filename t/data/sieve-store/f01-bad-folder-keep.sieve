# One fileinto fails (no folder can have this name): every other
# action goes too, and the message is kept in INBOX without flags.
require ["fileinto", "imap4flags", "variables"];
set "bad" "Lists..Debian";
addflag "\\Seen";
fileinto "A";
fileinto "${bad}";
keep;
