if header :nosuch "a" "b" { keep; }
