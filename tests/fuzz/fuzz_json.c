/* fuzz_json.c - libFuzzer target: any bytes through the json reader, the rules, every output and the writers. */
#include "fuzz_one.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return pl_fuzz_one(data, size, PLANLINT_INPUT_JSON);
}
