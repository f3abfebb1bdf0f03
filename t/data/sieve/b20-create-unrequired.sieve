require "fileinto";
fileinto :create "Made";
