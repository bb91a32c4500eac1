/* Clipped n-gram overlap counts (see kernel.h).
 *
 * rouge-score's _score_ngrams sums min(count in target, count in prediction) over
 * the target's n-grams. Here the reference's n-grams go into a table once; a
 * prediction's n-grams are looked up one by one, each taking one more of its
 * n-gram's reference count while any is left, which sums to the same minimum.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

static inline uint64_t gram_hash(const int32_t *t, int32_t n) {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (int32_t k = 0; k < n; k++) {
        h ^= (uint32_t)t[k];
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    return h;
}

static inline int same_gram(const int32_t *a, const int32_t *b, int32_t n) {
    for (int32_t k = 0; k < n; k++)
        if (a[k] != b[k]) return 0;
    return 1;
}

int gramtable_build(GramTable *g, const int32_t *seq, int64_t len, int32_t n) {
    int64_t total = len >= n ? len - n + 1 : 0;
    uint32_t size = 16; /* at most half full */
    while ((int64_t)size < total * 2) size *= 2;
    if (size > g->cap) {
        free(g->slots);
        g->slots = malloc((size_t)size * sizeof(GramSlot));
        g->cap = g->slots ? size : 0;
        if (!g->slots) return -1;
    }
    memset(g->slots, 0, (size_t)size * sizeof(GramSlot));
    g->seq = seq;
    g->n = n;
    g->total = total;
    g->mask = size - 1;
    for (int64_t i = 0; i < total; i++) {
        uint64_t h = gram_hash(seq + i, n);
        uint32_t s = (uint32_t)h & g->mask;
        for (;;) {
            GramSlot *slot = &g->slots[s];
            if (!slot->count) {
                slot->hash = h;
                slot->pos = (int32_t)i;
                slot->count = 1;
                slot->stamp = -1;
                break;
            }
            if (slot->hash == h && same_gram(seq + slot->pos, seq + i, n)) {
                slot->count++;
                break;
            }
            s = (s + 1) & g->mask;
        }
    }
    return 0;
}

int64_t gramtable_overlap(GramTable *g, const int32_t *seq, int64_t len, int32_t stamp) {
    int32_t n = g->n;
    if (!g->total || len < n) return 0;
    uint32_t mask = g->mask;
    int64_t hits = 0;
    for (int64_t i = 0; i + n <= len; i++) {
        uint64_t h = gram_hash(seq + i, n);
        uint32_t s = (uint32_t)h & mask;
        for (;;) {
            GramSlot *slot = &g->slots[s];
            if (!slot->count) break;
            if (slot->hash == h && same_gram(g->seq + slot->pos, seq + i, n)) {
                if (slot->stamp != stamp) {
                    slot->stamp = stamp;
                    slot->used = 0;
                }
                if (slot->used < slot->count) {
                    slot->used++;
                    hits++;
                }
                break;
            }
            s = (s + 1) & mask;
        }
    }
    return hits;
}

void gramtable_free(GramTable *g) {
    free(g->slots);
    memset(g, 0, sizeof(*g));
}

int unitable_init(UniTable *u, int32_t vocab) {
    memset(u, 0, sizeof(*u));
    size_t n = (size_t)(vocab > 0 ? vocab : 1);
    u->count = calloc(n, sizeof(int32_t));
    u->used = calloc(n, sizeof(int32_t));
    u->stamp = malloc(n * sizeof(int32_t));
    if (!u->count || !u->used || !u->stamp) {
        unitable_free(u);
        return -1;
    }
    memset(u->stamp, 0xff, n * sizeof(int32_t)); /* -1: no query yet */
    u->vocab = vocab;
    return 0;
}

void unitable_set(UniTable *u, const int32_t *seq, int64_t len) {
    for (int64_t i = 0; i < len; i++) u->count[seq[i]]++;
    u->total = len;
}

void unitable_clear(UniTable *u, const int32_t *seq, int64_t len) {
    for (int64_t i = 0; i < len; i++) u->count[seq[i]] = 0;
    u->total = 0;
}

int64_t unitable_overlap(UniTable *u, const int32_t *seq, int64_t len, int32_t stamp) {
    int64_t hits = 0;
    int32_t *count = u->count, *used = u->used, *stamps = u->stamp;
    for (int64_t i = 0; i < len; i++) {
        int32_t t = seq[i];
        int32_t c = count[t];
        if (!c) continue;
        if (stamps[t] != stamp) {
            stamps[t] = stamp;
            used[t] = 0;
        }
        if (used[t] < c) {
            used[t]++;
            hits++;
        }
    }
    return hits;
}

void unitable_forget_stamps(UniTable *u) {
    memset(u->stamp, 0xff, (size_t)(u->vocab > 0 ? u->vocab : 1) * sizeof(int32_t));
}

void unitable_free(UniTable *u) {
    free(u->count);
    free(u->used);
    free(u->stamp);
    memset(u, 0, sizeof(*u));
}
