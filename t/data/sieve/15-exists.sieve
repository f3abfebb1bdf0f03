require "fileinto";
if exists ["X-Priority", "Subject"] { fileinto "Prio"; }
if not exists "X-None" { fileinto "NoNone"; }
