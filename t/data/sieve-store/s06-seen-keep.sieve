# \Seen on keep: where does the file land, new/ or cur/?
require "imap4flags";
addflag "\\Seen";
keep;
