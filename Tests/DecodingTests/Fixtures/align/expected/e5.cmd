lattice-align-words word_boundary.int toy.mdl ark:lattices/e5.txt ark,t:-
