require ["fileinto", "imap4flags"];
addflag ["\\Seen", "foo"];
removeflag ["\\Seen", "foo"];
fileinto "A";
setflag "";
keep :flags "";
