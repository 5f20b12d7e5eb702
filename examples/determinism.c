/*
 * determinism.c: port of the reference system's determinism-test guest.
 *
 * Input (stdin):  {"seed": N, "iterations": M}   seed defaults to 0, iterations to 1000
 * Output (stdout): {"result":S,"checksum":"%016x of S","iterations_run":M}
 *
 * Pure integer computation on a seed, so every correct engine must print the same bytes and
 * spend the same fuel; a large M (10^8) makes a useful fuel-metering benchmark. The JSON
 * parser is hand-written to keep the module small and free of third-party code; it follows
 * serde_json's rules as used by the reference: unknown keys are ignored, duplicate keys,
 * negative/fractional/overflowing numbers and trailing garbage are errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DEPTH 128 /* nesting limit for skipped values; bounds recursion on hostile input */

static const char *src; /* the whole input */
static size_t len, pos;

static void fail(const char *why) {
    fprintf(stderr, "determinism: invalid input: %s at byte %zu\n", why, pos);
    exit(1);
}

static int peek(void) { return pos < len ? (unsigned char)src[pos] : -1; }

static void skip_ws(void) {
    /* JSON whitespace only; anything else (NUL, form feed, ...) is an error. */
    while (pos < len && (src[pos] == ' ' || src[pos] == '\t' || src[pos] == '\n' || src[pos] == '\r'))
        pos++;
}

static void expect(char c) {
    skip_ws();
    if (peek() != (unsigned char)c) {
        char msg[32];
        snprintf(msg, sizeof msg, "expected '%c'", c);
        fail(msg);
    }
    pos++;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/*
 * Parses a string at pos. Writes up to cap-1 decoded bytes to out (NUL-terminated) when out
 * is non-NULL, enough to compare keys even if they are written with escapes ("\u0073eed").
 * Non-ASCII \u escapes decode to 0x80, which never matches a key we look for.
 */
static void parse_string(char *out, size_t cap) {
    size_t n = 0;
    if (peek() != '"') fail("expected string");
    pos++;
    for (;;) {
        int c = peek();
        if (c < 0) fail("unterminated string");
        pos++;
        if (c == '"') break;
        if (c < 0x20) fail("control character in string");
        if (c == '\\') {
            int e = peek();
            pos++;
            switch (e) {
            case '"': case '\\': case '/': c = e; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u': {
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int h = hexval(peek());
                    if (h < 0) fail("bad \\u escape");
                    v = v * 16 + h;
                    pos++;
                }
                c = v < 0x80 ? v : 0x80;
                break;
            }
            default: fail("bad escape");
            }
        }
        if (out && n + 1 < cap) out[n++] = (char)c;
        else if (out) out[0] = '\x80'; /* too long to be a known key: poison the comparison */
    }
    if (out) out[n] = '\0';
}

/* Validates a JSON number without converting it (for values of unknown keys). */
static void skip_number(void) {
    if (peek() == '-') pos++;
    if (peek() == '0') pos++;
    else if (peek() >= '1' && peek() <= '9') while (peek() >= '0' && peek() <= '9') pos++;
    else fail("bad number");
    if (peek() == '.') {
        pos++;
        if (!(peek() >= '0' && peek() <= '9')) fail("bad number");
        while (peek() >= '0' && peek() <= '9') pos++;
    }
    if (peek() == 'e' || peek() == 'E') {
        pos++;
        if (peek() == '+' || peek() == '-') pos++;
        if (!(peek() >= '0' && peek() <= '9')) fail("bad number");
        while (peek() >= '0' && peek() <= '9') pos++;
    }
}

static int match_literal(const char *lit) {
    size_t l = strlen(lit);
    if (len - pos >= l && memcmp(src + pos, lit, l) == 0) {
        pos += l;
        return 1;
    }
    return 0;
}

static void skip_value(int depth) {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    skip_ws();
    int c = peek();
    if (c == '"') parse_string(NULL, 0);
    else if (c == '-' || (c >= '0' && c <= '9')) skip_number();
    else if (match_literal("true") || match_literal("false") || match_literal("null")) {}
    else if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        pos++;
        skip_ws();
        if (peek() == close) { pos++; return; }
        for (;;) {
            if (close == '}') {
                skip_ws();
                parse_string(NULL, 0);
                expect(':');
            }
            skip_value(depth + 1);
            skip_ws();
            if (peek() == ',') { pos++; continue; }
            if (peek() == close) { pos++; return; }
            fail("expected ',' or closing bracket");
        }
    } else fail("expected a value");
}

/* Parses an unsigned 64-bit integer; floats, negatives and overflow are rejected. */
static uint64_t parse_u64(void) {
    skip_ws();
    int c = peek();
    if (c == '-') fail("expected an unsigned integer, got a negative number");
    if (!(c >= '0' && c <= '9')) fail("expected an unsigned integer");
    uint64_t v = 0;
    if (c == '0') pos++;
    else {
        while (peek() >= '0' && peek() <= '9') {
            unsigned d = (unsigned)(peek() - '0');
            if (v > (UINT64_MAX - d) / 10) fail("integer does not fit in 64 bits");
            v = v * 10 + d;
            pos++;
        }
    }
    c = peek();
    if (c == '.' || c == 'e' || c == 'E') fail("expected an integer, got a fraction or exponent");
    if (c >= '0' && c <= '9') fail("leading zero in number");
    return v;
}

/* Reads all of stdin into a heap buffer; the input size is bounded only by guest memory. */
static void read_stdin(void) {
    size_t cap = 4096;
    char *buf = malloc(cap);
    if (!buf) fail("out of memory");
    for (;;) {
        if (len == cap) {
            cap *= 2;
            char *grown = realloc(buf, cap);
            if (!grown) fail("out of memory");
            buf = grown;
        }
        ssize_t n = read(0, buf + len, cap - len);
        if (n < 0) { perror("determinism: read stdin"); exit(1); }
        if (n == 0) break;
        len += (size_t)n;
    }
    src = buf;
}

int main(void) {
    read_stdin();

    uint64_t seed = 0, iterations = 1000;
    int have_seed = 0, have_iterations = 0;

    expect('{');
    skip_ws();
    if (peek() == '}') pos++;
    else {
        for (;;) {
            char key[16];
            skip_ws();
            parse_string(key, sizeof key);
            expect(':');
            if (!strcmp(key, "seed")) {
                if (have_seed++) fail("duplicate key \"seed\"");
                seed = parse_u64();
            } else if (!strcmp(key, "iterations")) {
                if (have_iterations++) fail("duplicate key \"iterations\"");
                /* The reference declares iterations as Option<usize>: null means default. */
                skip_ws();
                if (!match_literal("null")) iterations = parse_u64();
            } else {
                skip_value(0);
            }
            skip_ws();
            if (peek() == ',') { pos++; continue; }
            if (peek() == '}') { pos++; break; }
            fail("expected ',' or '}'");
        }
    }
    skip_ws();
    if (pos != len) fail("trailing characters after the object");

    /* Numerical Recipes LCG; unsigned arithmetic wraps mod 2^64 exactly like the reference's
     * wrapping_mul/wrapping_add. This loop is the whole workload. */
    uint64_t s = seed, sum = 0;
    for (uint64_t i = 0; i < iterations; i++) {
        s = s * 1664525u + 1013904223u;
        sum += s;
    }

    printf("{\"result\":%llu,\"checksum\":\"%016llx\",\"iterations_run\":%llu}\n",
           (unsigned long long)sum, (unsigned long long)sum, (unsigned long long)iterations);
    return 0;
}
