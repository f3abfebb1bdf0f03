if header :comparator "i;nosuch" "a" "b" { keep; }
