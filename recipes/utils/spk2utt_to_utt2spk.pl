#!/usr/bin/env perl
# Kaldi's utils/spk2utt_to_utt2spk.pl: "<spk> <utt1> <utt2> ..." lines to "<utt> <spk>" lines.
# Usage: spk2utt_to_utt2spk.pl [<spk2utt>] > utt2spk
use strict; use warnings;
$_ eq "-" or -r $_ or die "spk2utt_to_utt2spk.pl: cannot open $_: $!\n" for @ARGV;
while (<>) {
  my ($spk, @utts) = split;
  next unless defined $spk;
  @utts or die "spk2utt_to_utt2spk.pl: speaker $spk without utterances (line $. of $ARGV)\n";
  print "$_ $spk\n" for @utts;
}
