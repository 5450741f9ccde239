lattice-align-words-lexicon lexA.int ../align/toy.mdl ark:lattices/nofinal.txt ark,t:-
