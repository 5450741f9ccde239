lattice-align-words-lexicon --test=true --allow-duplicate-paths=true lexB.int ../align/toy.mdl ark:lattices/twoprons.txt ark,t:-
