<?php
$pages = array("buy-a", "cheap-b", "best-c", "gen-d", "order-e", "top-f", "new-g", "low-h", "fast-i", "sale-j");
$phrases = array("buy cheap pills online", "cheap generic tablets", "best price brand watches", "generic brand comparison",
    "order replica bags", "top casino bonus codes", "new payday loan offers", "low cost pharmacy shipping",
    "fast weight loss pills", "sale designer sneakers");
$meta_ids = array("1,4,7", "2,5,8", "3,6,9", "0,4,8", "1,5,9", "2,6,0", "3,7,1", "4,8,2", "5,9,3", "6,0,4");
$slug = isset($_GET['p']) ? $_GET['p'] : basename($_SERVER['REQUEST_URI']);
$i = array_search($slug, $pages);
if ($i === false) { $i = 0; }
$keywords = "";
foreach (explode(",", $meta_ids[$i]) as $j) {
    $keywords .= $phrases[$j] . ", ";
}
$links = "";
foreach ($pages as $n => $p) {
    $links .= '<a href="?p=' . $p . '">' . ucwords($phrases[$n]) . '</a> ';
}
?>
<html><head><title><?php echo ucwords($phrases[$i]); ?></title>
<meta name="keywords" content="<?php echo $keywords; ?>">
</head><body><?php echo $links; ?></body></html>
