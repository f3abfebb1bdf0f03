require "fileinto";
if header :is :comparator "i;octet" "subject" "LUNCH?" { fileinto "Octet"; }
if header :is "subject" "LUNCH?" { fileinto "Casemap"; }
