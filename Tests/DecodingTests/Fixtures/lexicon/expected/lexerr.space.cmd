lattice-align-words-lexicon lexbad_space.int ../align/toy.mdl ark:lattices/basic.txt ark,t:-
