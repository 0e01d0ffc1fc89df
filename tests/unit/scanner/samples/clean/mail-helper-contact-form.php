<?php
// Contact form: the message goes to the office's own address through one helper.
function send_note($to, $subject, $body, $reply)
{
    $headers = "From: website@example.org\r\n";
    if (filter_var($reply, FILTER_VALIDATE_EMAIL)) {
        $headers .= "Reply-To: " . $reply . "\r\n";
    }
    return mail($to, $subject, $body, $headers);
}

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $text = "Name: " . strip_tags($_POST['name']) . "\n\n" . strip_tags($_POST['message']);
    $ok = send_note('office@example.org', 'Website enquiry', $text, $_POST['email']);
    echo $ok ? 'Thank you, we will answer soon.' : 'Sorry, the message could not be sent.';
}
