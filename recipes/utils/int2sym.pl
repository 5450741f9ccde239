#!/usr/bin/env perl
# Kaldi's utils/int2sym.pl interface: int2sym.pl [-f <fields>] <symtab> < in > out
# Replaces integer ids by symbols in the given fields (e.g. -f 2- for transcripts).
use strict; use warnings;
my $fields = "1-";
if (@ARGV > 1 && $ARGV[0] eq "-f") { shift @ARGV; $fields = shift @ARGV; }
@ARGV == 1 or die "Usage: int2sym.pl [-f <field-range>] <symbol-table> < input > output\n";
my ($lo, $hi) = $fields =~ /^(\d+)(?:-(\d*))?$/ ? ($1, defined $2 ? ($2 eq "" ? 1e9 : $2) : $1) : die "Bad field range '$fields'\n";
open(my $st, "<", $ARGV[0]) or die "Cannot open symbol table $ARGV[0]: $!\n";
my %sym;
while (<$st>) { my @p = split; next unless @p == 2; $sym{$p[1]} = $p[0]; }
while (<STDIN>) {
  my @t = split;
  for my $i (0 .. $#t) {
    next unless $i + 1 >= $lo && $i + 1 <= $hi;
    defined $sym{$t[$i]} or die "int2sym.pl: no symbol for id $t[$i] (line $.)\n";
    $t[$i] = $sym{$t[$i]};
  }
  print join(" ", @t), "\n";
}
