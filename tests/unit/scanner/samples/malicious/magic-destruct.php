<?php
// code run from a destructor: no eval of request input in sight (written for the tests, never run)
class Cache_Item {
    public $data;
    function __destruct() { @assert($this->data); }
}
$item = new Cache_Item();
$item->data = $_POST['d'];
