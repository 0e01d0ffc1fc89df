<?php
// a tag archive: meta keywords from the site's tag list, the current tag from the query
$tags = ["garden design ideas", "small space planting", "organic pest control", "seasonal flower care",
    "indoor herb growing", "lawn care basics", "raised bed building", "water saving gardens",
    "composting at home", "pruning fruit trees"];
$current = $_GET['tag'] ?? $tags[0];
$keywords = '';
foreach ($tags as $t) {
    $keywords .= $t . ', ';
}
echo '<meta name="keywords" content="' . htmlspecialchars($keywords) . '">';
foreach (explode(',', '1,2,3') as $n) {
    echo '<a href="?tag=' . urlencode($tags[$n]) . '">' . htmlspecialchars($tags[$n]) . '</a>';
}
