lattice-align-words --reorder=false word_boundary.int toy.mdl ark:lattices/e2.txt ark,t:-
