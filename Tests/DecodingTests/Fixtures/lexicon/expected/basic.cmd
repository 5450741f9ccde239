lattice-align-words-lexicon lexA.int ../align/toy.mdl ark:lattices/basic.txt ark,t:-
