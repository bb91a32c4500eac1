# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The compiled scoring kernel: Python glue over the C in ``src/`` (see src/kernel.h).

Everything that runs per character, per token or per pair is C; Python is
called only once per distinct word (its stem, from the project's own stemmer)
and once per text the tokenizer must prepare (NFKC and case folding for the
unicode tokenizer). ``score_texts`` runs rouge-score's tokenizer with NLTK's
Porter stemmer entirely in C (src/batch.c, src/porter.c), in threads that
release the GIL: that is what lets a batch use several cores.
"""

import array

from cpython.dict cimport PyDict_GetItemWithError
from cpython.long cimport PyLong_AsLong
from cpython.ref cimport PyObject
from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memset

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void *PyUnicode_DATA(object o)
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    object PyUnicode_Substring(object s, Py_ssize_t start, Py_ssize_t end)
    unsigned int PyUnicode_READ(int kind, void *data, Py_ssize_t index)

cdef extern from "src/kernel.h":
    int KERNEL_LINE_END
    int KERNEL_DROPPED

    ctypedef struct IntBuf:
        int32_t *data
        size_t n, cap
    int intbuf_reserve(IntBuf *b, size_t extra)
    void intbuf_free(IntBuf *b)

    ctypedef struct WordTable:
        uint32_t *chars
        uint64_t *starts
        uint32_t *lens
        int32_t nwords
    int wordtable_init(WordTable *t)
    void wordtable_free(WordTable *t)
    int32_t wordtable_intern(WordTable *t, const uint32_t *w, uint32_t n, uint64_t hash)
    uint64_t word_hash(const uint32_t *w, uint32_t n)
    int scan_rouge_score(WordTable *t, const void *data, int kind, size_t len, IntBuf *out)
    int scan_classes(WordTable *t, const void *data, int kind, size_t len, const uint8_t *classes, IntBuf *out)

    ctypedef struct CCorpus "Corpus":
        int32_t *tok
        int64_t *tstart
        int64_t *lstart
        int64_t *lines
        int64_t *lends
        int64_t ntexts
        int32_t vocab
    int corpus_build(CCorpus *c, const int32_t *scan, const int64_t *scan_start, int64_t ntexts,
                     const int32_t *word_token, int32_t vocab)
    void corpus_free(CCorpus *c)

    ctypedef struct ScoreSpec:
        const int32_t *orders
        int32_t n_orders
        int32_t want_l, want_lsum
    ctypedef struct Workspace:
        pass
    Workspace *workspace_new(int32_t vocab, const ScoreSpec *spec)
    void workspace_free(Workspace *w)
    int c_score_pairs "score_pairs"(Workspace *w, const CCorpus *c, const int32_t *pred, const int32_t *ref, const int64_t *order,
                    int64_t lo, int64_t hi, double *out, const int64_t *dest) nogil
    void combine_references(const double *flat, const int64_t *first, int64_t npred, int32_t ntypes, int rule,
                            double *out) nogil
    double exact_sum(const double *values, int64_t count, double *partials)
    int64_t oracle_select(const int32_t *tok, const int64_t *starts, int64_t nsent, const int32_t *rtok,
                          const int64_t *rstarts, int64_t nref, int rule, int64_t limit, int64_t *chosen)

cdef extern from "src/sentences.h":
    ctypedef struct WordSet:
        pass
    ctypedef struct SplitRules:
        WordSet titles, before_numbers, other_abbreviations, starters
    ctypedef struct SpanBuf:
        Py_ssize_t *data
        size_t n, cap
    int wordset_add(WordSet *s, const char *w, int len)
    int split_spans(const SplitRules *rules, object text, SpanBuf *out)

cdef extern from "src/batch.h":
    void kernel_init()
    int c_porter_stem "porter_stem"(const char *word, int n, char *out)
    ctypedef struct TextRef:
        const void *data
        int64_t len
        int32_t kind
    int BATCH_NOT_PLAIN
    int BATCH_MAX_PARTS
    int batch_ready_text(PyObject *text)
    ctypedef struct BatchJob:
        PyObject **preds
        PyObject **refs
        int64_t npairs
        const SplitRules *split
        int stem
        ScoreSpec spec
        double *out
    int batch_run_part(const BatchJob *job, int part, int parts) nogil


cdef extern from *:
    """
    #ifndef KERNEL_SOURCE_HASH
    #define KERNEL_SOURCE_HASH ""
    #endif
    """
    const char *KERNEL_SOURCE_HASH

SOURCE_HASH = KERNEL_SOURCE_HASH.decode("ascii")  # of the sources this was built from (setup.py)
kernel_init()  # the scans' tables, before any thread scans
LINE_END = "\x00"  # bench.tokenizers.words.LINE_END: ends a line in words_by_line()
_MISSING = object()
_SCAN_MODES = {"rouge-score": 0, "classes": 1, "words": 2}
_RULES = {None: 0, "rouge-score": 1, "unicode": 2}


def index_texts(list preds, list refs, Py_ssize_t parts=1, Py_ssize_t part=0):
    """(distinct texts in first-seen order, each pair's prediction text index, each
    pair's reference text index, the pairs' indices) for pairs (preds[k], refs[k]).

    With ``parts`` > 1, only the pairs whose reference's hash falls in ``part``
    (of ``parts``): a reference's pairs always fall together, and forked workers
    find their own share without anyone counting for them."""
    import numpy
    cdef Py_ssize_t n = len(preds), i, taken = 0
    if len(refs) != n:
        raise ValueError("preds and refs differ in length")
    if not 0 <= part < parts:
        raise ValueError("part must be in range(parts)")
    chunk = numpy.empty(n, dtype=numpy.int64)
    cdef int64_t[::1] c = chunk
    cdef Py_hash_t h
    for i in range(n):
        if parts > 1:
            h = hash(refs[i])
            if (h % parts + parts) % parts != part:
                continue
        c[taken] = i
        taken += 1
    chunk = chunk[:taken]
    pred_tid = numpy.empty(taken, dtype=numpy.int32)
    ref_tid = numpy.empty(taken, dtype=numpy.int32)
    cdef int32_t[::1] p = pred_tid, r = ref_tid
    cdef dict ids = {}
    cdef list texts = []
    for i in range(taken):
        p[i] = _text_id(ids, texts, preds[c[i]])
    for i in range(taken):
        r[i] = _text_id(ids, texts, refs[c[i]])
    return texts, pred_tid, ref_tid, chunk


cdef bint _is_ascii_alnum(object token):
    """Whether re.match(r"^[a-z0-9]+$", token) matches ($ also before a final newline)."""
    if not isinstance(token, str) or not token.isascii():
        return False
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(token)
    cdef int kind = PyUnicode_KIND(token)
    cdef void *data = PyUnicode_DATA(token)
    cdef uint32_t c
    if n and PyUnicode_READ(kind, data, n - 1) == 10:
        n -= 1
    if n == 0:
        return False
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if not ((c >= 97 and c <= 122) or (c >= 48 and c <= 57)):
            return False
    return True


cdef inline int32_t _text_id(dict ids, list texts, object text) except -1:
    if type(text) is not str:
        if not isinstance(text, str):
            raise TypeError(f"texts must be str, not {type(text).__name__}")
        text = str(text)
    cdef PyObject *found = PyDict_GetItemWithError(ids, text)
    if found != NULL:
        return <int32_t>PyLong_AsLong(<object>found)
    cdef Py_ssize_t k = len(texts)
    ids[text] = k
    texts.append(text)
    return <int32_t>k


cdef class Corpus:
    """Token ids of a batch of texts and of their lines (rougeLsum's sentences)."""

    cdef CCorpus c

    def __dealloc__(self):
        corpus_free(&self.c)

    @property
    def ntexts(self) -> int:
        return self.c.ntexts

    @property
    def vocab(self) -> int:
        return self.c.vocab

    def tokens(self, Py_ssize_t k) -> list:
        """Token ids of text k (for tests and debugging)."""
        self._check(k)
        return [self.c.tok[i] for i in range(self.c.tstart[k], self.c.tstart[k + 1])]

    def lines(self, Py_ssize_t k) -> list:
        """Token ids of each line of text k that has tokens."""
        self._check(k)
        return [[self.c.tok[i] for i in range(self.c.lines[l], self.c.lends[l])]
                for l in range(self.c.lstart[k], self.c.lstart[k + 1])]

    cdef _check(self, Py_ssize_t k):
        if not 0 <= k < self.c.ntexts:
            raise IndexError(f"text {k} out of range (0..{self.c.ntexts - 1})")


cdef class Scan:
    """Word ids of a batch of texts, before they become tokens (Vocabulary.scan)."""

    cdef IntBuf buf
    cdef int64_t *starts
    cdef readonly Py_ssize_t ntexts

    def __cinit__(self):
        memset(&self.buf, 0, sizeof(IntBuf))
        self.starts = NULL
        self.ntexts = 0

    def __dealloc__(self):
        intbuf_free(&self.buf)
        free(self.starts)


cdef class Vocabulary:
    """Raw word -> id in C; each distinct word normalized (stemmed) once, in Python.

    ``mode``: ``"rouge-score"`` scans like rouge-score's tokenizer; ``"classes"``
    scans with a class per code point (``classes``, 0x110000 bytes: 0 separates,
    1 is part of a word, 2 is a word by itself, 3 ends a line) after ``prepare``
    (a text -> text callable, e.g. NFKC and case folding); ``"words"`` takes each
    text's words from ``words_by_line`` (a text -> list of words callable, lines
    ended by ``LINE_END``). ``normalize`` maps a word to its token, or a false
    value to drop it. Words that normalize to the same token share a token id.

    ``rule`` may spell out what ``normalize`` does, so that Python is called only
    for the words it changes: ``"rouge-score"`` (rouge-score's tokenizer: ``stem``
    words longer than 3 characters, keep tokens that are [a-z0-9]+) or
    ``"unicode"`` (``stem`` ASCII words longer than 3 characters); ``stem`` is then
    the stemmer's ``stem`` method, or None for no stemming. ``c_stem``: src/porter.c
    gives ``stem``'s stems (bench.kernel.stemming.compiled_porter said so).
    """

    cdef WordTable table
    cdef int32_t *word_token
    cdef Py_ssize_t cap_word_token
    cdef uint32_t *cps  # scratch: one word's code points
    cdef Py_ssize_t cap_cps
    cdef int32_t normalized  # words below this id have a token
    cdef readonly object mode
    cdef int scan_mode  # 0 rouge-score, 1 classes, 2 words
    cdef list pending_words  # pending() as last built, or None
    cdef object normalize, prepare, words_by_line, classes_ref, stem
    cdef bint c_stem
    cdef int rule  # 0: call normalize; 1: rouge-score's; 2: unicode's
    cdef const uint8_t[::1] classes
    cdef dict token_ids

    def __cinit__(self, mode, normalize, classes=None, prepare=None, words_by_line=None, rule=None, stem=None,
                  c_stem=False):
        self.scan_mode = _SCAN_MODES.get(mode, -1)
        self.rule = _RULES.get(rule, -1)
        if self.scan_mode < 0:
            raise ValueError(f"unknown scan mode {mode!r}")
        if self.rule < 0:
            raise ValueError(f"unknown normalization rule {rule!r}")
        if self.rule == 1 and self.scan_mode != 0:
            raise ValueError("the rouge-score rule needs the rouge-score scan (its words are [a-z0-9]+)")
        self.stem = stem
        self.c_stem = bool(c_stem) and stem is not None  # porter.c stands in for ``stem``
        if self.scan_mode == 1 and (classes is None or len(classes) != 0x110000):
            raise ValueError("mode 'classes' needs a table of 0x110000 classes")
        if self.scan_mode == 2 and words_by_line is None:
            raise ValueError("mode 'words' needs words_by_line")
        if wordtable_init(&self.table):
            raise MemoryError()
        self.mode = mode
        self.pending_words = None
        self.normalize = normalize
        self.prepare = prepare
        self.words_by_line = words_by_line
        self.classes_ref = classes
        if classes is not None:
            self.classes = classes
        self.token_ids = {}
        self.word_token = NULL
        self.cap_word_token = 0
        self.cps = NULL
        self.cap_cps = 0
        self.normalized = 0

    def __dealloc__(self):
        wordtable_free(&self.table)
        free(self.word_token)
        free(self.cps)

    @property
    def size(self) -> int:
        """Distinct tokens so far."""
        return len(self.token_ids)

    @property
    def words(self) -> int:
        """Distinct raw words so far."""
        return self.table.nwords

    def names(self) -> list:
        """Every token, by id."""
        out = [None] * len(self.token_ids)
        for token, k in self.token_ids.items():
            out[k] = token
        return out

    def encode(self, texts: list) -> Corpus:
        """Token ids of every text (a list of str): ``corpus(scan(texts))`` with the
        new words normalized in between."""
        cdef Scan scanned = self.scan(texts)
        self.normalize_pending()
        return self.corpus(scanned)

    def scan(self, texts: list) -> Scan:
        """Word ids of every text; new words are added but not normalized yet (``pending``)."""
        cdef Py_ssize_t ntexts = len(texts), k
        cdef Scan out = Scan()
        out.starts = <int64_t *>malloc((ntexts + 1) * sizeof(int64_t))
        if out.starts == NULL:
            raise MemoryError()
        out.ntexts = ntexts
        self.pending_words = None
        for k in range(ntexts):
            out.starts[k] = out.buf.n
            self._scan(texts[k], &out.buf)
        out.starts[ntexts] = out.buf.n
        return out

    def pending(self) -> list:
        """The words added since the last normalization, in the order they were added."""
        cdef int32_t w
        if self.pending_words is None:
            self.pending_words = [self._word(w) for w in range(self.normalized, self.table.nwords)]
        return self.pending_words

    def normalize_pending(self, known=None) -> None:
        """Normalize the pending words: ``known[word]`` (a token, or a false value to
        drop the word) where given, else the tokenizer's ``normalize``."""
        cdef int32_t nwords = self.table.nwords, w
        cdef Py_ssize_t cap = self.cap_word_token
        cdef int32_t *grown
        if nwords > cap:
            cap = max(nwords, 2 * cap, 4096)
            grown = <int32_t *>realloc(self.word_token, cap * sizeof(int32_t))
            if grown == NULL:
                raise MemoryError()
            self.word_token = grown
            self.cap_word_token = cap
        cdef dict token_ids = self.token_ids
        cdef dict given = known if known is not None else {}
        cdef list words = self.pending()
        cdef int32_t first = self.normalized
        missing = _MISSING
        for w in range(first, nwords):
            word = words[w - first]
            token = given.get(word, missing)
            if token is missing:
                token = self._token_of(word)
            if not token:
                self.word_token[w] = KERNEL_DROPPED
            else:
                self.word_token[w] = token_ids.setdefault(token, len(token_ids))
            self.normalized = w + 1
        self.pending_words = None

    def share(self, Py_ssize_t parts, Py_ssize_t part) -> dict:
        """Tokens of the pending words that need Python (the stemmer, or ``normalize``)
        and whose hash falls in ``part`` of ``parts``: this worker's share of the work."""
        cdef dict out = {}
        for word in self.pending():
            if self._needs_python(word) and (hash(word) % parts + parts) % parts == part:
                out[word] = self._token_of(word)
        return out

    cdef bint _needs_python(self, str word):
        if self.rule == 0:
            return True
        if self.stem is None or PyUnicode_GET_LENGTH(word) <= 3:
            return False
        return self.rule == 1 or word.isascii()

    cdef object _token_of(self, str word):
        """What ``normalize(word)`` returns, calling Python only where it must."""
        if self.rule == 0:
            return self.normalize(word)
        if not self._needs_python(word):
            return word  # the scan made it: rouge-score's are [a-z0-9]+ already
        token = _porter(word) if self.c_stem else self.stem(word)  # rule 1 and 2's words here are [a-z0-9]+
        if self.rule == 1 and not _is_ascii_alnum(token):
            return None  # rouge-score's VALID_TOKEN_RE
        return token

    def corpus(self, Scan scanned) -> Corpus:
        """Token ids of the scanned texts (every word must be normalized by now)."""
        if self.normalized != self.table.nwords:
            raise RuntimeError("normalize the pending words first")
        cdef Corpus corpus = Corpus()
        if corpus_build(&corpus.c, scanned.buf.data, scanned.starts, scanned.ntexts, self.word_token,
                        len(self.token_ids)):
            raise MemoryError()
        return corpus

    cdef object _word(self, int32_t w):
        return PyUnicode_FromKindAndData(4, self.table.chars + self.table.starts[w], self.table.lens[w])

    cdef _scan(self, text, IntBuf *out):
        cdef int rc
        if type(text) is not str:
            if not isinstance(text, str):
                raise TypeError(f"texts must be str, not {type(text).__name__}")
            text = str(text)
        if self.scan_mode == 0:  # str.lower() is folded into the scan (see kernel.h)
            rc = scan_rouge_score(&self.table, PyUnicode_DATA(text), PyUnicode_KIND(text),
                                  PyUnicode_GET_LENGTH(text), out)
        elif self.scan_mode == 1:
            if self.prepare is not None:
                text = self.prepare(text)
            rc = scan_classes(&self.table, PyUnicode_DATA(text), PyUnicode_KIND(text),
                              PyUnicode_GET_LENGTH(text), &self.classes[0], out)
        else:
            rc = self._scan_words(self.words_by_line(text), out)
        if rc:
            raise MemoryError()

    cdef int _scan_words(self, list words, IntBuf *out) except -1:
        cdef uint32_t n
        cdef int32_t found
        for word in words:
            if intbuf_reserve(out, 2):
                raise MemoryError()
            if word == LINE_END:
                out.data[out.n] = KERNEL_LINE_END
            else:
                n = self._code_points(word)
                found = wordtable_intern(&self.table, self.cps, n, word_hash(self.cps, n))
                if found < 0:
                    raise MemoryError()
                out.data[out.n] = found
            out.n += 1
        if not words or words[len(words) - 1] != LINE_END:  # every text ends with a mark
            if intbuf_reserve(out, 1):
                raise MemoryError()
            out.data[out.n] = KERNEL_LINE_END
            out.n += 1
        return 0

    cdef uint32_t _code_points(self, str word) except? 0xffffffff:
        """The code points of ``word`` into self.cps; returns how many."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(word), i
        cdef int kind = PyUnicode_KIND(word)
        cdef void *data = PyUnicode_DATA(word)
        cdef uint32_t *grown
        if n + 1 > self.cap_cps:
            grown = <uint32_t *>realloc(self.cps, (n + 1) * sizeof(uint32_t))
            if grown == NULL:
                raise MemoryError()
            self.cps = grown
            self.cap_cps = n + 1
        for i in range(n):
            self.cps[i] = PyUnicode_READ(kind, data, i)
        return <uint32_t>n

cdef int _spec(ScoreSpec *spec, int32_t *ords, orders, bint want_l, bint want_lsum, double[:, :, ::1] out,
               Py_ssize_t npairs) except -1:
    """Fills ``spec`` (its orders in ``ords``, room for 16) and checks that ``out`` is pairs x types x 3."""
    if len(orders) > 16:
        raise ValueError("at most 16 n-gram orders")
    cdef Py_ssize_t k
    for k in range(len(orders)):
        if not 1 <= orders[k] <= 1000:
            raise ValueError(f"n-gram order {orders[k]} out of range")
        ords[k] = orders[k]
    spec.orders = ords
    spec.n_orders = <int32_t>len(orders)
    spec.want_l = want_l
    spec.want_lsum = want_lsum
    if out.shape[0] != npairs or out.shape[1] != spec.n_orders + want_l + want_lsum or out.shape[2] != 3:
        raise ValueError("out must be pairs x types x 3")
    return 0


def score_pairs(Corpus corpus, const int32_t[::1] pred, const int32_t[::1] ref, const int64_t[::1] order,
                Py_ssize_t lo, Py_ssize_t hi, orders, bint want_l, bint want_lsum, double[:, :, ::1] out):
    """Scores pairs ``order[lo:hi]`` into ``out`` (pairs x types x 3: P, R, F), the GIL released.

    ``orders`` are the rougeN orders in output order, then rougeL, then rougeLsum
    if wanted. Pairs with the same reference should be adjacent in ``order``.
    """
    cdef int32_t ords[16]
    cdef ScoreSpec spec
    _spec(&spec, ords, orders, want_l, want_lsum, out, pred.shape[0])
    if pred.shape[0] != ref.shape[0] or order.shape[0] != pred.shape[0]:
        raise ValueError("pred, ref and order must have one entry per pair")
    if not 0 <= lo <= hi <= order.shape[0]:
        raise ValueError("bad range")
    cdef Py_ssize_t i
    for i in range(lo, hi):
        if not (0 <= order[i] < pred.shape[0] and 0 <= pred[order[i]] < corpus.c.ntexts
                and 0 <= ref[order[i]] < corpus.c.ntexts):
            raise IndexError("a pair names a text outside the corpus")
    cdef Workspace *w = workspace_new(corpus.c.vocab, &spec)
    if w == NULL:
        raise MemoryError()
    cdef int rc
    if hi == lo:
        workspace_free(w)
        return
    with nogil:
        rc = c_score_pairs(w, &corpus.c, &pred[0], &ref[0], &order[0], lo, hi, &out[0, 0, 0], NULL)
    workspace_free(w)
    if rc:
        raise MemoryError()


def porter_stem(str word) -> str:
    """NLTK's ``PorterStemmer().stem(word)`` (NLTK_EXTENSIONS) in C, for a word of
    [a-z0-9] (bench.kernel.stemming says when it may stand in for NLTK's)."""
    if not word.isascii() or any(not ("a" <= c <= "z" or "0" <= c <= "9") for c in word):
        raise ValueError(f"porter_stem takes words of [a-z0-9], not {word!r}")
    return _porter(word)


cdef str _porter(str word):
    cdef bytes data = word.encode("ascii")
    cdef Py_ssize_t n = len(data)
    cdef char buf[64]
    cdef char *out = &buf[0]
    if n >= 62:
        out = <char *>malloc(n + 2)
    if out == NULL:
        raise MemoryError()
    try:
        n = c_porter_stem(data, <int>n, out)
        return out[:n].decode("ascii")
    finally:
        if out != &buf[0]:
            free(out)


cdef class _Batch:
    """A BatchJob and what it points into, kept alive while its parts run."""

    cdef BatchJob job
    cdef int32_t ords[16]
    cdef list preds, refs  # private copies: no other code can change them while parts run
    cdef object splitter
    cdef double[:, :, ::1] out
    cdef readonly object outcome  # per part: 0 done, -1 out of memory, BATCH_NOT_PLAIN
    cdef int[::1] outcome_view

    def run(self, int part, int parts):
        """Part ``part`` of ``parts``, the GIL released (a thread's whole work)."""
        if self.outcome is None or parts != self.outcome_view.shape[0] or not 0 <= part < parts:
            raise ValueError(f"part {part} of {parts}: not a part of this batch (made by make_batch)")
        cdef int rc
        with nogil:
            rc = batch_run_part(&self.job, part, parts)
        self.outcome_view[part] = rc


cdef extern from "Python.h":
    PyObject *PyList_GET_ITEM(object o, Py_ssize_t i)
    PyObject *PyTuple_GET_ITEM(object o, Py_ssize_t i)
    bint PyUnicode_CheckExact(PyObject *o)
    bint PyList_CheckExact(PyObject *o)
    bint PyTuple_CheckExact(PyObject *o)
    Py_ssize_t Py_SIZE(PyObject *o)
    ctypedef struct PyListObject:
        PyObject **ob_item


def plain_texts(list texts not None) -> list:
    """``texts`` as plain, ready str objects (a str subclass as its str); TypeError for anything else."""
    out = []
    for text in texts:
        if type(text) is not str:
            if not isinstance(text, str):
                raise TypeError(f"texts must be str, not {type(text).__name__}")
            text = str(text)
        if batch_ready_text(<PyObject *>text) < 0:  # a legacy str (Python 3.11) laid out now
            raise MemoryError()
        out.append(text)
    return out


def single_references(references) -> list | None:
    """The one reference of every prediction (a list), or None unless every entry of
    ``references`` (a list) is a one-element list or tuple holding a plain str: the
    common case, checked and flattened in one pass."""
    if type(references) is not list:
        return None
    cdef Py_ssize_t n = len(references), i
    cdef PyObject *group
    cdef PyObject *text
    cdef list out = [None] * n
    for i in range(n):
        group = PyList_GET_ITEM(references, i)
        if PyList_CheckExact(group) and Py_SIZE(group) == 1:
            text = PyList_GET_ITEM(<object>group, 0)
        elif PyTuple_CheckExact(group) and Py_SIZE(group) == 1:
            text = PyTuple_GET_ITEM(<object>group, 0)
        else:
            return None
        if not PyUnicode_CheckExact(text):
            return None
        out[i] = <object>text
    return out


def score_texts(list preds not None, list refs not None, orders, bint want_l, bint want_lsum,
                SentenceSplitter splitter, bint stem, int workers, double[:, :, ::1] out, bint private=False):
    """Pairs (preds[k], refs[k]) tokenized as rouge-score does (NLTK's Porter stems
    if ``stem``; sentence lines from ``splitter`` if given) and scored into ``out``
    (pairs x types x 3), entirely in C, on ``workers`` threads that release the GIL.
    ``private``: no other code holds the two lists, so they need no copy."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    workers = min(workers, BATCH_MAX_PARTS)
    batch = make_batch(preds, refs, orders, want_l, want_lsum, splitter, stem, workers, out, private)
    if batch is None:
        return
    _run_parts(batch, workers)
    if BATCH_NOT_PLAIN in batch.outcome:  # a str subclass, or not a str: make them plain, once
        batch = make_batch(plain_texts(preds), plain_texts(refs), orders, want_l, want_lsum, splitter, stem,
                           workers, out, True)
        _run_parts(batch, workers)
    if BATCH_NOT_PLAIN in batch.outcome:
        raise TypeError("texts must be plain str objects")
    if any(batch.outcome):
        raise MemoryError("out of memory while scoring")


def _run_parts(_Batch batch, int workers):
    """Parts 1.. on new threads, part 0 on this one; back when all are done. Plain
    ``_thread`` threads: this one goes on to its own part at once instead of waiting
    for each new thread to report that it started (threading.Thread.start does)."""
    import _thread

    done = []
    for part in range(1, workers):
        lock = _thread.allocate_lock()
        lock.acquire()
        _thread.start_new_thread(_run_part, (batch, part, workers, lock))
        done.append(lock)
    try:
        batch.run(0, workers)
    finally:
        for lock in done:
            lock.acquire()  # released by the thread when its part is over


def _run_part(_Batch batch, int part, int workers, lock):
    try:
        batch.run(part, workers)
    finally:
        lock.release()


def make_batch(list preds not None, list refs not None, orders, bint want_l, bint want_lsum,
               SentenceSplitter splitter, bint stem, int parts, double[:, :, ::1] out, bint private=False):
    """``score_texts``' job, to be run part by part (``run(part, parts)``); None when empty."""
    import numpy

    cdef Py_ssize_t n = len(preds)
    if len(refs) != n:
        raise ValueError("preds and refs differ in length")
    if not 1 <= parts <= BATCH_MAX_PARTS:
        raise ValueError(f"parts must be in 1..{BATCH_MAX_PARTS}")
    cdef _Batch batch = _Batch()
    _spec(&batch.job.spec, batch.ords, orders, want_l, want_lsum, out, n)
    if n == 0:
        return None
    # The parts read the lists without the GIL: only lists no other code can change will do.
    batch.preds, batch.refs = (preds, refs) if private else (list(preds), list(refs))
    batch.splitter = splitter
    batch.out = out
    batch.outcome = numpy.zeros(parts, dtype=numpy.intc)
    batch.outcome_view = batch.outcome
    batch.job.preds = (<PyListObject *>batch.preds).ob_item  # read by the parts, which hold no GIL
    batch.job.refs = (<PyListObject *>batch.refs).ob_item
    batch.job.npairs = n
    batch.job.split = &splitter.rules if splitter is not None else NULL
    batch.job.stem = stem
    batch.job.out = &out[0, 0, 0]
    return batch


def combine(const double[:, :, ::1] flat, const int64_t[::1] first, int rule, double[:, :, ::1] out):
    """Several references per prediction: rows ``first[i]:first[i+1]`` of ``flat`` are
    prediction i's. rule 0: per type the best F1 (first on ties); rule 1: the mean."""
    cdef Py_ssize_t npred = first.shape[0] - 1
    if out.shape[0] != npred or out.shape[1] != flat.shape[1] or first[npred] != flat.shape[0]:
        raise ValueError("shapes do not agree")
    cdef Py_ssize_t i
    for i in range(npred):
        if first[i + 1] <= first[i]:
            raise ValueError("every prediction needs at least one reference row")
    if npred == 0:
        return
    with nogil:
        combine_references(&flat[0, 0, 0], &first[0], npred, <int32_t>flat.shape[1], rule, &out[0, 0, 0])


def oracle(Corpus corpus, Py_ssize_t first_sentence, Py_ssize_t nsentences, refs, int rule, Py_ssize_t limit):
    """Greedy oracle over texts ``first_sentence .. first_sentence + nsentences`` of
    the corpus (the sentences) against the texts ``refs`` (their indices): the chosen
    sentence indices (0-based among the sentences), in the order chosen."""
    cdef Py_ssize_t nref = len(refs), r, k
    if not (0 <= first_sentence and first_sentence + nsentences <= corpus.c.ntexts):
        raise IndexError("sentences outside the corpus")
    cdef int32_t *rtok = NULL
    cdef int64_t *rstarts = <int64_t *>malloc((nref + 1) * sizeof(int64_t))
    cdef int64_t *chosen = <int64_t *>malloc((max(limit, 0) + 1) * sizeof(int64_t))
    cdef int64_t total = 0, a, b, count
    try:
        if rstarts == NULL or chosen == NULL:
            raise MemoryError()
        for r in range(nref):
            k = refs[r]
            if not 0 <= k < corpus.c.ntexts:
                raise IndexError("reference outside the corpus")
            rstarts[r] = total
            total += corpus.c.tstart[k + 1] - corpus.c.tstart[k]
        rstarts[nref] = total
        rtok = <int32_t *>malloc((total + 1) * sizeof(int32_t))
        if rtok == NULL:
            raise MemoryError()
        for r in range(nref):
            k = refs[r]
            a = corpus.c.tstart[k]
            b = corpus.c.tstart[k + 1]
            for k in range(b - a):
                rtok[rstarts[r] + k] = corpus.c.tok[a + k]
        count = oracle_select(corpus.c.tok, corpus.c.tstart + first_sentence, nsentences, rtok, rstarts, nref,
                              rule, max(limit, 0), chosen)
        if count < 0:
            raise MemoryError()
        return [chosen[k] for k in range(count)]
    finally:
        free(rtok)
        free(rstarts)
        free(chosen)


def fsum(values) -> float:
    """math.fsum of finite floats, as the oracle's loop computes it (checked against math.fsum)."""
    cdef double[::1] data = array.array("d", values) if len(values) else array.array("d", [0.0])
    cdef Py_ssize_t n = len(values)
    cdef double *partials = <double *>malloc((n + 1) * sizeof(double))
    if partials == NULL:
        raise MemoryError()
    try:
        return exact_sum(&data[0], n, partials) if n else 0.0
    finally:
        free(partials)


cdef class SentenceSplitter:
    """bench.tokenizers.sentences.split_sentences in C, with that module's word lists."""

    cdef SplitRules rules
    cdef SpanBuf spans

    def __cinit__(self, titles, before_numbers, other_abbreviations, starters):
        memset(&self.rules, 0, sizeof(SplitRules))
        memset(&self.spans, 0, sizeof(SpanBuf))
        _fill(&self.rules.titles, titles)
        _fill(&self.rules.before_numbers, before_numbers)
        _fill(&self.rules.other_abbreviations, other_abbreviations)
        _fill(&self.rules.starters, starters)

    def __dealloc__(self):
        free(self.spans.data)

    def split(self, str text) -> list:
        """The sentences of ``text``."""
        if split_spans(&self.rules, text, &self.spans):
            raise MemoryError()
        cdef size_t i
        return [PyUnicode_Substring(text, self.spans.data[i], self.spans.data[i + 1])
                for i in range(0, self.spans.n, 2)]

    def lines(self, texts: list) -> list:
        """Each text as its sentences joined by newlines (``sentence_lines``); a text
        that is already one sentence comes back as the very same object."""
        cdef list out = []
        cdef size_t i
        for text in texts:
            if type(text) is not str:
                raise TypeError(f"texts must be str, not {type(text).__name__}")
            if split_spans(&self.rules, text, &self.spans):
                raise MemoryError()
            if self.spans.n == 2 and self.spans.data[0] == 0 and self.spans.data[1] == PyUnicode_GET_LENGTH(text):
                out.append(text)
            elif self.spans.n == 0:
                out.append("")
            else:
                out.append("\n".join([PyUnicode_Substring(text, self.spans.data[i], self.spans.data[i + 1])
                                      for i in range(0, self.spans.n, 2)]))
        return out


cdef _fill(WordSet *s, words):
    for word in words:
        data = word.encode("ascii")
        if not word.isascii() or word != word.lower() or wordset_add(s, data, len(data)):
            raise ValueError(f"cannot hold word {word!r} (lower-case ASCII, under 24 characters, at most 256)")
