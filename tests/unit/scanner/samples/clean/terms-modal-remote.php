<?php
// the terms modal opens from the footer link; its text is kept on the legal team's server
$ch = curl_init('https://legal.example-corp.com/terms/current.html');
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$terms = curl_exec($ch);
curl_close($ch);
echo '<a href="#" onclick="document.getElementById(\'terms\').style.display=\'block\'">Terms</a>';
echo "<div id='terms' class='modal' style='display:none'>" . $terms . "</div>";
