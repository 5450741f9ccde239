lattice-align-phones toy.mdl ark:lattices/e1.txt ark,t:-
