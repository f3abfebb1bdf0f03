#!/usr/bin/perl
# power.pl: the states a power cut can leave, after ALICE (OSDI 2014).
#
#	perl power.pl [options] TRACE
#
# TRACE is what `strace -y -x -s 1048576` saw one run of an operation do
# (see t/crash/README and t/crash/power.sh, which records them). From it
# and a copy of each tree as it was before the run (--root), this builds
# a model of the file system: inodes with their bytes, and names in
# directories. It then replays the run's changes under these rules of
# persistence:
#
#   - bytes written to a file (write, pwrite, ftruncate) are on disk once
#     that file is synced (fsync, fdatasync);
#   - a directory entry made or removed (create, link, unlink, mkdir,
#     rmdir) is on disk once its directory is synced; a rename, atomic,
#     once both its directories are (one if they are the same);
#   - sync() and syncfs() make everything so.
#
# A power cut after the first K changes (K = 0..N) leaves what was on
# disk, plus any subset of what was not yet, in any order: each such
# change lost, or made, or for a write, its length made but not its
# bytes (zeros). Every combination is a state; when there are more than
# --max at one K, the all-or-nothing ones, those differing from them in
# one change, and then random ones (--seed) up to --max are taken.
# Each distinct state is materialised in --scratch and judged:
#
#   partial     a file in new/ or cur/ that is not one whole message
#               (msg scan: empty, cut short, or zeros)
#   lost        a message there before the run is in no maildir (but
#               those of --may-go, which the run removes); or,
#               after the run exited 0 (K = N, --rc 0), a message of
#               --want is not in a maildir it names
#   duplicated  a message twice in one maildir
#   unexpected  md-check exits other than 0 or 1, or finds what --repair
#               does not repair (a maildirsize with a broken line is
#               its finding "quota": a recount is due); with --cache,
#               md-index --check exits other than 0 or 1, or md-list
#               prints with the cache what it prints without
#
# Prints one line a violation (the first 20 with their state) and a
# summary: "NAME: P points, C combinations, S states: L lost, D
# duplicated, Q partial, U unexpected". Exits 0 without violations, 1
# with, 2 when the trace cannot be read (a call it does not model, on a
# file under a root, is such a case: better stop than judge wrongly).
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);
use File::Path qw(remove_tree make_path);
use Getopt::Long;

my (%roots, @maildirs, %want, @cache, %may_go);
my ($rc, $bin, $msg, $prefix, $scratch, $name) = (0, '', '', '', '', 'power');
my ($max, $seed, $verbose) = (256, 1, 0);
GetOptions(
	'root=s' => sub { my ($r, $b) = split /=/, $_[1], 2; $roots{$r} = $b },
	'maildir=s' => \@maildirs,
	'want=s' => sub {
		my ($id, $ms) = split /=/, $_[1], 2;
		push @{ $want{$id} }, split /,/, $ms;
	},
	'cache=s' => \@cache,
	'may-go=s' => sub { $may_go{ $_[1] } = 1 },
	'rc=i' => \$rc,
	'bin=s' => \$bin,
	'msg=s' => \$msg,
	'prefix=s' => \$prefix,
	'scratch=s' => \$scratch,
	'name=s' => \$name,
	'max=i' => \$max,
	'seed=i' => \$seed,
	'v' => \$verbose,
	'ops' => \my $list_ops,
) && @ARGV == 1 && %roots && $scratch ne '' && $msg ne '' && $bin ne ''
    or die "usage: power.pl --root R=COPY... --maildir M... --scratch D --msg MSG --bin BIN [--want ID=M,...] [--cache M] [--rc N] TRACE\n";
my $trace = $ARGV[0];
my @rootlist = sort { length($b) <=> length($a) } keys %roots;

sub fail { print STDERR "power.pl: $trace: @_\n"; exit 2 }
# A warning means a trace read wrongly: no judgement on a wrong model.
$SIG{__WARN__} = sub { fail "perl: @_" };

# ---- the model: inodes and names ----

my @ino;     # id -> { type => 'f' | 'd', data => bytes, mode => n, mtime => s }
my %ns;      # path -> inode id: what the program sees as it runs
my %init_ns; # the same before the run
my @init_data;

sub under_root {
	my $p = shift;
	for my $r (@rootlist) {
		return $r if $p eq $r || index($p, "$r/") == 0;
	}
	return undef;
}

sub parent { my $p = shift; $p =~ s{/[^/]*$}{}; $p eq '' ? '/' : $p }

sub newino {
	my ($type, $data, $mode, $mtime) = @_;
	push @ino, { type => $type, data => $data, mode => $mode, mtime => $mtime };
	return $#ino;
}

# The tree as it was, from each root's copy; hard links share an inode.
sub load_root {
	my ($root, $copy) = @_;
	my %seen;
	my @todo = ('');
	while (@todo) {
		my $rel = shift @todo;
		my $src = $copy . $rel;
		my @st = lstat $src or fail "$src: $!";
		my $key = "$st[0]:$st[1]";
		my $mode = $st[2] & 07777;
		if (-d _) {
			$ns{ $root . $rel } = newino('d', '', $mode);
			opendir(my $dh, $src) or fail "$src: $!";
			push @todo, map { "$rel/$_" } sort grep { !/^\.\.?$/ } readdir $dh;
			closedir $dh;
		} elsif (-f _) {
			if (!exists $seen{$key}) {
				open(my $fh, '<:raw', $src) or fail "$src: $!";
				local $/;
				my $d = <$fh> // '';
				close $fh;
				$seen{$key} = newino('f', $d, $mode, $st[9]);
			}
			$ns{ $root . $rel } = $seen{$key};
		}
	}
}
load_root($_, $roots{$_}) for @rootlist;
%init_ns = %ns;
@init_data = map { $_->{data} } @ino;

# ---- reading strace's lines ----

sub unescape {
	my $s = shift;
	$s =~ s/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/
	    my $e = $1;
	    $e =~ m{^x} ? chr(hex(substr($e, 1))) :
	    $e =~ m{^[0-7]} ? chr(oct($e)) :
	    $e eq 'n' ? "\n" : $e eq 't' ? "\t" : $e eq 'r' ? "\r" :
	    $e eq 'v' ? "\x0b" : $e eq 'f' ? "\f" : $e/ges;
	return $s;
}

# The arguments: strings decoded, "FD<path>" as [FD, path].
sub split_args {
	my $s = shift;
	my @args;
	while ($s ne '') {
		$s =~ s/^\s+//;
		if ($s =~ s/^"((?:[^"\\]++|\\.)*+)"(\.\.\.)?//s) {
			fail "a string cut short: record with a larger -s" if $2;
			push @args, { str => unescape($1) };
		} elsif ($s =~ s/^([A-Z_]+|-?\d+)<((?:[^>\\]++|\\.)*+)>//) {
			push @args, { fd => $1, path => unescape($2) };
		} elsif ($s =~ s/^([^,]*)//) {
			push @args, { raw => $1 };
		}
		$s =~ s/^\s*,//;
	}
	return @args;
}

sub norm {
	my $p = shift;
	my @out;
	for my $c (split m{/+}, $p) {
		next if $c eq '' || $c eq '.';
		if ($c eq '..') { pop @out; next }
		push @out, $c;
	}
	return '/' . join('/', @out);
}

my $cwd = '';
# A path from a directory argument and a name.
sub at_path {
	my ($dir, $n) = @_;
	return norm($n) if substr($n, 0, 1) eq '/';
	my $base = defined $dir ? $dir->{path} : $cwd;
	fail "a relative name without a known directory" if $base eq '';
	return norm("$base/$n");
}

my @ops;  # { t => creat|mkdir|link|unlink|rename|write|trunc|sync|syncall, ... }
my %fds;  # fd -> { ino, append, off }

sub entry_op {
	my (%o) = @_;
	my @par = map { $ns{ parent($_) } } grep { defined } @o{qw(path from)};
	my %u;
	$o{parents} = [ grep { defined && !$u{$_}++ } @par ];
	push @ops, \%o;
}

sub apply_write {
	my ($i, $off, $d) = @_;
	my $f = \$ino[$i]{data};
	$$f .= "\0" x ($off - length $$f) if length $$f < $off;
	substr($$f, $off, length $d) = $d;
}

my %join;  # pid -> the start of an unfinished call
open(my $tf, '<', $trace) or fail "$!";
while (my $line = <$tf>) {
	chomp $line;
	next if $line =~ /^\d+\s+\+\+\+|^\d+\s+---/;
	if ($line =~ /^(\d+)\s+(.*) <unfinished \.\.\.>$/) {
		$join{$1} = $2;
		next;
	}
	if ($line =~ /^(\d+)\s+<\.\.\. \w+ resumed>(.*)$/) {
		$line = "$1 " . ($join{$1} // '') . $2;
	}
	my ($call, $args, $ret) = $line =~ /^\d+\s+(\w+)\((.*)\)\s+=\s+(.*)$/s
	    or next;
	$cwd = unescape($1) if $args =~ /^AT_FDCWD<((?:[^>\\]|\\.)*)>/;
	next if $ret =~ /^-1 /; # failed: changed nothing
	my ($rv, $rpath) = $ret =~ /^(-?\d+)(?:<((?:[^>\\]|\\.)*)>)?/;
	my @a = split_args($args);
	my $fdino = sub {
		my $f = $fds{ $_[0]{fd} // '' };
		return $f;
	};
	if ($call =~ /^(open|openat|creat)$/) {
		my ($dir, $n, $fl, $mode) = $call eq 'openat' ? @a : (undef, @a);
		($fl, $mode) = ({ raw => 'O_CREAT|O_WRONLY|O_TRUNC' }, $fl)
		    if $call eq 'creat';
		my $p = at_path($dir && $dir->{fd} ? $dir : undef, $n->{str});
		delete $fds{$rv};
		next unless under_root($p);
		my $flags = $fl->{raw};
		if (!exists $ns{$p}) {
			next unless $flags =~ /O_CREAT/;
			my $m = defined $mode ? oct($mode->{raw}) & ~022 : 0600;
			$ns{$p} = newino('f', '', $m);
			entry_op(t => 'creat', path => $p, ino => $ns{$p});
		} elsif ($flags =~ /O_TRUNC/ && $ino[ $ns{$p} ]{data} ne '') {
			push @ops, { t => 'trunc', ino => $ns{$p}, len => 0 };
			$ino[ $ns{$p} ]{data} = '';
		}
		$fds{$rv} = { ino => $ns{$p}, append => ($flags =~ /O_APPEND/ ? 1 : 0),
			off => 0 };
	} elsif ($call eq 'close') {
		delete $fds{ $a[0]{fd} // '' };
	} elsif ($call =~ /^(dup|dup2|dup3|fcntl)$/) {
		fail "$call of a file under a root" if $fdino->($a[0])
		    && $call ne 'fcntl';
	} elsif ($call eq 'lseek') {
		my $f = $fdino->($a[0]) or next;
		$f->{off} = $rv;
	} elsif ($call =~ /^(write|pwrite64)$/) {
		my $f = $fdino->($a[0]) or next;
		my $d = substr($a[1]{str}, 0, $rv);
		my $off = $call eq 'pwrite64' ? $a[3]{raw} + 0 :
		    $f->{append} ? length $ino[ $f->{ino} ]{data} : $f->{off};
		push @ops, { t => 'write', ino => $f->{ino}, off => $off, data => $d };
		apply_write($f->{ino}, $off, $d);
		$f->{off} = $off + $rv unless $call eq 'pwrite64';
	} elsif ($call eq 'ftruncate') {
		my $f = $fdino->($a[0]) or next;
		my $len = $a[1]{raw} + 0;
		push @ops, { t => 'trunc', ino => $f->{ino}, len => $len };
		my $dref = \$ino[ $f->{ino} ]{data};
		$$dref = length $$dref > $len ? substr($$dref, 0, $len) :
		    $$dref . "\0" x ($len - length $$dref);
	} elsif ($call =~ /^(fsync|fdatasync)$/) {
		my $f = $fdino->($a[0]) or next;
		push @ops, { t => 'sync', ino => $f->{ino} };
	} elsif ($call =~ /^(sync|syncfs)$/) {
		push @ops, { t => 'syncall' };
	} elsif ($call =~ /^(link|linkat)$/) {
		my ($from, $to) = $call eq 'link' ?
		    (at_path(undef, $a[0]{str}), at_path(undef, $a[1]{str})) :
		    (at_path($a[0], $a[1]{str}), at_path($a[2], $a[3]{str}));
		next unless under_root($to);
		my $i = $ns{$from};
		fail "link of $from, a file the model does not know" unless defined $i;
		$ns{$to} = $i;
		entry_op(t => 'link', path => $to, ino => $i);
	} elsif ($call =~ /^(rename|renameat|renameat2)$/) {
		my ($from, $to) = $call eq 'rename' ?
		    (at_path(undef, $a[0]{str}), at_path(undef, $a[1]{str})) :
		    (at_path($a[0], $a[1]{str}), at_path($a[2], $a[3]{str}));
		next unless under_root($from) || under_root($to);
		my $i = $ns{$from};
		fail "rename of $from, a file the model does not know" unless defined $i;
		fail "rename of a directory" if $ino[$i]{type} eq 'd';
		entry_op(t => 'rename', from => $from, path => $to, ino => $i);
		delete $ns{$from};
		$ns{$to} = $i;
	} elsif ($call =~ /^(unlink|unlinkat|rmdir)$/) {
		my $p = $call eq 'unlinkat' ? at_path($a[0], $a[1]{str}) :
		    at_path(undef, $a[0]{str});
		next unless under_root($p);
		my $i = $ns{$p};
		next unless defined $i;
		entry_op(t => 'unlink', path => $p, ino => $i);
		delete $ns{$p};
	} elsif ($call =~ /^(mkdir|mkdirat)$/) {
		my ($p, $m) = $call eq 'mkdirat' ?
		    (at_path($a[0], $a[1]{str}), $a[2]) : (at_path(undef, $a[0]{str}), $a[1]);
		next unless under_root($p);
		$ns{$p} = newino('d', '', oct($m->{raw}) & ~022);
		entry_op(t => 'mkdir', path => $p, ino => $ns{$p});
	} elsif ($call =~ /^(writev|pwritev|pwritev2|copy_file_range|sendfile|fallocate|truncate|symlink|symlinkat|renameat2x)$/) {
		fail "$call is not modelled" if grep { $_->{fd} && $fds{ $_->{fd} } } @a;
	}
}
close $tf;
my $N = @ops;

# --ops: the changes as the model sees them, one a line.
if ($list_ops) {
	for my $o (@ops) {
		my $what = $o->{t} =~ /^(write|trunc|sync)$/ ?
		    "inode $o->{ino}" . (defined $o->{off} ? " at $o->{off}, " . length($o->{data}) . " bytes" : "") :
		    $o->{t} eq "rename" ? "$o->{from} -> $o->{path}" : $o->{path} // "";
		print "$o->{t} $what\n";
	}
	exit 0;
}

# ---- which changes are on disk after the first K ----

# For each K: the changes still at the cache's mercy, in order.
sub pending_at {
	my $k = shift;
	my (%waiting, @pend);  # op index -> parents still to sync
	for my $j (0 .. $k - 1) {
		my $o = $ops[$j];
		if ($o->{t} eq 'sync' && $ino[ $o->{ino} ]{type} eq 'f') {
			@pend = grep { !($ops[$_]{t} =~ /^(write|trunc)$/
			    && $ops[$_]{ino} == $o->{ino}) } @pend;
		} elsif ($o->{t} eq 'sync') {
			for my $p (@pend) {
				next unless $waiting{$p};
				$waiting{$p} = [ grep { $_ != $o->{ino} } @{ $waiting{$p} } ];
			}
			@pend = grep { !$waiting{$_} || @{ $waiting{$_} } } @pend;
		} elsif ($o->{t} eq 'syncall') {
			@pend = ();
		} else {
			push @pend, $j;
			$waiting{$j} = [ @{ $o->{parents} } ] if $o->{parents};
		}
	}
	return @pend;
}

# The state: the first K changes, those in PEND made as CHOICE says
# (0 lost, 1 made, 2 length without bytes).
sub state_at {
	my ($k, $pend, $choice) = @_;
	my %c;
	@c{@$pend} = @$choice;
	my %s = %init_ns;
	my @data = @init_data;
	push @data, ('') x (@ino - @data);
	for my $j (0 .. $k - 1) {
		my $o = $ops[$j];
		my $how = exists $c{$j} ? $c{$j} : 1;
		next if $how == 0 || $o->{t} =~ /sync/;
		my $t = $o->{t};
		if ($t eq 'write' && $how == 2) {
			my $end = $o->{off} + length $o->{data};
			$data[ $o->{ino} ] .= "\0" x ($end - length $data[ $o->{ino} ])
			    if length $data[ $o->{ino} ] < $end;
		} elsif ($t eq 'write') {
			my $f = \$data[ $o->{ino} ];
			$$f .= "\0" x ($o->{off} - length $$f) if length $$f < $o->{off};
			substr($$f, $o->{off}, length $o->{data}) = $o->{data};
		} elsif ($t eq 'trunc') {
			my $f = \$data[ $o->{ino} ];
			$$f = length $$f > $o->{len} ? substr($$f, 0, $o->{len}) :
			    $$f . "\0" x ($o->{len} - length $$f);
		} elsif ($t =~ /^(creat|link|mkdir)$/) {
			$s{ $o->{path} } = $o->{ino};
		} elsif ($t eq 'unlink') {
			delete $s{ $o->{path} }
			    if defined $s{ $o->{path} } && $s{ $o->{path} } == $o->{ino};
		} elsif ($t eq 'rename') {
			delete $s{ $o->{from} }
			    if defined $s{ $o->{from} } && $s{ $o->{from} } == $o->{ino};
			$s{ $o->{path} } = $o->{ino};
		}
	}
	# A name whose directory is not there cannot be reached.
	for my $p (sort { length($a) <=> length($b) } keys %s) {
		next if under_root($p) eq $p;
		delete $s{$p} unless exists $s{ parent($p) };
	}
	return (\%s, \@data);
}

sub fingerprint {
	my ($s, $data) = @_;
	my (%first, @parts);
	for my $p (sort keys %$s) {
		my $i = $s->{$p};
		$first{$i} //= $p;
		push @parts, "$p\0$first{$i}\0" .
		    ($ino[$i]{type} eq 'd' ? 'd' : md5_hex($data->[$i]));
	}
	return md5_hex(join "\n", @parts);
}

# ---- on disk, and judged ----

my @roots_sorted = sort keys %roots;
my %rootdir = map { $roots_sorted[$_] => "$scratch/r$_" } 0 .. $#roots_sorted;
sub mapped {
	my $p = shift;
	my $r = under_root($p) // return undef;
	return $rootdir{$r} . substr($p, length $r);
}

sub materialise {
	my ($s, $data) = @_;
	remove_tree($scratch, { keep_root => 1 });
	make_path($scratch);
	my %made;
	for my $p (sort { length($a) <=> length($b) || $a cmp $b } keys %$s) {
		my $i = $s->{$p};
		my $to = mapped($p);
		if ($ino[$i]{type} eq 'd') {
			mkdir $to or fail "mkdir $to: $!";
		} elsif ($made{$i}) {
			link $made{$i}, $to or fail "link $to: $!";
		} else {
			open(my $fh, '>:raw', $to) or fail "$to: $!";
			print $fh $data->[$i];
			close $fh or fail "$to: $!";
			# A file that was there keeps its mtime: a message without
			# Date: is dated by it, in the cache and in its file alike.
			utime $ino[$i]{mtime}, $ino[$i]{mtime}, $to
			    if defined $ino[$i]{mtime};
			$made{$i} = $to;
		}
		chmod $ino[$i]{mode}, $to;
	}
}

sub run_out {
	my @cmd = @_;
	my $pid = open(my $ph, "-|") // fail "fork: $!";
	if (!$pid) { # the child: its stdout is $ph
		open(STDERR, ">", "$scratch.err");
		exec(@cmd) or exit 127;
	}
	local $/;
	my $out = <$ph> // '';
	close $ph;
	return ($? >> 8 | ($? & 127 ? 128 : 0), $out);
}

my %v = (lost => 0, duplicated => 0, partial => 0, unexpected => 0);
my $shown = 0;
my %init_ids;

sub scan_ids {
	my ($base) = @_;
	my @dirs;
	for my $m (@maildirs) {
		my $mm = $base->($m);
		push @dirs, grep { -d } "$mm/new", "$mm/cur";
	}
	return () unless @dirs;
	my ($st, $out) = run_out($msg, 'scan', '-p', $prefix, @dirs);
	fail "msg scan exit $st" if $st != 0;
	return map { [ split /\t/, $_, 2 ] } split /\n/, $out;
}

# What maildir a scanned path is in.
sub maildir_of {
	my ($path, $base) = @_;
	for my $m (@maildirs) {
		my $mm = $base->($m);
		return $m if index($path, "$mm/new/") == 0 || index($path, "$mm/cur/") == 0;
	}
	return '?';
}

{
	my $ident = sub { $_[0] };
	for my $r (scan_ids(sub { $roots{ under_root($_[0]) } . substr($_[0], length under_root($_[0])) })) {
		$init_ids{ $r->[0] } = 1 if $r->[0] ne 'partial';
	}
	delete $init_ids{partial};
}

# What the last program run said on stderr, on one line.
sub errtext {
	open(my $fh, "<", "$scratch.err") or return ();
	local $/;
	my $t = <$fh> // "";
	close $fh;
	$t =~ s/\n/ /g;
	return $t eq "" ? () : ($t);
}

sub violation {
	my ($kind, $where, $what) = @_;
	$v{$kind}++;
	return if $shown++ >= 20 && !$verbose;
	print "$name: $kind: $where: $what\n";
}

sub judge {
	my ($k, $where) = @_;
	my @found = scan_ids(\&mapped);
	my (%in, %count);
	for my $f (@found) {
		my ($id, $path) = @$f;
		if ($id eq 'partial') {
			violation('partial', $where, "$path is not a whole message");
			next;
		}
		my $m = maildir_of($path, \&mapped);
		$in{$id}{$m} = 1;
		violation('duplicated', $where, "$id twice in $m")
		    if ++$count{"$id\0$m"} == 2;
	}
	for my $id (sort grep { !$may_go{$_} } keys %init_ids) {
		violation('lost', $where, "$id, there before, is in no maildir")
		    unless $in{$id};
	}
	if ($k == $N && $rc == 0) {
		for my $id (sort keys %want) {
			for my $m (@{ $want{$id} }) {
				violation('lost', $where, "$id, delivered (exit 0), is not in $m")
				    unless $in{$id}{$m};
			}
		}
	}
	# A directory with none of tmp/, new/, cur/ is no maildir yet (one
	# being made): it holds no mail, and md-check would say so.
	my @ms = grep { my $m = $_; grep { -d "$m/$_" } qw(tmp new cur) }
	    map { mapped($_) } @maildirs;
	my ($st, $out) = @ms ? run_out("$bin/md-check", @ms) : (0, "");
	my @bad = grep { !/^(missing|mode|misplaced|flags|duplicate|quota|cache)\t/ } split /\n/, $out;
	violation('unexpected', $where, "md-check exit $st: " . join(' | ', @bad, errtext()))
	    if ($st != 0 && $st != 1) || @bad;
	for my $c (@cache) {
		my $cm = mapped($c);
		next unless -d $cm;
		($st) = run_out("$bin/md-index", '--check', $cm);
		violation('unexpected', $where, "md-index --check $c: exit $st")
		    if $st != 0 && $st != 1;
		my $fmt = '%b\t%X\t%z\t%s\t%f\t%d\t%i';
		my ($s1, $with) = run_out("$bin/md-list", '--format', $fmt, $cm);
		my ($s2, $without) = run_out("$bin/md-list", '--no-cache', '--format', $fmt, $cm);
		violation('unexpected', $where, "md-list with the cache: exit $s1, differs from without")
		    if $s1 != 0 || $with ne $without;
	}
}

# ---- every point, every subset ----

srand($seed);
my ($combos, $states, %judged) = (0, 0);
for my $k (0 .. $N) {
	my @pend = pending_at($k);
	my @radix = map { $ops[$_]{t} eq 'write' ? 3 : 2 } @pend;
	my $total = 1;
	for (@radix) { $total *= $_; last if $total > $max }
	my @choices;
	if ($total <= $max) {
		for my $n (0 .. $total - 1) {
			my @c;
			for my $r (@radix) { push @c, $n % $r; $n = int($n / $r) }
			push @choices, \@c;
		}
	} else {
		my @all = map { 1 } @radix;
		my @none = map { 0 } @radix;
		push @choices, \@all, \@none;
		for my $x (0 .. $#radix) {
			for my $base (\@all, \@none) {
				for my $val (1 .. $radix[$x] - 1, 0) {
					my @c = @$base;
					next if $c[$x] == $val;
					$c[$x] = $val;
					push @choices, \@c;
				}
			}
		}
		while (@choices < $max) {
			push @choices, [ map { int rand $_ } @radix ];
		}
	}
	for my $c (@choices) {
		$combos++;
		my ($s, $data) = state_at($k, \@pend, $c);
		my $fp = fingerprint($s, $data) . ($k == $N ? ' end' : '');
		next if $judged{$fp}++;
		$states++;
		materialise($s, $data);
		my $desc = join ',', map { "$ops[$pend[$_]]{t}" . ($c->[$_] == 0 ? '-lost' : $c->[$_] == 2 ? '-zeros' : '') } 0 .. $#pend;
		judge($k, "after $k of $N changes ($desc)");
	}
}
remove_tree($scratch, { keep_root => 1 });
unlink "$scratch.err";
my $bad = $v{lost} + $v{duplicated} + $v{partial} + $v{unexpected};
printf "%s: %d changes, %d points, %d combinations, %d states: %d lost, %d duplicated, %d partial, %d unexpected\n",
    $name, $N, $N + 1, $combos, $states, @v{qw(lost duplicated partial unexpected)};
exit($bad ? 1 : 0);
