lattice-align-words-lexicon --output-error-lats=false lexA.int ../align/toy.mdl ark:lattices/forced.txt ark,t:-
