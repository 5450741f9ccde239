lattice-align-words-lexicon lexA.int ../align/toy.mdl ark:lattices/late.txt ark,t:-
