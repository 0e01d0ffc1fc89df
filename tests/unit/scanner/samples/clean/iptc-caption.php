<?php
// media library: show the caption and keywords a photographer wrote into the picture
function media_caption($path) {
    $size = getimagesize($path, $info);
    if (!isset($info['APP13'])) return '';
    $tags = iptcparse($info['APP13']);
    $exif = @exif_read_data($path);
    $camera = isset($exif['Model']) ? $exif['Model'] : '';
    $caption = isset($tags['2#120'][0]) ? $tags['2#120'][0] : '';
    return esc_html(trim($caption . ' ' . $camera));
}
