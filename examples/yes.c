/*
 * yes.c: prints "y" (or its arguments, joined by spaces) and a newline, forever.
 *
 * Writes whole buffers of lines with write() so that a pipe fills quickly, as GNU yes does.
 * Under the guest OS it is the test of a WASI process that blocks on a full pipe and is ended
 * by SIGPIPE once its reader exits; with SIGPIPE ignored its write fails with EPIPE, which it
 * reports ("yes: write: Broken pipe") before exiting with status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[8192];

int main(int argc, char **argv) {
    char line[1024];
    size_t len = 0;
    if (argc < 2) {
        line[len++] = 'y';
    } else {
        for (int i = 1; i < argc; i++) {
            size_t n = strlen(argv[i]);
            if (len + n + 2 > sizeof line) break;
            if (i > 1) line[len++] = ' ';
            memcpy(line + len, argv[i], n);
            len += n;
        }
    }
    line[len++] = '\n';

    size_t fill = 0;
    while (fill + len <= sizeof buf) {
        memcpy(buf + fill, line, len);
        fill += len;
    }
    for (;;) {
        for (size_t off = 0; off < fill;) {
            ssize_t w = write(1, buf + off, fill - off);
            if (w < 0) {
                if (errno == EINTR) continue;
                perror("yes: write");
                return 1;
            }
            off += (size_t)w;
        }
    }
}
