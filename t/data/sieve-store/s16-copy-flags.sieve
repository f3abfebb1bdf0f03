require ["fileinto", "imap4flags", "copy"];
fileinto :copy :flags "\\Seen" "A";
addflag "foo";
fileinto :copy "A";
fileinto "B";
