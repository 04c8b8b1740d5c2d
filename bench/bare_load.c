/* bare_load: the baseline for bench/run.sh, reading a file whole and parsing
 * it with jansson, which is the least any JSON plan reader has to do.
 *
 * Usage: bare_load FILE    (exit 0 if FILE is valid JSON) */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Read all of f into a malloc'd buffer; NULL on error. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 1 << 20, n = 0, got;
	char *buf = malloc(cap), *nb;

	while (buf) {
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f))
				break;
			*len = n;
			return buf;
		}
		if (cap > ((size_t) -1) / 2)
			break;
		nb = realloc(buf, cap * 2);
		if (!nb)
			break;
		buf = nb;
		cap *= 2;
	}
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *root;
	size_t len = 0;
	char *buf;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: bare_load FILE\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "bare_load: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	buf = slurp(f, &len);
	fclose(f);
	if (!buf) {
		fprintf(stderr, "bare_load: %s: read failed\n", argv[1]);
		return 2;
	}
	root = json_loadb(buf, len, 0, &err);
	free(buf);
	if (!root) {
		fprintf(stderr, "bare_load: %s:%d:%d: %s\n", argv[1], err.line, err.column,
		        err.text);
		return 1;
	}
	json_decref(root);
	return 0;
}
