/* pager.c - long output on a terminal goes through a pager, as git does: the output is
 * kept in memory, then shown directly when it fits the screen, else piped to
 * $PLANLINT_PAGER, $PAGER or "less -FRX". Never when stdout is not a terminal. */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The pager command, or NULL when there is to be none (an empty variable disables it). */
static const char *cli_pager_command(void)
{
    const char *cmd = getenv("PLANLINT_PAGER");

    if (!cmd)
        cmd = getenv("PAGER");
    if (!cmd)
        cmd = "less -FRX";
    return *cmd && strcmp(cmd, "cat") != 0 ? cmd : NULL;
}

FILE *cli_pager_begin(const cli_settings *s, cli_pager *p)
{
    memset(p, 0, sizeof(*p));
    if (s->no_pager || s->output || !isatty(STDOUT_FILENO) || !cli_pager_command())
        return stdout;
    p->mem = open_memstream(&p->data, &p->len);
    return p->mem ? p->mem : stdout;
}

static size_t cli_lines(const char *s, size_t n)
{
    size_t lines = 0, i;

    for (i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

/* Writes what was kept, through the pager when it is longer than the screen. */
int cli_pager_end(cli_pager *p)
{
    struct winsize ws;
    FILE *pipe = NULL;
    void (*old)(int);
    int failed = 0;

    if (!p->mem)
        return 0;
    if (fclose(p->mem) != 0)
        failed = 1;
    p->mem = NULL;
    if (!failed && (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 ||
                    cli_lines(p->data, p->len) >= ws.ws_row)) {
        fflush(stdout);
        pipe = popen(cli_pager_command(), "w");
    }
    if (pipe) {
        old = signal(SIGPIPE, SIG_IGN);   /* quitting the pager early is no error */
        fwrite(p->data, 1, p->len, pipe);
        pclose(pipe);
        signal(SIGPIPE, old);
    } else if (!failed) {
        fwrite(p->data, 1, p->len, stdout);
    }
    free(p->data);
    p->data = NULL;
    return failed ? -1 : 0;
}
