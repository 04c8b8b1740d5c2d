/* error.h - every library error is built here, so messages share one shape. */
#ifndef PL_ERROR_H
#define PL_ERROR_H

#include "planlint.h"

#if defined(__GNUC__)
#define PL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PL_PRINTF(a, b)
#endif

/* Records the error unless one is already recorded (the first error wins).
 * Returns code, so callers can `return pl_error(...)`. */
int pl_error(planlint_error *err, int code, int line, int column, const char *path,
             const char *fmt, ...) PL_PRINTF(6, 7);

/* Shorthand for out-of-memory. */
int pl_error_nomem(planlint_error *err);

#endif
