/*
 * near.c: NEAR system calls from C (outlayer_near.h). Reads the counter stored under the key
 * "count" (8 bytes, little-endian; absent means 0), increments it, writes it back, logs
 * "count = N" with NEAR's log, and prints the current account, the block height and the count.
 *
 * Without a NEAR context the storage is fresh for every run, so it prints "count: 1"; a caller
 * that passes a context (RunOptions.near) sees the counter grow from run to run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "outlayer_near.h"

int main(void) {
    static const char key[] = "count";
    uint64_t count = 0;
    int64_t n = near_storage_read(key, sizeof key - 1, &count, sizeof count);
    if (n != NEAR_NOT_FOUND && n != (int64_t)sizeof count) {
        fprintf(stderr, "storage_read: unexpected result %" PRId64 "\n", n);
        return 1;
    }
    count++;
    if (near_storage_write(key, sizeof key - 1, &count, sizeof count) < 0) {
        fprintf(stderr, "storage_write failed\n");
        return 1;
    }

    char line[64];
    int len = snprintf(line, sizeof line, "count = %" PRIu64, count);
    near_log(line, (uint32_t)len);

    char account[65];
    n = near_current_account_id(account, sizeof account - 1);
    if (n < 0 || n > (int64_t)sizeof account - 1) {
        fprintf(stderr, "current_account_id: %" PRId64 "\n", n);
        return 1;
    }
    account[n] = '\0';
    printf("account: %s\n", account);
    printf("height: %" PRIu64 "\n", near_block_height());
    printf("count: %" PRIu64 "\n", count);
    return 0;
}
