// See CLibraryLoader.h.
#include "CLibraryLoader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

void *ksnn_try_load_library(const char *const *sonames, int flags, const char *package, char *error, size_t size) {
  const char *reason = "no soname given";
  for (const char *const *name = sonames; *name; name++) {
    void *library = dlopen(*name, RTLD_NOW | flags);
    if (library) return library;
    if (name == sonames) reason = dlerror();  // the first (the Debian soname) says the most
  }
  snprintf(error, size, "cannot load %s (apt-get install %s): %s", sonames[0], package, reason);
  return NULL;
}

void *ksnn_load_library(const char *const *sonames, int flags, const char *package) {
  char error[512];
  void *library = ksnn_try_load_library(sonames, flags, package, error, sizeof error);
  if (!library) {
    fprintf(stderr, "ERROR (ksnn) %s\n", error);
    exit(255);
  }
  return library;
}

void *ksnn_try_library_symbol(void *library, const char *library_name, const char *name, char *error, size_t size) {
  void *p = dlsym(library, name);
  if (!p) snprintf(error, size, "%s has no symbol %s", library_name, name);
  return p;
}

void *ksnn_library_symbol(void *library, const char *library_name, const char *name) {
  char error[512];
  void *p = ksnn_try_library_symbol(library, library_name, name, error, sizeof error);
  if (!p) {
    fprintf(stderr, "ERROR (ksnn) %s\n", error);
    exit(255);
  }
  return p;
}
