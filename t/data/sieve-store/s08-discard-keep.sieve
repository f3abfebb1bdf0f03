# keep after discard stores (the last word on the implicit keep).
discard;
keep;
