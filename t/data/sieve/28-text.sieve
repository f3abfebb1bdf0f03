require "fileinto";
if header :contains "subject" text:
lunch
.
{ fileinto "Text"; }
