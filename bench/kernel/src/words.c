/* The word table and the tokenizer scans (see kernel.h). */
#include <stdlib.h>
#include <string.h>

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

int wordtable_init(WordTable *t) {
    memset(t, 0, sizeof(*t));
    t->nslots = 1 << 12;
    t->slots = calloc(t->nslots, sizeof(int32_t));
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
    int32_t *slots = calloc(nslots, sizeof(int32_t));
    if (!slots) return -1;
    for (int32_t id = 0; id < t->nwords; id++) {
        size_t s = slot_of(t->hashes[id], nslots);
        while (slots[s]) s = (s + 1) & (nslots - 1);
        slots[s] = id + 1;
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

int32_t wordtable_find(const WordTable *t, const uint32_t *w, uint32_t n, uint64_t hash) {
    size_t mask = t->nslots - 1;
    for (size_t s = slot_of(hash, t->nslots); t->slots[s]; s = (s + 1) & mask) {
        int32_t found = t->slots[s] - 1;
        if (t->hashes[found] == hash && t->lens[found] == n &&
            memcmp(t->chars + t->starts[found], w, n * sizeof(uint32_t)) == 0)
            return found;
    }
    return -1;
}

int32_t wordtable_intern(WordTable *t, const uint32_t *w, uint32_t n, uint64_t hash) {
    size_t mask = t->nslots - 1;
    size_t s = slot_of(hash, t->nslots);
    for (;;) {
        int32_t found = t->slots[s];
        if (!found) break;
        found -= 1;
        if (t->hashes[found] == hash && t->lens[found] == n &&
            memcmp(t->chars + t->starts[found], w, n * sizeof(uint32_t)) == 0)
            return found;
        s = (s + 1) & mask;
    }
    /* New word: keep the table at most half full. */
    if ((size_t)(t->nwords + 1) * 2 > t->nslots) {
        if (grow_slots(t)) return -1;
        mask = t->nslots - 1;
        s = slot_of(hash, t->nslots);
        while (t->slots[s]) s = (s + 1) & mask;
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
    t->slots[s] = id + 1;
    return id;
}

/* rouge-score's classes for ASCII: 0 separates, 1 ends a line, otherwise the
 * lower-cased character itself. */
static uint8_t RS_CLASS[128];
static int rs_ready = 0;

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

/* The word being read, in the table's scratch buffer (grown as needed: no word is cut). */
static inline int scratch_put(WordTable *t, size_t at, uint32_t c) {
    if (at >= t->cap_scratch) {
        size_t cap = t->cap_scratch ? t->cap_scratch * 2 : 256;
        uint32_t *buf = realloc(t->scratch, cap * sizeof(uint32_t));
        if (!buf) return -1;
        t->scratch = buf;
        t->cap_scratch = cap;
    }
    t->scratch[at] = c;
    return 0;
}

static inline uint32_t read_cp(const void *data, int kind, size_t i) {
    if (kind == 1) return ((const uint8_t *)data)[i];
    if (kind == 2) return ((const uint16_t *)data)[i];
    return ((const uint32_t *)data)[i];
}

/* End the word in scratch[0..n): intern it and append its id. */
static int emit_word(WordTable *t, uint32_t n, uint64_t h, IntBuf *out) {
    int32_t id = wordtable_intern(t, t->scratch, n, h);
    if (id < 0 || intbuf_reserve(out, 2)) return -1;
    out->data[out->n++] = id;
    return 0;
}

static int emit_mark(IntBuf *out) {
    if (intbuf_reserve(out, 1)) return -1;
    out->data[out->n++] = KERNEL_LINE_END;
    return 0;
}

int scan_rouge_score(WordTable *t, const void *data, int kind, size_t len, IntBuf *out) {
    if (!rs_ready) rs_init();
    uint32_t n = 0;
    uint64_t h = FNV_OFFSET;
    int rc = -1;
    for (size_t i = 0; i < len; i++) {
        uint32_t c = read_cp(data, kind, i);
        uint32_t cls = c < 128 ? RS_CLASS[c] : 0;
        if (cls > 1) {
            if (scratch_put(t, n, cls)) goto done;
            n++;
            h = (h ^ cls) * FNV_PRIME;
            continue;
        }
        if (n) {
            if (emit_word(t, n, h, out)) goto done;
            n = 0;
            h = FNV_OFFSET;
        }
        if (cls == 1 && emit_mark(out)) goto done;
    }
    if (n && emit_word(t, n, h, out)) goto done;
    if (emit_mark(out)) goto done;
    rc = 0;
done:
    return rc;
}

int scan_classes(WordTable *t, const void *data, int kind, size_t len, const uint8_t *classes, IntBuf *out) {
    uint32_t n = 0;
    uint64_t h = FNV_OFFSET;
    int rc = -1;
    for (size_t i = 0; i < len; i++) {
        uint32_t c = read_cp(data, kind, i);
        uint8_t cls = c < 0x110000 ? classes[c] : 0;
        if (cls == 1) {
            if (scratch_put(t, n, c)) goto done;
            n++;
            h = (h ^ c) * FNV_PRIME;
            continue;
        }
        if (n) {
            if (emit_word(t, n, h, out)) goto done;
            n = 0;
            h = FNV_OFFSET;
        }
        if (cls == 2) {
            if (scratch_put(t, 0, c)) goto done;
            if (emit_word(t, 1, (FNV_OFFSET ^ c) * FNV_PRIME, out)) goto done;
        } else if (cls == 3 && emit_mark(out)) {
            goto done;
        }
    }
    if (n && emit_word(t, n, h, out)) goto done;
    if (emit_mark(out)) goto done;
    rc = 0;
done:
    return rc;
}
