# :seconds for vacation needs vacation-seconds.
require "vacation";
vacation :seconds 60 "Away.";
