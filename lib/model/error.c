/* error.c - filling the caller's planlint_error, and names for the return codes. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void pl_copy_path(char *dst, size_t size, const char *path)
{
    size_t n;

    if (!path) {
        dst[0] = '\0';
        return;
    }
    n = strlen(path);
    if (n >= size)
        n = size - 1;
    memcpy(dst, path, n);
    dst[n] = '\0';
}

/* Control characters would break the one-line promise of diagnostics. */
static void pl_flatten(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

int pl_error(planlint_error *err, int code, int line, int column, const char *path,
             const char *fmt, ...)
{
    va_list ap;

    if (!err || err->code != 0)
        return code;
    err->code = code;
    err->line = line;
    err->column = column;
    pl_copy_path(err->path, sizeof(err->path), path);
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof(err->text), fmt, ap);
    va_end(ap);
    pl_flatten(err->text);
    return code;
}

int pl_error_nomem(planlint_error *err)
{
    return pl_error(err, PLANLINT_ENOMEM, 0, 0, NULL, "out of memory");
}

const char *planlint_strerror(int code)
{
    switch (code) {
    case PLANLINT_OK: return "PLANLINT_OK";
    case PLANLINT_ENOMEM: return "PLANLINT_ENOMEM";
    case PLANLINT_EINVAL: return "PLANLINT_EINVAL";
    case PLANLINT_EPARSE: return "PLANLINT_EPARSE";
    case PLANLINT_ESCHEMA: return "PLANLINT_ESCHEMA";
    case PLANLINT_ELIMIT: return "PLANLINT_ELIMIT";
    case PLANLINT_EFORMAT: return "PLANLINT_EFORMAT";
    case PLANLINT_EIO: return "PLANLINT_EIO";
    case PLANLINT_EDATABASE: return "PLANLINT_EDATABASE";
    case PLANLINT_EREFUSED: return "PLANLINT_EREFUSED";
    case PLANLINT_ENOPASSWORD: return "PLANLINT_ENOPASSWORD";
    default: return "PLANLINT_EUNKNOWN";
    }
}
