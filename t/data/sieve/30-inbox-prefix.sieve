require "fileinto";
fileinto "INBOX.Work.Projects";
