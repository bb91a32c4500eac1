/* Token ids per text and per line (see kernel.h).
 *
 * Lines are what rougeLsum calls sentences. rouge-score drops empty lines; a line
 * with no tokens adds nothing to the union LCS nor to the token totals, so only
 * lines that hold tokens are kept.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

void corpus_free(Corpus *c) {
    free(c->tok);
    free(c->tstart);
    free(c->lstart);
    free(c->lines);
    free(c->lends);
    memset(c, 0, sizeof(*c));
}

int corpus_build(Corpus *c, const int32_t *scan, const int64_t *scan_start, int64_t ntexts,
                 const int32_t *word_token, int32_t vocab) {
    memset(c, 0, sizeof(*c));
    size_t nscan = (size_t)scan_start[ntexts], nmarks = 0;
    for (size_t i = 0; i < nscan; i++) nmarks += scan[i] == KERNEL_LINE_END;
    c->tok = malloc((nscan - nmarks + 1) * sizeof(int32_t));
    c->tstart = malloc((size_t)(ntexts + 1) * sizeof(int64_t));
    c->lstart = malloc((size_t)(ntexts + 1) * sizeof(int64_t));
    c->lines = malloc((nmarks + 1) * sizeof(int64_t));
    c->lends = malloc((nmarks + 1) * sizeof(int64_t));
    if (!c->tok || !c->tstart || !c->lstart || !c->lines || !c->lends) {
        corpus_free(c);
        return -1;
    }
    if ((nscan - nmarks) * sizeof(int32_t) >= KERNEL_HUGE_MIN) {
        kernel_hint_huge(c->tok, (nscan - nmarks + 1) * sizeof(int32_t));
        kernel_hint_huge(c->lines, (nmarks + 1) * sizeof(int64_t));
        kernel_hint_huge(c->lends, (nmarks + 1) * sizeof(int64_t));
    }
    c->ntexts = ntexts;
    c->vocab = vocab;
    int64_t ntok = 0, nlines = 0;
    for (int64_t k = 0; k < ntexts; k++) {
        c->tstart[k] = ntok;
        c->lstart[k] = nlines;
        int64_t begin = ntok;
        for (int64_t i = scan_start[k]; i < scan_start[k + 1]; i++) {
            int32_t id = scan[i];
            if (id != KERNEL_LINE_END) {
                int32_t token = word_token[id];
                if (token >= 0) c->tok[ntok++] = token;
                continue;
            }
            if (ntok > begin) {
                c->lines[nlines] = begin;
                c->lends[nlines] = ntok;
                nlines++;
            }
            begin = ntok;
        }
        /* A scan ends every text with a mark, so no tokens are left over here. */
    }
    c->tstart[ntexts] = ntok;
    c->lstart[ntexts] = nlines;
    return 0;
}
