# discard cancels the implicit keep only: the fileinto stays.
require "fileinto";
fileinto "A";
discard;
