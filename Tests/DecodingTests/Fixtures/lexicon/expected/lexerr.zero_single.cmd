lattice-align-words-lexicon lexzero_single.int ../align/toy.mdl ark:lattices/zero_single.txt ark,t:-
