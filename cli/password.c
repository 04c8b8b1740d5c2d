/* password.c - -W and the prompt after "no password supplied": read a password from the
 * terminal with echo off, as psql does, and wipe it once used. */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* What a signal at the prompt (SIGINT, SIGTERM, SIGHUP) must put back before live
 * mode's handler ends planlint: otherwise the user's shell is left with echo off. */
static const int cli_prompt_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define CLI_PROMPT_NSIGNALS (sizeof(cli_prompt_signals) / sizeof(cli_prompt_signals[0]))
static struct termios cli_tty_saved;
static volatile sig_atomic_t cli_tty_fd = -1;
static struct sigaction cli_prev[CLI_PROMPT_NSIGNALS];

/* Through a volatile pointer, so the wipe before free() is not optimized away. */
static void *(*const volatile cli_memset)(void *, int, size_t) = memset;

static void cli_restore_handlers(void)
{
    size_t i;

    for (i = 0; i < CLI_PROMPT_NSIGNALS; i++)
        sigaction(cli_prompt_signals[i], &cli_prev[i], NULL);
}

static void cli_prompt_on_signal(int sig)
{
    if (cli_tty_fd >= 0) {
        tcsetattr(cli_tty_fd, TCSAFLUSH, &cli_tty_saved);
        (void)!write(cli_tty_fd, "\n", 1);
    }
    cli_restore_handlers();
    raise(sig);   /* pending until this handler returns, then the previous one runs */
}

/* The handlers first, then echo off, so no signal can come between the two. Returns 1
 * when cli_echo_on() must undo it (even if echo could not be turned off). */
static int cli_echo_off(int fd)
{
    struct sigaction sa;
    struct termios quiet;
    size_t i;

    if (tcgetattr(fd, &cli_tty_saved) != 0)
        return 0;
    cli_tty_fd = fd;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = cli_prompt_on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < CLI_PROMPT_NSIGNALS; i++)   /* one restores the terminal for all */
        sigaddset(&sa.sa_mask, cli_prompt_signals[i]);
    for (i = 0; i < CLI_PROMPT_NSIGNALS; i++) {
        sigaction(cli_prompt_signals[i], NULL, &cli_prev[i]);
        if (cli_prev[i].sa_handler != SIG_IGN)
            sigaction(cli_prompt_signals[i], &sa, NULL);
    }
    quiet = cli_tty_saved;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(fd, TCSAFLUSH, &quiet);
    return 1;
}

static void cli_echo_on(int fd)
{
    tcsetattr(fd, TCSAFLUSH, &cli_tty_saved);
    cli_restore_handlers();
    cli_tty_fd = -1;
}

/* Echo goes off before the prompt shows, as in psql: TCSAFLUSH drops only what was
 * typed before the prompt, never the answer to it. */
char *cli_prompt_password(const char *prompt)
{
    char line[1024], *nl, *copy = NULL;
    FILE *tty = fopen("/dev/tty", "r+");
    int armed;

    if (!tty)
        return NULL;
    setvbuf(tty, NULL, _IONBF, 0);   /* leaves no copy of the password in a stdio buffer */
    armed = cli_echo_off(fileno(tty));
    fputs(prompt, tty);
    fflush(tty);
    if (fgets(line, sizeof(line), tty)) {
        if ((nl = strchr(line, '\n')) != NULL)
            *nl = '\0';
        copy = strdup(line);
    }
    if (armed)
        cli_echo_on(fileno(tty));
    fputc('\n', tty);
    cli_memset(line, 0, sizeof(line));
    fclose(tty);
    return copy;
}

void cli_password_free(char *password)
{
    if (!password)
        return;
    cli_memset(password, 0, strlen(password));
    free(password);
}
