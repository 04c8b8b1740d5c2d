/* input.c - reading a whole input file or standard input into memory. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CLI_MAX_INPUT ((size_t)1 << 30)

/* A regular file is read into a buffer of its size (plus the NUL and one byte to see
 * the end), so a big plan is not held in twice the room it needs. */
static size_t cli_first_capacity(FILE *f)
{
    struct stat st;

    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (unsigned long long)st.st_size < CLI_MAX_INPUT)
        return (size_t)st.st_size + 2;
    return 1 << 16;
}

static char *cli_read_stream(FILE *f, size_t *len, char *why, size_t why_size)
{
    size_t cap = cli_first_capacity(f), n = 0;
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

const char *cli_input_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
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

int cli_load_file(const char *path, char **buf, size_t *len)
{
    char why[256];

    if ((*buf = cli_read_input(path, len, why, sizeof(why))) != NULL)
        return 0;
    cli_error("%s: %s", cli_input_name(path), why);
    return strcmp(why, "out of memory") == 0 ? PL_EXIT_INTERNAL : PL_EXIT_USAGE;
}
