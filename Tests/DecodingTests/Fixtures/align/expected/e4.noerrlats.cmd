lattice-align-words --output-error-lats=false word_boundary.int toy.mdl ark:lattices/e4.txt ark,t:-
