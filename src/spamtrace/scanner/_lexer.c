/* The token loop of spamtrace.scanner.lexer.lex, compiled.
 *
 * lexer.py holds the reference: the _TOKEN regex (one token per match: quoted literals,
 * comments, "?>...<?php" inline HTML, "<<<" heredoc/nowdoc) and the loop that turns each
 * token into what stands for it in the lexed code. This file does the same in one pass over
 * the bytes, without a regex or a Python object per token: a file's lexing was a third of a
 * scan's time in Python. Its output must be the same, byte for byte; the test suite compares
 * the two on every sample and on random input. Nothing here reads past ``n``.
 *
 * tail(data, pos, idx0) lexes data[pos:] as PHP code (after the open tag) and returns
 *   (code, raw_strings, kinds, long, escaped, html, comment_bytes, regions)
 * with ``code`` lower-cased (ASCII, as bytes.lower()), literal indexes counted from idx0.
 *
 * names(code) is the set of the names of lexed code's variables and declared functions, as
 * lexer._names_py finds them with two regexes (a third of the random-names test's time).
 *
 * words(data) is the set of the learned model's tokens of a file's raw bytes (learned.py);
 * Scorer(weights).score(data) the sum of their weights, without making them.
 *
 * find(text, word, start, end) is text.find(word, start, end) (lexer.find_py is the
 * reference): Python's own search of a word of a few bytes steps through a file's code at
 * ~1.5 ns a byte, and the rules search a file's code for absent words thousands of times;
 * this one tests the word's first and last bytes at 16 offsets at once (SSE2), ~20 times as
 * fast where the word is absent. The compiled searches below use it too.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define LONG_LITERAL 40 /* lexer.LONG */

/* The first offset of w (k bytes) in s (n bytes), or -1: the offsets where w's first and last
 * bytes both are are found 16 at a time, and only those are compared whole. Reads nothing
 * outside s[0..n). */
static Py_ssize_t find_in(const unsigned char *s, Py_ssize_t n, const unsigned char *w, Py_ssize_t k) {
    if (k <= 0) return 0;
    if (k > n) return -1;
    if (k == 1) {
        const unsigned char *p = memchr(s, w[0], (size_t)n);
        return p != NULL ? p - s : -1;
    }
    Py_ssize_t i = 0, last = n - k; /* the last offset where w can start */
#if defined(__SSE2__)
    const __m128i first = _mm_set1_epi8((char)w[0]), end = _mm_set1_epi8((char)w[k - 1]);
    for (; i + 15 <= last; i += 16) {
        /* s[i..i+15] and s[i+k-1..i+k+14]: both end at or before s[n-1] */
        __m128i a = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(s + i + k - 1));
        unsigned mask = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(first, a), _mm_cmpeq_epi8(end, b)));
        while (mask) {
            Py_ssize_t at = i + __builtin_ctz(mask);
            if (memcmp(s + at + 1, w + 1, (size_t)(k - 2)) == 0) return at;
            mask &= mask - 1;
        }
    }
#endif
    for (; i <= last; i++)
        if (s[i] == w[0] && s[i + k - 1] == w[k - 1] && memcmp(s + i + 1, w + 1, (size_t)(k - 2)) == 0)
            return i;
    return -1;
}

typedef struct {
    char *buf;
    Py_ssize_t len, cap;
} Buf;

static int buf_grow(Buf *b, Py_ssize_t extra) {
    if (b->len + extra <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) {
        if (cap > PY_SSIZE_T_MAX / 2) { PyErr_NoMemory(); return -1; }
        cap *= 2;
    }
    char *nb = PyMem_Realloc(b->buf, (size_t)cap);
    if (nb == NULL) { PyErr_NoMemory(); return -1; }
    b->buf = nb;
    b->cap = cap;
    return 0;
}

static int buf_put(Buf *b, const char *s, Py_ssize_t k) {
    if (k <= 0) return 0; /* nothing to copy (and the buffer may not exist yet) */
    if (buf_grow(b, k) < 0) return -1;
    memcpy(b->buf + b->len, s, (size_t)k);
    b->len += k;
    return 0;
}

static int buf_lower(Buf *b, const unsigned char *s, Py_ssize_t k) {
    if (k <= 0) return 0;
    if (buf_grow(b, k) < 0) return -1;
    unsigned char *o = (unsigned char *)b->buf + b->len;
    for (Py_ssize_t i = 0; i < k; i++) {
        unsigned char c = s[i];
        o[i] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
    }
    b->len += k;
    return 0;
}

static int buf_newlines(Buf *b, Py_ssize_t k) {
    if (k <= 0) return 0;
    if (buf_grow(b, k) < 0) return -1;
    memset(b->buf + b->len, '\n', (size_t)k);
    b->len += k;
    return 0;
}

static Py_ssize_t count_nl(const unsigned char *d, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t k = 0;
    while (a < b) {
        const unsigned char *p = memchr(d + a, '\n', (size_t)(b - a));
        if (p == NULL) break;
        k++;
        a = (p - d) + 1;
    }
    return k;
}

static int has_backslash(const unsigned char *d, Py_ssize_t a, Py_ssize_t b) {
    return b > a && memchr(d + a, '\\', (size_t)(b - a)) != NULL;
}

/* label byte of a heredoc: [A-Za-z0-9_\x80-\xff] (first byte: not a digit) */
static int label_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c >= 0x80;
}

/* the end of a line comment body from j: [^\n?]*+(?:\?(?!>)[^\n?]*+)*+ */
static Py_ssize_t line_comment_end(const unsigned char *d, Py_ssize_t n, Py_ssize_t j) {
    for (;;) {
        while (j < n && d[j] != '\n' && d[j] != '?') j++;
        if (j < n && d[j] == '?' && !(j + 1 < n && d[j + 1] == '>')) {
            j++;
            continue;
        }
        return j;
    }
}

static PyObject *KIND_SQ, *KIND_DQ, *KIND_BQ, *KIND_HEREDOC, *KIND_NOWDOC;

typedef struct {
    PyObject *raw, *kinds, *long_, *escaped;
    Py_ssize_t idx;
} Lits;

/* one literal: its raw body d[a:b], appended with its kind; then its placeholder (and its
 * line breaks: ``newlines``) into code */
static int add_literal(Lits *L, Buf *code, const unsigned char *d, Py_ssize_t a, Py_ssize_t b,
                       PyObject *kind, int may_escape, Py_ssize_t newlines) {
    if (b < a) b = a;
    PyObject *raw = PyBytes_FromStringAndSize((const char *)d + a, b - a);
    if (raw == NULL) return -1;
    int rc = PyList_Append(L->raw, raw);
    Py_DECREF(raw);
    if (rc < 0 || PyList_Append(L->kinds, kind) < 0) return -1;
    int is_long = b - a >= LONG_LITERAL, is_escaped = may_escape && has_backslash(d, a, b);
    if (is_long || is_escaped) {
        PyObject *i = PyLong_FromSsize_t(L->idx);
        if (i == NULL) return -1;
        if ((is_long && PyList_Append(L->long_, i) < 0) ||
            (is_escaped && PyList_Append(L->escaped, i) < 0)) {
            Py_DECREF(i);
            return -1;
        }
        Py_DECREF(i);
    }
    /* the placeholder "\x01<idx>\x01", the digits written backwards from the end */
    char mark[32];
    int k = (int)sizeof mark;
    mark[--k] = 1;
    size_t v = (size_t)(L->idx < 0 ? 0 : L->idx);
    do {
        mark[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    mark[--k] = 1;
    L->idx++;
    if (buf_put(code, mark + k, (Py_ssize_t)sizeof mark - k) < 0) return -1;
    return buf_newlines(code, newlines);
}

static unsigned char SPECIAL[256];

static PyObject *tail(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t pos, idx0;
    if (!PyArg_ParseTuple(args, "y*nn", &view, &pos, &idx0)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len;
    if (pos < 0) pos = 0;
    if (pos > n) pos = n;
    Buf code = {0}, html = {0};
    Lits L = {PyList_New(0), PyList_New(0), PyList_New(0), PyList_New(0), idx0};
    Py_ssize_t comments = 0, regions = 0;
    PyObject *result = NULL;
    if (!L.raw || !L.kinds || !L.long_ || !L.escaped) goto done;
    if (buf_grow(&code, n - pos + 64) < 0) goto done;

    Py_ssize_t i = pos, seg = pos; /* seg: start of the plain code not yet copied */
    while (i < n) {
        while (i < n && !SPECIAL[d[i]]) i++;
        if (i >= n) break;
        unsigned char c = d[i];
        Py_ssize_t j; /* the token is d[i:j] when one matches here */
        if (c == '\'' || c == '"' || c == '`') {
            /* to the first c or backslash (an escape: skip the byte after it; a backslash
             * that ends the data ends the body): the next c found once and kept until an
             * escape steps past it, each backslash before it found by its own search */
            j = i + 1;
            Py_ssize_t quote = -1; /* the offset of the next c from j (n: none), once found */
            for (;;) {
                if (quote < j) {
                    const unsigned char *q = j < n ? memchr(d + j, c, (size_t)(n - j)) : NULL;
                    quote = q ? q - d : n;
                }
                const unsigned char *b =
                    quote > j ? memchr(d + j, '\\', (size_t)(quote - j)) : NULL;
                if (b == NULL) {
                    j = quote;
                    break;
                }
                j = b - d;
                if (j + 1 < n) { j += 2; continue; }
                break;
            }
            if (j < n && d[j] == c) j++;
            if (buf_lower(&code, d + seg, i - seg) < 0) goto done;
            int closed = j - i > 1 && d[j - 1] == c;
            Py_ssize_t end = closed ? j - 1 : j;
            PyObject *kind = c == '\'' ? KIND_SQ : c == '"' ? KIND_DQ : KIND_BQ;
            if (add_literal(&L, &code, d, i + 1, end, kind, c != '\'', count_nl(d, i + 1, end)) < 0)
                goto done;
        } else if (c == '/' || c == '#') {
            if (c == '/' && i + 1 < n && d[i + 1] == '*') {
                const unsigned char *p = NULL;
                if (i + 2 < n) {
                    Py_ssize_t at = find_in(d + i + 2, n - i - 2, (const unsigned char *)"*/", 2);
                    if (at >= 0) p = d + i + 2 + at;
                }
                j = p ? (p - d) + 2 : n;
                if (buf_lower(&code, d + seg, i - seg) < 0) goto done;
                if (buf_put(&code, " ", 1) < 0 || buf_newlines(&code, count_nl(d, i, j)) < 0)
                    goto done;
            } else if (c == '/' ? (i + 1 < n && d[i + 1] == '/') : !(i + 1 < n && d[i + 1] == '[')) {
                j = line_comment_end(d, n, i + (c == '/' ? 2 : 1));
                if (buf_lower(&code, d + seg, i - seg) < 0) goto done;
                if (buf_put(&code, " ", 1) < 0) goto done;
            } else {
                i++; /* a division or an attribute: plain code */
                continue;
            }
            comments += j - i;
        } else if (c == '?') {
            if (!(i + 1 < n && d[i + 1] == '>')) { i++; continue; }
            /* ?> inline HTML up to the next "<?" (then "php" or "=") */
            Py_ssize_t k = i + 2, html_end;
            for (;;) {
                const unsigned char *p = k < n ? memchr(d + k, '<', (size_t)(n - k)) : NULL;
                if (p == NULL) { k = n; break; }
                k = p - d;
                if (k + 1 < n && d[k + 1] == '?') break;
                k++;
            }
            html_end = k;
            j = k;
            int echo = 0;
            if (k < n) { /* at "<?" */
                j = k + 2;
                if (j + 3 <= n && memcmp(d + j, "php", 3) == 0) j += 3;
                else if (j < n && d[j] == '=') { j += 1; echo = 1; }
            }
            if (buf_lower(&code, d + seg, i - seg) < 0) goto done;
            if (buf_put(&html, (const char *)d + i + 2, html_end - i - 2) < 0) goto done;
            if (buf_put(&code, ";", 1) < 0 || buf_newlines(&code, count_nl(d, i, j)) < 0)
                goto done;
            if (echo ? buf_put(&code, "echo ", 5) : buf_put(&code, ";", 1)) goto done;
            regions++;
        } else { /* '<' */
            if (!(i + 2 < n && d[i + 1] == '<' && d[i + 2] == '<')) { i++; continue; }
            /* <<<[ \t]*(['"]?)(label)\1\r?\n */
            Py_ssize_t k = i + 3;
            while (k < n && (d[k] == ' ' || d[k] == '\t')) k++;
            unsigned char quote = 0;
            if (k < n && (d[k] == '\'' || d[k] == '"')) quote = d[k++];
            Py_ssize_t la = k;
            if (k < n && label_byte(d[k]) && !(d[k] >= '0' && d[k] <= '9')) {
                k++;
                while (k < n && label_byte(d[k])) k++;
            }
            Py_ssize_t lb = k;
            int ok = lb > la;
            if (ok && quote) ok = k < n && d[k++] == quote;
            if (ok && k < n && d[k] == '\r') k++;
            ok = ok && k < n && d[k] == '\n';
            if (!ok) { /* not a heredoc: "<<<" stays in the code */
                i += 3;
                continue;
            }
            Py_ssize_t body_start = k + 1, body_end = n, end = n, lablen = lb - la;
            /* \n[ \t]*label(?!label byte), searched from the opening line's \n */
            for (Py_ssize_t s = k; s < n;) {
                const unsigned char *p = memchr(d + s, '\n', (size_t)(n - s));
                if (p == NULL) break;
                Py_ssize_t q = (p - d) + 1;
                while (q < n && (d[q] == ' ' || d[q] == '\t')) q++;
                if (q + lablen <= n && memcmp(d + q, d + la, (size_t)lablen) == 0 &&
                    !(q + lablen < n && label_byte(d[q + lablen]))) {
                    body_end = p - d;
                    end = q + lablen;
                    break;
                }
                s = (p - d) + 1;
            }
            if (buf_lower(&code, d + seg, i - seg) < 0) goto done;
            int nowdoc = quote == '\'';
            if (add_literal(&L, &code, d, body_start, body_end, nowdoc ? KIND_NOWDOC : KIND_HEREDOC,
                            !nowdoc, count_nl(d, i, end)) < 0)
                goto done;
            j = end;
        }
        i = seg = j;
    }
    if (buf_lower(&code, d + seg, n - seg) < 0) goto done;
    result = Py_BuildValue("(y#OOOOy#nn)", code.buf ? code.buf : "", code.len, L.raw, L.kinds,
                           L.long_, L.escaped, html.buf ? html.buf : "", html.len, comments,
                           regions);
done:
    PyMem_Free(code.buf);
    PyMem_Free(html.buf);
    Py_XDECREF(L.raw);
    Py_XDECREF(L.kinds);
    Py_XDECREF(L.long_);
    Py_XDECREF(L.escaped);
    PyBuffer_Release(&view);
    return result;
}

/* [a-z_\x80-\xff] starts a name of lexed (lower-cased) code, [0-9a-z_\x80-\xff] goes on */
static int name_start(unsigned char c) { return (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80; }
static int name_byte(unsigned char c) { return name_start(c) || (c >= '0' && c <= '9'); }

/* The names already added, by their bytes: a file uses each variable many times, and making
 * a bytes object for every use to add it to the set was most of names()' time. An open
 * addressing table of (offset, length) into the code; when it is full, names are added
 * without it (the set still keeps each once). */
#define SEEN_BITS 10
#define SEEN_SIZE (1 << SEEN_BITS)
typedef struct {
    uint32_t at[SEEN_SIZE], len[SEEN_SIZE];
    Py_ssize_t used;
} Seen;

static int add_name(PyObject *set, Seen *seen, const unsigned char *d, Py_ssize_t a,
                    Py_ssize_t b) {
    Py_ssize_t k = b - a;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (Py_ssize_t i = a; i < b; i++) h = (h ^ d[i]) * 16777619u;
    size_t slot = h & (SEEN_SIZE - 1);
    if (seen->used < SEEN_SIZE / 2 && b <= (Py_ssize_t)UINT32_MAX) {
        while (seen->len[slot]) {
            if ((Py_ssize_t)seen->len[slot] == k && memcmp(d + seen->at[slot], d + a, (size_t)k) == 0)
                return 0; /* added already */
            slot = (slot + 1) & (SEEN_SIZE - 1);
        }
        seen->at[slot] = (uint32_t)a;
        seen->len[slot] = (uint32_t)k;
        seen->used++;
    }
    PyObject *name = PyBytes_FromStringAndSize((const char *)d + a, k);
    if (name == NULL) return -1;
    int rc = PySet_Add(set, name);
    Py_DECREF(name);
    return rc;
}

static PyObject *names(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len;
    PyObject *set = PySet_New(NULL);
    Seen *seen = PyMem_Calloc(1, sizeof(Seen));
    if (seen == NULL) Py_CLEAR(set);
    /* \$(name): each "$" followed by a name start, the name as long as it goes */
    for (Py_ssize_t i = 0; set != NULL && i < n;) {
        const unsigned char *p = memchr(d + i, '$', (size_t)(n - i));
        if (p == NULL) break;
        i = (p - d) + 1;
        if (i < n && name_start(d[i])) {
            Py_ssize_t a = i;
            while (i < n && name_byte(d[i])) i++;
            if (add_name(set, seen, d, a, i) < 0) Py_CLEAR(set);
        }
    }
    /* function\s+(name), \s being [ \t\n\r\f\v] */
    for (Py_ssize_t i = 0; set != NULL && i + 8 <= n;) {
        Py_ssize_t off = find_in(d + i, n - i, (const unsigned char *)"function", 8);
        if (off < 0) break;
        const unsigned char *p = d + i + off;
        Py_ssize_t j = (p - d) + 8;
        i = (p - d) + 1;
        Py_ssize_t k = j;
        while (k < n && (d[k] == ' ' || (d[k] >= '\t' && d[k] <= '\r'))) k++;
        if (k > j && k < n && name_start(d[k])) {
            Py_ssize_t a = k;
            while (k < n && name_byte(d[k])) k++;
            if (add_name(set, seen, d, a, k) < 0) Py_CLEAR(set);
            i = k;
        }
    }
    PyMem_Free(seen);
    PyBuffer_Release(&view);
    if (set == NULL && !PyErr_Occurred()) PyErr_NoMemory();
    return set;
}

/* Where a call of a variable or of a parenthesized expression starts, as the scanner's
 * regexes find them through context.bounded_finditer (a match preceded by a byte of
 * NOT_CALL_BEFORE is not a plain call and is passed over; varcall's "bounded" false: as
 * the regex's own search finds them, wherever they are). The regexes start with "$" or ")",
 * bytes so frequent in PHP that the regex engine tries its pattern at thousands of offsets
 * per file; here each offset is a few byte tests. context._varcall_py and _paren_call_py are
 * the reference (the tests compare them). */

/* NOT_CALL_BEFORE: a-z 0-9 _ $ > : and every byte >= 0x80 */
static int not_call_before(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           c == '>' || c == ':' || c >= 0x80;
}
/* \s of a bytes regex: [ \t\n\r\f\v] */
static int re_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
/* [\w\x80-\xff] of a bytes regex: \w is [a-zA-Z0-9_] */
static int re_word(unsigned char c) {
    return name_byte(c) || (c >= 'A' && c <= 'Z');
}

/* SINK_VARCALL, \$([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+(?:\[[^\]\n]{0,40}\]\s*)?\( , or
 * without the bracket part (brackets == 0: _BUILT_VARCALL), matched at d[p] == '$' */
static int varcall_match(const unsigned char *d, Py_ssize_t n, Py_ssize_t p, int brackets) {
    Py_ssize_t i = p + 1;
    if (i >= n || !name_start(d[i])) return 0;
    while (i < n && re_word(d[i])) i++;
    while (i < n && re_space(d[i])) i++;
    if (i < n && d[i] == '(') return 1;
    if (!brackets || i >= n || d[i] != '[') return 0;
    /* [^\]\n]{0,40}\] : the first "]" or newline decides (neither can be in the run) */
    Py_ssize_t j = i + 1;
    while (j < n && j - (i + 1) <= 40 && d[j] != ']' && d[j] != '\n') j++;
    if (j >= n || j - (i + 1) > 40 || d[j] != ']') return 0;
    j++;
    while (j < n && re_space(d[j])) j++;
    return j < n && d[j] == '(';
}

/* \)\s*\( matched at d[p] == ')' */
static int paren_call_match(const unsigned char *d, Py_ssize_t n, Py_ssize_t p) {
    Py_ssize_t i = p + 1;
    while (i < n && re_space(d[i])) i++;
    return i < n && d[i] == '(';
}

static PyObject *find_call(PyObject *args, int kind) {
    Py_buffer view;
    Py_ssize_t pos;
    int brackets = 1, bounded = 1;
    if (kind == 0) {
        if (!PyArg_ParseTuple(args, "y*n|pp", &view, &pos, &brackets, &bounded)) return NULL;
    } else if (!PyArg_ParseTuple(args, "y*n", &view, &pos)) {
        return NULL;
    }
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len, found = -1;
    unsigned char lead = kind == 0 ? '$' : ')';
    if (pos < 0) pos = 0;
    while (pos < n) {
        const unsigned char *q = memchr(d + pos, lead, (size_t)(n - pos));
        if (q == NULL) break;
        Py_ssize_t p = q - d;
        pos = p + 1;
        if (bounded && p > 0 && not_call_before(d[p - 1])) continue;
        if (kind == 0 ? varcall_match(d, n, p, brackets) : paren_call_match(d, n, p)) {
            found = p;
            break;
        }
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(found);
}

static PyObject *varcall(PyObject *self, PyObject *args) { return find_call(args, 0); }
static PyObject *paren_call(PyObject *self, PyObject *args) { return find_call(args, 1); }

/* next_word(code, words, nxt, start, not_after): the next offset, from start, where one of
 * words (a tuple of bytes) occurs in code and no byte of not_after comes just before; -1 when
 * there is none. nxt (a list, one int per word) remembers where each word was found last,
 * len(code) + 1 for "no further occurrence": a word found before start is searched for again
 * from start, and nxt updated in place. context.word_searcher tries its pattern at each
 * offset this gives: the loop over the candidates was Python's, a few steps per candidate
 * and thousands of candidates per file (every "exec" of a file for a pattern of exec(...)).
 * context._next_word_py is the reference (the tests compare them). */
static PyObject *next_word(PyObject *self, PyObject *args) {
    Py_buffer view, skip;
    PyObject *words, *nxt;
    Py_ssize_t start;
    if (!PyArg_ParseTuple(args, "y*O!O!ny*", &view, &PyTuple_Type, &words, &PyList_Type, &nxt,
                          &start, &skip))
        return NULL;
    PyObject *result = NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len, none = n + 1, nw = PyTuple_GET_SIZE(words), found = -1;
    unsigned char after[256] = {0};
    for (Py_ssize_t i = 0; i < skip.len; i++) after[((const unsigned char *)skip.buf)[i]] = 1;
    if (PyList_GET_SIZE(nxt) != nw) {
        PyErr_SetString(PyExc_ValueError, "nxt must hold one offset per word");
        goto done;
    }
    for (Py_ssize_t k = 0; k < nw; k++) {
        if (!PyBytes_Check(PyTuple_GET_ITEM(words, k))) {
            PyErr_SetString(PyExc_TypeError, "words must be bytes");
            goto done;
        }
    }
    if (start < 0) start = 0;
    for (;;) {
        Py_ssize_t pos = none;
        for (Py_ssize_t k = 0; k < nw; k++) {
            Py_ssize_t at = PyLong_AsSsize_t(PyList_GET_ITEM(nxt, k));
            if (at == -1 && PyErr_Occurred()) goto done;
            if (at < start && at != none) {
                PyObject *w = PyTuple_GET_ITEM(words, k);
                Py_ssize_t wlen = PyBytes_GET_SIZE(w);
                at = none;
                if (start <= n && wlen <= n - start) {
                    Py_ssize_t q = find_in(d + start, n - start,
                                           (const unsigned char *)PyBytes_AS_STRING(w), wlen);
                    if (q >= 0) at = start + q;
                }
                PyObject *v = PyLong_FromSsize_t(at);
                if (v == NULL) goto done;
                if (PyList_SetItem(nxt, k, v) < 0) goto done; /* steals v */
            }
            if (at < pos) pos = at;
        }
        if (pos == none) break;
        if (pos > 0 && after[d[pos - 1]]) {
            start = pos + 1;
            continue;
        }
        found = pos;
        break;
    }
    result = PyLong_FromSsize_t(found);
done:
    PyBuffer_Release(&view);
    PyBuffer_Release(&skip);
    return result;
}

/* Where the literal-only concatenations of lexed code may start: the next match of
 * context._CONCAT_START, \x01\d+\x01\s*\.\s*(?:\x01|chr), searched from pos, as (start, end);
 * (-1, -1) when there is none. re.finditer's matches are these, each search from the last
 * end. Every placeholder opens and closes with \x01: the regex engine tried the pattern at
 * each of them. */
static PyObject *concat_start(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "y*n", &view, &pos)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len, found = -1, end = -1;
    if (pos < 0) pos = 0;
    while (pos < n) {
        const unsigned char *q = memchr(d + pos, 1, (size_t)(n - pos));
        if (q == NULL) break;
        Py_ssize_t s = q - d, i = s + 1;
        while (i < n && d[i] >= '0' && d[i] <= '9') i++;
        if (i > s + 1 && i < n && d[i] == 1) {
            i++;
            while (i < n && re_space(d[i])) i++;
            if (i < n && d[i] == '.') {
                i++;
                while (i < n && re_space(d[i])) i++;
                if (i < n && d[i] == 1)
                    end = i + 1;
                else if (i + 3 <= n && memcmp(d + i, "chr", 3) == 0)
                    end = i + 3;
            }
        }
        if (end >= 0) {
            found = s;
            break;
        }
        pos = s + 1;
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("(nn)", found, end);
}

/* The bracket walks of the argument helpers (context._balanced_end_py, _top_args_py and
 * _open_before_py are the references): Python loops over every byte of an argument text,
 * called for each call a rule looks at. */
static int opens(unsigned char c) { return c == '(' || c == '[' || c == '{'; }
static int closes(unsigned char c) { return c == ')' || c == ']' || c == '}'; }

/* balanced_end(text, stop, nested): the offset where the expression at the start of text
 * ends: a closing bracket it did not open, or the byte stop (outside brackets unless nested);
 * len(text) when neither comes. */
static PyObject *balanced_end(PyObject *self, PyObject *args) {
    Py_buffer view;
    int stop, nested;
    if (!PyArg_ParseTuple(args, "y*ip", &view, &stop, &nested)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len, i = 0, depth = 0;
    for (; i < n; i++) {
        unsigned char c = d[i];
        if (c == stop && (nested || depth == 0)) break;
        if (opens(c)) {
            depth++;
        } else if (closes(c)) {
            if (depth == 0) break;
            depth--;
        }
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(i);
}

/* top_args(args): the top-level arguments of a call whose argument text is args (after the
 * "("): split at the commas outside brackets, up to the ")" that closes the call. */
static PyObject *top_args(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const char *d = view.buf;
    Py_ssize_t n = view.len, last = 0, depth = 0, i = 0;
    PyObject *out = PyList_New(0);
    if (out == NULL) goto done;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)d[i];
        int cut = 0;
        if (opens(c)) {
            depth++;
        } else if (closes(c)) {
            if (depth == 0) break;
            depth--;
        } else if (c == ',' && depth == 0) {
            cut = 1;
        }
        if (cut) {
            PyObject *part = PyBytes_FromStringAndSize(d + last, i - last);
            if (part == NULL || PyList_Append(out, part) < 0) {
                Py_XDECREF(part);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(part);
            last = i + 1;
        }
    }
    {
        PyObject *part = PyBytes_FromStringAndSize(d + last, i - last);
        if (part == NULL || PyList_Append(out, part) < 0) Py_CLEAR(out);
        Py_XDECREF(part);
    }
done:
    PyBuffer_Release(&view);
    return out;
}

/* open_before(text, pos): the innermost "(" or "[" left open before pos, looking back at most
 * 399 bytes, as (offset, byte); (-1, 0) when none. IndexError for a pos past the end. */
static PyObject *open_before(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "y*n", &view, &pos)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len, found = -1, depth = 0;
    int ch = 0;
    if (pos > n) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_IndexError, "index out of range");
        return NULL;
    }
    Py_ssize_t floor = pos - 400 > -1 ? pos - 400 : -1;
    for (Py_ssize_t i = pos - 1; i > floor; i--) {
        unsigned char c = d[i];
        if (c == ')' || c == ']') {
            depth++;
        } else if (c == '(' || c == '[') {
            if (depth == 0) {
                found = i;
                ch = c;
                break;
            }
            depth--;
        }
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("(ni)", found, ch);
}

/* brace_end(code, open_at, end): where the {...} block whose "{" is at open_at closes (the
 * offset after its "}"), looking no further than end; -1 when it does not close by then
 * (context._brace_end_py is the reference). */
static PyObject *brace_end(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t open_at, end;
    if (!PyArg_ParseTuple(args, "y*nn", &view, &open_at, &end)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len, found = -1, depth = 0;
    /* offsets as bytes.find() reads them: a negative one counts from the end */
    if (end < 0) end = end + n < 0 ? 0 : end + n;
    if (end > n) end = n;
    if (open_at < 0) open_at = open_at + n < 0 ? 0 : open_at + n;
    for (Py_ssize_t i = open_at; i < end; i++) {
        if (d[i] == '{') {
            depth++;
        } else if (d[i] == '}') {
            depth--;
            if (depth == 0) {
                found = i + 1;
                break;
            }
        }
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(found);
}

/* close_paren(text, opens=40, closes=41): the offset of the closes byte that closes a bracket
 * opened just before text (depth below zero), len(text) when none does
 * (context._close_paren_py is the reference). */
static PyObject *close_paren(PyObject *self, PyObject *args) {
    Py_buffer view;
    int op = '(', cl = ')';
    if (!PyArg_ParseTuple(args, "y*|ii", &view, &op, &cl)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len, i = 0, depth = 0;
    for (; i < n; i++) {
        int c = d[i];
        if (c == op) {
            depth++;
        } else if (c == cl) {
            if (--depth < 0) break;
        }
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(i);
}

/* calls_of(code, name, limit, start): the first `limit` (at least one) plain calls of name
 * from start on, as [(offset, argument text)]: each occurrence of name followed by white
 * space, "(" and up to 200 bytes that are not ";" (the argument text), and not preceded by
 * a name byte, "$", ">" or ":" (context._calls_of_py is the reference). */
static unsigned char NOT_CALL_BEFORE[256];
static PyObject *calls_of(PyObject *self, PyObject *args) {
    Py_buffer view, nv;
    Py_ssize_t limit, start;
    if (!PyArg_ParseTuple(args, "y*y*nn", &view, &nv, &limit, &start)) return NULL;
    const unsigned char *d = view.buf, *name = nv.buf;
    Py_ssize_t n = view.len, k = nv.len;
    PyObject *out = PyList_New(0);
    if (out == NULL || k == 0) goto done;
    if (start < 0) start = start + n < 0 ? 0 : start + n;
    Py_ssize_t at = start;
    while (at + k <= n) {
        Py_ssize_t off = find_in(d + at, n - at, (const unsigned char *)name, k);
        if (off < 0) break;
        at += off;
        Py_ssize_t j = at + k;
        while (j < n && re_space(d[j])) j++;
        if (j >= n || d[j] != '(') {
            at++;
            continue;
        }
        j++;
        Py_ssize_t e = j, stop = j + 200 < n ? j + 200 : n;
        while (e < stop && d[e] != ';') e++;
        if (at == 0 || !NOT_CALL_BEFORE[d[at - 1]]) {
            PyObject *item = Py_BuildValue("(ny#)", at, (const char *)d + j, e - j);
            if (item == NULL || PyList_Append(out, item) < 0) {
                Py_XDECREF(item);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(item);
            if (PyList_GET_SIZE(out) >= limit) break;
        }
        at += k;
    }
done:
    PyBuffer_Release(&nv);
    PyBuffer_Release(&view);
    return out;
}

/* assignment_before(code, pos): the "$name = rhs" statement that holds offset pos, as
 * (name, rhs), or None (taint._assignment_before_py is the reference): the statement starts
 * after the last ";", "{" or "}" of the 600 bytes before pos; the first "$" of the 602
 * bytes after that where taint._ASSIGN_AT matches is the assignment, if its match holds pos
 * (the match's start before pos, its end after it). _ASSIGN_AT, spelled out: "$", a name
 * ([a-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*), white space, any number of "[...]" (up to 60
 * bytes, no "]" or line break inside) each followed by white space, ".=", "??=" or "=" not
 * followed by "=" or ">", white space, then the right side: up to 600 bytes that are not
 * ";". Every part is taken whole (no part can give back a byte the next one could use), so
 * the first way that matches is the one the regex engine finds. */

/* the end of the right side of an _ASSIGN_AT match at d[at] == '$' (rhs from *rhs_at), or -1 */
static Py_ssize_t assign_match(const unsigned char *d, Py_ssize_t n, Py_ssize_t at,
                               Py_ssize_t *name_end, Py_ssize_t *rhs_at) {
    Py_ssize_t j = at + 1;
    if (j >= n || !name_start(d[j])) return -1;
    j++;
    while (j < n && re_word(d[j])) j++;
    *name_end = j;
    while (j < n && re_space(d[j])) j++;
    while (j < n && d[j] == '[') {
        Py_ssize_t k = j + 1, lim = j + 1 + 60 < n ? j + 1 + 60 : n;
        while (k < lim && d[k] != ']' && d[k] != '\n') k++;
        if (k >= n || d[k] != ']') break;
        j = k + 1;
        while (j < n && re_space(d[j])) j++;
    }
    if (j < n && d[j] == '.' && j + 1 < n && d[j + 1] == '=') {
        j += 1;
    } else if (j + 2 < n && d[j] == '?' && d[j + 1] == '?' && d[j + 2] == '=') {
        j += 2;
    }
    if (j >= n || d[j] != '=') return -1;
    j++;
    if (j < n && (d[j] == '=' || d[j] == '>')) return -1;
    while (j < n && re_space(d[j])) j++;
    *rhs_at = j;
    Py_ssize_t e = j, stop = j + 600 < n ? j + 600 : n;
    while (e < stop && d[e] != ';') e++;
    return e;
}

/* taint._statement_start, for pos >= 0: the last ";", "{" or "}" in [max(0, pos - 600), pos),
 * or pos - 600 when there is none or it is further back */
static Py_ssize_t stmt_start(const unsigned char *d, Py_ssize_t n, Py_ssize_t pos) {
    Py_ssize_t floor = pos - 600 > 0 ? pos - 600 : 0, top = pos < n ? pos : n, lo = -1;
    for (Py_ssize_t i = top - 1; i >= floor; i--) {
        if (d[i] == ';' || d[i] == '{' || d[i] == '}') {
            lo = i;
            break;
        }
    }
    return lo < pos - 600 ? pos - 600 : lo;
}

/* statement_start(code, pos): stmt_start, for the rules that look back to a statement's start */
static PyObject *statement_start(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "y*n", &view, &pos)) return NULL;
    if (pos < 0) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "negative offset");
        return NULL;
    }
    Py_ssize_t lo = stmt_start(view.buf, view.len, pos);
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(lo);
}

static PyObject *assignment_before(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "y*n", &view, &pos)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len;
    PyObject *out = NULL;
    if (pos < 0) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "negative offset");
        return NULL;
    }
    Py_ssize_t lo = stmt_start(d, n, pos);
    /* taint._first_assignment: the first "$" in [lo + 1, lo + 602) where the pattern matches */
    Py_ssize_t end = lo + 602 < n ? lo + 602 : n;
    for (Py_ssize_t at = lo + 1; at < end; at++) {
        if (d[at] != '$') continue;
        Py_ssize_t name_end = 0, rhs_at = 0;
        Py_ssize_t m_end = assign_match(d, n, at, &name_end, &rhs_at);
        if (m_end < 0) continue;
        if (at < pos && pos < m_end)
            out = Py_BuildValue("(y#y#)", (const char *)d + at + 1, name_end - at - 1,
                                (const char *)d + rhs_at, m_end - rhs_at);
        goto done;
    }
done:
    PyBuffer_Release(&view);
    if (out == NULL && !PyErr_Occurred()) Py_RETURN_NONE;
    return out;
}

/* canonical_space(code, budget): code with its white space in one form (lexer.py's
 * _canonical_space_py is the reference): each statement (the text after ";", "{" or "}" up to
 * the next one, past its leading white space) with a line break inside is joined (its runs
 * of white space one space, none at its end) and its line breaks put after its end, for the
 * first `budget` such statements; then "\t\r\f\v" read as spaces and every run of spaces is
 * one. One pass; the output is at most twice the input (a line break becomes a space and a
 * line break). */
static int is_space6(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

#define PUT(ch)                                                                  \
    do {                                                                         \
        unsigned char c_ = (ch);                                                 \
        if (c_ == '\t' || c_ == '\r' || c_ == '\f' || c_ == '\v') c_ = ' ';      \
        if (!(c_ == ' ' && o > 0 && out[o - 1] == ' ')) out[o++] = (char)c_;     \
    } while (0)

static PyObject *canonical_space(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t budget;
    if (!PyArg_ParseTuple(args, "y*n", &view, &budget)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len;
    if (n > PY_SSIZE_T_MAX / 2 - 1) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    PyObject *res = PyBytes_FromStringAndSize(NULL, 2 * n);
    if (res == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    char *out = PyBytes_AS_STRING(res);
    Py_ssize_t o = 0, pos = 0;
    int any_break = memchr(d, '\n', (size_t)n) != NULL;
    while (pos < n) {
        Py_ssize_t i = pos, t, breaks = 0;
        while (i < n && is_space6(d[i])) i++;
        t = i;
        while (t < n && d[t] != ';' && d[t] != '{' && d[t] != '}') {
            if (d[t] == '\n') breaks++;
            t++;
        }
        Py_ssize_t stop = t < n ? t + 1 : n; /* the statement and its end */
        if (any_break && i < t && breaks > 0 && budget > 0) {
            budget--;
            for (Py_ssize_t k = pos; k < i; k++) PUT(d[k]);
            Py_ssize_t k = i;
            int first = 1;
            while (k < t) {
                while (k < t && is_space6(d[k])) k++;
                if (k >= t) break;
                if (!first) PUT(' ');
                first = 0;
                while (k < t && !is_space6(d[k])) PUT(d[k++]);
            }
            if (t < n) PUT(d[t]);
            for (Py_ssize_t b = 0; b < breaks; b++) out[o++] = '\n';
        } else {
            for (Py_ssize_t k = pos; k < stop; k++) PUT(d[k]);
        }
        pos = stop;
    }
    PyBuffer_Release(&view);
    if (_PyBytes_Resize(&res, o) < 0) return NULL;
    return res;
}
#undef PUT

/* words(data): the distinct tokens of the learned model (learned.py, _words_py is the
 * reference): every maximal run of [A-Za-z0-9_] that does not start with a digit, 3 to 40
 * bytes, lower-cased; also "$word" where the run follows a "$" and "word(" where the next
 * byte after spaces, tabs and line ends is "(". One pass over the raw bytes. */
#define TOKEN_MAX 40
enum { PLAIN, DOLLAR, CALL };

static uint8_t WORD_CHAR[256]; /* [A-Za-z0-9_], filled in at import */
static unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* The next word from *i: 1 with its start, length and whether "$" comes before and "(" after
 * it, *i past it; 0 at the end of the data. */
static int next_token(const unsigned char *d, Py_ssize_t n, Py_ssize_t *pos, Py_ssize_t *start,
                      Py_ssize_t *len, int *dollar, int *call) {
    Py_ssize_t i = *pos; /* a local: a store through a char pointer could alias *pos */
    while (i < n) {
        if (!WORD_CHAR[d[i]]) {
            i++;
            continue;
        }
        Py_ssize_t a = i;
        while (i < n && WORD_CHAR[d[i]]) i++;
        if (i - a < 3 || i - a > TOKEN_MAX || (d[a] >= '0' && d[a] <= '9')) continue;
        Py_ssize_t k = i;
        while (k < n && (d[k] == ' ' || d[k] == '\t' || d[k] == '\r' || d[k] == '\n')) k++;
        *pos = i;
        *start = a;
        *len = i - a;
        *dollar = a > 0 && d[a - 1] == '$';
        *call = k < n && d[k] == '(';
        return 1;
    }
    *pos = i;
    return 0;
}

/* The token's text in buf (TOKEN_MAX + 2 bytes): the word lower-cased, "$" or "(" added. */
static Py_ssize_t token_text(char *buf, const unsigned char *d, Py_ssize_t a, Py_ssize_t len,
                             int kind) {
    Py_ssize_t k = 0;
    if (kind == DOLLAR) buf[k++] = '$';
    for (Py_ssize_t i = 0; i < len; i++) buf[k++] = (char)lower(d[a + i]);
    if (kind == CALL) buf[k++] = '(';
    return k;
}

static int add_token(PyObject *set, const unsigned char *d, Py_ssize_t a, Py_ssize_t len,
                     int kind) {
    char buf[TOKEN_MAX + 2];
    PyObject *tok = PyBytes_FromStringAndSize(buf, token_text(buf, d, a, len, kind));
    if (tok == NULL) return -1;
    int rc = PySet_Add(set, tok);
    Py_DECREF(tok);
    return rc;
}

static PyObject *words(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t i = 0, a, len;
    int dollar, call;
    PyObject *set = PySet_New(NULL);
    while (set != NULL && next_token(d, view.len, &i, &a, &len, &dollar, &call)) {
        if (add_token(set, d, a, len, PLAIN) < 0 || (dollar && add_token(set, d, a, len, DOLLAR) < 0) ||
            (call && add_token(set, d, a, len, CALL) < 0))
            Py_CLEAR(set);
    }
    PyBuffer_Release(&view);
    return set;
}

/* Scorer(weights): the weights of a model's tokens in a table of their own, so that
 * .score(data) (the sum of the weights of the distinct tokens of data that have one, as
 * words(data) gives them) makes no Python object: a file's distinct words made one bytes
 * object each, most of the model's time. Each token found in the table is counted once per
 * call (a mark per entry, the call's number). learned.WordModel.score is the reference. */
typedef struct {
    uint32_t hash, mark;
    uint8_t len; /* 0: empty slot */
    char text[TOKEN_MAX + 2];
    double weight;
} Weight;

typedef struct {
    PyObject_HEAD
    size_t cap;
    uint32_t calls;
    Weight *tab;
    uint64_t filter[1024]; /* a bit per token hash's top 16 bits: most tokens have no weight,
                            * and this says so from the CPU's cache, not the table's */
} Scorer;

static uint32_t fnv(const char *s, Py_ssize_t k) {
    uint32_t h = 2166136261u;
    for (Py_ssize_t i = 0; i < k; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void scorer_dealloc(Scorer *self) {
    PyMem_Free(self->tab);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int scorer_init(Scorer *self, PyObject *args, PyObject *kwds) {
    PyObject *dict, *key, *val;
    static char *kwlist[] = {"weights", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!", kwlist, &PyDict_Type, &dict)) return -1;
    size_t cap = 16;
    while (cap < (size_t)PyDict_GET_SIZE(dict) * 2) cap <<= 1;
    Weight *tab = PyMem_Calloc(cap, sizeof(Weight));
    if (tab == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t pos = 0;
    while (PyDict_Next(dict, &pos, &key, &val)) {
        Py_ssize_t k = PyBytes_Check(key) ? PyBytes_GET_SIZE(key) : 0;
        double w = PyFloat_AsDouble(val);
        if (k == 0 || k > TOKEN_MAX + 1 || (w == -1.0 && PyErr_Occurred())) {
            PyMem_Free(tab);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "tokens must be bytes of 1 to 41 bytes");
            return -1;
        }
        const char *t = PyBytes_AS_STRING(key);
        uint32_t h = fnv(t, k);
        size_t slot = h & (cap - 1);
        while (tab[slot].len && !(tab[slot].len == k && memcmp(tab[slot].text, t, (size_t)k) == 0))
            slot = (slot + 1) & (cap - 1);
        tab[slot].hash = h;
        tab[slot].len = (uint8_t)k;
        memcpy(tab[slot].text, t, (size_t)k);
        tab[slot].weight = w;
    }
    memset(self->filter, 0, sizeof self->filter);
    for (size_t i = 0; i < cap; i++)
        if (tab[i].len) self->filter[tab[i].hash >> 22] |= (uint64_t)1 << ((tab[i].hash >> 16) & 63);
    PyMem_Free(self->tab);
    self->tab = tab;
    self->cap = cap;
    self->calls = 0;
    return 0;
}

static double scorer_add(Scorer *self, const unsigned char *d, Py_ssize_t a, Py_ssize_t len,
                         int kind) {
    char buf[TOKEN_MAX + 2];
    Py_ssize_t k = token_text(buf, d, a, len, kind);
    uint32_t h = fnv(buf, k);
    if (!(self->filter[h >> 22] & ((uint64_t)1 << ((h >> 16) & 63)))) return 0.0;
    for (size_t slot = h & (self->cap - 1); self->tab[slot].len; slot = (slot + 1) & (self->cap - 1)) {
        Weight *e = &self->tab[slot];
        if (e->hash == h && e->len == k && memcmp(e->text, buf, (size_t)k) == 0) {
            if (e->mark == self->calls) return 0.0; /* counted already in this call */
            e->mark = self->calls;
            return e->weight;
        }
    }
    return 0.0;
}

static PyObject *scorer_score(Scorer *self, PyObject *arg) {
    Py_buffer view;
    if (self->tab == NULL) {
        PyErr_SetString(PyExc_ValueError, "Scorer not initialised");
        return NULL;
    }
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    if (++self->calls == 0) { /* the marks wrapped round: clear them */
        for (size_t i = 0; i < self->cap; i++) self->tab[i].mark = 0;
        self->calls = 1;
    }
    const unsigned char *d = view.buf;
    Py_ssize_t i = 0, a, len;
    int dollar, call;
    double sum = 0.0;
    while (next_token(d, view.len, &i, &a, &len, &dollar, &call)) {
        sum += scorer_add(self, d, a, len, PLAIN);
        if (dollar) sum += scorer_add(self, d, a, len, DOLLAR);
        if (call) sum += scorer_add(self, d, a, len, CALL);
    }
    PyBuffer_Release(&view);
    return PyFloat_FromDouble(sum);
}

static PyMethodDef scorer_methods[] = {
    {"score", (PyCFunction)scorer_score, METH_O,
     "The sum of the weights of the distinct tokens of data (see words)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScorerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "spamtrace.scanner._lexer.Scorer",
    .tp_basicsize = sizeof(Scorer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)scorer_init,
    .tp_dealloc = (destructor)scorer_dealloc,
    .tp_methods = scorer_methods,
    .tp_doc = "Scorer(weights: dict[bytes, float]); .score(data) -> float",
};

/* mentions(code, names, limit): for each name, the offsets of the first `limit` occurrences
 * of "$" + name in code, left to right, each looked for after the end of the one before (what
 * a loop of code.find does; taint._mentions_py is the reference): one pass over the "$" of
 * the code for all the names, where the loop reads the code again for each. */
static PyObject *mentions(PyObject *self, PyObject *args) {
    Py_buffer view;
    PyObject *names, *seq = NULL, *out = NULL;
    Py_ssize_t limit;
    Py_ssize_t *len = NULL, *next = NULL, *count = NULL;
    if (!PyArg_ParseTuple(args, "y*On", &view, &names, &limit)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len;
    seq = PySequence_Fast(names, "names must be a sequence of bytes");
    if (seq == NULL) goto done;
    Py_ssize_t k = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < k; i++) {
        if (!PyBytes_Check(items[i])) {
            PyErr_SetString(PyExc_TypeError, "names must be bytes");
            goto done;
        }
    }
    out = PyList_New(k);
    if (out == NULL) goto done;
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *lst = PyList_New(0);
        if (lst == NULL) { Py_CLEAR(out); goto done; }
        PyList_SET_ITEM(out, i, lst);
    }
    if (limit <= 0 || k == 0) goto done;
    len = PyMem_Malloc((size_t)k * sizeof(Py_ssize_t));
    next = PyMem_Calloc((size_t)k, sizeof(Py_ssize_t));
    count = PyMem_Calloc((size_t)k, sizeof(Py_ssize_t));
    if (!len || !next || !count) { PyErr_NoMemory(); Py_CLEAR(out); goto done; }
    for (Py_ssize_t i = 0; i < k; i++) len[i] = PyBytes_GET_SIZE(items[i]);
    Py_ssize_t active = k, at = 0;
    while (active > 0 && at < n) {
        const unsigned char *p = memchr(d + at, '$', (size_t)(n - at));
        if (p == NULL) break;
        at = p - d;
        for (Py_ssize_t i = 0; i < k; i++) {
            if (count[i] >= limit || at < next[i] || len[i] > n - at - 1) continue;
            if (len[i] && memcmp(d + at + 1, PyBytes_AS_STRING(items[i]), (size_t)len[i]) != 0)
                continue;
            PyObject *v = PyLong_FromSsize_t(at);
            if (v == NULL || PyList_Append(PyList_GET_ITEM(out, i), v) < 0) {
                Py_XDECREF(v);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(v);
            next[i] = at + 1 + len[i];
            if (++count[i] >= limit) active--;
        }
        at++;
    }
done:
    PyMem_Free(len);
    PyMem_Free(next);
    PyMem_Free(count);
    Py_XDECREF(seq);
    PyBuffer_Release(&view);
    return out;
}

/* find(text, word, start=0, end=len(text)): text.find(word, start, end) (the offsets as Python
 * adjusts them: negative from the end, clipped to the text); what is not bytes is given to
 * its own find. */
static PyObject *find(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 2 || nargs > 4) {
        PyErr_SetString(PyExc_TypeError, "find(text, word, start=0, end=len(text))");
        return NULL;
    }
    if (!PyBytes_Check(args[0]) || !PyBytes_Check(args[1])) { /* a str, a bytearray: its own */
        PyObject *method = PyObject_GetAttrString(args[0], "find");
        if (method == NULL) return NULL;
        PyObject *out = PyObject_Vectorcall(method, args + 1, (size_t)(nargs - 1), NULL);
        Py_DECREF(method);
        return out;
    }
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]), k = PyBytes_GET_SIZE(args[1]);
    Py_ssize_t start = 0, end = n;
    if (nargs > 2 && args[2] != Py_None) {
        start = PyNumber_AsSsize_t(args[2], NULL);
        if (start == -1 && PyErr_Occurred()) return NULL;
    }
    if (nargs > 3 && args[3] != Py_None) {
        end = PyNumber_AsSsize_t(args[3], NULL);
        if (end == -1 && PyErr_Occurred()) return NULL;
    }
    if (end > n) end = n;
    else if (end < 0) end = end + n < 0 ? 0 : end + n;
    if (start < 0) start = start + n < 0 ? 0 : start + n;
    if (end - start < k) return PyLong_FromLong(-1);
    Py_ssize_t at = find_in((const unsigned char *)PyBytes_AS_STRING(args[0]) + start, end - start,
                           (const unsigned char *)PyBytes_AS_STRING(args[1]), k);
    return PyLong_FromSsize_t(at < 0 ? -1 : start + at);
}

static PyMethodDef methods[] = {
    {"tail", tail, METH_VARARGS, "Lex data[pos:] as PHP code (see lexer.py)."},
    {"names", names, METH_O, "The names of variables and declared functions in lexed code."},
    {"varcall", varcall, METH_VARARGS, "Offset of the first call of a variable from pos, or -1."},
    {"paren_call", paren_call, METH_VARARGS, "Offset of the first ')(' call from pos, or -1."},
    {"concat_start", concat_start, METH_VARARGS, "The next match of context._CONCAT_START."},
    {"next_word", next_word, METH_VARARGS, "The next offset where one of the words occurs."},
    {"words", words, METH_O, "The distinct tokens of the learned model (learned._words_py)."},
    {"balanced_end", balanced_end, METH_VARARGS, "Where the expression at the start ends."},
    {"top_args", top_args, METH_O, "The top-level arguments of a call's argument text."},
    {"open_before", open_before, METH_VARARGS, "The innermost ( or [ left open before pos."},
    {"brace_end", brace_end, METH_VARARGS, "Where the {...} block at open_at closes, or -1."},
    {"canonical_space", canonical_space, METH_VARARGS, "The code's white space in one form."},
    {"close_paren", close_paren, METH_VARARGS, "Where a bracket opened before text closes."},
    {"calls_of", calls_of, METH_VARARGS, "The first plain calls of a name: (offset, args)."},
    {"assignment_before", assignment_before, METH_VARARGS, "The $name = rhs statement at pos."},
    {"statement_start", statement_start, METH_VARARGS, "Where the statement at pos starts."},
    {"mentions", mentions, METH_VARARGS, "The first offsets of \"$\" + each name in code."},
    {"find", (PyCFunction)(void (*)(void))find, METH_FASTCALL, "text.find(word, start, end)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lexer", NULL, -1, methods};

PyMODINIT_FUNC PyInit__lexer(void) {
    const char *special = "'\"`/#?<";
    for (const char *s = special; *s; s++) SPECIAL[(unsigned char)*s] = 1;
    for (int c = 0; c < 256; c++)
        NOT_CALL_BEFORE[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                             c == '$' || c == '>' || c == ':' || c >= 0x80;
    for (int c = 0; c < 256; c++)
        WORD_CHAR[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    KIND_SQ = PyUnicode_InternFromString("sq");
    KIND_DQ = PyUnicode_InternFromString("dq");
    KIND_BQ = PyUnicode_InternFromString("bq");
    KIND_HEREDOC = PyUnicode_InternFromString("heredoc");
    KIND_NOWDOC = PyUnicode_InternFromString("nowdoc");
    if (!KIND_SQ || !KIND_DQ || !KIND_BQ || !KIND_HEREDOC || !KIND_NOWDOC) return NULL;
    if (PyType_Ready(&ScorerType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&ScorerType);
    if (PyModule_AddObject(m, "Scorer", (PyObject *)&ScorerType) < 0) {
        Py_DECREF(&ScorerType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
