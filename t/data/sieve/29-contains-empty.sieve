require "fileinto";
if header :contains "subject" "" { fileinto "AnySubject"; }
if header :contains "x-none" "" { fileinto "Never"; }
