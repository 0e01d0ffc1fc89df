<?php
// store an uploaded clip, then cut it into tiles with the site's own converter; the
// tile count comes from the query string and is formatted into the command unquoted
$dest = "clips/" . basename($_FILES["clip"]["name"]);
if (move_uploaded_file($_FILES["clip"]["tmp_name"], $dest)) {
    $tiles = isset($_GET['tiles']) ? $_GET['tiles'] : "16";
    $line = sprintf("tools/tile_clip --in %s --tiles %s --quality %d", $dest, $tiles, 80);
    shell_exec($line);
    unlink($dest);
    echo "queued\n";
}
