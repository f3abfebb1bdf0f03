require ["copy", "imap4flags"];
addflag "\\Flagged";
redirect :copy "bob@example.org";
keep;
