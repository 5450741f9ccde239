lattice-align-words-lexicon lexA.int toy.mdl
