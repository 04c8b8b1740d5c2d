/* password.c - -W: read a password from the terminal with echo off, as psql does. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

char *cli_prompt_password(const char *prompt)
{
    struct termios saved, quiet;
    char line[1024], *nl, *copy = NULL;
    FILE *tty = fopen("/dev/tty", "r+");
    int restore = 0;

    if (!tty)
        return NULL;
    fputs(prompt, tty);
    fflush(tty);
    if (tcgetattr(fileno(tty), &saved) == 0) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
    }
    if (fgets(line, sizeof(line), tty)) {
        if ((nl = strchr(line, '\n')) != NULL)
            *nl = '\0';
        copy = strdup(line);
    }
    if (restore)
        tcsetattr(fileno(tty), TCSAFLUSH, &saved);
    fputc('\n', tty);
    memset(line, 0, sizeof(line));
    fclose(tty);
    return copy;
}
