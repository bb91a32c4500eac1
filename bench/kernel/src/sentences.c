/* The rules of bench/tokenizers/sentences.py ("bench-rules-2"), in C.
 *
 * The Python module is the specification; this replays it step by step:
 * text.split("\n"), str.strip(), the _BOUNDARY regex's finditer (with the
 * backtracking it implies), _is_boundary with _NEXT_WORD, _WORD_BEFORE,
 * str.lstrip(_OPENERS), str.lower() against the word lists, str.isupper(),
 * str.islower(), str.isdigit() and _ACRONYM. Character classes are Python's own
 * (Py_UNICODE_ISSPACE, ISALNUM, ISUPPER, ...), so \s and \w mean what re means.
 * The word lists come from the Python module when the rules are set up.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "sentences.h"

/* ---- word lists ------------------------------------------------------------- */
static uint64_t bytes_hash(const char *w, int len) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < len; i++) h = (h ^ (uint8_t)w[i]) * 0x100000001b3ULL;
    return h;
}

int wordset_add(WordSet *s, const char *w, int len) {
    if (len <= 0 || len >= WORDSET_MAX_LEN || s->n >= WORDSET_SLOTS / 2) return -1;
    uint32_t at = (uint32_t)bytes_hash(w, len) & (WORDSET_SLOTS - 1);
    while (s->lens[at]) {
        if (s->lens[at] == len && memcmp(s->words[at], w, (size_t)len) == 0) return 0;
        at = (at + 1) & (WORDSET_SLOTS - 1);
    }
    memcpy(s->words[at], w, (size_t)len);
    s->lens[at] = (uint8_t)len;
    s->n++;
    return 0;
}

static int wordset_has(const WordSet *s, const char *w, int len) {
    if (len <= 0 || len >= WORDSET_MAX_LEN) return 0;
    uint32_t at = (uint32_t)bytes_hash(w, len) & (WORDSET_SLOTS - 1);
    while (s->lens[at]) {
        if (s->lens[at] == len && memcmp(s->words[at], w, (size_t)len) == 0) return 1;
        at = (at + 1) & (WORDSET_SLOTS - 1);
    }
    return 0;
}

/* ---- characters ------------------------------------------------------------- */
typedef struct {
    const void *data;
    int kind;
} Text;

static inline Py_UCS4 at(Text t, Py_ssize_t i) { return PyUnicode_READ(t.kind, t.data, i); }

static inline int is_stop(Py_UCS4 c) { return c == '.' || c == '!' || c == '?' || c == 0x2026; }
static inline int is_closer(Py_UCS4 c) {
    return c == '"' || c == '\'' || c == 0x201d || c == 0x2019 || c == ')' || c == ']';
}
/* _NEXT_WORD's leading class: ["'\u201c\u2018(\[] */
static inline int is_quote_before_word(Py_UCS4 c) {
    return c == '"' || c == '\'' || c == 0x201c || c == 0x2018 || c == '(' || c == '[';
}
/* _OPENERS, stripped from the word before a stop. */
static inline int is_opener(Py_UCS4 c) {
    return c == '"' || c == '\'' || c == 0x201c || c == 0x2018 || c == '(' || c == '[' || c == '$' || c == 0xa3 ||
           c == 0x20ac;
}
static inline int is_space(Py_UCS4 c) { return Py_UNICODE_ISSPACE(c); }
/* Python's str predicates, with the ASCII answers inline (they are most characters). */
static inline int is_upper_char(Py_UCS4 c) { return c < 128 ? (c >= 'A' && c <= 'Z') : Py_UNICODE_ISUPPER(c); }
static inline int is_lower_char(Py_UCS4 c) { return c < 128 ? (c >= 'a' && c <= 'z') : Py_UNICODE_ISLOWER(c); }
static inline int is_alnum_char(Py_UCS4 c) {
    if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return Py_UNICODE_ISALNUM(c);
}

/* The hot loops, one per string kind: the next stop character, the next newline. */
static Py_ssize_t next_stop(Text t, Py_ssize_t i, Py_ssize_t b) {
    if (t.kind == PyUnicode_1BYTE_KIND) {
        const uint8_t *d = t.data;
        while (i < b && d[i] != '.' && d[i] != '!' && d[i] != '?') i++;
    } else if (t.kind == PyUnicode_2BYTE_KIND) {
        const uint16_t *d = t.data;
        while (i < b && !is_stop(d[i])) i++;
    } else {
        const uint32_t *d = t.data;
        while (i < b && !is_stop(d[i])) i++;
    }
    return i;
}

static Py_ssize_t next_newline(Text t, Py_ssize_t i, Py_ssize_t len) {
    if (t.kind == PyUnicode_1BYTE_KIND) {
        const uint8_t *found = memchr((const uint8_t *)t.data + i, '\n', (size_t)(len - i));
        return found ? found - (const uint8_t *)t.data : len;
    }
    while (i < len && at(t, i) != '\n') i++;
    return i;
}
/* [\w\-'] with re's Unicode \w: alphanumeric or underscore. */
static inline int is_word_char(Py_UCS4 c) { return is_alnum_char(c) || c == '_' || c == '-' || c == '\''; }

/* str.isupper() of t[a..b). */
static int is_upper(Text t, Py_ssize_t a, Py_ssize_t b) {
    if (b - a == 1) return Py_UNICODE_ISUPPER(at(t, a)) != 0;
    int cased = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = at(t, i);
        if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c)) return 0;
        if (!cased && Py_UNICODE_ISUPPER(c)) cased = 1;
    }
    return cased;
}

/* str.lower() of t[a..b) into buf when it is ASCII (every word list is); returns
 * its length, or -1 when it cannot be in a list. Only U+212A (KELVIN SIGN) lower-
 * cases to ASCII among non-ASCII characters (U+0130 gives "i" plus a combining dot). */
static int lower_ascii(Text t, Py_ssize_t a, Py_ssize_t b, char *buf) {
    if (b - a >= WORDSET_MAX_LEN) return -1;
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = at(t, i);
        if (c < 128) buf[i - a] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        else if (c == 0x212a) buf[i - a] = 'k';
        else return -1;
    }
    return (int)(b - a);
}

static int in_list(const WordSet *s, Text t, Py_ssize_t a, Py_ssize_t b) {
    char buf[WORDSET_MAX_LEN];
    int len = lower_ascii(t, a, b, buf);
    return len > 0 && wordset_has(s, buf, len);
}

static int is_acronym(Text t, Py_ssize_t a, Py_ssize_t b) {
    /* (?:[A-Za-z]\.)+[A-Za-z], the whole word */
    Py_ssize_t n = b - a;
    if (n < 3 || n % 2 == 0) return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = at(t, a + i);
        if (i % 2) {
            if (c != '.') return 0;
        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            return 0;
        }
    }
    return 1;
}

/* ---- _is_boundary ------------------------------------------------------------- */
/* before = t[start..i), stop = t[i..k), after = t[e..b) */
static int is_boundary(const SplitRules *rules, Text t, Py_ssize_t start, Py_ssize_t i, Py_ssize_t k,
                       Py_ssize_t e, Py_ssize_t b, int caseless) {
    /* _NEXT_WORD.match(after): ["'...]*([\w\-']+), backtracking into the quotes if
     * no word character follows them (only ' is in both classes). */
    Py_ssize_t q = e;
    while (q < b && is_quote_before_word(at(t, q))) q++;
    Py_ssize_t ws = -1;
    if (q < b && is_word_char(at(t, q))) {
        ws = q;
    } else {
        for (Py_ssize_t x = q - 1; x >= e; x--)
            if (at(t, x) == '\'') {
                ws = x;
                break;
            }
    }
    if (ws < 0) return b > e && !is_lower_char(at(t, e));
    Py_ssize_t we = ws;
    while (we < b && is_word_char(at(t, we))) we++;
    Py_UCS4 first = at(t, ws);
    if (is_lower_char(first) && !caseless) return 0;
    if (!(k - i == 1 && at(t, i) == '.')) return 1;
    /* _WORD_BEFORE: the last run of non-space characters, if it ends the text. */
    Py_ssize_t w0 = i;
    if (i > start && !is_space(at(t, i - 1)))
        while (w0 > start && !is_space(at(t, w0 - 1))) w0--;
    while (w0 < i && is_opener(at(t, w0))) w0++;
    Py_ssize_t wlen = i - w0;
    int starter = in_list(&rules->starters, t, ws, we);
    if (in_list(&rules->titles, t, w0, i) && !(wlen > 1 && is_upper(t, w0, i))) return 0;
    if (in_list(&rules->before_numbers, t, w0, i)) return !Py_UNICODE_ISDIGIT(first);
    if (wlen == 1 && is_upper(t, w0, i)) return starter;
    if (is_acronym(t, w0, i) || in_list(&rules->other_abbreviations, t, w0, i)) return starter;
    return 1;
}

/* ---- splitting ------------------------------------------------------------- */
static int push_span(SpanBuf *out, Text t, Py_ssize_t a, Py_ssize_t b) {
    while (a < b && is_space(at(t, a))) a++;
    while (b > a && is_space(at(t, b - 1))) b--;
    if (a == b) return 0;
    if (out->n + 2 > out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        Py_ssize_t *data = realloc(out->data, cap * sizeof(Py_ssize_t));
        if (!data) return -1;
        out->data = data;
        out->cap = cap;
    }
    out->data[out->n++] = a;
    out->data[out->n++] = b;
    return 0;
}

/* _split_line on the stripped line t[a..b). */
static int split_line(const SplitRules *rules, Text t, Py_ssize_t a, Py_ssize_t b, SpanBuf *out) {
    int caseless = -1;
    Py_ssize_t start = a, i = a;
    while ((i = next_stop(t, i, b)) < b) {
        Py_ssize_t j = i;
        while (j < b && is_stop(at(t, j))) j++;
        Py_ssize_t k = j;
        while (k < b && is_closer(at(t, k))) k++;
        if (k >= b || !is_space(at(t, k))) {
            i = k; /* no match starts inside this run of stops and closers */
            continue;
        }
        Py_ssize_t e = k;
        while (e < b && is_space(at(t, e))) e++;
        if (caseless < 0) {
            caseless = 1;
            for (Py_ssize_t x = a; x < b && caseless; x++) caseless = !is_upper_char(at(t, x));
        }
        if (is_boundary(rules, t, start, i, k, e, b, caseless)) {
            if (push_span(out, t, start, k)) return -1;
            start = e;
        }
        i = e;
    }
    return push_span(out, t, start, b);
}

int split_spans(const SplitRules *rules, PyObject *text, SpanBuf *out) {
    return split_spans_data(rules, PyUnicode_DATA(text), PyUnicode_KIND(text), PyUnicode_GET_LENGTH(text), out);
}

int split_spans_data(const SplitRules *rules, const void *data, int kind, Py_ssize_t len, SpanBuf *out) {
    Text t = {data, kind};
    Py_ssize_t pos = 0;
    out->n = 0;
    while (pos <= len) {
        Py_ssize_t end = next_newline(t, pos, len);
        Py_ssize_t a = pos, b = end;
        while (a < b && is_space(at(t, a))) a++;
        while (b > a && is_space(at(t, b - 1))) b--;
        if (a < b && split_line(rules, t, a, b, out)) return -1;
        pos = end + 1;
    }
    return 0;
}
