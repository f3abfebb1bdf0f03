require "fileinto";
if size :over 0 { fileinto "Over0"; }
if size :under 100000 { fileinto "Under100k"; }
if not size :over 1K { fileinto "NotOver1K"; }
