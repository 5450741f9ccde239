#!/usr/bin/env perl
# Kaldi's utils/sym2int.pl: maps symbols to integers with a symbol table ("<symbol> <int>"
# lines), in the fields given by -f (default all; "2-" = from the second on, "1-3", "2"),
# other fields unchanged. A symbol not in the table is an error naming it and the line, or,
# with --map-oov <symbol>, is mapped to that symbol's integer (counted on stderr).
# Usage: sym2int.pl [--map-oov <oov>] [-f <fields>] <symtab> [<input>] > output
#  e.g.: utils/sym2int.pl --map-oov "<UNK>" -f 2- data/lang/words.txt data/train/text > text.int
use strict; use warnings;
my ($oov, $fields);
while (@ARGV && $ARGV[0] =~ /^-/) {
  my $o = shift @ARGV;
  if ($o eq "--map-oov") { $oov = shift @ARGV; }
  elsif ($o eq "-f") { $fields = shift @ARGV; }
  else { die "sym2int.pl: unknown option $o\nUsage: sym2int.pl [--map-oov <oov>] [-f <fields>] <symtab> [<input>]\n"; }
}
@ARGV == 1 || @ARGV == 2 or die "Usage: sym2int.pl [--map-oov <oov>] [-f <fields>] <symtab> [<input>]\n";
my ($first, $last) = (1, 1e9);
if (defined $fields) {
  $fields =~ /^(\d+)?(-)?(\d+)?$/ && (defined $1 || defined $3) or die "sym2int.pl: bad field range '$fields'\n";
  $first = $1 // 1;
  $last = defined $2 ? ($3 // 1e9) : $first;
}
my $table = shift @ARGV;
open(my $t, "<", $table) or die "sym2int.pl: cannot open $table: $!\n";
my %id;
while (<$t>) { my @f = split; @f == 2 or die "sym2int.pl: $table: line $. is not \"<symbol> <int>\"\n"; $id{$f[0]} = $f[1]; }
close $t;
my $oov_id;
if (defined $oov) { $oov_id = $id{$oov}; defined $oov_id or die "sym2int.pl: the OOV symbol $oov is not in $table\n"; }
my $mapped = 0;
$_ eq "-" or -r $_ or die "sym2int.pl: cannot open $_: $!\n" for @ARGV;
while (<>) {
  my @f = split;
  for my $i ($first - 1 .. ($last < @f ? $last : scalar @f) - 1) {
    next if $i < 0;
    my $s = $f[$i];
    if (defined $id{$s}) { $f[$i] = $id{$s}; }
    elsif (defined $oov_id) { $f[$i] = $oov_id; $mapped++; }
    else { die "sym2int.pl: line $. of " . ($ARGV eq "-" ? "stdin" : $ARGV) . ": symbol '$s' is not in $table\n"; }
  }
  print join(" ", @f), "\n";
}
print STDERR "sym2int.pl: replaced $mapped instances of out-of-vocabulary symbols with $oov\n" if $mapped;
