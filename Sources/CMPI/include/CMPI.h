// Open MPI loaded when a training process finds itself started by mpirun. Linked into the
// multi-call `ksnn` binary, libmpi and its six companions (open-rte, open-pal, hwloc, libevent,
// ...) were mapped and relocated by every tool at start; only ksnn-am-train under mpirun needs
// them. Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are the addresses of its
// globals (ompi_mpi_comm_world, ...), found with dlsym like the functions.
#ifndef KSNN_CMPI_H
#define KSNN_CMPI_H

/// Loads libmpi and calls MPI_Init. Returns 0, or -1 with the reason in `ksnn_mpi_error()`.
int ksnn_mpi_init(void);

/// Why `ksnn_mpi_init` failed.
const char *ksnn_mpi_error(void);

/// This process's rank and the number of ranks in MPI_COMM_WORLD.
int ksnn_mpi_rank(void);
int ksnn_mpi_size(void);

/// In-place MPI_Allreduce over MPI_COMM_WORLD; MPI's status (0 = MPI_SUCCESS).
int ksnn_mpi_sum_doubles(double *values, int count);
int ksnn_mpi_sum_floats(float *values, int count);
int ksnn_mpi_min_floats(float *values, int count);
int ksnn_mpi_max_floats(float *values, int count);

void ksnn_mpi_finalize(void);

/// MPI_Abort over MPI_COMM_WORLD: ends every rank.
void ksnn_mpi_abort(int status);

#endif
