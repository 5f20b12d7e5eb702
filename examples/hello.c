/*
 * hello.c: the smallest useful OutLayer guest.
 *
 * A WASI command's stdout becomes the execution's `output`, so printing a line is all a
 * guest needs to return a result. Build: clang --target=wasm32-wasi -O2 -o hello.wasm hello.c
 */
#include <stdio.h>

int main(void) {
    /* puts appends the newline; returning 0 from main makes wasi-libc call proc_exit(0). */
    puts("Hello from OutLayer!");
    return 0;
}
