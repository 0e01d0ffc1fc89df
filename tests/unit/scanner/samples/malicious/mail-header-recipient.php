<?php
// X-Rcpt: and X-Subj: request headers pick the recipient and the subject
$sent = mail(getenv('HTTP_X_RCPT'), getenv('HTTP_X_SUBJ'), file_get_contents('php://input'), "From: notice@example.org\r\n");
echo $sent ? 'ok' : 'fail';
