# discard then a failing fileinto: the implicit keep still holds.
require ["fileinto", "variables"];
set "bad" "A.";
discard;
fileinto "${bad}";
