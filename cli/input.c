/* input.c - reading a whole input file or standard input into memory. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLI_MAX_INPUT ((size_t)1 << 30)

static char *cli_read_stream(FILE *f, size_t *len, char *why, size_t why_size)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap), *nb;

    if (!buf) {
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (cap - n - 1 == 0) {
            if (cap >= CLI_MAX_INPUT) {
                snprintf(why, why_size, "input larger than %zu bytes", CLI_MAX_INPUT);
                free(buf);
                return NULL;
            }
            if (!(nb = realloc(buf, cap * 2))) {
                snprintf(why, why_size, "out of memory");
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
    }
    if (ferror(f)) {
        snprintf(why, why_size, "%s", strerror(errno ? errno : EIO));
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *cli_read_input(const char *path, size_t *len, char *why, size_t why_size)
{
    FILE *f;
    char *buf;

    if (strcmp(path, "-") == 0)
        return cli_read_stream(stdin, len, why, why_size);
    f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_size, "%s", strerror(errno));
        return NULL;
    }
    buf = cli_read_stream(f, len, why, why_size);
    fclose(f);
    return buf;
}
