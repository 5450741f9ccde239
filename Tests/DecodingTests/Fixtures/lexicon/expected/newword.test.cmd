lattice-align-words-lexicon --test=true lexN.int ../align/toy.mdl ark:lattices/newword.txt ark,t:-
