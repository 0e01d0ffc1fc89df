<?php
// a generated accessor compiled once: glued from literals, no request input in the code
function accessor_body() { return 'return 40 + ' . '2;'; }
$answer = eval('$base = 1; ' . accessor_body());
$label = isset($_GET['label']) ? htmlspecialchars($_GET['label']) : 'answer';
echo $label . ': ' . $answer;
