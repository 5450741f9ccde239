lattice-align-words-lexicon --test=true lexB.int ../align/toy.mdl ark:lattices/twoprons.txt ark,t:-
