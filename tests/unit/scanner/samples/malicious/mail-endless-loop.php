<?php
// test fixture: the same letter to one fixed mailbox on every turn of a loop that never ends
$note = "You have been subscribed\nto our list";
while (2 == 2) {
    @mail('someone@example.net', 'Hello again', wordwrap($note, 70));
    sleep(3);
}
