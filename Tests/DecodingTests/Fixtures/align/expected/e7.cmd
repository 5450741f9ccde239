lattice-align-words word_boundary.int toy.mdl ark:lattices/e7.txt ark,t:-
