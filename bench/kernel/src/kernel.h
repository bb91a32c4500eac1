/* The compiled scoring kernel of headline-bench: plain C, no Python objects.
 *
 * words.c      word table (raw word -> id) and the tokenizer scans
 * corpus.c     token ids per text and per line, from a scan and a word -> token map
 * grams.c      n-gram tables (any n) and clipped overlap counts
 * lcs.c        bit-parallel LCS (Hyyro 2004) and rouge-score's backtracked LCS indices
 * pairs.c      per-pair rouge-N / rougeL / rougeLsum P, R, F and the multi-reference rules
 * oracle.c     the greedy extractive oracle's selection loop
 * porter.c     NLTK's Porter stemmer
 * sentences.c  the sentence splitter's rules (needs Python.h for Unicode predicates)
 * batch.c      a batch of pairs from raw texts to scores, in parts for threads (batch.h)
 *
 * Every floating-point result is computed with the same IEEE operations in the
 * same order as rouge-score's Python, so the numbers are identical, not close.
 * Build with -ffp-contract=off so no multiply-add is fused.
 */
#ifndef BENCH_KERNEL_H
#define BENCH_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define KERNEL_LINE_END (-3) /* in a scan: a line ends here */
#define KERNEL_DROPPED (-1)  /* in a word -> token map: the tokenizer drops this word */

/* ---- growable int32 buffer ---------------------------------------------- */
typedef struct {
    int32_t *data;
    size_t n, cap;
} IntBuf;

int intbuf_reserve(IntBuf *b, size_t extra);
void intbuf_free(IntBuf *b);
/* Asks for huge pages under a large buffer about to be filled (fewer page faults). */
void kernel_hint_huge(void *data, size_t bytes);
#define KERNEL_HUGE_MIN ((size_t)4 << 20) /* buffers worth the hint */

/* ---- word table: each distinct raw word gets the next id ------------------ */
typedef struct {
    uint32_t *chars;  /* every word's code points, one after another */
    size_t nchars, cap_chars;
    uint64_t *starts; /* word id -> offset in chars */
    uint32_t *lens;
    uint64_t *hashes;
    int32_t nwords, cap_words;
    uint64_t *slots; /* open addressing: hash's top 32 bits | word id + 1; 0 is empty */
    size_t nslots;  /* a power of two */
    uint32_t *scratch; /* the word being read */
    size_t cap_scratch;
} WordTable;

int wordtable_init(WordTable *t);
void wordtable_free(WordTable *t);
/* The id of word w[0..n), added if new; -1 when out of memory. */
int32_t wordtable_intern(WordTable *t, const uint32_t *w, uint32_t n, uint64_t hash);
uint64_t word_hash(const uint32_t *w, uint32_t n);

/* Tokenizer scans. ``kind`` is the text's bytes per code point (1, 2 or 4).
 * Each appends the ids of the text's words to ``out``, KERNEL_LINE_END after
 * every line (so also once at the very end). Return 0, or -1 when out of memory.
 *
 * rouge-score: str.lower(), then every code point outside [a-z0-9] separates words.
 * Only three kinds of code point lower-case to something in [a-z0-9]: ASCII, U+212A
 * (KELVIN SIGN: "k") and U+0130 ("i" and a combining dot, which separates); the
 * scan maps them so, so texts need no str.lower() first (test_kernel checks the
 * claim against every code point). */
int scan_rouge_score(WordTable *t, const void *data, int kind, size_t len, IntBuf *out);
/* classes: one byte per code point (0x110000 of them): 0 separates words, 1 is part
 * of a word, 2 is a word on its own (Han, Hiragana, Katakana), 3 ends a line. */
int scan_classes(WordTable *t, const void *data, int kind, size_t len, const uint8_t *classes, IntBuf *out);

/* Sets up the scans' tables; call once before any scan runs on a thread. */
void kernel_init(void);

/* ---- NLTK's Porter stemmer (NLTK_EXTENSIONS), for [a-z0-9] words ------------ */
/* Writes the stem of word[0..n) to out (room for n + 1; may be word itself);
 * returns its length. */
int porter_stem(const char *word, int n, char *out);

/* ---- corpus: token ids of every text, and of its lines -------------------- */
typedef struct {
    int32_t *tok;     /* token ids of all texts, one text after another */
    int64_t *tstart;  /* text k's tokens: tok[tstart[k] .. tstart[k+1]) */
    int64_t *lstart;  /* text k's lines: lines[lstart[k] .. lstart[k+1]) */
    int64_t *lines;   /* start offset (into tok) of every line that has tokens; */
    int64_t *lends;   /* ... and its end */
    int64_t ntexts;
    int32_t vocab;    /* every token id is below this */
} Corpus;

/* Build from a scan of ntexts texts (word ids and KERNEL_LINE_END marks; text k is
 * scan[scan_start[k] .. scan_start[k+1]) and ends with a mark) and a word -> token
 * map (KERNEL_DROPPED: the word is dropped). */
int corpus_build(Corpus *c, const int32_t *scan, const int64_t *scan_start, int64_t ntexts,
                 const int32_t *word_token, int32_t vocab);
void corpus_free(Corpus *c);

/* ---- n-gram tables -------------------------------------------------------- */
typedef struct {
    uint64_t hash;
    int32_t pos;   /* where the n-gram first occurs in the table's sequence */
    int32_t count; /* 0: empty slot */
    int32_t used;  /* overlap taken by the current query */
    int32_t stamp; /* the query ``used`` belongs to */
} GramSlot;

typedef struct {
    GramSlot *slots;
    uint32_t cap;  /* slots allocated */
    uint32_t mask; /* slots in use - 1 (a power of two - 1) */
    const int32_t *seq;
    int32_t n;     /* n-gram order */
    int64_t total; /* n-grams in the sequence */
} GramTable;

int gramtable_build(GramTable *g, const int32_t *seq, int64_t len, int32_t n);
/* Clipped overlap: sum over n-grams of min(count here, count in seq[0..len)). */
/* ``stamp`` names the query: a new one for each sequence looked up, never -1. */
int64_t gramtable_overlap(GramTable *g, const int32_t *seq, int64_t len, int32_t stamp);
void gramtable_free(GramTable *g);

/* Unigrams by token id (faster than hashing): counts per token of one sequence. */
typedef struct {
    int32_t *count, *used, *stamp; /* vocab-sized */
    int32_t vocab;
    int64_t total;
} UniTable;

int unitable_init(UniTable *u, int32_t vocab);
void unitable_set(UniTable *u, const int32_t *seq, int64_t len);
void unitable_clear(UniTable *u, const int32_t *seq, int64_t len);
int64_t unitable_overlap(UniTable *u, const int32_t *seq, int64_t len, int32_t stamp);
void unitable_forget_stamps(UniTable *u); /* before stamps are reused */
void unitable_free(UniTable *u);

/* ---- LCS ------------------------------------------------------------------ */
/* Match masks of one reference sequence: token -> bit mask of its positions. */
typedef struct {
    int32_t *slot;    /* vocab-sized: token -> mask index, -1 if absent */
    uint64_t *masks;  /* nmasks x words */
    int32_t nmasks;
    size_t cap_masks, cap_v;
    int32_t words;    /* 64-bit words per mask */
    const int32_t *seq;
    int64_t len;
    int32_t vocab;
    uint64_t *v;      /* scratch column */
} LcsRef;

int lcsref_init(LcsRef *r, int32_t vocab);
int lcsref_set(LcsRef *r, const int32_t *seq, int64_t len);
void lcsref_clear(LcsRef *r);
void lcsref_free(LcsRef *r);
int64_t lcs_length(LcsRef *r, const int32_t *can, int64_t n);
/* rouge-score's lcs_ind: set, in ``picked`` (a bit set over reference positions),
 * the reference indices of the LCS its backtrack picks. ``columns`` is scratch of
 * at least (n + 1) * r->words words. */
void lcs_pick(LcsRef *r, const int32_t *can, int64_t n, uint64_t *columns, uint64_t *picked);

/* ---- pairs ---------------------------------------------------------------- */
typedef struct {
    const int32_t *orders; /* n-gram orders to score (rougeN), in output order */
    int32_t n_orders;
    int32_t want_l, want_lsum; /* then rougeL, then rougeLsum */
} ScoreSpec;

typedef struct Workspace Workspace;
Workspace *workspace_new(int32_t vocab, const ScoreSpec *spec);
void workspace_free(Workspace *w);

/* Score pairs order[lo..hi) (pair k: text pred[k] against text ref[k]); pairs with
 * the same reference should be adjacent in ``order`` so its tables are built once.
 * Writes out[(j * ntypes + type) * 3 + {0, 1, 2}] = precision, recall, F1, where
 * row j is dest[k] (or k where dest is NULL). Returns 0, or -1 when out of memory.
 * Touches no Python object. */
int score_pairs(Workspace *w, const Corpus *c, const int32_t *pred, const int32_t *ref, const int64_t *order,
                int64_t lo, int64_t hi, double *out, const int64_t *dest);

/* Several references: rows [first[i], first[i+1]) of ``flat`` belong to prediction i.
 * rule 0: per type the row with the highest F1 (the first on ties, rouge-score's
 * score_multi); rule 1: the mean of the rows. */
void combine_references(const double *flat, const int64_t *first, int64_t npred, int32_t ntypes, int rule,
                        double *out);

double fmeasure(double precision, double recall);

/* ---- the greedy oracle ---------------------------------------------------- */
/* math.fsum of values[0..count) for finite values; partials: scratch of count doubles. */
double exact_sum(const double *values, int64_t count, double *partials);

/* Sentences s (tokens tok[starts[s] .. starts[s+1])), references r (tokens
 * rtok[rstarts[r] .. rstarts[r+1])). Greedily adds the sentence that most raises
 * the mean over n = 1, 2 of the F1 of the chosen sentences (joined in body order)
 * against the reference(s), while the score rises and fewer than ``limit`` are
 * chosen. With several references the score per candidate is combined by ``rule``
 * (0: max(), 1: statistics.fmean(), an exactly rounded sum over the count). Writes
 * chosen indices in the order chosen; returns how many, or -1 when out of memory. */
int64_t oracle_select(const int32_t *tok, const int64_t *starts, int64_t nsent, const int32_t *rtok,
                      const int64_t *rstarts, int64_t nref, int rule, int64_t limit, int64_t *chosen);

#endif
