<?php
// a help desk's reply: threaded on the customer's own message, whose Message-ID (at their
// mail provider) the desk stored when the mail came in
function send_reply($ticket, $text)
{
    $h = "From: Help Desk <desk@" . $_SERVER['SERVER_NAME'] . ">\r\n";
    $h .= "Message-ID: <" . bin2hex(random_bytes(8)) . '@' . $_SERVER['SERVER_NAME']
        . ">\r\nX-Customer: customer@icloud.com\r\n";
    $h .= "In-Reply-To: " . $ticket['message_id'] . "\r\n";
    return mail($ticket['email'], 'Re: ' . $ticket['subject'], $text, $h);
}
