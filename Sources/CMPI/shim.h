// Open MPI's C API. Its handles (MPI_COMM_WORLD, MPI_DOUBLE, MPI_SUM, ...) are macros over
// addresses of library globals, which Swift cannot import: these inline functions name them.
#include <mpi.h>

static inline MPI_Comm ksnn_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype ksnn_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype ksnn_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype ksnn_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Op ksnn_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op ksnn_mpi_min(void) { return MPI_MIN; }
static inline MPI_Op ksnn_mpi_max(void) { return MPI_MAX; }
static inline void *ksnn_mpi_in_place(void) { return MPI_IN_PLACE; }
