<?php
// spamtrace test sample: a sign-up class: stores a hash of the password, tells the owner.
class Signup {
    private $owner = 'owner@example.org';
    public function tidy($v) { return trim(strip_tags($v)); }
    public function add($db, $data) {
        $email = $data['email'];
        $hash = password_hash($data['password'], PASSWORD_DEFAULT);
        $st = $db->prepare('INSERT INTO users (email, pass) VALUES (?, ?)');
        $st->execute(array($email, $hash));
        $this->note = "New member: $email";
        return mail($this->owner, "New sign-up", $this->note);
    }
}
$s = new Signup;
$data = array();
$data['email'] = $s->tidy($_POST['email']);
$data['password'] = $s->tidy($_POST['password']);
$s->add(new PDO('sqlite:/var/lib/site/members.db'), $data);
