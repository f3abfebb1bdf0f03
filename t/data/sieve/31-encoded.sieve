require ["encoded-character", "fileinto"];
if header :contains "subject" "${hex:6c 75}nch" { fileinto "Enc${unicode:e9}"; }
if header :contains "subject" "${hex:4}" { fileinto "Never"; }
