<?php
// helpdesk: poll every mailbox of the settings; a login form for the webmail below
foreach (get_option('helpdesk_boxes', array()) as $box) {
    $mb = imap_open('{' . $box['host'] . ':993/imap/ssl}INBOX', $box['user'], $box['pass']);
    if ($mb) { helpdesk_import($mb); imap_close($mb); }
}
if (isset($_POST['login'])) {
    $mb = imap_open('{mail.example.org:993/imap/ssl}INBOX', $_POST['user'], $_POST['password']);
}
