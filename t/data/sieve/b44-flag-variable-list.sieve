# addflag names one variable: a list there is an error (RFC 5232 3).
require ["imap4flags", "variables"];
addflag ["a", "b"] "\\Seen";
