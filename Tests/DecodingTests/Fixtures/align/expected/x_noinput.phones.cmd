lattice-align-phones toy.mdl ark:/dev/null ark,t:-
