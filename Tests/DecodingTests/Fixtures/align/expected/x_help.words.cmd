lattice-align-words --help
