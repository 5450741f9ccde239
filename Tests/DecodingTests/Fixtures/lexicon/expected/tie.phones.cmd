lattice-align-phones ../align/toy.mdl ark:lattices/tie.txt ark,t:-
