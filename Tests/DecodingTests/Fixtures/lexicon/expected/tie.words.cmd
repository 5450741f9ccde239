lattice-align-words ../align/word_boundary.int ../align/toy.mdl ark:lattices/tie.txt ark,t:-
