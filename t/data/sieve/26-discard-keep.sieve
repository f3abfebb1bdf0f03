discard;
keep;
