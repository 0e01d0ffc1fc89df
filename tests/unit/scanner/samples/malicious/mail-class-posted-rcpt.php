<?php
// spamtrace test sample (written for the tests, never run): a mailer object built from the
// posted recipients, subject and body sends one letter to each
class Blast {
    private $list;
    private $subj;
    private $body;
    public function __construct($list, $subj, $body) {
        $this->list = $list;
        $this->subj = $subj;
        $this->body = $body;
    }
    public function go() {
        foreach (explode("\n", $this->list) as $rcpt) {
            mail(trim($rcpt), $this->subj, $this->body, "Content-type: text/html\r\n");
        }
    }
}
$b = new Blast($_POST['emails'], $_POST['subject'], $_POST['letter']);
$b->go();
