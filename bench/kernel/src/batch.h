/* Scoring a batch of text pairs straight from the texts' code points (batch.c). */
#ifndef BENCH_BATCH_H
#define BENCH_BATCH_H

#include "sentences.h" /* first: it includes Python.h, which must come before any system header */
#include "kernel.h"

/* A str's code points, read in place: kind is 1, 2 or 4 bytes per code point. */
typedef struct {
    const void *data;
    int64_t len;
    int32_t kind;
} TextRef;

#define BATCH_NOT_PLAIN (-2) /* a text is not a plain str (a subclass, or not one at all) */
#define BATCH_MAX_PARTS 256

typedef struct {
    PyObject *const *preds, *const *refs; /* pair k: str preds[k] against str refs[k] */
    int64_t npairs;
    const SplitRules *split;     /* split sentences into lines (rougeLsum), or NULL */
    int stem;                    /* Porter-stem words over three characters */
    ScoreSpec spec;
    double *out;                 /* npairs x types x 3, as score_pairs writes it */
} BatchJob;

/* rouge-score's tokenizer (and stemmer) and scores, for the pairs of part ``part``
 * of ``parts`` (by reference). Parts share no mutable state but their own rows,
 * so they may run at once on several threads without the GIL: they only read the
 * (immutable) str objects. Returns 0, -1 when out of memory, or BATCH_NOT_PLAIN. */
int batch_run_part(const BatchJob *job, int part, int parts);

/* Before Python 3.12, lays out a legacy str's code points (PyUnicode_READY), as the
 * parts need; with the GIL held. 0, or -1 with a Python error set. */
int batch_ready_text(PyObject *text);

#endif
