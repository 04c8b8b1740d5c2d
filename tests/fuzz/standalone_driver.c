/* standalone_driver.c - runs a fuzz target over files and directories, without
 * libFuzzer, so the committed corpus replays in every `make check`. An input that
 * takes more than PL_REPLAY_SECONDS (a hang) fails the replay with its name. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* As libFuzzer's -timeout in .ci/run, with room for a sanitizer build. */
#define PL_REPLAY_SECONDS 60

static const char *current;

static void on_alarm(int sig)
{
    static const char msg[] = "replay: an input ran too long (a hang): ";

    (void)sig;
    (void)!write(2, msg, sizeof(msg) - 1);
    (void)!write(2, current, strlen(current));
    (void)!write(2, "\n", 1);
    _exit(1);
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    current = path;
    alarm(PL_REPLAY_SECONDS);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    alarm(0);
    free(buf);
    return 0;
}

static int run_path(const char *path, int *count)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char sub[4096];
    int rc = 0;

    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return run_file(path);
    }
    if (!(d = opendir(path)))
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        if (run_path(sub, count) != 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int i, count = 0;

    signal(SIGALRM, on_alarm);
    for (i = 1; i < argc; i++)
        if (run_path(argv[i], &count) != 0) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 99;
        }
    printf("replayed %d inputs\n", count);
    return count > 0 ? 0 : 99;
}
