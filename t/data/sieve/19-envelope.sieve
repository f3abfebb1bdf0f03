require ["fileinto", "envelope"];
if envelope :domain :is "from" "lists.debian.org" { fileinto "EnvList"; }
if envelope :localpart :is "to" "alice" { fileinto "ToAlice"; }
