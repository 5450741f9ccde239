lattice-align-words-lexicon lexA.int ../align/toy.mdl ark:lattices/forced.txt ark,t:-
