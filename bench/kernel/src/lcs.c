/* Longest common subsequences, one bit per reference token (see kernel.h).
 *
 * Hyyro (2004): column V_j holds a 0 bit at row i where LCS(ref[:i+1], can[:j])
 * exceeds LCS(ref[:i], can[:j]), so LCS(ref[:i], can[:j]) = i - popcount(V_j & (2^i - 1)).
 * V_0 is all ones; V_j = (V + U) | (V - U) with U = V & match-mask(can[j-1]).
 * From the columns, rouge-score's DP table entries are read off without building
 * it, so its backtrack (and so which LCS it picks) is replayed exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

int lcsref_init(LcsRef *r, int32_t vocab) {
    memset(r, 0, sizeof(*r));
    size_t n = (size_t)(vocab > 0 ? vocab : 1);
    r->slot = malloc(n * sizeof(int32_t));
    if (!r->slot) return -1;
    memset(r->slot, 0xff, n * sizeof(int32_t));
    r->vocab = vocab;
    return 0;
}

void lcsref_free(LcsRef *r) {
    free(r->slot);
    free(r->masks);
    free(r->v);
    memset(r, 0, sizeof(*r));
}

int lcsref_set(LcsRef *r, const int32_t *seq, int64_t len) {
    size_t words = (size_t)((len + 63) / 64);
    if (words < 1) words = 1;
    r->words = (int32_t)words;
    r->seq = seq;
    r->len = len;
    r->nmasks = 0;
    /* One mask per distinct token (not per position: a long text repeats its words). */
    for (int64_t i = 0; i < len; i++)
        if (r->slot[seq[i]] < 0) r->slot[seq[i]] = r->nmasks++;
    size_t need = (size_t)(r->nmasks ? r->nmasks : 1) * words;
    if (need > r->cap_masks || words > r->cap_v) {
        free(r->masks);
        free(r->v);
        r->masks = malloc(need * sizeof(uint64_t));
        r->v = malloc(words * sizeof(uint64_t));
        r->cap_masks = r->masks ? need : 0;
        r->cap_v = r->v ? words : 0;
        if (!r->masks || !r->v) return -1;
    }
    memset(r->masks, 0, (size_t)r->nmasks * words * sizeof(uint64_t));
    for (int64_t i = 0; i < len; i++)
        r->masks[(size_t)r->slot[seq[i]] * words + (size_t)(i / 64)] |= 1ULL << (i % 64);
    return 0;
}

void lcsref_clear(LcsRef *r) {
    for (int64_t i = 0; i < r->len; i++) r->slot[r->seq[i]] = -1;
    r->len = 0;
    r->nmasks = 0;
}

static inline uint64_t low_bits(int64_t k) { return k >= 64 ? ~0ULL : ((1ULL << k) - 1); }

static void column_init(uint64_t *v, int32_t words, int64_t len) {
    for (int32_t w = 0; w < words; w++) v[w] = low_bits(len - (int64_t)w * 64);
}

/* One step of the recurrence, in place: V = (V + U) | (V & ~U), U = V & M. */
static inline void column_step(uint64_t *v, const uint64_t *m, int32_t words) {
    uint64_t carry = 0;
    for (int32_t w = 0; w < words; w++) {
        uint64_t a = v[w], u = a & m[w];
        uint64_t s = a + u;
        uint64_t c1 = s < a;
        uint64_t s2 = s + carry;
        uint64_t c2 = s2 < s;
        carry = c1 | c2;
        v[w] = s2 | (a & ~u);
    }
}

static int64_t popcount_below(const uint64_t *v, int64_t k) {
    int64_t count = 0, w = 0;
    for (; (w + 1) * 64 <= k; w++) count += __builtin_popcountll(v[w]);
    if (k > w * 64) count += __builtin_popcountll(v[w] & low_bits(k - w * 64));
    return count;
}

int64_t lcs_length(LcsRef *r, const int32_t *can, int64_t n) {
    int64_t m = r->len;
    if (!m || !n) return 0;
    const int32_t *slot = r->slot;
    if (r->words == 1) {
        uint64_t v = low_bits(m);
        const uint64_t *masks = r->masks;
        for (int64_t j = 0; j < n; j++) {
            int32_t s = slot[can[j]];
            if (s < 0) continue;
            uint64_t u = v & masks[s];
            v = (v + u) | (v - u);
        }
        return m - __builtin_popcountll(v & low_bits(m));
    }
    int32_t words = r->words;
    uint64_t *v = r->v;
    column_init(v, words, m);
    for (int64_t j = 0; j < n; j++) {
        int32_t s = slot[can[j]];
        if (s >= 0) column_step(v, r->masks + (size_t)s * words, words);
    }
    return m - popcount_below(v, m);
}

void lcs_pick(LcsRef *r, const int32_t *can, int64_t n, uint64_t *columns, uint64_t *picked) {
    int64_t m = r->len;
    if (!m || !n) return;
    int32_t words = r->words;
    column_init(columns, words, m);
    for (int64_t j = 0; j < n; j++) {
        uint64_t *v = columns + (size_t)(j + 1) * words;
        memcpy(v, v - words, (size_t)words * sizeof(uint64_t));
        int32_t s = r->slot[can[j]];
        if (s >= 0) column_step(v, r->masks + (size_t)s * words, words);
    }
    /* rouge_score.rouge_scorer._backtrack_norec, on the table the columns encode. */
    const int32_t *ref = r->seq;
    int64_t i = m, j = n;
    while (i > 0 && j > 0) {
        if (ref[i - 1] == can[j - 1]) {
            picked[(i - 1) / 64] |= 1ULL << ((i - 1) % 64);
            i--;
            j--;
            continue;
        }
        int64_t left = i - popcount_below(columns + (size_t)(j - 1) * words, i);    /* t[i][j-1] */
        int64_t up = (i - 1) - popcount_below(columns + (size_t)j * words, i - 1); /* t[i-1][j] */
        if (left > up) j--;
        else i--;
    }
}
