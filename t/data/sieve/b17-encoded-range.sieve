require "encoded-character";
if header :is "a" "${unicode:DFFF}" { keep; }
