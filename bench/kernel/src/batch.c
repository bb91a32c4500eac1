/* A batch of text pairs scored from the texts' raw code points, in parts that
 * share nothing, so each part runs on its own thread without the GIL.
 *
 * A part takes the pairs whose reference falls to it (a reference's pairs stay
 * together), and on its own: gives each distinct text an id, splits it into
 * sentences (rougeLsum's lines), scans its words, stems each distinct word once
 * (porter.c), builds its corpus and scores its pairs. Token ids only have to
 * agree within a pair, and both texts of a pair are in the same part, so no part
 * waits for another and nothing is merged: the parts' only shared writes are
 * their own pairs' rows of ``out``.
 *
 * The texts are read in place from their str objects, which are immutable; the
 * lists holding them are the caller's private copies. When a part finds a text
 * that is not a plain str, it stops and says so (BATCH_NOT_PLAIN), and the caller
 * (holding the GIL) deals with it.
 */
#include "batch.h" /* first: it includes Python.h */

#include <stdlib.h>
#include <string.h>

/* ---- which part a reference falls to ---------------------------------------- */
static inline uint32_t code_point(const TextRef *t, int64_t i) {
    if (t->kind == 1) return ((const uint8_t *)t->data)[i];
    if (t->kind == 2) return ((const uint16_t *)t->data)[i];
    return ((const uint32_t *)t->data)[i];
}

/* A str's code points, or 0 when it is not a plain str (or, before Python 3.12, a
 * legacy one whose code points are not laid out yet). */
static int text_ref(PyObject *o, TextRef *t) {
    if (!PyUnicode_CheckExact(o)) return 0;
#if PY_VERSION_HEX < 0x030C0000
    if (!PyUnicode_IS_READY(o)) return 0;
#endif
    t->data = PyUnicode_DATA(o);
    t->kind = (int32_t)PyUnicode_KIND(o);
    t->len = (int64_t)PyUnicode_GET_LENGTH(o);
    return 1;
}

/* Equal texts must fall in the same bucket; the length and a few code points do. */
#define BUCKETS 256
static int bucket_of(const TextRef *t) {
    uint64_t h = (uint64_t)t->len * 0x9e3779b97f4a7c15ULL;
    int64_t step = t->len / 8 + 1;
    for (int64_t i = 0; i < t->len; i += step) h = (h ^ code_point(t, i)) * 0x100000001b3ULL;
    if (t->len) h = (h ^ code_point(t, t->len - 1)) * 0x100000001b3ULL;
    h ^= h >> 31;
    return (int)(h % BUCKETS);
}

/* Buckets to parts, the largest bucket first to the part with the fewest pairs so
 * far (ties: the lower part). Every part computes the same answer on its own. */
static void assign_buckets(const int64_t *pairs_in, int parts, int *part_of_bucket) {
    int64_t load[BATCH_MAX_PARTS] = {0};
    int order[BUCKETS];
    for (int b = 0; b < BUCKETS; b++) order[b] = b;
    for (int i = 1; i < BUCKETS; i++) { /* insertion sort, largest first, stable */
        int b = order[i], j = i;
        while (j > 0 && pairs_in[order[j - 1]] < pairs_in[b]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = b;
    }
    for (int i = 0; i < BUCKETS; i++) {
        int best = 0;
        for (int q = 1; q < parts; q++)
            if (load[q] < load[best]) best = q;
        part_of_bucket[order[i]] = best;
        load[best] += pairs_in[order[i]];
    }
}

/* ---- distinct texts ------------------------------------------------------- */
static uint64_t text_hash(const TextRef *t) {
    const uint8_t *p = t->data;
    size_t bytes = (size_t)t->len * (size_t)t->kind, i = 0;
    uint64_t h = 0x243f6a8885a308d3ULL ^ (uint64_t)bytes;
    for (; i + 8 <= bytes; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        h = (h ^ v) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    uint64_t tail = 0;
    memcpy(&tail, p + i, bytes - i);
    h = (h ^ tail) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

typedef struct {
    TextRef *texts; /* by id */
    int32_t ntexts;
    int32_t *slots; /* id + 1, 0 empty */
    uint64_t *hashes;
    size_t nslots;
} TextTable;

static int texttable_init(TextTable *t, int64_t most) {
    t->nslots = 64;
    while (t->nslots < (size_t)most * 2) t->nslots *= 2;
    t->slots = calloc(t->nslots, sizeof(int32_t));
    t->texts = malloc((size_t)(most + 1) * sizeof(TextRef));
    t->hashes = malloc((size_t)(most + 1) * sizeof(uint64_t));
    t->ntexts = 0;
    return t->slots && t->texts && t->hashes ? 0 : -1;
}

static void texttable_free(TextTable *t) {
    free(t->slots);
    free(t->texts);
    free(t->hashes);
}

static int same_text(const TextRef *a, const TextRef *b) {
    return a->data == b->data ||
           (a->len == b->len && a->kind == b->kind && memcmp(a->data, b->data, (size_t)a->len * (size_t)a->kind) == 0);
}

/* The id of text t (the table has room for every text it will be given). */
static int32_t texttable_id(TextTable *t, const TextRef *text) {
    uint64_t h = text_hash(text);
    size_t mask = t->nslots - 1;
    for (size_t s = (size_t)h & mask;; s = (s + 1) & mask) {
        int32_t v = t->slots[s];
        if (!v) {
            t->texts[t->ntexts] = *text;
            t->hashes[t->ntexts] = h;
            t->slots[s] = ++t->ntexts;
            return t->ntexts - 1;
        }
        if (t->hashes[v - 1] == h && same_text(&t->texts[v - 1], text)) return v - 1;
    }
}

/* ---- words of a text -------------------------------------------------------- */
static int scan_text(WordTable *words, const SplitRules *split, SpanBuf *spans, const TextRef *t, IntBuf *out) {
    if (!split) return scan_rouge_score(words, t->data, t->kind, (size_t)t->len, out);
    /* rougeLsum's lines: the sentences, each scanned on its own and ended by a mark,
     * as the text "\n".join(split_sentences(text)) scans. */
    if (split_spans_data(split, t->data, t->kind, t->len, spans)) return -1;
    for (size_t i = 0; i < spans->n; i += 2) {
        const uint8_t *start = (const uint8_t *)t->data + (size_t)spans->data[i] * (size_t)t->kind;
        if (scan_rouge_score(words, start, t->kind, (size_t)(spans->data[i + 1] - spans->data[i]), out)) return -1;
    }
    if (spans->n == 0) {
        if (intbuf_reserve(out, 1)) return -1;
        out->data[out->n++] = KERNEL_LINE_END;
    }
    return 0;
}

/* word id -> token id. Stemming (words over three characters, as rouge-score), a
 * word's token is the id of its Porter stem in the same table: the word itself
 * when the stem is the word, else the stem, added to the table if no text has it
 * as a word. Returns the vocabulary size (every token id is below it), or -1. */
static int32_t tokens_of_words(WordTable *words, int stem, int32_t *word_token) {
    int32_t nwords = words->nwords;
    for (int32_t w = 0; w < nwords; w++) word_token[w] = w;
    if (!stem) return nwords;
    char *buf = NULL;
    uint32_t *cps = NULL;
    size_t cap = 0;
    for (int32_t w = 0; w < nwords; w++) {
        uint32_t n = words->lens[w];
        if (n <= 3) continue;
        if (n + 2 > cap) {
            cap = (n + 2) * 2;
            char *b = realloc(buf, cap);
            uint32_t *c = realloc(cps, cap * sizeof(uint32_t));
            if (b) buf = b;
            if (c) cps = c;
            if (!b || !c) goto fail;
        }
        const uint32_t *chars = words->chars + words->starts[w]; /* read before the table grows */
        for (uint32_t i = 0; i < n; i++) buf[i] = (char)chars[i]; /* [a-z0-9]: the scan made it */
        uint32_t len = (uint32_t)porter_stem(buf, (int)n, buf), same = len == n;
        for (uint32_t i = 0; i < len; i++) {
            cps[i] = (uint8_t)buf[i];
            same = same && cps[i] == chars[i];
        }
        if (same) continue;
        if (len == 0) { /* rouge-score's VALID_TOKEN_RE drops it; a Porter stem is never empty */
            word_token[w] = KERNEL_DROPPED;
            continue;
        }
        int32_t id = wordtable_intern(words, cps, len, word_hash(cps, len));
        if (id < 0) goto fail;
        word_token[w] = id;
    }
    free(buf);
    free(cps);
    return words->nwords;
fail:
    free(buf);
    free(cps);
    return -1;
}

/* ---- one part --------------------------------------------------------------- */
typedef struct {
    int64_t *mine;  /* this part's pairs (their numbers in the batch) */
    int32_t *pred_tid, *ref_tid; /* by position in mine */
    int64_t *order; /* positions in mine, a reference's pairs side by side */
    int64_t *scan_start;
    int32_t *word_token, *count;
    TextTable texts;
    WordTable words;
    IntBuf scan;
    SpanBuf spans;
    Corpus corpus;
    Workspace *workspace;
} Part;

static void part_free(Part *p) {
    free(p->mine);
    free(p->pred_tid);
    free(p->ref_tid);
    free(p->order);
    free(p->scan_start);
    free(p->word_token);
    free(p->count);
    texttable_free(&p->texts);
    wordtable_free(&p->words);
    intbuf_free(&p->scan);
    free(p->spans.data);
    corpus_free(&p->corpus);
    workspace_free(p->workspace);
}

/* This part's pairs into p->mine; returns how many, or -1 / BATCH_NOT_PLAIN. */
static int64_t take_pairs(const BatchJob *job, Part *p, int part, int parts) {
    int64_t n = 0, npairs = job->npairs;
    if (parts == 1) {
        p->mine = malloc((size_t)(npairs + 1) * sizeof(int64_t));
        if (!p->mine) return -1;
        for (int64_t k = 0; k < npairs; k++) p->mine[k] = k;
        return npairs;
    }
    uint8_t *bucket = malloc((size_t)npairs + 1); /* a byte a pair: the bucket of its reference */
    if (!bucket) return -1;
    int64_t pairs_in[BUCKETS] = {0};
    int part_of_bucket[BUCKETS];
    TextRef t;
    for (int64_t k = 0; k < npairs; k++) {
        if (!text_ref(job->refs[k], &t)) {
            free(bucket);
            return BATCH_NOT_PLAIN;
        }
        bucket[k] = (uint8_t)bucket_of(&t);
        pairs_in[bucket[k]]++;
    }
    assign_buckets(pairs_in, parts, part_of_bucket);
    for (int b = 0; b < BUCKETS; b++) n += part_of_bucket[b] == part ? pairs_in[b] : 0;
    p->mine = malloc((size_t)(n + 1) * sizeof(int64_t)); /* this part's share only */
    if (!p->mine) {
        free(bucket);
        return -1;
    }
    n = 0;
    for (int64_t k = 0; k < npairs; k++)
        if (part_of_bucket[bucket[k]] == part) p->mine[n++] = k;
    free(bucket);
    return n;
}

static int run_part(const BatchJob *job, Part *p, int part, int parts) {
    if (job->npairs == 0) return 0;
    int64_t n = take_pairs(job, p, part, parts);
    if (n < 0) return (int)n;
    if (texttable_init(&p->texts, 2 * n)) return -1;
    /* Text ids by this part's own pair numbers (i, for pair mine[i]): arrays no other
     * part writes, so no two cores write to one cache line. */
    p->pred_tid = malloc((size_t)(n + 1) * sizeof(int32_t));
    p->ref_tid = malloc((size_t)(n + 1) * sizeof(int32_t));
    if (!p->pred_tid || !p->ref_tid) return -1;
    TextRef t;
    for (int64_t i = 0; i < n; i++) {
        if (!text_ref(job->preds[p->mine[i]], &t)) return BATCH_NOT_PLAIN;
        p->pred_tid[i] = texttable_id(&p->texts, &t);
    }
    for (int64_t i = 0; i < n; i++) {
        if (!text_ref(job->refs[p->mine[i]], &t)) return BATCH_NOT_PLAIN;
        p->ref_tid[i] = texttable_id(&p->texts, &t);
    }

    int32_t ntexts = p->texts.ntexts;
    p->scan_start = malloc((size_t)(ntexts + 1) * sizeof(int64_t));
    if (!p->scan_start || wordtable_init(&p->words)) return -1;
    /* Room for every scan at once (at most a word or mark per code point, and a mark
     * per text): pages never touched cost nothing, and no growth means no copies and
     * no remapping, which would stall the other parts' page faults. */
    size_t room = 0;
    for (int32_t k = 0; k < ntexts; k++) room += (size_t)p->texts.texts[k].len + 2;
    if (intbuf_reserve(&p->scan, room)) return -1;
    if (room * sizeof(int32_t) >= KERNEL_HUGE_MIN) kernel_hint_huge(p->scan.data, room * sizeof(int32_t));
    for (int32_t k = 0; k < ntexts; k++) {
        p->scan_start[k] = (int64_t)p->scan.n;
        if (scan_text(&p->words, job->split, &p->spans, &p->texts.texts[k], &p->scan)) return -1;
    }
    p->scan_start[ntexts] = (int64_t)p->scan.n;

    p->word_token = malloc((size_t)(p->words.nwords + 1) * sizeof(int32_t));
    if (!p->word_token) return -1;
    int32_t vocab = tokens_of_words(&p->words, job->stem, p->word_token);
    if (vocab < 0 || corpus_build(&p->corpus, p->scan.data, p->scan_start, ntexts, p->word_token, vocab)) return -1;

    /* A reference's pairs side by side (a counting sort, stable), so its tables are built once. */
    p->order = malloc((size_t)(n + 1) * sizeof(int64_t));
    p->count = calloc((size_t)ntexts + 1, sizeof(int32_t));
    if (!p->order || !p->count) return -1;
    for (int64_t i = 0; i < n; i++) p->count[p->ref_tid[i] + 1]++;
    for (int32_t k = 0; k < ntexts; k++) p->count[k + 1] += p->count[k];
    for (int64_t i = 0; i < n; i++) p->order[p->count[p->ref_tid[i]]++] = i;

    p->workspace = workspace_new(vocab, &job->spec);
    if (!p->workspace) return -1;
    return score_pairs(p->workspace, &p->corpus, p->pred_tid, p->ref_tid, p->order, 0, n, job->out, p->mine);
}

int batch_ready_text(PyObject *text) {
#if PY_VERSION_HEX < 0x030C0000
    return PyUnicode_READY(text);
#else
    (void)text;
    return 0;
#endif
}

int batch_run_part(const BatchJob *job, int part, int parts) {
    if (parts < 1 || parts > BATCH_MAX_PARTS || part < 0 || part >= parts) return -1;
    Part p;
    memset(&p, 0, sizeof(p));
    int rc = run_part(job, &p, part, parts);
    part_free(&p);
    return rc;
}
