#!/usr/bin/env perl
# Kaldi's utils/utt2spk_to_spk2utt.pl: utt2spk on stdin (or a file), spk2utt on stdout,
# speakers in order of first appearance.
use strict; use warnings;
$_ eq "-" or -r $_ or die "utt2spk_to_spk2utt.pl: cannot open $_: $!\n" for @ARGV;
my (%utts, @order);
while (<>) {
  my @f = split; next unless @f;
  @f == 2 or die "utt2spk_to_spk2utt.pl: bad line: $_";
  push @order, $f[1] unless exists $utts{$f[1]};
  push @{$utts{$f[1]}}, $f[0];
}
print "$_ ", join(" ", @{$utts{$_}}), "\n" for @order;
