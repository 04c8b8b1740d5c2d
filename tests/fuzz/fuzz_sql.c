/* fuzz_sql.c - libFuzzer target: any bytes through live mode's statement check, which
 * reads them with libpg_query and walks the tree, under every combination of flags. */
#include "planlint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_error err;
    char *sql = malloc(size + 1);
    int flags;

    if (!sql)
        return 0;
    memcpy(sql, data, size);
    sql[size] = '\0';
    for (flags = 0; flags < 4; flags++) {
        o.allow_writes = flags & 1;
        o.allow_side_effects = (flags >> 1) & 1;
        memset(&err, 0, sizeof(err));
        if (planlint_capture_check(sql, &o, &err) != 0 && err.code == 0)
            abort();   /* a refusal always says why */
    }
    free(sql);
    return 0;
}
