# How jobs run (Kaldi's cmd.sh): utils/run.pl on this machine; on a Slurm cluster
# utils/slurm.pl with its options, e.g. "utils/slurm.pl --mem 4G" (utils/slurm/local_cluster.sh
# starts a single-node one). run.sh's --cmd overrides it for one run. (Training runs in the
# recipe's own process, or over MPI with --mpi-ranks.)
export decode_cmd=run.pl
