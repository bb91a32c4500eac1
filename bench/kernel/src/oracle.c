/* The greedy extractive oracle's selection loop (see kernel.h and
 * bench/summarizers/oracle.py, whose Python loop this replays operation for operation). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

/* math.fsum (CPython's Shewchuk summation, finite inputs): statistics.fmean(xs) is
 * fsum(xs) / len(xs), exactly rounded, which a plain running sum is not. */
double exact_sum(const double *values, int64_t count, double *partials) {
    int64_t n = 0;
    for (int64_t k = 0; k < count; k++) {
        double x = values[k];
        int64_t i = 0;
        for (int64_t j = 0; j < n; j++) {
            double y = partials[j];
            if (fabs(x) < fabs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            double hi = x + y;
            double yr = hi - x;
            double lo = y - yr;
            if (lo != 0.0) partials[i++] = lo;
            x = hi;
        }
        n = i;
        if (x != 0.0) partials[n++] = x;
    }
    double hi = 0.0, lo = 0.0;
    if (n > 0) {
        hi = partials[--n];
        while (n > 0) {
            double x = hi, y = partials[--n];
            hi = x + y;
            double yr = hi - x;
            lo = y - yr;
            if (lo != 0.0) break;
        }
        /* half-even rounding across several partials, as CPython does */
        if (n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0))) {
            double y = lo * 2.0;
            double x = hi + y;
            double yr = x - hi;
            if (y == yr) hi = x;
        }
    }
    return hi;
}

/* oracle.py's _f1: clipped n-gram overlap F1 of the candidate against one reference. */
static double overlap_f1(GramTable *table, const int32_t *seq, int64_t len, int32_t stamp) {
    int64_t overlap = gramtable_overlap(table, seq, len, stamp);
    if (!overlap) return 0.0;
    double precision = (double)overlap / (double)(len - table->n + 1);
    double recall = (double)overlap / (double)table->total;
    return 2.0 * precision * recall / (precision + recall);
}

int64_t oracle_select(const int32_t *tok, const int64_t *starts, int64_t nsent, const int32_t *rtok,
                      const int64_t *rstarts, int64_t nref, int rule, int64_t limit, int64_t *chosen) {
    int64_t count = -1;
    GramTable *tables = calloc((size_t)(nref > 0 ? nref : 1) * 2, sizeof(GramTable));
    double *scores = malloc((size_t)(nref > 0 ? nref : 1) * 2 * sizeof(double)); /* and fsum's partials */
    int32_t *seq = malloc((size_t)(starts[nsent] - starts[0] + 1) * sizeof(int32_t));
    char *taken = calloc((size_t)(nsent > 0 ? nsent : 1), 1);
    if (!tables || !seq || !taken || !scores) goto done;
    for (int64_t r = 0; r < nref; r++) {
        const int32_t *ref = rtok + rstarts[r];
        int64_t len = rstarts[r + 1] - rstarts[r];
        if (gramtable_build(&tables[2 * r], ref, len, 1) || gramtable_build(&tables[2 * r + 1], ref, len, 2))
            goto done;
    }
    int32_t stamp = 0;
    int64_t picked = 0;
    double best = 0.0;
    while (picked < limit) {
        int64_t candidate = -1;
        double candidate_score = best;
        for (int64_t i = 0; i < nsent; i++) {
            if (taken[i]) continue;
            /* The chosen sentences and this one, in body order, joined. */
            int64_t len = 0;
            for (int64_t s = 0; s < nsent; s++) {
                if (!taken[s] && s != i) continue;
                int64_t n = starts[s + 1] - starts[s];
                memcpy(seq + len, tok + starts[s], (size_t)n * sizeof(int32_t));
                len += n;
            }
            double score = 0.0;
            for (int64_t r = 0; r < nref; r++) {
                scores[r] = (overlap_f1(&tables[2 * r], seq, len, stamp) +
                             overlap_f1(&tables[2 * r + 1], seq, len, stamp + 1)) /
                            2.0;
                stamp += 2;
                if (rule == 0 && (r == 0 || scores[r] > score)) score = scores[r]; /* max() */
            }
            if (rule == 1 && nref > 0) score = exact_sum(scores, nref, scores + nref) / (double)nref; /* fmean() */
            if (score > candidate_score) {
                candidate = i;
                candidate_score = score;
            }
        }
        if (candidate < 0) break;
        taken[candidate] = 1;
        chosen[picked++] = candidate;
        best = candidate_score;
    }
    count = picked;
done:
    if (tables)
        for (int64_t r = 0; r < 2 * nref; r++) gramtable_free(&tables[r]);
    free(tables);
    free(scores);
    free(seq);
    free(taken);
    return count;
}
