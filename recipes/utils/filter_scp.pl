#!/usr/bin/env perl
# Kaldi's utils/filter_scp.pl: prints the lines of <in> (default stdin) whose key, field N
# (-f N, default 1; negative counts from the end), is the first field of a line of <id-list>
# (with --exclude: is not), keeping <in>'s order. Files with several lines per key work too.
# Usage: filter_scp.pl [--exclude] [-f N] <id-list> [<in>]
#  e.g.: utils/filter_scp.pl data/dev/utt2spk data/all/feats.scp > data/dev/feats.scp
use strict; use warnings;
my ($exclude, $field) = (0, 1);
while (@ARGV && $ARGV[0] =~ /^-/) {
  my $o = shift @ARGV;
  if ($o eq "--exclude") { $exclude = 1; }
  elsif ($o eq "-f") { $field = shift @ARGV; defined $field && $field =~ /^-?[1-9][0-9]*$/ or die "filter_scp.pl: -f needs a non-zero field number\n"; }
  else { die "filter_scp.pl: unknown option $o\nUsage: filter_scp.pl [--exclude] [-f N] <id-list> [<in>]\n"; }
}
@ARGV == 1 || @ARGV == 2 or die "Usage: filter_scp.pl [--exclude] [-f N] <id-list> [<in>]\n";
my $list = shift @ARGV;
open(my $l, "<", $list) or die "filter_scp.pl: cannot open $list: $!\n";
my %seen;
while (<$l>) { my @f = split; $seen{$f[0]} = 1 if @f; }
close $l;
$_ eq "-" or -r $_ or die "filter_scp.pl: cannot open $_: $!\n" for @ARGV;
while (<>) {
  my @f = split;
  my $key = $field > 0 ? $f[$field - 1] : $f[$field];
  defined $key or die "filter_scp.pl: line $. of " . ($ARGV eq "-" ? "stdin" : $ARGV) . " has no field $field: $_";
  print if ($seen{$key} ? 1 : 0) != $exclude;
}
