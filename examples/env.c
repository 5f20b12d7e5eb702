/*
 * env.c: prints what the host passed in as argv and the environment.
 *
 * OutLayer hands block context to guests through environment variables (NEAR_SENDER_ID,
 * NEAR_BLOCK_HEIGHT, ...) and `--arg` values through argv; this shows exactly what arrives,
 * in the host's order, so it doubles as a check that the environment is deterministic.
 */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    /* environ keeps the order of WASI environ_get; no sorting, so ordering bugs show. */
    for (char **e = environ; e && *e; e++) printf("env %s\n", *e);
    return 0;
}
