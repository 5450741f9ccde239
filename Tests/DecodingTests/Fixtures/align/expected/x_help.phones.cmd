lattice-align-phones --help
