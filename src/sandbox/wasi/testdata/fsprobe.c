/*
 * A wasi-libc program that exercises the WASI host the way ordinary C code does: stdio, args and
 * environment, files and directories through a preopen, links, stat, clocks, sleep and randomness.
 * Every check prints one line; wasi.libc.test.ts compares the whole output.
 *
 * Rebuild: clang --target=wasm32-wasi -O2 -Wl,--strip-all -o fsprobe.wasm fsprobe.c
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) { printf("opendir %s: errno %d\n", path, errno); return; }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("ls %s:", path);
  for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
  printf("\n");
}

int main(int argc, char **argv) {
  printf("argc=%d argv1=%s env=%s\n", argc, argc > 1 ? argv[1] : "-", getenv("GREETING"));

  char in[64] = {0};
  size_t got = fread(in, 1, sizeof in - 1, stdin);
  printf("stdin=%zu:%s\n", got, in);
  printf("isatty(1)=%d\n", isatty(1));

  FILE *f = fopen("/work/data.txt", "r");
  char line[64] = {0};
  if (f && fgets(line, sizeof line, f)) printf("data=%s", line);
  if (f) fclose(f);

  f = fopen("/work/out/new.txt", "w");
  printf("fopen missing dir: %s errno=%d\n", f ? "ok" : "fail", f ? 0 : errno);
  printf("mkdir=%d\n", mkdir("/work/out", 0755));
  f = fopen("/work/out/new.txt", "w");
  fprintf(f, "written by C\n");
  fclose(f);
  f = fopen("/work/out/new.txt", "a");
  fprintf(f, "appended\n");
  fclose(f);
  struct stat st;
  stat("/work/out/new.txt", &st);
  printf("size=%lld nlink=%llu\n", (long long)st.st_size, (unsigned long long)st.st_nlink);

  int fd = open("/work/out/new.txt", O_RDWR);
  printf("lseek end=%lld\n", (long long)lseek(fd, 0, SEEK_END));
  printf("ftruncate=%d\n", ftruncate(fd, 7));
  char buf[32] = {0};
  printf("pread=%zd:%s\n", pread(fd, buf, sizeof buf - 1, 0), buf);
  close(fd);

  printf("symlink=%d\n", symlink("out/new.txt", "/work/alias"));
  char target[64] = {0};
  printf("readlink=%zd:%s\n", readlink("/work/alias", target, sizeof target - 1), target);
  printf("link=%d\n", link("/work/out/new.txt", "/work/hard"));
  struct stat a, b;
  stat("/work/alias", &a);
  lstat("/work/alias", &b);
  printf("stat follows=%d lstat is link=%d nlink=%llu\n", S_ISREG(a.st_mode), S_ISLNK(b.st_mode), (unsigned long long)a.st_nlink);
  printf("rename=%d\n", rename("/work/hard", "/work/out/moved"));
  printf("rmdir nonempty=%d errno=%d\n", rmdir("/work/out"), errno);
  list("/work");
  list("/work/out");

  errno = 0;
  f = fopen("/work/../etc/passwd", "r");
  printf("escape=%s errno=%d\n", f ? "OPENED" : "refused", errno);
  f = fopen("/etc/passwd", "r");
  printf("outside preopen=%s errno=%d\n", f ? "OPENED" : "refused", errno);

  struct timespec t0, t1, rt;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  struct timespec nap = {2, 500};
  nanosleep(&nap, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  clock_gettime(CLOCK_REALTIME, &rt);
  long long slept = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  printf("slept>=2s=%d realtime_sec=%lld\n", slept >= 2000000500LL, (long long)rt.tv_sec);

  unsigned char r[8];
  getentropy(r, sizeof r);
  printf("random=%02x%02x%02x%02x%02x%02x%02x%02x\n", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
  fprintf(stderr, "bye\n");
  return 3;
}
