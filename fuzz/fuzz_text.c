/* fuzz_text: bytes as pdftotext text → the whole pipeline with the built-in profile. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  g_autofree char *path = fuzz_write_input("input.txt", data, size);
  fuzz_convert(path, fuzz_default_profile());
  return 0;
}
