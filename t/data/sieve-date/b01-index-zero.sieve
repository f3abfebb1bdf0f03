require ["index"];
if header :index 0 "to" "x" { keep; }
