require ["fileinto", "imap4flags"];
addflag "\\Seen";
fileinto "Seen";
removeflag "\\Seen";
if hasflag :contains "seen" { fileinto "Never"; }
