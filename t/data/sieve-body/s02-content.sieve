require ["body", "fileinto"];
if body :content "text/html" :contains "Bold" { fileinto "html-raw"; }
if body :content "text/html" :contains "<b>" { fileinto "html-tags"; }
if body :content "text/html" :contains "&amp;" { fileinto "html-entity"; }
if body :content "text/plain" :contains "plain" { fileinto "plain"; }
if body :content "text" :contains "Invoice" { fileinto "text-any"; }
if body :content "multipart" :contains "preamble" { fileinto "mp-preamble"; }
if body :content "multipart" :contains "epilogue" { fileinto "mp-epilogue"; }
if body :content "multipart/alternative" :contains "inner epilogue" { fileinto "alt-epilogue"; }
if body :content "multipart" :contains "multi-part message" { fileinto "mp-prologue"; }
if body :content "message/rfc822" :contains "Subject: Inner subject" { fileinto "rfc822-header"; }
if body :content "message" :contains "\r\n  folded" { fileinto "rfc822-folded"; }
if body :content "message/rfc822" :contains "Inner body" { fileinto "rfc822-body"; }
if body :content "application/pdf" :contains "Catalog" { fileinto "pdf-decoded"; }
if body :content "application" :contains "PDF" { fileinto "app-any"; }
if body :content "" :contains "lost part" { fileinto "all-noboundary"; }
if body :content ["image", "text/xml"] :contains "xml part" { fileinto "xml"; }
if body :content "TEXT/Plain" :contains "upper case" { fileinto "type-case"; }
if body :content "text/" :contains "e" { fileinto "slash-only"; }
