require ["fileinto", "variables"];
set "bad" "x/y";
fileinto "${bad}";
fileinto "A";
