lattice-align-words-lexicon lexE.int ../align/toy.mdl ark:lattices/emptypron.txt ark,t:-
