/* exec_live.c - planlint reads files with the analyzer library alone, which loads no
 * client library; live mode is the planlint-live program (the same command, linked with
 * libplanlint-live and so libpq), which planlint runs in its place with the same
 * arguments. It is looked for beside planlint (the build tree, a relocated install),
 * then where make install puts it. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef PL_PKGLIBEXECDIR
#define PL_PKGLIBEXECDIR "/usr/local/libexec/planlint"
#endif

/* dir/name into out when it is an executable file. */
static int cli_candidate(char *out, size_t size, const char *dir, size_t dirlen, const char *name)
{
    int n = snprintf(out, size, "%.*s/%s", (int)dirlen, dir, name);

    return n > 0 && (size_t)n < size && access(out, X_OK) == 0;
}

/* Beside this program; libtool's uninstalled programs run from .libs, with the
 * wrapper script one level up. */
static int cli_beside_self(char *out, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    if (n <= 0)
        return 0;
    self[n] = '\0';
    if (!(slash = strrchr(self, '/')))
        return 0;
    if (cli_candidate(out, size, self, (size_t)(slash - self), "planlint-live"))
        return 1;
    return slash - self >= 6 && strncmp(slash - 6, "/.libs", 6) == 0 &&
           cli_candidate(out, size, self, (size_t)(slash - 6 - self), "planlint-live");
}

int cli_exec_live(char **argv)
{
    char path[PATH_MAX];

    if (!cli_beside_self(path, sizeof(path)) &&
        !cli_candidate(path, sizeof(path), PL_PKGLIBEXECDIR, strlen(PL_PKGLIBEXECDIR), "planlint-live")) {
        cli_error("live mode needs %s/planlint-live, which is not installed", PL_PKGLIBEXECDIR);
        return PL_EXIT_INTERNAL;
    }
    fflush(NULL);
    execv(path, argv);
    cli_error("cannot run %s: %s", path, strerror(errno));
    return PL_EXIT_INTERNAL;
}
