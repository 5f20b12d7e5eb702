/*
 * exit-code.c: exits with the status given as argv[1] (default 3).
 *
 * A non-zero exit is reported by OutLayer as an error of kind "exit" with `exit_code` set,
 * while stdout/stderr produced before it are still returned; this program exercises that.
 *   npx outlayer run examples/exit-code.wasm --arg 42
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    unsigned long code = 3;
    if (argc > 1) {
        char *end;
        errno = 0;
        code = strtoul(argv[1], &end, 10);
        if (errno || end == argv[1] || *end != '\0') {
            fprintf(stderr, "exit-code: not a number: %s\n", argv[1]);
            return 2;
        }
    }
    /* stderr lines end up in the result's `logs`, showing the guest ran up to this point. */
    fprintf(stderr, "exiting with %lu\n", code);
    exit((int)code);
}
