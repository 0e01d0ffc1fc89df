<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// editor tool: append the product video to one post the editor picked
require __DIR__ . '/wp-load.php';
if (!current_user_can('edit_posts')) { wp_die('no'); }
global $wpdb;
$id = (int) $_POST['post_id'];
$embed = '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ" allowfullscreen></iframe>';
$wpdb->query($wpdb->prepare("UPDATE {$wpdb->posts} SET post_content = CONCAT(post_content, %s) WHERE ID = %d", $embed, $id));
clean_post_cache($id);
echo 'ok';
