<?php
// a small site's articles with hand-picked related links, titles from a table
$titles = ["how to bake sourdough bread", "easy weeknight pasta dinners", "growing tomatoes on a balcony",
    "a guide to home composting", "fixing a leaky kitchen tap", "painting a room like a pro",
    "choosing a first road bike", "care for indoor ferns", "simple budget meal planning", "sharpening kitchen knives"];
$related = ["1,8,9", "0,8,2", "3,7,1", "2,7,0", "5,9,6", "4,6,3", "5,4,2", "2,3,1", "1,0,9", "4,0,8"];
$id = isset($_GET['id']) ? (int) $_GET['id'] : 0;
$title = $titles[$id] ?? $titles[0];
$list = '';
foreach (explode(',', $related[$id]) as $j) {
    $list .= '<li><a href="?id=' . $j . '">' . htmlspecialchars(ucfirst($titles[$j])) . '</a></li>';
}
?>
<html><head><title><?php echo htmlspecialchars(ucfirst($title)); ?></title>
<meta name="description" content="<?php echo htmlspecialchars(ucfirst($title)); ?> - recipes and home tips">
</head><body><h1><?php echo htmlspecialchars(ucfirst($title)); ?></h1><ul><?php echo $list; ?></ul></body></html>
