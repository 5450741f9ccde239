lattice-align-words-lexicon --max-expand=0.001 --output-if-empty=true lexA.int ../align/toy.mdl ark:lattices/maxexpand.txt ark,t:-
