lattice-align-words-lexicon ../align/real/align_lexicon.int ../tri3/final.mdl ark:lattices/real_1best.txt ark,t:-
