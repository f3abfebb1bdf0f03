require ["date"];
if currentdate :originalzone "year" "2023" { keep; }
