lattice-align-words-lexicon --max-expand=0.001 lexA.int ../align/toy.mdl ark:lattices/maxexpand.txt ark,t:-
