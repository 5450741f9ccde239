lattice-align-words-lexicon lexA.int ../align/toy.mdl ark:lattices/tie_near.txt ark,t:-
