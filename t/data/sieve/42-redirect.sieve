require ["copy"];
redirect "bob@example.org";
redirect :copy "carol@example.org";
redirect "BOB@example.org";
