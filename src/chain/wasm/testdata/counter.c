// A NEAR counter contract in C, built without any SDK against the `env` host functions:
//
//   clang --target=wasm32 -nostdlib -Wl,--no-entry -Wl,--export-dynamic -O2 \
//     -o src/chain/wasm/testdata/counter.wasm src/chain/wasm/testdata/counter.c
//
// (Debian clang 14 with lld.) The module defines its own memory, as clang does; the devnet runs
// it as if it were imported, like nearcore. Methods: increment, get (also as a view), reset.
#include <stdint.h>

#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

IMPORT(storage_read) uint64_t storage_read(uint64_t key_len, uint64_t key_ptr, uint64_t register_id);
IMPORT(storage_write) uint64_t storage_write(uint64_t key_len, uint64_t key_ptr, uint64_t value_len, uint64_t value_ptr, uint64_t register_id);
IMPORT(storage_remove) uint64_t storage_remove(uint64_t key_len, uint64_t key_ptr, uint64_t register_id);
IMPORT(read_register) void read_register(uint64_t register_id, uint64_t ptr);
IMPORT(value_return) void value_return(uint64_t value_len, uint64_t value_ptr);
IMPORT(log_utf8) void log_utf8(uint64_t len, uint64_t ptr);

static const char KEY[] = "count";

static uint64_t load(void) {
  uint64_t n = 0;
  if (storage_read(sizeof KEY - 1, (uint64_t)(uintptr_t)KEY, 0) == 1) read_register(0, (uint64_t)(uintptr_t)&n);
  return n;
}

// Returns the count as decimal text, like a JSON number.
static void return_number(uint64_t n) {
  char buf[20];
  int i = sizeof buf;
  do {
    buf[--i] = (char)('0' + n % 10);
    n /= 10;
  } while (n != 0);
  value_return(sizeof buf - i, (uint64_t)(uintptr_t)(buf + i));
}

EXPORT(increment) void increment(void) {
  uint64_t n = load() + 1;
  storage_write(sizeof KEY - 1, (uint64_t)(uintptr_t)KEY, sizeof n, (uint64_t)(uintptr_t)&n, 1);
  static const char msg[] = "incremented";
  log_utf8(sizeof msg - 1, (uint64_t)(uintptr_t)msg);
  return_number(n);
}

EXPORT(get) void get(void) { return_number(load()); }

EXPORT(reset) void reset(void) { storage_remove(sizeof KEY - 1, (uint64_t)(uintptr_t)KEY, 0); }
