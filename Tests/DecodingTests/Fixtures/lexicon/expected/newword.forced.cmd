lattice-align-words-lexicon lexN.int ../align/toy.mdl ark:lattices/newword_forced.txt ark,t:-
