/* fuzz: what the fuzz targets share — a scratch directory, the default profile and regions,
 * and the pipeline from an input file to JSON and xlsx. */
#ifndef K2X_FUZZ_H
#define K2X_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "kaigi.h"

/* The entry point each target defines; libFuzzer or replay.c calls it once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to name in a scratch directory of this process (made on the first call, removed
 * at exit; the same name is overwritten on every run). Returns the path, owned by the caller. */
char *fuzz_write_input(const char *name, const uint8_t *data, size_t size);

/* The built-in profile and regions, loaded once: the targets run millions of times. */
const k2x_profile *fuzz_default_profile(void);
const k2x_regions *fuzz_default_regions(void);

/* Converts path with profile, writes the JSON and the xlsx into the scratch directory and
 * removes them. A conversion may fail (most inputs are not reports), but a converted doc that
 * cannot be written is a bug and aborts the process. */
void fuzz_convert(const char *path, const k2x_profile *profile);

#endif
