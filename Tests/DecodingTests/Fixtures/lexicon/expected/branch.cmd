lattice-align-words-lexicon lexA.int ../align/toy.mdl ark:lattices/branch.txt ark,t:-
