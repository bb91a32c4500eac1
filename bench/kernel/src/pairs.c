/* Per-pair ROUGE scores, rouge-score's formulas (see kernel.h). */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

struct Workspace {
    ScoreSpec spec;
    int32_t orders[16];
    int32_t vocab;
    int32_t stamp;
    int need_uni;
    UniTable uni;
    GramTable grams[16];
    LcsRef whole; /* the reference text, for rougeL */
    LcsRef line;  /* one reference line, for rougeLsum */
    int32_t *count_ref, *count_can; /* rougeLsum's token counters, vocab-sized */
    uint64_t *columns, *picked;
    size_t cap_columns, cap_picked;
};

double fmeasure(double precision, double recall) {
    /* rouge_score.scoring.fmeasure: 2 * precision * recall / (precision + recall). */
    if (precision + recall > 0) return 2.0 * precision * recall / (precision + recall);
    return 0.0;
}

static inline void put_prf(double *out, int64_t hits, int64_t pred_total, int64_t ref_total) {
    double precision = (double)hits / (double)pred_total;
    double recall = (double)hits / (double)ref_total;
    out[0] = precision;
    out[1] = recall;
    out[2] = fmeasure(precision, recall);
}

void workspace_free(Workspace *w) {
    if (!w) return;
    unitable_free(&w->uni);
    for (int32_t k = 0; k < w->spec.n_orders; k++) gramtable_free(&w->grams[k]);
    lcsref_free(&w->whole);
    lcsref_free(&w->line);
    free(w->count_ref);
    free(w->count_can);
    free(w->columns);
    free(w->picked);
    free(w);
}

Workspace *workspace_new(int32_t vocab, const ScoreSpec *spec) {
    if (spec->n_orders > 16) return NULL;
    Workspace *w = calloc(1, sizeof(Workspace));
    if (!w) return NULL;
    w->spec = *spec;
    memcpy(w->orders, spec->orders, (size_t)spec->n_orders * sizeof(int32_t));
    w->spec.orders = w->orders;
    w->vocab = vocab;
    size_t n = (size_t)(vocab > 0 ? vocab : 1);
    int ok = 1;
    for (int32_t k = 0; k < spec->n_orders; k++) w->need_uni |= spec->orders[k] == 1;
    if (w->need_uni) ok &= unitable_init(&w->uni, vocab) == 0;
    if (spec->want_l || spec->want_lsum) ok &= lcsref_init(&w->whole, vocab) == 0;
    if (spec->want_lsum) {
        ok &= lcsref_init(&w->line, vocab) == 0;
        w->count_ref = calloc(n, sizeof(int32_t));
        w->count_can = calloc(n, sizeof(int32_t));
        ok &= w->count_ref && w->count_can;
    }
    if (!ok) {
        workspace_free(w);
        return NULL;
    }
    return w;
}

static int grow_u64(uint64_t **buf, size_t *cap, size_t need) {
    if (need <= *cap) return 0;
    size_t size = *cap ? *cap : 256;
    while (size < need) size *= 2;
    free(*buf);
    *buf = malloc(size * sizeof(uint64_t));
    *cap = *buf ? size : 0;
    return *buf ? 0 : -1;
}

/* rouge-score's _summary_level_lcs hit count: for every reference line, the union
 * of the LCS indices rouge-score's backtrack picks against each candidate line, each
 * token counted while both sides still have an occurrence of it left. */
static int64_t summary_hits(Workspace *w, const Corpus *c, int64_t p, int64_t r, int64_t *status) {
    const int32_t *tok = c->tok;
    int64_t p0 = c->tstart[p], p1 = c->tstart[p + 1], r0 = c->tstart[r], r1 = c->tstart[r + 1];
    int32_t *cr = w->count_ref, *cc = w->count_can;
    for (int64_t i = r0; i < r1; i++) cr[tok[i]]++;
    for (int64_t i = p0; i < p1; i++) cc[tok[i]]++;
    int64_t longest_can = 0;
    for (int64_t l = c->lstart[p]; l < c->lstart[p + 1]; l++)
        if (c->lends[l] - c->lines[l] > longest_can) longest_can = c->lends[l] - c->lines[l];
    int64_t hits = 0;
    for (int64_t rl = c->lstart[r]; rl < c->lstart[r + 1]; rl++) {
        const int32_t *line = tok + c->lines[rl];
        int64_t len = c->lends[rl] - c->lines[rl];
        size_t words = (size_t)((len + 63) / 64);
        if (lcsref_set(&w->line, line, len) || grow_u64(&w->columns, &w->cap_columns, (size_t)(longest_can + 1) * words) ||
            grow_u64(&w->picked, &w->cap_picked, words)) {
            *status = -1;
            break;
        }
        memset(w->picked, 0, words * sizeof(uint64_t));
        for (int64_t pl = c->lstart[p]; pl < c->lstart[p + 1]; pl++)
            lcs_pick(&w->line, tok + c->lines[pl], c->lends[pl] - c->lines[pl], w->columns, w->picked);
        for (size_t word = 0; word < words; word++) {
            uint64_t bits = w->picked[word];
            while (bits) {
                int64_t i = (int64_t)word * 64 + __builtin_ctzll(bits);
                bits &= bits - 1;
                int32_t t = line[i];
                if (cc[t] > 0 && cr[t] > 0) {
                    hits++;
                    cc[t]--;
                    cr[t]--;
                }
            }
        }
        lcsref_clear(&w->line);
    }
    for (int64_t i = r0; i < r1; i++) cr[tok[i]] = 0;
    for (int64_t i = p0; i < p1; i++) cc[tok[i]] = 0;
    return hits;
}

static int set_reference(Workspace *w, const int32_t *seq, int64_t len) {
    if (w->need_uni) unitable_set(&w->uni, seq, len);
    for (int32_t k = 0; k < w->spec.n_orders; k++)
        if (w->orders[k] > 1 && gramtable_build(&w->grams[k], seq, len, w->orders[k])) return -1;
    if ((w->spec.want_l || w->spec.want_lsum) && lcsref_set(&w->whole, seq, len)) return -1;
    return 0;
}

static void clear_reference(Workspace *w, const int32_t *seq, int64_t len) {
    if (w->need_uni) unitable_clear(&w->uni, seq, len);
    if (w->spec.want_l || w->spec.want_lsum) lcsref_clear(&w->whole);
}

static int32_t next_stamp(Workspace *w) {
    if (w->stamp == INT32_MAX) {
        /* Stamps are about to repeat: forget every earlier query first. */
        if (w->need_uni) unitable_forget_stamps(&w->uni);
        for (int32_t k = 0; k < w->spec.n_orders; k++)
            for (uint32_t s = 0; w->grams[k].slots && s <= w->grams[k].mask; s++) w->grams[k].slots[s].stamp = -1;
        w->stamp = 0;
    }
    return w->stamp++;
}

int score_pairs(Workspace *w, const Corpus *c, const int32_t *pred, const int32_t *ref, const int64_t *order,
                int64_t lo, int64_t hi, double *out, const int64_t *dest) {
    const ScoreSpec *spec = &w->spec;
    int32_t ntypes = spec->n_orders + spec->want_l + spec->want_lsum;
    const int32_t *tok = c->tok;
    int64_t current = -1;
    const int32_t *R = NULL;
    int64_t m = 0, status = 0;
    for (int64_t at = lo; at < hi && !status; at++) {
        int64_t k = order[at];
        int64_t r = ref[k], p = pred[k];
        if (r != current) {
            if (current >= 0) clear_reference(w, R, m);
            R = tok + c->tstart[r];
            m = c->tstart[r + 1] - c->tstart[r];
            current = r;
            if (set_reference(w, R, m)) return -1;
        }
        const int32_t *P = tok + c->tstart[p];
        int64_t n = c->tstart[p + 1] - c->tstart[p];
        int32_t stamp = next_stamp(w);
        double *row = out + (size_t)(dest ? dest[k] : k) * ntypes * 3;
        for (int32_t o = 0; o < spec->n_orders; o++, row += 3) {
            int32_t order_n = spec->orders[o];
            int64_t hits = order_n == 1 ? unitable_overlap(&w->uni, P, n, stamp)
                                        : gramtable_overlap(&w->grams[o], P, n, stamp);
            int64_t pred_total = n >= order_n ? n - order_n + 1 : 0;
            int64_t ref_total = m >= order_n ? m - order_n + 1 : 0;
            put_prf(row, hits, pred_total > 1 ? pred_total : 1, ref_total > 1 ? ref_total : 1);
        }
        int64_t lcs = -1;
        if (spec->want_l) {
            if (n && m) {
                lcs = lcs_length(&w->whole, P, n);
                put_prf(row, lcs, n, m);
            } else {
                row[0] = row[1] = row[2] = 0.0;
            }
            row += 3;
        }
        if (spec->want_lsum) {
            if (n && m) {
                int64_t hits;
                if (c->lstart[p + 1] - c->lstart[p] <= 1 && c->lstart[r + 1] - c->lstart[r] <= 1)
                    hits = lcs >= 0 ? lcs : lcs_length(&w->whole, P, n); /* one line each: rougeL */
                else
                    hits = summary_hits(w, c, p, r, &status);
                put_prf(row, hits, n, m);
            } else {
                row[0] = row[1] = row[2] = 0.0;
            }
        }
    }
    if (current >= 0) clear_reference(w, R, m);
    return status ? -1 : 0;
}

void combine_references(const double *flat, const int64_t *first, int64_t npred, int32_t ntypes, int rule,
                        double *out) {
    for (int64_t i = 0; i < npred; i++) {
        int64_t a = first[i], b = first[i + 1];
        for (int32_t t = 0; t < ntypes; t++) {
            double *dst = out + ((size_t)i * ntypes + t) * 3;
            if (rule == 0) {
                int64_t best = a;
                for (int64_t row = a + 1; row < b; row++)
                    if (flat[((size_t)row * ntypes + t) * 3 + 2] > flat[((size_t)best * ntypes + t) * 3 + 2]) best = row;
                memcpy(dst, flat + ((size_t)best * ntypes + t) * 3, 3 * sizeof(double));
            } else {
                for (int q = 0; q < 3; q++) {
                    double sum = 0.0;
                    for (int64_t row = a; row < b; row++) sum += flat[((size_t)row * ntypes + t) * 3 + q];
                    dst[q] = sum / (double)(b - a);
                }
            }
        }
    }
}
