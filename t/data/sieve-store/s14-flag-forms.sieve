# Flags in one string, blanks between, any case, twice, and flags no
# client can set (\Recent) or that are no flag (\Foo).
require ["fileinto", "imap4flags"];
setflag "\\seen  \\FLAGGED \\Seen";
addflag ["\\Recent", "\\Foo", "\\draft"];
fileinto "A";
removeflag "\\SEEN \\draft";
keep;
