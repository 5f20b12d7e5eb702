/*
 * echo.c: copies stdin to stdout unchanged.
 *
 * Uses raw read()/write() instead of stdio so that the copy is binary-safe (no text-mode or
 * NUL handling) and never holds more than one buffer in memory, whatever the input size.
 * Useful to check that `--input` bytes reach the guest and come back byte for byte.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static char buf[64 * 1024];

int main(void) {
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n == 0) return 0;                 /* end of input */
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("echo: read");
            return 1;
        }
        /* A WASI host may accept fewer bytes than asked (e.g. near an output cap), so keep
         * writing the remainder rather than assuming one write takes the whole chunk. */
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR) continue;
                perror("echo: write");
                return 1;
            }
            off += w;
        }
    }
}
