<?php
// Ordinary mail code that builds addresses with random or template parts: the random part
// is a mailbox's name, a message's id or a test address, never the sender's domain.

// 1. A test-data seeder: random users at the test domain, one welcome mail each.
function seed_users($db, $count)
{
    for ($i = 0; $i < $count; $i++) {
        $email = 'user' . mt_rand(1000, 9999) . '@example.com';
        $db->insert('users', array('email' => $email));
        mail($email, 'Welcome', 'Test account', "From: seeder@example.com\r\n");
    }
}

// 2. A Message-ID and a VERP bounce address: random parts before the '@'.
function build_headers($host, $id)
{
    $from = 'bounce-' . $id . '-' . substr(md5(mt_rand()), 0, 6) . '@bounces.example.com';
    $headers = "From: Shop <shop@example.com>\r\n";
    $headers .= "Return-Path: " . $from . "\r\n";
    $headers .= "Message-ID: <" . uniqid('', true) . "@" . $host . ">\r\n";
    return $headers;
}

// 3. A newsletter template with merge tags: the tags fill in the site's own values.
$template = array(
    'from_email' => 'newsletter@{site_domain}',
    'from_name'  => '{site_name}',
    'subject'    => '{first_name}, your {month} digest',
    'footer'     => 'Sent to {email}. {unsubscribe_link}',
);

// 4. A deliverability check: one mail to a fresh mail-tester address.
$probe = 'test-' . uniqid() . '@srv1.mail-tester.com';
mail($probe, 'Deliverability test', 'Hello', "From: wordpress@" . $_SERVER['SERVER_NAME'] . "\r\n");

// 5. A catch-all probe of a mailbox server: a random, surely unknown mailbox at the domain.
function catch_all($sock, $domain)
{
    fwrite($sock, 'MAIL FROM: <check@example.com>' . "\r\n");
    fwrite($sock, 'RCPT TO: <' . bin2hex(random_bytes(6)) . '@' . $domain . '>' . "\r\n");
    return fgets($sock, 512);
}

// 6. A sandbox sub-domain per preview (not a mail sender): https://<random>.preview.example.com
$preview = 'https://' . substr(md5(uniqid()), 0, 8) . '.preview.example.com/';
