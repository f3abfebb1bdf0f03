require ["fileinto", "body"];
if header :contains "subject" "café" { fileinto "subj-cafe"; }
if header :contains "subject" "日本語" { fileinto "subj-jp"; }
if header :contains "subject" "été à Paris" { fileinto "subj-utf8b"; }
if header :is "subject" "plain" { fileinto "subj-plain"; }
if anyof (body :contains "Hello", header :contains "subject" "alt") { fileinto "anyof"; }
