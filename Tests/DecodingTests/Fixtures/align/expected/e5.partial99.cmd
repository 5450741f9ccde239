lattice-align-words --partial-word-label=99 word_boundary.int toy.mdl ark:lattices/e5.txt ark,t:-
