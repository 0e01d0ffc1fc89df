<?php
// a formatter chooses a string function from a setting and applies it to its argument
function format_title($t) {
    $case = 'upper';
    $fn = 'strto' . $case;
    return $fn($t);
}
function tidy($t) {
    $fn = 'trim';
    return $fn($t);
}
echo htmlspecialchars(format_title($_GET['title'] ?? ''));
echo htmlspecialchars(tidy($_POST['name'] ?? ''));
