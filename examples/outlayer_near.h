/*
 * outlayer_near.h: NEAR system calls for OutLayer WASI guests (docs/sandbox.md, "NEAR system
 * calls"). Everything goes through one import, outlayer.syscall(nr, a0..a5) -> i64: pointers and
 * lengths are passed as 64-bit integers; data comes back in a caller buffer and the call returns
 * its full length (nothing is written when that exceeds the buffer); -1 is "not found" and other
 * negative values are -errno (WASI numbers: -21 EFAULT, -25 EILSEQ, -28 EINVAL, -52 ENOSYS).
 */
#ifndef OUTLAYER_NEAR_H
#define OUTLAYER_NEAR_H

#include <stdint.h>

__attribute__((import_module("outlayer"), import_name("syscall")))
int64_t outlayer_syscall(int32_t nr, int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5);

#define NEAR_STORAGE_READ 400
#define NEAR_STORAGE_WRITE 401
#define NEAR_STORAGE_REMOVE 402
#define NEAR_STORAGE_HAS_KEY 403
#define NEAR_LOG 404
#define NEAR_PANIC 405
#define NEAR_CURRENT_ACCOUNT_ID 410
#define NEAR_SIGNER_ACCOUNT_ID 411
#define NEAR_PREDECESSOR_ACCOUNT_ID 412
#define NEAR_PROMISE_CREATE 420
#define NEAR_PROMISE_THEN 421
#define NEAR_PROMISE_RETURN 422
#define NEAR_BLOCK_HEIGHT 430
#define NEAR_BLOCK_TIMESTAMP 431
#define NEAR_SHA256 432
#define NEAR_RANDOM_SEED 433

#define NEAR_NOT_FOUND (-1)

/* What promise_create / promise_then read (48 bytes, little-endian). */
struct near_promise {
    uint32_t account_ptr, account_len;
    uint32_t method_ptr, method_len;
    uint32_t args_ptr, args_len;
    uint64_t gas;
    uint64_t amount_lo, amount_hi; /* yoctoNEAR, u128 */
};

#define NEAR_PTR(p) ((int64_t)(uintptr_t)(p))

static inline int64_t near_storage_read(const void *key, uint32_t key_len, void *out, uint32_t out_cap) {
    return outlayer_syscall(NEAR_STORAGE_READ, NEAR_PTR(key), key_len, NEAR_PTR(out), out_cap, 0, 0);
}
static inline int64_t near_storage_write(const void *key, uint32_t key_len, const void *value, uint32_t value_len) {
    return outlayer_syscall(NEAR_STORAGE_WRITE, NEAR_PTR(key), key_len, NEAR_PTR(value), value_len, 0, 0);
}
static inline int64_t near_storage_remove(const void *key, uint32_t key_len) {
    return outlayer_syscall(NEAR_STORAGE_REMOVE, NEAR_PTR(key), key_len, 0, 0, 0, 0);
}
static inline int64_t near_storage_has_key(const void *key, uint32_t key_len) {
    return outlayer_syscall(NEAR_STORAGE_HAS_KEY, NEAR_PTR(key), key_len, 0, 0, 0, 0);
}
static inline int64_t near_log(const char *text, uint32_t len) {
    return outlayer_syscall(NEAR_LOG, NEAR_PTR(text), len, 0, 0, 0, 0);
}
__attribute__((noreturn)) static inline void near_panic(const char *text, uint32_t len) {
    outlayer_syscall(NEAR_PANIC, NEAR_PTR(text), len, 0, 0, 0, 0);
    __builtin_unreachable();
}
static inline int64_t near_current_account_id(char *out, uint32_t cap) {
    return outlayer_syscall(NEAR_CURRENT_ACCOUNT_ID, NEAR_PTR(out), cap, 0, 0, 0, 0);
}
static inline int64_t near_signer_account_id(char *out, uint32_t cap) {
    return outlayer_syscall(NEAR_SIGNER_ACCOUNT_ID, NEAR_PTR(out), cap, 0, 0, 0, 0);
}
static inline int64_t near_predecessor_account_id(char *out, uint32_t cap) {
    return outlayer_syscall(NEAR_PREDECESSOR_ACCOUNT_ID, NEAR_PTR(out), cap, 0, 0, 0, 0);
}
static inline int64_t near_promise_create(const struct near_promise *p) {
    return outlayer_syscall(NEAR_PROMISE_CREATE, NEAR_PTR(p), 0, 0, 0, 0, 0);
}
static inline int64_t near_promise_then(int64_t after, const struct near_promise *p) {
    return outlayer_syscall(NEAR_PROMISE_THEN, after, NEAR_PTR(p), 0, 0, 0, 0);
}
static inline int64_t near_promise_return(int64_t promise) {
    return outlayer_syscall(NEAR_PROMISE_RETURN, promise, 0, 0, 0, 0, 0);
}
static inline uint64_t near_block_height(void) {
    return (uint64_t)outlayer_syscall(NEAR_BLOCK_HEIGHT, 0, 0, 0, 0, 0, 0);
}
static inline uint64_t near_block_timestamp(void) {
    return (uint64_t)outlayer_syscall(NEAR_BLOCK_TIMESTAMP, 0, 0, 0, 0, 0, 0);
}
static inline int64_t near_sha256(const void *data, uint32_t len, uint8_t out[32]) {
    return outlayer_syscall(NEAR_SHA256, NEAR_PTR(data), len, NEAR_PTR(out), 32, 0, 0);
}
static inline int64_t near_random_seed(uint8_t *out, uint32_t cap) {
    return outlayer_syscall(NEAR_RANDOM_SEED, NEAR_PTR(out), cap, 0, 0, 0, 0);
}

#endif
