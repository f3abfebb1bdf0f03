frobnicate;
