<?php
// a value object whose destructor runs its cleanup callbacks, set by the code itself
class Scope {
    public $onClose = 'session_write_close';
    public $name = '';
    function __destruct() {
        $f = $this->onClose;
        $f();
        printf('%s closed', $this->name);
    }
}
$s = new Scope();
$s->name = htmlspecialchars($_GET['scope'] ?? 'main');
