require ["fileinto", "mailbox"];
fileinto :create "Made";
