<?php
// spamtrace test sample: a value object filled from the form, printed by __toString; a
// code generator that evaluates its own property only in an ordinary method
class Form_Value {
    public $raw;
    public function __construct($raw) { $this->raw = $raw; }
    public function __toString() { return htmlspecialchars((string) $this->raw); }
}
$name = new Form_Value($_POST['name'] ?? '');
echo "Hello $name";
class Proxy_Builder {
    public $src = 'class Generated_Proxy {}';
    public function build() { eval($this->src); }
}
