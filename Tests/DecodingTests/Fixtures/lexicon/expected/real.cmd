lattice-align-words-lexicon ../align/real/align_lexicon.int ../tri3/final.mdl ark:../align/real/lat.txt ark,t:-
