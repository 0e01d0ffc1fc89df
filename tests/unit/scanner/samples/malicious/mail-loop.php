<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
set_time_limit(0);
error_reporting(0);
$from = $_POST['from'];
$reply = $_POST['reply'];
$subject = $_POST['subject'];
$list = explode("\n", $_POST['emails']);
$report = 'owner.test@gmail.com';
mail($report, 'mailer works', 'harmless test sample');
foreach ($list as $to) {
    mail($to, $subject, $_POST['body'], "From: $from\r\nReply-To: $reply\r\n");
}
?>
<form method="post">Sender name <input name="from"> Reply-To <input name="reply">
Subject <input name="subject"> Email list <textarea name="emails"></textarea>
Your letter <textarea name="body"></textarea> Bcc <input type="submit" value="Send emails"></form>
