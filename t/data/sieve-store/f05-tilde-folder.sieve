require ["fileinto", "imap4flags"];
addflag "\\Seen";
fileinto "~x";
keep;
