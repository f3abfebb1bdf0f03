require ["index"];
if header :index "1" "to" "x" { keep; }
