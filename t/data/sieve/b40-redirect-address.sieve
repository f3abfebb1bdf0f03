# Not one address: Pigeonhole refuses it as it compiles.
redirect "bob, carol@example.org";
