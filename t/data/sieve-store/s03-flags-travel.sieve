# Each store takes the flags the variable holds when it runs.
require ["fileinto", "imap4flags"];
setflag "\\Seen";
fileinto "A";
addflag "\\Flagged";
fileinto "B";
removeflag "\\Seen";
keep;
