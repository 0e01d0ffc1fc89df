<?php
// Test sample (never run): the posted array kept in a variable, an element of it included.
$in = $_POST;
if (isset($in['page'])) {
    include($in['page']);
}
