if date "date" "year" "2023" { keep; }
