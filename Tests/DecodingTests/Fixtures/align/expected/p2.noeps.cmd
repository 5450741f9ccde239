lattice-align-phones --remove-epsilon=false toy.mdl ark:lattices/e1.txt ark,t:-
