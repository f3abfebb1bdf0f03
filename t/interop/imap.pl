#!/usr/bin/perl
# imap.pl PORT USER PASSWORD <COMMANDS: a tiny IMAP client for the
# interop tests (perl's own modules, nothing to install). Logs in on
# 127.0.0.1:PORT, sends each line of standard input as one tagged
# command, and prints every line the server sends back, CRLF made LF.
# A command ending in {@FILE} sends FILE's bytes as its literal (for
# APPEND). With IMAP_SAVE=PREFIX, each literal the server sends is also
# written to PREFIX.1, PREFIX.2, ... in order. Exits 1 when a command's tagged answer is not OK, after
# LOGOUT; 2 when the server cannot be reached.
use strict;
use warnings;
use IO::Socket::INET;

my ($port, $user, $pass) = @ARGV;
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
    Proto => 'tcp', Timeout => 30) or die "imap.pl: connect: $!\n";
binmode $s;
my $n = 0;
my $bad = 0;
my $saved = 0;

sub line {
	my $l = <$s>;
	defined $l or die "imap.pl: connection closed\n";
	(my $p = $l) =~ s/\r\n\z/\n/;
	print $p;
	# A literal announced by the server ({N} at the end): its bytes.
	if ($l =~ /\{(\d+)\}\r\n\z/) {
		my $want = $1;
		my $buf = '';
		while (length $buf < $want) {
			my $got = read($s, $buf, $want - length $buf, length $buf);
			die "imap.pl: short literal\n" unless $got;
		}
		print $buf;
		if (defined $ENV{IMAP_SAVE}) {
			my $name = $ENV{IMAP_SAVE} . '.' . ++$saved;
			open my $f, '>:raw', $name or die "imap.pl: $name: $!\n";
			print $f $buf;
			close $f or die "imap.pl: $name: $!\n";
		}
		line();    # the rest of the response
	}
	return $l;
}

sub cmd {
	my ($c) = @_;
	my $tag = 'a' . ++$n;
	my $lit;
	if ($c =~ s/\{\@(.+)\}\z//) {
		open my $f, '<:raw', $1 or die "imap.pl: $1: $!\n";
		local $/;
		$lit = <$f>;
		$c .= '{' . length($lit) . '}';
	}
	print $s "$tag $c\r\n";
	while (1) {
		my $l = line();
		if (defined $lit && $l =~ /^\+/) {
			print $s $lit, "\r\n";
			undef $lit;
			next;
		}
		if ($l =~ /^\Q$tag\E (\S+)/) {
			$bad = 1 if $1 ne 'OK';
			return;
		}
	}
}

line();
cmd("LOGIN $user $pass");
while (my $c = <STDIN>) {
	chomp $c;
	next if $c eq '';
	cmd($c);
}
cmd('LOGOUT');
exit $bad;
