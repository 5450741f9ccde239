lattice-align-words-lexicon --partial-word-label=99 lexA.int ../align/toy.mdl ark:lattices/forced.txt ark,t:-
