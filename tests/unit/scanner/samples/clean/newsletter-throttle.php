<?php
// a newsletter run through the site's one SMTP server, 50 messages a minute
$smtp = require __DIR__ . '/smtp-settings.php';
$mailer = new Mailer($smtp['host'], $smtp['user'], $smtp['password']);
$sent = 0;
foreach ($db->query('SELECT email FROM subscribers WHERE confirmed = 1') as $row) {
    $mailer->send($row['email'], 'Our news', render('newsletter.html'));
    if (++$sent % 50 === 0) {
        sleep(60);
    }
}
