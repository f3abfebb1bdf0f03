require ["fileinto", "imap4flags"];
addflag ["foo", "bar"];
fileinto "A";
keep :flags "baz";
removeflag "foo";
fileinto "B";
