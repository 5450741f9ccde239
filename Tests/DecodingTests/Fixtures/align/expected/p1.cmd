lattice-align-phones --replace-output-symbols=true toy.mdl ark:lattices/e1.txt ark,t:-
