/* fuzz_pdf: bytes as a PDF → the whole pipeline with the built-in profile. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* Named .pdf, so that it is always read as a PDF, never as text. */
  g_autofree char *path = fuzz_write_input("input.pdf", data, size);
  fuzz_convert(path, fuzz_default_profile());
  return 0;
}
