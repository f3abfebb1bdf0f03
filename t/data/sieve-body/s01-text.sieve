# :text (the default): text parts decoded, HTML as text
require ["body", "fileinto"];
if body :contains "café" { fileinto "cafe"; }
if body :text :contains "crème brûlée, a very long line that is soft broken" { fileinto "qp-soft"; }
if body :contains "Trailing spaces\n" { fileinto "qp-trailing"; }
if body :contains "= equals and a bad =ZZ escape" { fileinto "qp-bad"; }
if body :contains "日本語" { fileinto "japanese"; }
if body :contains "€100" { fileinto "euro"; }
if body :contains "Grüße" { fileinto "umlaut"; }
if body :contains "会議は明日" { fileinto "iso2022"; }
if body :contains "Bold text here & AT" { fileinto "html-text"; }
if body :contains "hidden" { fileinto "script-seen"; }
if body :contains "secret" { fileinto "comment-seen"; }
if body :contains "color" { fileinto "style-seen"; }
if body :contains "<tag>" { fileinto "entity-lt"; }
if body :contains "été" { fileinto "entity-eacute"; }
if body :contains "€5" { fileinto "entity-num"; }
if body :contains "ABC" { fileinto "entity-hex"; }
if body :contains "ATT" { fileinto "broken-amp"; }
if body :contains ">quoted line" { fileinto "blockquote"; }
if body :contains "Invoice € 42 – due today" { fileinto "cp1252"; }
if body :contains "PDF-1.4" { fileinto "attachment-seen"; }
if body :contains "preamble" { fileinto "preamble-seen"; }
if body :contains "epilogue" { fileinto "epilogue-seen"; }
if body :contains "Inner body naïve" { fileinto "inner-body"; }
if body :contains "Inner subject" { fileinto "inner-header"; }
if body :contains "lost part" { fileinto "noboundary"; }
if body :contains "first half" { fileinto "b64-first"; }
if body :contains "second half" { fileinto "b64-second"; }
if body :contains "unknown encoding" { fileinto "cte-unknown"; }
if body :contains "unknown charset" { fileinto "cs-unknown"; }
if body :contains "été à Paris, naïve façade" { fileinto "latin1"; }
if body :contains "related text" { fileinto "nested-prefix"; }
if body :contains "upper case type" { fileinto "upper-type"; }
if body :contains "> quoted line" { fileinto "blockquote-space"; }
if body :contains "Bold text  here" { fileinto "tag-spaces"; }
if body :contains "due  today" { fileinto "cp1252-html"; }
