require "fileinto";
if header :matches "subject" "?????" { fileinto "Never"; }
if header :matches "x-number" "*\\*" { fileinto "Never2"; }
if header :matches :comparator "i;octet" "x-number" "*ABC" { fileinto "NeverOctet"; }
if header :matches "x-number" "*ABC" { fileinto "Casemap"; }
if header :matches "subject" "*ell?*" { fileinto "Hello"; }
