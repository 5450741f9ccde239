lattice-align-words-lexicon --output-if-empty=true lexA.int ../align/toy.mdl ark:lattices/nofinal.txt ark,t:-
