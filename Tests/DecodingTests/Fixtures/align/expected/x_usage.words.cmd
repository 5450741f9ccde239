lattice-align-words 
