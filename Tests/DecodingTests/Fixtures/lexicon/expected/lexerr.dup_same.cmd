lattice-align-words-lexicon lexdup_same.int ../align/toy.mdl ark:lattices/late.txt ark,t:-
