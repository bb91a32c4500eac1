/* NLTK's Porter stemmer (PorterStemmer, NLTK_EXTENSIONS mode) in C, for words
 * of lower-case ASCII letters and digits (what rouge-score's tokenizer makes).
 *
 * nltk/stem/porter.py is the specification; each function below is the method
 * of the same name, rule lists in the same order (the first rule whose suffix
 * matches decides, as in _apply_rule_list). bench.kernel.stemming checks this
 * port against the installed NLTK before using it; the tests check every
 * distinct word of the shared news data and an English word list.
 */
#include <string.h>

#include "kernel.h"

typedef struct {
    char *w; /* the word being stemmed, w[0..n) */
    int n;
} Word;

static inline int is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/* _is_consonant: a y is a consonant after a vowel or at the start, else a vowel. */
static int is_consonant(const char *w, int i) {
    if (is_vowel(w[i])) return 0;
    if (w[i] == 'y') {
        int negate = 0;
        while (i > 0 && w[i] == 'y') {
            negate = !negate;
            i--;
        }
        return (!is_vowel(w[i])) != negate;
    }
    return 1;
}

/* _consonant_flags, folded into _measure and _contains_vowel over w[0..n). */
static int measure(const char *w, int n) {
    int count = 0, previous = -1; /* previous flag: 1 consonant, 0 vowel */
    for (int i = 0; i < n; i++) {
        int flag;
        if (is_vowel(w[i])) flag = 0;
        else if (w[i] == 'y') flag = i == 0 ? 1 : !previous;
        else flag = 1;
        if (flag && previous == 0) count++; /* a "vc" */
        previous = flag;
    }
    return count;
}

static int contains_vowel(const char *w, int n) {
    int previous = 1;
    for (int i = 0; i < n; i++) {
        int flag;
        if (is_vowel(w[i])) flag = 0;
        else if (w[i] == 'y') flag = i == 0 ? 1 : !previous;
        else flag = 1;
        if (!flag) return 1;
        previous = flag;
    }
    return 0;
}

static int ends_double_consonant(const char *w, int n) {
    return n >= 2 && w[n - 1] == w[n - 2] && is_consonant(w, n - 1);
}

static int ends_cvc(const char *w, int n) {
    return (n >= 3 && is_consonant(w, n - 3) && !is_consonant(w, n - 2) && is_consonant(w, n - 1) &&
            w[n - 1] != 'w' && w[n - 1] != 'x' && w[n - 1] != 'y') ||
           (n == 2 && !is_consonant(w, 0) && is_consonant(w, 1));
}

static int ends_with(const Word *x, const char *suffix, int len) {
    return x->n >= len && memcmp(x->w + x->n - len, suffix, (size_t)len) == 0;
}

/* stem + replacement, where stem is the word less ``cut`` characters. */
static void replace(Word *x, int cut, const char *replacement) {
    int len = (int)strlen(replacement);
    x->n -= cut;
    memcpy(x->w + x->n, replacement, (size_t)len);
    x->n += len;
}

typedef enum { ANY, M_GT0, M_GT1, M_GT1_ST, LOGI } Condition;

typedef struct {
    const char *suffix, *replacement;
    int len; /* the suffix's */
    Condition condition;
} Rule;

#define RULE(suffix, replacement, condition) {suffix, replacement, (int)sizeof(suffix) - 1, condition}

static int holds(Condition condition, const Word *x, int stem_len) {
    switch (condition) {
    case ANY: return 1;
    case M_GT0: return measure(x->w, stem_len) > 0;
    case M_GT1: return measure(x->w, stem_len) > 1;
    case M_GT1_ST: /* step 4's "ion": measure > 1 and the stem ends in s or t */
        return measure(x->w, stem_len) > 1 && (x->w[stem_len - 1] == 's' || x->w[stem_len - 1] == 't');
    case LOGI: return measure(x->w, x->n - 3) > 0; /* NLTK's "logi": the word less "ogi" */
    }
    return 0;
}

/* _apply_rule_list without the "*d" rule (only step 1b has it, written out there). */
static void apply_rules(Word *x, const Rule *rules, int count) {
    if (x->n == 0) return;
    char last = x->w[x->n - 1]; /* most rules are ruled out by their last letter */
    for (int r = 0; r < count; r++) {
        int len = rules[r].len;
        if (rules[r].suffix[len - 1] != last || !ends_with(x, rules[r].suffix, len)) continue;
        if (holds(rules[r].condition, x, x->n - len)) replace(x, len, rules[r].replacement);
        return;
    }
}

static void step1a(Word *x) {
    if (x->n == 4 && ends_with(x, "ies", 3)) {
        replace(x, 3, "ie");
        return;
    }
    static const Rule rules[] = {
        RULE("sses", "ss", ANY), RULE("ies", "i", ANY), RULE("ss", "ss", ANY), RULE("s", "", ANY),
    };
    apply_rules(x, rules, 4);
}

static void step1b(Word *x) {
    if (ends_with(x, "ied", 3)) {
        replace(x, 3, x->n == 4 ? "ie" : "i");
        return;
    }
    if (ends_with(x, "eed", 3)) {
        if (measure(x->w, x->n - 3) > 0) replace(x, 3, "ee");
        return;
    }
    int cut = 0;
    if (ends_with(x, "ed", 2) && contains_vowel(x->w, x->n - 2)) cut = 2;
    else if (ends_with(x, "ing", 3) && contains_vowel(x->w, x->n - 3)) cut = 3;
    if (!cut) return;
    x->n -= cut; /* the intermediate stem; the rules below are applied to it */
    static const Rule rules[] = {
        RULE("at", "ate", ANY), RULE("bl", "ble", ANY), RULE("iz", "ize", ANY),
    };
    for (int r = 0; r < 3; r++) {
        if (ends_with(x, rules[r].suffix, 2)) {
            replace(x, 2, rules[r].replacement);
            return;
        }
    }
    if (ends_double_consonant(x->w, x->n)) {
        char last = x->w[x->n - 1];
        if (last != 'l' && last != 's' && last != 'z') x->n -= 1; /* stem[:-2] + its last letter */
        return;
    }
    if (measure(x->w, x->n) == 1 && ends_cvc(x->w, x->n)) replace(x, 0, "e");
}

static void step1c(Word *x) {
    if (ends_with(x, "y", 1) && x->n - 1 > 1 && is_consonant(x->w, x->n - 2)) replace(x, 1, "i");
}

static void step2(Word *x) {
    while (ends_with(x, "alli", 4) && measure(x->w, x->n - 4) > 0) replace(x, 4, "al"); /* NLTK's recursion */
    static const Rule rules[] = {
        RULE("ational", "ate", M_GT0), RULE("tional", "tion", M_GT0), RULE("enci", "ence", M_GT0),
        RULE("anci", "ance", M_GT0), RULE("izer", "ize", M_GT0), RULE("bli", "ble", M_GT0),
        RULE("alli", "al", M_GT0), RULE("entli", "ent", M_GT0), RULE("eli", "e", M_GT0),
        RULE("ousli", "ous", M_GT0), RULE("ization", "ize", M_GT0), RULE("ation", "ate", M_GT0),
        RULE("ator", "ate", M_GT0), RULE("alism", "al", M_GT0), RULE("iveness", "ive", M_GT0),
        RULE("fulness", "ful", M_GT0), RULE("ousness", "ous", M_GT0), RULE("aliti", "al", M_GT0),
        RULE("iviti", "ive", M_GT0), RULE("biliti", "ble", M_GT0), RULE("fulli", "ful", M_GT0),
        RULE("logi", "log", LOGI),
    };
    apply_rules(x, rules, (int)(sizeof(rules) / sizeof(rules[0])));
}

static void step3(Word *x) {
    static const Rule rules[] = {
        RULE("icate", "ic", M_GT0), RULE("ative", "", M_GT0), RULE("alize", "al", M_GT0),
        RULE("iciti", "ic", M_GT0), RULE("ical", "ic", M_GT0), RULE("ful", "", M_GT0),
        RULE("ness", "", M_GT0),
    };
    apply_rules(x, rules, (int)(sizeof(rules) / sizeof(rules[0])));
}

static void step4(Word *x) {
    static const Rule rules[] = {
        RULE("al", "", M_GT1), RULE("ance", "", M_GT1), RULE("ence", "", M_GT1), RULE("er", "", M_GT1),
        RULE("ic", "", M_GT1), RULE("able", "", M_GT1), RULE("ible", "", M_GT1), RULE("ant", "", M_GT1),
        RULE("ement", "", M_GT1), RULE("ment", "", M_GT1), RULE("ent", "", M_GT1), RULE("ion", "", M_GT1_ST),
        RULE("ou", "", M_GT1), RULE("ism", "", M_GT1), RULE("ate", "", M_GT1), RULE("iti", "", M_GT1),
        RULE("ous", "", M_GT1), RULE("ive", "", M_GT1), RULE("ize", "", M_GT1),
    };
    apply_rules(x, rules, (int)(sizeof(rules) / sizeof(rules[0])));
}

static void step5a(Word *x) {
    if (!ends_with(x, "e", 1)) return;
    int m = measure(x->w, x->n - 1);
    if (m > 1 || (m == 1 && !ends_cvc(x->w, x->n - 1))) x->n -= 1;
}

static void step5b(Word *x) {
    if (ends_with(x, "ll", 2) && measure(x->w, x->n - 1) > 1) x->n -= 1;
}

/* NLTK_EXTENSIONS' irregular forms: word -> stem. */
static const char *const POOL[][2] = {
    {"sky", "sky"},         {"skies", "sky"},      {"dying", "die"},     {"lying", "lie"},
    {"tying", "tie"},       {"news", "news"},      {"innings", "inning"}, {"inning", "inning"},
    {"outings", "outing"},  {"outing", "outing"},  {"cannings", "canning"}, {"canning", "canning"},
    {"howe", "howe"},       {"proceed", "proceed"}, {"exceed", "exceed"}, {"succeed", "succeed"},
};

int porter_stem(const char *word, int n, char *out) {
    for (size_t k = 0; k < sizeof(POOL) / sizeof(POOL[0]); k++) {
        int len = (int)strlen(POOL[k][0]);
        if (len == n && memcmp(POOL[k][0], word, (size_t)n) == 0) {
            int stem = (int)strlen(POOL[k][1]);
            memcpy(out, POOL[k][1], (size_t)stem);
            return stem;
        }
    }
    memcpy(out, word, (size_t)n);
    if (n <= 2) return n;
    Word x = {out, n};
    step1a(&x);
    step1b(&x);
    step1c(&x);
    step2(&x);
    step3(&x);
    step4(&x);
    step5a(&x);
    step5b(&x);
    return x.n;
}
