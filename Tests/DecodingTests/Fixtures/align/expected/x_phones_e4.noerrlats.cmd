lattice-align-phones --output-error-lats=false toy.mdl ark:lattices/e4.txt ark,t:-
