require ["fileinto", "imap4flags", "variables"];
set "f" "\\Answered";
addflag "${f} bar";
addflag "held" "\\Draft";
fileinto "A";
if hasflag "held" ["\\Draft"] { fileinto "B"; }
keep :flags "${f}";
