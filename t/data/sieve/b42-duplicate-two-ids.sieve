# duplicate's :header and :uniqueid exclude each other.
require "duplicate";
if duplicate :header "x" :uniqueid "y" { discard; }
