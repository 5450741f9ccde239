// What the lazily loaded system libraries (CBLAS, CFFTW, CSndFile, CMPI) share: dlopen of a
// library by its sonames, dlsym of its functions, and Kaldi-shaped errors when either fails.
#ifndef KSNN_CLIBRARYLOADER_H
#define KSNN_CLIBRARYLOADER_H

#include <stddef.h>

/// dlopen (RTLD_NOW | flags) of the first of the NULL-terminated `sonames` that loads; NULL
/// with the reason, naming the Debian package that provides it, in `error`.
void *ksnn_try_load_library(const char *const *sonames, int flags, const char *package, char *error, size_t size);

/// ksnn_try_load_library, or one ERROR line on stderr and exit status 255.
void *ksnn_load_library(const char *const *sonames, int flags, const char *package);

/// dlsym of `name` in `library`; NULL with "<library_name> has no symbol <name>" in `error`.
void *ksnn_try_library_symbol(void *library, const char *library_name, const char *name, char *error, size_t size);

/// ksnn_try_library_symbol, or one ERROR line on stderr and exit status 255.
void *ksnn_library_symbol(void *library, const char *library_name, const char *name);

#endif
