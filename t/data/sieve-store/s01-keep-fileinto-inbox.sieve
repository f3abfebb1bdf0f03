# keep and fileinto "INBOX" are one store: one copy in the root.
require "fileinto";
keep;
fileinto "INBOX";
