lattice-align-words-lexicon lexzero_empty.int ../align/toy.mdl ark:lattices/basic.txt ark,t:-
