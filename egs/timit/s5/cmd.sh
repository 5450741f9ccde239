# How jobs run (Kaldi's cmd.sh): utils/run.pl on this machine; on a Slurm cluster
# utils/slurm.pl with its options, e.g. "utils/slurm.pl --mem 4G" (utils/slurm/local_cluster.sh
# starts a single-node one). train_cmd: features, alignment and each model's training (over
# MPI inside its job with --mpi-ranks); decode_cmd: forward passes, lattices and scoring.
# run.sh's --cmd sets both for one run.
export train_cmd=run.pl
export decode_cmd=run.pl
