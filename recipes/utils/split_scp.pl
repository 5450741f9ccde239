#!/usr/bin/env perl
# Kaldi's utils/split_scp.pl interface: split_scp.pl [--utt2spk=<utt2spk>] <in.scp> <out1.scp> ... <outN.scp>
# Splits lines into N contiguous, nearly equal parts; with --utt2spk, never splits a speaker.
use strict; use warnings;
my $utt2spk;
if (@ARGV && $ARGV[0] =~ /^--utt2spk=(.+)$/) { $utt2spk = $1; shift @ARGV; }
@ARGV >= 2 or die "Usage: split_scp.pl [--utt2spk=<utt2spk>] <in.scp> <out1.scp> [<out2.scp> ...]\n";
my $in = shift @ARGV;
my @outs = @ARGV;
open(my $fh, "<", $in) or die "split_scp.pl: cannot open $in: $!\n";
my @lines = <$fh>;
close $fh;
my $n = @outs;
@lines >= $n or die "split_scp.pl: only " . scalar(@lines) . " lines in $in, cannot split into $n parts\n";
my @groups;  # lines grouped so that a group is never split
if (defined $utt2spk) {
  open(my $u, "<", $utt2spk) or die "split_scp.pl: cannot open $utt2spk: $!\n";
  my %spk; while (<$u>) { my @f = split; $spk{$f[0]} = $f[1] if @f >= 2; }
  my $prev = "";
  for my $l (@lines) {
    my ($k) = split(' ', $l);
    defined $spk{$k} or die "split_scp.pl: utterance $k not in $utt2spk\n";
    if (!@groups || $spk{$k} ne $prev) { push @groups, []; }
    push @{$groups[-1]}, $l; $prev = $spk{$k};
  }
  @groups >= $n or die "split_scp.pl: only " . scalar(@groups) . " speakers, cannot split into $n parts\n";
} else {
  @groups = map { [$_] } @lines;
}
my $total = @lines; my ($g, $done) = (0, 0);
for my $j (0 .. $n - 1) {
  my $target = int(($j + 1) * $total / $n);
  open(my $o, ">", $outs[$j]) or die "split_scp.pl: cannot write $outs[$j]: $!\n";
  my $written = 0;
  # Take groups until this part reaches its share, leaving one group for each later part.
  while ($g < @groups - ($n - 1 - $j) && ($written == 0 || $done < $target || $j == $n - 1)) {
    print $o @{$groups[$g]};
    $written += @{$groups[$g]}; $done += @{$groups[$g]}; $g++;
  }
  close $o;
}
