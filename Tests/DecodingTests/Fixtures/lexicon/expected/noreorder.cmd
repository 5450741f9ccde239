lattice-align-words-lexicon --reorder=false lexA.int ../align/toy.mdl ark:lattices/noreorder.txt ark,t:-
