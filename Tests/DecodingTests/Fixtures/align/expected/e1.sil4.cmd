lattice-align-words --silence-label=4 word_boundary.int toy.mdl ark:lattices/e1.txt ark,t:-
