lattice-align-words-lexicon --test=true lexA.int ../align/toy.mdl ark:lattices/branch.txt ark,t:-
