lattice-align-words-lexicon --test=true ../align/real/align_lexicon.int ../tri3/final.mdl ark:../align/real/lat.txt ark,t:-
