/*
 * fsops.c: file operations from the command line, run one after another, for trying the
 * filesystem a WASI host gives a program. Under the guest OS that is the kernel's VFS at `/`, so
 * the shell sees what it writes and it sees what the shell wrote:
 *   npx outlayer run examples/fsops.wasm --mode linux --arg mkdir --arg /d --arg write \
 *     --arg /d/x --arg hello --arg ls --arg /d
 *
 * Operations: cat F | write F TEXT | append F TEXT | mv A B | rm F | mkdir D | rmdir D | ls D |
 * stat P | fill F BYTES (writes zeros until done or refused) | patch F OFFSET TEXT (pwrite) |
 * truncate F SIZE | tail F N (the last N bytes, through lseek). A failure prints
 * `fsops: OP PATH: <strerror>` on stderr and the run goes on; the status is then 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failed = 0;

static void fail(const char *op, const char *path) {
    fprintf(stderr, "fsops: %s %s: %s\n", op, path, strerror(errno));
    failed = 1;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes all of `len` bytes; -1 (errno set) on the first refusal. */
static long write_all(int fd, const char *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n < 0) return -1;
        done += (size_t)n;
    }
    return (long)done;
}

static void op_cat(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { fail("cat", path); return; }
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
    if (n < 0) fail("cat", path);
    close(fd);
}

static void op_write(const char *path, const char *text, int flags, const char *op) {
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
    if (fd < 0) { fail(op, path); return; }
    if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0) fail(op, path);
    close(fd);
}

static void op_ls(const char *path) {
    DIR *d = opendir(path);
    if (!d) { fail("ls", path); return; }
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        size_t len = strlen(e->d_name);
        char *s = malloc(len + 2);
        memcpy(s, e->d_name, len);
        s[len] = e->d_type == DT_DIR ? '/' : '\0';
        s[len + 1] = '\0';
        names[n++] = s;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    printf("ls %s:", path);
    for (size_t i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

static void op_stat(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) { fail("stat", path); return; }
    printf("stat %s: %s", path, S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : S_ISCHR(st.st_mode) ? "chardev" : "other");
    if (S_ISREG(st.st_mode)) printf(" %lld bytes", (long long)st.st_size);
    printf("\n");
}

static void op_fill(const char *path, long bytes) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { fail("fill", path); return; }
    static char zeros[4096];
    long done = 0;
    while (done < bytes) {
        long chunk = bytes - done < (long)sizeof zeros ? bytes - done : (long)sizeof zeros;
        if (write_all(fd, zeros, (size_t)chunk) < 0) break;
        done += chunk;
    }
    if (done < bytes) fail("fill", path);
    printf("fill %s: %ld of %ld bytes\n", path, done, bytes);
    close(fd);
}

static void op_patch(const char *path, long offset, const char *text) {
    int fd = open(path, O_RDWR);
    if (fd < 0) { fail("patch", path); return; }
    if (pwrite(fd, text, strlen(text), offset) < 0) fail("patch", path);
    close(fd);
}

static void op_truncate(const char *path, long size) {
    int fd = open(path, O_RDWR);
    if (fd < 0) { fail("truncate", path); return; }
    if (ftruncate(fd, size) != 0) fail("truncate", path);
    close(fd);
}

static void op_tail(const char *path, long n) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { fail("tail", path); return; }
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0 || lseek(fd, end > n ? -n : -end, SEEK_END) < 0) { fail("tail", path); close(fd); return; }
    char buf[4096];
    ssize_t got = read(fd, buf, n < (long)sizeof buf ? (size_t)n : sizeof buf);
    if (got < 0) fail("tail", path);
    else fwrite(buf, 1, (size_t)got, stdout);
    close(fd);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc;) {
        const char *op = argv[i];
        int need = !strcmp(op, "write") || !strcmp(op, "append") || !strcmp(op, "mv") || !strcmp(op, "fill") ||
                           !strcmp(op, "truncate") || !strcmp(op, "tail") ? 2
                   : !strcmp(op, "patch") ? 3 : 1;
        if (i + need >= argc) { fprintf(stderr, "fsops: %s needs %d argument(s)\n", op, need); return 2; }
        const char *a = argv[i + 1], *b = need > 1 ? argv[i + 2] : NULL;
        if (!strcmp(op, "cat")) op_cat(a);
        else if (!strcmp(op, "write")) op_write(a, b, O_TRUNC, op);
        else if (!strcmp(op, "append")) op_write(a, b, O_APPEND, op);
        else if (!strcmp(op, "mv")) { if (rename(a, b) != 0) fail(op, a); }
        else if (!strcmp(op, "rm")) { if (unlink(a) != 0) fail(op, a); }
        else if (!strcmp(op, "mkdir")) { if (mkdir(a, 0755) != 0) fail(op, a); }
        else if (!strcmp(op, "rmdir")) { if (rmdir(a) != 0) fail(op, a); }
        else if (!strcmp(op, "ls")) op_ls(a);
        else if (!strcmp(op, "stat")) op_stat(a);
        else if (!strcmp(op, "fill")) op_fill(a, atol(b));
        else if (!strcmp(op, "patch")) op_patch(a, atol(b), argv[i + 3]);
        else if (!strcmp(op, "truncate")) op_truncate(a, atol(b));
        else if (!strcmp(op, "tail")) op_tail(a, atol(b));
        else { fprintf(stderr, "fsops: unknown operation %s\n", op); return 2; }
        i += need + 1;
    }
    return failed;
}
