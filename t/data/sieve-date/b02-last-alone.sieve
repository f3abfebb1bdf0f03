require ["index"];
if header :last "to" "x" { keep; }
