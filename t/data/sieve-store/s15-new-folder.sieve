# A folder not there is made (lda_mailbox_autocreate), with or without
# :create, and the flags go with it.
require ["fileinto", "imap4flags", "mailbox"];
addflag "\\Seen";
fileinto "Made";
fileinto :create "Made2.Sub";
keep;
