require ["date"];
if date :index 1 "date" "year" "2023" { keep; }
