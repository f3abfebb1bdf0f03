# fileinto :copy twice into one folder: one copy there, and the
# implicit keep is cancelled by neither.
require ["fileinto", "copy"];
fileinto :copy "A";
fileinto :copy "A";
