// See CSndFile.h: libsndfile's functions resolved with dlopen/dlsym on first use.
#include "CSndFile.h"

#include <CLibraryLoader.h>
#include <dlfcn.h>
#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct {
  SNDFILE *(*open_virtual)(SF_VIRTUAL_IO *, int, SF_INFO *, void *);
  const char *(*strerror)(SNDFILE *);
  int (*close)(SNDFILE *);
  sf_count_t (*readf_short)(SNDFILE *, short *, sf_count_t);
  sf_count_t (*readf_float)(SNDFILE *, float *, sf_count_t);
} sndfile;

static void load(void) {
  static const char *const names[] = {"libsndfile.so.1", "libsndfile.so", NULL};
  void *library = ksnn_load_library(names, RTLD_LOCAL, "libsndfile1");
  *(void **)&sndfile.open_virtual = ksnn_library_symbol(library, "libsndfile", "sf_open_virtual");
  *(void **)&sndfile.strerror = ksnn_library_symbol(library, "libsndfile", "sf_strerror");
  *(void **)&sndfile.close = ksnn_library_symbol(library, "libsndfile", "sf_close");
  *(void **)&sndfile.readf_short = ksnn_library_symbol(library, "libsndfile", "sf_readf_short");
  *(void **)&sndfile.readf_float = ksnn_library_symbol(library, "libsndfile", "sf_readf_float");
}

SNDFILE *ksnn_sf_open_virtual(SF_VIRTUAL_IO *io, int mode, SF_INFO *info, void *user) {
  pthread_once(&once, load);
  return sndfile.open_virtual(io, mode, info, user);
}

const char *ksnn_sf_strerror(SNDFILE *file) {
  pthread_once(&once, load);
  return sndfile.strerror(file);
}

// The functions below take a file ksnn_sf_open_virtual opened, so the library is loaded.
int ksnn_sf_close(SNDFILE *file) { return sndfile.close(file); }

sf_count_t ksnn_sf_readf_short(SNDFILE *file, short *frames, sf_count_t count) {
  return sndfile.readf_short(file, frames, count);
}

sf_count_t ksnn_sf_readf_float(SNDFILE *file, float *frames, sf_count_t count) {
  return sndfile.readf_float(file, frames, count);
}
