/* The line parsers of spamtrace.sources.maillog.exim and .postfix, compiled, a block at a time.
 *
 * exim.py and postfix.py hold the reference: one line (str) -> MailLogged or None, or
 * MalformedLine. This file reads a block of whole lines (bytes, newline-separated, without
 * the last newline) and gives the same MailLogged records, in order, without a Python str per
 * line: reading back a log spent most of its time making and cutting those strings.
 *
 * It takes the common shape of a line only: a line that holds a byte outside printable ASCII
 * (UTF-8, invalid bytes, tabs, CR), a time stamp that is not plain digits, or any other
 * shape this file does not know for certain is decoded (UTF-8, surrogateescape, as
 * tail.LineSplitter does) and given to the Python parser ``parse`` that the caller passes,
 * whose exceptions (ValueError, which MalformedLine is, IndexError, OverflowError) count the
 * line as malformed, as reader.parse_lines does. So the output is the Python parsers' by
 * construction where this file is not sure, and by the test suite's comparison (samples and
 * random input) where it is. Nothing here reads past a line's end.
 *
 *   setup(MailLogged, arrival, delivery, defer, bounce, completed, arguments, submitted)
 *   exim(block, parse, utc_offset, max_line) -> (events, lines, malformed, long_lines)
 *   postfix(block, parse, year, utc_offset, wrap_after, max_line) -> (same)
 *   exim_into(block, parse, utc_offset, max_line, sink) -> (events given, lines, ...)
 *       exim(), the events handed to the compiled join (MailSink below) as they are made
 * (utc_offset: seconds east of UTC, or stamp.LOCAL: each stamp at its own local offset)
 *
 * ``max_line``: a longer line is counted and not read (tail.LineSplitter's drop_long).
 * ``wrap_after`` (postfix, > 0 in January): a line later than this is of the year before
 * (reader.parser_for's across_new_year).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mailsink.h"

#define NFIELDS 22 /* MailLogged's fields, in order: */
enum {
    F_WALL, F_MTA, F_ACTION, F_QID, F_PID, F_SENDER, F_USER, F_UID, F_PROTOCOL, F_AUTH,
    F_AUTHENTICATOR, F_HOST, F_IP, F_SIZE, F_RECIPIENTS, F_NRCPT, F_CWD, F_ARGS, F_SCRIPT,
    F_SCRIPT_LINE, F_BOUNCE_OF, F_DETAIL
};
#define MAX_RECIPIENTS 1000 /* exim.MAX_RECIPIENTS */
#define MAX_ARGS_TRIES 8    /* exim.MAX_ARGS_TRIES */

static PyTypeObject *MailLogged;
static PyObject *A_ARRIVAL, *A_DELIVERY, *A_DEFER, *A_BOUNCE, *A_COMPLETED, *A_ARGUMENTS,
    *A_SUBMITTED, *S_EXIM, *S_POSTFIX, *EMPTY;

/* what a line parser says: an event (in *out, maybe NULL for "nothing"), "not sure: ask
 * Python", or an error (a Python exception is set) */
enum { OK = 0, DEFER = 1, FAIL = -1, SINK_FAIL = -2 /* the sink's error: passed on as is */ };

/* exim_into() hands the events to the compiled join: mailsink.h */

typedef struct {
    const char *s;
    Py_ssize_t n;
} Span;

/* ------------------------------------------------------------------ small helpers */
static Py_ssize_t find(Span l, Py_ssize_t from, const char *pat, Py_ssize_t m) {
    if (from < 0) from = 0;
    for (Py_ssize_t i = from; i + m <= l.n; i++)
        if (l.s[i] == pat[0] && memcmp(l.s + i, pat, (size_t)m) == 0) return i;
    return -1;
}

static Py_ssize_t findc(Span l, Py_ssize_t from, char c) {
    if (from < 0) from = 0;
    if (from >= l.n) return -1;
    const char *p = memchr(l.s + from, c, (size_t)(l.n - from));
    return p ? p - l.s : -1;
}

/* str.rfind(pat, lo, hi) */
static Py_ssize_t rfind(Span l, Py_ssize_t lo, Py_ssize_t hi, const char *pat, Py_ssize_t m) {
    if (hi > l.n) hi = l.n;
    for (Py_ssize_t i = hi - m; i >= lo; i--) /* its first byte, then the rest */
        if ((m == 0 || l.s[i] == pat[0]) && memcmp(l.s + i, pat, (size_t)m) == 0) return i;
    return -1;
}

static int starts(Span l, Py_ssize_t at, const char *pat, Py_ssize_t m) {
    return at >= 0 && at + m <= l.n && memcmp(l.s + at, pat, (size_t)m) == 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int all_digits(const char *s, Py_ssize_t n) { /* str.isdecimal() on ASCII */
    if (n <= 0) return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (!is_digit(s[i])) return 0;
    return 1;
}

/* an ASCII str of s[a:b] (b clamped; empty when a >= b) */
static PyObject *str(Span l, Py_ssize_t a, Py_ssize_t b) {
    if (b > l.n) b = l.n;
    if (a < 0) a = 0;
    if (b < a) b = a;
    PyObject *o = PyUnicode_New(b - a, 127);
    if (o != NULL && b > a) memcpy(PyUnicode_DATA(o), l.s + a, (size_t)(b - a));
    return o;
}

/* str(l, a, b) for a field whose values come back line after line (a local or authenticated
 * sender, a local user, a protocol, an authenticated id, a working folder, sendmail's argv):
 * the str made last for the same bytes is given again (a table of SHARED entries by a hash of the
 * bytes, an entry replaced by the next value that falls on it). Fewer objects, and their hash
 * is computed once for all the look-ups by them (the ledger's uids, the senders' keys and
 * sets). Equal strs are interchangeable; strs longer than SHARED_LEN are made each time. */
#define SHARED 4096
#define SHARED_LEN 96
static PyObject *shared_strs[SHARED];
static PyObject *sstr(Span l, Py_ssize_t a, Py_ssize_t b) {
    if (b > l.n) b = l.n;
    if (a < 0) a = 0;
    if (b < a) b = a;
    Py_ssize_t n = b - a;
    if (n > SHARED_LEN) return str(l, a, b);
    /* the slot: a hash of the bytes eight at a time (a byte at a time, FNV-1a, was 5% of a
     * read: a multiply per byte of every folder and argument, one after the other) */
    const char *p = l.s + a;
    uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15u, w;
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
    }
    if (i < n) {
        w = 0;
        memcpy(&w, p + i, (size_t)(n - i));
        h = (h ^ w) * 0xFF51AFD7ED558CCDu;
    }
    h = (h ^ (h >> 29)) * 0xC4CEB9FE1A85EC53u;
    PyObject **slot = &shared_strs[(h >> 40) & (SHARED - 1)];
    PyObject *o = *slot;
    if (o != NULL && PyUnicode_GET_LENGTH(o) == n && memcmp(PyUnicode_DATA(o), l.s + a, (size_t)n) == 0)
        return Py_NewRef(o);
    o = str(l, a, b);
    if (o != NULL) Py_XSETREF(*slot, Py_NewRef(o));
    return o;
}

/* sstr(l, a, b), its ASCII capitals made small when it holds an '@': an SMTP AUTH login
 * that is a mailbox address as one mailbox (event.mailbox_name; the lines read here are
 * printable ASCII) */
static PyObject *mailbox_str(Span l, Py_ssize_t a, Py_ssize_t b) {
    if (b > l.n) b = l.n;
    if (a < 0) a = 0;
    if (b <= a || memchr(l.s + a, '@', (size_t)(b - a)) == NULL) return sstr(l, a, b);
    Py_ssize_t i = a;
    while (i < b && !(l.s[i] >= 'A' && l.s[i] <= 'Z')) i++;
    if (i >= b) return sstr(l, a, b);
    PyObject *o = str(l, a, b); /* a new str, not hashed yet: made small in place */
    if (o == NULL) return NULL;
    char *d = PyUnicode_DATA(o);
    for (Py_ssize_t k = i - a; k < b - a; k++)
        if (d[k] >= 'A' && d[k] <= 'Z') d[k] = (char)(d[k] + ('a' - 'A'));
    return o;
}

/* int(s[a:b]) of a run of digits (may be big) */
static PyObject *integer(Span l, Py_ssize_t a, Py_ssize_t b) {
    if (b - a < 18) {
        long long v = 0;
        for (Py_ssize_t i = a; i < b; i++) v = v * 10 + (l.s[i] - '0');
        return PyLong_FromLongLong(v);
    }
    PyObject *text = str(l, a, b);
    if (text == NULL) return NULL;
    PyObject *v = PyLong_FromUnicodeObject(text, 10);
    Py_DECREF(text);
    return v;
}

/* The lines of a log come in runs of the same second and of the same message: the last
 * time stamp (float) and queue id (str) made are given again while they are the same (fewer
 * objects, and a queue id's hash is computed once for all the lines of its message). */
static PyObject *last_wall, *last_qid;

static PyObject *wall_of(double wall) {
    if (last_wall == NULL || memcmp(&wall, &((PyFloatObject *)last_wall)->ob_fval, sizeof wall)) {
        PyObject *w = PyFloat_FromDouble(wall);
        if (w == NULL) return NULL;
        Py_XSETREF(last_wall, w);
    }
    Py_INCREF(last_wall);
    return last_wall;
}

/* the queue id l[a:b] (a new reference: the last one made, while it is the same) */
static PyObject *qid_of(Span l, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t n = b - a;
    if (last_qid == NULL || PyUnicode_GET_LENGTH(last_qid) != n ||
        memcmp(PyUnicode_DATA(last_qid), l.s + a, (size_t)n) != 0) {
        PyObject *q = str(l, a, b);
        if (q == NULL) return NULL;
        Py_XSETREF(last_qid, q);
    }
    return Py_NewRef(last_qid);
}

static int put_qid(PyObject *ev, Span l, Py_ssize_t a, Py_ssize_t b) {
    PyObject *q = qid_of(l, a, b);
    if (q == NULL) return -1;
    Py_SETREF(((PyTupleObject *)ev)->ob_item[F_QID], q);
    return 0;
}

/* An event holds strs, numbers, None, an enum member and tuples of strs: it cannot be part
 * of a reference cycle, so the garbage collector is told not to look at it (CPython does the
 * same for such plain tuples, not for a tuple subclass). Reading a log back makes a million
 * of them: walking them was four tenths of the parsers' time. */
static PyObject *untracked(PyObject *o) {
    if (o != NULL && PyObject_GC_IsTracked(o)) PyObject_GC_UnTrack(o);
    return o;
}

/* a MailLogged with every field None / () but these; steals the references given */
static PyObject *event(double wall, PyObject *mta, PyObject *action) {
    PyObject *ev = untracked(MailLogged->tp_alloc(MailLogged, NFIELDS));
    if (ev == NULL) return NULL;
    PyObject *w = wall_of(wall);
    if (w == NULL) {
        Py_DECREF(ev);
        return NULL;
    }
    for (int i = 0; i < NFIELDS; i++) {
        PyObject *v = (i == F_RECIPIENTS || i == F_ARGS) ? EMPTY : Py_None;
        Py_INCREF(v);
        PyTuple_SET_ITEM(ev, i, v);
    }
    Py_INCREF(mta);
    Py_INCREF(action);
    PyObject **item = ((PyTupleObject *)ev)->ob_item;
    Py_SETREF(item[F_MTA], mta);
    Py_SETREF(item[F_ACTION], action);
    Py_SETREF(item[F_WALL], w);
    return ev;
}

/* set field f of ev to v (a new reference, may be NULL: then fail) */
static int put(PyObject *ev, int f, PyObject *v) {
    if (v == NULL) return -1;
    Py_SETREF(((PyTupleObject *)ev)->ob_item[f], v);
    return 0;
}

static int put_str(PyObject *ev, int f, Span l, Py_ssize_t a, Py_ssize_t b) {
    return put(ev, f, str(l, a, b));
}

static int put_pid(PyObject *ev, PyObject *pid) {
    if (pid == Py_None) return 0;
    Py_INCREF(pid);
    return put(ev, F_PID, pid);
}

/* days from 1970-01-01 of y-m-1 (proleptic Gregorian), as datetime.date.toordinal does */
static long long days_from_civil(long long y, long long m) {
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* stamp._convert's check and calendar.timegm; 0 when out of range (Python says malformed) */
static int epoch(long long y, long long mo, long long d, long long h, long long mi, long long s,
                 long long *out) {
    if (!(y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 61))
        return 0;
    *out = ((days_from_civil(y, mo) + d - 1) * 24 + h) * 3600 + mi * 60 + s;
    return 1;
}

/* two characters as int() reads them, when they are "DD" or " D"; -1 otherwise */
static int two(const char *p) {
    if (is_digit(p[0]) && is_digit(p[1])) return (p[0] - '0') * 10 + (p[1] - '0');
    if (p[0] == ' ' && is_digit(p[1])) return p[1] - '0';
    return -1;
}

/* The offset of a block's stamps that carry none: utc_offset, or stamp.LOCAL (this machine's
 * local time, each stamp at the offset of its own local time: stamp.local_offset_at, asked
 * once per hour of local time the lines go through, kept here for the block) */
#define LOCAL_TIME (-2147483647L - 1) /* stamp.LOCAL */
typedef struct {
    long utc_offset;
    long long hour;   /* the local hour hour_offset is of; LLONG_MIN: none yet */
    long hour_offset;
} Zone;

/* *out: the offset of the local time secs (a stamp read as if UTC); 0: a Python error */
static int zone_offset(Zone *z, long long secs, long *out) {
    if (z->utc_offset != LOCAL_TIME) {
        *out = z->utc_offset;
        return 1;
    }
    long long hour = secs >= 0 ? secs / 3600 : -((-secs + 3599) / 3600); /* int(secs // 3600) */
    if (hour != z->hour) {
        static PyObject *offset_at = NULL;
        if (offset_at == NULL) {
            PyObject *m = PyImport_ImportModule("spamtrace.sources.maillog.stamp");
            if (m == NULL) return 0;
            offset_at = PyObject_GetAttrString(m, "local_offset_at");
            Py_DECREF(m);
            if (offset_at == NULL) return 0;
        }
        PyObject *r = PyObject_CallFunction(offset_at, "d", (double)secs);
        if (r == NULL) return 0;
        long v = PyLong_AsLong(r);
        Py_DECREF(r);
        if (v == -1 && PyErr_Occurred()) return 0;
        z->hour = hour;
        z->hour_offset = v;
    }
    *out = z->hour_offset;
    return 1;
}

/* ------------------------------------------------------------------ Exim (exim.py) */
/* exim._recipient: the span [*a, *b) of the address of a delivery line, or of the
 * <original> after it; 0 when there is none (the event's recipients are ()) */
static int recipient_span(Span l, Py_ssize_t start, Py_ssize_t *a, Py_ssize_t *b) {
    Py_ssize_t sp = findc(l, start, ' ');
    *a = start;
    if (sp < 0) {
        *b = l.n;
    } else {
        if (starts(l, sp + 1, "<", 1)) {
            Py_ssize_t end = findc(l, sp + 1, '>');
            if (end > sp + 2) {
                *a = sp + 2;
                *b = end;
                return 1;
            }
        }
        *b = sp;
    }
    while (*b > *a && l.s[*b - 1] == ':') (*b)--; /* rstrip(":") */
    return *b > *a;
}

static int exim_recipient(Span l, Py_ssize_t start, PyObject **out) {
    Py_ssize_t a, b;
    if (!recipient_span(l, start, &a, &b)) {
        *out = NULL;
        return OK;
    }
    *out = str(l, a, b);
    return *out ? OK : FAIL;
}

static PyObject *per_recipient(double wall, PyObject *action, Span l, Py_ssize_t q0,
                               Py_ssize_t q1, PyObject *pid, PyObject *rcpt, PyObject *detail) {
    PyObject *ev = event(wall, S_EXIM, action);
    if (ev == NULL) goto fail;
    if (put_qid(ev, l, q0, q1) < 0 || put_pid(ev, pid) < 0) goto fail;
    if (rcpt != NULL) {
        PyObject *t = untracked(PyTuple_Pack(1, rcpt));
        if (put(ev, F_RECIPIENTS, t) < 0) goto fail;
    }
    if (detail != NULL) {
        Py_INCREF(detail);
        if (put(ev, F_DETAIL, detail) < 0) goto fail;
    }
    Py_XDECREF(rcpt);
    Py_XDECREF(detail);
    return ev;
fail:
    Py_XDECREF(ev);
    Py_XDECREF(rcpt);
    Py_XDECREF(detail);
    return NULL;
}

/* exim._split_args on l[a:]: a new tuple, Py_None (not a list of arguments) or NULL */
static PyObject *split_args(Span l, Py_ssize_t a) {
    Span t = {l.s + a, l.n - a};
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    Py_ssize_t i = 0, n = t.n;
    while (i < n) {
        if (t.s[i] != ' ') {
            Py_DECREF(out);
            Py_RETURN_NONE;
        }
        i++;
        PyObject *arg;
        if (i < n && t.s[i] == '"') {
            Py_ssize_t end = findc(t, i + 1, '"');
            while (end > 0 && end + 1 < n && t.s[end + 1] != ' ') end = findc(t, end + 1, '"');
            if (end < 0) {
                Py_DECREF(out);
                Py_RETURN_NONE;
            }
            arg = sstr(t, i + 1, end);
            i = end + 1;
        } else {
            Py_ssize_t end = findc(t, i, ' ');
            if (end < 0) end = n;
            arg = sstr(t, i, end);
            i = end;
        }
        if (arg == NULL || PyList_Append(out, arg) < 0) {
            Py_XDECREF(arg);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(arg);
    }
    PyObject *tup = untracked(PyList_AsTuple(out));
    Py_DECREF(out);
    return tup;
}

/* exim._arguments on l[a:] (after "cwd="); DEFER when Python would raise MalformedLine */
static int exim_arguments(Span l, Py_ssize_t a, double wall, PyObject *pid, PyObject **out) {
    Span t = {l.s + a, l.n - a};
    Py_ssize_t start = 0;
    int tries = 0;
    for (;;) {
        Py_ssize_t at = find(t, start, " args:", 6);
        if (at < 0) return DEFER; /* MalformedLine: Python says it */
        start = at + 1;
        Py_ssize_t num_at = rfind(t, 0, at, " ", 1);
        if (num_at < 0 || !all_digits(t.s + num_at + 1, at - num_at - 1)) continue;
        if (++tries > MAX_ARGS_TRIES) return DEFER; /* MalformedLine too */
        long long count = 0;
        for (Py_ssize_t i = num_at + 1; i < at; i++) {
            count = count * 10 + (t.s[i] - '0');
            if (count > PY_SSIZE_T_MAX / 16) count = PY_SSIZE_T_MAX / 16; /* no list is this long */
        }
        PyObject *args = split_args(t, at + 6);
        if (args == NULL) return FAIL;
        if (args != Py_None &&
            (PyTuple_GET_SIZE(args) == count ||
             (t.n >= 4 && memcmp(t.s + t.n - 4, " ...", 4) == 0))) {
            PyObject *ev = event(wall, S_EXIM, A_ARGUMENTS);
            if (ev == NULL || put_pid(ev, pid) < 0 || put(ev, F_CWD, sstr(t, 0, num_at)) < 0 ||
                put(ev, F_ARGS, args) < 0) {
                Py_XDECREF(ev);
                return FAIL;
            }
            *out = ev;
            return OK;
        }
        Py_DECREF(args);
    }
}

static Py_ssize_t exim_ip(Span l, Py_ssize_t a, Py_ssize_t b, PyObject **ip) {
    /* exim._ip of the token l[a:b] ("[addr]:port"): a new str or None (not shared: clients'
     * addresses are too many, most seen once: see the sender's, below) */
    Span t = {l.s + a, b - a};
    Py_ssize_t end = findc(t, 0, ']');
    PyObject *v = end > 1 ? str(t, 1, end) : (Py_INCREF(Py_None), Py_None);
    if (v == NULL) return -1;
    Py_XSETREF(*ip, v);
    return 0;
}

/* exim._after_auth: a field Exim writes after A= ("K", "PRDR", "name=") */
static int after_auth(const char *t, Py_ssize_t n) {
    if ((n == 1 && t[0] == 'K') || (n == 4 && memcmp(t, "PRDR", 4) == 0)) return 1;
    const char *eq = memchr(t, '=', (size_t)n);
    if (eq == NULL || eq == t) return 0;
    for (const char *p = t; p < eq; p++)
        if (!(is_digit(*p) || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))) return 0;
    return 1;
}

/* exim.auth_of(l[a:b]): the authenticator and the mailbox (without +smtp_mailauth's
 * authenticated sender; "(driver)" when no id is logged) */
static int exim_auth(Span l, Py_ssize_t a, Py_ssize_t b, PyObject **driver, PyObject **id) {
    Span v = {l.s + a, b - a};
    Py_ssize_t c = findc(v, 0, ':');
    Py_ssize_t d1 = c < 0 ? v.n : c, r0 = c < 0 ? v.n : c + 1, r1 = v.n, len = r1 - r0;
    Py_ssize_t half = len / 2;
    if (len >= 3 && memcmp(v.s + r1 - 3, ":<>", 3) == 0) {
        r1 -= 3;
    } else if (len % 2 && v.s[r0 + half] == ':' &&
               memcmp(v.s + r0, v.s + r0 + half + 1, (size_t)half) == 0) {
        r1 = r0 + half;
    } else {
        Py_ssize_t colon = r1 - 1;
        while (colon >= r0 && v.s[colon] != ':') colon--;
        if (colon >= r0) {
            const char *tail = v.s + colon + 1;
            size_t tn = (size_t)(r1 - colon - 1);
            if (tn == 0 || (tn >= 3 && memchr(tail + 1, '@', tn - 2) && !memchr(tail, ' ', tn)))
                r1 = colon;
        }
    }
    PyObject *name = sstr(v, 0, d1);
    if (name == NULL) return -1;
    PyObject *box = r1 > r0 ? mailbox_str(v, r0, r1) : PyUnicode_FromFormat("(%U)", name);
    if (box == NULL) {
        Py_DECREF(name);
        return -1;
    }
    Py_XSETREF(*driver, name);
    Py_XSETREF(*id, box);
    return 0;
}

/* exim._arrival on l[a:]; ``lean`` (an event for the compiled join, exim_into): without the
 * client's host name and the message id (``host``, ``detail``: None), which the join reads
 * nowhere (nor its Python reference, MailLedger): two strs less per message, the host's a
 * cache miss in the table of shared strs */
static int exim_arrival(Span l, Py_ssize_t a, double wall, PyObject *pid, Span qid,
                        PyObject **out, int lean) {
    Span body = {l.s + a, l.n - a};
    Py_ssize_t sp;
    if (starts(body, 0, "\"", 1)) {
        Py_ssize_t end = findc(body, 1, '"');
        sp = findc(body, end > 0 ? end : 0, ' ');
    } else {
        sp = findc(body, 0, ' ');
    }
    Py_ssize_t s1 = sp < 0 ? body.n : sp;     /* sender = body[:s1] */
    Py_ssize_t f0 = sp < 0 ? body.n : sp + 1; /* fields = body[f0:] */
    Span fields = {body.s + f0, body.n - f0};
    PyObject *user = NULL, *protocol = NULL, *auth = NULL, *authenticator = NULL, *host = NULL,
             *ip = NULL, *bounce_of = NULL, *message_id = NULL, *size = NULL, *sender = NULL,
             *recipients = NULL, *nrcpt = NULL, *ev = NULL;
    int rc = FAIL;
#define SET(var, value)                       \
    do {                                      \
        PyObject *v_ = (value);               \
        if (v_ == NULL) goto done;            \
        Py_XSETREF(var, v_);                  \
    } while (0)
    /* fields.split(" "): tokens between single spaces (empty ones too) */
    Py_ssize_t k = 0, n = fields.n;
    while (k <= n) {
        Py_ssize_t e = findc(fields, k, ' ');
        if (e < 0) e = n;
        Py_ssize_t t0 = k, tn = e - k;
        const char *tok = fields.s + t0;
        k = e + 1;
        if (tn >= 2 && tok[1] == '=') {
            char key = tok[0];
            if (key == 'U') {
                SET(user, sstr(fields, t0 + 2, e));
                continue;
            } else if (key == 'P') {
                SET(protocol, sstr(fields, t0 + 2, e));
                continue;
            } else if (key == 'S') {
                if (all_digits(tok + 2, tn - 2)) SET(size, integer(fields, t0 + 2, e));
                continue;
            } else if (key == 'A') {
                while (k <= n) { /* an id with spaces ("plain:John Smith"): to the next field */
                    Py_ssize_t e2 = findc(fields, k, ' ');
                    if (e2 < 0) e2 = n;
                    if (after_auth(fields.s + k, e2 - k)) break;
                    e = e2;
                    k = e2 + 1;
                }
                if (exim_auth(fields, t0 + 2, e, &authenticator, &auth) < 0) goto done;
                continue;
            } else if (key == 'H') {
                if (tn > 2 && tok[2] == '[') {
                    if (exim_ip(fields, t0 + 2, e, &ip) < 0) goto done;
                    continue;
                }
                if (!lean) SET(host, sstr(fields, t0 + 2, e));
                while (k <= n) { /* then "(helo)" and/or "[ip]:port" */
                    Py_ssize_t e2 = findc(fields, k, ' ');
                    if (e2 < 0) e2 = n;
                    if (e2 > k && fields.s[k] == '[') {
                        if (exim_ip(fields, k, e2, &ip) < 0) goto done;
                        k = e2 + 1;
                        break;
                    }
                    if (!(e2 > k && fields.s[k] == '(') && memchr(fields.s + k, '=', (size_t)(e2 - k)))
                        break;
                    k = e2 + 1;
                }
                continue;
            } else if (key == 'R') {
                SET(bounce_of, str(fields, t0 + 2, e));
                continue;
            } else if (key == 'T') {
                break;
            }
        }
        if (tn >= 3 && memcmp(tok, "id=", 3) == 0) {
            if (!lean) SET(message_id, str(fields, t0 + 3, e));
            break;
        }
    }
    /* the "for" list, unless a '"' follows it (then it is inside T="...") */
    Py_ssize_t where = rfind(fields, 0, fields.n, " for ", 5);
    if (where >= 0 && !memchr(fields.s + where, '"', (size_t)(fields.n - where))) {
        PyObject *listed = PyList_New(0);
        if (listed == NULL) goto done;
        Py_ssize_t i = where + 5, count = 0;
        while (i < n) {
            while (i < n && fields.s[i] == ' ') i++;
            if (i >= n) break;
            Py_ssize_t e = findc(fields, i, ' ');
            if (e < 0) e = n;
            count++;
            if (count <= MAX_RECIPIENTS) {
                PyObject *one = str(fields, i, e);
                if (one == NULL || PyList_Append(listed, one) < 0) {
                    Py_XDECREF(one);
                    Py_DECREF(listed);
                    goto done;
                }
                Py_DECREF(one);
            }
            i = e;
        }
        SET(recipients, untracked(PyList_AsTuple(listed)));
        Py_DECREF(listed);
        SET(nrcpt, PyLong_FromSsize_t(count));
    }
    /* the sender: shared for a local or authenticated arrival (a few senders, line after
     * line), made anew for mail received (about as many senders as messages: sharing them
     * only pushed out the table's entries that come back, at a cache miss each) */
    if (s1 == 2 && body.s[0] == '<' && body.s[1] == '>')
        SET(sender, PyUnicode_New(0, 127));
    else
        SET(sender, user != NULL || auth != NULL ? sstr(body, 0, s1) : str(body, 0, s1));
    ev = event(wall, S_EXIM, A_ARRIVAL);
    if (ev == NULL || put_qid(ev, qid, 0, qid.n) < 0 || put_pid(ev, pid) < 0) goto done;
#define MOVE(f, var)                               \
    if (var != NULL) {                             \
        Py_SETREF(((PyTupleObject *)ev)->ob_item[f], var); \
        var = NULL;                                \
    }
    MOVE(F_SENDER, sender);
    MOVE(F_USER, user);
    MOVE(F_PROTOCOL, protocol);
    MOVE(F_AUTH, auth);
    MOVE(F_AUTHENTICATOR, authenticator);
    MOVE(F_HOST, host);
    MOVE(F_IP, ip);
    MOVE(F_SIZE, size);
    MOVE(F_RECIPIENTS, recipients);
    MOVE(F_NRCPT, nrcpt);
    MOVE(F_BOUNCE_OF, bounce_of);
    MOVE(F_DETAIL, message_id);
    *out = ev;
    ev = NULL;
    rc = OK;
done:
    Py_XDECREF(ev);
    Py_XDECREF(user);
    Py_XDECREF(protocol);
    Py_XDECREF(auth);
    Py_XDECREF(authenticator);
    Py_XDECREF(host);
    Py_XDECREF(ip);
    Py_XDECREF(bounce_of);
    Py_XDECREF(message_id);
    Py_XDECREF(size);
    Py_XDECREF(sender);
    Py_XDECREF(recipients);
    Py_XDECREF(nrcpt);
    return rc;
#undef SET
#undef MOVE
}

/* a line about one recipient, given to the sink without an event (exim_line's sink mode) */
static int to_sink(MailSink *sink, int what, Span l, Py_ssize_t q0, Py_ssize_t q1,
                   Py_ssize_t start, double wall) {
    Py_ssize_t a = 0, b = -1;
    if (what != SINK_COMPLETED && !recipient_span(l, start, &a, &b)) b = a - 1;
    PyObject *qid = qid_of(l, q0, q1);
    if (qid == NULL) return FAIL;
    PyObject *w = wall_of(wall);
    if (w == NULL) {
        Py_DECREF(qid);
        return FAIL;
    }
    int rc = sink->line(sink, what, qid, l.s + a, b - a, w);
    Py_DECREF(qid);
    Py_DECREF(w);
    return rc < 0 ? SINK_FAIL : OK;
}

/* exim.parse_line; with a sink, a line about one recipient goes to it (*handled = 1) */
static int exim_line(Span l, Zone *zone, PyObject **out, MailSink *sink, int *handled) {
    *out = NULL;
    if (l.n < 21 || l.s[4] != '-' || l.s[10] != ' ') return DEFER; /* MalformedLine */
    const char *s = l.s;
    if (!(all_digits(s, 4) && all_digits(s + 5, 2) && all_digits(s + 8, 2) &&
          all_digits(s + 11, 2) && s[13] == ':' && all_digits(s + 14, 2) &&
          all_digits(s + 17, 2)))
        return DEFER; /* int() reads other shapes too: Python decides */
    long long secs;
    if (!epoch((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'),
               (s[5] - '0') * 10 + s[6] - '0',
               (s[8] - '0') * 10 + s[9] - '0', (s[11] - '0') * 10 + s[12] - '0',
               (s[14] - '0') * 10 + s[15] - '0', (s[17] - '0') * 10 + s[18] - '0', &secs))
        return DEFER;
    Py_ssize_t i = 20;
    double frac = 0.0;
    int has_frac = s[19] == '.';
    if (has_frac) {
        Py_ssize_t sp = findc(l, 19, ' ');
        if (sp < 0 || !all_digits(s + 20, sp - 20) || sp - 20 > 30) return DEFER;
        char text[40] = "0.";
        memcpy(text + 2, s + 20, (size_t)(sp - 20));
        text[2 + sp - 20] = 0;
        frac = PyOS_string_to_double(text, NULL, NULL);
        if (frac == -1.0 && PyErr_Occurred()) return FAIL;
        i = sp + 1;
    } else if (s[19] != ' ') {
        return DEFER;
    }
    long offset = LOCAL_TIME;
    if (i < l.n && (s[i] == '+' || s[i] == '-')) {
        if (i + 5 < l.n && s[i + 5] == ' ') {
            if (!all_digits(s + i + 1, 4)) return DEFER; /* offset_seconds: "+01:0"... */
            long v = ((s[i + 1] - '0') * 10 + s[i + 2] - '0') * 3600 +
                     ((s[i + 3] - '0') * 10 + s[i + 4] - '0') * 60;
            offset = s[i] == '-' ? -v : v;
            i += 6;
        }
    }
    if (offset == LOCAL_TIME && !zone_offset(zone, secs, &offset)) return FAIL;
    double wall = (double)secs - (double)offset;
    if (has_frac) wall += frac;
    PyObject *pid = Py_None;
    PyObject *owned = NULL;
    if (i < l.n && s[i] == '[') {
        Py_ssize_t end = find(l, i, "] ", 2);
        if (end < 0 || !all_digits(s + i + 1, end - i - 1)) return DEFER;
        owned = pid = integer(l, i + 1, end);
        if (pid == NULL) return FAIL;
        i = end + 2;
    }
    int rc = OK;
    /* exim._body */
    if (starts(l, i, "cwd=", 4)) {
        rc = exim_arguments(l, i + 4, wall, pid, out);
        goto done;
    }
    Py_ssize_t sp = findc(l, i, ' ');
    Py_ssize_t n = sp - i;
    if (!((n == 16 && s[i + 6] == '-' && s[i + 13] == '-') ||
          (n == 23 && s[i + 6] == '-' && s[i + 18] == '-')))
        goto done; /* sp < 0 gives a negative n: not a message id either */
    Span qid = {s + i, n};
    if (sp + 4 <= l.n) {
        const char *op = s + sp + 1;
        PyObject *rcpt = NULL;
        int what = (op[0] == '=' || op[0] == '-') && op[1] == '>' && op[2] == ' ' ? SINK_DELIVERY
                   : op[0] == '=' && op[1] == '=' && op[2] == ' '                 ? SINK_DEFER
                   : op[0] == '*' && op[1] == '*' && op[2] == ' '                 ? SINK_BOUNCE
                                                                                  : -1;
        if (sink != NULL && what >= 0) {
            rc = to_sink(sink, what, l, i, sp, sp + 4, wall);
            *handled = 1;
            goto done;
        }
        if ((op[0] == '=' || op[0] == '-') && op[1] == '>' && op[2] == ' ') {
            if (exim_recipient(l, sp + 4, &rcpt) < 0) goto fail;
            *out = per_recipient(wall, A_DELIVERY, l, i, sp, pid, rcpt, NULL);
            goto made;
        }
        if (op[0] == '<' && op[1] == '=' && op[2] == ' ') {
            rc = exim_arrival(l, sp + 4, wall, pid, qid, out, sink != NULL);
            goto done;
        }
        if (op[0] == '=' && op[1] == '=' && op[2] == ' ') {
            if (exim_recipient(l, sp + 4, &rcpt) < 0) goto fail;
            *out = per_recipient(wall, A_DEFER, l, i, sp, pid, rcpt, NULL);
            goto made;
        }
        if (op[0] == '*' && op[1] == '*' && op[2] == ' ') {
            PyObject *reason = NULL;
            Py_ssize_t c = find(l, sp + 4, ": ", 2);
            if (c >= 0 && c + 2 < l.n) {
                reason = str(l, c + 2, l.n);
                if (reason == NULL) goto fail;
            }
            if (exim_recipient(l, sp + 4, &rcpt) < 0) {
                Py_XDECREF(reason);
                goto fail;
            }
            *out = per_recipient(wall, A_BOUNCE, l, i, sp, pid, rcpt, reason);
            goto made;
        }
    }
    if (l.n - sp >= 10 && memcmp(s + l.n - 10, " Completed", 10) == 0) {
        if (sink != NULL) {
            rc = to_sink(sink, SINK_COMPLETED, l, i, sp, sp, wall);
            *handled = 1;
            goto done;
        }
        *out = per_recipient(wall, A_COMPLETED, l, i, sp, pid, NULL, NULL);
        goto made;
    }
    goto done;
made:
    if (*out == NULL) goto fail;
    goto done;
fail:
    rc = FAIL;
done:
    Py_XDECREF(owned);
    return rc;
}

/* ------------------------------------------------------------------ Postfix (postfix.py) */
static int postfix_queued(Span t, double wall, PyObject *pid, Span qid, PyObject **out) {
    /* postfix._queued: t is the text after "QID: " and starts with "from=<" */
    Py_ssize_t end = find(t, 6, ">, ", 3);
    if (end < 0) {
        end = rfind(t, 0, t.n, ">", 1);
        if (end < 0) return DEFER; /* MalformedLine */
    }
    PyObject *size = NULL, *nrcpt = NULL;
    int have_size = 0, have_nrcpt = 0;
    Py_ssize_t k = end + 3;
    while (k <= t.n) { /* text[end + 3:].split(", ") */
        Py_ssize_t e = find(t, k, ", ", 2);
        if (e < 0) e = t.n;
        Py_ssize_t a = k < t.n ? k : t.n;
        if (starts(t, a, "size=", 5) && 5 + a <= e) {
            have_size = 1;
            Py_CLEAR(size);
            if (all_digits(t.s + a + 5, e - a - 5)) {
                size = integer(t, a + 5, e);
                if (size == NULL) goto fail;
            }
        } else if (starts(t, a, "nrcpt=", 6) && 6 + a <= e) {
            have_nrcpt = 1;
            Py_CLEAR(nrcpt);
            Py_ssize_t c = findc(t, a + 6, ' ');
            if (c < 0 || c > e) c = e;
            if (all_digits(t.s + a + 6, c - a - 6)) {
                nrcpt = integer(t, a + 6, c);
                if (nrcpt == NULL) goto fail;
            }
        }
        if (e >= t.n) break;
        k = e + 2;
    }
    (void)have_size;
    (void)have_nrcpt;
    PyObject *ev = event(wall, S_POSTFIX, A_ARRIVAL);
    if (ev == NULL || put_qid(ev, qid, 0, qid.n) < 0 || put_pid(ev, pid) < 0 ||
        put_str(ev, F_SENDER, t, 6, end) < 0) {
        Py_XDECREF(ev);
        goto fail;
    }
    if (size) put(ev, F_SIZE, size);
    if (nrcpt) put(ev, F_NRCPT, nrcpt);
    *out = ev;
    return OK;
fail:
    Py_XDECREF(size);
    Py_XDECREF(nrcpt);
    return FAIL;
}

static int postfix_client(Span t, double wall, PyObject *pid, Span qid, PyObject **out) {
    PyObject *ev = event(wall, S_POSTFIX, A_SUBMITTED);
    if (ev == NULL || put_qid(ev, qid, 0, qid.n) < 0 || put_pid(ev, pid) < 0) goto fail;
    Py_ssize_t k = 0;
    while (k <= t.n) { /* text.split(", ") */
        Py_ssize_t e = find(t, k, ", ", 2);
        if (e < 0) e = t.n;
        Span p = {t.s + k, e - k};
        if (starts(p, 0, "client=", 7)) {
            Span v = {p.s + 7, p.n - 7};
            Py_ssize_t bracket = rfind(v, 0, v.n, "[", 1);
            if (bracket >= 0 && v.n > 0 && v.s[v.n - 1] == ']') {
                if (put_str(ev, F_HOST, v, 0, bracket) < 0 ||
                    put_str(ev, F_IP, v, bracket + 1, v.n - 1) < 0)
                    goto fail;
            } else if (bracket >= 0 && find(v, bracket, "]:", 2) >= 0) {
                Py_ssize_t close = rfind(v, 0, v.n, "]", 1);
                if (put_str(ev, F_HOST, v, 0, bracket) < 0 ||
                    put_str(ev, F_IP, v, bracket + 1, close) < 0)
                    goto fail;
            } else if (put_str(ev, F_HOST, v, 0, v.n) < 0) {
                goto fail;
            }
        } else if (starts(p, 0, "sasl_username=", 14)) {
            if (p.n > 14 ? put(ev, F_AUTH, mailbox_str(p, 14, p.n)) < 0
                         : put(ev, F_AUTH, (Py_INCREF(Py_None), Py_None)) < 0)
                goto fail;
        } else if (starts(p, 0, "sasl_method=", 12)) {
            if (p.n > 12 ? put_str(ev, F_PROTOCOL, p, 12, p.n) < 0
                         : put(ev, F_PROTOCOL, (Py_INCREF(Py_None), Py_None)) < 0)
                goto fail;
        }
        if (e >= t.n) break;
        k = e + 2;
    }
    *out = ev;
    return OK;
fail:
    Py_XDECREF(ev);
    return FAIL;
}

static int postfix_delivery(Span t, double wall, PyObject *pid, Span qid, PyObject **out) {
    Py_ssize_t end = findc(t, 4, '>');
    if (end < 0) return DEFER; /* MalformedLine */
    Py_ssize_t r0 = 4, r1 = end;
    Span rest = {t.s + end + 1, t.n - end - 1};
    Py_ssize_t orig = find(rest, 0, "orig_to=<", 9);
    Span rs = t;
    if (orig >= 0) {
        Py_ssize_t oend = findc(rest, orig + 9, '>');
        if (oend > 0) {
            rs = rest;
            r0 = orig + 9;
            r1 = oend;
        }
    }
    Py_ssize_t st = rfind(rest, 0, rest.n, ", status=", 9);
    if (st < 0) return OK;
    Py_ssize_t w0 = st + 9, w1 = findc(rest, w0, ' ');
    if (w1 < 0) w1 = rest.n;
    PyObject *action;
    Py_ssize_t wn = w1 - w0;
    const char *w = rest.s + w0;
    if (wn == 4 && memcmp(w, "sent", 4) == 0) action = A_DELIVERY;
    else if (wn == 8 && memcmp(w, "deferred", 8) == 0) action = A_DEFER;
    else if ((wn == 7 && memcmp(w, "bounced", 7) == 0) || (wn == 7 && memcmp(w, "expired", 7) == 0))
        action = A_BOUNCE;
    else return OK;
    Py_ssize_t d0 = st + 10 + wn, d1 = rest.n; /* rest[st + 10 + len(word):].strip() */
    while (d0 < d1 && rest.s[d0] == ' ') d0++;
    while (d1 > d0 && rest.s[d1 - 1] == ' ') d1--;
    PyObject *ev = event(wall, S_POSTFIX, action);
    if (ev == NULL || put_qid(ev, qid, 0, qid.n) < 0 || put_pid(ev, pid) < 0) goto fail;
    PyObject *rcpt = str(rs, r0, r1);
    if (rcpt == NULL) goto fail;
    if (put(ev, F_RECIPIENTS, untracked(PyTuple_Pack(1, rcpt))) < 0) {
        Py_DECREF(rcpt);
        goto fail;
    }
    Py_DECREF(rcpt);
    if (d0 < d1 && put_str(ev, F_DETAIL, rest, d0, d1) < 0) goto fail;
    *out = ev;
    return OK;
fail:
    Py_XDECREF(ev);
    return FAIL;
}

static const char MONTHS[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* postfix._stamp of an RFC 3339 stamp (rsyslog's high-precision format, the lines made of
 * journal entries): YYYY-MM-DDTHH:MM:SS, an optional fraction of ASCII digits, then Z,
 * +HH:MM, +HHMM or nothing (utc_offset), then a space; anything else (another zone's
 * spelling, a digit that is not ASCII, a field that is not two digits) is Python's.
 * *start: the index after the stamp and its space. 0: DEFER */
static int rfc3339(Span l, Zone *zone, double *wall, Py_ssize_t *start) {
    const char *s = l.s;
    Py_ssize_t end = findc(l, 0, ' ');
    if (end < 19) return 0;
    static const int digits[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
    for (size_t k = 0; k < sizeof digits / sizeof digits[0]; k++)
        if (!is_digit(s[digits[k]])) return 0;
    if (s[7] != '-' || s[13] != ':' || s[16] != ':') return 0;
    long long secs;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (!epoch(y, two(s + 5), two(s + 8), two(s + 11), two(s + 14), two(s + 17), &secs)) return 0;
    Py_ssize_t i = 19;
    double frac = 0.0;
    if (i < end && s[i] == '.') {
        Py_ssize_t j = i + 1;
        while (j < end && is_digit(s[j])) j++;
        if (j < end && (unsigned char)s[j] >= 0x80) return 0; /* a digit of another script? */
        char buf[40];
        if (j - i + 1 >= (Py_ssize_t)sizeof buf) return 0;
        buf[0] = '0';
        memcpy(buf + 1, s + i, (size_t)(j - i));
        buf[j - i + 1] = '\0';
        frac = PyOS_string_to_double(buf, NULL, NULL); /* float("0" + ".123456") */
        if (frac == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        i = j;
    }
    long offset;
    Py_ssize_t zn = end - i;
    const char *z = s + i;
    if (zn == 0) {
        if (!zone_offset(zone, secs, &offset)) {
            PyErr_Clear(); /* Python says */
            return 0;
        }
    } else if (zn == 1 && z[0] == 'Z') {
        offset = 0;
    } else if ((zn == 6 && z[3] == ':') || zn == 5) {
        const char *m = z + (zn == 6 ? 4 : 3);
        if ((z[0] != '+' && z[0] != '-') || !is_digit(z[1]) || !is_digit(z[2]) || !is_digit(m[0])
            || !is_digit(m[1]))
            return 0;
        offset = (long)two(z + 1) * 3600 + (long)two(m) * 60;
        if (z[0] == '-') offset = -offset;
    } else {
        return 0;
    }
    *wall = ((double)secs - (double)offset) + frac;
    *start = end + 1;
    return 1;
}

/* postfix.parse_line */
static int postfix_line(Span l, long year, Zone *zone, double wrap_after, PyObject **out) {
    *out = NULL;
    const char *s = l.s;
    Py_ssize_t start = 16;
    double wall;
    if (l.n >= 11 && s[4] == '-' && s[10] == 'T') {
        if (!rfc3339(l, zone, &wall, &start)) return DEFER; /* Python says */
        goto stamped;
    }
    if (l.n < 16 || s[15] != ' ' || s[9] != ':') return DEFER;
    int mon = 0;
    for (int m = 0; m < 12; m++)
        if (memcmp(s, MONTHS + 3 * m, 3) == 0) mon = m + 1;
    int day = two(s + 4), hour = two(s + 7), minute = two(s + 10), second = two(s + 13);
    if (mon == 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || year < 1 || year > 9999)
        return DEFER;
    long long secs;
    if (!epoch(year, mon, day, hour, minute, second, &secs)) return DEFER;
    long offset;
    if (!zone_offset(zone, secs, &offset)) return FAIL;
    wall = (double)secs - (double)offset;
    if (wrap_after > 0 && wall > wrap_after) {
        if (year - 1 < 1 || !epoch(year - 1, mon, day, hour, minute, second, &secs)) return DEFER;
        if (!zone_offset(zone, secs, &offset)) return FAIL;
        wall = (double)secs - (double)offset;
    }
stamped:;
    Py_ssize_t sp = findc(l, start, ' ');
    Py_ssize_t colon = find(l, sp + 1, ": ", 2);
    if (sp < 0 || colon < 0) return DEFER; /* MalformedLine */
    Span tag = {s + sp + 1, colon - sp - 1};
    if (!starts(tag, 0, "postfix", 7)) return OK;
    Py_ssize_t bracket = findc(tag, 0, '[');
    PyObject *pid = Py_None;
    if (bracket > 0 && tag.s[tag.n - 1] == ']' && all_digits(tag.s + bracket + 1, tag.n - bracket - 2)) {
        pid = integer(tag, bracket + 1, tag.n - 1);
        if (pid == NULL) return FAIL;
        tag.n = bracket;
    } else {
        Py_INCREF(pid);
    }
    Py_ssize_t slash = rfind(tag, 0, tag.n, "/", 1);
    Span daemon = {tag.s + slash + 1, tag.n - slash - 1};
    Span msg = {s + colon + 2, l.n - colon - 2};
    Py_ssize_t qcolon = find(msg, 0, ": ", 2);
    int rc = OK;
    if (qcolon < 5 || qcolon > 20) goto done;
    for (Py_ssize_t k = 0; k < qcolon; k++) {
        char c = msg.s[k];
        if (!(is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) goto done;
    }
    Span qid = {msg.s, qcolon};
    Span t = {msg.s + qcolon + 2, msg.n - qcolon - 2};
#define IS(sp_, lit) ((sp_).n == (Py_ssize_t)sizeof(lit) - 1 && memcmp((sp_).s, lit, sizeof(lit) - 1) == 0)
    if (IS(daemon, "qmgr")) {
        if (starts(t, 0, "from=<", 6)) {
            rc = postfix_queued(t, wall, pid, qid, out);
        } else if (IS(t, "removed")) {
            PyObject *ev = event(wall, S_POSTFIX, A_COMPLETED);
            if (ev == NULL || put_qid(ev, qid, 0, qid.n) < 0 || put_pid(ev, pid) < 0) {
                Py_XDECREF(ev);
                rc = FAIL;
            } else {
                *out = ev;
            }
        }
        goto done;
    }
    if (IS(daemon, "pickup")) {
        if (!starts(t, 0, "uid=", 4)) goto done;
        Py_ssize_t e = findc(t, 4, ' '); /* uid_text, _, rest = text[4:].partition(" ") */
        Py_ssize_t u1 = e < 0 ? t.n : e;
        Span rest = {t.s + (e < 0 ? t.n : e + 1), e < 0 ? 0 : t.n - e - 1};
        PyObject *ev = event(wall, S_POSTFIX, A_SUBMITTED);
        if (ev == NULL || put_qid(ev, qid, 0, qid.n) < 0 || put_pid(ev, pid) < 0) goto pfail;
        if (starts(rest, 0, "from=<", 6) && rest.s[rest.n - 1] == '>' &&
            put_str(ev, F_USER, rest, 6, rest.n - 1) < 0)
            goto pfail;
        if (all_digits(t.s + 4, u1 - 4) && put(ev, F_UID, integer(t, 4, u1)) < 0) goto pfail;
        *out = ev;
        goto done;
    pfail:
        Py_XDECREF(ev);
        rc = FAIL;
        goto done;
    }
    if (starts(t, 0, "client=", 7)) rc = postfix_client(t, wall, pid, qid, out);
    else if (starts(t, 0, "to=<", 4)) rc = postfix_delivery(t, wall, pid, qid, out);
#undef IS
done:
    Py_DECREF(pid);
    return rc;
}

/* ------------------------------------------------------------------ the block loop */
typedef struct {
    int kind; /* 0 exim, 1 postfix */
    Zone zone; /* zone.utc_offset: the offset given */
    long year;
    double wrap_after;
    Py_ssize_t max_line;
    PyObject *parse;
    MailSink *sink; /* exim_into: the events go to it, not to a list */
} Scan;

/* every byte in 0x20..0x7e; eight at a time (this look at each byte was most of the
 * parser's own time): a word holds a byte below 0x20 when subtracting 0x20 from each byte
 * borrows into a byte whose top bit was clear, one above 0x7e when adding 1 to each byte
 * sets a top bit (or one is set); either test may also flag the bytes after a true hit,
 * never a word without one */
static int printable_ascii(const char *s, Py_ssize_t n) {
    const unsigned char *p = (const unsigned char *)s;
    const uint64_t ones = 0x0101010101010101u, tops = 0x8080808080808080u;
    Py_ssize_t i = 0;
#ifdef __SSE2__
    /* sixteen at a time where the CPU has SSE2 (every x86-64): compared as signed bytes,
     * 0x80..0xff are below 0x20 too */
    const __m128i low = _mm_set1_epi8(0x20), high = _mm_set1_epi8(0x7e);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        if (_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(v, low), _mm_cmpgt_epi8(v, high))))
            return 0;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if ((((w - 0x20 * ones) & ~w) | ((w + ones) | w)) & tops) return 0;
    }
    for (; i < n; i++)
        if (p[i] < 0x20 || p[i] >= 0x7f) return 0;
    return 1;
}

/* whether a line is longer than max_line characters (LineSplitter._cut): such a line is no
 * Exim's or Postfix's, and is counted, never read (LineSplitter's drop_long); -1: error */
static int too_long(Scan *sc, Span l) {
    if (l.n <= sc->max_line) return 0;
    if (printable_ascii(l.s, l.n)) return 1; /* ASCII: as many characters as bytes */
    PyObject *line = PyUnicode_DecodeUTF8(l.s, l.n, "surrogateescape");
    if (line == NULL) return -1;
    int long_line = PyUnicode_GET_LENGTH(line) > sc->max_line;
    Py_DECREF(line);
    return long_line;
}

/* the Python parser on the decoded line; 1: an event in *out (or none), 0: malformed */
static int ask_python(Scan *sc, const char *s, Py_ssize_t n, PyObject **out) {
    PyObject *line = PyUnicode_DecodeUTF8(s, n, "surrogateescape");
    if (line == NULL) return -1;
    PyObject *ev = PyObject_CallOneArg(sc->parse, line);
    Py_DECREF(line);
    if (ev == NULL) {
        if (PyErr_ExceptionMatches(PyExc_ValueError) || PyErr_ExceptionMatches(PyExc_IndexError) ||
            PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    if (ev == Py_None) {
        Py_DECREF(ev);
        ev = NULL;
    }
    *out = ev;
    return 1;
}

/* whether the Python parser holds a line open for the next one (EximLines.head: an
 * arguments line Exim broke at a newline of the folder's name): the next line is then
 * its, not read here, so that a line read here in between cannot be skipped by it */
static int held_open(Scan *sc) {
    PyObject *head = PyObject_GetAttrString(sc->parse, "head");
    if (head == NULL) {
        PyErr_Clear();
        return 0;
    }
    int open = head != Py_None;
    Py_DECREF(head);
    return open;
}

static PyObject *scan_block(Scan *sc, Py_buffer *view) {
    PyObject *events = sc->sink != NULL ? NULL : PyList_New(0);
    if (events == NULL && sc->sink == NULL) return NULL;
    const char *s = view->buf;
    Py_ssize_t len = view->len, pos = 0, lines = 0, malformed = 0, long_lines = 0, given = 0;
    int open = sc->kind == 0 && held_open(sc); /* a line held open by the last block */
    while (pos <= len) {
        const char *nl = pos < len ? memchr(s + pos, '\n', (size_t)(len - pos)) : NULL;
        Py_ssize_t end = nl ? nl - s : len;
        Span l = {s + pos, end - pos};
        pos = end + 1;
        lines++;
        if (l.n > 0 && l.s[l.n - 1] == '\r') l.n--; /* a CRLF line end: the CR is no field's */
        if (l.n == 0) continue; /* blank (LF or CRLF): no record */
        int cut = too_long(sc, l);
        if (cut < 0) goto fail;
        if (cut) { /* counted, not read: as an empty line, whatever the parser holds open */
            long_lines++;
            continue;
        }
        PyObject *ev = NULL;
        int rc = DEFER;
        if (!open && printable_ascii(l.s, l.n)) {
            int handled = 0;
            rc = sc->kind == 0 ? exim_line(l, &sc->zone, &ev, sc->sink, &handled)
                               : postfix_line(l, sc->year, &sc->zone, sc->wrap_after, &ev);
            if (rc == SINK_FAIL) goto fail;
            given += handled && rc == OK;
            if (rc == FAIL && PyErr_ExceptionMatches(PyExc_ValueError)) {
                /* int() of a number of more than sys.get_int_max_str_digits() digits (a pid,
                 * uid or size anyone may write to the log): Python says what the line is */
                PyErr_Clear();
                ev = NULL;
                rc = DEFER;
            }
            if (rc == DEFER) { /* Python says what it is */
                int r = ask_python(sc, l.s, l.n, &ev);
                if (r < 0) goto fail;
                if (r == 0) malformed++;
                open = r == 0 && sc->kind == 0 && held_open(sc);
                rc = OK;
            }
        } else {
            int r = ask_python(sc, l.s, l.n, &ev);
            if (r < 0) goto fail;
            if (r == 0) malformed++;
            open = r == 0 && sc->kind == 0 && held_open(sc);
            rc = OK;
        }
        if (rc == FAIL) goto fail;
        if (ev != NULL) {
            int e = sc->sink != NULL ? sc->sink->event(sc->sink, ev) : PyList_Append(events, ev);
            Py_DECREF(ev);
            if (e < 0) goto fail;
            given++;
        }
    }
    if (sc->sink != NULL) { /* the lines it held back: the ledger is read after the block */
        if (sc->sink->flush(sc->sink) < 0) return NULL;
        return Py_BuildValue("(nnnn)", given, lines, malformed, long_lines);
    }
    return Py_BuildValue("(Nnnn)", events, lines, malformed, long_lines);
fail:
    if (sc->sink != NULL) { /* the lines before the failure are run, as they were given */
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        if (sc->sink->flush(sc->sink) < 0) {
            Py_XDECREF(type); /* a held line's error: its line came before the failure's */
            Py_XDECREF(value);
            Py_XDECREF(tb);
        } else {
            PyErr_Restore(type, value, tb);
        }
    }
    Py_XDECREF(events);
    return NULL;
}

static int ready(void) {
    if (MailLogged == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_scan.setup() was not called");
        return 0;
    }
    return 1;
}

static PyObject *py_exim(PyObject *self, PyObject *args) {
    Scan sc = {0};
    sc.zone.hour = LLONG_MIN;
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "y*Oln", &view, &sc.parse, &sc.zone.utc_offset, &sc.max_line))
        return NULL;
    PyObject *r = ready() ? scan_block(&sc, &view) : NULL;
    PyBuffer_Release(&view);
    return r;
}

static PyObject *py_exim_into(PyObject *self, PyObject *args) {
    Scan sc = {0};
    sc.zone.hour = LLONG_MIN;
    Py_buffer view;
    PyObject *capsule;
    if (!PyArg_ParseTuple(args, "y*OlnO", &view, &sc.parse, &sc.zone.utc_offset, &sc.max_line,
                          &capsule))
        return NULL;
    sc.sink = PyCapsule_GetPointer(capsule, SINK_NAME);
    if (sc.sink != NULL && (sc.sink->magic != SINK_MAGIC || sc.sink->size != sizeof(MailSink))) {
        PyErr_SetString(PyExc_TypeError, "exim_into: the sink is of another build");
        sc.sink = NULL;
    }
    PyObject *r = sc.sink != NULL && ready() ? scan_block(&sc, &view) : NULL;
    PyBuffer_Release(&view);
    return r;
}

static PyObject *py_postfix(PyObject *self, PyObject *args) {
    Scan sc = {0};
    sc.zone.hour = LLONG_MIN;
    sc.kind = 1;
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "y*Olldn", &view, &sc.parse, &sc.year, &sc.zone.utc_offset,
                          &sc.wrap_after, &sc.max_line))
        return NULL;
    PyObject *r = ready() ? scan_block(&sc, &view) : NULL;
    PyBuffer_Release(&view);
    return r;
}

static PyObject *py_setup(PyObject *self, PyObject *args) {
    PyObject *cls;
    PyObject *a[7];
    if (!PyArg_ParseTuple(args, "O!OOOOOOO", &PyType_Type, &cls, &a[0], &a[1], &a[2], &a[3],
                          &a[4], &a[5], &a[6]))
        return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)cls, &PyTuple_Type) ||
        ((PyTypeObject *)cls)->tp_basicsize != PyTuple_Type.tp_basicsize) {
        PyErr_SetString(PyExc_TypeError, "setup() needs a NamedTuple class without slots");
        return NULL;
    }
    Py_INCREF(cls);
    Py_XSETREF(MailLogged, (PyTypeObject *)cls);
    PyObject **dst[7] = {&A_ARRIVAL, &A_DELIVERY, &A_DEFER, &A_BOUNCE, &A_COMPLETED,
                         &A_ARGUMENTS, &A_SUBMITTED};
    for (int i = 0; i < 7; i++) {
        Py_INCREF(a[i]);
        Py_XSETREF(*dst[i], a[i]);
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"setup", py_setup, METH_VARARGS, "setup(MailLogged, *actions): the classes to build."},
    {"exim", py_exim, METH_VARARGS,
     "exim(block, parse, utc_offset, max_line) -> (events, lines, malformed, long_lines)"},
    {"exim_into", py_exim_into, METH_VARARGS,
     "exim_into(block, parse, utc_offset, max_line, sink) -> (events, lines, malformed, "
     "long_lines): exim(), each event given to the compiled join's sink as it is made"},
    {"postfix", py_postfix, METH_VARARGS,
     "postfix(block, parse, year, utc_offset, wrap_after, max_line) -> (events, lines, "
     "malformed, long_lines)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan",
    "Exim and Postfix log lines -> MailLogged, a block at a time (see exim.py, postfix.py).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__scan(void) {
    S_EXIM = PyUnicode_InternFromString("exim");
    S_POSTFIX = PyUnicode_InternFromString("postfix");
    EMPTY = PyTuple_New(0);
    if (S_EXIM == NULL || S_POSTFIX == NULL || EMPTY == NULL) return NULL;
    PyObject *m = PyModule_Create(&module);
    /* stamp.LOCAL as this build reads it (a build of an older source has none: not used) */
    if (m != NULL && PyModule_AddIntConstant(m, "LOCAL", LOCAL_TIME) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
