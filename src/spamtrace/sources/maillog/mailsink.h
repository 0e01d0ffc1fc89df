/* The compiled join's entry for the compiled Exim parser (shared by
 * sources/maillog/_scan.c and attribution/_mailjoin.c, built as two modules).
 *
 * _mailjoin.sink(...) gives a capsule named SINK_NAME holding a MailSink; _scan.exim_into()
 * hands it each event of a block as it is made, in log order, and the lines about one
 * recipient (deliveries, deferrals, bounces, Completed) without making an event at all: the
 * join needs only their queue id, recipient and time, and most of them are about messages it
 * does not hold. The sink may hold the lines about one recipient back until its next event,
 * the block's end (``flush``) or a few more of them: it runs them in the same order, but it
 * asks memory for the places they will take first (see _mailjoin.c, the sink). magic and
 * size are checked (a module of another build is refused). The functions return 0, or -1
 * with a Python exception set. */
#ifndef SPAMTRACE_MAILSINK_H
#define SPAMTRACE_MAILSINK_H
#include <Python.h>

#define SINK_NAME "spamtrace._mailjoin.sink"
#define SINK_MAGIC 0x6d6a736bu

/* An Exim arrival is given to the sink without the client's host name and the message id
 * (``host`` and ``detail`` None): the join reads neither. */
typedef struct MailSink {
    unsigned magic;
    size_t size;
    /* a MailLogged event */
    int (*event)(struct MailSink *self, PyObject *ev);
    /* what: SINK_DELIVERY...; rcpt[0:n] (printable ASCII), n < 0: the line names none */
    int (*line)(struct MailSink *self, int what, PyObject *qid, const char *rcpt, Py_ssize_t n,
                PyObject *wall);
    /* the lines held back, run now (at the end of a block: the ledger is read after it) */
    int (*flush)(struct MailSink *self);
} MailSink;

enum { SINK_DELIVERY, SINK_DEFER, SINK_BOUNCE, SINK_COMPLETED };

#endif
