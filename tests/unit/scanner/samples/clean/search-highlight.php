<?php
// highlight the visitor's search words in the results
$q = isset($_GET['s']) ? (string) $_GET['s'] : '';
$text = get_the_excerpt();
if ($q !== '') {
    $text = preg_replace('/(' . preg_quote($q, '/') . ')/i', '<mark>$1</mark>', $text);
}
$patterns = array('/\s+/', '/[<>]/');
$clean = preg_replace($patterns, array(' ', ''), $_POST['comment']);
echo $text;
