lattice-copy ark:lattices/e1.txt ark,t:-
