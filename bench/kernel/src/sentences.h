/* The sentence splitter's rules in C (sentences.c); needs Python.h for Unicode. */
#ifndef BENCH_SENTENCES_H
#define BENCH_SENTENCES_H

#include <Python.h>
#include <stdint.h>

#define WORDSET_SLOTS 512
#define WORDSET_MAX_LEN 24

/* A small set of lower-case ASCII words. */
typedef struct {
    char words[WORDSET_SLOTS][WORDSET_MAX_LEN];
    uint8_t lens[WORDSET_SLOTS];
    int n;
} WordSet;

/* The word lists of bench/tokenizers/sentences.py. */
typedef struct {
    WordSet titles, before_numbers, other_abbreviations, starters;
} SplitRules;

typedef struct {
    Py_ssize_t *data; /* start, end, start, end, ... in code points */
    size_t n, cap;
} SpanBuf;

/* Adds a word to a set; -1 if it is empty, too long, or the set is full. */
int wordset_add(WordSet *s, const char *w, int len);
/* split_sentences(text) as (start, end) spans of ``text`` (a str); -1 when out of memory. */
int split_spans(const SplitRules *rules, PyObject *text, SpanBuf *out);
/* The same on a str's raw code points (kind: 1, 2 or 4 bytes each). Touches no
 * Python object and no interpreter state, so it runs without the GIL. */
int split_spans_data(const SplitRules *rules, const void *data, int kind, Py_ssize_t len, SpanBuf *out);

#endif
