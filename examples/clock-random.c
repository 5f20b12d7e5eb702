/*
 * clock-random.c: shows the only sources of non-determinism a WASI program has, clocks and
 * randomness, and that OutLayer makes them deterministic: clocks start at
 * --block-timestamp-ns and advance with fuel (not wall time), randomness comes from --seed.
 * Two runs with the same options must print identical output.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) {
        perror("clock_gettime");
        return -1;
    }
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
    printf("realtime_ns=%lld\n", now_ns(CLOCK_REALTIME));
    printf("monotonic_ns=%lld\n", now_ns(CLOCK_MONOTONIC));

    /* getentropy maps to WASI random_get; 16 bytes is enough to tell two seeds apart. */
    unsigned char rnd[16];
    if (getentropy(rnd, sizeof rnd) != 0) {
        perror("getentropy");
        return 1;
    }
    printf("random=");
    for (size_t i = 0; i < sizeof rnd; i++) printf("%02x", rnd[i]);
    printf("\n");

    /* nanosleep goes through poll_oneoff; a deterministic host advances its virtual clock
     * instead of blocking, so the monotonic clock moves by at least 1 ms either way. */
    struct timespec one_ms = {0, 1000000};
    if (nanosleep(&one_ms, NULL) != 0) {
        perror("nanosleep");
        return 1;
    }
    printf("monotonic_after_sleep_ns=%lld\n", now_ns(CLOCK_MONOTONIC));
    return 0;
}
