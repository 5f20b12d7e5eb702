/*
 * files.c: filesystem access through a preopened directory.
 *
 * WASI programs can only see directories the host preopens; OutLayer preopens an in-memory
 * copy of a host directory with --dir, so writes never reach the host:
 *   npx outlayer run examples/files.wasm --dir examples/data::/data
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_names(const void *a, const void *b) {
    /* strcmp, not strcoll: byte order is the same on every host and locale. */
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *path) {
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "files: opendir %s: %s\n", path, strerror(errno));
        return -1;
    }
    /* readdir order is whatever the host's directory returns, so collect and sort to make
     * the output independent of the filesystem implementation. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        /* Some runtimes report "." and "..", some do not; leave them out either way. */
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) { fprintf(stderr, "files: out of memory\n"); return -1; }
            names = grown;
        }
        size_t len = strlen(e->d_name);
        char *s = malloc(len + 2);
        if (!s) { fprintf(stderr, "files: out of memory\n"); return -1; }
        memcpy(s, e->d_name, len);
        /* Mark directories the way `ls -F` does. */
        s[len] = e->d_type == DT_DIR ? '/' : '\0';
        s[len + 1] = '\0';
        names[n++] = s;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    printf("listing %s (%zu entries):\n", path, n);
    for (size_t i = 0; i < n; i++) {
        printf("  %s\n", names[i]);
        free(names[i]);
    }
    free(names);
    return 0;
}

/* Copies a whole file to stdout; returns -1 (errno set) if it cannot be opened. */
static int cat_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    int err = ferror(f);
    fclose(f);
    return err ? -1 : 0;
}

int main(void) {
    if (list_dir("/data") != 0) return 1;

    printf("contents of /data/input.txt:\n");
    if (cat_file("/data/input.txt") != 0) printf("  (not present: %s)\n", strerror(errno));

    const char *msg = "written by files.wasm\n";
    FILE *out = fopen("/data/out.txt", "wb");
    if (!out) {
        fprintf(stderr, "files: create /data/out.txt: %s\n", strerror(errno));
        return 1;
    }
    fputs(msg, out);
    /* fclose flushes; checking it catches a write the host refused (e.g. a size cap). */
    if (fclose(out) != 0) {
        fprintf(stderr, "files: write /data/out.txt: %s\n", strerror(errno));
        return 1;
    }
    printf("wrote /data/out.txt (%zu bytes), reading it back:\n", strlen(msg));
    if (cat_file("/data/out.txt") != 0) {
        fprintf(stderr, "files: read /data/out.txt: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
