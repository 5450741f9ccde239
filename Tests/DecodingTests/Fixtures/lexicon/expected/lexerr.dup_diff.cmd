lattice-align-words-lexicon lexdup_diff.int ../align/toy.mdl ark:lattices/basic.txt ark,t:-
