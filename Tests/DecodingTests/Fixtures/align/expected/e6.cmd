lattice-align-words word_boundary.int toy.mdl ark:lattices/e6.txt ark,t:-
