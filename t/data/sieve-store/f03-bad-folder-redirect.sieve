# The redirect of a failed script is not sent.
require ["fileinto", "copy", "imap4flags"];
redirect :copy "bob@example.org";
addflag "\\Flagged";
fileinto ".hidden";
