/* The word table and the tokenizer scans (see kernel.h). */
#define _DEFAULT_SOURCE /* madvise */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

int intbuf_reserve(IntBuf *b, size_t extra) {
    if (b->n + extra <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->n + extra) cap *= 2;
    int32_t *data = realloc(b->data, cap * sizeof(int32_t));
    if (!data) return -1;
    b->data = data;
    b->cap = cap;
    return 0;
}

void kernel_hint_huge(void *data, size_t bytes) {
#ifdef MADV_HUGEPAGE
    /* Transparent huge pages for the whole 2 MiB blocks inside [data, data + bytes):
     * one page fault instead of 512 when they are first written (a hint: errors and
     * kernels without them change nothing). */
    const uintptr_t huge = (uintptr_t)1 << 21;
    uintptr_t start = ((uintptr_t)data + huge - 1) & ~(huge - 1), end = ((uintptr_t)data + bytes) & ~(huge - 1);
    if (data && end > start) madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

void intbuf_free(IntBuf *b) {
    free(b->data);
    b->data = NULL;
    b->n = b->cap = 0;
}

uint64_t word_hash(const uint32_t *w, uint32_t n) {
    uint64_t h = FNV_OFFSET;
    for (uint32_t i = 0; i < n; i++) h = (h ^ w[i]) * FNV_PRIME;
    return h;
}

static inline size_t slot_of(uint64_t h, size_t nslots) {
    return (size_t)((h ^ (h >> 29) ^ (h >> 47)) & (nslots - 1));
}

/* A slot holds the word's id + 1 (0: empty) and, above it, the hash's top bits,
 * so most probes that miss never touch the word itself. */
static inline uint64_t slot_value(uint64_t h, int32_t id) { return (h & 0xffffffff00000000ULL) | (uint32_t)(id + 1); }

int wordtable_init(WordTable *t) {
    memset(t, 0, sizeof(*t));
    t->nslots = 1 << 12;
    t->slots = calloc(t->nslots, sizeof(uint64_t));
    return t->slots ? 0 : -1;
}

void wordtable_free(WordTable *t) {
    free(t->chars);
    free(t->starts);
    free(t->lens);
    free(t->hashes);
    free(t->slots);
    free(t->scratch);
    memset(t, 0, sizeof(*t));
}

static int grow_slots(WordTable *t) {
    size_t nslots = t->nslots * 2;
    uint64_t *slots = calloc(nslots, sizeof(uint64_t));
    if (!slots) return -1;
    for (int32_t id = 0; id < t->nwords; id++) {
        size_t s = slot_of(t->hashes[id], nslots);
        while (slots[s]) s = (s + 1) & (nslots - 1);
        slots[s] = slot_value(t->hashes[id], id);
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

static int grow_words(WordTable *t) {
    int32_t cap = t->cap_words ? t->cap_words * 2 : 4096;
    uint64_t *starts = realloc(t->starts, (size_t)cap * sizeof(uint64_t));
    if (!starts) return -1;
    t->starts = starts;
    uint32_t *lens = realloc(t->lens, (size_t)cap * sizeof(uint32_t));
    if (!lens) return -1;
    t->lens = lens;
    uint64_t *hashes = realloc(t->hashes, (size_t)cap * sizeof(uint64_t));
    if (!hashes) return -1;
    t->hashes = hashes;
    t->cap_words = cap;
    return 0;
}

static inline int32_t probe(const WordTable *t, const uint32_t *w, uint32_t n, uint64_t hash, size_t *slot) {
    size_t mask = t->nslots - 1;
    uint64_t top = hash & 0xffffffff00000000ULL;
    for (size_t s = slot_of(hash, t->nslots);; s = (s + 1) & mask) {
        uint64_t v = t->slots[s];
        if (!v) {
            *slot = s;
            return -1;
        }
        if ((v & 0xffffffff00000000ULL) != top) continue;
        int32_t found = (int32_t)(uint32_t)v - 1;
        if (t->lens[found] == n && memcmp(t->chars + t->starts[found], w, n * sizeof(uint32_t)) == 0) return found;
    }
}

int32_t wordtable_intern(WordTable *t, const uint32_t *w, uint32_t n, uint64_t hash) {
    size_t s = 0;
    int32_t found = probe(t, w, n, hash, &s);
    if (found >= 0) return found;
    /* New word: keep the table at most half full. */
    if ((size_t)(t->nwords + 1) * 2 > t->nslots) {
        if (grow_slots(t)) return -1;
        probe(t, w, n, hash, &s);
    }
    if (t->nwords == t->cap_words && grow_words(t)) return -1;
    if (t->nchars + n > t->cap_chars) {
        size_t cap = t->cap_chars ? t->cap_chars : 1 << 16;
        while (cap < t->nchars + n) cap *= 2;
        uint32_t *chars = realloc(t->chars, cap * sizeof(uint32_t));
        if (!chars) return -1;
        t->chars = chars;
        t->cap_chars = cap;
    }
    int32_t id = t->nwords++;
    memcpy(t->chars + t->nchars, w, n * sizeof(uint32_t));
    t->starts[id] = t->nchars;
    t->lens[id] = n;
    t->hashes[id] = hash;
    t->nchars += n;
    t->slots[s] = slot_value(hash, id);
    return id;
}

/* rouge-score's classes for ASCII: 0 separates, 1 ends a line, otherwise the
 * lower-cased character itself. */
static uint8_t RS_CLASS[128];
static int rs_ready = 0;
static void rs_init(void);

void kernel_init(void) {
    if (!rs_ready) rs_init();
}

static void rs_init(void) {
    for (int c = 0; c < 128; c++) {
        if (c >= 'a' && c <= 'z') RS_CLASS[c] = (uint8_t)c;
        else if (c >= 'A' && c <= 'Z') RS_CLASS[c] = (uint8_t)(c - 'A' + 'a');
        else if (c >= '0' && c <= '9') RS_CLASS[c] = (uint8_t)c;
        else if (c == '\n') RS_CLASS[c] = 1;
        else RS_CLASS[c] = 0;
    }
    rs_ready = 1;
}

/* Room for a whole text: at most one id or mark per code point, plus the last mark,
 * and a word as long as the text. Then the scans need no checks inside the loop. */
static int make_room(WordTable *t, size_t len, IntBuf *out) {
    if (intbuf_reserve(out, len + 2)) return -1;
    if (len + 1 > t->cap_scratch) {
        size_t cap = t->cap_scratch ? t->cap_scratch : 256;
        while (cap < len + 1) cap *= 2;
        uint32_t *buf = realloc(t->scratch, cap * sizeof(uint32_t));
        if (!buf) return -1;
        t->scratch = buf;
        t->cap_scratch = cap;
    }
    return 0;
}

/* One loop per string kind (CHAR_T), so the compiler sees plain array reads. */
#define SCAN_ROUGE_SCORE(NAME, CHAR_T)                                                        \
    static int NAME(WordTable *t, const CHAR_T *d, size_t len, IntBuf *out) {                 \
        uint32_t *word = t->scratch, n = 0;                                                  \
        uint64_t h = FNV_OFFSET;                                                             \
        int32_t *ids = out->data;                                                            \
        size_t at = out->n;                                                                  \
        for (size_t i = 0; i < len; i++) {                                                   \
            uint32_t c = d[i];                                                               \
            uint32_t cls = c < 128 ? RS_CLASS[c] : c == 0x212a ? 'k' : 0; /* KELVIN SIGN */     \
            if (cls > 1) {                                                                   \
                word[n++] = cls;                                                             \
                h = (h ^ cls) * FNV_PRIME;                                                   \
                continue;                                                                    \
            }                                                                                \
            if (c == 0x130) { /* lower-cases to "i" and a combining dot, which separates */  \
                word[n++] = 'i';                                                             \
                h = (h ^ 'i') * FNV_PRIME;                                                   \
            }                                                                                \
            if (n) {                                                                         \
                int32_t id = wordtable_intern(t, word, n, h);                                \
                if (id < 0) return -1;                                                       \
                ids[at++] = id;                                                              \
                n = 0;                                                                       \
                h = FNV_OFFSET;                                                              \
            }                                                                                \
            if (cls == 1) ids[at++] = KERNEL_LINE_END;                                       \
        }                                                                                    \
        if (n) {                                                                             \
            int32_t id = wordtable_intern(t, word, n, h);                                    \
            if (id < 0) return -1;                                                           \
            ids[at++] = id;                                                                  \
        }                                                                                    \
        ids[at++] = KERNEL_LINE_END;                                                         \
        out->n = at;                                                                         \
        return 0;                                                                            \
    }

SCAN_ROUGE_SCORE(scan_rs_1, uint8_t)
SCAN_ROUGE_SCORE(scan_rs_2, uint16_t)
SCAN_ROUGE_SCORE(scan_rs_4, uint32_t)

int scan_rouge_score(WordTable *t, const void *data, int kind, size_t len, IntBuf *out) {
    if (!rs_ready) rs_init();
    if (make_room(t, len, out)) return -1;
    if (kind == 1) return scan_rs_1(t, data, len, out);
    if (kind == 2) return scan_rs_2(t, data, len, out);
    return scan_rs_4(t, data, len, out);
}

#define SCAN_CLASSES(NAME, CHAR_T)                                                            \
    static int NAME(WordTable *t, const CHAR_T *d, size_t len, const uint8_t *classes,       \
                    IntBuf *out) {                                                           \
        uint32_t *word = t->scratch, n = 0;                                                  \
        uint64_t h = FNV_OFFSET;                                                             \
        int32_t *ids = out->data;                                                            \
        size_t at = out->n;                                                                  \
        for (size_t i = 0; i < len; i++) {                                                   \
            uint32_t c = d[i];                                                               \
            uint8_t cls = c < 0x110000 ? classes[c] : 0;                                     \
            if (cls == 1) {                                                                  \
                word[n++] = c;                                                               \
                h = (h ^ c) * FNV_PRIME;                                                     \
                continue;                                                                    \
            }                                                                                \
            if (n) {                                                                         \
                int32_t id = wordtable_intern(t, word, n, h);                                \
                if (id < 0) return -1;                                                       \
                ids[at++] = id;                                                              \
                n = 0;                                                                       \
                h = FNV_OFFSET;                                                              \
            }                                                                                \
            if (cls == 2) {                                                                  \
                int32_t id = wordtable_intern(t, &c, 1, (FNV_OFFSET ^ c) * FNV_PRIME);       \
                if (id < 0) return -1;                                                       \
                ids[at++] = id;                                                              \
            } else if (cls == 3) {                                                           \
                ids[at++] = KERNEL_LINE_END;                                                 \
            }                                                                                \
        }                                                                                    \
        if (n) {                                                                             \
            int32_t id = wordtable_intern(t, word, n, h);                                    \
            if (id < 0) return -1;                                                           \
            ids[at++] = id;                                                                  \
        }                                                                                    \
        ids[at++] = KERNEL_LINE_END;                                                         \
        out->n = at;                                                                         \
        return 0;                                                                            \
    }

SCAN_CLASSES(scan_cl_1, uint8_t)
SCAN_CLASSES(scan_cl_2, uint16_t)
SCAN_CLASSES(scan_cl_4, uint32_t)

int scan_classes(WordTable *t, const void *data, int kind, size_t len, const uint8_t *classes, IntBuf *out) {
    if (make_room(t, len, out)) return -1;
    if (kind == 1) return scan_cl_1(t, data, len, classes, out);
    if (kind == 2) return scan_cl_2(t, data, len, classes, out);
    return scan_cl_4(t, data, len, classes, out);
}
