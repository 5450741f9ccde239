lattice-align-words expected/x_wb_blankline.int toy.mdl ark:lattices/e1.txt ark,t:-
