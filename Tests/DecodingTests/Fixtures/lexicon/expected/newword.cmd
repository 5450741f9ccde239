lattice-align-words-lexicon lexN.int ../align/toy.mdl ark:lattices/newword.txt ark,t:-
