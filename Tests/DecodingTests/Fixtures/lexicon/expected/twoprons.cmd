lattice-align-words-lexicon lexB.int ../align/toy.mdl ark:lattices/twoprons.txt ark,t:-
