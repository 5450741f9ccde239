lattice-align-words word_boundary.int toy.mdl ark:lattices/e4.txt ark,t:-
