<?php
// a support form: the message goes to each member of the team the site configured
$team = array('alice@example.com', 'bob@example.com');
$text = "From the website:\n\n" . strip_tags($_POST['message'] ?? '');
foreach ($team as $member) {
    mail($member, 'Website message', $text, "From: web@example.com\r\n");
}
echo 'Thank you';
