lattice-align-phones toy.mdl ark:lattices/e4.txt ark,t:-
