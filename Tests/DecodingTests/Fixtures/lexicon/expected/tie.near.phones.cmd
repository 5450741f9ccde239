lattice-align-phones ../align/toy.mdl ark:lattices/tie_near.txt ark,t:-
