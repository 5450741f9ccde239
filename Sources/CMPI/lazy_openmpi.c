// See CMPI.h: the few MPI calls of data-parallel training, resolved with dlopen/dlsym.
#include "CMPI.h"

#include <CLibraryLoader.h>
#include <dlfcn.h>
#include <stdio.h>

typedef void *handle;  // Open MPI's MPI_Comm, MPI_Datatype and MPI_Op are pointers
typedef int (*init_fn)(int *, char ***);
typedef int (*comm_query_fn)(handle, int *);
typedef int (*allreduce_fn)(const void *, void *, int, handle, handle, handle);
typedef int (*finalize_fn)(void);
typedef int (*abort_fn)(handle, int);

static struct {
  init_fn init;
  comm_query_fn rank, size;
  allreduce_fn allreduce;
  finalize_fn finalize;
  abort_fn abort;
  handle world, doubles, floats, sum, min, max;
} mpi;
static char error[512];

// Open MPI's MPI_IN_PLACE.
#define IN_PLACE ((void *)1)

const char *ksnn_mpi_error(void) { return error; }

// The first missing symbol's message is kept (MPI errors reach Swift, which aborts every rank).
static void *symbol(void *library, const char *name, int *missing) {
  void *p = ksnn_try_library_symbol(library, "libmpi", name, *missing ? NULL : error, *missing ? 0 : sizeof error);
  if (!p) *missing = 1;
  return p;
}

int ksnn_mpi_init(void) {
  // RTLD_GLOBAL: Open MPI's own plugins, loaded later, resolve symbols of libmpi.
  static const char *const names[] = {"libmpi.so.40", "libmpi.so", NULL};
  void *library = ksnn_try_load_library(names, RTLD_GLOBAL, "libopenmpi3", error, sizeof error);
  if (!library) return -1;
  int missing = 0;
  mpi.init = (init_fn)symbol(library, "MPI_Init", &missing);
  mpi.rank = (comm_query_fn)symbol(library, "MPI_Comm_rank", &missing);
  mpi.size = (comm_query_fn)symbol(library, "MPI_Comm_size", &missing);
  mpi.allreduce = (allreduce_fn)symbol(library, "MPI_Allreduce", &missing);
  mpi.finalize = (finalize_fn)symbol(library, "MPI_Finalize", &missing);
  mpi.abort = (abort_fn)symbol(library, "MPI_Abort", &missing);
  mpi.world = symbol(library, "ompi_mpi_comm_world", &missing);
  mpi.doubles = symbol(library, "ompi_mpi_double", &missing);
  mpi.floats = symbol(library, "ompi_mpi_float", &missing);
  mpi.sum = symbol(library, "ompi_mpi_op_sum", &missing);
  mpi.min = symbol(library, "ompi_mpi_op_min", &missing);
  mpi.max = symbol(library, "ompi_mpi_op_max", &missing);
  if (missing) return -1;
  int argc = 0;
  if (mpi.init(&argc, NULL) != 0) {
    snprintf(error, sizeof error, "MPI_Init failed");
    return -1;
  }
  return 0;
}

int ksnn_mpi_rank(void) {
  int r = 0;
  mpi.rank(mpi.world, &r);
  return r;
}

int ksnn_mpi_size(void) {
  int n = 0;
  mpi.size(mpi.world, &n);
  return n;
}

int ksnn_mpi_sum_doubles(double *values, int count) { return mpi.allreduce(IN_PLACE, values, count, mpi.doubles, mpi.sum, mpi.world); }
int ksnn_mpi_sum_floats(float *values, int count) { return mpi.allreduce(IN_PLACE, values, count, mpi.floats, mpi.sum, mpi.world); }
int ksnn_mpi_min_floats(float *values, int count) { return mpi.allreduce(IN_PLACE, values, count, mpi.floats, mpi.min, mpi.world); }
int ksnn_mpi_max_floats(float *values, int count) { return mpi.allreduce(IN_PLACE, values, count, mpi.floats, mpi.max, mpi.world); }

void ksnn_mpi_finalize(void) { mpi.finalize(); }

void ksnn_mpi_abort(int status) { mpi.abort(mpi.world, status); }
