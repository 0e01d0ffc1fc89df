<?php
$fp = fopen('saves/' . $_GET['slot'] . '.json', 'w');
fwrite($fp, $_POST['state']);
fclose($fp);
echo 'saved';
