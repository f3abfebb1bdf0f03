require "fileinto";
if allof (header :contains "from" "bob", anyof (false, header :contains "to" "alice")) { fileinto "Both"; }
if anyof (false, false) { discard; }
