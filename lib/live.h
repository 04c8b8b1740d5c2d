/* live.h - the connection behind planlint_conn, shared by conn.c and live.c. */
#ifndef PL_LIVE_H
#define PL_LIVE_H

#include "planlint.h"

#include <libpq-fe.h>

#define PL_MAX_SECRETS 3

struct planlint_conn {
    PGconn *pg;
    char *secrets[PL_MAX_SECRETS]; /* strings no message may show: passwords, the DSN */
};

/* Records a database error from msg (first line only), with every secret of conn (or
 * of the secrets list, when conn is NULL) masked. Returns PLANLINT_EDATABASE. */
int pl_db_error(planlint_error *err, char *const *secrets, const char *what, const char *msg);

#endif
