# keep twice, the flags changed between: one store.
require "imap4flags";
addflag "\\Seen";
keep;
addflag "\\Flagged";
keep;
