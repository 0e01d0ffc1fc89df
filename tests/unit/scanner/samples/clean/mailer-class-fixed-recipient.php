<?php
// a contact form: a mailer object with the owner's fixed address sends the visitor's note
class Mailer {
    private $to;
    private $from;
    public function __construct($to, $from) { $this->to = $to; $this->from = $from; }
    public function send($subject, $text) {
        $headers = 'From: ' . $this->from . "\r\n";
        return mail($this->to, $subject, $text, $headers);
    }
}
$m = new Mailer('owner@example.org', 'noreply@example.org');
if (!empty($_POST['message'])) {
    $note = strip_tags($_POST['message']);
    $m->send('Contact form', $note);
    echo 'Thank you';
}
