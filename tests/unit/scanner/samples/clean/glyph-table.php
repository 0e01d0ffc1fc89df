<?php
// a banner font: each letter is a position in the glyph alphabet
function glyphs($codes)
{
    $alphabet = " ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    $out = '';
    for ($i = 0; $i < count($codes); $i++) {
        $out .= $alphabet[$codes[$i]];
    }
    return $out;
}
$title = glyphs(array(23, 5, 12, 3, 15, 13, 5));
$style = isset($_GET['bold']) ? 'strtoupper' : 'ucfirst';
echo '<h1>' . htmlspecialchars($style(strtolower($title))) . '</h1>';
