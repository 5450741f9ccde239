lattice-copy ark:lattices/x_one.txt ark,t:-
