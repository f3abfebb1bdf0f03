# vacation's :from must be an address.
require "vacation";
vacation :from "bob" "Away.";
