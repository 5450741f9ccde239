lattice-align-words --test=true word_boundary.int toy.mdl ark:lattices/e1.txt ark,t:-
