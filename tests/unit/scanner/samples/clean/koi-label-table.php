<?php
// KOI8-R to UTF-8 for old mail archives: a lookup table by code
function koi_decode($bytes)
{
    $table = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя_copyexecmail";
    $out = '';
    for ($i = 0; $i < count($bytes); $i++) {
        $out .= $table[$bytes[$i]];
    }
    return $out;
}
$label = koi_decode(array(67, 68, 69, 70));
echo array_map('htmlspecialchars', array($label, $_GET['q'] ?? ''))[0];
