lattice-align-words word_boundary.int toy.mdl ark:/dev/null ark,t:-
