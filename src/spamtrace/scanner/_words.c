/* Which of a fixed set of words occur in a text: an Aho-Corasick automaton, compiled.
 *
 * The scanner runs a rule only when its gate words occur in the lexed code (rules.GateWords).
 * That test was one yara-x pass per file and layer, ~120 MB/s with the ~200 gate words, a
 * tenth of a scan's time. Here it is one table lookup per byte. rules.GateWords keeps the
 * yara-x pass where this module was not built, and the tests compare the two.
 *
 * WordSet(words) -> object; .find(text) -> list of the words (the objects given) that occur
 * in text, in the order given (a word given twice comes once); .first(text) -> dict of the
 * words that occur and the offset where each first starts (an index of the text: the rules'
 * "does X occur, and where first" in one pass). Words are non-empty bytes; matching is exact,
 * byte for byte.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MAX_STATES 65535 /* states are uint16; a larger word set is refused (ValueError) */
#define STREAMS 4 /* parts of a text matched side by side (see find) */

typedef struct {
    PyObject_HEAD
    PyObject *words;     /* tuple of the word objects, in the order given */
    int nclass;          /* byte classes: 0 = a byte in no word, 1.. = each byte in a word */
    Py_ssize_t maxlen;   /* the longest word */
    uint8_t cls[256];
    Py_ssize_t nstates;
    uint16_t *delta;     /* nstates * nclass: the complete transition function */
    int32_t *out;        /* per state: a word ending here (-1: none) */
    uint16_t *out_next;  /* per state: the next state on its suffix chain with a word (0: none) */
    uint8_t *has_out;    /* per state: a word ends here or on its suffix chain */
    Py_ssize_t *len;     /* per word: its length */
} WordSet;

static void wordset_dealloc(WordSet *self) {
    Py_XDECREF(self->words);
    PyMem_Free(self->delta);
    PyMem_Free(self->out);
    PyMem_Free(self->out_next);
    PyMem_Free(self->has_out);
    PyMem_Free(self->len);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int wordset_init(WordSet *self, PyObject *args, PyObject *kwds) {
    PyObject *seq;
    static char *kwlist[] = {"words", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &seq)) return -1;
    PyObject *words = PySequence_Tuple(seq);
    if (words == NULL) return -1;
    Py_XSETREF(self->words, words);
    Py_ssize_t nw = PyTuple_GET_SIZE(words), total = 1;
    memset(self->cls, 0, sizeof self->cls);
    int nclass = 1;
    Py_ssize_t maxlen = 1;
    for (Py_ssize_t w = 0; w < nw; w++) {
        PyObject *o = PyTuple_GET_ITEM(words, w);
        if (!PyBytes_Check(o) || PyBytes_GET_SIZE(o) == 0) {
            PyErr_SetString(PyExc_TypeError, "words must be non-empty bytes");
            return -1;
        }
        const unsigned char *s = (const unsigned char *)PyBytes_AS_STRING(o);
        for (Py_ssize_t i = 0; i < PyBytes_GET_SIZE(o); i++)
            if (self->cls[s[i]] == 0) self->cls[s[i]] = (uint8_t)nclass++;
        total += PyBytes_GET_SIZE(o);
        if (PyBytes_GET_SIZE(o) > maxlen) maxlen = PyBytes_GET_SIZE(o);
    }
    if (total > MAX_STATES || nw > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "too many words");
        return -1;
    }
    self->nclass = nclass;
    self->maxlen = maxlen;
    /* the trie: delta[s * nclass + c] = child (0: none yet; the root is state 0) */
    PyMem_Free(self->delta);
    PyMem_Free(self->out);
    PyMem_Free(self->out_next);
    PyMem_Free(self->has_out);
    PyMem_Free(self->len);
    self->len = PyMem_Malloc((size_t)(nw ? nw : 1) * sizeof(Py_ssize_t));
    self->delta = PyMem_Calloc((size_t)total * (size_t)nclass, sizeof(uint16_t));
    self->out = PyMem_Malloc((size_t)total * sizeof(int32_t));
    self->out_next = PyMem_Calloc((size_t)total, sizeof(uint16_t));
    self->has_out = PyMem_Calloc((size_t)total, 1);
    uint16_t *fail = PyMem_Calloc((size_t)total, sizeof(uint16_t));
    uint16_t *queue = PyMem_Malloc((size_t)total * sizeof(uint16_t));
    if (!self->delta || !self->out || !self->out_next || !self->has_out || !self->len || !fail ||
        !queue) {
        PyMem_Free(fail);
        PyMem_Free(queue);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t s = 0; s < total; s++) self->out[s] = -1;
    Py_ssize_t nstates = 1;
    for (Py_ssize_t w = 0; w < nw; w++) {
        PyObject *o = PyTuple_GET_ITEM(words, w);
        const unsigned char *s = (const unsigned char *)PyBytes_AS_STRING(o);
        self->len[w] = PyBytes_GET_SIZE(o);
        Py_ssize_t state = 0;
        for (Py_ssize_t i = 0; i < PyBytes_GET_SIZE(o); i++) {
            uint16_t *next = &self->delta[state * nclass + self->cls[s[i]]];
            if (*next == 0) *next = (uint16_t)nstates++;
            state = *next;
        }
        if (self->out[state] < 0) self->out[state] = (int32_t)w; /* a repeated word: first */
    }
    self->nstates = nstates;
    /* breadth first: failure links, then the missing transitions through them */
    Py_ssize_t head = 0, tail = 0;
    for (int c = 0; c < nclass; c++) {
        uint16_t child = self->delta[c];
        if (child) {
            fail[child] = 0;
            queue[tail++] = child;
        }
    }
    while (head < tail) {
        uint16_t s = queue[head++];
        uint16_t f = fail[s];
        /* the words of the longest proper suffix that is a state, on this state's chain */
        self->out_next[s] = self->out[f] >= 0 ? f : self->out_next[f];
        self->has_out[s] = self->out[s] >= 0 || self->out_next[s] != 0;
        for (int c = 0; c < nclass; c++) {
            uint16_t *t = &self->delta[(Py_ssize_t)s * nclass + c];
            if (*t) {
                fail[*t] = self->delta[(Py_ssize_t)f * nclass + c];
                queue[tail++] = *t;
            } else {
                *t = self->delta[(Py_ssize_t)f * nclass + c];
            }
        }
    }
    PyMem_Free(fail);
    PyMem_Free(queue);
    return 0;
}

/* Match text d[0:n]: at[w] = the offset where word w first starts (-1: it does not occur),
 * for the nw words. With first_only == 0 the pass stops once every word was seen (at[] then
 * says which occur, not always where first).
 *
 * Each step waits for the last one's table lookup: one pass runs at a few hundred MB/s
 * whatever the words. So the text is cut in STREAMS parts, each run from the root state from
 * maxlen - 1 bytes before its start (an occurrence that ends in a part then lies wholly in what
 * its automaton read), and the parts advance together, their lookups overlapping in the CPU.
 * An occurrence is reported where it ends; of one word the occurrence that ends first starts
 * first, so the smallest start seen over all parts is the first (the overlap read again by
 * the next part finds nothing earlier). */
static void match(const WordSet *self, const unsigned char *d, Py_ssize_t n, Py_ssize_t *at,
                  int first_only) {
    const uint16_t *delta = self->delta;
    const uint8_t *cls = self->cls, *has_out = self->has_out;
    const uint32_t nclass = (uint32_t)self->nclass;
    const Py_ssize_t *wlen = self->len;
    Py_ssize_t nw = PyTuple_GET_SIZE(self->words);
    Py_ssize_t left = first_only ? -1 : nw; /* words not seen yet: stop when none is left */
    for (Py_ssize_t w = 0; w < nw; w++) at[w] = -1;
    Py_ssize_t part = n / STREAMS, overlap = self->maxlen - 1;
    if (part < 4 * self->maxlen || part < 1024) part = 0;
    Py_ssize_t pos[STREAMS], end[STREAMS];
    uint32_t st[STREAMS] = {0};
    for (int k = 0; k < STREAMS; k++) {
        Py_ssize_t begin = part ? k * part : 0;
        pos[k] = begin > overlap ? begin - overlap : 0;
        end[k] = part && k < STREAMS - 1 ? (k + 1) * part : n;
        if (!part && k) pos[k] = end[k] = 0;
    }
#define STEP(k)                                                                             \
    do {                                                                                    \
        st[k] = delta[st[k] * nclass + cls[d[pos[k]++]]];                                   \
        if (has_out[st[k]]) {                                                               \
            for (uint32_t s = st[k]; s; s = self->out_next[s]) {                            \
                int32_t w = self->out[s];                                                   \
                if (w >= 0) {                                                               \
                    Py_ssize_t start = pos[k] - wlen[w];                                    \
                    if (at[w] < 0) {                                                        \
                        at[w] = start;                                                      \
                        left--;                                                             \
                    } else if (start < at[w]) {                                             \
                        at[w] = start;                                                      \
                    }                                                                       \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    } while (0)
    if (part) {
        Py_ssize_t steps = end[0] - pos[0]; /* parts 0..STREAMS-2 have the same length */
        for (int k = 1; k < STREAMS; k++)
            if (end[k] - pos[k] < steps) steps = end[k] - pos[k];
        while (steps > 0 && left != 0) {
            Py_ssize_t run = steps < 4096 ? steps : 4096;
            for (Py_ssize_t i = 0; i < run; i++) {
                STEP(0);
                STEP(1);
                STEP(2);
                STEP(3);
            }
            steps -= run;
        }
    }
    for (int k = 0; k < STREAMS && left != 0; k++) /* what each part has left */
        while (pos[k] < end[k] && left != 0) STEP(k);
#undef STEP
}

/* The offsets of the words in arg (a buffer), or NULL with an exception set. */
static Py_ssize_t *offsets(WordSet *self, PyObject *arg, int first_only) {
    Py_buffer view;
    if (self->delta == NULL) {
        PyErr_SetString(PyExc_ValueError, "WordSet not initialized");
        return NULL;
    }
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    Py_ssize_t nw = PyTuple_GET_SIZE(self->words);
    Py_ssize_t *at = PyMem_Malloc((size_t)(nw ? nw : 1) * sizeof(Py_ssize_t));
    if (at == NULL) {
        PyBuffer_Release(&view);
        PyErr_NoMemory();
        return NULL;
    }
    match(self, view.buf, view.len, at, first_only);
    PyBuffer_Release(&view);
    return at;
}

static PyObject *wordset_find(WordSet *self, PyObject *arg) {
    Py_ssize_t *at = offsets(self, arg, 0);
    if (at == NULL) return NULL;
    Py_ssize_t nw = PyTuple_GET_SIZE(self->words);
    PyObject *result = PyList_New(0);
    for (Py_ssize_t w = 0; result != NULL && w < nw; w++) {
        if (at[w] >= 0 && PyList_Append(result, PyTuple_GET_ITEM(self->words, w)) < 0)
            Py_CLEAR(result);
    }
    PyMem_Free(at);
    return result;
}

static PyObject *wordset_first(WordSet *self, PyObject *arg) {
    Py_ssize_t *at = offsets(self, arg, 1);
    if (at == NULL) return NULL;
    Py_ssize_t nw = PyTuple_GET_SIZE(self->words);
    PyObject *result = PyDict_New();
    for (Py_ssize_t w = 0; result != NULL && w < nw; w++) {
        if (at[w] < 0) continue;
        PyObject *off = PyLong_FromSsize_t(at[w]);
        if (off == NULL || PyDict_SetItem(result, PyTuple_GET_ITEM(self->words, w), off) < 0)
            Py_CLEAR(result);
        Py_XDECREF(off);
    }
    PyMem_Free(at);
    return result;
}

static PyMethodDef wordset_methods[] = {
    {"find", (PyCFunction)wordset_find, METH_O, "The words that occur in the text."},
    {"first", (PyCFunction)wordset_first, METH_O,
     "{word: offset of its first occurrence} for the words that occur in the text."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject WordSetType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "spamtrace.scanner._words.WordSet",
    .tp_basicsize = sizeof(WordSet),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "WordSet(words): which of the words occur in a text (Aho-Corasick).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)wordset_init,
    .tp_dealloc = (destructor)wordset_dealloc,
    .tp_methods = wordset_methods,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_words", NULL, -1, NULL};

PyMODINIT_FUNC PyInit__words(void) {
    if (PyType_Ready(&WordSetType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&WordSetType);
    if (PyModule_AddObject(m, "WordSet", (PyObject *)&WordSetType) < 0) {
        Py_DECREF(&WordSetType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
