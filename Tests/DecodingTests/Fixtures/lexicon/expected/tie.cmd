lattice-align-words-lexicon lexA.int ../align/toy.mdl ark:lattices/tie.txt ark,t:-
