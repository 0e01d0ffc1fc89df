<?php
// spamtrace test sample: a contact form class that mails the site owner the visitor's note.
class Contact {
    private $to = 'owner@example.org';
    public function tidy($v) { return trim(strip_tags($v)); }
    public function send($data) {
        $name = $data['name'];
        $note = $data['note'];
        $this->body = "Name: $name\nMessage:\n$note\n";
        $this->head = "From: Website <noreply@example.org>\r\n";
        return mail($this->to, "Contact form", $this->body, $this->head);
    }
}
$c = new Contact;
$data = array();
$data['name'] = $c->tidy($_POST['name']);
$data['note'] = $c->tidy($_POST['message']);
$c->send($data);
echo "Thank you";
