/* MailLedger.feed's loop and MailPolicy.recipient's window bookkeeping, compiled.
 *
 * attribution/mail.py (MailLedger.feed) and policy/mail.py (MailPolicy.recipient) hold the
 * reference; this file does the same steps on the same Python objects (the ledger's
 * OrderedDicts, the messages' and totals' slots, the policy's windows), in the same order,
 * so that everything the Python code reads afterwards is what it would have made itself. It
 * only saves the interpreter's per-line work: a million-line log has some 750,000 delivery,
 * deferral, bounce and Completed lines, and some 370,000 recipients learnt from them.
 *
 * What is not the common case is handed back to Python: arrivals and argument lines
 * (``other`` / ``postfix_arrival``), a recipient callback that is not MailPolicy.recipient,
 * a message without its sender key, and a recipient that might open an incident
 * (MailPolicy._recipient_opens). Exceptions raised there propagate unchanged.
 *
 *   setup(fields, delivery, defer, bounce, completed, submitted, arrival, arguments,
 *         max_pending, max_distinct)          (attribution/mail.py, at import)
 *   exim_setup(internal_options, join_seconds, argv_recipients)      (the same)
 *   policy(MailPolicy.recipient, MailPolicy.observe, network_of, max_window_items)
 *                                             (policy/mail.py, at import)
 *   observe(policy, msg)                      MailPolicy.observe, for a replay
 *   observer(policy) -> observe(msg)          the same, bound (MailPolicy.observer)
 *   layout(MailMessage, SenderTotals, max_open) -> bool   (attribution/mail.py, at import)
 *   feed(ledger, events, open, pending, other, postfix_arrival, on_recipient)
 *   sink(ledger, open, pending, other, postfix_arrival, on_recipient) -> capsule
 *       feed() for the events of a block as the compiled Exim parser makes them
 *       (sources/maillog/_scan.c exim_into, sources/maillog/mailsink.h)
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include "../sources/maillog/mailsink.h"

static PyObject *A_DELIVERY, *A_DEFER, *A_BOUNCE, *A_COMPLETED, *A_SUBMITTED, *A_ARRIVAL,
    *A_ARGUMENTS;
static PyObject *RECIPIENT; /* MailPolicy.recipient (the function) */
static PyObject *OBSERVE, *NETWORK_OF; /* MailPolicy.observe, policy.mail.network_of */
static PyObject *S_POSTFIX, *ONE, *TWO;
static Py_ssize_t F_WALL = -1, F_MTA, F_ACTION, F_QID, F_RCPTS, F_SENDER, F_USER, F_UID,
    F_PROTOCOL, F_AUTH, F_IP, F_SIZE, F_NRCPT, F_PID, F_CWD, F_ARGS, F_BOUNCE_OF, NFIELDS;
static Py_ssize_t MAX_PENDING, MAX_DISTINCT, MAX_WINDOW_ITEMS;
#define MAX_SAMPLES 20 /* policy.mail: samples kept per incident */

static PyObject *s_dropped, *s_totals, *s_delivered, *s_deferred, *s_bounced, *s_addresses,
    *s_distinct, *s_final_count, *s_recipients, *s_key, *s_auth, *s_windows, *s_open, *s_t,
    *s_window, *s_next_expiry, *s_expire, *s_items, *s_counts, *s_samples, *s_messages,
    *s_script_max_messages, *s_script_max_recipients, *s_recipient_opens, *s_append,
    *s_move_to_end, *s_popitem, *s_wall, *s_ip, *s_queue_id, *s_total, *s_ips, *s_nets,
    *s_last_seen, *s_history, *s_add, *s_hours, *s_history_hours, *s_nets_cache,
    *s_observe_rest, *s_updates, *S_3600;


/* ------------------------------------------------------------ attribute access
 * The messages, totals, windows and incidents are classes with __slots__: an attribute is a
 * member descriptor at a fixed offset. GET / SET keep, per call site, the offset found for
 * the last type seen (as the interpreter's own attribute caches do), and read or write the
 * slot directly; anything else (a __dict__ attribute, a property, another type, an unset
 * slot) goes through PyObject_GetAttr / PyObject_SetAttr. */
typedef struct {
    PyObject *name; /* an interned name of this module (compared by identity) */
    PyTypeObject *type;
    unsigned int version;
    Py_ssize_t off; /* -1: not a plain slot of that type */
} Site;

/* the offset of slot ``name`` of type ``tp`` for reading it (``set``: for writing it: not for
 * a type with its own __setattr__, e.g. a frozen dataclass, whose slots are read here all the
 * same), -1 when it is not a plain slot */
static Py_ssize_t slot_of(Site *c, PyTypeObject *tp, PyObject *name, int set) {
    if (c->name == name && c->type == tp && c->version == tp->tp_version_tag &&
        (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG))
        return c->off;
    Py_ssize_t off = -1;
    if (tp->tp_getattro == PyObject_GenericGetAttr &&
        (!set || tp->tp_setattro == PyObject_GenericSetAttr)) {
        PyObject *d = _PyType_Lookup(tp, name); /* borrowed */
        if (d != NULL && Py_IS_TYPE(d, &PyMemberDescr_Type)) {
            PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
            if (m->type == T_OBJECT_EX && !(set && (m->flags & READONLY))) off = m->offset;
        }
    }
    if (PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG)) {
        c->name = name;
        c->type = tp;
        c->version = tp->tp_version_tag;
        c->off = off;
    }
    return off;
}

static PyObject *site_get(Site *c, PyObject *obj, PyObject *name) {
    Py_ssize_t off = slot_of(c, Py_TYPE(obj), name, 0);
    if (off >= 0) {
        PyObject *v = *(PyObject **)((char *)obj + off);
        if (v != NULL) return Py_NewRef(v);
    }
    return PyObject_GetAttr(obj, name);
}

static int site_set(Site *c, PyObject *obj, PyObject *name, PyObject *value) {
    Py_ssize_t off = slot_of(c, Py_TYPE(obj), name, 1);
    if (off >= 0) {
        Py_XSETREF(*(PyObject **)((char *)obj + off), Py_NewRef(value));
        return 0;
    }
    return PyObject_SetAttr(obj, name, value);
}

#define GET(obj, name)                                                                       \
    __extension__({                                                                          \
        static Site site_;                                                                   \
        site_get(&site_, (obj), (name));                                                     \
    })
#define SET(obj, name, value)                                                                \
    __extension__({                                                                          \
        static Site site_;                                                                   \
        site_set(&site_, (obj), (name), (value));                                            \
    })

/* The MailMessage slots (layout() checks the class's against these, in this order). A
 * message of that class is read at its slots' offsets (MGET: no site check per read). */
static const char *M_NAMES[] = {
    "mta", "queue_id", "wall", "sender", "user", "uid", "auth", "ip", "protocol", "size", "cwd",
    "args", "script", "recipients", "addresses", "delivered", "deferred", "bounced",
    "final_count", "totals", "key"};
enum {
    M_MTA, M_QID, M_WALL, M_SENDER, M_USER, M_UID, M_AUTH, M_IP, M_PROTOCOL, M_SIZE, M_CWD,
    M_ARGS, M_SCRIPT, M_RECIPIENTS, M_ADDRESSES, M_DELIVERED, M_DEFERRED, M_BOUNCED,
    M_FINAL_COUNT, M_TOTALS, M_KEY, M_COUNT
};
static PyTypeObject *MESSAGE; /* MailMessage, when its layout is the one above */
static PyObject *TOTALS;      /* SenderTotals */
static Py_ssize_t M_OFF[M_COUNT];
#define SLOT(obj, i) (*(PyObject **)((char *)(obj) + M_OFF[i]))

static inline PyObject *message_get(Site *c, PyObject *msg, int i, PyObject *name) {
    if (Py_TYPE(msg) == MESSAGE) {
        PyObject *v = SLOT(msg, i);
        if (v != NULL) return Py_NewRef(v);
    }
    return site_get(c, msg, name);
}
#define MGET(msg, i, name)                                                                   \
    __extension__({                                                                          \
        static Site site_;                                                                   \
        message_get(&site_, (msg), (i), (name));                                             \
    })

/* ------------------------------------------------------------ keyed look-ups
 * The senders', windows' and incidents' dicts are keyed by the senders' key tuples (one
 * shared tuple per sender: shared_key). A look-up hashes the tuple (a tuple does not keep its
 * hash) and probes: some 250 instructions, eight or so per message. These dicts change only
 * when a sender or an incident comes or goes, so KEYED_GET remembers, per call site, the
 * answer for a key (a reference to it: its address cannot be taken by another object) with
 * the dict's version tag, and gives it again while the dict's tag is the same. CPython gives
 * a dict a new tag, unique in the process, at its making and at every change (3.11 and
 * 3.12; later versions, where that is gone, look up every time), so an answer given again is
 * the one the dict would give: the value is the dict's own (borrowed), alive while the dict
 * holds it unchanged. */
#if PY_VERSION_HEX < 0x030D0000
#define KEYED_MEMO 1
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static inline uint64_t dict_version(PyObject *dict) {
    return ((PyDictObject *)dict)->ma_version_tag;
}
#pragma GCC diagnostic pop
#endif

#define MEMO_SLOTS 4096 /* per call site (a power of two); direct-mapped by the key's address */
/* an address's bits mixed into the top 12 bits (objects of one size are 64 bytes apart or more:
 * their low bits are all alike) */
#define SPREAD(p) ((size_t)(((uint64_t)(uintptr_t)(p) * 0x9E3779B97F4A7C15ull) >> 52))
typedef struct {
    PyObject *key; /* a reference (NULL: empty) */
    PyObject *dict;
    uint64_t version;
    PyObject *value; /* borrowed from dict (NULL: the key is not there) */
} Memo;

/* dict.get(key) for a plain dict: borrowed; NULL without an exception when it is not there */
static PyObject *keyed_get(Memo *memo, PyObject *dict, PyObject *key) {
#ifdef KEYED_MEMO
    if (PyDict_CheckExact(dict)) {
        Memo *m = &memo[SPREAD(key) & (MEMO_SLOTS - 1)];
        if (m->key == key && m->dict == dict && m->version == dict_version(dict))
            return m->value;
        Py_CLEAR(m->key); /* first: whatever its freeing does happens before the look-up */
        PyObject *v = PyDict_GetItemWithError(dict, key);
        if (v == NULL && PyErr_Occurred()) return NULL;
        m->key = Py_NewRef(key);
        m->dict = dict;
        m->version = dict_version(dict); /* after: a key's __eq__ may have changed it */
        m->value = v;
        return v;
    }
#else
    (void)memo;
#endif
    return PyDict_GetItemWithError(dict, key);
}
#define KEYED_GET(dict, key)                                                                 \
    __extension__({                                                                          \
        static Memo memo_[MEMO_SLOTS];                                                       \
        keyed_get(memo_, (dict), (key));                                                     \
    })

/* a + b; for two ints that fit a long, without the number protocol's dispatch */
static PyObject *add(PyObject *a, PyObject *b) {
    if (PyLong_CheckExact(a) && PyLong_CheckExact(b)) {
        int oa, ob;
        long x = PyLong_AsLongAndOverflow(a, &oa), y = PyLong_AsLongAndOverflow(b, &ob), z;
        if (!oa && !ob && !__builtin_add_overflow(x, y, &z)) return PyLong_FromLong(z);
    }
    return PyNumber_Add(a, b);
}

/* The counters (a message's deliveries, a sender's messages, recipients and bytes, an hour's
 * messages, a window's total) are ints that only their slot holds: ``a += b`` made a new int
 * and freed the old one each time. An int that nothing else holds (reference count 1: no
 * one else can see it, and it is not one of the shared small ints, which their cache holds)
 * is changed in place instead, when it is one digit of CPython 3.11's int layout (ob_size 1,
 * ob_digit[0]: 1 to 2**30 - 1) and stays so: the same value, without the allocation. Other
 * versions and other cases make a new int as before. 1 done, 0 not done (nothing changed). */
static inline int add_in_place(PyObject *a, PyObject *b, int sign) {
#if PY_VERSION_HEX < 0x030C0000
    if (Py_REFCNT(a) != 1 || !PyLong_CheckExact(a) || !PyLong_CheckExact(b) || Py_SIZE(a) != 1)
        return 0;
    Py_ssize_t nb = Py_SIZE(b);
    if (nb == 0) return 1; /* + 0 */
    if (nb != 1) return 0;
    digit x = ((PyLongObject *)a)->ob_digit[0], y = ((PyLongObject *)b)->ob_digit[0];
    if (sign > 0 ? x + y >= PyLong_BASE : y >= x) return 0; /* two digits, or 0 or less */
    ((PyLongObject *)a)->ob_digit[0] = sign > 0 ? x + y : x - y;
    return 1;
#else
    (void)a, (void)b, (void)sign;
    return 0;
#endif
}

/* obj.name += value (a plain slot: read and written at its offset, found once) */
static int add_at(Site *g, Site *st, PyObject *obj, PyObject *name, PyObject *value) {
    Py_ssize_t off = slot_of(st, Py_TYPE(obj), name, 1);
    if (off >= 0 && *(PyObject **)((char *)obj + off) != NULL) {
        PyObject **slot = (PyObject **)((char *)obj + off);
        if (add_in_place(*slot, value, 1)) return 0;
        PyObject *old = Py_NewRef(*slot), *sum = add(old, value);
        Py_DECREF(old);
        if (sum == NULL) return -1;
        Py_XSETREF(*slot, sum);
        return 0;
    }
    PyObject *v = site_get(g, obj, name);
    if (v == NULL) return -1;
    PyObject *w = add(v, value);
    Py_DECREF(v);
    if (w == NULL) return -1;
    int rc = site_set(st, obj, name, w);
    Py_DECREF(w);
    return rc;
}

static int count_inbound(PyObject *ledger, PyObject *ev, PyObject *ip);
/* if value > obj.name (op Py_GT; Py_LT: <): obj.name = value */
static int cmp(PyObject *a, PyObject *b, int op);
static int raise_at(Site *g, Site *st, PyObject *obj, PyObject *name, PyObject *value, int op) {
    PyObject *v = site_get(g, obj, name);
    if (v == NULL) return -1;
    int c = cmp(value, v, op);
    Py_DECREF(v);
    if (c < 0) return -1;
    return c ? site_set(st, obj, name, value) : 0;
}

static Py_ssize_t len_at(Site *g, PyObject *obj, PyObject *name) {
    PyObject *v = site_get(g, obj, name);
    if (v == NULL) return -1;
    Py_ssize_t n = PyObject_Size(v);
    Py_DECREF(v);
    return n;
}

#define ADD_TO(obj, name, value)                                                             \
    __extension__({                                                                          \
        static Site g_, s_;                                                                  \
        add_at(&g_, &s_, (obj), (name), (value));                                            \
    })
#define INCR(obj, name) ADD_TO(obj, name, ONE)
#define RAISE_TO(obj, name, value, op)                                                       \
    __extension__({                                                                          \
        static Site g_, s_;                                                                  \
        raise_at(&g_, &s_, (obj), (name), (value), (op));                                    \
    })
#define LEN_OF(obj, name)                                                                    \
    __extension__({                                                                          \
        static Site g_;                                                                      \
        len_at(&g_, (obj), (name));                                                          \
    })

/* mapping[key] = mapping.get(key, 0) + 1 (a plain dict): a key not there yet (most
 * recipients) is put in with 1 by one look-up (setdefault; the size says whether it was new) */
static int count_in(PyObject *counts, PyObject *key) {
    Py_ssize_t before = PyDict_GET_SIZE(counts);
    PyObject *n = PyDict_SetDefault(counts, key, ONE); /* borrowed */
    if (n == NULL) return -1;
    if (PyDict_GET_SIZE(counts) != before) return 0; /* 0 + 1: the int 1 (ONE) */
    if (add_in_place(n, ONE, 1)) return 0; /* only the dict holds it */
    PyObject *m = PyNumber_Add(n, ONE);
    if (m == NULL) return -1;
    int rc = PyDict_SetItem(counts, key, m);
    Py_DECREF(m);
    return rc;
}


/* text.startswith(prefix) for str objects: compared byte by byte when both are ASCII (the
 * common case), else by str.startswith itself; 1, 0, or -1 on error */
static int starts_with(PyObject *text, PyObject *prefix) {
    if (PyUnicode_IS_READY(text) && PyUnicode_IS_READY(prefix) && PyUnicode_IS_ASCII(text) &&
        PyUnicode_IS_ASCII(prefix)) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(prefix);
        return PyUnicode_GET_LENGTH(text) >= n &&
               memcmp(PyUnicode_DATA(text), PyUnicode_DATA(prefix), (size_t)n) == 0;
    }
    Py_ssize_t m = PyUnicode_Tailmatch(text, prefix, 0, PY_SSIZE_T_MAX, -1);
    return m < 0 ? -1 : m != 0;
}

/* a <op> b as Python compares them: 1, 0, or -1 on error */
static int cmp(PyObject *a, PyObject *b, int op) {
    if (PyFloat_CheckExact(a) && PyFloat_CheckExact(b)) {
        double x = PyFloat_AS_DOUBLE(a), y = PyFloat_AS_DOUBLE(b);
        switch (op) {
        case Py_LT: return x < y;
        case Py_LE: return x <= y;
        case Py_GT: return x > y;
        case Py_GE: return x >= y;
        default: break;
        }
    }
    return PyObject_RichCompareBool(a, b, op);
}

/* wall - window > next_expiry (the windows' "something expired" test): 1 with *before the new
 * reference wall - window, 0 (nothing), -1 on error. For the usual float time, int window and
 * float next_expiry it is computed as Python computes it (float - int: the int as a double)
 * without making a float object unless it is needed */
static int past_expiry(PyObject *wall, PyObject *window, PyObject *next_expiry,
                       PyObject **before) {
    *before = NULL;
    if (PyFloat_CheckExact(wall) && PyFloat_CheckExact(next_expiry) &&
        (PyLong_CheckExact(window) || PyFloat_CheckExact(window))) {
        double w;
        int overflow = 0;
        if (PyFloat_CheckExact(window)) {
            w = PyFloat_AS_DOUBLE(window);
        } else {
            long v = PyLong_AsLongAndOverflow(window, &overflow);
            overflow = overflow || v > (1L << 53) || v < -(1L << 53); /* exact as a double */
            w = (double)v;
        }
        if (!overflow) {
            double b = PyFloat_AS_DOUBLE(wall) - w;
            if (!(b > PyFloat_AS_DOUBLE(next_expiry))) return 0;
            return (*before = PyFloat_FromDouble(b)) == NULL ? -1 : 1;
        }
    }
    if ((*before = PyNumber_Subtract(wall, window)) == NULL) return -1;
    int c = cmp(*before, next_expiry, Py_GT);
    if (c <= 0) Py_CLEAR(*before);
    return c;
}

/* n <= limit (an int of the thresholds): 1, 0, or -1 on an error */
static int at_most_of(Py_ssize_t n, PyObject *limit) {
    if (PyLong_CheckExact(limit)) {
        int over;
        long v = PyLong_AsLongAndOverflow(limit, &over);
        return over ? over > 0 : (long long)n <= (long long)v;
    }
    PyObject *most = PyLong_FromSsize_t(n);
    int c = most == NULL ? -1 : PyObject_RichCompareBool(most, limit, Py_LE);
    Py_XDECREF(most);
    return c;
}

/* n <= t.name: 1, 0, or -1 on an error (g: the call site's cache, AT_MOST) */
static int at_most(Site *g, Py_ssize_t n, PyObject *t, PyObject *name) {
    PyObject *lim = site_get(g, t, name);
    int c = lim == NULL ? -1 : at_most_of(n, lim);
    Py_XDECREF(lim);
    return c;
}
#define AT_MOST(n, t, name)                                                                  \
    __extension__({                                                                          \
        static Site g_;                                                                      \
        at_most(&g_, (n), (t), (name));                                                      \
    })

/* deque.append(item): the method of deque itself for a plain deque (no look-up per call) */
static PyTypeObject *T_DEQUE;
static PyObject *DEQUE_APPEND;
static int deque_append(PyObject *deque, PyObject *item) {
    PyObject *x;
    if (Py_TYPE(deque) == T_DEQUE) {
        PyObject *args[2] = {deque, item};
        x = PyObject_Vectorcall(DEQUE_APPEND, args, 2, NULL);
    } else {
        x = PyObject_CallMethodOneArg(deque, s_append, item);
    }
    Py_XDECREF(x);
    return x == NULL ? -1 : 0;
}

/* ------------------------------------------------------------ WindowCounts, compiled
 * policy/window.py's WindowCounts (the reference) held in C: the (when, value) items in a
 * ring of plain structs and the counts in an open-addressing table of the distinct values
 * (linear probing, deletion by backward shift), instead of a deque of tuples and a dict. A
 * sender's window of recipients holds thousands of them; with the dict every recipient
 * learnt cost a tuple, a deque slot and a dict entry, and its expiry as much again (a cache
 * miss or two each). Values are str (the policy's addresses, client addresses, networks).
 *
 * The same answers as the Python class: len() the items kept, ``distinct`` the values,
 * ``keys()`` the distinct values in the order a dict would list them (first added first; a
 * value that left the window and came back is added anew, last: each entry has the number of
 * its insertion), ``first(default)`` the oldest item's time, ``expire(before)`` drops the
 * items older than ``before``. ``items`` and ``counts`` make a list and a dict of the same
 * content (for tests and reports, not for the hot path). MailPolicy(compiled=True) uses it
 * where built; tests/unit/mail compare it with the Python class step by step. */
typedef struct {
    double w;        /* the time, as a double (what the comparisons use) */
    PyObject *when;  /* the time given (a reference: items show it as it was given) */
    PyObject *key;   /* WindowCounts: the table's own key for the value (borrowed: held by the
                        table while any item has it, since the entry's count is the items with
                        it; its hash is the str's own); WindowSum: the amount (a reference) */
    uint64_t hash;   /* WindowCounts: the key's hash (its low 32 bits: all a place uses), kept
                        here so that the place of an item about to expire can be asked of
                        memory without reading its str first (prefetch_arrival); 32 bytes */
} WItem;

/* the items of a window, oldest first: a ring whose size is 0 or a power of two */
typedef struct {
    WItem *at;
    Py_ssize_t cap, head, len;
} Ring;

#define RING_AT(r, i) (&(r)->at[((r)->head + (i)) & ((r)->cap - 1)])

static int ring_resize(Ring *r, Py_ssize_t cap) {
    WItem *at = PyMem_Malloc((size_t)cap * sizeof(WItem));
    if (at == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < r->len; i++) at[i] = *RING_AT(r, i);
    PyMem_Free(r->at);
    r->at = at;
    r->cap = cap;
    r->head = 0;
    return 0;
}

/* the place of a new item at the end (NULL: no memory); the caller fills it */
static WItem *ring_push(Ring *r) {
    if (r->len == r->cap && ring_resize(r, r->cap ? r->cap * 2 : 8) < 0) return NULL;
    WItem *it = RING_AT(r, r->len);
    r->len++;
    return it;
}

/* the oldest item, taken out (the ring must not be empty) */
static WItem *ring_pop(Ring *r) {
    WItem *it = &r->at[r->head];
    r->head = (r->head + 1) & (r->cap - 1);
    r->len--;
    return it; /* valid until the next push or resize */
}

/* a ring mostly empty after an expiry is made smaller (no memory for it: left as it is) */
static void ring_fit(Ring *r) {
    if (r->cap > 64 && r->len * 4 < r->cap && ring_resize(r, r->cap / 2) < 0) PyErr_Clear();
}

/* 24 bytes, not 32 (a sender's table of recipients has thousands: a cache line holds more
 * of them): the hash's low 32 bits are all a place or a comparison uses (a table has fewer
 * than 2**32 places), and a count is of items a ring holds (fewer than 2**32) */
typedef struct {
    PyObject *key; /* NULL: an empty place */
    unsigned long long seq; /* insertion number: keys()'s order */
    uint32_t hash;  /* the value's hash, its low 32 bits */
    uint32_t count;
} WEntry;

typedef struct {
    PyObject_HEAD
    Ring r;
    WEntry *tab;
    Py_ssize_t tcap, used; /* tcap: 0 or a power of two */
    unsigned long long seq;
} Counts;

static PyTypeObject CountsType;
#define COUNTS(o) (Py_TYPE(o) == &CountsType ? (Counts *)(o) : NULL)

static int wc_equal(PyObject *a, PyObject *b) {
    return a == b || (PyUnicode_GET_LENGTH(a) == PyUnicode_GET_LENGTH(b) &&
                      PyUnicode_KIND(a) == PyUnicode_KIND(b) &&
                      memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b),
                             PyUnicode_GET_LENGTH(a) * PyUnicode_KIND(a)) == 0);
}

/* the place of ``key`` in the table, or of the empty place where it would go */
static Py_ssize_t wc_place(Counts *c, PyObject *key, Py_hash_t hash) {
    size_t mask = (size_t)c->tcap - 1, i = (size_t)hash & mask;
    for (;;) {
        WEntry *e = &c->tab[i];
        if (e->key == NULL || (e->hash == (uint32_t)hash && wc_equal(e->key, key)))
            return (Py_ssize_t)i;
        i = (i + 1) & mask;
    }
}

static int wc_retable(Counts *c, Py_ssize_t cap) {
    WEntry *old = c->tab, *tab = PyMem_Calloc((size_t)cap, sizeof(WEntry));
    Py_ssize_t ocap = c->tcap;
    if (tab == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    c->tab = tab;
    c->tcap = cap;
    for (Py_ssize_t i = 0; i < ocap; i++) {
        if (old[i].key == NULL) continue;
        size_t mask = (size_t)cap - 1, j = (size_t)old[i].hash & mask;
        while (tab[j].key != NULL) j = (j + 1) & mask;
        tab[j] = old[i];
    }
    PyMem_Free(old);
    return 0;
}

/* WindowCounts.add(when, value): 0, or -1 with an exception */
static int wc_add(Counts *c, PyObject *when, PyObject *value) {
    if (!PyUnicode_CheckExact(value)) {
        PyErr_SetString(PyExc_TypeError, "the compiled WindowCounts holds str values");
        return -1;
    }
    double w = PyFloat_CheckExact(when) ? PyFloat_AS_DOUBLE(when) : PyFloat_AsDouble(when);
    if (w == -1.0 && PyErr_Occurred()) return -1;
    Py_hash_t hash = PyObject_Hash(value);
    if (hash == -1) return -1;
    if ((c->used + 1) * 2 > c->tcap && wc_retable(c, c->tcap ? c->tcap * 2 : 8) < 0) return -1;
    WItem *it = ring_push(&c->r);
    if (it == NULL) return -1;
    WEntry *e = &c->tab[wc_place(c, value, hash)];
    if (e->key == NULL) {
        e->hash = (uint32_t)hash;
        e->key = Py_NewRef(value);
        e->count = 0;
        e->seq = c->seq++;
        c->used++;
    }
    e->count++;
    it->w = w;
    it->when = Py_NewRef(when);
    it->key = e->key;
    it->hash = (uint32_t)hash;
    return 0;
}

/* take one out of the count of the entry of ``key`` (the table's own key object) */
static void wc_drop(Counts *c, PyObject *key, Py_hash_t hash) {
    size_t mask = (size_t)c->tcap - 1, i = (size_t)hash & mask;
    while (c->tab[i].key != key) i = (i + 1) & mask; /* there: an item has it */
    if (--c->tab[i].count > 0) return;
    c->tab[i].key = NULL;
    c->used--;
    for (size_t j = (i + 1) & mask; c->tab[j].key != NULL; j = (j + 1) & mask) {
        size_t home = (size_t)c->tab[j].hash & mask; /* may it move up to i? */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            c->tab[i] = c->tab[j];
            c->tab[j].key = NULL;
            i = j;
        }
    }
    Py_DECREF(key);
}

/* WindowCounts.expire(before) for a time ``before`` as a double: 0, or -1 (no memory to
 * shrink into is no error: it stays as it is) */
static int wc_expire(Counts *c, double before) {
    while (c->r.len > 0 && c->r.at[c->r.head].w < before) {
        WItem *it = ring_pop(&c->r);
        wc_drop(c, it->key, (Py_hash_t)it->hash); /* the str's, its low 32 bits */
        Py_DECREF(it->when);
    }
    ring_fit(&c->r);
    if (c->tcap > 64 && c->used * 8 < c->tcap && wc_retable(c, c->tcap / 2) < 0) PyErr_Clear();
    return 0;
}

/* the oldest item's time (borrowed), NULL when there is none */
static PyObject *ring_head(Ring *r) { return r->len ? r->at[r->head].when : NULL; }
#define wc_head(c) ring_head(&(c)->r)

static PyObject *wc_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    if (PyTuple_GET_SIZE(args) || (kw != NULL && PyDict_GET_SIZE(kw))) {
        PyErr_SetString(PyExc_TypeError, "WindowCounts() takes no arguments");
        return NULL;
    }
    return type->tp_alloc(type, 0); /* zeroed: empty */
}

static void wc_dealloc(PyObject *self) {
    Counts *c = (Counts *)self;
    for (Py_ssize_t i = 0; i < c->r.len; i++) Py_DECREF(RING_AT(&c->r, i)->when);
    for (Py_ssize_t i = 0; i < c->tcap; i++) Py_XDECREF(c->tab[i].key);
    PyMem_Free(c->r.at);
    PyMem_Free(c->tab);
    Py_TYPE(self)->tp_free(self);
}

static Py_ssize_t wc_length(PyObject *self) { return ((Counts *)self)->r.len; }

static PyObject *wc_py_add(PyObject *self, PyObject *const *args, Py_ssize_t n) {
    if (n != 2) {
        PyErr_SetString(PyExc_TypeError, "add(when, value)");
        return NULL;
    }
    if (wc_add((Counts *)self, args[0], args[1]) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *wc_py_expire(PyObject *self, PyObject *before) {
    double b = PyFloat_AsDouble(before);
    if (b == -1.0 && PyErr_Occurred()) return NULL;
    if (wc_expire((Counts *)self, b) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *wc_py_first(PyObject *self, PyObject *dflt) {
    PyObject *h = wc_head((Counts *)self);
    return Py_NewRef(h ? h : dflt);
}

static int wc_by_seq(const void *a, const void *b) {
    unsigned long long x = (*(WEntry *const *)a)->seq, y = (*(WEntry *const *)b)->seq;
    return x < y ? -1 : x > y;
}

/* the entries in keys()'s order: a PyMem array of c->used pointers (NULL: no memory) */
static WEntry **wc_ordered(Counts *c) {
    WEntry **out = PyMem_Malloc((size_t)(c->used ? c->used : 1) * sizeof(WEntry *));
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < c->tcap; i++)
        if (c->tab[i].key != NULL) out[k++] = &c->tab[i];
    qsort(out, (size_t)k, sizeof(WEntry *), wc_by_seq);
    return out;
}

static PyObject *wc_py_keys(PyObject *self, PyObject *unused) {
    (void)unused;
    Counts *c = (Counts *)self;
    WEntry **order = wc_ordered(c);
    PyObject *out = order == NULL ? NULL : PyList_New(c->used);
    for (Py_ssize_t i = 0; out != NULL && i < c->used; i++)
        PyList_SET_ITEM(out, i, Py_NewRef(order[i]->key));
    PyMem_Free(order);
    return out;
}

static PyObject *wc_get_counts(PyObject *self, void *unused) {
    (void)unused;
    Counts *c = (Counts *)self;
    WEntry **order = wc_ordered(c);
    PyObject *out = order == NULL ? NULL : PyDict_New();
    for (Py_ssize_t i = 0; out != NULL && i < c->used; i++) {
        PyObject *n = PyLong_FromSsize_t(order[i]->count);
        if (n == NULL || PyDict_SetItem(out, order[i]->key, n) < 0) Py_CLEAR(out);
        Py_XDECREF(n);
    }
    PyMem_Free(order);
    return out;
}

/* the (when, value) items of a ring, oldest first: a list of pairs */
static PyObject *ring_items(Ring *r) {
    PyObject *out = PyList_New(r->len);
    for (Py_ssize_t i = 0; out != NULL && i < r->len; i++) {
        WItem *it = RING_AT(r, i);
        PyObject *pair = PyTuple_Pack(2, it->when, it->key);
        if (pair == NULL) Py_CLEAR(out);
        else PyList_SET_ITEM(out, i, pair);
    }
    return out;
}

static PyObject *wc_get_items(PyObject *self, void *unused) {
    (void)unused;
    return ring_items(&((Counts *)self)->r);
}

static PyObject *wc_get_distinct(PyObject *self, void *unused) {
    (void)unused;
    return PyLong_FromSsize_t(((Counts *)self)->used);
}

static PyMethodDef wc_methods[] = {
    {"add", (PyCFunction)(void (*)(void))wc_py_add, METH_FASTCALL,
     "add(when, value): one more value at time when"},
    {"expire", wc_py_expire, METH_O, "expire(before): drop the items older than before"},
    {"first", wc_py_first, METH_O, "first(default): the oldest item's time, else default"},
    {"keys", wc_py_keys, METH_NOARGS, "the distinct values, first added first (a list)"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef wc_getset[] = {
    {"distinct", wc_get_distinct, NULL, "how many distinct values", NULL},
    {"counts", wc_get_counts, NULL, "{value: items with it}, in keys() order (a copy)", NULL},
    {"items", wc_get_items, NULL, "the (when, value) items, oldest first (a copy)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods wc_as_sequence = {.sq_length = wc_length};

static PyTypeObject CountsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "spamtrace.attribution._mailjoin.WindowCounts",
    .tp_basicsize = sizeof(Counts),
    .tp_dealloc = wc_dealloc,
    .tp_as_sequence = &wc_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "policy.window.WindowCounts of str values, compiled (see _mailjoin.c)",
    .tp_methods = wc_methods,
    .tp_getset = wc_getset,
    .tp_new = wc_new,
};

/* ------------------------------------------------------------ WindowSum, compiled
 * policy/window.py's WindowSum (the reference): the (when, amount) items in a Ring (no tuple
 * and deque slot per message) and their running total, an int computed as Python computes
 * it (the amounts are the messages' recipient counts). */
typedef struct {
    PyObject_HEAD
    Ring r;
    PyObject *total; /* an int */
} Sum;

static PyTypeObject SumType;
static PyObject *ZERO; /* 0 (made at import, below) */
#define SUMS(o) (Py_TYPE(o) == &SumType ? (Sum *)(o) : NULL)

/* WindowSum.add(when, amount): 0, or -1 with an exception */
static int ws_add(Sum *c, PyObject *when, PyObject *amount) {
    double w = PyFloat_CheckExact(when) ? PyFloat_AS_DOUBLE(when) : PyFloat_AsDouble(when);
    if (w == -1.0 && PyErr_Occurred()) return -1;
    WItem *it = ring_push(&c->r);
    if (it == NULL) return -1;
    if (!add_in_place(c->total, amount, 1)) {
        PyObject *total = add(c->total, amount);
        if (total == NULL) {
            c->r.len--; /* the item pushed, taken back */
            return -1;
        }
        Py_SETREF(c->total, total);
    }
    it->w = w;
    it->when = Py_NewRef(when);
    it->key = Py_NewRef(amount);
    it->hash = 0; /* not a key's */
    return 0;
}

/* a - b; for two ints that fit a long, without the number protocol's dispatch */
static PyObject *subtract(PyObject *a, PyObject *b) {
    if (PyLong_CheckExact(a) && PyLong_CheckExact(b)) {
        int oa, ob;
        long x = PyLong_AsLongAndOverflow(a, &oa), y = PyLong_AsLongAndOverflow(b, &ob), z;
        if (!oa && !ob && !__builtin_sub_overflow(x, y, &z)) return PyLong_FromLong(z);
    }
    return PyNumber_Subtract(a, b);
}

/* WindowSum.expire(before) for a time ``before`` as a double: 0, or -1 with an exception
 * (the item whose amount could not be taken off the total is left in) */
static int ws_expire(Sum *c, double before) {
    while (c->r.len > 0 && c->r.at[c->r.head].w < before) {
        if (!add_in_place(c->total, c->r.at[c->r.head].key, -1)) {
            PyObject *total = subtract(c->total, c->r.at[c->r.head].key);
            if (total == NULL) return -1;
            Py_SETREF(c->total, total);
        }
        WItem *it = ring_pop(&c->r);
        Py_DECREF(it->key);
        Py_DECREF(it->when);
    }
    ring_fit(&c->r);
    return 0;
}

static PyObject *ws_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    if (PyTuple_GET_SIZE(args) || (kw != NULL && PyDict_GET_SIZE(kw))) {
        PyErr_SetString(PyExc_TypeError, "WindowSum() takes no arguments");
        return NULL;
    }
    Sum *c = (Sum *)type->tp_alloc(type, 0);
    if (c != NULL) c->total = Py_NewRef(ZERO);
    return (PyObject *)c;
}

static void ws_dealloc(PyObject *self) {
    Sum *c = (Sum *)self;
    for (Py_ssize_t i = 0; i < c->r.len; i++) {
        Py_DECREF(RING_AT(&c->r, i)->when);
        Py_DECREF(RING_AT(&c->r, i)->key);
    }
    PyMem_Free(c->r.at);
    Py_XDECREF(c->total);
    Py_TYPE(self)->tp_free(self);
}

static Py_ssize_t ws_length(PyObject *self) { return ((Sum *)self)->r.len; }

static PyObject *ws_py_add(PyObject *self, PyObject *const *args, Py_ssize_t n) {
    if (n != 2) {
        PyErr_SetString(PyExc_TypeError, "add(when, amount)");
        return NULL;
    }
    if (ws_add((Sum *)self, args[0], args[1]) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *ws_py_expire(PyObject *self, PyObject *before) {
    double b = PyFloat_AsDouble(before);
    if ((b == -1.0 && PyErr_Occurred()) || ws_expire((Sum *)self, b) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *ws_py_first(PyObject *self, PyObject *dflt) {
    PyObject *h = ring_head(&((Sum *)self)->r);
    return Py_NewRef(h ? h : dflt);
}

static PyObject *ws_get_items(PyObject *self, void *unused) {
    (void)unused;
    return ring_items(&((Sum *)self)->r);
}

static PyObject *ws_get_total(PyObject *self, void *unused) {
    (void)unused;
    return Py_NewRef(((Sum *)self)->total);
}

static PyMethodDef ws_methods[] = {
    {"add", (PyCFunction)(void (*)(void))ws_py_add, METH_FASTCALL,
     "add(when, amount): an amount at time when"},
    {"expire", ws_py_expire, METH_O, "expire(before): drop the items older than before"},
    {"first", ws_py_first, METH_O, "first(default): the oldest item's time, else default"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef ws_getset[] = {
    {"total", ws_get_total, NULL, "the sum of the amounts kept", NULL},
    {"items", ws_get_items, NULL, "the (when, amount) items, oldest first (a copy)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods ws_as_sequence = {.sq_length = ws_length};

static PyTypeObject SumType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "spamtrace.attribution._mailjoin.WindowSum",
    .tp_basicsize = sizeof(Sum),
    .tp_dealloc = ws_dealloc,
    .tp_as_sequence = &ws_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "policy.window.WindowSum, compiled (see _mailjoin.c)",
    .tp_methods = ws_methods,
    .tp_getset = ws_getset,
    .tp_new = ws_new,
};

/* ------------------------------------------------------------ the policy's windows
 * _Window.expire, WindowSum.expire, WindowCounts.expire and HourlyHistory.add
 * (policy/mail.py, policy/window.py), written out for windows of exactly those classes
 * (policy() is given them); anything else calls the Python methods. */
static PyTypeObject *T_WINDOW, *T_SUM, *T_COUNTS, *T_HISTORY;
static PyObject *INF, *s_popleft, *s_first, *s_boundary, *s_below;

/* obj.name(arg), its result dropped: 0, or -1 on an error */
static int call1(PyObject *obj, PyObject *name, PyObject *arg) {
    PyObject *x = PyObject_CallMethodOneArg(obj, name, arg);
    Py_XDECREF(x);
    return x == NULL ? -1 : 0;
}

/* items[0][0] < before, for a deque of (when, value) pairs: 1, 0 (or empty), -1 error; the
 * head's time in *head (borrowed from the deque, NULL when empty) */
static int head_before(PyObject *items, PyObject *before, PyObject **head) {
    *head = NULL;
    Py_ssize_t n = PyObject_Size(items);
    if (n <= 0) return n < 0 ? -1 : 0;
    PyObject *first = PySequence_GetItem(items, 0);
    if (first == NULL) return -1;
    if (!PyTuple_Check(first) || PyTuple_GET_SIZE(first) != 2) {
        Py_DECREF(first);
        PyErr_SetString(PyExc_TypeError, "a window item is not a (when, value) pair");
        return -1;
    }
    *head = PyTuple_GET_ITEM(first, 0);
    Py_DECREF(first); /* the deque still holds it: *head stays alive until popped */
    return before == NULL ? 0 : cmp(*head, before, Py_LT);
}

/* items.popleft()[1]: a new reference */
static PyObject *pop_value(PyObject *items) {
    PyObject *x = PyObject_CallMethodNoArgs(items, s_popleft);
    if (x == NULL) return NULL;
    PyObject *v = PyTuple_Check(x) && PyTuple_GET_SIZE(x) == 2 ? Py_NewRef(PyTuple_GET_ITEM(x, 1))
                                                                 : NULL;
    if (v == NULL) PyErr_SetString(PyExc_TypeError, "a window item is not a (when, value) pair");
    Py_DECREF(x);
    return v;
}

static int sum_expire(PyObject *sums, PyObject *before) {
    Sum *cs = SUMS(sums);
    if (cs != NULL) {
        double b = PyFloat_AsDouble(before);
        return b == -1.0 && PyErr_Occurred() ? -1 : ws_expire(cs, b);
    }
    if (Py_TYPE(sums) != T_SUM) return call1(sums, s_expire, before);
    PyObject *items = GET(sums, s_items), *head;
    if (items == NULL) return -1;
    int rc = -1;
    for (;;) {
        int c = head_before(items, before, &head);
        if (c <= 0) {
            rc = c;
            break;
        }
        PyObject *v = pop_value(items);
        if (v == NULL) break;
        PyObject *total = GET(sums, s_total);
        PyObject *left = total == NULL ? NULL : PyNumber_Subtract(total, v);
        Py_XDECREF(total);
        Py_DECREF(v);
        c = left == NULL ? -1 : SET(sums, s_total, left);
        Py_XDECREF(left);
        if (c < 0) break;
    }
    Py_DECREF(items);
    return rc;
}

static int counts_expire(PyObject *wc, PyObject *before) {
    Counts *cc = COUNTS(wc);
    if (cc != NULL) {
        double b = PyFloat_AsDouble(before);
        return b == -1.0 && PyErr_Occurred() ? -1 : wc_expire(cc, b);
    }
    if (Py_TYPE(wc) != T_COUNTS) return call1(wc, s_expire, before);
    PyObject *items = GET(wc, s_items), *counts = NULL, *head;
    if (items == NULL) return -1;
    int rc = -1;
    if ((counts = GET(wc, s_counts)) == NULL) goto done;
    if (!PyDict_CheckExact(counts)) {
        PyErr_SetString(PyExc_TypeError, "WindowCounts.counts is not a dict");
        goto done;
    }
    for (;;) {
        int c = head_before(items, before, &head);
        if (c <= 0) {
            rc = c;
            break;
        }
        PyObject *value = pop_value(items);
        if (value == NULL) break;
        PyObject *n = PyDict_GetItemWithError(counts, value); /* counts[value]: KeyError */
        if (n == NULL && !PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, value);
        PyObject *left = n == NULL ? NULL : PyNumber_Subtract(n, ONE);
        int t = left == NULL ? -1 : PyObject_IsTrue(left);
        c = t < 0 ? -1 : t ? PyDict_SetItem(counts, value, left) : PyDict_DelItem(counts, value);
        Py_XDECREF(left);
        Py_DECREF(value);
        if (c < 0) break;
    }
done:
    Py_DECREF(items);
    Py_XDECREF(counts);
    return rc;
}

/* The expiry of a window's recipients and clients (wc_expire) finds each item's entry in the
 * table, and its str, at a cache miss each (a sender's items come back to it after an hour:
 * long out of the cache), one item after the other. The places of the first few items to go
 * are asked of memory here, all at once, before the expiry reads them (a hint only; the
 * ring's head, which says which they are, was asked for at the message's arrival:
 * prefetch_arrival). */
#define EXPIRING 4
static void prefetch_expiring(Counts *c, double before) {
    if (c == NULL || c->tcap == 0) return;
    size_t mask = (size_t)c->tcap - 1;
    for (Py_ssize_t i = 0; i < c->r.len && i < EXPIRING; i++) {
        WItem *it = RING_AT(&c->r, i);
        if (!(it->w < before)) break;
        __builtin_prefetch(it->key, 1);
        __builtin_prefetch(&c->tab[it->hash & mask], 1);
    }
}

/* win.expire(before) */
static int window_expire(PyObject *win, PyObject *before) {
    if (Py_TYPE(win) != T_WINDOW) return call1(win, s_expire, before);
    PyObject *ne = GET(win, s_next_expiry);
    if (ne == NULL) return -1;
    int c = cmp(before, ne, Py_LE);
    Py_DECREF(ne);
    if (c != 0) return c < 0 ? -1 : 0;
    PyObject *parts[4] = {NULL, NULL, NULL, NULL}; /* messages, addresses, ips, nets */
    PyObject *names[4] = {s_messages, s_addresses, s_ips, s_nets};
    PyObject *items[3] = {NULL, NULL, NULL}, *heads[3] = {NULL, NULL, NULL};
    int rc = -1;
    for (int i = 0; i < 4; i++)
        if ((parts[i] = GET(win, names[i])) == NULL) goto done;
    if (PyFloat_CheckExact(before)) /* the places of the first items to go, asked together */
        for (int i = 1; i < 3; i++) prefetch_expiring(COUNTS(parts[i]), PyFloat_AS_DOUBLE(before));
    for (int i = 0; i < 3; i++) {
        /* compiled: its head, no items list */
        Ring *cc = i == 0 ? (SUMS(parts[0]) ? &SUMS(parts[0])->r : NULL)
                          : (COUNTS(parts[i]) ? &COUNTS(parts[i])->r : NULL);
        if (cc != NULL) {
            heads[i] = ring_head(cc);
            c = heads[i] == NULL ? 0 : cmp(heads[i], before, Py_LT);
        } else {
            if ((items[i] = GET(parts[i], s_items)) == NULL) goto done;
            c = head_before(items[i], before, &heads[i]);
        }
        if (c < 0) goto done;
        if (c) {
            if (i == 0) c = sum_expire(parts[0], before);
            else if (i == 1) c = counts_expire(parts[1], before);
            else if ((c = counts_expire(parts[2], before)) == 0) /* the ips, then their nets */
                c = counts_expire(parts[3], before);
            if (c < 0) goto done;
        }
        if (cc != NULL) /* the head left (borrowed: the window holds it until it expires) */
            heads[i] = ring_head(cc);
        else if (head_before(items[i], NULL, &heads[i]) < 0)
            goto done;
    }
    PyObject *low = heads[0] ? heads[0] : INF; /* min(...) of the three heads (inf: none) */
    for (int i = 1; i < 3; i++) {
        PyObject *h = heads[i] ? heads[i] : INF;
        if ((c = cmp(h, low, Py_LT)) < 0) goto done;
        if (c) low = h;
    }
    rc = SET(win, s_next_expiry, low);
done:
    for (int i = 0; i < 4; i++) Py_XDECREF(parts[i]);
    for (int i = 0; i < 3; i++) Py_XDECREF(items[i]);
    return rc;
}

/* history.add(hour) (HourlyHistory.add with count 1) */
static int history_add(PyObject *history, PyObject *hour) {
    if (Py_TYPE(history) != T_HISTORY) return call1(history, s_add, hour);
    PyObject *hours = GET(history, s_hours);
    if (hours == NULL) return -1;
    int rc = PyDict_CheckExact(hours) ? count_in(hours, hour) : -1;
    if (rc < 0 && !PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "hours is not a dict");
    Py_DECREF(hours);
    if (rc < 0) return -1;
    PyObject *first = GET(history, s_first);
    if (first == NULL) return -1;
    Py_DECREF(first);
    if (first == Py_None && SET(history, s_first, hour) < 0) return -1;
    PyObject *boundary = GET(history, s_boundary);
    if (boundary == NULL) return -1;
    int c = boundary == Py_None ? 0 : PyObject_RichCompareBool(hour, boundary, Py_LT);
    Py_DECREF(boundary);
    if (c < 0) return -1;
    return c ? INCR(history, s_below) : 0;
}

/* network_of(ip): an IPv4 address's first two numbers here, anything else in Python */
static PyObject *network_of(PyObject *ip) {
    if (!PyUnicode_CheckExact(ip) || PyUnicode_FindChar(ip, ':', 0, PyUnicode_GET_LENGTH(ip), 1) != -1)
        return PyObject_CallOneArg(NETWORK_OF, ip);
    Py_ssize_t n = PyUnicode_GET_LENGTH(ip);
    Py_ssize_t dot = PyUnicode_FindChar(ip, '.', 0, n, 1); /* ".".join(ip.split(".")[:2]) */
    if (dot >= 0) dot = PyUnicode_FindChar(ip, '.', dot + 1, n, 1);
    if (dot == -2) return NULL;
    return dot < 0 ? Py_NewRef(ip) : PyUnicode_Substring(ip, 0, dot);
}

/* MailPolicy.recipient(policy, msg, address, wall), written out (see its Python text). */
static int policy_recipient(PyObject *policy, PyObject *on_recipient, PyObject *msg,
                            PyObject *address, PyObject *wall) {
    PyObject *key = NULL, *windows = NULL, *win = NULL, *t = NULL, *window = NULL,
             *before = NULL, *ne = NULL, *addresses = NULL, *listed = NULL, *counts = NULL,
             *opened = NULL, *r = NULL;
    int rc = -1;
    key = MGET(msg, M_KEY, s_key);
    if (key == NULL) goto done;
    if (key == Py_None) { /* not keyed yet: the Python method does it */
        r = PyObject_CallFunctionObjArgs(on_recipient, msg, address, wall, NULL);
        rc = r == NULL ? -1 : 0;
        goto done;
    }
    windows = GET(policy, s_windows);
    if (windows == NULL) goto done;
    if (!PyDict_CheckExact(windows)) {
        PyErr_SetString(PyExc_TypeError, "MailPolicy._windows is not a dict");
        goto done;
    }
    win = KEYED_GET(windows, key);
    if (win == NULL) {
        rc = PyErr_Occurred() ? -1 : 0;
        goto done;
    }
    Py_INCREF(win);
    if ((t = GET(policy, s_t)) == NULL) goto done;
    if ((window = GET(t, s_window)) == NULL) goto done;
    if ((ne = GET(win, s_next_expiry)) == NULL) goto done;
    int c = past_expiry(wall, window, ne, &before);
    if (c < 0) goto done;
    if (c) {
        if (window_expire(win, before) < 0) goto done;
        Py_DECREF(ne);
        if ((ne = GET(win, s_next_expiry)) == NULL) goto done;
    }
    if ((c = cmp(wall, ne, Py_LT)) < 0) goto done;
    if (c && SET(win, s_next_expiry, wall) < 0) goto done;
    if ((addresses = GET(win, s_addresses)) == NULL) goto done;
    Counts *ac = COUNTS(addresses);
    if (ac != NULL) {
        if (ac->r.len < MAX_WINDOW_ITEMS && wc_add(ac, wall, address) < 0) goto done;
    } else {
    if ((listed = GET(addresses, s_items)) == NULL) goto done;
    if ((counts = GET(addresses, s_counts)) == NULL) goto done;
    if (!PyDict_CheckExact(counts)) {
        PyErr_SetString(PyExc_TypeError, "WindowCounts.counts is not a dict");
        goto done;
    }
    Py_ssize_t n = PyObject_Size(listed);
    if (n < 0) goto done;
    if (n < MAX_WINDOW_ITEMS) {
        PyObject *item = PyTuple_Pack(2, wall, address);
        if (item == NULL) goto done;
        int bad = deque_append(listed, item);
        Py_DECREF(item);
        if (bad < 0) goto done;
        if (count_in(counts, address) < 0) goto done;
    }
    }
    if ((opened = GET(policy, s_open)) == NULL) goto done;
    if (!PyDict_Check(opened)) {
        PyErr_SetString(PyExc_TypeError, "MailPolicy._open is not a dict");
        goto done;
    }
    PyObject *current = KEYED_GET(opened, key);
    if (current == NULL) {
        if (PyErr_Occurred()) goto done;
    } else {
        Py_INCREF(current);
        PyObject *samples = GET(current, s_samples);
        int bad = samples == NULL;
        if (!bad) {
            Py_ssize_t k = PyObject_Size(samples);
            bad = k < 0 || (k < MAX_SAMPLES && PyObject_SetItem(samples, address, Py_None) < 0);
            Py_DECREF(samples);
        }
        if (!bad) {
            PyObject *final = MGET(msg, M_FINAL_COUNT, s_final_count);
            int truth = final == NULL ? -1 : PyObject_IsTrue(final);
            Py_XDECREF(final);
            bad = truth < 0 || (!truth && INCR(current, s_recipients) < 0);
        }
        Py_DECREF(current);
        rc = bad ? -1 : 0;
        goto done;
    }
    PyObject *auth = MGET(msg, M_AUTH, s_auth);
    if (auth == NULL) goto done;
    Py_DECREF(auth);
    if (auth != Py_None) {
        rc = 0;
        goto done;
    }
    {
        PyObject *sums = GET(win, s_messages);
        if (sums == NULL) goto done;
        Py_ssize_t count = SUMS(sums) != NULL ? SUMS(sums)->r.len : LEN_OF(sums, s_items);
        Py_DECREF(sums);
        if (count < 0) goto done;
        Py_ssize_t distinct = ac != NULL ? ac->used : PyDict_GET_SIZE(counts);
        int below = AT_MOST(count, t, s_script_max_messages);
        if (below < 0) goto done;
        if (below && (below = AT_MOST(distinct, t, s_script_max_recipients)) < 0) goto done;
        if (below) {
            rc = 0;
            goto done;
        }
    }
    r = PyObject_CallMethodObjArgs(policy, s_recipient_opens, msg, win, key, NULL);
    rc = r == NULL ? -1 : 0;
done:
    Py_XDECREF(key);
    Py_XDECREF(windows);
    Py_XDECREF(win);
    Py_XDECREF(t);
    Py_XDECREF(window);
    Py_XDECREF(before);
    Py_XDECREF(ne);
    Py_XDECREF(addresses);
    Py_XDECREF(listed);
    Py_XDECREF(counts);
    Py_XDECREF(opened);
    Py_XDECREF(r);
    return rc;
}

/* A recipient new to its message goes into its sender's set of addresses (``distinct``) and
 * its sender's window table, two tables too big to stay in the cache: each costs a miss. The
 * places it will take in both are asked of memory first (a hint only: nothing is read from
 * them here, a stale guess costs nothing but the fetch), so that the two misses overlap
 * instead of coming one after the other. The window is found through the last sender's key
 * (the messages of a sender share their key tuple) and kept with a reference. */
static PyObject *pf_key, *pf_counts;

static void prefetch_places(PyObject *msg, PyObject *totals, PyObject *rcpt, PyObject *policy) {
    Py_hash_t hash = PyObject_Hash(rcpt); /* a str's: cached for the look-ups that follow */
    if (hash == -1) {
        PyErr_Clear();
        return;
    }
    if (totals != Py_None) {
        PyObject *distinct = GET(totals, s_distinct);
        if (distinct == NULL) {
            PyErr_Clear();
        } else {
            if (PySet_CheckExact(distinct)) {
                PySetObject *so = (PySetObject *)distinct;
                __builtin_prefetch(&so->table[(size_t)hash & (size_t)so->mask], 1);
            }
            Py_DECREF(distinct);
        }
    }
    if (policy == NULL) return;
    PyObject *key = MGET(msg, M_KEY, s_key);
    if (key == NULL) {
        PyErr_Clear();
        return;
    }
    if (key != pf_key && key != Py_None) {
        PyObject *windows = GET(policy, s_windows), *counts = NULL;
        if (windows != NULL && PyDict_CheckExact(windows)) {
            PyObject *win = KEYED_GET(windows, key); /* borrowed */
            if (win != NULL) counts = GET(win, s_addresses);
        }
        Py_XDECREF(windows);
        PyErr_Clear();
        if (counts != NULL && COUNTS(counts) == NULL) Py_CLEAR(counts);
        Py_XSETREF(pf_counts, counts);
        Py_XSETREF(pf_key, Py_NewRef(key));
    }
    if (key == pf_key && pf_counts != NULL) {
        Counts *c = (Counts *)pf_counts;
        if (c->tcap) __builtin_prefetch(&c->tab[(size_t)hash & (size_t)(c->tcap - 1)], 1);
    }
    Py_DECREF(key);
}

/* the lines about one recipient of an open message (feed's second half): ``rcpt`` is the
 * line's recipient (NULL: it names none), ``wall`` its time; ``fetched``: its places were
 * asked of memory already (prefetch_places, when the sink held the line back) */
static int one_recipient(PyObject *rcpt, PyObject *wall, PyObject *action, PyObject *msg,
                         PyObject *on_recipient, PyObject *policy, int fetched) {
    PyObject *totals = MGET(msg, M_TOTALS, s_totals), *addresses = NULL;
    int rc = -1;
    if (totals == NULL) return -1;
    int has_totals = totals != Py_None;
    if (action == A_DELIVERY) {
        if (INCR(msg, s_delivered) < 0) goto done;
    } else {
        PyObject *name = action == A_DEFER ? s_deferred : s_bounced;
        if (INCR(msg, name) < 0) goto done;
        if (has_totals && INCR(totals, name) < 0) goto done;
    }
    if (rcpt == NULL) {
        rc = 0;
        goto done;
    }
    Py_INCREF(rcpt);
    if (!fetched) prefetch_places(msg, totals, rcpt, policy);
    addresses = MGET(msg, M_ADDRESSES, s_addresses);
    /* rcpt in addresses, else addresses.add(rcpt): one look-up (the size says which) */
    int seen = addresses == NULL ? -1 : !PySet_Check(addresses) ? 2 : 0;
    if (seen == 0) {
        Py_ssize_t had = PySet_GET_SIZE(addresses);
        seen = PySet_Add(addresses, rcpt) < 0 ? -1 : PySet_GET_SIZE(addresses) == had;
    }
    if (seen == 2) {
        PyErr_SetString(PyExc_TypeError, "MailMessage.addresses is not a set");
        seen = -1;
    }
    if (seen != 0) {
        Py_DECREF(rcpt);
        rc = seen < 0 ? -1 : 0;
        goto done;
    }
    if (has_totals) {
        PyObject *distinct = GET(totals, s_distinct);
        Py_ssize_t k = distinct == NULL ? -1 : PySet_Size(distinct);
        int bad = k < 0 || (k < MAX_DISTINCT && PySet_Add(distinct, rcpt) < 0);
        Py_XDECREF(distinct);
        if (bad) {
            Py_DECREF(rcpt);
            goto done;
        }
    }
    {
        PyObject *final = MGET(msg, M_FINAL_COUNT, s_final_count);
        int truth = final == NULL ? -1 : PyObject_IsTrue(final);
        Py_XDECREF(final);
        if (truth < 0) {
            Py_DECREF(rcpt);
            goto done;
        }
        if (!truth) {
            PyObject *known = MGET(msg, M_RECIPIENTS, s_recipients);
            PyObject *have = PyLong_FromSsize_t(PySet_GET_SIZE(addresses));
            int more = known && have ? PyObject_RichCompareBool(have, known, Py_GT) : -1;
            Py_XDECREF(known);
            Py_XDECREF(have);
            if (more < 0 || (more && (INCR(msg, s_recipients) < 0 ||
                                      (has_totals && INCR(totals, s_recipients) < 0)))) {
                Py_DECREF(rcpt);
                goto done;
            }
        }
    }
    if (policy != NULL) {
        rc = policy_recipient(policy, on_recipient, msg, rcpt, wall);
    } else if (on_recipient != Py_None) {
        PyObject *r = PyObject_CallFunctionObjArgs(on_recipient, msg, rcpt, wall, NULL);
        rc = r == NULL ? -1 : 0;
        Py_XDECREF(r);
    } else {
        rc = 0;
    }
    Py_DECREF(rcpt);
done:
    Py_DECREF(totals);
    Py_XDECREF(addresses);
    return rc;
}

/* a Postfix pickup / smtpd line: held by queue id until the arrival */
static int submitted(PyObject *ledger, PyObject *pending, PyObject *ev) {
    PyObject *qid = PyTuple_GET_ITEM(ev, F_QID);
    if (qid == Py_None) return 0;
    PyObject *parts = PyDict_GetItemWithError(pending, qid); /* an OrderedDict: read as dict */
    if (parts == NULL) {
        if (PyErr_Occurred()) return -1;
        PyObject *list = PyList_New(1);
        if (list == NULL) return -1;
        Py_INCREF(ev);
        PyList_SET_ITEM(list, 0, ev);
        int rc = PyObject_SetItem(pending, qid, list);
        Py_DECREF(list);
        if (rc < 0) return -1;
        Py_ssize_t n = PyObject_Size(pending);
        if (n < 0) return -1;
        if (n > MAX_PENDING) {
            PyObject *x = PyObject_CallMethodOneArg(pending, s_popitem, Py_False);
            if (x == NULL) return -1;
            Py_DECREF(x);
            return INCR(ledger, s_dropped);
        }
        return 0;
    }
    if (!PyList_Check(parts)) {
        PyErr_SetString(PyExc_TypeError, "pending parts are not a list");
        return -1;
    }
    if (PyList_Append(parts, ev) < 0) return -1;
    PyObject *x = PyObject_CallMethodOneArg(pending, s_move_to_end, qid);
    if (x == NULL) return -1;
    Py_DECREF(x);
    return 0;
}


/* ------------------------------------------------------------------ arrivals
 * MailLedger._postfix_arrival and _finish (see their Python text), written out. A message is
 * made as MailMessage(...) makes it, without running its __init__: every slot is set here
 * (setup() checks the field names against M_NAMES; when they differ, the Python methods run).
 */
static PyObject *ZERO, *EMPTY, *S_AUTH, *S_SCRIPT, *S_LOCAL, *S_EXIM, *s_uids;
static Py_ssize_t MAX_OPEN;
static PyObject *s_seen_postfix, *s_postfix, *s_names, *s_php, *s_since, *s_keep_totals,
    *s_senders, *s_on_message, *s_inbound, *s_first_seen, *s_size, *s_cwd, *s_user, *s_uid,
    *s_sender, *s_script, *s_from_this_host, *S_LOOP4, *S_LOOP6, *S_LOOP_MAPPED;


/* MailMessage(mta, qid, wall, sender, user, uid, auth, ip, protocol, size, None, (), None,
 * recipients, final_count=final): a new reference */
static PyObject *new_message(PyObject *v[M_COUNT]) {
    PyObject *msg = MESSAGE->tp_alloc(MESSAGE, 0);
    if (msg == NULL) return NULL;
    for (int i = 0; i < M_COUNT; i++) SLOT(msg, i) = Py_NewRef(v[i]);
    return msg;
}

/* sender_key(msg) of the fields given */
static PyObject *sender_key(PyObject *user, PyObject *uid, PyObject *auth, PyObject *script,
                            PyObject *cwd) {
    if (auth != Py_None) return PyTuple_Pack(3, S_AUTH, auth, Py_None);
    PyObject *who;
    if (user != Py_None)
        who = Py_NewRef(user);
    else if (uid != Py_None) {
        if ((who = PyObject_Str(uid)) == NULL) return NULL;
    } else
        who = Py_NewRef(Py_None);
    int has_script = PyObject_IsTrue(script);
    PyObject *key = has_script < 0 ? NULL
                    : has_script   ? PyTuple_Pack(3, S_SCRIPT, who, script)
                                   : PyTuple_Pack(3, S_LOCAL, who, cwd);
    Py_DECREF(who);
    return key;
}

/* The one tuple of a sender key's value (a new reference; NULL if key is NULL): the messages
 * of a sender share it, so that the look-ups by it in the senders, windows and incidents
 * dicts (some seven per message) find their key by identity instead of comparing tuples.
 * Equal keys are interchangeable (immutable tuples of str and None). Kept for the process,
 * at most MAX_KEYS of them (then forgotten all at once). */
#define MAX_KEYS 16384
static PyObject *KEYS;
static unsigned long KEYS_MADE; /* how many times KEYS was emptied */
static PyObject *shared_key(PyObject *key) {
    if (key == NULL) return NULL;
    if (KEYS == NULL && (KEYS = PyDict_New()) == NULL) {
        Py_DECREF(key);
        return NULL;
    }
    if (PyDict_GET_SIZE(KEYS) >= MAX_KEYS) {
        PyDict_Clear(KEYS);
        KEYS_MADE++; /* the keys remembered below are forgotten too */
    }
    PyObject *kept = PyDict_SetDefault(KEYS, key, key); /* borrowed */
    Py_XINCREF(kept);
    Py_DECREF(key);
    return kept;
}

/* shared_key(sender_key(user, uid, auth, script, cwd)), remembered by the fields' objects
 * (the parser gives the same str again for a field that repeats: user, authenticated id,
 * working folder): the key of the same objects is the same tuple, without making a tuple,
 * hashing it and looking it up in KEYS for each message. An entry holds a reference to each
 * object (their addresses stay theirs) and is for one filling of KEYS only. */
typedef struct {
    PyObject *f[5]; /* user, uid, auth, script, cwd (references; f[0..4] NULL: empty) */
    PyObject *key;
    unsigned long made;
} KeyMemo;
static KeyMemo KEY_MEMO[MEMO_SLOTS];

static PyObject *sender_key_of(PyObject *user, PyObject *uid, PyObject *auth, PyObject *script,
                               PyObject *cwd) {
    PyObject *f[5] = {user, uid, auth, script, cwd};
    uintptr_t h = 0;
    for (int i = 0; i < 5; i++) h = h * 31 + (uintptr_t)f[i];
    KeyMemo *m = &KEY_MEMO[SPREAD(h) & (MEMO_SLOTS - 1)];
    if (m->key != NULL && m->made == KEYS_MADE && m->f[0] == user && m->f[1] == uid &&
        m->f[2] == auth && m->f[3] == script && m->f[4] == cwd)
        return Py_NewRef(m->key);
    PyObject *key = shared_key(sender_key(user, uid, auth, script, cwd));
    if (key == NULL) return NULL;
    PyObject *old[6] = {m->f[0], m->f[1], m->f[2], m->f[3], m->f[4], m->key};
    for (int i = 0; i < 5; i++) m->f[i] = Py_NewRef(f[i]);
    m->key = Py_NewRef(key);
    m->made = KEYS_MADE;
    for (int i = 0; i < 6; i++) Py_XDECREF(old[i]);
    return key;
}

static int set_add_bounded(PyObject *owner, PyObject *name, PyObject *value, Py_ssize_t most) {
    PyObject *set = GET(owner, name);
    if (set == NULL) return -1;
    Py_ssize_t n = PySet_Check(set) ? PySet_GET_SIZE(set) : -1;
    int rc = n < 0 ? -1 : (n < most ? PySet_Add(set, value) : 0);
    if (n < 0) PyErr_SetString(PyExc_TypeError, "not a set");
    Py_DECREF(set);
    return rc;
}

static PyObject *observe_bound(PyObject *policy, PyObject *msg);

/* An arrival adds its client to its sender's set of clients and to its window's table of
 * clients, its window's expiry reads the heads of the window's rings and the message and its
 * client and recipients are added at their ends: places too many to stay in the cache, each
 * a cache miss, one after the other. They are asked of memory
 * together here, when the sender is known (finish), before the steps that read them (a hint
 * only: nothing is read from them; an error is no error here). */
static void prefetch_arrival(PyObject *ledger, PyObject *msg, PyObject *key, PyObject *totals) {
    PyObject *ip = SLOT(msg, M_IP), *on_message = NULL, *windows = NULL;
    Py_hash_t hash = ip != Py_None && PyUnicode_CheckExact(ip) ? PyObject_Hash(ip) : -1;
    if (hash != -1 && totals != Py_None) {
        PyObject *ips = GET(totals, s_ips);
        if (ips != NULL && PySet_CheckExact(ips)) {
            PySetObject *so = (PySetObject *)ips;
            __builtin_prefetch(&so->table[(size_t)hash & (size_t)so->mask], 1);
        }
        Py_XDECREF(ips);
    }
    if ((on_message = GET(ledger, s_on_message)) == NULL) goto done;
    if (!PyCFunction_Check(on_message) ||
        PyCFunction_GET_FUNCTION(on_message) != (PyCFunction)observe_bound)
        goto done;
    windows = GET(PyCFunction_GET_SELF(on_message), s_windows);
    if (windows == NULL || !PyDict_CheckExact(windows)) goto done;
    PyObject *win = KEYED_GET(windows, key); /* borrowed */
    if (win == NULL || Py_TYPE(win) != T_WINDOW) goto done;
    PyObject *names[3] = {s_messages, s_addresses, s_ips};
    for (int i = 0; i < 3; i++) {
        PyObject *part = GET(win, names[i]);
        if (part == NULL) break;
        Ring *r = i == 0 ? (SUMS(part) ? &SUMS(part)->r : NULL)
                         : (COUNTS(part) ? &COUNTS(part)->r : NULL);
        if (r != NULL && r->cap) { /* its head (to expire) and its end (to add to) */
            if (r->len) __builtin_prefetch(&r->at[r->head], 0);
            __builtin_prefetch(RING_AT(r, r->len), 1);
        }
        Counts *c = i == 2 ? COUNTS(part) : NULL;
        if (c != NULL && c->tcap && hash != -1)
            __builtin_prefetch(&c->tab[(size_t)hash & (size_t)(c->tcap - 1)], 1);
        Py_DECREF(part);
    }
done:
    Py_XDECREF(on_message);
    Py_XDECREF(windows);
    PyErr_Clear();
}

/* MailLedger._finish(msg, True, count_later) for a ledger without pending PHP calls: the new
 * reference to msg, Py_None when it is before ``since``, NULL on error */
static PyObject *finish(PyObject *ledger, PyObject *msg, int count_later) {
    PyObject *since = GET(ledger, s_since);
    if (since == NULL) return NULL;
    int before = 0;
    if (since != Py_None) before = cmp(SLOT(msg, M_WALL), since, Py_LT);
    Py_DECREF(since);
    if (before < 0) return NULL;
    if (before) return Py_NewRef(Py_None);
    if (INCR(ledger, s_messages) < 0) return NULL;
    PyObject *keep = GET(ledger, s_keep_totals);
    int totals_on = keep == NULL ? -1 : PyObject_IsTrue(keep);
    Py_XDECREF(keep);
    if (totals_on < 0) return NULL;
    if (totals_on) {
        PyObject *key = sender_key_of(SLOT(msg, M_USER), SLOT(msg, M_UID), SLOT(msg, M_AUTH),
                                      SLOT(msg, M_SCRIPT), SLOT(msg, M_CWD));
        if (key == NULL) return NULL;
        Py_SETREF(SLOT(msg, M_KEY), key); /* the message holds it now */
        PyObject *senders = GET(ledger, s_senders);
        if (senders == NULL) return NULL;
        if (!PyDict_CheckExact(senders)) {
            Py_DECREF(senders);
            PyErr_SetString(PyExc_TypeError, "MailLedger.senders is not a dict");
            return NULL;
        }
        PyObject *totals = KEYED_GET(senders, key);
        PyObject *wall = SLOT(msg, M_WALL);
        if (totals != NULL) {
            Py_INCREF(totals);
        } else if (!PyErr_Occurred()) {
            PyObject *kind = PyTuple_GET_ITEM(key, 0);
            PyObject *args = PyTuple_Pack(6, kind, SLOT(msg, M_USER), SLOT(msg, M_UID),
                                          SLOT(msg, M_SCRIPT), SLOT(msg, M_CWD),
                                          SLOT(msg, M_AUTH));
            PyObject *kw = args == NULL ? NULL : Py_BuildValue("{sOsO}", "first_seen", wall,
                                                               "last_seen", wall);
            totals = kw == NULL ? NULL : PyObject_Call(TOTALS, args, kw);
            Py_XDECREF(args);
            Py_XDECREF(kw);
            if (totals != NULL && kind == S_AUTH &&
                (SET(totals, s_user, Py_None) < 0 || SET(totals, s_uid, Py_None) < 0))
                Py_CLEAR(totals);
            if (totals != NULL && PyDict_SetItem(senders, key, totals) < 0) Py_CLEAR(totals);
        }
        Py_DECREF(senders);
        if (totals == NULL) return NULL;
        Py_XSETREF(SLOT(msg, M_TOTALS), totals); /* the reference goes to the message */
        prefetch_arrival(ledger, msg, key, totals);
        PyObject *size = SLOT(msg, M_SIZE);
        int t = size == Py_None ? 0 : PyObject_IsTrue(size);
        if (t < 0 || INCR(totals, s_messages) < 0 ||
            ADD_TO(totals, s_recipients, SLOT(msg, M_RECIPIENTS)) < 0 ||
            ADD_TO(totals, s_size, t ? size : ZERO) < 0 ||
            RAISE_TO(totals, s_first_seen, wall, Py_LT) < 0 ||
            RAISE_TO(totals, s_last_seen, wall, Py_GT) < 0)
            return NULL;
        PyObject *addresses = SLOT(msg, M_ADDRESSES);
        if (PySet_GET_SIZE(addresses)) {
            PyObject *distinct = GET(totals, s_distinct);
            if (distinct == NULL) return NULL;
            if (!PySet_Check(distinct)) {
                Py_DECREF(distinct);
                PyErr_SetString(PyExc_TypeError, "SenderTotals.distinct is not a set");
                return NULL;
            }
            Py_ssize_t pos = 0;
            PyObject *addr;
            Py_hash_t hash;
            int bad = 0;
            while (_PySet_NextEntry(addresses, &pos, &addr, &hash)) {
                if (PySet_GET_SIZE(distinct) >= MAX_DISTINCT) break;
                Py_INCREF(addr);
                bad = PySet_Add(distinct, addr) < 0;
                Py_DECREF(addr);
                if (bad) break;
            }
            Py_DECREF(distinct);
            if (bad) return NULL;
        }
        if (SLOT(msg, M_IP) != Py_None &&
            set_add_bounded(totals, s_ips, SLOT(msg, M_IP), MAX_DISTINCT) < 0)
            return NULL;
        if (SLOT(msg, M_SENDER) != Py_None &&
            set_add_bounded(totals, s_senders, SLOT(msg, M_SENDER), 64) < 0)
            return NULL;
        if (SLOT(msg, M_CWD) != Py_None) {
            PyObject *cwd = GET(totals, s_cwd);
            if (cwd == NULL) return NULL;
            Py_DECREF(cwd);
            if (cwd == Py_None && SET(totals, s_cwd, SLOT(msg, M_CWD)) < 0) return NULL;
        }
    }
    PyObject *qid = SLOT(msg, M_QID);
    if (qid != Py_None) {
        PyObject *open_ = GET(ledger, s_open);
        if (open_ == NULL) return NULL;
        int bad = PyObject_SetItem(open_, qid, msg) < 0;
        if (!bad && count_later) bad = PySet_Clear(SLOT(msg, M_ADDRESSES)) < 0;
        Py_ssize_t n = bad ? -1 : PyObject_Size(open_);
        if (n > MAX_OPEN) {
            PyObject *x = PyObject_CallMethodOneArg(open_, s_popitem, Py_False);
            bad = x == NULL || INCR(ledger, s_dropped) < 0;
            Py_XDECREF(x);
        }
        Py_DECREF(open_);
        if (bad || n < 0) return NULL;
    }
    PyObject *on_message = GET(ledger, s_on_message);
    if (on_message == NULL) return NULL;
    if (on_message != Py_None) {
        PyObject *r = PyCFunction_Check(on_message) &&
                              PyCFunction_GET_FUNCTION(on_message) == (PyCFunction)observe_bound
                          ? observe_bound(PyCFunction_GET_SELF(on_message), msg)
                          : PyObject_CallOneArg(on_message, msg);
        Py_DECREF(on_message);
        if (r == NULL) return NULL;
        Py_DECREF(r);
    } else {
        Py_DECREF(on_message);
    }
    return Py_NewRef(msg);
}

/* MailLedger._postfix_arrival(ev): 1 done, 0 not done here (the caller runs the Python
 * method: pending PHP calls), -1 error */
/* The message of the arrival ``ev`` made of ``v`` (the caller has set the fields that differ
 * by MTA; those both set alike are set here) and handed to _finish: 1, or -1 on an error */
static int arrive(PyObject *ledger, PyObject *ev, PyObject *v[M_COUNT], PyObject *nrcpt,
                  int count_later) {
    v[M_WALL] = PyTuple_GET_ITEM(ev, F_WALL);
    v[M_SENDER] = PyTuple_GET_ITEM(ev, F_SENDER);
    v[M_SIZE] = PyTuple_GET_ITEM(ev, F_SIZE);
    v[M_SCRIPT] = Py_None;
    v[M_DELIVERED] = v[M_DEFERRED] = v[M_BOUNCED] = ZERO;
    v[M_FINAL_COUNT] = nrcpt != Py_None ? Py_True : Py_False;
    v[M_TOTALS] = v[M_KEY] = Py_None;
    PyObject *msg = new_message(v);
    if (msg == NULL) return -1;
    PyObject *done = finish(ledger, msg, count_later);
    Py_DECREF(msg);
    if (done == NULL) return -1;
    Py_DECREF(done);
    return 1;
}

static int arrive_postfix(PyObject *ledger, PyObject *pending, PyObject *ev) {
    if (MESSAGE == NULL) return 0;
    PyObject *php = GET(ledger, s_php);
    int calls = php == NULL ? -1 : PyObject_IsTrue(php);
    Py_XDECREF(php);
    if (calls != 0) return calls < 0 ? -1 : 0;
    PyObject *sender = PyTuple_GET_ITEM(ev, F_SENDER); /* from=<>: a bounce, Python's (rare) */
    if (sender != Py_None && (!PyUnicode_Check(sender) || PyUnicode_GET_LENGTH(sender) == 0))
        return 0;
    PyObject *qid = PyTuple_GET_ITEM(ev, F_QID);
    if (qid == Py_None) return 1;
    PyObject *seen = GET(ledger, s_seen_postfix);
    if (seen == NULL) return -1;
    int there = PySequence_Contains(seen, qid);
    if (there != 0) {
        Py_DECREF(seen);
        return there < 0 ? -1 : 1; /* qmgr logs from= again after a deferral */
    }
    if (PyObject_SetItem(seen, qid, Py_None) < 0) {
        Py_DECREF(seen);
        return -1;
    }
    Py_ssize_t n = PyObject_Size(seen);
    if (n > MAX_OPEN) {
        PyObject *x = PyObject_CallMethodOneArg(seen, s_popitem, Py_False);
        if (x == NULL) n = -1;
        Py_XDECREF(x);
    }
    Py_DECREF(seen);
    if (n < 0) return -1;
    PyObject *parts = PyDict_GetItemWithError(pending, qid); /* pending.pop(qid, None) */
    if (parts == NULL) {
        if (PyErr_Occurred()) return -1;
        return count_inbound(ledger, ev, Py_None);
    }
    Py_INCREF(parts);
    if (PyObject_DelItem(pending, qid) < 0 || !PyList_Check(parts)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "pending parts are not a list");
        Py_DECREF(parts);
        return -1;
    }
    PyObject *uid = Py_None, *user = Py_None, *auth = Py_None, *ip = Py_None,
             *protocol = Py_None;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(parts); i++) { /* the last value given wins */
        PyObject *part = PyList_GET_ITEM(parts, i);
        if (!PyTuple_Check(part) || PyTuple_GET_SIZE(part) != NFIELDS) {
            Py_DECREF(parts);
            PyErr_SetString(PyExc_TypeError, "pending parts are not MailLogged events");
            return -1;
        }
        PyObject *v;
        if ((v = PyTuple_GET_ITEM(part, F_UID)) != Py_None) uid = v;
        if ((v = PyTuple_GET_ITEM(part, F_USER)) != Py_None) user = v;
        if ((v = PyTuple_GET_ITEM(part, F_AUTH)) != Py_None) auth = v;
        if ((v = PyTuple_GET_ITEM(part, F_IP)) != Py_None) ip = v;
        if ((v = PyTuple_GET_ITEM(part, F_PROTOCOL)) != Py_None) protocol = v;
    }
    int rc = -1;
    PyObject *vals[M_COUNT], *addresses = NULL, *named = NULL;
    if (auth == Py_None && uid == Py_None) {
        rc = count_inbound(ledger, ev, ip);
        goto out;
    }
    if (uid != Py_None) { /* user = self._names.get(uid): pickup's from= is no login */
        PyObject *names = GET(ledger, s_names);
        if (names == NULL) goto out;
        PyObject *name = PyDict_Check(names) ? PyDict_GetItemWithError(names, uid) : NULL;
        if (name == NULL && !PyErr_Occurred() && !PyDict_Check(names))
            PyErr_SetString(PyExc_TypeError, "MailLedger._names is not a dict");
        Py_XINCREF(name);
        Py_DECREF(names);
        if (name == NULL && PyErr_Occurred()) goto out;
        named = name;
        user = name != NULL ? name : Py_None;
    }
    if ((addresses = PySet_New(NULL)) == NULL) goto out;
    PyObject *nrcpt = PyTuple_GET_ITEM(ev, F_NRCPT);
    int some = nrcpt == Py_None ? 0 : PyObject_IsTrue(nrcpt);
    if (some < 0) goto out;
    vals[M_MTA] = S_POSTFIX;
    vals[M_QID] = qid;
    vals[M_USER] = user;
    vals[M_UID] = uid;
    vals[M_AUTH] = auth;
    vals[M_IP] = ip;
    vals[M_PROTOCOL] = protocol;
    vals[M_CWD] = Py_None;
    vals[M_ARGS] = EMPTY;
    vals[M_RECIPIENTS] = some ? nrcpt : ZERO; /* ev.nrcpt or 0 */
    vals[M_ADDRESSES] = addresses;
    rc = arrive(ledger, ev, vals, nrcpt, 1);
out:
    Py_DECREF(parts);
    Py_XDECREF(named);
    Py_XDECREF(addresses);
    return rc;
}

/* ---------------------------------------------------------- Exim submissions
 * MailLedger._other's argument lines, _take_args and _exim_arrival (see their Python text),
 * set up by exim_setup(_EXIM_INTERNAL, JOIN_SECONDS, _argv_recipients). */
static PyObject *INTERNAL, *JOIN, *ARGV_RECIPIENTS, *s_args_by_pid, *s_args, *s_args_of,
    *S_DASH_T;

/* every internal option starts with '-' (exim_setup): an argument that does not is none */
static int INTERNAL_DASHED;

/* an argument line (cwd= and argv of a submitting process): held for its arrival; 1 done,
 * 0 not done here, -1 error */
static int exim_arguments(PyObject *ledger, PyObject *ev) {
    if (INTERNAL == NULL) return 0;
    PyObject *args = PyTuple_GET_ITEM(ev, F_ARGS);
    if (PyTuple_GET_ITEM(ev, F_CWD) == Py_None) return 1;
    if (!PyTuple_Check(args)) return 0;
    for (Py_ssize_t i = 1; i < PyTuple_GET_SIZE(args); i++) { /* not _is_submission(args) */
        PyObject *a = PyTuple_GET_ITEM(args, i);
        if (!PyUnicode_Check(a)) return 0;
        if (INTERNAL_DASHED && PyUnicode_IS_READY(a) && PyUnicode_IS_ASCII(a) &&
            (PyUnicode_GET_LENGTH(a) == 0 || PyUnicode_1BYTE_DATA(a)[0] != '-'))
            continue; /* no option can start it: each starts with '-' */
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(INTERNAL); k++) {
            int m = starts_with(a, PyTuple_GET_ITEM(INTERNAL, k));
            if (m != 0) return m < 0 ? -1 : 1;
        }
    }
    PyObject *pid = PyTuple_GET_ITEM(ev, F_PID);
    if (pid != Py_None) {
        PyObject *by_pid = GET(ledger, s_args_by_pid);
        if (by_pid == NULL) return -1;
        int rc = -1;
        if (!PyDict_Check(by_pid)) {
            PyErr_SetString(PyExc_TypeError, "MailLedger._args_by_pid is not a dict");
        } else if (PyDict_SetItem(by_pid, pid, ev) == 0) {
            rc = 1;
            if (PyDict_GET_SIZE(by_pid) > MAX_PENDING) { /* drop the oldest */
                Py_ssize_t pos = 0;
                PyObject *first, *value;
                if (PyDict_Next(by_pid, &pos, &first, &value)) {
                    Py_INCREF(first);
                    rc = PyDict_DelItem(by_pid, first) < 0 || INCR(ledger, s_dropped) < 0 ? -1 : 1;
                    Py_DECREF(first);
                }
            }
        }
        Py_DECREF(by_pid);
        return rc;
    }
    PyObject *q = GET(ledger, s_args);
    if (q == NULL) return -1;
    PyObject *x = PyObject_CallMethodOneArg(q, s_append, ev);
    int rc = x == NULL ? -1 : 1;
    Py_XDECREF(x);
    Py_ssize_t n = rc < 0 ? -1 : PyObject_Size(q);
    if (n > MAX_PENDING) {
        x = PyObject_CallMethodNoArgs(q, s_popleft);
        rc = x == NULL || INCR(ledger, s_dropped) < 0 ? -1 : 1;
        Py_XDECREF(x);
    }
    Py_DECREF(q);
    return n < 0 ? -1 : rc;
}

/* MailLedger._take_args(ev): a new reference (Py_None: none), NULL on error */
static PyObject *take_args(PyObject *ledger, PyObject *ev) {
    PyObject *pid = PyTuple_GET_ITEM(ev, F_PID);
    if (pid != Py_None) {
        PyObject *by_pid = GET(ledger, s_args_by_pid);
        if (by_pid == NULL) return NULL;
        PyObject *found = PyDict_Check(by_pid) ? PyDict_GetItemWithError(by_pid, pid) : NULL;
        if (found != NULL) {
            Py_INCREF(found);
            if (PyDict_DelItem(by_pid, pid) < 0) Py_CLEAR(found);
        } else if (!PyErr_Occurred() && !PyDict_Check(by_pid)) {
            PyErr_SetString(PyExc_TypeError, "MailLedger._args_by_pid is not a dict");
        }
        Py_DECREF(by_pid);
        if (found != NULL || PyErr_Occurred()) return found;
    }
    PyObject *q = GET(ledger, s_args), *out = NULL;
    if (q == NULL) return NULL;
    for (;;) {
        Py_ssize_t n = PyObject_Size(q);
        if (n < 0) goto done;
        if (n == 0) {
            out = Py_NewRef(Py_None);
            goto done;
        }
        PyObject *first = PySequence_GetItem(q, 0);
        if (first == NULL) goto done;
        int stale = -1;
        if (PyTuple_Check(first) && PyTuple_GET_SIZE(first) == NFIELDS) {
            PyObject *gap = PyNumber_Subtract(PyTuple_GET_ITEM(ev, F_WALL),
                                              PyTuple_GET_ITEM(first, F_WALL));
            stale = gap == NULL ? -1 : cmp(gap, JOIN, Py_GT);
            Py_XDECREF(gap);
        } else {
            PyErr_SetString(PyExc_TypeError, "argument lines are not MailLogged events");
        }
        Py_DECREF(first);
        if (stale < 0) goto done;
        if (!stale && n > 1) { /* several waiting: MailLedger._args_of picks (rare, Python) */
            out = PyObject_CallMethodObjArgs(ledger, s_args_of, PyTuple_GET_ITEM(ev, F_USER),
                                             q, NULL);
            goto done;
        }
        PyObject *x = PyObject_CallMethodNoArgs(q, s_popleft);
        if (x == NULL || !stale) {
            out = x; /* the oldest line not too old: taken */
            goto done;
        }
        Py_DECREF(x);
    }
done:
    Py_DECREF(q);
    return out;
}

/* is_loopback(ip) of attribution/mail.py: 127.*, ::ffff:127.*, ::1; 1, 0, or -1 on error */
static int loopback_ip(PyObject *ip) {
    if (ip == Py_None || !PyUnicode_Check(ip)) return 0;
    int c = starts_with(ip, S_LOOP4);
    if (c == 0) c = starts_with(ip, S_LOOP_MAPPED);
    if (c == 0) {
        c = PyUnicode_Compare(ip, S_LOOP6);
        c = c == -1 && PyErr_Occurred() ? -1 : c == 0;
    }
    return c;
}

/* MailLedger._inbound(ev, ip): mail received from another server, counted when it is at or
 * after ``since`` (as bounces are); from client ``ip`` of this host's loopback, counted as
 * ``from_this_host``; 1, or -1 on error */
static int count_inbound(PyObject *ledger, PyObject *ev, PyObject *ip) {
    PyObject *since = GET(ledger, s_since);
    if (since == NULL) return -1;
    int before = 0;
    if (since != Py_None) before = cmp(PyTuple_GET_ITEM(ev, F_WALL), since, Py_LT);
    Py_DECREF(since);
    if (before < 0) return -1;
    if (before) return 1;
    int here = loopback_ip(ip);
    if (here < 0) return -1;
    return INCR(ledger, here ? s_from_this_host : s_inbound) < 0 ? -1 : 1;
}

/* MailLedger._exim_arrival(ev): 1 done, 0 not done here (PHP mail() calls pending: the
 * Python method joins them), -1 error */
static int arrive_exim(PyObject *ledger, PyObject *ev) {
    if (MESSAGE == NULL || INTERNAL == NULL) return 0;
    PyObject *protocol = PyTuple_GET_ITEM(ev, F_PROTOCOL);
    Py_ssize_t local = 0;
    if (protocol != Py_None) {
        if (!PyUnicode_Check(protocol)) return 0;
        local = starts_with(protocol, S_LOCAL);
        if (local < 0) return -1;
    }
    PyObject *auth = PyTuple_GET_ITEM(ev, F_AUTH);
    if (!local && auth == Py_None) /* received, or over SMTP from this host's loopback */
        return count_inbound(ledger, ev, PyTuple_GET_ITEM(ev, F_IP));
    if (local && PyTuple_GET_ITEM(ev, F_BOUNCE_OF) != Py_None) return 0; /* R=: Python's */
    if (local) { /* _finish joins a local message with a pending PHP call: Python's */
        PyObject *php = GET(ledger, s_php);
        int calls = php == NULL ? -1 : PyObject_IsTrue(php);
        Py_XDECREF(php);
        if (calls != 0) return calls < 0 ? -1 : 0;
    }
    PyObject *uid = Py_None, *user = PyTuple_GET_ITEM(ev, F_USER);
    PyObject *vals[M_COUNT], *args = NULL, *listed = NULL, *count = NULL;
    PyObject *addresses = PySet_New(NULL), *nrcpt = PyTuple_GET_ITEM(ev, F_NRCPT);
    int rc = -1;
    if (addresses == NULL) return -1;
    if (local && (args = take_args(ledger, ev)) == NULL) goto out;
    if (args != NULL && args != Py_None &&
        !(PyTuple_Check(args) && PyTuple_GET_SIZE(args) == NFIELDS)) {
        PyErr_SetString(PyExc_TypeError, "argument lines are not MailLogged events");
        goto out;
    }
    if (user != Py_None) { /* self.uids.get(ev.user) */
        PyObject *uids = GET(ledger, s_uids);
        if (uids == NULL) goto out;
        PyObject *found = PyDict_Check(uids) ? PyDict_GetItemWithError(uids, user) : NULL;
        if (found == NULL && !PyErr_Occurred() && !PyDict_Check(uids))
            PyErr_SetString(PyExc_TypeError, "MailLedger.uids is not a dict");
        Py_DECREF(uids); /* found stays alive: the ledger's dict holds it */
        if (found == NULL && PyErr_Occurred()) goto out;
        if (found != NULL) uid = found;
    }
    int joined = args != NULL && args != Py_None;
    PyObject *argv = joined ? PyTuple_GET_ITEM(args, F_ARGS) : EMPTY, *recipients = ZERO;
    PyObject *source = NULL; /* the addresses to add */
    if (nrcpt != Py_None) {
        recipients = nrcpt;
        source = PyTuple_GET_ITEM(ev, F_RCPTS);
    } else if (joined) {
        int t = PySequence_Contains(argv, S_DASH_T);
        if (t < 0) goto out;
        if (!t) {
            if ((listed = PyObject_CallOneArg(ARGV_RECIPIENTS, argv)) == NULL) goto out;
            Py_ssize_t n = PyObject_Size(listed);
            if (n < 0 || (count = PyLong_FromSsize_t(n)) == NULL) goto out;
            recipients = count;
            source = listed;
        }
    }
    if (source != NULL) { /* msg.addresses.update(...) */
        PyObject *it = PyObject_GetIter(source), *addr;
        if (it == NULL) goto out;
        while ((addr = PyIter_Next(it)) != NULL) {
            int bad = PySet_Add(addresses, addr) < 0;
            Py_DECREF(addr);
            if (bad) break;
        }
        Py_DECREF(it);
        if (PyErr_Occurred()) goto out;
    }
    vals[M_MTA] = S_EXIM;
    vals[M_QID] = PyTuple_GET_ITEM(ev, F_QID);
    vals[M_USER] = local ? user : Py_None;
    vals[M_UID] = uid;
    vals[M_AUTH] = auth;
    vals[M_IP] = PyTuple_GET_ITEM(ev, F_IP);
    vals[M_PROTOCOL] = protocol;
    vals[M_CWD] = joined ? PyTuple_GET_ITEM(args, F_CWD) : Py_None;
    vals[M_ARGS] = argv;
    vals[M_RECIPIENTS] = recipients;
    vals[M_ADDRESSES] = addresses;
    rc = arrive(ledger, ev, vals, nrcpt, 0);
out:
    Py_XDECREF(args);
    Py_XDECREF(listed);
    Py_XDECREF(count);
    Py_DECREF(addresses);
    return rc;
}

static PyObject *py_exim_setup(PyObject *self, PyObject *args) {
    PyObject *internal, *join, *argv_recipients;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O", &PyTuple_Type, &internal, &PyFloat_Type, &join,
                          &argv_recipients))
        return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(internal); i++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(internal, i))) {
            PyErr_SetString(PyExc_TypeError, "the internal options are not str");
            return NULL;
        }
    INTERNAL_DASHED = 1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(internal); i++) {
        PyObject *o = PyTuple_GET_ITEM(internal, i);
        if (PyUnicode_READY(o) < 0) return NULL;
        if (PyUnicode_GET_LENGTH(o) == 0 || PyUnicode_READ_CHAR(o, 0) != '-') INTERNAL_DASHED = 0;
    }
    Py_XSETREF(INTERNAL, Py_NewRef(internal));
    Py_XSETREF(JOIN, Py_NewRef(join));
    Py_XSETREF(ARGV_RECIPIENTS, Py_NewRef(argv_recipients));
    Py_RETURN_NONE;
}

/* what feed() is given besides the events (its arguments) */
typedef struct {
    PyObject *ledger, *open_, *pending, *other, *postfix_arrival, *on_recipient;
    PyObject *policy; /* borrowed from on_recipient: MailPolicy.recipient bound to it, else NULL */
} Feed;

static PyObject *policy_of(PyObject *on_recipient) {
    if (RECIPIENT != NULL && PyMethod_Check(on_recipient) &&
        PyMethod_GET_FUNCTION(on_recipient) == RECIPIENT)
        return PyMethod_GET_SELF(on_recipient); /* done here */
    return NULL;
}

/* the line about one recipient of message ``qid`` (action: delivery, defer, bounce), or its
 * Completed line: feed's second half */
static int recipient_line(Feed *f, PyObject *action, PyObject *qid, PyObject *rcpt,
                          PyObject *wall) {
    if (action == A_COMPLETED) {
        if (qid == Py_None) return 0;
        PyObject *there = PyDict_GetItemWithError(f->open_, qid);
        if (there != NULL) return PyObject_DelItem(f->open_, qid);
        return PyErr_Occurred() ? -1 : 0;
    }
    PyObject *msg = qid == Py_None ? NULL : PyDict_GetItemWithError(f->open_, qid);
    if (msg == NULL) return PyErr_Occurred() ? -1 : 0;
    Py_INCREF(msg);
    int rc = one_recipient(rcpt, wall, action, msg, f->on_recipient, f->policy, 0);
    Py_DECREF(msg);
    return rc;
}

/* one event of feed() */
static int feed_event(Feed *f, PyObject *ev) {
    if (!PyTuple_Check(ev) || PyTuple_GET_SIZE(ev) != NFIELDS) {
        PyErr_SetString(PyExc_TypeError, "feed() takes MailLogged events");
        return -1;
    }
    PyObject *action = PyTuple_GET_ITEM(ev, F_ACTION);
    int rc = 0;
    if (action == A_COMPLETED) return recipient_line(f, action, PyTuple_GET_ITEM(ev, F_QID), NULL, NULL);
    if (action == A_DELIVERY || action == A_DEFER || action == A_BOUNCE) {
        PyObject *rcpts = PyTuple_GET_ITEM(ev, F_RCPTS), *rcpt = NULL;
        int any = PyObject_IsTrue(rcpts);
        if (any < 0 || (any && (rcpt = PySequence_GetItem(rcpts, 0)) == NULL)) return -1;
        rc = recipient_line(f, action, PyTuple_GET_ITEM(ev, F_QID), rcpt,
                            PyTuple_GET_ITEM(ev, F_WALL));
        Py_XDECREF(rcpt);
        return rc;
    }
    if (action == A_SUBMITTED) return submitted(f->ledger, f->pending, ev);
    int pf = 0;
    if (action == A_ARRIVAL) {
        pf = PyObject_RichCompareBool(PyTuple_GET_ITEM(ev, F_MTA), S_POSTFIX, Py_EQ);
        if (pf < 0) return -1;
    }
    if (action == A_ARRIVAL || action == A_ARGUMENTS) {
        rc = action == A_ARGUMENTS ? exim_arguments(f->ledger, ev)
             : pf                  ? arrive_postfix(f->ledger, f->pending, ev)
                                   : arrive_exim(f->ledger, ev);
        if (rc != 0) return rc < 0 ? -1 : 0; /* done here */
    }
    PyObject *r = pf ? PyObject_CallOneArg(f->postfix_arrival, ev)
                     : PyObject_CallFunctionObjArgs(f->other, ev, action, NULL);
    if (r == NULL) return -1;
    Py_DECREF(r);
    return 0;
}

static int feed_args(PyObject *args, Feed *f, PyObject **events) {
    if (!PyArg_ParseTuple(args, "OO!O!O!OOO", &f->ledger, &PyList_Type, events, &PyDict_Type,
                          &f->open_, &PyDict_Type, &f->pending, &f->other, &f->postfix_arrival,
                          &f->on_recipient))
        return -1;
    if (F_WALL < 0) {
        PyErr_SetString(PyExc_RuntimeError, "_mailjoin.setup() was not called");
        return -1;
    }
    f->policy = policy_of(f->on_recipient);
    return 0;
}

static PyObject *py_feed(PyObject *self, PyObject *args) {
    Feed f;
    PyObject *events;
    (void)self;
    if (feed_args(args, &f, &events) < 0) return NULL;
    Py_INCREF(events); /* the list may be changed by a callback: hold it, index with care */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(events); i++) {
        PyObject *ev = PyList_GET_ITEM(events, i);
        Py_INCREF(ev);
        int rc = feed_event(&f, ev);
        Py_DECREF(ev);
        if (rc < 0) {
            Py_DECREF(events);
            return NULL;
        }
    }
    Py_DECREF(events);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ the sink
 * sink(ledger, open, pending, other, postfix_arrival, on_recipient): a capsule holding a
 * MailSink (sources/maillog/mailsink.h) for _scan.exim_into(), which gives it
 * each event of a block as it is made (feed_event, as feed() would) and the lines about one
 * recipient as their queue id, recipient bytes and time (recipient_line, without an event:
 * the recipient's str is made only for a message the ledger holds). The capsule holds
 * references to feed()'s arguments; its destructor drops them. */
/* the recipient's str: its bytes are printable ASCII (mailsink.h), so they are copied, not
 * checked again */
static PyObject *ascii_str(const char *s, Py_ssize_t n) {
    PyObject *o = PyUnicode_New(n, 127);
    if (o != NULL) memcpy(PyUnicode_DATA(o), s, (size_t)n);
    return o;
}

/* A line about one recipient is held back (up to HELD of them) until the sink's next event,
 * the end of the block, or a full queue, and then run, in the order the lines came: nothing
 * else is run in between, and an arrival (an event) runs the lines before it first, so the
 * join does the same steps in the same order. What holding them back buys: the places a
 * recipient will take in its sender's two big tables (its set of distinct addresses, its
 * window) are asked of memory when the line comes (prefetch_places), and the misses they cost
 * are taken while the next lines are parsed (an arrival's parse, some hundreds of ns), not
 * one by one when each line is run (prefetched just before, they overlapped only each other:
 * a tenth of a read's time). A line is held only for a message the ledger holds when it
 * comes: one it does not hold cannot be there when the line is run (only an event adds one).
 * With a Python callback for the recipients (no compiled policy) nothing is held: the
 * callback may look at anything. */
#define HELD 16
typedef struct {
    PyObject *action; /* A_DELIVERY, A_DEFER, A_BOUNCE (borrowed: module constants), A_COMPLETED */
    PyObject *qid, *rcpt, *wall; /* references; rcpt and wall NULL for a Completed line */
} Held;

typedef struct {
    MailSink api; /* first: the capsule's pointer is both */
    Feed feed;    /* with a reference to each object (policy: borrowed from on_recipient) */
    int held;     /* lines in ``queue`` */
    Held queue[HELD];
} Sink;

/* the held lines run, in order (on an error the rest are dropped: the read stops there) */
static int sink_flush(MailSink *self) {
    Sink *s = (Sink *)self;
    Feed *f = &s->feed;
    int rc = 0, n = s->held;
    s->held = 0; /* a line run may call Python, which may come back here: nothing held twice */
    for (int i = 0; i < n; i++) {
        Held *h = &s->queue[i];
        if (rc == 0) {
            if (h->action == A_COMPLETED || h->rcpt == NULL) {
                rc = recipient_line(f, h->action, h->qid, NULL, h->wall);
            } else {
                PyObject *msg = PyDict_GetItemWithError(f->open_, h->qid);
                if (msg != NULL) {
                    Py_INCREF(msg);
                    rc = one_recipient(h->rcpt, h->wall, h->action, msg, f->on_recipient,
                                       f->policy, 1);
                    Py_DECREF(msg);
                } else if (PyErr_Occurred()) {
                    rc = -1;
                }
            }
        }
        Py_DECREF(h->qid);
        Py_XDECREF(h->rcpt);
        Py_XDECREF(h->wall);
    }
    return rc;
}

static int sink_event(MailSink *self, PyObject *ev) {
    if (((Sink *)self)->held && sink_flush(self) < 0) return -1;
    return feed_event(&((Sink *)self)->feed, ev);
}

static int sink_line(MailSink *self, int what, PyObject *qid, const char *rcpt, Py_ssize_t n,
                     PyObject *wall) {
    Sink *s = (Sink *)self;
    Feed *f = &s->feed;
    PyObject *action = what == SINK_DELIVERY ? A_DELIVERY
                       : what == SINK_DEFER  ? A_DEFER
                       : what == SINK_BOUNCE ? A_BOUNCE
                                             : A_COMPLETED;
    if (f->policy == NULL && f->on_recipient != Py_None) { /* a Python callback: run now */
        if (action == A_COMPLETED) return recipient_line(f, action, qid, NULL, NULL);
        if (n < 0) return recipient_line(f, action, qid, NULL, wall);
        PyObject *msg = PyDict_GetItemWithError(f->open_, qid); /* recipient_line's look-up */
        if (msg == NULL) return PyErr_Occurred() ? -1 : 0; /* not the ledger's: the common case */
        Py_INCREF(msg);
        PyObject *text = ascii_str(rcpt, n);
        int rc = text == NULL ? -1
                              : one_recipient(text, wall, action, msg, f->on_recipient, NULL, 0);
        Py_XDECREF(text);
        Py_DECREF(msg);
        return rc;
    }
    PyObject *msg = PyDict_GetItemWithError(f->open_, qid); /* borrowed */
    if (msg == NULL) return PyErr_Occurred() ? -1 : 0; /* not the ledger's: the common case */
    PyObject *text = NULL;
    if (action != A_COMPLETED && n >= 0) {
        if ((text = ascii_str(rcpt, n)) == NULL) return -1;
        PyObject *totals = MGET(msg, M_TOTALS, s_totals);
        if (totals == NULL) {
            Py_DECREF(text);
            return -1;
        }
        prefetch_places(msg, totals, text, f->policy);
        Py_DECREF(totals);
    }
    Held *h = &s->queue[s->held++];
    h->action = action;
    h->qid = Py_NewRef(qid);
    h->rcpt = text;
    h->wall = action == A_COMPLETED ? NULL : Py_NewRef(wall);
    return s->held == HELD ? sink_flush(self) : 0;
}

static void sink_free(PyObject *capsule) {
    Sink *s = PyCapsule_GetPointer(capsule, SINK_NAME);
    if (s == NULL) {
        PyErr_Clear();
        return;
    }
    for (int i = 0; i < s->held; i++) { /* held by a read that stopped: not run */
        Py_XDECREF(s->queue[i].qid);
        Py_XDECREF(s->queue[i].rcpt);
        Py_XDECREF(s->queue[i].wall);
    }
    Feed *f = &s->feed;
    Py_XDECREF(f->ledger);
    Py_XDECREF(f->open_);
    Py_XDECREF(f->pending);
    Py_XDECREF(f->other);
    Py_XDECREF(f->postfix_arrival);
    Py_XDECREF(f->on_recipient);
    PyMem_Free(s);
}

static PyObject *py_sink(PyObject *self, PyObject *args) {
    (void)self;
    Feed f;
    if (!PyArg_ParseTuple(args, "OO!O!OOO", &f.ledger, &PyDict_Type, &f.open_, &PyDict_Type,
                          &f.pending, &f.other, &f.postfix_arrival, &f.on_recipient))
        return NULL;
    if (F_WALL < 0) {
        PyErr_SetString(PyExc_RuntimeError, "_mailjoin.setup() was not called");
        return NULL;
    }
    Sink *s = PyMem_Calloc(1, sizeof *s);
    if (s == NULL) return PyErr_NoMemory();
    f.policy = policy_of(f.on_recipient);
    s->api.magic = SINK_MAGIC;
    s->api.size = sizeof(MailSink);
    s->api.event = sink_event;
    s->api.line = sink_line;
    s->api.flush = sink_flush;
    s->feed = f;
    PyObject *capsule = PyCapsule_New(s, SINK_NAME, sink_free);
    if (capsule == NULL) {
        PyMem_Free(s);
        return NULL;
    }
    Py_INCREF(f.ledger); /* sink_free drops them */
    Py_INCREF(f.open_);
    Py_INCREF(f.pending);
    Py_INCREF(f.other);
    Py_INCREF(f.postfix_arrival);
    Py_INCREF(f.on_recipient);
    return capsule;
}

static PyObject *py_setup(PyObject *self, PyObject *args) {
    PyObject *fields;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!OOOOOOOnn", &PyTuple_Type, &fields, &A_DELIVERY, &A_DEFER,
                          &A_BOUNCE, &A_COMPLETED, &A_SUBMITTED, &A_ARRIVAL, &A_ARGUMENTS,
                          &MAX_PENDING, &MAX_DISTINCT))
        return NULL;
    PyObject *keep[] = {A_DELIVERY, A_DEFER,   A_BOUNCE,   A_COMPLETED,
                        A_SUBMITTED, A_ARRIVAL, A_ARGUMENTS};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) Py_INCREF(keep[i]); /* for good */
    const char *names[] = {"wall", "mta", "action", "queue_id", "recipients", "sender",
                           "user", "uid",  "protocol", "auth", "ip", "size",
                           "nrcpt", "pid", "cwd", "args", "bounce_of"};
    Py_ssize_t *slots[] = {&F_WALL, &F_MTA, &F_ACTION, &F_QID, &F_RCPTS, &F_SENDER,
                           &F_USER, &F_UID, &F_PROTOCOL, &F_AUTH, &F_IP, &F_SIZE,
                           &F_NRCPT, &F_PID, &F_CWD, &F_ARGS, &F_BOUNCE_OF};
    NFIELDS = PyTuple_GET_SIZE(fields);
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        *slots[k] = -1;
        for (Py_ssize_t i = 0; i < NFIELDS; i++) {
            PyObject *f = PyTuple_GET_ITEM(fields, i);
            if (PyUnicode_Check(f) && PyUnicode_CompareWithASCIIString(f, names[k]) == 0)
                *slots[k] = i;
        }
        if (*slots[k] < 0) {
            PyErr_Format(PyExc_ValueError, "MailLogged has no field %s", names[k]);
            F_WALL = -1;
            return NULL;
        }
    }
    Py_RETURN_NONE;
}


/* deque.append((when, value)) */
static int append_pair(PyObject *deque, PyObject *when, PyObject *value) {
    PyObject *item = PyTuple_Pack(2, when, value);
    if (item == NULL) return -1;
    int rc = deque_append(deque, item);
    Py_DECREF(item);
    return rc;
}


/* WindowCounts.add(when, value), written out as observe() does */
static int counts_add(PyObject *wc, PyObject *when, PyObject *value) {
    Counts *cc = COUNTS(wc);
    if (cc != NULL) return wc_add(cc, when, value);
    PyObject *items = GET(wc, s_items);
    if (items == NULL) return -1;
    int rc = append_pair(items, when, value);
    Py_DECREF(items);
    if (rc < 0) return -1;
    PyObject *counts = GET(wc, s_counts);
    if (counts == NULL) return -1;
    rc = PyDict_CheckExact(counts) ? count_in(counts, value) : -1;
    if (rc < 0 && !PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "counts is not a dict");
    Py_DECREF(counts);
    return rc;
}

/* MailPolicy.observe(policy, msg), written out (see its Python text), for a replay
 * (policy.updates false): the window step, then _observe_rest's common case (a message of
 * an open incident); anything else goes to the Python methods. A new reference or NULL. */
static PyObject *policy_observe(PyObject *policy, PyObject *msg) {
    PyObject *key = NULL, *windows = NULL, *win = NULL, *t = NULL, *window = NULL,
             *now = NULL, *before = NULL, *ne = NULL, *sums = NULL, *items = NULL,
             *addresses = NULL, *listed = NULL, *nrcpt = NULL, *ip = NULL,
             *hour = NULL, *history = NULL, *opened = NULL, *current = NULL, *res = NULL,
             *maddr = NULL, *x = NULL;
    int c;
    if ((x = GET(policy, s_updates)) == NULL) return NULL;
    c = PyObject_IsTrue(x);
    Py_CLEAR(x);
    if (c < 0) return NULL;
    if ((key = MGET(msg, M_KEY, s_key)) == NULL) return NULL;
    if ((windows = GET(policy, s_windows)) == NULL) goto done;
    if (!c && key != Py_None && PyDict_CheckExact(windows)) {
        win = KEYED_GET(windows, key);
        if (win == NULL && PyErr_Occurred()) goto done;
        Py_XINCREF(win);
    }
    if (win == NULL) { /* a live follower, a new sender, a message without its key */
        res = PyObject_CallFunctionObjArgs(OBSERVE, policy, msg, NULL);
        goto done;
    }
    if ((now = MGET(msg, M_WALL, s_wall)) == NULL) goto done;
    if ((t = GET(policy, s_t)) == NULL) goto done;
    if ((window = GET(t, s_window)) == NULL) goto done;
    if ((ne = GET(win, s_next_expiry)) == NULL) goto done;
    if ((c = past_expiry(now, window, ne, &before)) < 0) goto done;
    if (c) {
        if (window_expire(win, before) < 0) goto done;
    }
    if (RAISE_TO(win, s_next_expiry, now, Py_LT) < 0) goto done;
    if ((sums = GET(win, s_messages)) == NULL) goto done;
    Sum *cs = SUMS(sums);
    if (cs == NULL && (items = GET(sums, s_items)) == NULL) goto done;
    if ((addresses = GET(win, s_addresses)) == NULL) goto done;
    Counts *ac = COUNTS(addresses);
    if (ac == NULL && (listed = GET(addresses, s_items)) == NULL) goto done;
    if (RAISE_TO(win, s_last_seen, now, Py_GT) < 0) goto done;
    if ((nrcpt = MGET(msg, M_RECIPIENTS, s_recipients)) == NULL) goto done;
    if ((ip = MGET(msg, M_IP, s_ip)) == NULL) goto done;
    if ((maddr = MGET(msg, M_ADDRESSES, s_addresses)) == NULL) goto done;
    Py_ssize_t n = cs != NULL ? cs->r.len : PyObject_Size(items);
    if (n < 0) goto done;
    if (n < MAX_WINDOW_ITEMS) {
        if (cs != NULL ? ws_add(cs, now, nrcpt) < 0
                       : append_pair(items, now, nrcpt) < 0 || ADD_TO(sums, s_total, nrcpt) < 0)
            goto done;
        if ((c = PyObject_IsTrue(maddr)) < 0) goto done;
        if (c && ac != NULL) {
            PyObject *it = PyObject_GetIter(maddr), *addr;
            if (it == NULL) goto done;
            int bad = 0;
            while (ac->r.len < MAX_WINDOW_ITEMS && (addr = PyIter_Next(it)) != NULL) {
                bad = wc_add(ac, now, addr) < 0;
                Py_DECREF(addr);
                if (bad) break;
            }
            Py_DECREF(it);
            if (bad || PyErr_Occurred()) goto done;
        } else if (c) {
            PyObject *counts = GET(addresses, s_counts);
            if (counts == NULL) goto done;
            if (!PyDict_CheckExact(counts)) {
                Py_DECREF(counts);
                PyErr_SetString(PyExc_TypeError, "counts is not a dict");
                goto done;
            }
            PyObject *it = PyObject_GetIter(maddr), *addr;
            if (it == NULL) {
                Py_DECREF(counts);
                goto done;
            }
            int bad = 0;
            while ((addr = PyIter_Next(it)) != NULL) {
                Py_ssize_t k = PyObject_Size(listed);
                if (k < 0 || k >= MAX_WINDOW_ITEMS) {
                    bad = k < 0;
                    Py_DECREF(addr);
                    break;
                }
                bad = append_pair(listed, now, addr) < 0 || count_in(counts, addr) < 0;
                Py_DECREF(addr);
                if (bad) break;
            }
            Py_DECREF(it);
            Py_DECREF(counts);
            if (bad || PyErr_Occurred()) goto done;
        }
        if (ip != Py_None) {
            PyObject *ips = GET(win, s_ips);
            c = ips == NULL ? -1 : counts_add(ips, now, ip);
            Py_XDECREF(ips);
            if (c < 0) goto done;
            PyObject *net = NULL, *cache = NULL;
            if (PyUnicode_CheckExact(ip) &&
                PyUnicode_FindChar(ip, ':', 0, PyUnicode_GET_LENGTH(ip), 1) == -1) {
                net = network_of(ip); /* IPv4: cut, not looked up in the cache (IPv6 only) */
                if (net == NULL) goto done;
            } else if ((cache = GET(policy, s_nets_cache)) == NULL) {
                goto done;
            }
            if (cache != NULL) {
                if (!PyDict_CheckExact(cache)) {
                    Py_DECREF(cache);
                    PyErr_SetString(PyExc_TypeError, "MailPolicy._nets is not a dict");
                    goto done;
                }
                net = PyDict_GetItemWithError(cache, ip);
                if (net != NULL) {
                    Py_INCREF(net);
                } else if (!PyErr_Occurred()) {
                    if (PyDict_GET_SIZE(cache) >= MAX_WINDOW_ITEMS) PyDict_Clear(cache);
                    net = network_of(ip);
                    if (net != NULL && PyDict_SetItem(cache, ip, net) < 0) Py_CLEAR(net);
                }
                Py_DECREF(cache);
                if (net == NULL) goto done;
            }
            PyObject *nets = GET(win, s_nets);
            c = nets == NULL ? -1 : counts_add(nets, now, net);
            Py_XDECREF(nets);
            Py_DECREF(net);
            if (c < 0) goto done;
        }
    }
    /* no queue id kept: only a replay (updates=False) comes here, and it keeps none */
    { /* int(now // 3600), kept for the next message of the same time (most of them) */
        static double last_now;
        static PyObject *last_hour;
        if (last_hour != NULL && PyFloat_CheckExact(now) && PyFloat_AS_DOUBLE(now) == last_now) {
            hour = Py_NewRef(last_hour);
        } else {
            if ((x = PyNumber_FloorDivide(now, S_3600)) == NULL) goto done;
            hour = PyNumber_Long(x);
            Py_CLEAR(x);
            if (hour == NULL) goto done;
            if (PyFloat_CheckExact(now)) {
                last_now = PyFloat_AS_DOUBLE(now);
                Py_XSETREF(last_hour, Py_NewRef(hour));
            }
        }
    }
    if ((history = GET(win, s_history)) == NULL) goto done;
    if (history_add(history, hour) < 0) goto done;
    /* _observe_rest: here only a message of an open incident, not closed by this one, with
     * no history to prune (the common case of a replay); else the Python method */
    if ((opened = GET(policy, s_open)) == NULL) goto done;
    if (PyDict_CheckExact(opened)) {
        current = KEYED_GET(opened, key);
        if (current == NULL && PyErr_Occurred()) goto done;
        Py_XINCREF(current);
    }
    int fast = current != NULL;
    /* or a local message of a sender without an incident, below both limits of a script and
     * with no history to prune: _observe_rest finds no reason and returns None */
    int quiet = 0;
    if (current == NULL && PyDict_CheckExact(opened)) {
        PyObject *auth = MGET(msg, M_AUTH, s_auth);
        if (auth == NULL) goto done;
        Py_DECREF(auth);
        quiet = auth == Py_None;
    }
    if (fast) {
        PyObject *last = GET(current, s_last_seen);
        PyObject *gap = last == NULL ? NULL : PyNumber_Subtract(now, last);
        Py_XDECREF(last);
        c = gap == NULL ? -1 : cmp(gap, window, Py_GT);
        Py_XDECREF(gap);
        if (c < 0) goto done;
        fast = !c;
    }
    if (fast || quiet) {
        Py_ssize_t kept = LEN_OF(history, s_hours);
        PyObject *hh = kept < 0 ? NULL : GET(t, s_history_hours);
        if (hh == NULL) goto done;
        if (PyLong_CheckExact(hh) && kept >= 2) { /* an int: kept > hh + 2 as kept - 2 > hh */
            c = at_most_of(kept - 2, hh);
            c = c < 0 ? -1 : !c;
        } else {
            PyObject *most = PyNumber_Add(hh, TWO); /* history_hours + 2 */
            PyObject *k = most == NULL ? NULL : PyLong_FromSsize_t(kept);
            c = k == NULL ? -1 : PyObject_RichCompareBool(k, most, Py_GT);
            Py_XDECREF(k);
            Py_XDECREF(most);
        }
        Py_DECREF(hh);
        if (c < 0) goto done;
        fast = fast && !c;
        quiet = quiet && !c;
    }
    if (quiet) { /* _reasons of a script: len(win.messages), win.addresses.distinct */
        Py_ssize_t count = cs != NULL ? cs->r.len : PyObject_Size(items), distinct = -1;
        if (ac != NULL) {
            distinct = count < 0 ? -1 : ac->used;
        } else {
            PyObject *counts = count < 0 ? NULL : GET(addresses, s_counts);
            distinct = counts == NULL ? -1 : PyObject_Size(counts);
            Py_XDECREF(counts);
        }
        if (distinct < 0) goto done;
        if ((c = AT_MOST(count, t, s_script_max_messages)) < 0) goto done;
        if (c && (c = AT_MOST(distinct, t, s_script_max_recipients)) < 0) goto done;
        if (c) {
            res = Py_NewRef(Py_None);
            goto done;
        }
    }
    if (!fast) {
        res = PyObject_CallMethodObjArgs(policy, s_observe_rest, msg, key, win, now, hour, NULL);
        goto done;
    }
    if (INCR(current, s_messages) < 0 || ADD_TO(current, s_recipients, nrcpt) < 0) goto done;
    if (RAISE_TO(current, s_last_seen, now, Py_GT) < 0) goto done;
    if (RAISE_TO(current, s_first_seen, now, Py_LT) < 0) goto done; /* a line out of order */
    if (ip != Py_None) {
        PyObject *cips = GET(current, s_ips);
        Py_ssize_t k = cips == NULL ? -1 : PyObject_Size(cips);
        c = k < 0 ? -1 : (k < 64 ? PyObject_SetItem(cips, ip, Py_None) : 0);
        Py_XDECREF(cips);
        if (c < 0) goto done;
    }
    if ((c = PyObject_IsTrue(maddr)) < 0) goto done;
    if (c) {
        PyObject *samples = GET(current, s_samples);
        if (samples == NULL) goto done;
        Py_ssize_t k = PyObject_Size(samples);
        PyObject *it = k >= 0 && k < MAX_SAMPLES ? PyObject_GetIter(maddr) : NULL, *addr;
        int bad = k < 0;
        if (it != NULL) {
            while ((addr = PyIter_Next(it)) != NULL) {
                k = PyObject_Size(samples);
                if (k < 0 || k >= MAX_SAMPLES) {
                    bad = k < 0;
                    Py_DECREF(addr);
                    break;
                }
                bad = PyObject_SetItem(samples, addr, Py_None) < 0;
                Py_DECREF(addr);
                if (bad) break;
            }
            Py_DECREF(it);
        }
        Py_DECREF(samples);
        if (bad || PyErr_Occurred()) goto done;
    }
    res = Py_NewRef(Py_None);
done:
    Py_XDECREF(key);
    Py_XDECREF(windows);
    Py_XDECREF(win);
    Py_XDECREF(t);
    Py_XDECREF(window);
    Py_XDECREF(now);
    Py_XDECREF(before);
    Py_XDECREF(ne);
    Py_XDECREF(sums);
    Py_XDECREF(items);
    Py_XDECREF(addresses);
    Py_XDECREF(listed);
    Py_XDECREF(nrcpt);
    Py_XDECREF(ip);
    Py_XDECREF(hour);
    Py_XDECREF(history);
    Py_XDECREF(opened);
    Py_XDECREF(current);
    Py_XDECREF(maddr);
    return res;
}

/* observer(policy): policy_observe bound to the policy, a builtin taking the message */
static PyObject *observe_bound(PyObject *policy, PyObject *msg) {
    if (OBSERVE == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_mailjoin.policy() was not called");
        return NULL;
    }
    return policy_observe(policy, msg);
}

static PyMethodDef OBSERVE_DEF = {"observe", observe_bound, METH_O,
                                  "MailPolicy.observe of its policy, for a replay"};

static PyObject *py_observer(PyObject *self, PyObject *policy) {
    (void)self;
    return PyCFunction_New(&OBSERVE_DEF, policy);
}

static PyObject *py_observe(PyObject *self, PyObject *args) {
    PyObject *policy, *msg;
    (void)self;
    if (!PyArg_ParseTuple(args, "OO", &policy, &msg)) return NULL;
    if (OBSERVE == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_mailjoin.policy() was not called");
        return NULL;
    }
    return policy_observe(policy, msg);
}

/* layout(MailMessage, SenderTotals, max_open): the message slots, or the Python methods */
static PyObject *py_layout(PyObject *self, PyObject *args) {
    PyObject *message, *totals;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!On", &PyType_Type, &message, &totals, &MAX_OPEN)) return NULL;
    PyTypeObject *tp = (PyTypeObject *)message;
    Py_CLEAR(MESSAGE);
    Py_XSETREF(TOTALS, Py_NewRef(totals));
    PyObject *names = PyObject_GetAttrString(message, "__slots__");
    if (names == NULL) return NULL;
    int same = PyTuple_Check(names) && PyTuple_GET_SIZE(names) == M_COUNT &&
               tp->tp_getattro == PyObject_GenericGetAttr && tp->tp_dictoffset == 0 &&
               tp->tp_alloc == PyType_GenericAlloc && tp->tp_new == PyBaseObject_Type.tp_new &&
               !PyObject_HasAttrString(message, "__post_init__");
    for (int i = 0; same && i < M_COUNT; i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        PyObject *d = PyUnicode_Check(name) ? _PyType_Lookup(tp, name) : NULL;
        same = d != NULL && PyUnicode_CompareWithASCIIString(name, M_NAMES[i]) == 0 &&
               Py_IS_TYPE(d, &PyMemberDescr_Type) &&
               ((PyMemberDescrObject *)d)->d_member->type == T_OBJECT_EX;
        if (same) M_OFF[i] = ((PyMemberDescrObject *)d)->d_member->offset;
    }
    Py_DECREF(names);
    if (same) MESSAGE = (PyTypeObject *)Py_NewRef(message);
    return PyBool_FromLong(same);
}

static PyObject *py_policy(PyObject *self, PyObject *args) {
    PyObject *recipient, *observe, *network_of;
    PyObject *win, *sum, *counts, *history;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOnO!O!O!O!", &recipient, &observe, &network_of,
                          &MAX_WINDOW_ITEMS, &PyType_Type, &win, &PyType_Type, &sum,
                          &PyType_Type, &counts, &PyType_Type, &history))
        return NULL;
    Py_XSETREF(T_WINDOW, (PyTypeObject *)Py_NewRef(win));
    Py_XSETREF(T_SUM, (PyTypeObject *)Py_NewRef(sum));
    Py_XSETREF(T_COUNTS, (PyTypeObject *)Py_NewRef(counts));
    Py_XSETREF(T_HISTORY, (PyTypeObject *)Py_NewRef(history));
    Py_XSETREF(RECIPIENT, Py_NewRef(recipient));
    Py_XSETREF(OBSERVE, Py_NewRef(observe));
    Py_XSETREF(NETWORK_OF, Py_NewRef(network_of));
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"policy", py_policy, METH_VARARGS,
     "policy(MailPolicy.recipient, MailPolicy.observe, network_of, max_window_items, _Window, "
     "WindowSum, WindowCounts, HourlyHistory)"},
    {"observe", py_observe, METH_VARARGS, "observe(policy, msg): MailPolicy.observe"},
    {"observer", py_observer, METH_O,
     "observer(policy) -> observe(msg): MailPolicy.observe of the policy, for a replay"},
    {"exim_setup", py_exim_setup, METH_VARARGS,
     "exim_setup(internal_options, join_seconds, argv_recipients)"},
    {"layout", py_layout, METH_VARARGS,
     "layout(MailMessage, SenderTotals, max_open) -> whether messages are made here"},
    {"setup", py_setup, METH_VARARGS,
     "setup(fields, delivery, defer, bounce, completed, submitted, arrival, max_pending, "
     "max_distinct)"},
    {"sink", py_sink, METH_VARARGS,
     "sink(ledger, open, pending, other, postfix_arrival, on_recipient): feed()'s state, for "
     "sources.maillog._scan.exim_into"},
    {"feed", py_feed, METH_VARARGS,
     "feed(ledger, events, open, pending, other, postfix_arrival, on_recipient): "
     "MailLedger.feed"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_mailjoin",
    "MailLedger.feed and MailPolicy.recipient's bookkeeping, compiled (see mail.py).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__mailjoin(void) {
    struct {
        PyObject **slot;
        const char *name;
    } names[] = {
        {&s_dropped, "dropped"}, {&s_totals, "totals"}, {&s_delivered, "delivered"},
        {&s_deferred, "deferred"}, {&s_bounced, "bounced"}, {&s_addresses, "addresses"},
        {&s_distinct, "distinct"}, {&s_final_count, "final_count"},
        {&s_recipients, "recipients"}, {&s_key, "key"}, {&s_auth, "auth"},
        {&s_windows, "_windows"}, {&s_open, "_open"}, {&s_t, "t"}, {&s_window, "window"},
        {&s_next_expiry, "next_expiry"}, {&s_expire, "expire"}, {&s_items, "items"},
        {&s_counts, "counts"}, {&s_samples, "samples"}, {&s_messages, "messages"},
        {&s_script_max_messages, "script_max_messages"},
        {&s_script_max_recipients, "script_max_recipients"},
        {&s_recipient_opens, "_recipient_opens"}, {&s_append, "append"},
        {&s_move_to_end, "move_to_end"}, {&s_popitem, "popitem"}, {&S_POSTFIX, "postfix"},
        {&s_wall, "wall"}, {&s_ip, "ip"}, {&s_queue_id, "queue_id"}, {&s_total, "total"},
        {&s_ips, "ips"}, {&s_nets, "nets"},
        {&s_last_seen, "last_seen"}, {&s_history, "history"}, {&s_add, "add"},
        {&s_hours, "hours"}, {&s_history_hours, "history_hours"}, {&s_nets_cache, "_nets"},
        {&s_observe_rest, "_observe_rest"}, {&s_updates, "updates"},
        {&s_seen_postfix, "_seen_postfix"}, {&s_postfix, "_postfix"}, {&s_names, "_names"},
        {&s_php, "_php"}, {&s_since, "since"}, {&s_keep_totals, "keep_totals"},
        {&s_senders, "senders"}, {&s_on_message, "on_message"}, {&s_inbound, "inbound"},
        {&s_from_this_host, "from_this_host"}, {&S_LOOP4, "127."}, {&S_LOOP6, "::1"},
        {&S_LOOP_MAPPED, "::ffff:127."},
        {&s_first_seen, "first_seen"}, {&s_size, "size"}, {&s_cwd, "cwd"}, {&s_user, "user"},
        {&s_uid, "uid"}, {&s_sender, "sender"}, {&s_script, "script"}, {&S_AUTH, "auth"},
        {&S_SCRIPT, "script"}, {&S_LOCAL, "local"}, {&S_EXIM, "exim"}, {&s_uids, "uids"},
        {&s_args_by_pid, "_args_by_pid"}, {&s_args, "_args"}, {&s_args_of, "_args_of"},
        {&s_popleft, "popleft"},
        {&S_DASH_T, "-t"}, {&s_first, "first"},
        {&s_boundary, "_boundary"}, {&s_below, "_below"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((*names[i].slot = PyUnicode_InternFromString(names[i].name)) == NULL) return NULL;
    if ((ONE = PyLong_FromLong(1)) == NULL) return NULL;
    if ((S_3600 = PyLong_FromLong(3600)) == NULL) return NULL;
    if ((INF = PyFloat_FromDouble(Py_HUGE_VAL)) == NULL) return NULL;
    PyObject *collections = PyImport_ImportModule("collections");
    PyObject *deque = collections == NULL ? NULL : PyObject_GetAttrString(collections, "deque");
    Py_XDECREF(collections);
    if (deque == NULL || !PyType_Check(deque)) {
        Py_XDECREF(deque);
        return NULL;
    }
    T_DEQUE = (PyTypeObject *)deque;
    if ((DEQUE_APPEND = PyObject_GetAttrString(deque, "append")) == NULL) return NULL;
    if ((TWO = PyLong_FromLong(2)) == NULL) return NULL;
    if ((ZERO = PyLong_FromLong(0)) == NULL || (EMPTY = PyTuple_New(0)) == NULL) return NULL;
    if (PyType_Ready(&CountsType) < 0 || PyType_Ready(&SumType) < 0) return NULL;
    PyObject *mod = PyModule_Create(&module);
    if (mod != NULL && (PyModule_AddObjectRef(mod, "WindowCounts", (PyObject *)&CountsType) < 0 ||
                        PyModule_AddObjectRef(mod, "WindowSum", (PyObject *)&SumType) < 0))
        Py_CLEAR(mod);
    return mod;
}
