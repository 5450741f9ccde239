// libsndfile loaded on first use, as CBLAS.h explains for OpenBLAS: only the tools that read
// audio need it and its seven codec libraries (FLAC, Vorbis, Opus, MP3, ...), which every
// other tool's start mapped and relocated. sndfile.h gives the types and constants; these
// functions call the library's through dlsym.
#ifndef KSNN_CSNDFILE_H
#define KSNN_CSNDFILE_H

#include <sndfile.h>

SNDFILE *ksnn_sf_open_virtual(SF_VIRTUAL_IO *io, int mode, SF_INFO *info, void *user);
const char *ksnn_sf_strerror(SNDFILE *file);
int ksnn_sf_close(SNDFILE *file);
sf_count_t ksnn_sf_readf_short(SNDFILE *file, short *frames, sf_count_t count);
sf_count_t ksnn_sf_readf_float(SNDFILE *file, float *frames, sf_count_t count);

#endif
