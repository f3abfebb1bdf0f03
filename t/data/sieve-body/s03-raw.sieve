require ["body", "fileinto"];
if body :raw :contains "Caf=E9" { fileinto "raw-qp"; }
if body :raw :contains "R3LDvA" { fileinto "raw-b64"; }
if body :raw :contains "--outer" { fileinto "raw-boundary"; }
if body :raw :contains "Content-Type" { fileinto "raw-headers"; }
if body :raw :contains "&amp;" { fileinto "raw-entity"; }
if body :raw :contains "From:" { fileinto "raw-from"; }
if body :raw :matches "*" { fileinto "raw-any"; }
if body :raw :is "" { fileinto "raw-empty"; }
if body :raw :contains "Hello world,\nthe quarterly" { fileinto "raw-lines"; }
if body :text :is "" { fileinto "text-empty"; }
