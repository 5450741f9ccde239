lattice-align-words --reorder=false word_boundary.int toy.mdl ark:lattices/e1.txt ark,t:-
