require ["fileinto", "imap4flags"];
if header :contains "subject" "lunch" { setflag "\\Seen"; }
if hasflag :is "\\seen" { fileinto "A"; } else { fileinto "B"; }
