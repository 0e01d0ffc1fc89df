<?php
// a caption helper spells with chr() in a loop: what it spells is shown, never called
function caption_letters($word) {
    $out = '';
    $i = 0;
    while ($i < strlen($word)) {
        $out .= chr(ord($word[$i++]) - 1);
    }
    return $out;
}
echo htmlspecialchars(caption_letters('dbqujpo'));
$tags = array_map('trim', explode(',', $_POST['tags'] ?? ''));
echo call_user_func('implode', ', ', $tags);
